/* The physical frame allocator: a binary buddy allocator whose free lists
 * link through the MetaSlot array (never through frame bytes), orders
 * 0 .. FRAME_MAX_ORDER, blocks naturally aligned on the absolute pfn
 * (buddy of pfn at order k = pfn ^ 2^k).  Order-0 requests go through the
 * per-CPU caches in pcp.c.  Reference counts are lock-free CAS on the slot;
 * everything else about free blocks is under the one buddy lock. */
#include "mm/frame.h"
#include "mm/pcp.h"
#include "mm/frame_internal.h"
#include "spinlock.h"
#include "lib/string.h"
#include "printk.h"

#define ORDERS (FRAME_MAX_ORDER + 1)

/* The global buddy allocator.  lock guards every field below and every slot
 * in the FREE_HEAD, inner-free and QUARANTINE states, and each move into or
 * out of them.  Invariants, lock held:
 *   - free[k] links exactly the FREE_HEAD slots with order k; each block is
 *     aligned on 2^k frames and all of its frames are REFCOUNT_UNUSED;
 *   - two free buddies of one order are never both listed (they merge);
 *   - free_frames == sum of nfree[k] << k;
 *   - managed == free_frames + cached frames (minus ghosts) + allocated
 *     frames + poisoned.  by_purpose/allocs/frees count the slow path only;
 *     the fast path counts per CPU (cpu_counts, struct pcp_cache). */
static struct buddy {
	struct spinlock lock;
	struct list_link free[ORDERS];
	uint64_t nfree[ORDERS];             /* free blocks per order */
	uint64_t free_frames;               /* frames in the free lists */
	uint64_t managed;                   /* frames given to us by frame_init */
	uint64_t reserved;                  /* frames never given */
	uint64_t poisoned;                  /* frames quarantined */
	uint64_t allocs, frees;             /* blocks, slow path */
	uint64_t by_purpose[PURPOSE_COUNT]; /* frames, slow path */
	unsigned ncpus;
	uint64_t reserve;                   /* listed frames user data may not take */
} buddy = { .lock = SPINLOCK_INIT };

/* Cached frames quarantined by mark_poisoned whose stack entry their owner
 * CPU has not dropped yet (counted in pcp counts, but not free). */
static _Atomic uint64_t ghosts;

/* Running out: drains of the other CPUs' caches made because this CPU's
 * cache and the lists were dry (drain_all_pages in Linux), the frames they
 * moved, and allocations refused even after that. */
static _Atomic uint64_t oom_drains, oom_drained, nomem;

/* Allocated order-0 frames by purpose, fast path.  Written only by the
 * owning CPU with interrupts off; one CPU's count may wrap below zero (freed
 * elsewhere than allocated): only the sum over CPUs means anything. */
static struct cpu_counts {
	uint64_t by_purpose[PURPOSE_COUNT];
} __attribute__((aligned(64))) cpu_counts[MAX_CPUS];

/* Single-writer counter update; readers on other CPUs load it relaxed. */
static inline void bump(uint64_t *p, uint64_t d)
{
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + d,
			 __ATOMIC_RELAXED);
}

static inline uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline uint64_t pfn_of(const struct meta_slot *s)
{
	return (uint64_t)(s - meta_array);
}

static inline bool poisoned(const struct meta_slot *s)
{
	return atomic_load(&s->guard) & GUARD_POISONED;
}

static void zero_block(uint64_t pfn, unsigned k)
{
	memset(arch_phys_to_virt(pfn << 12), 0, 4096ull << k);
}

static void report(const char *what, uint64_t pfn, int e)
{
	printk("frame: refused %s of pfn 0x%lx: %s\n", what, pfn, err_str(e));
}

/* ---- free lists (lock held) ---- */

static void list_push(unsigned k, uint64_t pfn)
{
	struct meta_slot *s = slot_of(pfn);
	slot_set_flags(s, META_FREE_HEAD);
	s->order = (uint8_t)k;
	list_add(&buddy.free[k], &s->free_list_link);
	buddy.nfree[k]++;
	buddy.free_frames += 1ull << k;
}

static void list_remove(uint64_t pfn)
{
	struct meta_slot *s = slot_of(pfn);
	unsigned k = s->order;
	list_del(&s->free_list_link);
	slot_set_flags(s, 0);
	s->order = 0;
	buddy.nfree[k]--;
	buddy.free_frames -= 1ull << k;
}

/* Put the block [pfn, pfn + 2^k), whose slots are all inner-free, on the
 * lists, merging with its buddy for as long as the buddy is free. */
static void insert_locked(uint64_t pfn, unsigned k)
{
	while (k < FRAME_MAX_ORDER) {
		uint64_t b = pfn ^ (1ull << k);
		if (b >= meta_nframes)
			break;
		struct meta_slot *bs = slot_of(b);
		if (!(slot_flags(bs) & META_FREE_HEAD) || bs->order != k)
			break;
		list_remove(b);
		pfn &= ~(1ull << k);
		k++;
	}
	list_push(k, pfn);
}

/* Remove the first block of the smallest order >= order, split it down to
 * order (upper halves go back on the lists). False if none. */
static bool take_locked(unsigned order, uint64_t *pfn)
{
	unsigned k = order;
	while (k < ORDERS && list_empty(&buddy.free[k]))
		k++;
	if (k == ORDERS)
		return false;
	struct list_link *l = buddy.free[k].next;
	uint64_t p = pfn_of(container_of(l, struct meta_slot, free_list_link));
	list_remove(p);
	while (k > order) {
		k--;
		list_push(k, p + (1ull << k));
	}
	*pfn = p;
	return true;
}

/* Take pfn out of service for good. */
static void quarantine_locked(uint64_t pfn)
{
	struct meta_slot *s = slot_of(pfn);
	slot_set_flags(s, META_QUARANTINE);
	s->order = 0;
	s->purpose = PURPOSE_NONE;
	s->vtable = 0;
	atomic_store(&s->refcount, 0);
	buddy.poisoned++;
}

/* Free [pfn, pfn + 2^k) (inner-free slots) in the largest pieces that hold
 * no poisoned frame; quarantine the poisoned frames. */
static void release_split_locked(uint64_t pfn, unsigned k)
{
	if (!meta_block_has_poison_guard(pfn, k)) {
		insert_locked(pfn, k);
	} else if (k == 0) {
		quarantine_locked(pfn);
	} else {
		release_split_locked(pfn, k - 1);
		release_split_locked(pfn + (1ull << (k - 1)), k - 1);
	}
}

/* Turn the slots of an allocated block back to inner-free; returns true if
 * any of its frames is poisoned. */
static bool reset_block_locked(uint64_t pfn, unsigned k)
{
	bool bad = false;
	for (uint64_t p = pfn; p < pfn + (1ull << k); p++) {
		struct meta_slot *s = slot_of(p);
		slot_set_flags(s, 0);
		s->order = 0;
		s->purpose = PURPOSE_NONE;
		s->vtable = 0;
		bad |= poisoned(s);
		atomic_store_explicit(&s->refcount, REFCOUNT_UNUSED,
				      memory_order_release);
	}
	return bad;
}

/* Make a just-taken free block allocated: head UNUSED -> 1 by CAS, tails
 * refcount 0; every frame's generation is bumped. */
static void claim_block_locked(uint64_t pfn, unsigned k, enum frame_purpose p)
{
	struct meta_slot *h = slot_of(pfn);
	uint32_t unused = REFCOUNT_UNUSED;
	if (!atomic_compare_exchange_strong(&h->refcount, &unused, 1))
		panic("frame: free block at pfn 0x%lx has refcount %u", pfn,
		      unused);
	for (uint64_t q = pfn + 1; q < pfn + (1ull << k); q++) {
		struct meta_slot *t = slot_of(q);
		atomic_store_explicit(&t->refcount, 0, memory_order_relaxed);
		slot_set_flags(t, META_TAIL);
		t->purpose = (uint8_t)p;
		__atomic_store_n(&t->generation, t->generation + 1,
				 __ATOMIC_RELAXED);
	}
	h->order = (uint8_t)k;
	h->purpose = (uint8_t)p;
	h->vtable = 0;
	__atomic_store_n(&h->generation, h->generation + 1, __ATOMIC_RELAXED);
	slot_set_flags(h, META_HEAD);
}

/* ---- poisoning ---- */

/* The free block containing pfn (a free, uncached frame), or false. */
static bool find_free_block_locked(uint64_t pfn, uint64_t *head)
{
	for (unsigned k = 0; k < ORDERS; k++) {
		uint64_t h = pfn & ~((1ull << k) - 1);
		struct meta_slot *s = slot_of(h);
		if ((slot_flags(s) & META_FREE_HEAD) &&
		    pfn < h + (1ull << s->order)) {
			*head = h;
			return true;
		}
	}
	return false;
}

/* Remove pfn's free block, free every part of it but pfn, quarantine pfn. */
static void carve_locked(uint64_t pfn, uint64_t h)
{
	unsigned k = slot_of(h)->order;
	list_remove(h);
	while (k > 0) {
		k--;
		uint64_t half = 1ull << k;
		if (pfn < h + half) {
			list_push(k, h + half);
		} else {
			list_push(k, h);
			h += half;
		}
	}
	quarantine_locked(pfn);
}

/* A cached frame: claim it from under its owner CPU (UNUSED -> 0); its
 * stack entry becomes a ghost the owner drops.  Lost race: now allocated. */
static void make_ghost_locked(uint64_t pfn)
{
	struct meta_slot *s = slot_of(pfn);
	uint32_t unused = REFCOUNT_UNUSED;
	if (!atomic_compare_exchange_strong(&s->refcount, &unused, 0))
		return;
	slot_set_flags(s, META_QUARANTINE);
	buddy.poisoned++;
	atomic_fetch_add(&ghosts, 1);
}

/* pfn was free when poisoned: a cached frame becomes a ghost, a listed one
 * is carved out of its block. */
static void poison_free_locked(uint64_t pfn)
{
	uint64_t head;
	if (slot_flags(slot_of(pfn)) & META_PCP)
		make_ghost_locked(pfn);
	else if (find_free_block_locked(pfn, &head))
		carve_locked(pfn, head);
}

/* mark_poisoned: set the sticky guard bit; a free frame leaves service now,
 * an allocated one when freed.  E_RANGE (reported) if pfn has no slot. */
int mark_poisoned(uint64_t pfn)
{
	if (pfn >= meta_nframes) {
		report("poison", pfn, E_RANGE);
		return E_RANGE;
	}
	struct meta_slot *s = slot_of(pfn);
	unsigned long f = spin_lock_irqsave(&buddy.lock);
	uint32_t old = atomic_fetch_or(&s->guard, GUARD_POISONED);
	if (!(old & GUARD_POISONED) &&
	    atomic_load(&s->refcount) == REFCOUNT_UNUSED)
		poison_free_locked(pfn);
	spin_unlock_irqrestore(&buddy.lock, f);
	return E_OK;
}

/* ---- per-CPU cache support (see frame_internal.h) ---- */

/* *count += d in the buddy lock's hold: frame_stats (which sums the lists
 * and the caches' counts in a hold of it) never sees a moving frame in
 * both places or in neither. */
static void move_count_locked(uint32_t *count, int d)
{
	__atomic_store_n(count, (uint32_t)((int)*count + d), __ATOMIC_RELAXED);
}

/* buddy_take_batch: up to n order-0 frames into out[], flagged META_PCP,
 * one lock round, never below keep listed; returns how many. */
unsigned buddy_take_batch(uint64_t *out, unsigned n, uint64_t keep, uint32_t *count)
{
	unsigned i;
	unsigned long f = spin_lock_irqsave(&buddy.lock);
	for (i = 0; i < n && buddy.free_frames > keep && take_locked(0, &out[i]); i++)
		slot_set_flags(slot_of(out[i]), META_PCP);
	move_count_locked(count, (int)i);
	spin_unlock_irqrestore(&buddy.lock, f);
	return i;
}

/* One drained frame: drop a ghost, quarantine poison, else list it. */
static void give_one_locked(uint64_t pfn)
{
	struct meta_slot *s = slot_of(pfn);
	if (atomic_load(&s->refcount) != REFCOUNT_UNUSED) {
		atomic_fetch_sub(&ghosts, 1);
		return;
	}
	slot_set_flags(s, 0);
	if (poisoned(s))
		quarantine_locked(pfn);
	else
		insert_locked(pfn, 0);
}

/* buddy_give_batch: cached frames back, one lock round. */
void buddy_give_batch(const uint64_t *pfns, unsigned n, uint32_t *count)
{
	unsigned long f = spin_lock_irqsave(&buddy.lock);
	for (unsigned i = 0; i < n; i++)
		give_one_locked(pfns[i]);
	move_count_locked(count, -(int)n);
	spin_unlock_irqrestore(&buddy.lock, f);
}

/* frame_pcp_claim: UNUSED -> 1 on a popped frame; false for a ghost or a
 * poisoned frame (quarantined here). Interrupts off. */
bool frame_pcp_claim(uint64_t pfn)
{
	struct meta_slot *s = slot_of(pfn);
	uint32_t unused = REFCOUNT_UNUSED;
	if (!atomic_compare_exchange_strong(&s->refcount, &unused, 1)) {
		atomic_fetch_sub(&ghosts, 1);
		return false;
	}
	if (!poisoned(s))
		return true;
	spin_lock(&buddy.lock); /* interrupts are already off */
	quarantine_locked(pfn);
	spin_unlock(&buddy.lock);
	return false;
}

/* frame_zero_cached: a ghost (quarantined meanwhile, refcount no longer
 * UNUSED) is left alone; else zero the frame and mark it, by CAS on the
 * flags so that a concurrent make_ghost_locked (which claims the refcount
 * first, then writes QUARANTINE) always ends with QUARANTINE. */
void frame_zero_cached(uint64_t pfn)
{
	struct meta_slot *s = slot_of(pfn);
	if (atomic_load(&s->refcount) != REFCOUNT_UNUSED || poisoned(s))
		return;
	zero_block(pfn, 0);
	uint16_t pcp = META_PCP;
	__atomic_compare_exchange_n(&s->flags, &pcp, META_PCP | META_ZEROED, false,
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* ---- allocation ---- */

static int check_opts(const struct frame_alloc_options *opt,
		      const uint64_t *pfn)
{
	if (!opt || !pfn)
		return E_INVAL;
	if (opt->order > FRAME_MAX_ORDER)
		return E_BADORDER;
	switch (opt->purpose) {
	case PURPOSE_PAGE_TABLE:
	case PURPOSE_KERNEL_DATA:
	case PURPOSE_USER_DATA:
	case PURPOSE_CUSTOM:
		return E_OK;
	default:
		return E_INVAL;
	}
}

/* Order-k block from the lists, claimed for purpose p. E_NOMEM if none. */
static int alloc_block(unsigned k, enum frame_purpose p, uint64_t *pfn)
{
	unsigned long f = spin_lock_irqsave(&buddy.lock);
	bool ok = take_locked(k, pfn);
	if (ok) {
		claim_block_locked(*pfn, k, p);
		buddy.allocs++;
		buddy.by_purpose[p] += 1ull << k;
	}
	spin_unlock_irqrestore(&buddy.lock, f);
	return ok ? E_OK : E_NOMEM;
}

/* Give every CPU's cached frames but skip's back to the buddy lists (each
 * under its cache's lock), so another CPU can take them.  Counted as one
 * OOM drain if it moved any; returns the number moved. */
static unsigned drain_others(unsigned skip)
{
	unsigned n = 0;
	for (unsigned cpu = 0; cpu < buddy.ncpus; cpu++)
		if (cpu != skip)
			n += pcp_drain_all(pcp_of(cpu));
	if (n) {
		atomic_fetch_add(&oom_drains, 1);
		atomic_fetch_add(&oom_drained, n);
	}
	return n;
}

/* Order-0 frame from this CPU's cache (a pre-zeroed one first if
 * want_zero; *zeroed says whether it is one); when the cache and the lists
 * are dry, the other CPUs' caches are drained and it is tried again.  User
 * data never refills from the last `reserve` listed frames.  E_NOMEM. */
static int alloc_pcp(enum frame_purpose p, bool want_zero, uint64_t *pfn,
		     bool *zeroed)
{
	unsigned long f = arch_irq_save();
	unsigned cpu = arch_cpu_id();
	uint64_t keep = p == PURPOSE_USER_DATA ? __atomic_load_n(&buddy.reserve, __ATOMIC_RELAXED) : 0;
	int e = pcp_alloc_one(pcp_of(cpu), pfn, keep, want_zero, zeroed);
	if (e == E_NOMEM && drain_others(cpu))
		e = pcp_alloc_one(pcp_of(cpu), pfn, keep, want_zero, zeroed);
	if (e == E_OK) {
		struct meta_slot *s = slot_of(*pfn);
		s->order = 0;
		s->purpose = (uint8_t)p;
		s->vtable = 0;
		__atomic_store_n(&s->generation, s->generation + 1,
				 __ATOMIC_RELAXED);
		slot_set_flags(s, META_HEAD); /* not META_ZEROED: it is the owner's now */
		bump(&cpu_counts[cpu].by_purpose[p], 1);
	}
	arch_irq_restore(f);
	return e;
}

/* Give this CPU's cached frames back to the buddy lists (so they can merge
 * into large blocks again), and with others, the other CPUs' too.  True
 * if any moved. */
static bool drain_for_block(bool others)
{
	unsigned long f = arch_irq_save();
	unsigned cpu = arch_cpu_id();
	unsigned n = pcp_drain_all(pcp_of(cpu));
	if (others)
		n += drain_others(cpu);
	arch_irq_restore(f);
	return n > 0;
}

/* frame_alloc: order 0 from this CPU's cache (a zeroed request takes a
 * pre-zeroed frame if one is ready), larger orders from the buddy lists
 * (draining this CPU's cache, then every CPU's, if they are short). */
int frame_alloc(const struct frame_alloc_options *opt, uint64_t *pfn)
{
	int e = check_opts(opt, pfn);
	if (e)
		return e;
	bool zeroed = false;
	if (opt->order == 0) {
		e = alloc_pcp(opt->purpose, opt->zeroed, pfn, &zeroed);
	} else {
		e = alloc_block(opt->order, opt->purpose, pfn);
		if (e == E_NOMEM && drain_for_block(false))
			e = alloc_block(opt->order, opt->purpose, pfn);
		if (e == E_NOMEM && drain_for_block(true))
			e = alloc_block(opt->order, opt->purpose, pfn);
	}
	if (e == E_NOMEM)
		atomic_fetch_add(&nomem, 1);
	if (e == E_OK && opt->zeroed && !zeroed)
		zero_block(*pfn, opt->order);
	return e;
}

/* frame_idle_zero: one free frame of this CPU's cache zeroed for later
 * (see pcp_zero_one); false if enough are ready or none is free.  User
 * data's reserve is left listed, as allocations for it would. */
bool frame_idle_zero(void)
{
	unsigned long f = arch_irq_save();
	bool done = pcp_zero_one(pcp_of(arch_cpu_id()),
				 __atomic_load_n(&buddy.reserve, __ATOMIC_RELAXED));
	arch_irq_restore(f);
	return done;
}

/* buddy_alloc: frame_alloc without the per-CPU cache. */
int buddy_alloc(const struct frame_alloc_options *opt, uint64_t *pfn)
{
	int e = check_opts(opt, pfn);
	if (e == E_OK)
		e = alloc_block(opt->order, opt->purpose, pfn);
	if (e == E_OK && opt->zeroed)
		zero_block(*pfn, opt->order);
	return e;
}

/* ---- references and freeing ---- */

/* pfn is the head of an allocated block (any order). */
static int check_alloc(uint64_t pfn)
{
	if (pfn >= meta_nframes)
		return E_RANGE;
	struct meta_slot *s = slot_of(pfn);
	uint32_t r = atomic_load(&s->refcount);
	if (r == REFCOUNT_UNUSED)
		return E_DOUBLEFREE;
	if (!(slot_flags(s) & META_HEAD))
		return E_NOTALLOC;
	return r == 0 ? E_DOUBLEFREE : E_OK;
}

/* ... and of exactly order `order`. */
static int check_head(uint64_t pfn, unsigned order)
{
	if (order > FRAME_MAX_ORDER)
		return pfn >= meta_nframes ? E_RANGE : E_BADORDER;
	int e = check_alloc(pfn);
	if (e == E_OK && __atomic_load_n(&slot_of(pfn)->order,
					 __ATOMIC_RELAXED) != order)
		e = E_BADORDER;
	return e;
}

/* Drop a reference by CAS; *last if it was the final one. */
static int put_ref(struct meta_slot *s, bool *last)
{
	uint32_t r = atomic_load(&s->refcount);
	do {
		if (r == 0 || r == REFCOUNT_UNUSED)
			return E_DOUBLEFREE;
	} while (!atomic_compare_exchange_weak(&s->refcount, &r, r - 1));
	*last = r == 1;
	return E_OK;
}

/* Add a reference by CAS, refusing past REFCOUNT_MAX. */
static int get_ref(struct meta_slot *s)
{
	uint32_t r = atomic_load(&s->refcount);
	do {
		if (r == 0 || r == REFCOUNT_UNUSED)
			return E_DOUBLEFREE;
		if (r >= REFCOUNT_MAX)
			return E_OVERFLOW;
	} while (!atomic_compare_exchange_weak(&s->refcount, &r, r + 1));
	return E_OK;
}

/* frame_get_quiet: frame_get without the console report. */
int frame_get_quiet(uint64_t pfn)
{
	int e = check_alloc(pfn);
	return e == E_OK ? get_ref(slot_of(pfn)) : e;
}

int frame_get_user(uint64_t pfn, uint32_t gen)
{
	if (pfn >= meta_nframes)
		return E_STALE;
	struct meta_slot *s = slot_of(pfn);
	if (!(slot_flags(s) & META_HEAD) || get_ref(s) != E_OK)
		return E_STALE;
	if (__atomic_load_n(&s->generation, __ATOMIC_RELAXED) == gen &&
	    s->purpose == PURPOSE_USER_DATA && s->order == 0 && (slot_flags(s) & META_HEAD))
		return E_OK; /* held by us now: none of these changes */
	frame_free(pfn, s->order);
	return E_STALE;
}

/* frame_get: one more reference to the allocated block at pfn. */
int frame_get(uint64_t pfn)
{
	int e = frame_get_quiet(pfn);
	if (e)
		report("get", pfn, e);
	return e;
}

/* Last reference gone: the block goes back to the lists, its poisoned
 * frames (if any) to quarantine. */
static void free_to_buddy(uint64_t pfn, unsigned k)
{
	struct meta_slot *s = slot_of(pfn);
	unsigned long f = spin_lock_irqsave(&buddy.lock);
	buddy.by_purpose[s->purpose] -= 1ull << k;
	buddy.frees++;
	if (reset_block_locked(pfn, k))
		release_split_locked(pfn, k);
	else
		insert_locked(pfn, k);
	spin_unlock_irqrestore(&buddy.lock, f);
}

/* Last reference to an order-0 frame gone: onto this CPU's cache. */
static void free_to_pcp(uint64_t pfn)
{
	struct meta_slot *s = slot_of(pfn);
	if (poisoned(s)) {
		free_to_buddy(pfn, 0);
		return;
	}
	unsigned long f = arch_irq_save();
	unsigned cpu = arch_cpu_id();
	bump(&cpu_counts[cpu].by_purpose[s->purpose], (uint64_t)-1);
	s->purpose = PURPOSE_NONE;
	s->vtable = 0;
	slot_set_flags(s, META_PCP);
	atomic_store_explicit(&s->refcount, REFCOUNT_UNUSED,
			      memory_order_release);
	pcp_free_one(pcp_of(cpu), pfn);
	arch_irq_restore(f);
}

/* Validate, put, and on the last reference run on_last_ref and return the
 * block. Refusals are reported and change nothing. */
static int free_block(uint64_t pfn, unsigned order, bool via_pcp)
{
	bool last = false;
	int e = check_head(pfn, order);
	if (e == E_OK)
		e = put_ref(slot_of(pfn), &last);
	if (e) {
		report("free", pfn, e);
		return e;
	}
	if (!last)
		return E_OK;
	struct meta_slot *s = slot_of(pfn);
	meta_vtable(s)->on_last_ref(pfn, s);
	if (order == 0 && via_pcp)
		free_to_pcp(pfn);
	else
		free_to_buddy(pfn, order);
	return E_OK;
}

/* frame_free: drop a reference; the last one returns the block (order 0 to
 * this CPU's cache).  Misuse is reported and refused, changing nothing. */
int frame_free(uint64_t pfn, unsigned order)
{
	return free_block(pfn, order, true);
}

/* buddy_free: frame_free straight to the buddy lists. */
int buddy_free(uint64_t pfn, unsigned order)
{
	return free_block(pfn, order, false);
}

/* ---- set-up and statistics ---- */

/* Largest order aligned at pfn that fits in len frames. */
static unsigned fit_order(uint64_t pfn, uint64_t len)
{
	unsigned k = FRAME_MAX_ORDER;
	while (k > 0 && ((pfn & ((1ull << k) - 1)) || (1ull << k) > len))
		k--;
	return k;
}

/* The whole frames inside [start, end) bytes, as [*p, *e) (within meta). */
static void whole_frames(uint64_t start, uint64_t end, uint64_t *p, uint64_t *e)
{
	*p = (start + 4095) >> 12;
	*e = end >> 12 < meta_nframes ? end >> 12 : meta_nframes;
}

/* Slot s made a free frame's, for release_split_locked. */
static void slot_make_free(struct meta_slot *s)
{
	slot_set_flags(s, 0);
	s->purpose = PURPOSE_NONE;
	atomic_store(&s->refcount, REFCOUNT_UNUSED);
}

/* Free the whole frames inside [start, end) bytes in the largest aligned
 * blocks that fit. */
static void init_range_locked(uint64_t start, uint64_t end)
{
	uint64_t p, e;
	whole_frames(start, end, &p, &e);
	while (p < e) {
		unsigned k = fit_order(p, e - p);
		for (uint64_t q = p; q < p + (1ull << k); q++)
			slot_make_free(slot_of(q));
		buddy.managed += 1ull << k;
		release_split_locked(p, k);
		p += 1ull << k;
	}
}

static void buddy_reset(unsigned ncpus)
{
	memset(&buddy, 0, sizeof buddy);
	for (int k = 0; k < ORDERS; k++)
		list_init(&buddy.free[k]);
	buddy.ncpus = ncpus < MAX_CPUS ? ncpus : MAX_CPUS;
	memset(cpu_counts, 0, sizeof cpu_counts);
	atomic_store(&ghosts, 0);
	atomic_store(&oom_drains, 0);
	atomic_store(&oom_drained, 0);
	atomic_store(&nomem, 0);
	pcp_init();
}

/* frame_init: (re)start the allocator over meta and free the whole pages
 * of every range in free_ram.  Not safe against concurrent callers. */
void frame_init(struct meta_slot *meta, uint64_t nframes,
		const struct memrange_set *free_ram, unsigned ncpus)
{
	meta_attach(meta, nframes);
	buddy_reset(ncpus);
	unsigned long f = spin_lock_irqsave(&buddy.lock);
	for (size_t i = 0; i < free_ram->n; i++)
		init_range_locked(free_ram->r[i].start, free_ram->r[i].end);
	buddy.reserved = nframes - buddy.managed;
	spin_unlock_irqrestore(&buddy.lock, f);
}

/* frame_give_range: hand the whole frames inside [start, end) bytes that
 * are still reserved (a boot module once copied) to the buddy lists; frames
 * not reserved are left alone.  Returns the number of frames given. */
uint64_t frame_give_range(uint64_t start, uint64_t end)
{
	uint64_t p, e, given = 0;
	whole_frames(start, end, &p, &e);
	unsigned long f = spin_lock_irqsave(&buddy.lock);
	for (; p < e; p++) {
		struct meta_slot *s = slot_of(p);
		if (slot_flags(s) != META_RESERVED)
			continue;
		slot_make_free(s);
		release_split_locked(p, 0);
		given++;
	}
	buddy.managed += given;
	buddy.reserved -= given;
	spin_unlock_irqrestore(&buddy.lock, f);
	return given;
}

/* frame_set_reserve: user data leaves the last n listed frames alone. */
void frame_set_reserve(uint64_t n)
{
	__atomic_store_n(&buddy.reserve, n, __ATOMIC_RELAXED);
}

/* Add the per-CPU counters into st; returns the frames cached. */
static uint64_t sum_cpus(struct frame_stats *st)
{
	uint64_t cached = 0;
	for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++) {
		const struct pcp_cache *c = pcp_of(cpu);
		uint64_t n = pcp_cached_count(c);
		cached += n;
		if (cpu < st->ncpus)
			st->pcp_cached[cpu] = n;
		st->allocs += ld(&c->allocs);
		st->frees += ld(&c->frees);
		st->pcp_refills += ld(&c->refills);
		st->pcp_drains += ld(&c->drains);
		st->zero_ready += pcp_zeroed_count(c);
		st->zero_hits += ld(&c->zero_hits);
		st->zero_misses += ld(&c->zero_misses);
		st->zero_made += ld(&c->zero_made);
		for (int p = 0; p < PURPOSE_COUNT; p++)
			st->by_purpose[p] += ld(&cpu_counts[cpu].by_purpose[p]);
	}
	return cached;
}

/* frame_stats: buddy counters under the lock plus the per-CPU sums. */
void frame_stats(struct frame_stats *st)
{
	memset(st, 0, sizeof *st);
	unsigned long f = spin_lock_irqsave(&buddy.lock);
	st->ncpus = buddy.ncpus;
	st->reserved = buddy.reserved;
	st->poisoned = buddy.poisoned;
	st->total = buddy.managed - buddy.poisoned;
	st->allocs = buddy.allocs;
	st->frees = buddy.frees;
	for (int k = 0; k < ORDERS; k++)
		st->free_blocks[k] = buddy.nfree[k];
	for (int p = 0; p < PURPOSE_COUNT; p++)
		st->by_purpose[p] = buddy.by_purpose[p];
	uint64_t free = buddy.free_frames + sum_cpus(st);
	uint64_t g = atomic_load(&ghosts); /* may lead a cache's count briefly */
	st->free = free > g ? free - g : 0;
	st->oom_drains = atomic_load(&oom_drains);
	st->oom_drained = atomic_load(&oom_drained);
	st->nomem = atomic_load(&nomem);
	spin_unlock_irqrestore(&buddy.lock, f);
}
