/* COW share counts: an AVL tree of frames keyed by pfn. */
#include "abi/err.h"
#include "cow.h"
#include "tree.h"
#include "pool.h"
#include "hot.h"

struct cow_entry {
	struct tnode node; /* key = pfn */
	unsigned shares;
};

static struct cow_entry nodes[COW_POOL];
static struct pool pool;
static PG_HOT_DATA struct tree table;
static size_t shared; /* entries with shares >= 2 */

static struct cow_entry *lookup(uint64_t pfn)
{
	return (struct cow_entry *)tree_find(&table, pfn);
}

static void pool_ready(void)
{
	if (!pool.mem)
		pool_init(&pool, nodes, sizeof nodes[0], COW_POOL);
}

int cow_mark(uint64_t pfn)
{
	struct cow_entry *c = lookup(pfn);
	if (c) {
		shared += c->shares++ == 1;
		return E_OK;
	}
	pool_ready();
	c = pool_get(&pool);
	if (!c)
		return E_NOMEM;
	c->node.key = pfn;
	c->shares = 2;
	shared++;
	return tree_insert(&table, &c->node);
}

int cow_reserve(size_t n)
{
	pool_ready();
	return pool_reserve(&pool, n) ? E_OK : E_NOMEM;
}

void cow_trim(void)
{
	pool_trim(&pool);
}

PG_HOT bool cow_release(uint64_t pfn)
{
	struct cow_entry *c = lookup(pfn);
	if (!c)
		return false;
	shared -= c->shares == 2;
	if (--c->shares > 0)
		return false;
	tree_remove(&table, pfn);
	pool_put(&pool, c);
	return true;
}

bool cow_is_cow(uint64_t pfn)
{
	return lookup(pfn) != NULL;
}

unsigned cow_count(uint64_t pfn)
{
	struct cow_entry *c = lookup(pfn);
	return c ? c->shares : 1;
}

size_t cow_shared_frames(void)
{
	return shared;
}

size_t cow_entries(void)
{
	return table.count;
}
