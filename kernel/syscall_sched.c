/* cpu_pin (abi/syscall.h): which CPU the calling thread runs on, and
 * keeping it on one (libsys's sched_getcpu and sched_setaffinity). */
#include "syscall_impl.h"
#include "arch_api.h"
#include "sched.h"
#include "thread.h"
#include "memlayout.h"

int ksys_cpu_pin(const uint64_t a[6], uint64_t out[6])
{
	struct thread *me = cur();
	uint64_t pin = a[0];
	if (pin != CPU_PIN_ASK && pin != CPU_PIN_ANY && pin >= arch_ncpus())
		return E_INVAL;
	if (pin == CPU_PIN_ANY)
		sched_pin_current(0, false);
	else if (pin != CPU_PIN_ASK)
		sched_pin_current((unsigned)pin, true);
	unsigned long f = arch_irq_save(); /* no move between the two reads */
	out[0] = arch_cpu_id();
	out[1] = me->pinned ? me->cpu + 1ull : 0;
	arch_irq_restore(f);
	return E_OK;
}

/* set_fs_base (45): the calling thread's FS base, loaded now and at every
 * switch to it (the TLS thread pointer).  E_INVAL outside the user half. */
int ksys_set_fs_base(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	if (a[0] >= USER_END)
		return E_INVAL;
	unsigned long f = arch_irq_save();
	struct thread *me = cur();
	me->fs_base = a[0];
	me->fs_key = thread_new_key(); /* other CPUs' fs_key no longer match */
	arch_set_fs_base(a[0]);
	sched_here()->fs_key = me->fs_key;
	arch_irq_restore(f);
	return E_OK;
}

/* cpu_time (49): CPU time as sched_tick samples it.  a[0] 0: the caller's
 * own thread and space; else a space handle with RIGHT_CONTROL (the
 * pager's: its processes' totals for CPU-time timers), thread ns 0.
 * out[2]: the nanoseconds of a tick (the resolution).  The counters are
 * read without a lock: a tick charged meanwhile is seen or not. */
int ksys_cpu_time(const uint64_t a[6], uint64_t out[6])
{
	struct thread *me = cur();
	out[2] = SCHED_TICK_NS;
	if (a[0] == 0) {
		out[0] = __atomic_load_n(&me->cpu_ns, __ATOMIC_RELAXED);
		out[1] = atomic_load_explicit(&me->space->cpu_ns, memory_order_relaxed);
		return E_OK;
	}
	struct handle_entry h;
	int e = ksys_lookup(a[0], KOBJ_SPACE, RIGHT_CONTROL, &h);
	if (e != E_OK)
		return e;
	struct space *s = container_of(h.obj, struct space, obj);
	out[0] = 0;
	out[1] = atomic_load_explicit(&s->cpu_ns, memory_order_relaxed);
	kobj_put(h.obj);
	return E_OK;
}
