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
	uint64_t pa = pfn << PAGE_SHIFT;
	unsigned long f = spin_lock_irqsave(&s->lock);
	bool ok = arch_pt_replace_if(s->root, va, pa, pa, MAP_W, rights) == E_OK;
	bool was_w = ok && (*rights & MAP_W);
	spin_unlock_irqrestore(&s->lock, f);
	if (was_w)
		arch_tlb_shootdown(s->root, atomic_load(&s->cpus), va, 1);
	*rights &= ~(unsigned)MAP_W;
	return ok ? E_OK : E_AGAIN;
}

/* Map target read-only at va in place of pfn (still there: checked again
 * under the lock), with its rights less MAP_W; the old frame's mapping
 * reference is dropped after the shootdown.  E_AGAIN, or frame_get's
 * error. */
static int replace(struct space *s, uint64_t va, uint64_t pfn, uint64_t target)
{
	unsigned r;
	int e = frame_get(target);
	if (e != E_OK)
		return e;
	unsigned long f = spin_lock_irqsave(&s->lock);
	e = arch_pt_replace_if(s->root, va, pfn << PAGE_SHIFT, target << PAGE_SHIFT, MAP_W, &r);
	spin_unlock_irqrestore(&s->lock, f);
	if (e != E_OK) {
		frame_free(target, 0);
		return E_AGAIN;
	}
	arch_tlb_shootdown(s->root, atomic_load(&s->cpus), va, 1);
	frame_free(pfn, 0); /* the old mapping's reference */
	return E_OK;
}

/* The merge proper, for both calls: (pfn) mapped at va in s ->
 * write-protect, compare with target, replace.  *how: KSM_MERGE_*. */
static int merge_one(struct space *s, uint64_t va, uint64_t pfn, uint64_t target,
		     uint32_t *how)
{
	unsigned rights;
	*how = KSM_MERGE_GONE;
	int e = wrprotect(s, va, pfn, &rights);
	if (e == E_OK && !page_equal(pfn, target)) {
		*how = KSM_MERGE_DIFFER;
		e = E_AGAIN;
	}
	if (e == E_OK)
		e = replace(s, va, pfn, target);
	if (e == E_OK)
		*how = KSM_MERGE_DONE;
	return e;
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
	uint32_t how;
	e = merge_one(container_of(h.obj, struct space, obj), va, a[2], a[4], &how);
	kobj_put(h.obj);
	out[0] = how;
	if (e != E_OK)
		return e;
	if (fl & KSM_MERGE_TAG)
		tag(a[4]);
	if (fl & KSM_MERGE_FREE)
		space_unmap(cur()->space, PAGER_WINDOW + a[2] * PAGE_SIZE, 1);
	return E_OK;
}

/* A user frame of generation gen: for ksm_merge_many, which (unlike
 * ksm_merge) does not look the frames up in the caller's window: the
 * page's frame is checked against s's mapping under s's lock, and the
 * target gets a reference of its own (replace) before it is mapped, as
 * for map. */
static bool user_frame(uint64_t pfn, uint64_t gen)
{
	struct meta_slot *m = meta_get(pfn);
	return m && gen <= UINT32_MAX && meta_generation_matches(pfn, (uint32_t)gen) &&
	       m->purpose == PURPOSE_USER_DATA;
}

/* Drop the caller's window holds of the n frames (KSM_MERGE_FREE): one
 * pass under the lock, then the TLB: each page on this CPU, and if
 * another CPU runs the pager now, one full flush there (one IPI round for
 * the batch, not one per page). */
static void window_drop(const uint64_t *pfns, unsigned n)
{
	struct space *s = cur()->space;
	uint64_t old[KSM_MERGE_MANY_MAX];
	unsigned got = 0;
	unsigned long f = spin_lock_irqsave(&s->lock);
	for (unsigned i = 0; i < n; i++)
		if (arch_pt_unmap(s->root, PAGER_WINDOW + pfns[i] * PAGE_SIZE, &old[got]) == E_OK)
			got++;
	s->resident -= got;
	spin_unlock_irqrestore(&s->lock, f);
	uint64_t others = atomic_load(&s->cpus) & ~(1ull << arch_cpu_id());
	if (others)
		arch_tlb_shootdown(s->root, others, 0, 33);
	for (unsigned i = 0; i < n; i++)
		arch_tlb_shootdown(s->root, 0, PAGER_WINDOW + pfns[i] * PAGE_SIZE, 1);
	for (unsigned i = 0; i < got; i++)
		frame_free(old[i] >> PAGE_SHIFT, 0);
}

/* One entry of ksm_merge_many; *sp and h: the space of the previous entry
 * (looked up again only when the handle changes). */
static int merge_entry(struct abi_ksm_merge *m, struct handle_entry *h, struct space **sp,
		       uint64_t *handle)
{
	uint64_t va = m->va & ~(uint64_t)(PAGE_SIZE - 1), fl = m->va & (PAGE_SIZE - 1);
	m->how = KSM_MERGE_GONE;
	if (fl & ~(uint64_t)(KSM_MERGE_FREE | KSM_MERGE_TAG))
		return E_INVAL;
	if (va >= USER_END)
		return E_FAULT;
	if (m->pfn == m->tpfn || !user_frame(m->pfn, m->gen) || !user_frame(m->tpfn, m->tgen))
		return E_STALE;
	if (!*sp || *handle != m->space) {
		if (*sp)
			kobj_put(h->obj);
		*sp = NULL;
		int e = ksys_lookup(m->space, KOBJ_SPACE, RIGHT_CONTROL, h);
		if (e != E_OK)
			return e;
		*sp = container_of(h->obj, struct space, obj);
		*handle = m->space;
	}
	int e = merge_one(*sp, va, m->pfn, m->tpfn, &m->how);
	if (e == E_OK && (fl & KSM_MERGE_TAG))
		tag(m->tpfn);
	return e;
}

/* True if the caller's word at stop (0: none) is non-zero now. */
static bool stop_now(uint64_t stop)
{
	uint32_t v = 0;
	return stop && space_copy_in(cur()->space, &v, stop, sizeof v) == E_OK && v;
}

/* ksm_merge_many(buf, n, stop): see abi/syscall.h.  The merges are done
 * one after the other exactly as ksm_merge does each (write-protect and
 * shootdown, full compare, remap and shootdown); what the batch saves is
 * the system call, the space's lookup while the entries name the same
 * space, and the window's TLB work (one shootdown round at the end).  The
 * pager's stop word (its count of faults waiting for the batch's lock)
 * ends the call after the merge in progress. */
int ksys_ksm_merge_many(const uint64_t a[6], uint64_t out[6])
{
	struct abi_ksm_merge m[KSM_MERGE_MANY_MAX];
	uint64_t n = a[1], drop[KSM_MERGE_MANY_MAX], handle = 0;
	unsigned ndrop = 0, merged = 0;
	out[0] = 0;
	if (n == 0 || n > KSM_MERGE_MANY_MAX)
		return E_INVAL;
	if (space_copy_in(cur()->space, m, a[0], n * sizeof m[0]) != E_OK)
		return E_FAULT;
	struct handle_entry h;
	struct space *s = NULL;
	for (unsigned i = 0; i < n; i++) {
		if (i && stop_now(a[2])) {
			m[i].err = E_BUSY;
			m[i].how = KSM_MERGE_GONE;
			continue;
		}
		m[i].err = (uint32_t)merge_entry(&m[i], &h, &s, &handle);
		if (m[i].err != E_OK)
			continue;
		merged++;
		if (m[i].va & KSM_MERGE_FREE)
			drop[ndrop++] = m[i].pfn;
	}
	if (s)
		kobj_put(h.obj);
	if (ndrop)
		window_drop(drop, ndrop);
	out[0] = merged;
	return space_copy_out(cur()->space, a[0], m, n * sizeof m[0]) == E_OK ? E_OK : E_FAULT;
}
