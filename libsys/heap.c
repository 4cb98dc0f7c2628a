/* The heap allocator (sys/malloc.h): pure, so the host tests run it
 * unchanged over a fake break.
 *
 * The heap is [heap_start, heap_end): chunks back to back, then a 16-byte
 * epilogue header (size 0, in use).  Each chunk starts with a 16-byte
 * header {prev_size, size | USED}; prev_size is always the size of the
 * chunk before (0 for the first), so free can find both neighbours.
 * Invariants: sizes are multiples of 16 and at least MIN_CHUNK; no two
 * free chunks are adjacent (free coalesces); every free chunk is on
 * exactly one list, bins[bin_of(size)], linked through its payload.
 * Not thread-safe by itself: libsys's malloc.c calls it under a lock. */
#include "sys/malloc.h"
#include "abi/page.h"

#define HDR       16ull
#define MIN_CHUNK 32ull
#define USED      1ull
#define NBINS     24
#define GROW_MIN  (64ull * 1024)
#define TRIM_MIN  (256ull * 1024)
#define ALLOC_MAX (1ull << 46)

struct chunk {
	uint64_t prev_size;
	uint64_t size;              /* whole chunk, header included | USED */
	struct chunk *next, *prev;  /* free list links (free chunks only) */
};

static struct chunk *bins[NBINS];
static uint64_t heap_start, heap_end;

static uint64_t up(uint64_t x, uint64_t a) { return (x + a - 1) & ~(a - 1); }
static uint64_t csize(const struct chunk *c) { return c->size & ~15ull; }
static int used(const struct chunk *c) { return (int)(c->size & USED); }
static struct chunk *after(struct chunk *c) { return (struct chunk *)((char *)c + csize(c)); }
static struct chunk *epilogue(void) { return (struct chunk *)(heap_end - HDR); }

/* The chunk before c, or NULL for the first. */
static struct chunk *before(struct chunk *c)
{
	return (uint64_t)c == heap_start ? NULL : (struct chunk *)((char *)c - c->prev_size);
}

/* Give c size sz and the in-use bit u, keeping the next prev_size true. */
static void set_size(struct chunk *c, uint64_t sz, uint64_t u)
{
	c->size = sz | u;
	after(c)->prev_size = sz;
}

static int bin_of(uint64_t sz)
{
	int b = 63 - __builtin_clzll(sz) - 5;
	return b < NBINS ? b : NBINS - 1;
}

static void push(struct chunk *c)
{
	struct chunk **h = &bins[bin_of(csize(c))];
	c->prev = NULL;
	c->next = *h;
	if (*h)
		(*h)->prev = c;
	*h = c;
}

static void unlink_chunk(struct chunk *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		bins[bin_of(csize(c))] = c->next;
	if (c->next)
		c->next->prev = c->prev;
}

/* Merge the free chunk c (on no list) with free neighbours; returns the
 * merged chunk, on no list. */
static struct chunk *coalesce(struct chunk *c)
{
	struct chunk *n = after(c), *p = before(c);
	if (!used(n)) {
		unlink_chunk(n);
		set_size(c, csize(c) + csize(n), 0);
	}
	if (p && !used(p)) {
		unlink_chunk(p);
		set_size(p, csize(p) + csize(c), 0);
		c = p;
	}
	return c;
}

/* If the free chunk c ends the heap and is large, give its pages back
 * (keeping MIN_CHUNK of it). */
static void trim(struct chunk *c)
{
	if (after(c) != epilogue() || csize(c) < TRIM_MIN)
		return;
	uint64_t new_end = up((uint64_t)c + MIN_CHUNK + HDR, PAGE_SIZE);
	if (new_end >= heap_end || heap_brk(new_end) != new_end)
		return;
	heap_end = new_end;
	c->size = new_end - HDR - (uint64_t)c;
	epilogue()->prev_size = c->size;
	epilogue()->size = USED;
}

/* Free the tail of the in-use chunk c beyond need bytes, if that leaves a
 * whole chunk. */
static void shrink(struct chunk *c, uint64_t need)
{
	uint64_t rest = csize(c) - need;
	if (rest < MIN_CHUNK)
		return;
	set_size(c, need, USED);
	struct chunk *r = (struct chunk *)((char *)c + need);
	set_size(r, rest, 0);
	push(coalesce(r));
}

/* Set up an empty heap at the current break; 0 if the break is unusable. */
static int heap_init(void)
{
	uint64_t b = heap_brk(0), start = up(b, 16);
	if (b == 0 || heap_brk(up(start + HDR, PAGE_SIZE)) < start + HDR)
		return 0;
	heap_start = start;
	heap_end = start + HDR;
	epilogue()->prev_size = 0;
	epilogue()->size = USED;
	return 1;
}

/* Grow the heap by at least need bytes; returns the new free chunk at its
 * end (merged, on no list), or NULL if the break cannot move. */
static struct chunk *extend(uint64_t need)
{
	if (!heap_start && !heap_init())
		return NULL;
	uint64_t new_end = up(heap_end + (need > GROW_MIN ? need : GROW_MIN), PAGE_SIZE);
	if (heap_brk(new_end) < new_end)
		return NULL;
	struct chunk *c = epilogue();
	heap_end = new_end;
	epilogue()->size = USED;
	set_size(c, new_end - HDR - (uint64_t)c, 0);
	return coalesce(c);
}

/* Unlink and return a free chunk of at least need bytes, or NULL. */
static struct chunk *find(uint64_t need)
{
	for (int b = bin_of(need); b < NBINS; b++)
		for (struct chunk *c = bins[b]; c; c = c->next)
			if (csize(c) >= need) {
				unlink_chunk(c);
				return c;
			}
	return NULL;
}

/* Chunk size for n payload bytes. */
static uint64_t need_for(size_t n)
{
	uint64_t need = up((uint64_t)n + HDR, 16);
	return need < MIN_CHUNK ? MIN_CHUNK : need;
}

/* heap_alloc: n bytes, 16-byte aligned; NULL when the break cannot grow. */
void *heap_alloc(size_t n)
{
	if (n > ALLOC_MAX)
		return NULL;
	uint64_t need = need_for(n);
	struct chunk *c = find(need);
	if (!c && !(c = extend(need)))
		return NULL;
	set_size(c, csize(c), USED);
	shrink(c, need);
	return (char *)c + HDR;
}

/* heap_free: give p back; a pointer not in use is a bug and traps. */
void heap_free(void *p)
{
	if (!p)
		return;
	struct chunk *c = (struct chunk *)((char *)p - HDR);
	if ((uint64_t)c < heap_start || (uint64_t)c >= heap_end || !used(c))
		__builtin_trap();
	set_size(c, csize(c), 0);
	c = coalesce(c);
	trim(c);
	push(c);
}

/* heap_calloc: n * size zeroed bytes; NULL on overflow or no memory. */
void *heap_calloc(size_t n, size_t size)
{
	if (size && n > ALLOC_MAX / size)
		return NULL;
	void *p = heap_alloc(n * size);
	if (p)
		__builtin_memset(p, 0, n * size);
	return p;
}

/* heap_realloc: resize p in place when it can, else move it; NULL (p
 * untouched) when there is no memory. */
void *heap_realloc(void *p, size_t n)
{
	if (!p)
		return heap_alloc(n);
	if (n == 0) {
		heap_free(p);
		return NULL;
	}
	if (n > ALLOC_MAX)
		return NULL;
	struct chunk *c = (struct chunk *)((char *)p - HDR), *nx = after(c);
	uint64_t need = need_for(n);
	if (csize(c) < need && !used(nx) && csize(c) + csize(nx) >= need) {
		unlink_chunk(nx);
		set_size(c, csize(c) + csize(nx), USED);
	}
	if (csize(c) >= need) {
		shrink(c, need);
		return p;
	}
	void *q = heap_alloc(n);
	if (q) {
		__builtin_memcpy(q, p, csize(c) - HDR);
		heap_free(p);
	}
	return q;
}

/* Walk the free lists: each chunk free, in its bin, linked both ways. */
static int check_bins(uint64_t *nfree)
{
	for (int b = 0; b < NBINS; b++)
		for (struct chunk *c = bins[b], *prev = NULL; c; prev = c, c = c->next) {
			if (used(c) || bin_of(csize(c)) != b || c->prev != prev)
				return 10 + b;
			if (++*nfree > (heap_end - heap_start) / MIN_CHUNK)
				return 9; /* a cycle */
		}
	return 0;
}

int heap_check(void)
{
	uint64_t nfree = 0, listed = 0, prev = 0;
	if (!heap_start)
		return 0;
	struct chunk *c = (struct chunk *)heap_start;
	for (; c != epilogue(); c = after(c)) {
		uint64_t sz = csize(c);
		if ((uint64_t)c > heap_end - HDR || sz < MIN_CHUNK || (sz & 15))
			return 1;
		if (c->prev_size != prev)
			return 2;
		if (!used(c) && (uint64_t)c != heap_start && !used(before(c)))
			return 3; /* two free neighbours */
		nfree += !used(c);
		prev = sz;
		if ((uint64_t)c + sz > heap_end - HDR)
			return 4;
	}
	if (c->prev_size != prev || c->size != USED)
		return 5;
	int e = check_bins(&listed);
	return e ? e : listed != nfree ? 6 : 0;
}

size_t heap_free_bytes(void)
{
	size_t n = 0;
	for (int b = 0; b < NBINS; b++)
		for (struct chunk *c = bins[b]; c; c = c->next)
			n += csize(c);
	return n;
}

size_t heap_size(void)
{
	return heap_start ? heap_end - heap_start : 0;
}
