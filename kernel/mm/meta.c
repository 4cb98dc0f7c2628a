/* The MetaSlot array: one 64-byte slot per 4 KiB frame, found by arithmetic
 * from the frame number; the registry of frame vtables; read-only helpers. */
#include "mm/meta_slot.h"
#include "mm/frame_internal.h"
#include "abi/err.h"
#include "spinlock.h"

/* in .data, not .bss: in the kernel the page of the few other words a
 * fault's install reads (pt.c's NX bit), one soft-TLB refill under TCG */
__attribute__((section(".data"))) struct meta_slot *meta_array;
__attribute__((section(".data"))) uint64_t meta_nframes;

/* Registered vtables.  Written only under vt_lock, append-only (a slot once
 * set never changes), read lock-free. */
static struct spinlock vt_lock = SPINLOCK_INIT;
static const struct frame_vtable *_Atomic vtables[META_MAX_VTABLES];

static void default_on_unmap(uint64_t pfn, struct meta_slot *slot)
{
	(void)pfn;
	(void)slot;
}

static void default_on_last_ref(uint64_t pfn, struct meta_slot *slot)
{
	(void)pfn;
	(void)slot;
}

static const struct frame_vtable default_vtable = {
	.on_unmap = default_on_unmap,
	.on_last_ref = default_on_last_ref,
};

/* meta_size_for: slot bytes for ram_bytes of RAM, page-rounded. */
uint64_t meta_size_for(uint64_t ram_bytes)
{
	uint64_t bytes = (ram_bytes >> 12) * sizeof(struct meta_slot);
	return (bytes + 4095) & ~4095ull;
}

/* meta_attach: point at array without touching its slots. */
void meta_attach(struct meta_slot *array, uint64_t nframes)
{
	meta_array = array;
	meta_nframes = nframes;
}

/* meta_init_array: every slot reserved (PURPOSE_FIRMWARE), no guard. */
void meta_init_array(struct meta_slot *array, uint64_t nframes)
{
	const struct meta_slot reserved = {
		.flags = META_RESERVED,
		.purpose = PURPOSE_FIRMWARE,
	};
	for (uint64_t i = 0; i < nframes; i++)
		array[i] = reserved;
	meta_attach(array, nframes);
}

/* meta_get: pfn's slot, or NULL outside the array. */
struct meta_slot *meta_get(uint64_t pfn)
{
	return pfn < meta_nframes ? &meta_array[pfn] : NULL;
}

/* meta_frame_count: frames the array covers. */
uint64_t meta_frame_count(void)
{
	return meta_nframes;
}

/* meta_generation_matches: allocated (head or tail) with generation gen. */
bool meta_generation_matches(uint64_t pfn, uint32_t gen)
{
	struct meta_slot *s = meta_get(pfn);
	if (!s)
		return false;
	uint32_t r = atomic_load(&s->refcount);
	if (r == REFCOUNT_UNUSED || !(slot_flags(s) & (META_HEAD | META_TAIL)))
		return false;
	return __atomic_load_n(&s->generation, __ATOMIC_RELAXED) == gen;
}

bool meta_user_frame(uint64_t pfn, uint64_t gen)
{
	struct meta_slot *m = meta_get(pfn);
	return m && gen <= UINT32_MAX && meta_generation_matches(pfn, (uint32_t)gen) &&
	       m->purpose == PURPOSE_USER_DATA;
}

/* meta_block_has_poison_guard: any poisoned frame in [pfn, pfn + 2^order)
 * that has a slot. */
bool meta_block_has_poison_guard(uint64_t pfn, unsigned order)
{
	uint64_t end = pfn + (1ull << order);
	for (uint64_t p = pfn; p < end && p < meta_nframes; p++)
		if (atomic_load(&meta_array[p].guard) & GUARD_POISONED)
			return true;
	return false;
}

/* meta_debug_snapshot: copy pfn's fields; E_RANGE without a slot. */
int meta_debug_snapshot(uint64_t pfn, struct meta_snapshot *out)
{
	struct meta_slot *s = meta_get(pfn);
	if (!s)
		return E_RANGE;
	out->pfn = pfn;
	out->refcount = atomic_load(&s->refcount);
	out->generation = __atomic_load_n(&s->generation, __ATOMIC_RELAXED);
	out->guard = atomic_load(&s->guard);
	out->flags = slot_flags(s);
	out->purpose = __atomic_load_n(&s->purpose, __ATOMIC_RELAXED);
	out->order = __atomic_load_n(&s->order, __ATOMIC_RELAXED);
	out->vtable = __atomic_load_n(&s->vtable, __ATOMIC_RELAXED);
	return E_OK;
}

/* meta_range_init: frames first..last, last clamped to the array. */
void meta_range_init(struct meta_range_iter *it, uint64_t first, uint64_t last)
{
	if (meta_nframes == 0) {
		it->next = it->last = 0;
		it->done = true;
		return;
	}
	if (last >= meta_nframes)
		last = meta_nframes - 1;
	it->next = first;
	it->last = last;
	it->done = first > last;
}

/* meta_range_next: the next frame and its slot; false once past last. */
bool meta_range_next(struct meta_range_iter *it, uint64_t *pfn, struct meta_slot **slot)
{
	if (it->done)
		return false;
	*pfn = it->next;
	*slot = &meta_array[it->next];
	if (it->next == it->last)
		it->done = true;
	else
		it->next++;
	return true;
}

static bool vt_registered(uintptr_t word)
{
	for (int i = 0; i < META_MAX_VTABLES; i++) {
		const struct frame_vtable *v = atomic_load(&vtables[i]);
		if (!v)
			return false;
		if ((uintptr_t)v == word)
			return true;
	}
	return false;
}

/* meta_register_vtable: E_INVAL for NULL or a NULL hook, E_NOMEM if full;
 * registering the same table twice is E_OK. */
int meta_register_vtable(const struct frame_vtable *vt)
{
	if (!vt || !vt->on_unmap || !vt->on_last_ref)
		return E_INVAL;
	int e = E_NOMEM;
	unsigned long f = spin_lock_irqsave(&vt_lock);
	for (int i = 0; i < META_MAX_VTABLES; i++) {
		const struct frame_vtable *v = atomic_load(&vtables[i]);
		if (v == vt || !v) {
			if (!v)
				atomic_store(&vtables[i], vt);
			e = E_OK;
			break;
		}
	}
	spin_unlock_irqrestore(&vt_lock, f);
	return e;
}

/* meta_set_vtable: E_RANGE without a slot, E_INVAL if vt is unregistered. */
int meta_set_vtable(uint64_t pfn, const struct frame_vtable *vt)
{
	struct meta_slot *s = meta_get(pfn);
	if (!s)
		return E_RANGE;
	if (vt && !vt_registered((uintptr_t)vt))
		return E_INVAL;
	__atomic_store_n(&s->vtable, (uintptr_t)vt, __ATOMIC_RELEASE);
	return E_OK;
}

/* meta_vtable: the slot's registered vtable; the default for 0 or for any
 * word that is not a registered pointer (never called through). */
const struct frame_vtable *meta_vtable(const struct meta_slot *slot)
{
	uintptr_t w = __atomic_load_n(&slot->vtable, __ATOMIC_ACQUIRE);
	if (w && vt_registered(w))
		return (const struct frame_vtable *)w;
	return &default_vtable;
}
