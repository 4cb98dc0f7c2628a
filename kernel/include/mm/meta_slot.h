/* MetaSlot: 64 bytes of metadata for every 4 KiB physical frame, kept in one
 * contiguous array indexed by frame number (pfn).  Frame bytes never hold
 * allocator data: the buddy free lists link through these slots.
 *
 * Frame states (refcount, flags):
 *   free, head of a buddy block   REFCOUNT_UNUSED, META_FREE_HEAD, order = k
 *   free, inside a buddy block    REFCOUNT_UNUSED, 0
 *   free, in a per-CPU cache      REFCOUNT_UNUSED, META_PCP
 *   free, cached and pre-zeroed   REFCOUNT_UNUSED, META_PCP | META_ZEROED
 *     (an idle CPU zeroed it; any allocation or free clears the mark)
 *   allocated, head of a block    1 .. REFCOUNT_MAX, META_HEAD, order = k
 *   allocated, tail of a block    0, META_TAIL
 *   reserved (firmware, kernel,   0, META_RESERVED
 *     MetaSlot array, holes)
 *   poisoned, out of service      0, META_QUARANTINE (guard has GUARD_POISONED)
 *
 * Invariant: refcount == REFCOUNT_UNUSED exactly while the frame is free.
 * Allocation moves a head from REFCOUNT_UNUSED to 1 by compare-and-swap and
 * then bumps its generation.  Poison (guard bits) is sticky: a free never
 * clears it and a poisoned frame is never handed out again. */
#ifndef MM_META_SLOT_H
#define MM_META_SLOT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdatomic.h>
#include "lib/list.h"

#define REFCOUNT_UNUSED 0xFFFFFFFFu
#define REFCOUNT_MAX    0x7FFFFFFFu /* a get beyond this is refused */

/* flags */
#define META_FREE_HEAD  0x0001
#define META_PCP        0x0002
#define META_HEAD       0x0004
#define META_TAIL       0x0008
#define META_RESERVED   0x0010
#define META_QUARANTINE 0x0020
#define META_ZEROED     0x0040 /* with META_PCP: every byte is zero */
#define META_SHARED     0x0080 /* with META_HEAD: a frame of MAP_SHARED memory
				  (frame_alloc's FRAME_SHARED): futexes in it
				  are keyed by the frame; KSM never replaces
				  it.  Gone when the frame is freed */

/* guard bits */
#define GUARD_POISONED  0x1u

enum frame_purpose {
	PURPOSE_NONE = 0,   /* free */
	PURPOSE_FIRMWARE,   /* reserved by the memory map, holes, below 1 MiB */
	PURPOSE_KERNEL,     /* kernel image, boot structures, MetaSlot array */
	PURPOSE_PAGE_TABLE,
	PURPOSE_KERNEL_DATA,
	PURPOSE_USER_DATA,
	PURPOSE_CUSTOM,
	PURPOSE_COUNT
};

struct meta_slot;

/* Per-frame behaviour.  A slot's vtable word is 0 (default) or a pointer to a
 * vtable registered with meta_register_vtable; any other word is treated as
 * the default, never called through. */
struct frame_vtable {
	void (*on_unmap)(uint64_t pfn, struct meta_slot *slot);
	void (*on_last_ref)(uint64_t pfn, struct meta_slot *slot);
};

struct meta_slot {
	struct list_link free_list_link; /*  0 buddy free list, while FREE_HEAD */
	_Atomic uint32_t refcount;       /* 16 see states above */
	uint32_t generation;             /* 20 bumped on every allocation */
	uint16_t flags;                  /* 24 META_* */
	uint8_t purpose;                 /* 26 enum frame_purpose */
	uint8_t order;                   /* 27 block order, valid on heads */
	_Atomic uint32_t guard;          /* 28 GUARD_* bits, sticky */
	uintptr_t vtable;                /* 32 struct frame_vtable *, or 0 */
	uint64_t owner;                  /* 40 for later users (owning space) */
	uint64_t private_[2];            /* 48 for later users (pager, KSM) */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct meta_slot) == 64, "MetaSlot must be 64 bytes");

/* A copy of a slot's fields, for debugging and the shell. */
struct meta_snapshot {
	uint64_t pfn;
	uint32_t refcount, generation, guard;
	uint16_t flags;
	uint8_t purpose, order;
	uintptr_t vtable;
};

/* Inclusive iterator over frames first..last. */
struct meta_range_iter {
	uint64_t next, last;
	bool done;
};

/* Bytes of MetaSlot array needed for frames [0, ram_bytes / 4096), rounded up
 * to a whole page. */
uint64_t meta_size_for(uint64_t ram_bytes);

/* Take over array (meta_size_for(nframes * 4096) bytes) for nframes frames
 * and mark every slot reserved (PURPOSE_FIRMWARE).  frame_init then frees the
 * usable ranges into the buddy allocator. */
void meta_init_array(struct meta_slot *array, uint64_t nframes);

/* Slot of pfn, or NULL if pfn is outside the array. */
struct meta_slot *meta_get(uint64_t pfn);

/* Frames covered by the array. */
uint64_t meta_frame_count(void);

/* True if pfn is allocated (not free, not reserved) and its generation is gen. */
bool meta_generation_matches(uint64_t pfn, uint32_t gen);

/* True if (pfn, gen) is the handle of a live user-data frame (gen must fit
 * in 32 bits): what the pager's frame calls accept. */
bool meta_user_frame(uint64_t pfn, uint64_t gen);

/* True if any frame in the order-`order` block at pfn is poisoned. */
bool meta_block_has_poison_guard(uint64_t pfn, unsigned order);

/* Fill *out with pfn's fields. E_RANGE if pfn has no slot. */
int meta_debug_snapshot(uint64_t pfn, struct meta_snapshot *out);

/* Iterate frames first..last inclusive (clamped to the array). */
void meta_range_init(struct meta_range_iter *it, uint64_t first, uint64_t last);
/* Next frame: true and *pfn, *slot set; false when done. */
bool meta_range_next(struct meta_range_iter *it, uint64_t *pfn, struct meta_slot **slot);

/* Register vt as a valid vtable (up to META_MAX_VTABLES). E_NOMEM if full. */
#define META_MAX_VTABLES 8
int meta_register_vtable(const struct frame_vtable *vt);
/* Set pfn's vtable; E_INVAL if vt is neither NULL nor registered. */
int meta_set_vtable(uint64_t pfn, const struct frame_vtable *vt);
/* The vtable in effect for slot: the registered one, else the default. */
const struct frame_vtable *meta_vtable(const struct meta_slot *slot);

#endif
