/* Per-space page tables of the pager: an AVL tree of pages by address. */
#include "abi/err.h"
#include "pagetab.h"

#define VA_LIMIT (1ull << 47)

static struct page nodes[PAGETAB_POOL];
static struct pool pool;

static struct page *P(struct tnode *n)
{
	return (struct page *)n;
}

void pagetab_init(struct pagetab *t)
{
	if (!pool.mem)
		pool_init(&pool, nodes, sizeof nodes[0], PAGETAB_POOL);
	tree_init(&t->t);
}

int pagetab_insert(struct pagetab *t, uint64_t va, uint64_t pfn, uint32_t gen,
		   uint32_t flags)
{
	if (va % 4096 || va >= VA_LIMIT)
		return E_INVAL;
	struct page *p = pool_get(&pool);
	if (!p)
		return E_NOMEM;
	p->node.key = va;
	p->pfn = pfn;
	p->gen = gen;
	p->flags = flags;
	int e = tree_insert(&t->t, &p->node);
	if (e)
		pool_put(&pool, p);
	return e;
}

struct page *pagetab_lookup(const struct pagetab *t, uint64_t va)
{
	return P(tree_find(&t->t, va));
}

struct page *pagetab_from(const struct pagetab *t, uint64_t va)
{
	return P(tree_ceil(&t->t, va));
}

struct page *pagetab_next(const struct pagetab *t, const struct page *p)
{
	return P(tree_next(&t->t, &p->node));
}

struct clone_fn {
	void (*fn)(struct page *orig, struct page *copy, void *arg);
	void *arg;
};

static void clone_pair(struct tnode *orig, struct tnode *copy, void *arg)
{
	struct clone_fn *c = arg;
	c->fn(P(orig), P(copy), c->arg);
}

int pagetab_clone(struct pagetab *dst, const struct pagetab *src,
		  void (*fn)(struct page *orig, struct page *copy, void *arg),
		  void *arg)
{
	struct clone_fn c = { fn, arg };
	return tree_clone(&dst->t, &src->t, &pool, clone_pair, &c);
}

bool pagetab_remove(struct pagetab *t, uint64_t va, struct page *out)
{
	struct page *p = P(tree_remove(&t->t, va));
	if (!p)
		return false;
	*out = *p;
	pool_put(&pool, p);
	return true;
}

size_t pagetab_count(const struct pagetab *t)
{
	return t->t.count;
}

size_t pagetab_nodes_used(void)
{
	return pool.inuse;
}
