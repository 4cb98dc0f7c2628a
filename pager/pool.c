/* Node pools (pool.h): a free list over the pool's own array, then grown
 * pages, each with its own free list (small nodes) or one node each (whole
 * pages). */
#include "lib/string.h"
#include "pool.h"

/* The head of every grown page of small nodes; its nodes follow. */
struct pool_page {
	struct pool_page *next, *prev; /* on the pool's partial list */
	void *free;                    /* this page's free nodes */
	uint64_t cookie;               /* pool_grow's, for pool_shrink */
	size_t inuse;
};
#define PAGE_HEAD ((sizeof(struct pool_page) + 15) & ~(size_t)15)

/* A grown whole page: its cookie in POOL_WORD while in use, and on the
 * spare list the link after it. */
struct spare {
	uint64_t cookie;
	struct spare *next;
};
_Static_assert(sizeof(uint64_t) == POOL_WORD, "the cookie is the pool's word");

void *(*pool_grow)(uint64_t *cookie);
void (*pool_shrink)(void *page, uint64_t cookie);
size_t pool_pages_held;
size_t pool_nodes_inuse;

void pool_init(struct pool *p, void *mem, size_t size, size_t cap)
{
	p->free = NULL;
	p->mem = mem;
	p->size = size;
	p->cap = cap;
	p->used = 0;
	p->inuse = 0;
	p->avail = cap;
	p->pages = 0;
	p->partial = NULL;
	p->spare = NULL;
	p->lock = (struct lock){ 0 };
}

static bool whole(const struct pool *p)
{
	return p->size == POOL_PAGE;
}

static bool in_mem(const struct pool *p, const void *n)
{
	return (const char *)n >= p->mem && (const char *)n < p->mem + p->cap * p->size;
}

/* Nodes in one grown page. */
static size_t per_page(const struct pool *p)
{
	return whole(p) ? 1 : (POOL_PAGE - PAGE_HEAD) / p->size;
}

static void partial_add(struct pool *p, struct pool_page *g)
{
	g->prev = NULL;
	g->next = p->partial;
	if (g->next)
		g->next->prev = g;
	p->partial = g;
}

static void partial_remove(struct pool *p, struct pool_page *g)
{
	if (g->prev)
		g->prev->next = g->next;
	else
		p->partial = g->next;
	if (g->next)
		g->next->prev = g->prev;
}

/* Lay the fresh page g with cookie out: a spare whole page, or a page of
 * free small nodes on the partial list. */
static void lay_out(struct pool *p, void *page, uint64_t cookie)
{
	if (whole(p)) {
		struct spare *s = page;
		s->cookie = cookie;
		s->next = p->spare;
		p->spare = s;
		return;
	}
	struct pool_page *g = page;
	g->free = NULL;
	g->cookie = cookie;
	g->inuse = 0;
	for (size_t k = 0; k < per_page(p); k++) {
		void **n = (void **)((char *)g + PAGE_HEAD + k * p->size);
		*n = g->free;
		g->free = n;
	}
	partial_add(p, g);
}

/* A fresh page from pool_grow, its nodes free; false if none. */
static bool grow(struct pool *p)
{
	uint64_t cookie = 0;
	void *page = pool_grow ? pool_grow(&cookie) : NULL;
	if (!page)
		return false;
	lay_out(p, page, cookie);
	p->avail += per_page(p);
	p->pages++;
	STAT_ADD(pool_pages_held, 1);
	return true;
}

/* Give the grown page with no node in use back. */
static void shrink(struct pool *p, void *page, uint64_t cookie)
{
	p->avail -= per_page(p);
	p->pages--;
	STAT_SUB(pool_pages_held, 1);
	pool_shrink(page, cookie);
}

bool pool_reserve(struct pool *p, size_t n)
{
	lock_take(&p->lock);
	while (p->avail < n && grow(p))
		;
	bool ok = p->avail >= n;
	lock_give(&p->lock);
	return ok;
}

void pool_trim(struct pool *p)
{
	if (!pool_shrink)
		return;
	lock_take(&p->lock);
	for (struct spare *s = p->spare, *next; s; s = next) {
		next = s->next;
		shrink(p, s, s->cookie);
	}
	p->spare = NULL;
	for (struct pool_page *g = p->partial, *next; g; g = next) {
		next = g->next;
		if (g->inuse == 0) {
			partial_remove(p, g);
			shrink(p, g, g->cookie);
		}
	}
	lock_give(&p->lock);
}

void *pool_get(struct pool *p)
{
	void *n = pool_take(p);
	if (!n)
		return NULL;
	if (whole(p) && !in_mem(p, n)) {
		memset((char *)n + POOL_WORD, 0, p->size - POOL_WORD);
		return n; /* the cookie stays */
	}
	memset(n, 0, p->size);
	return n;
}

/* A node of a grown page (growing one if need be); NULL if none. */
static void *take_grown(struct pool *p)
{
	if (whole(p)) {
		if (!p->spare && !grow(p))
			return NULL;
		struct spare *s = p->spare;
		p->spare = s->next;
		return s;
	}
	if (!p->partial && !grow(p))
		return NULL;
	struct pool_page *g = p->partial;
	void *n = g->free;
	g->free = *(void **)n;
	g->inuse++;
	if (!g->free)
		partial_remove(p, g);
	return n;
}

/* The static nodes first, so grown pages empty out when use falls. */
void *pool_take(struct pool *p)
{
	lock_take(&p->lock);
	void *n = p->free;
	if (n)
		p->free = *(void **)n;
	else if (p->used < p->cap)
		n = p->mem + p->size * p->used++;
	else
		n = take_grown(p);
	if (n) {
		p->inuse++;
		p->avail--;
		STAT_ADD(pool_nodes_inuse, 1);
	}
	lock_give(&p->lock);
	return n;
}

/* Give n, a node of a grown page, back to its page. */
static void put_grown(struct pool *p, void *n)
{
	if (whole(p)) {
		struct spare *s = n;
		if (pool_shrink) {
			shrink(p, s, s->cookie);
			return;
		}
		s->next = p->spare;
		p->spare = s;
		return;
	}
	struct pool_page *g = (struct pool_page *)((uintptr_t)n & ~(uintptr_t)(POOL_PAGE - 1));
	if (!g->free)
		partial_add(p, g);
	*(void **)n = g->free;
	g->free = n;
	if (--g->inuse == 0 && pool_shrink) {
		partial_remove(p, g);
		shrink(p, g, g->cookie);
	}
}

void pool_put(struct pool *p, void *n)
{
	lock_take(&p->lock);
	p->inuse--;
	p->avail++;
	STAT_SUB(pool_nodes_inuse, 1);
	if (in_mem(p, n)) {
		*(void **)n = p->free;
		p->free = n;
	} else {
		put_grown(p, n);
	}
	lock_give(&p->lock);
}
