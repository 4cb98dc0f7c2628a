/* The arch side of threads: kernel stacks laid out for ring-3 entry, the
 * syscall MSRs, per-CPU kernel stack pointers, register access, IPIs and the
 * scheduler tick. */
#include "arch.h"
#include "cpu.h"
#include "memlayout.h"
#include "arch_api.h"
#include "kernel.h"
#include "sched.h"
#include "printk.h"
#include "thread.h"
#include "lib/string.h"
#include "fastpath.h"
#include "ksignal.h"
#include "abi/syscall.h"

extern char syscall_entry[], thread_first_entry[];
extern uint64_t boot_pml4[512];

#define RFLAGS_USER  0x202            /* IF, reserved bit 1 */
/* Cleared on syscall entry: IF, TF, DF, AC, NT and IOPL.  NT above all: a
 * kernel running with the user's NT would fault at its next iretq (to any
 * thread), in ring 0 with the user's GS base. */
#define SFMASK_BITS  0x47700

/* syscall_init_cpu: enable syscall/sysret on this CPU. */
void syscall_init_cpu(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | 1); /* SCE */
	wrmsr(0xC0000081, ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE << 32)); /* STAR */
	wrmsr(0xC0000082, (uint64_t)syscall_entry);  /* LSTAR */
	/* CSTAR: `syscall` from compatibility mode.  No 32-bit user code
	 * segment exists (gdt.c), so none can come; were one to, it enters
	 * like any system call (never address 0 in ring 0, as with CSTAR 0) */
	wrmsr(0xC0000083, (uint64_t)syscall_entry);
	wrmsr(0xC0000084, SFMASK_BITS);               /* SFMASK */
}

uint64_t arch_thread_stack_init(uint64_t top, uint64_t entry, uint64_t stack,
				uint64_t arg, void **uframe)
{
	struct trap_frame *tf = (struct trap_frame *)(top - sizeof *tf);
	memset(tf, 0, sizeof *tf);
	tf->rip = entry;
	tf->cs = SEL_UCODE | 3;
	tf->rflags = RFLAGS_USER;
	tf->rsp = stack;
	tf->ss = SEL_UDATA | 3;
	tf->rdi = arg;
	*uframe = tf;
	uint64_t *sw = (uint64_t *)tf - 7; /* r15 r14 r13 r12 rbx rbp, return */
	memset(sw, 0, 6 * sizeof(uint64_t));
	sw[6] = (uint64_t)thread_first_entry;
	return (uint64_t)sw;
}

/* Interrupts are off (a switch): gs is loaded between two swapgs, so that
 * the base its load clears is ring 3's (always 0 here), not the kernel's
 * per-CPU one.  Every value came from ring 3, which could load it: a
 * null selector or a user descriptor of DPL 3, fine to load in ring 0. */
void arch_segs_set(uint64_t segs, uint64_t fs_base)
{
	__asm__ volatile("mov %0, %%ds\n\tmov %1, %%es\n\tmov %2, %%fs\n\t"
			 "swapgs\n\tmov %3, %%gs\n\tswapgs"
			 :: "r"((uint16_t)segs), "r"((uint16_t)(segs >> 16)),
			    "r"((uint16_t)(segs >> 32)), "r"((uint16_t)(segs >> 48))
			 : "memory");
	wrmsr(MSR_FS_BASE, fs_base);
}

void arch_wake_cpu(unsigned cpu)
{
	lapic_ipi(percpu_area[cpu].apic_id, VEC_WAKE);
}

void arch_idle_wait(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void arch_irq_window(void)
{
	__asm__ volatile("sti; nop; cli" ::: "memory");
}

void arch_timer_start(void)
{
	lapic_timer_start(SCHED_HZ);
}

void arch_timer_oneshot(uint64_t us)
{
	lapic_timer_oneshot(us);
}

/* A return address at or above USER_END, which sysret must not see (none
 * can be: the last user page is never mapped): the thread ends. */
static _Noreturn __attribute__((noinline)) void bad_return(struct trap_frame *tf)
{
	printk("kernel: thread %lu ended: return address 0x%lx outside the user half\n",
	       sched_current()->tid, tf->rip);
	thread_exit();
}

/* The end of every system call: the result and the six result registers
 * into the frame; a pending kill or an impossible return address ends the
 * thread here. */
static inline void syscall_out(struct trap_frame *tf, int e, const uint64_t out[6])
{
	tf->rax = (uint64_t)e;
	tf->rdi = out[0], tf->rsi = out[1], tf->rdx = out[2];
	tf->r10 = out[3], tf->r8 = out[4], tf->r9 = out[5];
	struct thread *me = sched_current();
	if (atomic_load(&me->kill)) /* thread_check_kill, inline */
		thread_exit();
	signal_on_return(me, tf);
	if (tf->rip >= USER_END) /* cannot happen; sysret must not see it */
		bad_return(tf);
}

/* syscall_handler: entry.asm's call for every system call (but the IPC
 * fast path's: see syscall_fast_error): the arguments from the frame's
 * registers, the results back into them (every result register is
 * written: 0 where the call gives nothing). */
void syscall_handler(struct trap_frame *tf)
{
	uint64_t a[6] = { tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9 };
	uint64_t out[6] = { 0 };
	syscall_out(tf, syscall_dispatch(tf->rax, a, out), out);
}

/* syscall_fast_error: entry.asm's, when fastpath_call or
 * fastpath_reply_recv (tried first, straight from the registers) return
 * an error: it has no results. */
void syscall_fast_error(struct trap_frame *tf, int e)
{
	static const uint64_t none[6];
	syscall_out(tf, e, none);
}

/* The current thread, from arch code: one gs-relative load (the scheduler
 * runs here: sched_current). */
static inline struct thread *current(void)
{
	return *(struct thread **)this_cpu()->cpu_local;
}

/* arch_resume_syscall: entry.asm's, for a thread that blocked in the IPC
 * fast path's call or reply_recv, when it goes on (tf: its frame): the
 * call's result and the message received, as syscall_out writes them. */
void arch_resume_syscall(struct trap_frame *tf)
{
	sched_load_segs(); /* (again, from resume_syscall_entry: a compare) */
	struct thread *me = current();
	me->resume = THREAD_RESUME_NONE;
	if (me->resume_ep)
		fastpath_resume_ep(me);
	int e = me->ipc_result;
	tf->rax = (uint64_t)e;
	if (e == E_OK) {
		tf->rdi = me->msg.badge, tf->rsi = me->msg.label, tf->rdx = me->msg.w[0];
		tf->r10 = me->msg.w[1], tf->r8 = me->msg.w[2], tf->r9 = me->msg.w[3];
	} else {
		tf->rdi = tf->rsi = tf->rdx = tf->r10 = tf->r8 = tf->r9 = 0;
	}
	if (atomic_load_explicit(&me->kill, memory_order_relaxed))
		thread_exit();
	signal_on_return(me, tf);
	if (tf->rip >= USER_END) /* as syscall_out */
		bad_return(tf);
}
/* arch_resume_fault: the same for a thread that blocked in the fast path's
 * fault call: the rest of the exception, then iretq.  trap_handler's last
 * kill check is fault_resume's (nothing after it can block; a kill that
 * comes later sends its wake-up interrupt, which checks on its way out). */
void arch_resume_fault(struct trap_frame *tf)
{
	(void)tf; /* the thread's uframe: fault_resume takes a signal there */
	sched_load_segs(); /* (again, from resume_fault_entry: a compare) */
	fault_resume();
}
