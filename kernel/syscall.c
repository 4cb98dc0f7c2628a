/* System calls: one handler per entry of SYSCALL_TABLE (abi/syscall.h), all
 * reached through one dispatch table built from that list.  Every argument
 * from ring 3 is checked here or in the object it reaches: bad input is an
 * error code, never a fault or a hang. */
#include "arch_api.h"
#include "kernel.h"
#include "space.h"
#include "thread.h"
#include "sched.h"
#include "ipc.h"
#include "fastpath.h"
#include "handle.h"
#include "memlayout.h"
#include "mm/frame.h"
#include "mm/pcp.h"
#include "lib/string.h"
#include "abi/syscall.h"
#include "abi/fault.h"
#include "abi/stats.h"
#include "console.h"

#include "syscall_impl.h"
#include "ksignal.h"

typedef int (*ksys_fn)(const uint64_t a[6], uint64_t out[6]);

int ksys_lookup(uint64_t h, unsigned type, unsigned need, struct handle_entry *e)
{
	if (h > UINT32_MAX)
		return E_BADHANDLE;
	return handle_lookup(handles(), (uint32_t)h, type, need, e);
}

/* Copies between the kernel and the caller's memory.  A page not mapped
 * yet (lazy) is first asked of the pager, as a fault would be. */
int user_in(void *dst, uint64_t uva, uint64_t n)
{
	return fault_copy_in(dst, uva, n);
}

static int user_out(uint64_t uva, const void *src, uint64_t n)
{
	return fault_copy_out(uva, src, n);
}

#define DEBUG_WRITE_MAX (64 * 1024)

int ksys_null(const uint64_t a[6], uint64_t out[6])
{
	(void)a, (void)out;
	return E_OK;
}

int ksys_debug_write(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	uint64_t p = a[0], n = a[1];
	if (n > DEBUG_WRITE_MAX)
		return E_INVAL;
	char buf[256];
	while (n) {
		uint64_t k = n < sizeof buf ? n : sizeof buf;
		int e = user_in(buf, p, k);
		if (e != E_OK)
			return e;
		arch_console_write(buf, k);
		p += k;
		n -= k;
	}
	return E_OK;
}

/* console_read's CONSOLE_POLL: wait up to ms for a typed byte. */
static int console_poll(uint64_t ms, uint64_t out[6])
{
	if (ms > FUTEX_MAX_MS && ms != FUTEX_FOREVER)
		return E_INVAL;
	int r = console_wait_input(ms);
	if (r < 0)
		return E_INTR;
	out[0] = (uint64_t)r;
	return E_OK;
}

int ksys_console_read(const uint64_t a[6], uint64_t out[6])
{
	char buf[256];
	uint64_t want = a[1] < sizeof buf ? a[1] : sizeof buf;
	if (a[2] == CONSOLE_POLL)
		return console_poll(a[1], out);
	if (!want)
		return E_OK;
	if (a[2] & ~(uint64_t)CONSOLE_NOWAIT)
		return E_INVAL;
	size_t n = console_wait_take(buf, want, a[2] & CONSOLE_NOWAIT);
	if (!n)
		return signal_ready_now() ? E_INTR : E_AGAIN;
	int e = user_out(a[0], buf, n);
	out[0] = e == E_OK ? n : 0;
	return e;
}

/* What frame pfn is, for memmap. */
static unsigned memmap_kind_of(uint64_t pfn)
{
	struct meta_snapshot m;
	if (meta_debug_snapshot(pfn, &m) != E_OK)
		return MEMMAP_FIRMWARE;
	if (m.guard & GUARD_POISONED)
		return MEMMAP_POISONED;
	if (m.refcount == REFCOUNT_UNUSED)
		return MEMMAP_FREE;
	switch (m.purpose) {
	case PURPOSE_FIRMWARE: return MEMMAP_FIRMWARE;
	case PURPOSE_PAGE_TABLE: return MEMMAP_PAGE_TABLE;
	/* a process's page is mapped twice: there and in the pager's window */
	case PURPOSE_USER_DATA:
		if (ksm_frame_tagged(m.vtable))
			return MEMMAP_MERGED;
		return m.refcount > 2 ? MEMMAP_SHARED : MEMMAP_USER;
	default: return MEMMAP_KERNEL;
	}
}

int ksys_memmap(const uint64_t a[6], uint64_t out[6])
{
	uint64_t per = a[2], frames = meta_frame_count();
	if (per == 0 || per > frames || a[1] > MEMMAP_MAX_CELLS)
		return E_INVAL;
	uint64_t cells = (frames + per - 1) / per;
	if (cells > a[1])
		return E_INVAL;
	for (uint64_t c = 0; c < cells; c++) {
		unsigned count[MEMMAP_KINDS] = { 0 }, best = 0;
		for (uint64_t f = c * per; f < (c + 1) * per && f < frames; f++)
			count[memmap_kind_of(f)]++;
		for (unsigned k = 1; k < MEMMAP_KINDS; k++)
			if (count[k] > count[best])
				best = k;
		uint8_t b = (uint8_t)best;
		int e = user_out(a[0] + c, &b, 1);
		if (e != E_OK)
			return e;
	}
	out[0] = cells;
	return E_OK;
}

int ksys_yield(const uint64_t a[6], uint64_t out[6])
{
	(void)a, (void)out;
	sched_yield();
	return E_OK;
}

#define SLEEP_MAX_MS (24ull * 3600 * 1000)

int ksys_sleep_ms(const uint64_t a[6], uint64_t out[6])
{
	if (a[0] > SLEEP_MAX_MS)
		return E_INVAL;
	uint64_t end = sched_ticks() + a[0];
	/* It may end early with nothing to take: a stop (the thread parks on
	 * its way out), a SIGCONT's claim of a sleep that began after the
	 * park it meant.  libsys's sleeps go on to their deadline. */
	sched_sleep_ms_unless(a[0], signal_ready_now);
	if (!signal_ready_now())
		return E_OK;
	uint64_t now = sched_ticks();
	out[0] = end > now ? end - now : 0; /* what was left (nanosleep's rem) */
	return E_INTR;
}

int ksys_thread_exit(const uint64_t a[6], uint64_t out[6])
{
	(void)a, (void)out;
	thread_exit();
}

/* ---- IPC ---- */

static int send_or_call(const uint64_t a[6], uint64_t out[6], bool call)
{
	struct handle_entry h;
	int e = ksys_lookup(a[0], KOBJ_ENDPOINT, RIGHT_SEND, &h);
	if (e != E_OK)
		return e;
	struct ipc_msg m;
	struct endpoint *ep = container_of(h.obj, struct endpoint, obj);
	e = ipc_msg_from_args(a, h.badge | space_call_hint(cur()->space, ep), &m);
	if (e == E_OK)
		e = ipc_send(ep, &m, call);
	if (e == E_OK && call)
		ipc_msg_to_regs(&cur()->msg, out);
	kobj_put(h.obj);
	return e;
}

int ksys_send(const uint64_t a[6], uint64_t out[6]) { return send_or_call(a, out, false); }

/* call and reply_recv try the fast path first (fastpath.c): it does the
 * common case or nothing at all. */
int ksys_call(const uint64_t a[6], uint64_t out[6])
{
	return send_or_call(a, out, true); /* the fast path was tried first */
}

static int recv_common(const uint64_t a[6], uint64_t out[6], int mode)
{
	struct handle_entry h;
	int e = ksys_lookup(a[0], KOBJ_ENDPOINT, RIGHT_RECV, &h);
	if (e != E_OK)
		return e;
	struct endpoint *ep = container_of(h.obj, struct endpoint, obj);
	struct ipc_msg m;
	if (mode == 2) {
		struct thread *me = cur();
		e = ipc_msg_from_args(a, 0, &m);
		if (e == E_OK && me->caller && me->caller_fault &&
		    IPC_LABEL_TAG(m.label) == (unsigned)FAULT_REPLY_INSTALL)
			e = fault_install(me->caller, m.w[FAULT_INST_PFN], m.w[FAULT_INST_GEN],
					  m.w[FAULT_INST_RIGHTS]);
		if (e == E_OK)
			e = ipc_reply_recv(ep, &m);
	} else {
		e = ipc_recv(ep, mode == 1);
	}
	if (e == E_OK)
		ipc_msg_to_regs(&cur()->msg, out);
	kobj_put(h.obj);
	return e;
}

int ksys_recv(const uint64_t a[6], uint64_t out[6]) { return recv_common(a, out, 0); }
int ksys_poll(const uint64_t a[6], uint64_t out[6]) { return recv_common(a, out, 1); }

int ksys_reply_recv(const uint64_t a[6], uint64_t out[6])
{
	return recv_common(a, out, 2); /* the fast path was tried first */
}

int ksys_give_handle(struct kobj *obj, unsigned rights, uint64_t out[6])
{
	uint32_t h;
	int e = handle_insert(handles(), obj, rights, 0, &h);
	kobj_put(obj);
	out[0] = h;
	return e;
}

int ksys_endpoint_create(const uint64_t a[6], uint64_t out[6])
{
	(void)a;
	struct endpoint *ep;
	int e = endpoint_create(&ep);
	return e == E_OK ? ksys_give_handle(&ep->obj, RIGHT_SEND | RIGHT_RECV, out) : e;
}

/* Closing a saved call's handle answers it E_DEAD (the one who saved it
 * gave it up), as receiving again does for an unsaved one. */
int ksys_handle_close(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	struct handle_entry h;
	int e = ksys_lookup(a[0], HANDLE_ANY_TYPE, 0, &h);
	if (e != E_OK)
		return e;
	e = handle_remove(handles(), (uint32_t)a[0]);
	if (e == E_OK && (h.rights & RIGHT_REPLY))
		ipc_abandon_saved(container_of(h.obj, struct thread, obj));
	kobj_put(h.obj);
	return e;
}

/* reply_save: the call we received becomes a handle; we may receive again
 * (a server's deferred answer, as PG_WAIT's: the pager answers when the
 * child ends).  With REPLY_SAVE_INTR a caller that has a signal it lets
 * through pending is not saved (E_INTR; the call stays ours to answer):
 * a signal posted while the call was on its way, before the server could
 * save it, would otherwise wait behind the saved call for good.  The
 * poster makes the signal pending before it looks for saved calls, so
 * under the server's lock one of the two sees the other. */
int ksys_reply_save(const uint64_t a[6], uint64_t out[6])
{
	if (a[0] & ~(uint64_t)REPLY_SAVE_INTR)
		return E_INVAL;
	unsigned long f = arch_irq_save();
	struct thread *me = cur(), *c = ipc_take_caller(me);
	if (c && (a[0] & REPLY_SAVE_INTR) && thread_sig_ready(c)) {
		me->caller = c; /* not saved: still ours to answer */
		arch_irq_restore(f);
		return E_INTR;
	}
	arch_irq_restore(f);
	if (!c)
		return E_INVAL;
	uint32_t v = 0;
	int e = handle_insert(handles(), &c->obj, RIGHT_REPLY, 0, &v);
	if (e != E_OK)
		ipc_abandon_saved(c);
	thread_reply_put(me, c); /* the reply reference: the handle holds its own */
	out[0] = v;
	return e;
}

/* reply_send: answer a saved call and close its handle. */
int ksys_reply_send(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	struct handle_entry h;
	int e = ksys_lookup(a[0], KOBJ_THREAD, RIGHT_REPLY, &h);
	if (e != E_OK)
		return e;
	struct ipc_msg m;
	e = ipc_msg_from_args(a, 0, &m);
	if (e == E_OK)
		e = handle_remove(handles(), (uint32_t)a[0]);
	if (e == E_OK) /* the one who removed it answers: at most once */
		e = ipc_reply_saved(cur(), container_of(h.obj, struct thread, obj), &m);
	kobj_put(h.obj);
	return e;
}

int ksys_sysinfo(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	struct abi_sysinfo si;
	memset(&si, 0, sizeof si);
	si.ticks_ms = sched_ticks();
	si.tsc_hz = arch_cycles_per_sec();
	si.ncpus = arch_ncpus();
	arch_rtc_time(&si.rtc_epoch, &si.rtc_tsc);
	for (unsigned c = 0; c < si.ncpus && c < ABI_MAX_CPUS; c++) {
		struct sched_cpu_stats st;
		sched_cpu_stats(c, &st);
		si.cpu[c].idle_ticks = st.idle_ticks;
		si.cpu[c].ticks = st.ticks;
		si.cpu[c].switches = st.switches;
	}
	if (a[1] < sizeof si)
		return E_INVAL;
	return user_out(a[0], &si, sizeof si);
}

int ksys_frame_stats(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	_Static_assert(FRAME_MAX_ORDER == ABI_MAX_ORDER && PURPOSE_COUNT == ABI_PURPOSES &&
		       MAX_CPUS == ABI_MAX_CPUS && PURPOSE_USER_DATA == ABI_PURPOSE_USER_DATA,
		       "abi/stats.h out of step");
	_Static_assert(PURPOSE_NONE == ABI_PURPOSE_NONE && PURPOSE_FIRMWARE == ABI_PURPOSE_FIRMWARE &&
		       PURPOSE_KERNEL == ABI_PURPOSE_KERNEL && PURPOSE_PAGE_TABLE == ABI_PURPOSE_PAGE_TABLE &&
		       PURPOSE_KERNEL_DATA == ABI_PURPOSE_KERNEL_DATA && PURPOSE_CUSTOM == ABI_PURPOSE_CUSTOM,
		       "abi/stats.h purposes out of step");
	struct frame_stats s;
	struct abi_frame_stats o;
	frame_stats(&s);
	memset(&o, 0, sizeof o);
	o.total = s.total, o.free = s.free, o.poisoned = s.poisoned, o.reserved = s.reserved;
	memcpy(o.free_blocks, s.free_blocks, sizeof o.free_blocks);
	memcpy(o.by_purpose, s.by_purpose, sizeof o.by_purpose);
	o.allocs = s.allocs, o.frees = s.frees;
	o.pcp_refills = s.pcp_refills, o.pcp_drains = s.pcp_drains;
	o.ncpus = s.ncpus;
	memcpy(o.pcp_cached, s.pcp_cached, sizeof o.pcp_cached);
	o.oom_drains = s.oom_drains, o.oom_drained = s.oom_drained, o.nomem = s.nomem;
	o.zero_ready = s.zero_ready, o.zero_hits = s.zero_hits;
	o.zero_misses = s.zero_misses, o.zero_made = s.zero_made;
	if (a[1] < sizeof o)
		return E_INVAL;
	return user_out(a[0], &o, sizeof o);
}

#define SYS_ROW(name, nr, nargs, pager) [nr] = { ksys_##name, pager },
static const struct {
	ksys_fn fn;
	bool pager_only;
} table[SYS_COUNT] = { SYSCALL_TABLE(SYS_ROW) };

/* A pager-only call: E_PERM unless the caller is the pager.  Apart, so
 * that the common path of syscall_dispatch saves no registers. */
static __attribute__((noinline)) int dispatch_pager(uint64_t nr, const uint64_t a[6],
						   uint64_t out[6])
{
	if (!cur()->space->is_pager)
		return E_PERM;
	return table[nr].fn(a, out);
}

int syscall_dispatch(uint64_t nr, const uint64_t a[6], uint64_t out[6])
{
	if (nr >= SYS_COUNT || !table[nr].fn)
		return E_NOSYS;
	if (table[nr].pager_only)
		return dispatch_pager(nr, a, out);
	return table[nr].fn(a, out);
}
