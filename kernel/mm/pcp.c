/* Per-CPU caches of free order-0 frames in front of the buddy allocator.
 * A cache belongs to one CPU, which uses it with interrupts off under the
 * cache's lock; another CPU takes that lock only to drain the cache when
 * memory runs out (pcp_drain_all), so on the fast path the lock is an
 * uncontended exchange on a line this CPU already owns.  Refill and drain
 * move PCP_BATCH frames under one acquisition of the buddy lock
 * (buddy_take_batch, buddy_give_batch), nested inside the cache lock, and
 * the count moves in that hold of the buddy lock too (frame_stats, under
 * it, sees a batch in the lists or in the cache, never both or neither).
 * The counters are written under the cache lock; frame_stats reads them
 * from any CPU (relaxed loads).  The bottom zcount entries are pre-zeroed frames
 * (see pcp.h), made by an idle CPU with pcp_zero_one. */
#include "mm/pcp.h"
#include "mm/frame_internal.h"
#include "abi/err.h"
#include "lib/string.h"

/* One cache per CPU, each on its own cache lines (struct alignment); cache
 * i is used by CPU i, and drained by others only when memory runs out. */
static struct pcp_cache caches[MAX_CPUS];

_Static_assert(PCP_HIGH + 1 <= PCP_CAPACITY, "a push above HIGH must fit");
_Static_assert(PCP_BATCH <= PCP_CAPACITY - PCP_LOW, "a refill must fit");
_Static_assert(PCP_LOW < PCP_HIGH, "watermarks inverted");

static inline void bump(uint64_t *p)
{
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
}

static inline void set_count(struct pcp_cache *c, uint32_t n)
{
	__atomic_store_n(&c->count, n, __ATOMIC_RELAXED);
}

static inline void set_zcount(struct pcp_cache *c, uint32_t n)
{
	__atomic_store_n(&c->zcount, n, __ATOMIC_RELAXED);
}

/* pcp_of: the cache of CPU cpu (cpu < MAX_CPUS). */
struct pcp_cache *pcp_of(unsigned cpu)
{
	return &caches[cpu];
}

/* pcp_init: every cache empty, counters zero (frame_init calls it). */
void pcp_init(void)
{
	memset(caches, 0, sizeof caches);
}

/* pcp_needs_refill: at or below the low mark. */
bool pcp_needs_refill(const struct pcp_cache *c)
{
	return c->count <= PCP_LOW;
}

/* pcp_needs_drain: above the high mark. */
bool pcp_needs_drain(const struct pcp_cache *c)
{
	return c->count > PCP_HIGH;
}

/* pcp_cached_count: frames on c's stack (ghosts included), any CPU. */
unsigned pcp_cached_count(const struct pcp_cache *c)
{
	return __atomic_load_n(&c->count, __ATOMIC_RELAXED);
}

/* Up to n frames from the buddy lists onto c's stack, leaving keep. */
static unsigned refill_keep(struct pcp_cache *c, unsigned n, uint64_t keep)
{
	if (n > PCP_CAPACITY - c->count)
		n = PCP_CAPACITY - c->count;
	unsigned got = buddy_take_batch(&c->pfn[c->count], n, keep, &c->count);
	if (got)
		bump(&c->refills);
	return got;
}

/* pcp_batch_refill: up to n frames from the buddy lists onto c's stack. */
unsigned pcp_batch_refill(struct pcp_cache *c, unsigned n)
{
	return refill_keep(c, n, 0);
}

/* Give the n entries at pfn[at ..] back to the buddy lists and close the
 * gap (count updated; zcount is the caller's). */
static void give_back(struct pcp_cache *c, unsigned at, unsigned n)
{
	unsigned above = c->count - at - n;
	buddy_give_batch(&c->pfn[at], n, &c->count);
	memmove(&c->pfn[at], &c->pfn[at + n], above * sizeof c->pfn[0]);
}

/* pcp_batch_drain: the n coldest dirty frames (just above the zeroed ones)
 * go back to the buddy lists, the warm ones stay; zeroed frames go only
 * when n asks for more than the dirty ones. */
unsigned pcp_batch_drain(struct pcp_cache *c, unsigned n)
{
	if (n > c->count)
		n = c->count;
	if (n == 0)
		return 0;
	unsigned dirty = c->count - c->zcount, nd = n < dirty ? n : dirty;
	if (nd)
		give_back(c, c->zcount, nd);
	if (n > nd) {
		give_back(c, 0, n - nd);
		set_zcount(c, c->zcount - (n - nd));
	}
	bump(&c->drains);
	return n;
}

/* The top dirty frame off the stack; refills from the lists (leaving
 * keep) when there is none.  False if there is none even so. */
static bool pop_dirty(struct pcp_cache *c, uint64_t keep, uint64_t *p)
{
	if (c->count == c->zcount)
		refill_keep(c, PCP_BATCH, keep);
	if (c->count == c->zcount)
		return false;
	*p = c->pfn[c->count - 1];
	set_count(c, c->count - 1);
	return true;
}

/* The warmest zeroed frame off the stack (the top dirty one fills its
 * place).  False if none is ready. */
static bool pop_zeroed(struct pcp_cache *c, uint64_t *p)
{
	if (c->zcount == 0)
		return false;
	*p = c->pfn[c->zcount - 1];
	c->pfn[c->zcount - 1] = c->pfn[c->count - 1];
	set_zcount(c, c->zcount - 1);
	set_count(c, c->count - 1);
	return true;
}

/* Pop and claim (refcount 1) a frame: zeroed first if want_zero, else
 * dirty first, refilling when no dirty one is there (leaving keep
 * listed); skips frames poisoned meanwhile.  *zeroed from the frame's
 * mark.  E_NOMEM when dry.  c->lock held. */
static int alloc_locked(struct pcp_cache *c, uint64_t *pfn, uint64_t keep,
			bool want_zero, bool *zeroed)
{
	for (;;) {
		uint64_t p;
		if (!(want_zero && pop_zeroed(c, &p)) && !pop_dirty(c, keep, &p) &&
		    !pop_zeroed(c, &p))
			return E_NOMEM;
		if (frame_pcp_claim(p)) {
			*zeroed = slot_flags(slot_of(p)) & META_ZEROED;
			bump(&c->allocs);
			if (want_zero)
				bump(*zeroed ? &c->zero_hits : &c->zero_misses);
			*pfn = p;
			return E_OK;
		}
	}
}

/* pcp_alloc_one: alloc_locked under the cache's lock. */
int pcp_alloc_one(struct pcp_cache *c, uint64_t *pfn, uint64_t keep,
		  bool want_zero, bool *zeroed)
{
	spin_lock(&c->lock);
	int e = alloc_locked(c, pfn, keep, want_zero, zeroed);
	spin_unlock(&c->lock);
	return e;
}

/* pcp_zero_one: the coldest dirty frame (just above the zeroed ones) is
 * zeroed where it lies and joins them: nothing moves, count stays. */
bool pcp_zero_one(struct pcp_cache *c, uint64_t keep)
{
	spin_lock(&c->lock);
	bool done = false;
	if (c->zcount < PCP_ZERO_MAX) {
		if (c->count == c->zcount)
			refill_keep(c, PCP_ZERO_MAX - c->zcount, keep);
		if (c->count > c->zcount) {
			frame_zero_cached(c->pfn[c->zcount]);
			set_zcount(c, c->zcount + 1);
			bump(&c->zero_made);
			done = true;
		}
	}
	spin_unlock(&c->lock);
	return done;
}

/* pcp_zeroed_count: zeroed frames ready in c (ghosts included), any CPU. */
unsigned pcp_zeroed_count(const struct pcp_cache *c)
{
	return __atomic_load_n(&c->zcount, __ATOMIC_RELAXED);
}

/* pcp_free_one: push free frame pfn, then drain a batch above the high
 * mark. */
void pcp_free_one(struct pcp_cache *c, uint64_t pfn)
{
	spin_lock(&c->lock);
	if (c->count == PCP_CAPACITY)
		pcp_batch_drain(c, PCP_BATCH);
	c->pfn[c->count] = pfn;
	set_count(c, c->count + 1);
	bump(&c->frees);
	if (pcp_needs_drain(c))
		pcp_batch_drain(c, PCP_BATCH);
	spin_unlock(&c->lock);
}

/* pcp_drain_all: every frame of c back to the buddy lists, from any CPU. */
unsigned pcp_drain_all(struct pcp_cache *c)
{
	unsigned long f = spin_lock_irqsave(&c->lock);
	unsigned n = pcp_batch_drain(c, c->count);
	spin_unlock_irqrestore(&c->lock, f);
	return n;
}
