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
