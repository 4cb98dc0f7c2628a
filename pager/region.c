/* Region sets: an AVL tree of regions keyed by start; nodes from a pool. */
#include "abi/err.h"
#include "lib/string.h"
#include "region.h"

static struct region nodes[REGION_POOL];
static struct pool pool;

static struct region *R(struct tnode *n)
{
	return (struct region *)n; /* node is the first member */
}

void region_init(struct region_set *s)
{
	if (!pool.mem)
		pool_init(&pool, nodes, sizeof nodes[0], REGION_POOL);
	tree_init(&s->t);
}

struct region *region_find(const struct region_set *s, uint64_t addr)
{
	struct region *r = R(tree_floor(&s->t, addr));
	return r && addr < r->end ? r : NULL;
}

struct region *region_from(const struct region_set *s, uint64_t addr)
{
	return R(tree_ceil(&s->t, addr));
}

struct region *region_next(const struct region_set *s, const struct region *r)
{
	return R(tree_next(&s->t, &r->node));
}

/* True if [start, end) meets no region of s. */
static bool range_free(const struct region_set *s, uint64_t start, uint64_t end)
{
	struct region *below = R(tree_floor(&s->t, start));
	struct region *above = R(tree_ceil(&s->t, start));
	return !(below && below->end > start) && !(above && above->start < end);
}

int region_add(struct region_set *s, uint64_t start, uint64_t end,
	       unsigned kind, unsigned rights)
{
	if ((start | end) % REGION_PAGE || end <= start)
		return E_INVAL;
	if (!range_free(s, start, end))
		return E_BUSY;
	struct region *r = pool_get(&pool);
	if (!r)
		return E_NOMEM;
	r->node.key = r->start = start;
	r->end = end;
	r->kind = (uint8_t)kind;
	r->rights = (uint8_t)rights;
	return tree_insert(&s->t, &r->node);
}

int region_remove(struct region_set *s, uint64_t start)
{
	struct tnode *n = tree_remove(&s->t, start);
	if (!n)
		return E_NOENT;
	pool_put(&pool, n);
	return E_OK;
}

int region_split(struct region_set *s, uint64_t at)
{
	if (at % REGION_PAGE)
		return E_INVAL;
	struct region *r = region_find(s, at);
	if (!r || r->start == at)
		return E_OK;
	struct region *hi = pool_get(&pool);
	if (!hi)
		return E_NOMEM;
	*hi = *r;
	hi->node.key = hi->start = at;
	r->end = at;
	return tree_insert(&s->t, &hi->node);
}

int region_resize(struct region_set *s, uint64_t start, uint64_t end)
{
	struct region *r = R(tree_find(&s->t, start));
	if (!r)
		return E_NOENT;
	if (end % REGION_PAGE || end <= start)
		return E_INVAL;
	struct region *next = region_next(s, r);
	if (next && next->start < end)
		return E_BUSY;
	r->end = end;
	return E_OK;
}

int region_place(const struct region_set *s, uint64_t size, uint64_t lo,
		 uint64_t hi, uint64_t *out)
{
	if (size == 0 || size % REGION_PAGE || lo % REGION_PAGE || size > hi)
		return E_INVAL;
	uint64_t a = lo;
	struct region *r = R(tree_floor(&s->t, lo));
	if (!r)
		r = region_from(s, lo);
	for (; r; r = region_next(s, r)) {
		if (r->end + REGION_PAGE <= a)
			continue; /* below a, its guard page included */
		if (r->start >= a && r->start - a >= size + REGION_PAGE)
			break; /* the gap before r fits, a guard page before r */
		a = r->end + REGION_PAGE;
	}
	if (a >= hi || hi - a < size)
		return E_NOMEM;
	*out = a;
	return E_OK;
}

bool region_is_lazy(const struct region *r)
{
	return r->b != NULL;
}

size_t region_nodes_used(void)
{
	return pool.inuse;
}
