/* The physical frame allocator: a buddy allocator over the MetaSlot array
 * (orders 0 .. FRAME_MAX_ORDER) under one global lock, with a per-CPU cache
 * (mm/pcp.h) in front of it for order 0. */
#ifndef MM_FRAME_H
#define MM_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include "abi/err.h"
#include "mm/meta_slot.h"
#include "mm/memrange.h"
#include "hooks.h"

#define FRAME_MAX_ORDER 10 /* blocks of 1 .. 1024 frames (4 MiB) */
#define FRAME_USER_RESERVE 256 /* frames user data leaves for page tables
				* and kernel objects (frame_set_reserve) */

struct frame_alloc_options {
	unsigned order;             /* 0 .. FRAME_MAX_ORDER */
	bool zeroed;                /* zero the block before returning it */
	enum frame_purpose purpose; /* PAGE_TABLE, KERNEL_DATA, USER_DATA, CUSTOM */
};

struct frame_stats {
	uint64_t total;        /* frames the allocator manages (free + allocated) */
	uint64_t free;         /* free frames, in the buddy lists and in PCP caches */
	uint64_t poisoned;     /* frames taken out of service */
	uint64_t reserved;     /* frames never given to the allocator */
	uint64_t free_blocks[FRAME_MAX_ORDER + 1]; /* buddy free blocks per order */
	uint64_t by_purpose[PURPOSE_COUNT];        /* allocated frames per purpose */
	uint64_t allocs, frees;                    /* blocks handed out / returned */
	uint64_t pcp_cached[MAX_CPUS];             /* frames in each CPU's cache */
	uint64_t pcp_refills, pcp_drains;          /* batches moved, all CPUs */
	unsigned ncpus;                            /* caches reported */
	uint64_t oom_drains;  /* allocations that found their CPU's cache and the
			       * lists dry and drained the other CPUs' caches */
	uint64_t oom_drained; /* frames those drains gave back */
	uint64_t nomem;       /* allocations refused (E_NOMEM) even so */
	uint64_t zero_ready;  /* pre-zeroed frames waiting in the caches (free,
			       * counted in free and pcp_cached too) */
	uint64_t zero_hits;   /* zeroed order-0 requests served pre-zeroed */
	uint64_t zero_misses; /* ... that had to zero on the spot */
	uint64_t zero_made;   /* frames idle CPUs zeroed ahead */
};

/* Set up the allocator over meta (nframes slots, see meta_init_array),
 * freeing every page-aligned byte range in free_ram into the buddy lists.
 * Frames outside free_ram stay reserved forever. ncpus caches are set up. */
void frame_init(struct meta_slot *meta, uint64_t nframes,
		const struct memrange_set *free_ram, unsigned ncpus);

/* Give the whole frames inside [start, end) bytes that are still reserved
 * (never managed, e.g. a boot module the kernel has copied) to the buddy
 * lists for good.  Returns how many frames were given. */
uint64_t frame_give_range(uint64_t start, uint64_t end);

/* Allocate a block; *pfn = its first frame. Order 0 goes through this CPU's
 * cache.  Before E_NOMEM every CPU's cache is drained and the allocation
 * tried again.  Returns E_OK, E_BADORDER, E_INVAL (purpose) or E_NOMEM. */
int frame_alloc(const struct frame_alloc_options *opt, uint64_t *pfn);

/* Idle work for this CPU: zero one free frame ahead and keep it in its
 * cache for a later zeroed request (at most PCP_ZERO_MAX ready per CPU).
 * Returns false, doing nothing, when enough are ready or no frame is free:
 * then the CPU may halt.  One page per call. */
bool frame_idle_zero(void);

/* Drop the allocation's reference to the order-`order` block at pfn; on the
 * last reference the block returns to the allocator (order 0 via this CPU's
 * cache).  Refuses and reports, changing nothing: E_RANGE (no such frame),
 * E_DOUBLEFREE (already free), E_NOTALLOC (reserved, tail, quarantined),
 * E_BADORDER (not the block's order). */
int frame_free(uint64_t pfn, unsigned order);

/* Take one more reference to the allocated block at pfn.
 * E_OVERFLOW past REFCOUNT_MAX; E_DOUBLEFREE/E_NOTALLOC/E_RANGE as above. */
int frame_get(uint64_t pfn);

/* frame_get without the console report: for frame numbers that come from
 * ring 3, where a stale one is the caller's mistake, not the kernel's. */
int frame_get_quiet(uint64_t pfn);

/* One more reference to the single user-data page (pfn, gen) a frame
 * handle from ring 3 names: frame_get_quiet, then the generation, purpose
 * and order checked with the reference held (nothing kept if one fails).
 * E_STALE for any failure. */
int frame_get_user(uint64_t pfn, uint32_t gen);

/* Take pfn out of service for good.  A free frame is removed from the free
 * lists at once; an allocated one is quarantined when its block is freed
 * (the rest of the block still returns).  E_RANGE if pfn has no slot. */
int mark_poisoned(uint64_t pfn);

/* Keep the last n frames of the buddy lists from user-data allocations
 * (which then fail with E_NOMEM), for the page tables and kernel objects
 * that make their mappings: the pager's frame can always be mapped.  The
 * per-CPU caches of other CPUs are drained before that refusal.  0 (the
 * default): no reserve. */
void frame_set_reserve(uint64_t n);

/* Fill *s with a consistent snapshot of the counters. */
void frame_stats(struct frame_stats *s);

/* Buddy-only entry points (no per-CPU cache), used by the cache itself and by
 * benchmarks comparing the two paths. Same contracts as above. */
int buddy_alloc(const struct frame_alloc_options *opt, uint64_t *pfn);
int buddy_free(uint64_t pfn, unsigned order);

#endif
