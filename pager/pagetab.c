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

/* A copy of the subtree at n, node for node (same shape: still AVL);
 * fn(original, copy, arg) on each pair in address order.  The nodes are
 * reserved: pool_take cannot fail. */
static struct tnode *clone(struct tnode *n,
			   void (*fn)(struct page *, struct page *, void *), void *arg)
{
	if (!n)
		return NULL;
	struct page *c = pool_take(&pool);
	*c = *P(n);
	c->node.left = clone(n->left, fn, arg);
	fn(P(n), c, arg);
	c->node.right = clone(n->right, fn, arg);
	return &c->node;
}

int pagetab_clone(struct pagetab *dst, const struct pagetab *src,
		  void (*fn)(struct page *orig, struct page *copy, void *arg),
		  void *arg)
{
	if (!pool_reserve(&pool, src->t.count)) {
		pool_trim(&pool);
		return E_NOMEM;
	}
	dst->t.root = clone(src->t.root, fn, arg);
	dst->t.count = src->t.count;
	return E_OK;
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
