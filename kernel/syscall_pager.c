/* The system calls only the pager may make (the dispatcher checks the pager
 * capability before any of these runs): frames, mappings in other spaces,
 * creating and destroying spaces and threads. */
#include "syscall_impl.h"
#include "arch_api.h"
#include "ipc.h"
#include "thread.h"
#include "memlayout.h"
#include "mm/frame.h"
#include "lib/string.h"
#include "printk.h"

static inline uint64_t window(uint64_t pfn) { return PAGER_WINDOW + pfn * PAGE_SIZE; }

/* True if (pfn, gen) is a live user frame the pager holds in its window. */
static bool held(uint64_t pfn, uint64_t gen)
{
	uint64_t pa;
	return meta_user_frame(pfn, gen) && space_lookup(cur()->space, window(pfn), &pa) &&
	       pa == pfn << PAGE_SHIFT;
}

/* held, and a reference of ours taken (drop it with frame_free(pfn, 0)):
 * another pager thread's free of the frame, and its reuse by someone else,
 * cannot then come between the check and our reading or writing it.  The
 * generation is checked again once the reference is ours. */
static bool hold(uint64_t pfn, uint64_t gen)
{
	if (!held(pfn, gen) || frame_get_quiet(pfn) != E_OK)
		return false;
	if (meta_user_frame(pfn, gen))
		return true;
	frame_free(pfn, 0);
	return false;
}

bool ksys_window_held(uint64_t pfn, uint64_t gen) { return held(pfn, gen); }

static void *frame_ptr(uint64_t pfn) { return arch_phys_to_virt(pfn << PAGE_SHIFT); }

/* A new zeroed user frame held by the caller's window; shared: marked
 * META_SHARED (before anyone but us can see it). */
static int window_frame(uint64_t *pfn, uint32_t *gen, bool shared)
{
	struct frame_alloc_options o = { 0, true, PURPOSE_USER_DATA };
	int e = frame_alloc(&o, pfn);
	if (e != E_OK)
		return e;
	if (shared)
		__atomic_fetch_or(&meta_get(*pfn)->flags, META_SHARED, __ATOMIC_RELAXED);
	e = space_map_owned(cur()->space, window(*pfn), *pfn, MAP_R | MAP_W);
	*gen = meta_get(*pfn)->generation;
	frame_free(*pfn, 0); /* the window mapping holds it now (or nobody) */
	return e;
}

int ksys_frame_alloc(const uint64_t a[6], uint64_t out[6])
{
	uint32_t gen;
	int e = window_frame(&out[0], &gen, a[0] & FRAME_SHARED);
	out[1] = gen;
	return e;
}


int ksys_frame_alloc_copy(const uint64_t a[6], uint64_t out[6])
{
	if (!hold(a[0], a[1]))
		return E_STALE;
	/* not zeroed: the copy overwrites every byte before the frame is
	 * mapped anywhere, so no one sees what it held before */
	struct frame_alloc_options o = { 0, false, PURPOSE_USER_DATA };
	uint64_t pfn;
	int e = frame_alloc(&o, &pfn);
	if (e == E_OK)
		memcpy(frame_ptr(pfn), frame_ptr(a[0]), PAGE_SIZE);
	frame_free(a[0], 0); /* hold's reference */
	if (e != E_OK)
		return e;
	e = space_map_owned(cur()->space, window(pfn), pfn, MAP_R | MAP_W);
	out[0] = pfn;
	out[1] = meta_get(pfn)->generation;
	frame_free(pfn, 0); /* the window mapping holds it now (or nobody) */
	if (e != E_OK)
		out[0] = out[1] = 0;
	return e;
}

int ksys_frame_free(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	return space_unmap_frames(cur()->space, PAGER_WINDOW, a, 1) ? E_OK : E_STALE;
}

int ksys_frame_free_many(const uint64_t a[6], uint64_t out[6])
{
	_Static_assert(FRAME_FREE_MANY_MAX <= SPACE_UNMAP_LIST_MAX, "one list");
	uint64_t n = a[1], pairs[2 * FRAME_FREE_MANY_MAX];
	if (n == 0 || n > FRAME_FREE_MANY_MAX)
		return E_INVAL;
	int e = user_in(pairs, a[0], n * 2 * sizeof pairs[0]);
	if (e != E_OK)
		return e;
	out[0] = space_unmap_frames(cur()->space, PAGER_WINDOW, pairs, (unsigned)n);
	return E_OK;
}

int ksys_frame_copy(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	if (!hold(a[0], a[1]))
		return E_STALE;
	bool src = hold(a[2], a[3]);
	if (src) {
		memcpy(frame_ptr(a[0]), frame_ptr(a[2]), PAGE_SIZE);
		frame_free(a[2], 0);
	}
	frame_free(a[0], 0);
	return src ? E_OK : E_STALE;
}

int ksys_frame_zero(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	if (!hold(a[0], a[1]))
		return E_STALE;
	memset(frame_ptr(a[0]), 0, PAGE_SIZE);
	frame_free(a[0], 0);
	return E_OK;
}

/* The space named by handle h (CONTROL right), with a reference. */
static int space_arg(uint64_t h, struct space **s, struct handle_entry *e)
{
	int r = ksys_lookup(h, KOBJ_SPACE, RIGHT_CONTROL, e);
	if (r == E_OK)
		*s = container_of(e->obj, struct space, obj);
	return r;
}

/* Run op on the space named by a[0] (CONTROL right) with the other
 * arguments, holding a reference meanwhile. */
static int on_space(const uint64_t a[6], int (*op)(struct space *, const uint64_t a[6]))
{
	struct handle_entry h;
	struct space *s;
	int e = space_arg(a[0], &s, &h);
	if (e != E_OK)
		return e;
	e = op(s, a);
	kobj_put(h.obj);
	return e;
}

static int map_op(struct space *s, const uint64_t a[6])
{
	if (a[3] > UINT32_MAX || a[4] > UINT32_MAX)
		return E_INVAL;
	return space_map(s, a[1], a[2], (uint32_t)a[3], (unsigned)a[4]);
}

static int unmap_op(struct space *s, const uint64_t a[6])
{
	return space_unmap(s, a[1], a[2]);
}

static int protect_op(struct space *s, const uint64_t a[6])
{
	return a[3] > UINT32_MAX ? E_INVAL : space_protect(s, a[1], a[2], (unsigned)a[3]);
}

int ksys_map(const uint64_t a[6], uint64_t out[6]) { (void)out; return on_space(a, map_op); }
int ksys_unmap(const uint64_t a[6], uint64_t out[6]) { (void)out; return on_space(a, unmap_op); }
int ksys_protect(const uint64_t a[6], uint64_t out[6]) { (void)out; return on_space(a, protect_op); }

/* The calls with a page mask, (space, va, npages, rights, mask):
 * protect_mask and fill_mark (abi/syscall.h), fn doing the pages.  The
 * mask is copied in before any page changes. */
static int mask_call(const uint64_t a[6], uint64_t out[6],
		     int (*fn)(struct space *s, uint64_t va, uint64_t npages, unsigned rights,
			       const uint64_t *mask, uint64_t *done))
{
	uint64_t mask[PROTECT_MASK_MAX / 64];
	uint64_t n = a[2];
	if (n == 0 || n > PROTECT_MASK_MAX || a[3] > UINT32_MAX)
		return E_INVAL;
	int e = space_copy_in(cur()->space, mask, a[4], (n + 63) / 64 * sizeof mask[0]);
	if (e != E_OK)
		return e;
	struct handle_entry h;
	struct space *s;
	if ((e = space_arg(a[0], &s, &h)) != E_OK)
		return e;
	e = fn(s, a[1], n, (unsigned)a[3], mask, &out[0]);
	kobj_put(h.obj);
	return e;
}

int ksys_protect_mask(const uint64_t a[6], uint64_t out[6])
{
	return mask_call(a, out, space_protect_mask);
}

/* share_cow(dst, src, va, npages, copy): both spaces with CONTROL. */
int ksys_share_cow(const uint64_t a[6], uint64_t out[6])
{
	struct handle_entry hd, hs;
	struct space *dst, *src;
	int e = space_arg(a[0], &dst, &hd);
	if (e != E_OK)
		return e;
	e = space_arg(a[1], &src, &hs);
	if (e == E_OK) {
		e = a[4] > 1 ? E_INVAL : space_share_cow(dst, src, a[2], a[3], a[4], &out[0]);
		kobj_put(hs.obj);
	}
	kobj_put(hd.obj);
	return e;
}

/* frame_alloc_map(space, va, npages, rights, buf): see abi/syscall.h.  The
 * buffer is written (zeros) before any frame is taken, so that the copy of
 * the results cannot fail with frames the pager would never hear of. */
int ksys_frame_alloc_map(const uint64_t a[6], uint64_t out[6])
{
	uint64_t pairs[2 * FRAME_ALLOC_MAP_MAX] = { 0 };
	uint64_t n = a[2], i = 0;
	if (n == 0 || n > FRAME_ALLOC_MAP_MAX || (a[3] & ~(uint64_t)(MAP_R | MAP_W | MAP_X)))
		return E_INVAL;
	struct handle_entry h;
	struct space *s;
	int e = space_arg(a[0], &s, &h);
	if (e != E_OK)
		return e;
	e = space_copy_out(cur()->space, a[4], pairs, n * 2 * sizeof pairs[0]);
	for (; e == E_OK && i < n; i++) {
		uint64_t va = a[1] + i * PAGE_SIZE, pfn;
		uint32_t gen;
		unsigned r;
		if (space_query(s, va, &r))
			break; /* mapped already: stop here, no error */
		if ((e = window_frame(&pfn, &gen, false)) != E_OK)
			break;
		if ((e = space_map_owned(s, va, pfn, (unsigned)a[3])) != E_OK) {
			space_unmap(cur()->space, window(pfn), 1);
			break;
		}
		pairs[2 * i] = pfn;
		pairs[2 * i + 1] = gen;
	}
	if (i) /* what stopped it only shortens the run */
		e = space_copy_out(cur()->space, a[4], pairs, i * 2 * sizeof pairs[0]);
	out[0] = i;
	kobj_put(h.obj);
	return e;
}

/* frame_alloc_map1(space, va, rights, flags): see abi/syscall.h.  The
 * frame's allocation reference goes to the window mapping, one more to
 * the mapping in space; if that fails, unmapping the window frees it. */
int ksys_frame_alloc_map1(const uint64_t a[6], uint64_t out[6])
{
	if ((a[2] & ~(uint64_t)(MAP_R | MAP_W | MAP_X)) || (a[3] & ~(uint64_t)FRAME_ZEROED))
		return E_INVAL;
	if ((a[1] & (PAGE_SIZE - 1)) || a[1] >= USER_END)
		return E_FAULT;
	struct handle_entry h;
	struct space *s;
	int e = space_arg(a[0], &s, &h);
	if (e != E_OK)
		return e;
	struct frame_alloc_options o = { 0, true, PURPOSE_USER_DATA };
	uint64_t pfn;
	if ((e = frame_alloc(&o, &pfn)) == E_OK) {
		uint32_t gen = meta_get(pfn)->generation;
		frame_get(pfn); /* allocated just now: cannot fail */
		e = space_map_new(cur()->space, window(pfn), pfn, MAP_R | MAP_W);
		if (e != E_OK)
			frame_free(pfn, 0);
		else if ((e = space_map_new(s, a[1], pfn, (unsigned)a[2])) != E_OK)
			space_unmap(cur()->space, window(pfn), 1);
		out[0] = e == E_OK ? pfn : 0;
		out[1] = e == E_OK ? gen : 0;
	}
	kobj_put(h.obj);
	return e;
}

/* fill_setup(zero pfn, zero gen): see abi/syscall.h. */
int ksys_fill_setup(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	if (a[1] > UINT32_MAX)
		return E_STALE;
	return space_fill_setup(cur()->space, a[0], (uint32_t)a[1]);
}

int ksys_fill_mark(const uint64_t a[6], uint64_t out[6])
{
	return mask_call(a, out, space_fill_mark);
}

/* fill_take(space, buf, max, va, npages): see abi/syscall.h.  The buffer
 * is written (zeros) before any fill is taken, so that the copy of the
 * records cannot fail with frames the pager would never hear of. */
int ksys_fill_take(const uint64_t a[6], uint64_t out[6])
{
	uint64_t recs[FILL_REC_WORDS * FILL_TAKE_MAX] = { 0 };
	uint64_t max = a[2] & 0xFFFF, how = a[2] & ~0xFFFFull;
	if (max == 0 || max > FILL_TAKE_MAX || (how & ~(uint64_t)(FILL_TAKE_STOP | FILL_TAKE_GO)) ||
	    how == (FILL_TAKE_STOP | FILL_TAKE_GO))
		return E_INVAL;
	if ((a[3] & (PAGE_SIZE - 1)) || a[3] >= USER_END || a[4] > (USER_END - a[3]) / PAGE_SIZE)
		return E_FAULT;
	struct handle_entry h;
	struct space *s;
	int e = space_arg(a[0], &s, &h);
	if (e != E_OK)
		return e;
	e = space_copy_out(cur()->space, a[1], recs, max * FILL_REC_WORDS * sizeof recs[0]);
	if (e == E_OK) {
		unsigned n = space_fill_take(s, a[3], a[4], recs, (unsigned)max,
					     how == FILL_TAKE_STOP ? 1 : how == FILL_TAKE_GO ? 0 : -1);
		e = space_copy_out(cur()->space, a[1], recs, n * FILL_REC_WORDS * sizeof recs[0]);
		out[0] = n;
	}
	kobj_put(h.obj);
	return e;
}

int ksys_handle_grant(const uint64_t a[6], uint64_t out[6])
{
	struct handle_entry hs, ho;
	struct space *s;
	int e = space_arg(a[0], &s, &hs);
	if (e != E_OK)
		return e;
	e = ksys_lookup(a[1], HANDLE_ANY_TYPE, 0, &ho);
	if (e == E_OK) {
		uint32_t v = 0;
		e = (a[2] & ~(uint64_t)ho.rights) || (ho.rights & RIGHT_REPLY) ? E_PERM :
		    handle_insert(s->handles, ho.obj, (unsigned)a[2], a[3], &v);
		out[0] = v;
		kobj_put(ho.obj);
	}
	kobj_put(hs.obj);
	return e;
}

int ksys_space_create(const uint64_t a[6], uint64_t out[6])
{
	struct handle_entry h;
	int e = ksys_lookup(a[0], KOBJ_ENDPOINT, 0, &h);
	if (e != E_OK)
		return e;
	struct space *s;
	e = space_create(container_of(h.obj, struct endpoint, obj), a[1], &s);
	kobj_put(h.obj);
	return e == E_OK ? ksys_give_handle(&s->obj, RIGHT_CONTROL, out) : e;
}

int ksys_space_destroy(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	struct handle_entry h;
	int e = ksys_lookup(a[0], KOBJ_SPACE, RIGHT_CONTROL, &h);
	if (e != E_OK)
		return e;
	kobj_put(h.obj);
	return handle_remove(handles(), (uint32_t)a[0]);
}

int ksys_thread_create(const uint64_t a[6], uint64_t out[6])
{
	struct handle_entry h;
	struct space *s;
	int e = space_arg(a[0], &s, &h);
	if (e != E_OK)
		return e;
	struct thread *t;
	e = thread_create(s, a[1], a[2], a[3], a[4], a[5], &t);
	kobj_put(h.obj);
	if (e != E_OK)
		return e;
	kobj_get(&t->obj); /* ours, while we start it */
	out[1] = t->tid; /* what its FAULT_THREAD_END notice will name */
	e = ksys_give_handle(&t->obj, RIGHT_CONTROL, out); /* takes the creator's */
	if (e == E_OK) {
		sched_wake(t);
	} else { /* never ran: nobody else holds its running reference */
		atomic_store(&t->state, TS_DEAD);
		kobj_put(&t->obj);
	}
	kobj_put(&t->obj);
	return e;
}

int ksys_thread_destroy(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	struct handle_entry h;
	int e = ksys_lookup(a[0], KOBJ_THREAD, RIGHT_CONTROL, &h);
	if (e != E_OK)
		return e;
	struct thread *t = container_of(h.obj, struct thread, obj);
	if (t == cur()) {
		kobj_put(h.obj);
		return E_INVAL; /* the pager does not end itself this way */
	}
	thread_kill_quiet(t); /* the pager knows: no end notice */
	kobj_put(h.obj);
	return handle_remove(handles(), (uint32_t)a[0]);
}

int ksys_halt(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	printk("kernel: halt requested by the pager (code %lu)\n", a[0]);
	arch_exit((unsigned)(a[0] & 0x7F));
}

int ksys_reboot(const uint64_t a[6], uint64_t out[6])
{
	(void)a, (void)out;
	printk("kernel: reboot requested by the pager\n");
	arch_reboot();
}
