/* Address-space objects: page tables with frame references, TLB shootdown,
 * checked copies to and from user memory. */
#include "space.h"
#include "sched.h"
#include "ipc.h"
#include "kmem.h"
#include "arch_api.h"
#include "hooks.h"
#include "memlayout.h"
#include "mm/frame.h"
#include "lib/string.h"
#include "abi/syscall.h"
#include "abi/fault.h"

#define HANDLES_ORDER 1 /* struct handle_table fits in 8 KiB */
#define UNMAP_BATCH 64  /* pages unmapped per lock round and shootdown */

static struct space *fill_pager;  /* set once by space_fill_setup */
static uint64_t fill_zero_pfn;
static void window_drop(uint64_t pfn);
static void fills_unmapped(struct space *s, uint64_t va, uint64_t npages);

static void drop_leaf(uint64_t pa, void *arg)
{
	(void)arg;
	frame_free(pa >> PAGE_SHIFT, 0);
}

/* Every call saved in t (reply_save) is answered E_DEAD: nobody is left
 * to answer it.  No thread runs in the space: nobody changes t. */
static void abandon_saved_calls(struct handle_table *t)
{
	for (unsigned i = 0; i < handle_table_slots(t); i++) {
		struct handle_entry *e = handle_slot(t, i);
		if (e->obj && (e->rights & RIGHT_REPLY))
			ipc_abandon_saved(container_of(e->obj, struct thread, obj));
	}
}

/* A grown handle-table chunk: a zeroed kernel page (handle.h). */
static void *handle_page_get(void)
{
	struct frame_alloc_options o = { 0, true, PURPOSE_KERNEL_DATA };
	uint64_t pfn;
	if (frame_alloc(&o, &pfn) != E_OK)
		return NULL;
	return arch_phys_to_virt(pfn << PAGE_SHIFT);
}

static void handle_page_put(void *page)
{
	frame_free(arch_virt_to_phys(page) >> PAGE_SHIFT, 0);
}

void space_hold(struct space *s)
{
	atomic_fetch_add_explicit(&s->holds, 1, memory_order_relaxed);
}

/* Release ordering on every drop and an acquire before the free, as
 * kobj_put's. */
void space_unhold(struct space *s)
{
	if (atomic_fetch_sub_explicit(&s->holds, 1, memory_order_release) == 1) {
		atomic_thread_fence(memory_order_acquire);
		kmem_free(s, sizeof *s);
	}
}

/* s's FAULT_SPACE_END notice received: the contents' hold goes. */
static void gone_told(struct ipc_notice *n)
{
	space_unhold(container_of(n, struct space, gone));
}

/* Last user gone (no thread runs in s any more; dead threads that
 * handles keep may still name it: space.h): everything it holds goes
 * back, then its pager hears of it (FAULT_SPACE_END, abi/fault.h), the
 * struct itself carrying the notice until it is received. */
static void space_destroy(struct kobj *o)
{
	struct space *s = container_of(o, struct space, obj);
	abandon_saved_calls(s->handles);
	handle_table_destroy(s->handles);
	frame_free(s->handles_pfn, HANDLES_ORDER);
	arch_pt_destroy(s->root, drop_leaf, NULL);
	for (unsigned i = 0; i < s->nfills; i++) /* fills the pager never took */
		if (!(s->fill[i].va & FILL_ZERO))
			window_drop(s->fill[i].pfn);
	struct endpoint *ep = s->pager_ep;
	if (!ep) {
		space_unhold(s);
		return;
	}
	s->gone = (struct ipc_notice){ .label = FAULT_SPACE_END, .badge = s->badge,
				       .w0 = atomic_load(&s->cpu_ns),
				       .done = gone_told };
	ipc_notice(ep, &s->gone); /* s may be freed from here on */
	kobj_put(&ep->obj);
}

int space_create(struct endpoint *pager_ep, uint64_t badge, struct space **out)
{
	static _Atomic bool registered;
	if (!atomic_exchange(&registered, true)) {
		kobj_set_destroy(KOBJ_SPACE, space_destroy);
		handle_page_free = handle_page_put;
		handle_page_alloc = handle_page_get;
	}
	struct space *s = kmem_alloc(sizeof *s);
	if (!s)
		return E_NOMEM;
	struct frame_alloc_options o = { HANDLES_ORDER, false, PURPOSE_KERNEL_DATA };
	s->root = arch_pt_create();
	if (!s->root || frame_alloc(&o, &s->handles_pfn) != E_OK) {
		if (s->root)
			arch_pt_destroy(s->root, drop_leaf, NULL);
		kmem_free(s, sizeof *s);
		return E_NOMEM;
	}
	s->handles = arch_phys_to_virt(s->handles_pfn << PAGE_SHIFT);
	handle_table_init(s->handles);
	kobj_init(&s->obj, KOBJ_SPACE);
	atomic_store_explicit(&s->holds, 1, memory_order_relaxed); /* the contents' */
	if (pager_ep && kobj_get(&pager_ep->obj) == E_OK)
		s->pager_ep = pager_ep;
	s->badge = badge;
	*out = s;
	return E_OK;
}

static bool user_range(uint64_t va, uint64_t npages)
{
	return !(va & (PAGE_SIZE - 1)) && va < USER_END &&
	       npages <= (USER_END - va) >> PAGE_SHIFT;
}

int space_prepare(struct space *s, uint64_t va)
{
	if (!user_range(va, 1))
		return E_FAULT;
	unsigned long f = spin_lock_irqsave(&s->lock);
	int e = arch_pt_prepare(s->root, va);
	spin_unlock_irqrestore(&s->lock, f);
	return e;
}

/* True if a frame of [first, first + n) was given to the allocator (the
 * others stay reserved for good and are never user data). */
static bool any_managed(uint64_t first, uint64_t n)
{
	for (uint64_t p = first; p < first + n; p++) {
		struct meta_slot *m = meta_get(p);
		if (m && !(__atomic_load_n(&m->flags, __ATOMIC_RELAXED) & META_RESERVED))
			return true;
	}
	return false;
}

/* The window's tables are made for all of memory before the pager runs,
 * so they never grow: a frame the pager gets for the first time costs no
 * table, the free-frame count after a workload is the count before it
 * (the leak tests compare them exactly), and a window mapping never fails
 * for want of a table. */
int space_window_prepare(struct space *s)
{
	uint64_t frames = meta_frame_count(), per = 512; /* frames per table */
	for (uint64_t first = 0; first < frames; first += per) {
		uint64_t n = frames - first < per ? frames - first : per;
		int e = E_OK;
		if (any_managed(first, n))
			e = space_prepare(s, PAGER_WINDOW + first * PAGE_SIZE);
		if (e != E_OK)
			return e;
	}
	return E_OK;
}

/* Install pfn (whose reference the caller passes to the mapping). */
static int install(struct space *s, uint64_t va, uint64_t pfn, unsigned rights)
{
	uint64_t old;
	unsigned long f = spin_lock_irqsave(&s->lock);
	int e = arch_pt_map(s->root, va, pfn << PAGE_SHIFT, rights, &old);
	if (e == E_OK && !old)
		s->resident++;
	spin_unlock_irqrestore(&s->lock, f);
	if (e != E_OK) {
		frame_free(pfn, 0);
		return e;
	}
	if (old) {
		arch_tlb_shootdown(s->root, atomic_load(&s->cpus), va, 1);
		frame_free(old >> PAGE_SHIFT, 0);
	}
	return E_OK;
}

int space_map(struct space *s, uint64_t va, uint64_t pfn, uint32_t gen, unsigned rights)
{
	if (!user_range(va, 1) || (rights & ~(MAP_R | MAP_W | MAP_X)))
		return va & (PAGE_SIZE - 1) || va >= USER_END ? E_FAULT : E_INVAL;
	int e = frame_get_user(pfn, gen);
	return e == E_OK ? install(s, va, pfn, rights) : e;
}

/* Map pfn (the caller passes its reference: dropped on failure) at va
 * where nothing is mapped yet; with seq, only if s has had no unmap or
 * protect since the count was seq (E_AGAIN). */
static int map_new(struct space *s, uint64_t va, uint64_t pfn, unsigned rights,
		   const uint32_t *seq)
{
	unsigned long f = spin_lock_irqsave(&s->lock);
	int e = seq && s->unmaps != *seq ? E_AGAIN
					 : arch_pt_map_new(s->root, va, pfn << PAGE_SHIFT, rights);
	if (e == E_OK)
		s->resident++;
	spin_unlock_irqrestore(&s->lock, f);
	if (e != E_OK)
		frame_free(pfn, 0);
	return e;
}

int space_map_fresh(struct space *s, uint64_t va, uint64_t pfn, uint64_t gen,
		    uint64_t rights, uint32_t seq)
{
	if (gen > UINT32_MAX)
		return E_STALE;
	if ((va & (PAGE_SIZE - 1)) || va >= USER_END) /* user_range(va, 1) */
		return E_FAULT;
	if (!(rights & MAP_R) || (rights & ~(uint64_t)(MAP_R | MAP_W | MAP_X)))
		return E_INVAL;
	int e = frame_get_user(pfn, (uint32_t)gen);
	if (e)
		return e;
	/* map_new without the interrupt save: they are off (space.h) */
	spin_lock(&s->lock);
	e = s->unmaps != seq ? E_AGAIN : arch_pt_map_new(s->root, va, pfn << PAGE_SHIFT,
							 (unsigned)rights);
	if (e == E_OK)
		s->resident++;
	spin_unlock(&s->lock);
	if (e != E_OK)
		frame_free(pfn, 0);
	return e;
}

int space_map_owned(struct space *s, uint64_t va, uint64_t pfn, unsigned rights)
{
	if (!user_range(va, 1))
		return E_FAULT;
	int e = frame_get(pfn);
	return e == E_OK ? install(s, va, pfn, rights) : e;
}

int space_map_new(struct space *s, uint64_t va, uint64_t pfn, unsigned rights)
{
	if (user_range(va, 1))
		return map_new(s, va, pfn, rights, NULL);
	frame_free(pfn, 0);
	return E_FAULT;
}

int space_unmap(struct space *s, uint64_t va, uint64_t npages)
{
	if (!user_range(va, npages))
		return E_FAULT;
	uint64_t va0 = va, npages0 = npages;
	while (npages) {
		uint64_t n = npages < UNMAP_BATCH ? npages : UNMAP_BATCH, got = 0, i = 0;
		uint64_t old[UNMAP_BATCH];
		unsigned long f = spin_lock_irqsave(&s->lock);
		while (i < n) {
			uint64_t hole = arch_pt_hole(s->root, va + i * PAGE_SIZE);
			if (hole)
				i += hole; /* no table: nothing mapped there */
			else if (arch_pt_unmap(s->root, va + i++ * PAGE_SIZE, &old[got]) == E_OK)
				got++;
		}
		n = i < npages ? i : npages;
		s->resident -= got;
		s->unmaps++;
		spin_unlock_irqrestore(&s->lock, f);
		if (got)
			arch_tlb_shootdown(s->root, atomic_load(&s->cpus), va, n);
		for (uint64_t j = 0; j < got; j++)
			frame_free(old[j] >> PAGE_SHIFT, 0);
		va += n * PAGE_SIZE;
		npages -= n;
	}
	/* marks cleared above: fills logged in the range are stale now */
	if (__atomic_load_n(&s->nfills, __ATOMIC_ACQUIRE))
		fills_unmapped(s, va0, npages0);
	return E_OK;
}

unsigned space_unmap_frames(struct space *s, uint64_t base, const uint64_t *pairs, unsigned n)
{
	uint64_t old[SPACE_UNMAP_LIST_MAX], va[SPACE_UNMAP_LIST_MAX];
	unsigned got = 0;
	n = n < SPACE_UNMAP_LIST_MAX ? n : SPACE_UNMAP_LIST_MAX;
	unsigned long f = spin_lock_irqsave(&s->lock);
	for (unsigned i = 0; i < n; i++) {
		uint64_t pfn = pairs[2 * i], pa;
		unsigned rights;
		va[got] = base + pfn * PAGE_SIZE;
		/* the mapping holds a reference: while we see it under the
		 * lock, the frame cannot be freed and handed out again */
		if (meta_user_frame(pfn, pairs[2 * i + 1]) && user_range(va[got], 1) &&
		    arch_pt_lookup(s->root, va[got], &pa, &rights) && pa == pfn << PAGE_SHIFT &&
		    arch_pt_unmap(s->root, va[got], &old[got]) == E_OK)
			got++;
	}
	s->resident -= got;
	s->unmaps++;
	spin_unlock_irqrestore(&s->lock, f);
	if (!got)
		return 0;
	/* scattered pages: one full flush everywhere (here too) if another
	 * CPU has s loaded or there are many, else page by page here */
	uint64_t others = atomic_load(&s->cpus) & ~(1ull << arch_cpu_id());
	if (others || got > 32)
		arch_tlb_shootdown(s->root, others, 0, 33);
	else
		for (unsigned i = 0; i < got; i++)
			arch_tlb_shootdown(s->root, 0, va[i], 1);
	for (unsigned i = 0; i < got; i++)
		frame_free(old[i] >> PAGE_SHIFT, 0);
	return got;
}

int space_protect(struct space *s, uint64_t va, uint64_t npages, unsigned rights)
{
	if (!user_range(va, npages))
		return E_FAULT;
	if (rights & ~(MAP_R | MAP_W | MAP_X))
		return E_INVAL;
	int e = E_OK;
	unsigned long f = spin_lock_irqsave(&s->lock);
	uint64_t i;
	s->unmaps++;
	for (i = 0; i < npages && e == E_OK; i++)
		e = arch_pt_protect(s->root, va + i * PAGE_SIZE, rights);
	spin_unlock_irqrestore(&s->lock, f);
	arch_tlb_shootdown(s->root, atomic_load(&s->cpus), va, i);
	return e;
}

int space_protect_mask(struct space *s, uint64_t va, uint64_t npages, unsigned rights,
		       const uint64_t *mask, uint64_t *changed)
{
	if (!user_range(va, npages))
		return E_FAULT;
	if (rights & ~(MAP_R | MAP_W | MAP_X))
		return E_INVAL;
	*changed = 0;
	for (uint64_t i = 0; i < npages; i += UNMAP_BATCH) {
		uint64_t n = npages - i < UNMAP_BATCH ? npages - i : UNMAP_BATCH, got = 0;
		unsigned long f = spin_lock_irqsave(&s->lock);
		s->unmaps++;
		for (uint64_t j = i; j < i + n; j++) {
			bool w = (mask[j / 64] >> (j % 64)) & 1;
			unsigned r = w ? rights : rights & ~(unsigned)MAP_W;
			if (arch_pt_protect(s->root, va + j * PAGE_SIZE, r) == E_OK)
				got++;
		}
		spin_unlock_irqrestore(&s->lock, f);
		if (got)
			arch_tlb_shootdown(s->root, atomic_load(&s->cpus), va + i * PAGE_SIZE, n);
		*changed += got;
	}
	return E_OK;
}

/* arch_pt_share_cow's filter: user frames only (never a kernel-owned
 * IPC buffer or window page), with a reference taken for the new mapping. */
static bool share_take(uint64_t pa, void *arg)
{
	(void)arg;
	struct meta_slot *m = meta_get(pa >> PAGE_SHIFT);
	if (!m || m->purpose != PURPOSE_USER_DATA)
		return false;
	frame_get(pa >> PAGE_SHIFT);
	return true;
}

/* Both spaces' locks, in address order (two calls with src and dst swapped
 * must not deadlock). */
static unsigned long lock_two(struct space *a, struct space *b)
{
	unsigned long f = arch_irq_save();
	spin_lock(a < b ? &a->lock : &b->lock);
	spin_lock(a < b ? &b->lock : &a->lock);
	return f;
}

static void unlock_two(struct space *a, struct space *b, unsigned long f)
{
	spin_unlock(&a->lock);
	spin_unlock(&b->lock);
	arch_irq_restore(f);
}

/* One page table's worth (a 2 MiB block) at a time: the locks are held
 * for at most 512 entries, and src's changed entries are shot down before
 * the next block.  Where src has no table at all, the whole hole is passed
 * in one step (a fork of a huge lazy region took minutes block by block). */
int space_share_cow(struct space *dst, struct space *src, uint64_t va,
		    uint64_t npages, bool copy, uint64_t *shared)
{
	*shared = 0;
	if (!user_range(va, npages))
		return E_FAULT;
	if (dst == src)
		return E_INVAL;
	while (npages) {
		uint64_t before = *shared;
		bool wp = false;
		int e = E_OK;
		unsigned long f = lock_two(dst, src);
		uint64_t n = arch_pt_hole(src->root, va); /* nothing to share there */
		bool hole = n != 0;
		if (!hole)
			n = 512 - ((va >> PAGE_SHIFT) & 511);
		if (n > npages)
			n = npages;
		if (!hole)
			e = arch_pt_share_cow(src->root, dst->root, va, n, share_take, NULL,
					      copy && fill_pager, shared, &wp);
		dst->resident += *shared - before;
		unlock_two(dst, src, f);
		if (wp)
			arch_tlb_shootdown(src->root, atomic_load(&src->cpus), va, n);
		if (e)
			return e;
		va += n * PAGE_SIZE;
		npages -= n;
	}
	return E_OK;
}

bool space_query(struct space *s, uint64_t va, unsigned *rights)
{
	uint64_t pa;
	unsigned long f = spin_lock_irqsave(&s->lock);
	bool ok = va < USER_END && arch_pt_lookup(s->root, va, &pa, rights);
	spin_unlock_irqrestore(&s->lock, f);
	return ok;
}

bool space_lookup(struct space *s, uint64_t va, uint64_t *pa)
{
	unsigned rights;
	unsigned long f = spin_lock_irqsave(&s->lock);
	bool ok = va < USER_END && arch_pt_lookup(s->root, va, pa, &rights);
	spin_unlock_irqrestore(&s->lock, f);
	return ok;
}

int space_futex_word(struct space *s, uint64_t va, uint64_t *pa, uint32_t *gen,
		     bool *shared, uint32_t *word)
{
	unsigned rights;
	int e = E_FAULT;
	unsigned long f = spin_lock_irqsave(&s->lock);
	if (va < USER_END && !(va & 3) && arch_pt_lookup(s->root, va, pa, &rights))
		e = arch_copy_from_user(s->root, word, va, sizeof *word);
	if (e == E_OK) {
		/* the mapping's reference keeps the frame from being freed
		 * (and its generation from moving) while we hold the lock */
		struct meta_slot *m = meta_get(*pa >> PAGE_SHIFT);
		*shared = m && (__atomic_load_n(&m->flags, __ATOMIC_RELAXED) & META_SHARED);
		*gen = m ? m->generation : 0;
		*pa |= va & (PAGE_SIZE - 1);
	}
	spin_unlock_irqrestore(&s->lock, f);
	return e;
}

int space_copy_in(struct space *s, void *dst, uint64_t uva, uint64_t n)
{
	unsigned long f = spin_lock_irqsave(&s->lock);
	int e = arch_copy_from_user(s->root, dst, uva, n);
	spin_unlock_irqrestore(&s->lock, f);
	return e;
}

int space_copy_out(struct space *s, uint64_t uva, const void *src, uint64_t n)
{
	unsigned long f = spin_lock_irqsave(&s->lock);
	int e = arch_copy_to_user(s->root, uva, src, n);
	spin_unlock_irqrestore(&s->lock, f);
	return e;
}

/* ---- Fills in the kernel (ARCHITECTURE.md "Fills in the kernel") ---- */

int space_fill_setup(struct space *pager, uint64_t zero_pfn, uint32_t zero_gen)
{
	if (__atomic_load_n(&fill_pager, __ATOMIC_ACQUIRE))
		return E_BUSY;
	int e = frame_get_user(zero_pfn, zero_gen); /* kept for good */
	if (e != E_OK)
		return e;
	fill_zero_pfn = zero_pfn;
	struct space *none = NULL;
	if (!__atomic_compare_exchange_n(&fill_pager, &none, pager, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		frame_free(zero_pfn, 0);
		return E_BUSY;
	}
	return E_OK;
}

int space_fill_mark(struct space *s, uint64_t va, uint64_t npages, unsigned rights,
		    const uint64_t *mask, uint64_t *marked)
{
	*marked = 0;
	if (!user_range(va, npages))
		return E_FAULT;
	if (!(rights & MAP_R) || (rights & ~(MAP_R | MAP_W | MAP_X)) ||
	    !__atomic_load_n(&fill_pager, __ATOMIC_ACQUIRE))
		return E_INVAL;
	int e = E_OK;
	unsigned long f = spin_lock_irqsave(&s->lock);
	for (uint64_t i = 0; i < npages && e != E_NOMEM; i++) {
		if (!((mask[i / 64] >> (i % 64)) & 1))
			continue;
		e = arch_pt_fill_mark(s->root, va + i * PAGE_SIZE, rights);
		*marked += e == E_OK;
	}
	spin_unlock_irqrestore(&s->lock, f);
	return e == E_NOMEM ? E_NOMEM : E_OK;
}

/* Map frame pfn (just allocated: the caller's reference becomes the
 * mapping's, dropped on failure) at its page of the pager's window.  No
 * lock: the window's tables exist from boot (space_window_prepare) and
 * its entry for pfn is the holder's of pfn alone; the pager's own changes
 * of its space under its lock write other entries.  With the pager
 * space's lock, every fill of every CPU took one lock: two processes'
 * zero faults reached 1.35-1.62x of one, 1.73x without it. */
static int window_set(uint64_t pfn)
{
	int e = arch_pt_set_empty(fill_pager->root, PAGER_WINDOW + pfn * PAGE_SIZE,
				  pfn << PAGE_SHIFT, MAP_R | MAP_W);
	if (e != E_OK)
		frame_free(pfn, 0);
	else /* (a count nothing reads: another CPU's locked update may race) */
		__atomic_fetch_add(&fill_pager->resident, 1, __ATOMIC_RELAXED);
	return e;
}

/* Drop the pager's window mapping of pfn (a fill it never heard of),
 * freeing the frame.  No TLB shootdown: the pager never used the mapping,
 * and a window page only ever maps its own frame. */
static void window_drop(uint64_t pfn)
{
	struct space *p = fill_pager;
	uint64_t pa = 0, old = 0;
	unsigned rights;
	unsigned long f = spin_lock_irqsave(&p->lock);
	uint64_t va = PAGER_WINDOW + pfn * PAGE_SIZE;
	if (arch_pt_lookup(p->root, va, &pa, &rights) && pa == pfn << PAGE_SHIFT &&
	    arch_pt_unmap(p->root, va, &old) == E_OK)
		p->resident--;
	spin_unlock_irqrestore(&p->lock, f);
	if (old)
		frame_free(pfn, 0);
}

/* Log a fill of s at w (va | kind) with frame pfn (and old, a copy's
 * source); s's lock held.  E_BUSY if the log is full or fills are
 * stopped (nothing logged). */
static int fill_log(struct space *s, uint64_t w, uint64_t pfn, uint64_t old)
{
	if (s->nfills >= SPACE_FILLS || s->fills_stopped)
		return E_BUSY;
	/* logged before the entry is written: a thread that sees the page
	 * mapped sees the count too (space_fill_hint) */
	s->fill[s->nfills] = (struct space_fill_rec){ w, pfn, old };
	__atomic_store_n(&s->nfills, s->nfills + 1, __ATOMIC_RELEASE);
	return E_OK;
}

static void fill_unlog(struct space *s)
{
	__atomic_store_n(&s->nfills, s->nfills - 1, __ATOMIC_RELAXED);
}

/* space_fill's write to a copy-marked page whose frame another space
 * maps too: the frame copied to a new one (held in the pager's window),
 * mapped writable in its place. */
static bool copy_fill(struct space *s, uint64_t va)
{
	uint64_t pa, pfn;
	unsigned r;
	spin_lock(&s->lock);
	r = s->nfills < SPACE_FILLS ? arch_pt_copy_rights(s->root, va, &pa) : 0;
	/* no other mapping of it (the pager's window hold and ours only): the
	 * pager decides, and makes it writable without a copy if no one else
	 * shares it any more (DESIGN's COW); another mapping means a copy */
	if (r && atomic_load(&meta_get(pa >> PAGE_SHIFT)->refcount) <= 2)
		r = 0;
	if (r)
		frame_get(pa >> PAGE_SHIFT); /* alive while we copy it */
	spin_unlock(&s->lock);
	if (!r)
		return false;
	struct frame_alloc_options o = { 0, false, PURPOSE_USER_DATA };
	if (frame_alloc(&o, &pfn) != E_OK) {
		frame_free(pa >> PAGE_SHIFT, 0);
		return false; /* the pager decides what running out means */
	}
	memcpy(arch_phys_to_virt(pfn << PAGE_SHIFT), arch_phys_to_virt(pa), PAGE_SIZE);
	if (window_set(pfn) != E_OK) {
		frame_free(pa >> PAGE_SHIFT, 0);
		return false;
	}
	frame_get(pfn); /* the mapping's */
	spin_lock(&s->lock);
	int e = fill_log(s, va | FILL_COPY, pfn, pa >> PAGE_SHIFT);
	if (e == E_OK && (e = arch_pt_copy_map(s->root, va, pa, pfn << PAGE_SHIFT, r)) != E_OK)
		fill_unlog(s);
	spin_unlock(&s->lock);
	if (e == E_OK) { /* the old read-only entry may be cached anywhere s runs */
		arch_tlb_shootdown(s->root, atomic_load(&s->cpus), va, 1);
		frame_free(pa >> PAGE_SHIFT, 0); /* the old mapping's reference */
	} else { /* changed meanwhile: the access faults again */
		frame_free(pfn, 0);
		window_drop(pfn);
	}
	frame_free(pa >> PAGE_SHIFT, 0);
	return true;
}

bool space_fill(struct space *s, uint64_t va, uint64_t access)
{
	/* a user page only: the kernel half's 2 MiB pages are no tables to
	 * walk (a ring-3 write there would have found "marks" in any data) */
	if (va >= USER_END || (access & (FAULT_ACC_EXEC | FAULT_ACC_SYSCALL)))
		return false;
	va &= ~(uint64_t)(PAGE_SIZE - 1);
	if (access & FAULT_ACC_PRESENT)
		return (access & FAULT_ACC_WRITE) && copy_fill(s, va);
	bool write = access & FAULT_ACC_WRITE;
	/* a look without the lock (tables stay until the space ends): most
	 * faults that find no mark cost this walk only; the mark is looked
	 * at again under the lock before anything is mapped */
	unsigned r = __atomic_load_n(&s->nfills, __ATOMIC_RELAXED) < SPACE_FILLS
			     ? arch_pt_fill_rights(s->root, va) : 0;
	if (!r || (write && !(r & MAP_W)))
		return false;
	uint64_t pfn = fill_zero_pfn;
	unsigned rights = r & ~(unsigned)MAP_W;
	if (write) {
		struct frame_alloc_options o = { 0, true, PURPOSE_USER_DATA };
		if (frame_alloc(&o, &pfn) != E_OK)
			return false; /* the pager decides what running out means */
		/* the allocation's reference goes to the window mapping */
		if (window_set(pfn) != E_OK)
			return false;
		rights = r;
	}
	frame_get(pfn); /* the mapping's */
	spin_lock(&s->lock);
	int e = fill_log(s, va | (write ? 0 : FILL_ZERO), pfn, 0);
	if (e == E_OK && (e = arch_pt_fill_map(s->root, va, pfn << PAGE_SHIFT, rights)) != E_OK)
		fill_unlog(s);
	if (e == E_OK)
		s->resident++;
	spin_unlock(&s->lock);
	if (e != E_OK) { /* the mark went meanwhile: the access faults again */
		frame_free(pfn, 0);
		if (write)
			window_drop(pfn);
	}
	return true;
}

/* Remove fill i of s (lock held). */
static void fill_remove(struct space *s, unsigned i)
{
	for (unsigned j = i + 1; j < s->nfills; j++)
		s->fill[j - 1] = s->fill[j];
	__atomic_store_n(&s->nfills, s->nfills - 1, __ATOMIC_RELAXED);
}

unsigned space_fill_take(struct space *s, uint64_t va, uint64_t npages, uint64_t *out,
			 unsigned max, int stop)
{
	unsigned n = 0;
	unsigned long f = spin_lock_irqsave(&s->lock);
	if (stop >= 0)
		s->fills_stopped = stop;
	if (npages)
		arch_pt_fill_clear(s->root, va, npages);
	for (; n < max && n < s->nfills; n++) {
		out[FILL_REC_WORDS * n] = s->fill[n].va;
		out[FILL_REC_WORDS * n + 1] = s->fill[n].pfn;
		out[FILL_REC_WORDS * n + 2] = meta_get(s->fill[n].pfn)->generation;
		out[FILL_REC_WORDS * n + 3] = s->fill[n].old;
	}
	for (unsigned j = n; j < s->nfills; j++)
		s->fill[j - n] = s->fill[j];
	__atomic_store_n(&s->nfills, s->nfills - n, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&s->lock, f);
	return n;
}

/* The fills of s in [va, va + npages pages) were unmapped before the
 * pager took them: they go with their mappings (the frames' window
 * mappings too).  Lock not held. */
static void fills_unmapped(struct space *s, uint64_t va, uint64_t npages)
{
	uint64_t gone[SPACE_FILLS];
	unsigned n = 0;
	unsigned long f = spin_lock_irqsave(&s->lock);
	for (unsigned i = 0; i < s->nfills;) {
		uint64_t at = s->fill[i].va & ~(uint64_t)(PAGE_SIZE - 1);
		if (at < va || (at - va) / PAGE_SIZE >= npages) {
			i++;
			continue;
		}
		if (!(s->fill[i].va & FILL_ZERO))
			gone[n++] = s->fill[i].pfn;
		fill_remove(s, i);
	}
	spin_unlock_irqrestore(&s->lock, f);
	for (unsigned i = 0; i < n; i++)
		window_drop(gone[i]);
}
