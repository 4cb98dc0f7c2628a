/* Region sets: an AVL tree of regions keyed by start; nodes from a pool. */
#include "abi/err.h"
#include "lib/string.h"
#include "region.h"
#include "pool.h"
#include "hot.h"

static struct region nodes[REGION_POOL];
static struct pool pool;

static struct region *R(struct tnode *n)
{
	return (struct region *)n; /* node is the first member */
}

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* The tree's augment: n's subtree bounds and widest hole from its
 * children's. */
static void augment(struct tnode *n)
{
	struct region *r = R(n), *l = R(n->left), *h = R(n->right);
	uint64_t gap = 0;
	r->sub_lo = l ? l->sub_lo : r->start;
	r->sub_hi = h ? h->sub_hi : r->end;
	if (l)
		gap = max64(l->sub_gap, r->start - l->sub_hi);
	if (h)
		gap = max64(gap, max64(h->sub_gap, h->sub_lo - r->end));
	r->sub_gap = gap;
}

void region_init(struct region_set *s)
{
	if (!pool.mem)
		pool_init(&pool, nodes, sizeof nodes[0], REGION_POOL);
	tree_init(&s->t);
	s->t.augment = augment;
	s->last = NULL;
}

struct region *region_find_tree(struct region_set *s, uint64_t addr)
{
	struct region *r = R(tree_floor(&s->t, addr));
	if (!r || addr >= r->end)
		return NULL;
	return s->last = r;
}

struct region *region_from(const struct region_set *s, uint64_t addr)
{
	return R(tree_ceil(&s->t, addr));
}

struct region *region_first(struct region_set *s, uint64_t addr)
{
	struct region *r = region_find(s, addr);
	return r ? r : region_from(s, addr);
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
	if ((start | end) % PAGE_SIZE || end <= start)
		return E_INVAL;
	if (!range_free(s, start, end))
		return E_BUSY;
	struct region *r = region_set_count(s) < REGION_SET_MAX ? pool_get(&pool) : NULL;
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
	s->last = NULL;
	pool_put(&pool, n);
	return E_OK;
}

int region_split(struct region_set *s, uint64_t at)
{
	if (at % PAGE_SIZE)
		return E_INVAL;
	struct region *r = region_find(s, at);
	if (!r || r->start == at)
		return E_OK;
	struct region *hi = region_set_count(s) < REGION_SET_MAX ? pool_get(&pool) : NULL;
	if (!hi)
		return E_NOMEM;
	*hi = *r;
	hi->node.key = hi->start = at;
	r->end = at;
	tree_refresh(&s->t, r->start);
	return tree_insert(&s->t, &hi->node);
}

/* True if a and b (a just below b) hold the same kind of memory. */
static bool same_kind(const struct region *a, const struct region *b)
{
	return a->end == b->start && a->kind == b->kind && a->rights == b->rights &&
	       a->mergeable == b->mergeable && a->fork == b->fork && a->b == b->b &&
	       a->fdata == b->fdata &&
	       a->fvaddr == b->fvaddr && a->filesz == b->filesz && a->shm == b->shm && a->shm_va0 == b->shm_va0 &&
	       a->shm_hold == b->shm_hold && a->shm_private == b->shm_private &&
	       a->no_write == b->no_write;
}

bool region_merge_next(struct region_set *s, struct region *r)
{
	struct region *next = region_next(s, r);
	if (!next || !same_kind(r, next))
		return false;
	uint64_t start = r->start, end = next->end;
	region_remove(s, next->start);
	r = R(tree_find(&s->t, start));
	r->end = end;
	tree_refresh(&s->t, start);
	return true;
}

int region_resize(struct region_set *s, uint64_t start, uint64_t end)
{
	struct region *r = R(tree_find(&s->t, start));
	if (!r)
		return E_NOENT;
	if (end % PAGE_SIZE || end <= start)
		return E_INVAL;
	struct region *next = region_next(s, r);
	if (next && next->start < end)
		return E_BUSY;
	r->end = end;
	tree_refresh(&s->t, start);
	return E_OK;
}

#define NO_HOLE UINT64_MAX

/* The start of the first hole (the end of the region before it) under n
 * that begins at or after k and is at least need wide; NO_HOLE if none.
 * A subtree whose widest hole is too narrow, or that ends at or before k,
 * is skipped whole, so this visits O(log n) nodes: the path to k, then
 * one descent into a subtree sure to hold the hole. */
static uint64_t first_hole(const struct region *n, uint64_t k, uint64_t need)
{
	if (!n || n->sub_gap < need || n->sub_hi <= k)
		return NO_HOLE;
	STAT_ADD(tree_steps, 1);
	const struct region *l = R(n->node.left), *h = R(n->node.right);
	uint64_t a = first_hole(l, k, need);
	if (a != NO_HOLE)
		return a;
	if (l && l->sub_hi >= k && n->start - l->sub_hi >= need)
		return l->sub_hi;
	if (h && n->end >= k && h->sub_lo - n->end >= need)
		return n->end;
	return first_hole(h, k, need);
}

/* The first fit is either at lo (or just past the region over lo), before
 * the next region, or in the first wide enough hole after that region, or
 * after the last region. */
int region_place(const struct region_set *s, uint64_t size, uint64_t lo,
		 uint64_t hi, uint64_t *out)
{
	if (size == 0 || size % PAGE_SIZE || lo % PAGE_SIZE || size > hi)
		return E_INVAL;
	uint64_t a = lo;
	struct region *below = R(tree_floor(&s->t, lo)), *next;
	if (below && below->end + PAGE_SIZE > lo) {
		a = below->end + PAGE_SIZE; /* its guard page */
		next = region_next(s, below);
	} else {
		next = region_from(s, lo);
	}
	if (next && (next->start < a || next->start - a < size + PAGE_SIZE)) {
		uint64_t at = first_hole(R(s->t.root), next->end, size + 2 * PAGE_SIZE);
		a = (at == NO_HOLE ? R(s->t.root)->sub_hi : at) + PAGE_SIZE;
	}
	if (a >= hi || hi - a < size)
		return E_NOMEM;
	*out = a;
	return E_OK;
}

/* Subtree data of n's subtree right, keys in order without overlaps; its
 * lowest start and highest end into *lo, *hi. */
static bool check(const struct region *n, uint64_t *lo, uint64_t *hi)
{
	const struct region *l = R(n->node.left), *h = R(n->node.right);
	uint64_t llo, lhi, hlo, hhi, gap = 0;
	if (n->node.key != n->start || n->end <= n->start)
		return false;
	*lo = n->start;
	*hi = n->end;
	if (l) {
		if (!check(l, &llo, &lhi) || lhi > n->start)
			return false;
		*lo = llo;
		gap = max64(l->sub_gap, n->start - lhi);
	}
	if (h) {
		if (!check(h, &hlo, &hhi) || hlo < n->end)
			return false;
		*hi = hhi;
		gap = max64(gap, max64(h->sub_gap, hlo - n->end));
	}
	return n->sub_lo == *lo && n->sub_hi == *hi && n->sub_gap == gap;
}

bool region_check(const struct region_set *s)
{
	uint64_t lo, hi;
	return tree_check(&s->t) && (!s->t.root || check(R(s->t.root), &lo, &hi));
}

bool region_is_lazy(const struct region *r)
{
	return r->b != NULL;
}

uint64_t region_pages(const struct region_set *s)
{
	return ((uint64_t)region_set_count(s) * sizeof(struct region) + PAGE_SIZE - 1) / PAGE_SIZE;
}

size_t region_nodes_used(void)
{
	return pool.inuse;
}
