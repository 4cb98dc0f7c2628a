/* The program-text page cache: two AVL trees over one set of entries. */
#include "abi/err.h"
#include "filecache.h"
#include "tree.h"
#include "pool.h"

#define FILECACHE_POOL 256

struct entry {
	struct tnode by_key; /* key = initrd address of the page's bytes */
	struct tnode by_pfn; /* key = pfn */
	uint32_t gen;
};

static struct entry nodes[FILECACHE_POOL];
static struct pool pool;
static struct tree keys, pfns;

static struct entry *of_pfn_node(struct tnode *n)
{
	return n ? (struct entry *)((char *)n - offsetof(struct entry, by_pfn)) : NULL;
}

bool filecache_find(uint64_t key, uint64_t *pfn, uint32_t *gen)
{
	struct entry *e = (struct entry *)tree_find(&keys, key);
	if (!e)
		return false;
	*pfn = e->by_pfn.key;
	*gen = e->gen;
	return true;
}

int filecache_add(uint64_t key, uint64_t pfn, uint32_t gen)
{
	if (!pool.mem)
		pool_init(&pool, nodes, sizeof nodes[0], FILECACHE_POOL);
	if (tree_find(&keys, key) || tree_find(&pfns, pfn))
		return E_BUSY;
	struct entry *e = pool_get(&pool);
	if (!e)
		return E_NOMEM;
	e->by_key.key = key;
	e->by_pfn.key = pfn;
	e->gen = gen;
	tree_insert(&keys, &e->by_key);
	tree_insert(&pfns, &e->by_pfn);
	return E_OK;
}

void filecache_drop(uint64_t pfn)
{
	struct entry *e = of_pfn_node(tree_remove(&pfns, pfn));
	if (!e)
		return;
	tree_remove(&keys, e->by_key.key);
	pool_put(&pool, e);
}

size_t filecache_entries(void)
{
	return keys.count;
}
