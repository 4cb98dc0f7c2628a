/* Per-CPU page cache for order-0 frames (as Linux's per_cpu_pages and Zircon's
 * page_cache).  Each CPU owns one cache, cache-line aligned, and uses it
 * with interrupts off under the cache's own lock, which only a remote drain
 * (pcp_drain_all from another CPU, when memory runs out) ever contends: the
 * fast path is one uncontended atomic exchange on a line this CPU owns.
 * The global buddy lock is taken once per batch to refill or drain, nested
 * inside a cache lock (order: cache lock, then buddy lock; never two cache
 * locks at once).
 *
 * Frames in a cache are free: REFCOUNT_UNUSED, flag META_PCP, never coalesced.
 * Sizes: PCP_CAPACITY slots; refill PCP_BATCH frames when the cache is empty
 * (count <= PCP_LOW); drain PCP_BATCH frames when count > PCP_HIGH.
 * Why these: a batch of 64 makes the global lock 1/64 of the order-0 traffic
 * in either direction; after a refill the cache holds 64 and after a drain
 * 129, so alloc/free ping-pong anywhere between LOW and HIGH never touches
 * the lock (the 128-frame gap is the hysteresis).  HIGH + 1 <= CAPACITY so a
 * push always fits; at most 193 frames (772 KiB) sit idle per CPU.
 *
 * Pre-zeroed frames: the bottom zcount entries of the stack (pfn[0 ..
 * zcount)) are frames an idle CPU zeroed (pcp_zero_one; flag META_ZEROED
 * in their slots), the rest dirty.  A request for a zeroed frame takes one
 * of those first (a hit) and zeroes a dirty one only if none is ready (a
 * miss); any other request takes a dirty frame first.  An idle CPU keeps
 * at most PCP_ZERO_MAX (64: 256 KiB, a burst of faults' worth) ready, then
 * halts.  They are still free, cached frames: count covers them; a drain
 * gives the dirty ones back first, and the lists do not keep the mark. */
#ifndef MM_PCP_H
#define MM_PCP_H

#include <stdbool.h>
#include <stdint.h>
#include "hooks.h"
#include "spinlock.h"

#define PCP_CAPACITY 256
#define PCP_BATCH    64
#define PCP_LOW      0
#define PCP_HIGH     192
#define PCP_ZERO_MAX 64

/* lock guards count and pfn[]; the counters are written under it and read
 * relaxed from any CPU. */
struct pcp_cache {
	uint32_t count;                /* frames in pfn[0 .. count) */
	uint32_t zcount;               /* of which pfn[0 .. zcount) are zeroed */
	struct spinlock lock;
	uint64_t refills, drains;      /* batches moved */
	uint64_t allocs, frees;        /* served from / returned to this cache */
	uint64_t zero_hits, zero_misses; /* zeroed requests: ready / not */
	uint64_t zero_made;            /* frames zeroed by pcp_zero_one */
	uint64_t pfn[PCP_CAPACITY];    /* LIFO stack: the warmest frame on top */
} __attribute__((aligned(64)));

/* Cache of CPU cpu (cpu < MAX_CPUS). */
struct pcp_cache *pcp_of(unsigned cpu);

/* Empty every cache. */
void pcp_init(void);

/* Pop a free frame into *pfn (refilling first if needed, leaving at least
 * keep frames in the buddy lists) and claim it: refcount UNUSED -> 1
 * (frames poisoned meanwhile are skipped); the caller sets up the rest of
 * the slot.  want_zero: a pre-zeroed frame first (counted as a hit or a
 * miss); *zeroed = whether the frame is one (its META_ZEROED mark: the
 * caller must zero it otherwise).  E_NOMEM if the cache is empty and the
 * buddy allocator has nothing above keep. Interrupts must be off; takes
 * c->lock. */
int pcp_alloc_one(struct pcp_cache *c, uint64_t *pfn, uint64_t keep,
		  bool want_zero, bool *zeroed);

/* Idle work: zero one dirty frame of c (refilling from the lists first,
 * leaving keep, if c has none) and count it ready.  False, doing nothing,
 * if PCP_ZERO_MAX are ready or no frame is there.  One page per call, so
 * the caller can look for work in between.  Interrupts must be off;
 * takes c->lock. */
bool pcp_zero_one(struct pcp_cache *c, uint64_t keep);

/* Pre-zeroed frames ready in c, any CPU. */
unsigned pcp_zeroed_count(const struct pcp_cache *c);

/* Push free frame pfn (already REFCOUNT_UNUSED) and drain if above PCP_HIGH.
 * Interrupts must be off; takes c->lock. */
void pcp_free_one(struct pcp_cache *c, uint64_t pfn);

/* Give every frame of c back to the buddy lists, from any CPU (c->lock,
 * interrupts off meanwhile).  Returns the number moved. */
unsigned pcp_drain_all(struct pcp_cache *c);

bool pcp_needs_refill(const struct pcp_cache *c);
bool pcp_needs_drain(const struct pcp_cache *c);

/* Move up to n frames from the buddy allocator into c (one lock round).
 * Returns the number moved.  The caller holds c->lock (or is alone). */
unsigned pcp_batch_refill(struct pcp_cache *c, unsigned n);

/* Move up to n frames from c back to the buddy allocator (one lock round):
 * the coldest dirty ones, then (only if n asks for more) the zeroed ones.
 * Returns the number moved.  The caller holds c->lock (or is alone). */
unsigned pcp_batch_drain(struct pcp_cache *c, unsigned n);

/* Frames now in c. */
unsigned pcp_cached_count(const struct pcp_cache *c);

#endif
