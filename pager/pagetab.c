/* The pager's per-space page tables: a four-level radix tree of 256-slot
 * nodes over leaves of 128 entries (see pagetab.h). */
#include "abi/err.h"
#include "lib/string.h"
#include "pagetab.h"
#include "pool.h"
#include "hot.h"

#define VA_LIMIT   (1ull << 47)
#define LEAF_BITS  7
#define LEAF_N     PAGETAB_LEAF
#define NODE_BITS  8
#define NODE_N     (1u << NODE_BITS)
#define LEVELS     4 /* of nodes: 7 + 4 * 8 = 39 >= 35 page-number bits */

/* Both kinds of page start with the same head. */
struct head {
	uint64_t pool;   /* the pool's word (POOL_WORD): keep it */
	uint32_t count;  /* slots or entries in use */
	uint32_t refs;   /* leaves: tables referring to it (0 or 1: private) */
	uint32_t cows;   /* leaves while shared: PAGE_COW entries */
};

struct pt_node {
	struct head h;
	void *slot[NODE_N];
};

struct pt_leaf {
	struct head h;
	uint64_t present[LEAF_N / 64];
	struct page e[LEAF_N];
};

_Static_assert(LEAF_N == 1u << LEAF_BITS, "PAGETAB_LEAF is 2^LEAF_BITS");
_Static_assert(sizeof(struct pt_node) <= POOL_PAGE && sizeof(struct pt_leaf) <= POOL_PAGE,
	       "a node and a leaf fit a page");

static _Alignas(POOL_PAGE) char fixed[PAGETAB_PAGES][POOL_PAGE];
static struct pool pages;   /* of whole pages: fixed, then grown */
static size_t shared_cows;  /* PAGE_COW entries in shared leaves */

/* The pool of table pages, set up at first use. */
static struct pool *table_pages(void)
{
	if (!pages.mem)
		pool_init(&pages, fixed, POOL_PAGE, PAGETAB_PAGES);
	return &pages;
}

static unsigned index_at(uint64_t pn, int level) /* level LEVELS-1 .. 0 */
{
	return (unsigned)(pn >> (LEAF_BITS + NODE_BITS * level)) & (NODE_N - 1);
}

void pagetab_init(struct pagetab *t)
{
	t->root = NULL;
	t->count = 0;
	t->peak = 0;
	t->nodes = 0;
	t->hint_key = 0;
	t->hint = NULL;
}

/* The leaf holding page number pn, or NULL. */
static struct pt_leaf *leaf_of(const struct pagetab *t, uint64_t pn)
{
	struct pt_node *n = t->root;
#pragma GCC unroll 4 /* every fault looks up its page: no loop counter */
	for (int level = LEVELS - 1; n && level >= 0; level--)
		n = n->slot[index_at(pn, level)];
	return (struct pt_leaf *)n;
}

static bool present(const struct pt_leaf *l, unsigned i)
{
	return l->present[i / 64] >> (i % 64) & 1;
}

/* refs is read without the pager's share lock by a fault on a leaf of its
 * own table while another table's fault, holding the lock, may drop its
 * reference (unshare): hence the atomic load and release decrement; 1 read
 * here means the leaf is ours alone, and stays so. */
static bool shared(const struct pt_leaf *l)
{
	return l && __atomic_load_n(&l->h.refs, __ATOMIC_ACQUIRE) > 1;
}

/* The slot that points at page number pn's leaf, or NULL if the path to
 * it is missing. */
static void **leaf_slot(const struct pagetab *t, uint64_t pn)
{
	struct pt_node *n = t->root;
	for (int level = LEVELS - 1; n && level > 0; level--)
		n = n->slot[index_at(pn, level)];
	return n ? &n->slot[index_at(pn, 0)] : NULL;
}

bool pagetab_is_shared(const struct pagetab *t, uint64_t va)
{
	return va < VA_LIMIT && shared(leaf_of(t, va >> 12));
}

unsigned pagetab_sharers(const struct pagetab *t, uint64_t va)
{
	return pagetab_is_shared(t, va) ? leaf_of(t, va >> 12)->h.refs : 1;
}

/* l becomes shared (one more table refers to it). */
static void share(struct pt_leaf *l, void (*fn)(struct page *, void *), void *arg)
{
	if (l->h.refs <= 1) {
		l->h.refs = 1;
		l->h.cows = 0;
		for (unsigned i = 0; i < LEAF_N; i++) {
			if (!present(l, i))
				continue;
			fn(&l->e[i], arg);
			l->h.cows += (l->e[i].flags & PAGE_COW) != 0;
		}
		shared_cows += l->h.cows;
	}
	l->h.refs++;
}

/* One table stops referring to the shared leaf l. */
static void unshare(struct pt_leaf *l)
{
	if (__atomic_sub_fetch(&l->h.refs, 1, __ATOMIC_RELEASE) == 1)
		shared_cows -= l->h.cows;
}

int pagetab_own(struct pagetab *t, uint64_t va,
		void (*copied)(struct page *p, void *arg), void *arg)
{
	void **slot = va < VA_LIMIT ? leaf_slot(t, va >> 12) : NULL;
	struct pt_leaf *l = slot ? *slot : NULL, *c;
	if (!shared(l))
		return E_OK;
	if (!(c = pool_get(table_pages())))
		return E_NOMEM;
	uint64_t pool = c->h.pool;
	memcpy(c, l, sizeof *l);
	c->h.pool = pool;
	c->h.refs = 1;
	unshare(l);
	*slot = c;
	for (unsigned i = 0; i < LEAF_N; i++)
		if (present(c, i))
			copied(&c->e[i], arg);
	return E_OK;
}

/* leaf_of through t's hint (pagetab.h), which a walk to a bottom node
 * sets. */
static inline __attribute__((always_inline)) struct pt_leaf *
leaf_hinted(struct pagetab *t, uint64_t pn)
{
	uint64_t key = (pn >> (LEAF_BITS + NODE_BITS)) + 1;
	if (t->hint_key == key)
		return t->hint->slot[index_at(pn, 0)];
	struct pt_node *n = t->root;
#pragma GCC unroll 3
	for (int level = LEVELS - 1; n && level > 0; level--)
		n = n->slot[index_at(pn, level)];
	if (!n)
		return NULL;
	t->hint = n;
	t->hint_key = key;
	return n->slot[index_at(pn, 0)];
}

PG_HOT struct page *pagetab_lookup_leaf(struct pagetab *t, uint64_t va, void **leaf)
{
	*leaf = NULL;
	if (va % PAGE_SIZE || va >= VA_LIMIT)
		return NULL;
	uint64_t pn = va >> 12;
	struct pt_leaf *l = leaf_hinted(t, pn);
	unsigned i = pn & (LEAF_N - 1);
	*leaf = l;
	return l && present(l, i) ? &l->e[i] : NULL;
}

struct page *pagetab_lookup(const struct pagetab *t, uint64_t va)
{
	if (va % PAGE_SIZE || va >= VA_LIMIT)
		return NULL;
	uint64_t pn = va >> 12;
	struct pt_leaf *l = leaf_of(t, pn);
	unsigned i = pn & (LEAF_N - 1);
	return l && present(l, i) ? &l->e[i] : NULL;
}

bool pagetab_leaf_shared(const void *leaf)
{
	return shared(leaf);
}

/* Fill free entry i of l (ours alone) for page va. */
static void fill(struct pagetab *t, struct pt_leaf *l, unsigned i, uint64_t va, uint64_t pfn,
		 uint32_t gen, uint32_t flags)
{
	l->present[i / 64] |= 1ull << (i % 64);
	l->h.count++;
	l->e[i] = (struct page){ va, pfn, gen, flags };
	if (++t->count > t->peak)
		t->peak = t->count;
}

PG_HOT int pagetab_insert_hint(struct pagetab *t, void *leaf, uint64_t va, uint64_t pfn,
			uint32_t gen, uint32_t flags)
{
	struct pt_leaf *l = leaf;
	if (!l)
		return pagetab_insert(t, va, pfn, gen, flags);
	unsigned i = (va >> 12) & (LEAF_N - 1);
	if (va % PAGE_SIZE || va >= VA_LIMIT)
		return E_INVAL;
	if (present(l, i) || shared(l))
		return E_BUSY;
	fill(t, l, i, va, pfn, gen, flags);
	return E_OK;
}

/* Drop the empty pages on pn's path, leaf upward (the path may stop short:
 * an insert that ran out of pages). */
static void prune(struct pagetab *t, uint64_t pn)
{
	struct pt_node *path[LEVELS];
	t->hint_key = 0; /* the node it names may go */
	void *n = t->root;
	for (int level = LEVELS - 1; level >= 0; level--) {
		path[level] = n;
		n = n ? ((struct pt_node *)n)->slot[index_at(pn, level)] : NULL;
	}
	for (int level = 0; level < LEVELS; level++) {
		void *child = level ? (void *)path[level - 1] : n;
		if (!child)
			continue;
		if (((struct head *)child)->count)
			return;
		pool_put(&pages, child);
		t->nodes -= level > 0;
		path[level]->slot[index_at(pn, level)] = NULL;
		path[level]->h.count--;
	}
	if (t->root && !t->root->h.count) {
		pool_put(&pages, t->root);
		t->nodes--;
		t->root = NULL;
	}
}

int pagetab_insert(struct pagetab *t, uint64_t va, uint64_t pfn, uint32_t gen,
		   uint32_t flags)
{
	if (va % PAGE_SIZE || va >= VA_LIMIT)
		return E_INVAL;
	uint64_t pn = va >> 12;
	if (!t->root) {
		if (!(t->root = pool_get(table_pages())))
			return E_NOMEM;
		t->nodes++;
	}
	struct pt_node *n = t->root;
	for (int level = LEVELS - 1; level >= 0; level--) {
		void **s = &n->slot[index_at(pn, level)];
		if (!*s) {
			if (!(*s = pool_get(table_pages()))) {
				prune(t, pn);
				return E_NOMEM;
			}
			t->nodes += level > 0;
			n->h.count++;
		}
		n = *s;
	}
	struct pt_leaf *l = (struct pt_leaf *)n;
	unsigned i = pn & (LEAF_N - 1);
	if (present(l, i) || shared(l))
		return E_BUSY;
	fill(t, l, i, va, pfn, gen, flags);
	return E_OK;
}

bool pagetab_remove(struct pagetab *t, uint64_t va, struct page *out)
{
	struct page *p = pagetab_lookup(t, va);
	if (!p)
		return false;
	uint64_t pn = va >> 12;
	struct pt_leaf *l = leaf_of(t, pn);
	unsigned i = pn & (LEAF_N - 1);
	if (shared(l))
		return false;
	*out = *p;
	l->present[i / 64] &= ~(1ull << (i % 64));
	l->h.count--;
	t->count--;
	if (!l->h.count)
		prune(t, pn);
	return true;
}

/* The first entry at page number >= pn under n (a node at level, or a
 * leaf at level -1), or NULL. */
static struct page *first_from(void *n, int level, uint64_t pn)
{
	if (level < 0) {
		struct pt_leaf *l = n;
		for (unsigned i = pn & (LEAF_N - 1); i < LEAF_N; i++)
			if (present(l, i))
				return &l->e[i];
		return NULL;
	}
	struct pt_node *node = n;
	unsigned shift = LEAF_BITS + NODE_BITS * (unsigned)level;
	for (unsigned i = index_at(pn, level); i < NODE_N; i++) {
		if (node->slot[i]) {
			struct page *p = first_from(node->slot[i], level - 1, pn);
			if (p)
				return p;
		}
		/* the next slot starts at its own first page number */
		pn = ((pn >> shift) + 1) << shift;
	}
	return NULL;
}

struct page *pagetab_from(const struct pagetab *t, uint64_t va)
{
	if (!t->root || va >= VA_LIMIT)
		return NULL;
	return first_from(t->root, LEVELS - 1, (va + 4095) >> 12);
}

struct page *pagetab_next(const struct pagetab *t, const struct page *p)
{
	return pagetab_from(t, p->va + PAGE_SIZE);
}

/* A copy of the node n at level whose leaves are shared; its pages are
 * reserved. */
static struct pt_node *copy(struct pt_node *n, int level,
			    void (*fn)(struct page *, void *), void *arg)
{
	struct pt_node *d = pool_get(table_pages());
	uint64_t pool = d->h.pool;
	d->h = n->h;
	d->h.pool = pool;
	for (unsigned i = 0; i < NODE_N; i++) {
		if (!n->slot[i])
			continue;
		if (level) {
			d->slot[i] = copy(n->slot[i], level - 1, fn, arg);
		} else {
			share(n->slot[i], fn, arg);
			d->slot[i] = n->slot[i];
		}
	}
	return d;
}

int pagetab_clone(struct pagetab *dst, struct pagetab *src,
		  void (*shared_fn)(struct page *p, void *arg), void *arg)
{
	if (!pool_reserve(table_pages(), src->nodes)) {
		pool_trim(&pages);
		return E_NOMEM;
	}
	dst->root = src->root ? copy(src->root, LEVELS - 1, shared_fn, arg) : NULL;
	dst->count = src->count;
	dst->peak = src->count;
	dst->nodes = src->nodes;
	dst->hint_key = 0; /* its nodes are copies */
	return E_OK;
}

static void destroy(void *n, int level,
		    void (*release)(const struct page *, void *), void *arg)
{
	if (level < 0) {
		struct pt_leaf *l = n;
		if (shared(l)) {
			unshare(l);
			return;
		}
		for (unsigned i = 0; i < LEAF_N; i++)
			if (present(l, i))
				release(&l->e[i], arg);
	} else {
		struct pt_node *node = n;
		for (unsigned i = 0; i < NODE_N; i++)
			if (node->slot[i])
				destroy(node->slot[i], level - 1, release, arg);
	}
	pool_put(&pages, n);
}

const void *pagetab_first_leaf(const struct pagetab *t)
{
	void *n = t->root;
	for (int level = LEVELS - 1; n && level >= 0; level--) {
		struct pt_node *node = n;
		unsigned i = 0;
		while (i < NODE_N && !node->slot[i]) /* empty nodes go (prune) */
			i++;
		n = i < NODE_N ? node->slot[i] : NULL;
	}
	return n;
}

bool pagetab_leaf_touches(const void *leaf, uint32_t flags)
{
	const struct pt_leaf *l = leaf;
	if (shared(l))
		return true;
	for (unsigned i = 0; i < LEAF_N; i++)
		if (present(l, i) && (l->e[i].flags & flags))
			return true;
	return false;
}

void pagetab_drop_leaf(struct pagetab *t, const void *leaf,
		       void (*release)(const struct page *p, void *arg), void *arg)
{
	struct pt_leaf *l = (struct pt_leaf *)leaf;
	unsigned i = 0;
	while (!present(l, i)) /* a leaf in a table has an entry (prune) */
		i++;
	uint64_t pn = l->e[i].va >> 12;
	struct pt_node *bottom = t->root;
	for (int level = LEVELS - 1; level > 0; level--)
		bottom = bottom->slot[index_at(pn, level)];
	t->count -= l->h.count;
	destroy(l, -1, release, arg);
	bottom->slot[index_at(pn, 0)] = NULL;
	bottom->h.count--;
	prune(t, pn); /* the nodes left empty, and the hint */
}

void pagetab_destroy(struct pagetab *t, void (*release)(const struct page *p, void *arg),
		     void *arg)
{
	if (t->root)
		destroy(t->root, LEVELS - 1, release, arg);
	pagetab_init(t);
}

size_t pagetab_count(const struct pagetab *t)
{
	return t->count;
}

size_t pagetab_peak(const struct pagetab *t)
{
	return t->peak;
}

/* The leaves under node n at level (its slots at level 0 are leaves). */
static size_t leaves_under(const struct pt_node *n, int level)
{
	if (level == 0)
		return n->h.count; /* its slots in use, each a leaf */
	size_t k = 0;
	for (unsigned i = 0; i < NODE_N; i++)
		if (n->slot[i])
			k += leaves_under(n->slot[i], level - 1);
	return k;
}

size_t pagetab_table_pages(const struct pagetab *t)
{
	return t->root ? t->nodes + leaves_under(t->root, LEVELS - 1) : 0;
}

size_t pagetab_pages_used(void)
{
	return pages.inuse;
}

size_t pagetab_shared_entries(void)
{
	return shared_cows;
}
