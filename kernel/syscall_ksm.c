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

/* Take MAP_W from s's page va if it maps pfn of generation gen (TLB shot
 * down before this returns); *rights = its rights now.  E_AGAIN if va
 * maps another frame or none.  The generation is checked under the lock
 * while va maps the frame: its mapping's reference keeps it from being
 * freed and handed out again meanwhile. */
static int wrprotect(struct space *s, uint64_t va, uint64_t pfn, uint64_t gen,
		     unsigned *rights)
{
	uint64_t pa = pfn << PAGE_SHIFT;
	unsigned long f = spin_lock_irqsave(&s->lock);
	bool ok = meta_user_frame(pfn, gen) &&
		  arch_pt_replace_if(s->root, va, pa, pa, MAP_W, rights) == E_OK;
	bool was_w = ok && (*rights & MAP_W);
	spin_unlock_irqrestore(&s->lock, f);
	if (was_w)
		arch_tlb_shootdown(s->root, atomic_load(&s->cpus), va, 1);
	*rights &= ~(unsigned)MAP_W;
	return ok ? E_OK : E_AGAIN;
}

/* Map target (whose reference the caller passes to the mapping)
 * read-only at va in place of pfn, if va still maps pfn read-only
 * (checked again under the lock: a write let in since the compare must
 * not be lost), with its rights less MAP_W; the old frame's mapping
 * reference is dropped after the shootdown.  E_AGAIN (the reference is
 * dropped). */
static int replace(struct space *s, uint64_t va, uint64_t pfn, uint64_t target)
{
	unsigned r;
	uint64_t pa;
	unsigned long f = spin_lock_irqsave(&s->lock);
	int e = arch_pt_lookup(s->root, va, &pa, &r) && pa == pfn << PAGE_SHIFT && !(r & MAP_W)
			? arch_pt_replace_if(s->root, va, pa, target << PAGE_SHIFT, MAP_W, &r)
			: E_NOENT;
	spin_unlock_irqrestore(&s->lock, f);
	if (e != E_OK) {
		frame_free(target, 0);
		return E_AGAIN;
	}
	arch_tlb_shootdown(s->root, atomic_load(&s->cpus), va, 1);
	frame_free(pfn, 0); /* the old mapping's reference */
	return E_OK;
}

/* The merge proper, for both calls: (pfn, gen) mapped at va in s ->
 * write-protect, compare with (target, tgen), replace.  The target's
 * reference is taken first and its generation checked after (as map
 * does): it cannot be freed and handed to someone else between the
 * compare and the mapping.  *how: KSM_MERGE_*. */
static int merge_one(struct space *s, uint64_t va, uint64_t pfn, uint64_t gen,
		     uint64_t target, uint64_t tgen, uint32_t *how)
{
	unsigned rights = 0;
	*how = KSM_MERGE_GONE;
	/* never a frame of MAP_SHARED memory: its futexes are keyed by it,
	 * and its sharers must go on seeing each other's writes */
	struct meta_slot *ms = meta_get(pfn);
	if (!ms || (__atomic_load_n(&ms->flags, __ATOMIC_RELAXED) & META_SHARED))
		return E_AGAIN;
	if (frame_get_quiet(target) != E_OK)
		return E_STALE;
	int e = !meta_user_frame(target, tgen) ? E_STALE :
		/* nor onto one: a private page would see another's writes */
		(__atomic_load_n(&meta_get(target)->flags, __ATOMIC_RELAXED) & META_SHARED) ? E_AGAIN :
		wrprotect(s, va, pfn, gen, &rights);
	if (e == E_OK && !page_equal(pfn, target)) {
		*how = KSM_MERGE_DIFFER;
		e = E_AGAIN;
	}
	if (e != E_OK) {
		frame_free(target, 0);
		return e;
	}
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
	e = merge_one(container_of(h.obj, struct space, obj), va, a[2], a[3], a[4], a[5], &how);
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
	/* unlike ksm_merge, the frames are not looked up in the caller's
	 * window: the page's frame is checked against s's mapping under s's
	 * lock (wrprotect), the target's after a reference is ours */
	if (m->pfn == m->tpfn || !meta_user_frame(m->pfn, m->gen) ||
	    !meta_user_frame(m->tpfn, m->tgen))
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
	int e = merge_one(*sp, va, m->pfn, m->gen, m->tpfn, m->tgen, &m->how);
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
	uint64_t n = a[1], drop[2 * KSM_MERGE_MANY_MAX], handle = 0;
	unsigned ndrop = 0, merged = 0;
	out[0] = 0;
	if (n == 0 || n > KSM_MERGE_MANY_MAX)
		return E_INVAL;
	/* read, and written back once unchanged: no E_FAULT after a merge */
	if (space_copy_in(cur()->space, m, a[0], n * sizeof m[0]) != E_OK ||
	    space_copy_out(cur()->space, a[0], m, n * sizeof m[0]) != E_OK)
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
		if (m[i].va & KSM_MERGE_FREE) {
			drop[2 * ndrop] = m[i].pfn;
			drop[2 * ndrop++ + 1] = m[i].gen;
		}
	}
	if (s)
		kobj_put(h.obj);
	if (ndrop) /* the window's holds: one shootdown round for the batch */
		space_unmap_frames(cur()->space, PAGER_WINDOW, drop, ndrop);
	out[0] = merged;
	space_copy_out(cur()->space, a[0], m, n * sizeof m[0]); /* writable: checked */
	return E_OK;
}
