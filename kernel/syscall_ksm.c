/* ksm_merge, the pager's same-page merge in one call (issue 10): the
 * mechanism of "write-protect, compare, remap" for one page of another
 * space; the pager keeps the policy (which page, which frame).  Also the
 * tag that lets memmap tell merged frames apart. */
#include "syscall_impl.h"
#include "arch_api.h"
#include "memlayout.h"
#include "mm/frame.h"
#include "mm/meta_slot.h"

/* Merged frames carry this vtable (its hooks do what the default ones do):
 * a tag that every allocation clears, read by memmap. */
static void ksm_nop(uint64_t pfn, struct meta_slot *slot) { (void)pfn, (void)slot; }
const struct frame_vtable ksm_frame_vtable = { ksm_nop, ksm_nop };

bool ksm_frame_tagged(uintptr_t vtable)
{
	return vtable == (uintptr_t)&ksm_frame_vtable;
}

static void tag(uint64_t pfn)
{
	static _Atomic bool registered;
	if (!atomic_exchange(&registered, true))
		meta_register_vtable(&ksm_frame_vtable);
	meta_set_vtable(pfn, &ksm_frame_vtable);
}

static void *bytes(uint64_t pfn) { return arch_phys_to_virt(pfn << PAGE_SHIFT); }

/* True if frames a and b hold the same 4096 bytes: eight words at a time,
 * their differences or-ed (half the instructions of memcmp's loop). */
static bool page_equal(uint64_t a, uint64_t b)
{
	const uint64_t *x = bytes(a), *y = bytes(b);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i += 8) {
		uint64_t d = (x[i] ^ y[i]) | (x[i + 1] ^ y[i + 1]) | (x[i + 2] ^ y[i + 2]) |
			     (x[i + 3] ^ y[i + 3]) | (x[i + 4] ^ y[i + 4]) |
			     (x[i + 5] ^ y[i + 5]) | (x[i + 6] ^ y[i + 6]) | (x[i + 7] ^ y[i + 7]);
		if (d)
			return false;
	}
	return true;
}

/* Take MAP_W from s's page va if it maps pfn (TLB shot down before this
 * returns); *rights = its rights now.  E_AGAIN if va maps another frame
 * or none. */
static int wrprotect(struct space *s, uint64_t va, uint64_t pfn, unsigned *rights)
{
	uint64_t pa;
	unsigned long f = spin_lock_irqsave(&s->lock);
	bool ok = arch_pt_lookup(s->root, va, &pa, rights) && pa == pfn << PAGE_SHIFT;
	bool was_w = ok && (*rights & MAP_W);
	if (was_w)
		arch_pt_protect(s->root, va, *rights & ~(unsigned)MAP_W);
	spin_unlock_irqrestore(&s->lock, f);
	if (was_w)
		arch_tlb_shootdown(s->root, atomic_load(&s->cpus), va, 1);
	*rights &= ~(unsigned)MAP_W;
	return ok ? E_OK : E_AGAIN;
}

/* Map target read-only at va in place of pfn (still there: checked again
 * under the lock); the old frame's mapping reference is dropped after
 * the shootdown.  E_AGAIN, E_NOMEM. */
static int replace(struct space *s, uint64_t va, uint64_t pfn, uint64_t target,
		   unsigned rights)
{
	uint64_t pa, old = 0;
	unsigned r;
	int e = frame_get(target);
	if (e != E_OK)
		return e;
	unsigned long f = spin_lock_irqsave(&s->lock);
	if (!arch_pt_lookup(s->root, va, &pa, &r) || pa != pfn << PAGE_SHIFT)
		e = E_AGAIN;
	else
		e = arch_pt_map(s->root, va, target << PAGE_SHIFT, rights, &old);
	spin_unlock_irqrestore(&s->lock, f);
	if (e != E_OK) {
		frame_free(target, 0);
		return e;
	}
	arch_tlb_shootdown(s->root, atomic_load(&s->cpus), va, 1);
	if (old)
		frame_free(old >> PAGE_SHIFT, 0);
	return E_OK;
}

/* ksm_merge(space, va | flags, pfn, gen, target pfn, target gen): see
 * abi/syscall.h.  Both frames must be held in the caller's window.  A
 * write by another CPU before the write-protect is in the bytes compared;
 * one after it faults to the pager, which is in this call, and is served
 * afterwards by copy-on-write. */
int ksys_ksm_merge(const uint64_t a[6], uint64_t out[6])
{
	uint64_t va = a[1] & ~(uint64_t)(PAGE_SIZE - 1), fl = a[1] & (PAGE_SIZE - 1);
	out[0] = KSM_MERGE_GONE;
	if (fl & ~(uint64_t)(KSM_MERGE_FREE | KSM_MERGE_TAG))
		return E_INVAL;
	if (va >= USER_END)
		return E_FAULT;
	if (a[2] == a[4] || !ksys_window_held(a[2], a[3]) || !ksys_window_held(a[4], a[5]))
		return E_STALE;
	struct handle_entry h;
	int e = ksys_lookup(a[0], KOBJ_SPACE, RIGHT_CONTROL, &h);
	if (e != E_OK)
		return e;
	struct space *s = container_of(h.obj, struct space, obj);
	unsigned rights;
	e = wrprotect(s, va, a[2], &rights);
	if (e == E_OK && !page_equal(a[2], a[4])) {
		out[0] = KSM_MERGE_DIFFER;
		e = E_AGAIN;
	}
	if (e == E_OK)
		e = replace(s, va, a[2], a[4], rights);
	kobj_put(h.obj);
	if (e != E_OK)
		return e;
	out[0] = KSM_MERGE_DONE;
	if (fl & KSM_MERGE_TAG)
		tag(a[4]);
	if (fl & KSM_MERGE_FREE)
		space_unmap(cur()->space, PAGER_WINDOW + a[2] * PAGE_SIZE, 1);
	return E_OK;
}
