/* Private to kernel/mm: the MetaSlot array itself, and the few locked buddy
 * operations the per-CPU caches need.  Nothing outside kernel/mm (and its
 * unit tests) includes this.
 *
 * Who writes a slot (see the state table in mm/meta_slot.h):
 *   - buddy free lists, FREE_HEAD/inner/QUARANTINE states, refill and drain:
 *     only under the buddy lock (frame.c);
 *   - a frame in a per-CPU cache: its owner CPU, interrupts off, no lock
 *     (claim UNUSED -> 1 by CAS; free: flags = PCP, then refcount = UNUSED);
 *   - mark_poisoned may turn a cached frame into a "ghost" (UNUSED -> 0 by
 *     CAS, QUARANTINE) under the buddy lock; the owner CPU notices when its
 *     own CAS fails and drops the stale stack entry.
 * Flags, order, purpose and generation are read by other CPUs through the
 * relaxed accessors below (plain moves on x86, but no C data race). */
#ifndef MM_FRAME_INTERNAL_H
#define MM_FRAME_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/meta_slot.h"

extern struct meta_slot *meta_array; /* set by meta_init_array */
extern uint64_t meta_nframes;

static inline struct meta_slot *slot_of(uint64_t pfn)
{
	return &meta_array[pfn];
}

static inline uint16_t slot_flags(const struct meta_slot *s)
{
	return __atomic_load_n(&s->flags, __ATOMIC_RELAXED);
}

static inline void slot_set_flags(struct meta_slot *s, uint16_t f)
{
	__atomic_store_n(&s->flags, f, __ATOMIC_RELAXED);
}

/* Point meta_array at array (nframes slots) without touching the slots. */
void meta_attach(struct meta_slot *array, uint64_t nframes);

/* Take up to n order-0 frames out of the buddy lists into out[], marked
 * META_PCP (one lock round), leaving at least keep frames listed; *count
 * (the cache's) grows by the number taken in that same hold, so that
 * frame_stats never counts a moving frame twice or not at all.  Returns
 * the number taken. */
unsigned buddy_take_batch(uint64_t *out, unsigned n, uint64_t keep, uint32_t *count);

/* Return n cached frames to the buddy lists (one lock round): ghosts are
 * dropped, poisoned frames quarantined, the rest coalesced; *count drops
 * by n in that same hold. */
void buddy_give_batch(const uint64_t *pfns, unsigned n, uint32_t *count);

/* Zero free cached frame pfn and mark it META_ZEROED, unless it is a ghost
 * (then nothing).  Its cache's lock held, interrupts off. */
void frame_zero_cached(uint64_t pfn);

/* Claim a frame popped from a cache: refcount UNUSED -> 1.  False if it is
 * a ghost (quarantined by mark_poisoned) or poisoned (quarantined now). */
bool frame_pcp_claim(uint64_t pfn);

#endif
