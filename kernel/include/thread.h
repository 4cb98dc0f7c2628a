/* Threads: a kernel stack, saved user registers, a place in a run queue, and
 * the IPC state of a thread blocked in a send, receive or call.
 *
 * Life: thread_create -> TS_RUNNABLE ... -> TS_DEAD.  A thread holds one
 * reference on itself while alive (dropped by the CPU that switches away
 * from it after it died) and one per handle naming it.
 *
 * Who may change what:
 *   state      by the thread itself while it runs; by whoever *claims* it
 *              (thread_claim: compare-and-swap from the blocked state it is
 *              seen in), which is then the only one allowed to wake it.
 *   on_cpu     1 while some CPU runs on its kernel stack (set and cleared in
 *              arch_switch only): nobody switches to a thread before it is 0.
 *   cpu, rq    under the run-queue lock of `cpu`.
 *   ep_link, waiting_on    under the lock of the endpoint it waits on.
 *   msg, ipc_result, caller   by the thread itself, or by the one that
 *              claimed it, before the wake.
 *   resume, resume_ep   by the thread itself, before it publishes a
 *              blocked state (read by whoever claims it). */
#ifndef THREAD_H
#define THREAD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "kobj.h"
#include "runq.h"
#include "timerq.h"
#include "ipc_msg.h"
#include "lib/list.h"
#include "arch_api.h"

enum thread_state {
	TS_RUNNABLE = 1,   /* on a run queue */
	TS_RUNNING,        /* current on its CPU */
	TS_BLOCKED_SEND,   /* queued on an endpoint as a sender (send or call) */
	TS_BLOCKED_RECV,   /* queued on an endpoint as a receiver */
	TS_BLOCKED_REPLY,  /* waiting for the reply to a call or a fault */
	TS_SLEEPING,       /* in its CPU's sleep queue */
	TS_DEAD,
};

struct space;
struct endpoint;

struct thread {
	struct kobj obj;
	uint64_t tid;
	struct space *space;           /* holds a reference; NULL for idle */
	_Atomic int state;             /* enum thread_state */
	_Atomic int on_cpu;
	_Atomic bool kill;             /* end at the next chance */
	_Atomic bool quiet;            /* the pager ended it (thread_destroy):
					* no FAULT_THREAD_END notice */

	unsigned cpu;
	bool pinned;                   /* runs on `cpu` only */
	struct runq_node rq;           /* also holds the time slice (runq.h) */
	struct timerq_node sleep;

	uint64_t kstack_pfn;           /* order-2 block: 16 KiB */
	uint64_t ksp;                  /* saved kernel rsp while switched out */
	void *uframe;                  /* user register frame at the stack top */

	struct endpoint *waiting_on;
	struct list_link ep_link;
	struct ipc_msg msg;
	int ipc_result;
	bool is_call;                  /* blocked send is a call */
	struct thread *caller;         /* whom our next reply goes to (a ref) */
	bool caller_fault;             /* and its call is a fault message */
	bool in_fault;                 /* our pending call is a fault message */
	struct fault_asked {           /* the ring-3 exception last sent */
		uint64_t label, addr, access, rip;
	} fault;
	uint64_t fault_va;             /* the page our last fault call asked
					* for (USER_END: not a page fault) */
	uint32_t fault_seq;            /* its space's unmaps then (space.h) */
	uint8_t resume;                /* how it goes on when switched to:
					* THREAD_RESUME_* (fastpath.h) */
	struct endpoint *resume_ep;    /* a reference dropped when it goes on */
	uint64_t ipc_buf_va, ipc_buf_pfn;

	uint64_t runs;                 /* times switched to */
	uint64_t cpu_ns;               /* CPU time: what the timer ticks that
					* found it running charged it
					* (sched_tick); written by the CPU
					* running it only */
	uint64_t fs_base;              /* ring 3's FS base (set_fs_base): its
					* thread pointer for TLS; THREAD_FS at
					* creation */
	uint64_t fs_key;               /* names this thread's fs_base: new
					* (never used before by any thread)
					* at creation and at every set_fs_base;
					* cpu_sched.fs_key says whose is live */
	uint64_t segs;                 /* ring 3's data selectors while
					* switched out (arch_segs_get); 0 at
					* creation */
	bool user_segs;                /* a program's thread (its space has a
					* pager): its selectors are saved at a
					* switch; the pager never loads one */
	uint64_t sigblocked;           /* signals whose handlers may not run
					* now (abi/signal.h); the thread's own */
	uint64_t sigpending;           /* posted, not yet delivered (bit sig -
					* 1): set by anyone (sig_post, raise),
					* cleared by the thread itself */
	uint64_t siginfo[64];          /* each pending signal's SIG_WORD_INFO
					* (who sent it: si_code, si_pid,
					* si_status), written before its bit */
	uint64_t sigown;               /* of sigpending, those sent to this
					* thread alone (pthread_kill, raise):
					* not given to another at its end */
	bool sig_ending;               /* thread_exit took sigpending for
					* its end notice: a post after that
					* takes its bit back (E_DEAD) */
	uint64_t sig_entry;            /* where its handlers are entered (the
					* last sig_post's or raise's entry) */
	uint64_t sigwaiting;           /* in sigwait: the signals it waits
					* for (0: none); a post of one of them
					* wakes it though it blocks them */
	uint64_t sigsaved;             /* sigsuspend: the blocked set to put
					* back, while sigsuspended */
	bool sigsuspended;
	_Atomic bool stop_parked;      /* parked while its process is stopped
					* (signal_stop_park): SIG_POST_CONT
					* wakes it */
	uint64_t ss_sp, ss_size;       /* sigaltstack: the alternate stack (size
					* 0: none), the thread's own */
	uint64_t sigonstack;           /* signals whose frames go there */
	_Atomic bool futex_woken;      /* a futex_wake took us (syscall_futex.c) */
	/* FPU/SSE registers while not live in a CPU (arch_fpu_*) */
	uint8_t fpu[ARCH_FPU_SIZE] __attribute__((aligned(ARCH_FPU_ALIGN)));
};

/* A thread's kernel stack is an order-2 block with the struct at its top
 * (THREAD_SLOT bytes): the stack grows down from the struct's address, so
 * the struct, the user frame just below it and the stack's busy end share
 * one page (under TCG every page touched after a CR3 write is a soft-TLB
 * refill: one page per thread per switch, not two).  The block is mapped
 * in the kernel-stack area with an unmapped guard below (arch_kstack_map):
 * an overflow faults and panics "kernel stack overflow". */
#define KSTACK_ORDER 2
#define KSTACK_SIZE (4096u << KSTACK_ORDER)
#define THREAD_SLOT ((sizeof(struct thread) + 63) & ~(size_t)63)
_Static_assert(THREAD_SLOT <= 2048, "the thread struct leaves the stack 14 KiB");

/* The top of t's kernel stack: its own address (0 for an idle thread,
 * which runs on its CPU's boot stack). */
static inline uint64_t thread_kstack_top(const struct thread *t)
{
	return t->kstack_pfn ? (uint64_t)t : 0;
}

/* A key never handed out before (for struct thread.fs_key). */
uint64_t thread_new_key(void);

/* Create a thread in space (which gains a reference) that enters ring 3 at
 * entry with stack pointer stack and first argument arg; its IPC buffer
 * page is allocated and mapped at ipc_buf (0: none). sched is a priority,
 * or'ed with THREAD_PIN(cpu) to keep it on one CPU and THREAD_FS(base)
 * for its FS base (abi/syscall.h). Not yet runnable.
 * E_INVAL (addresses, FS base included, outside the user half, bad
 * alignment, no such priority or CPU), E_NOMEM. */
int thread_create(struct space *space, uint64_t entry, uint64_t stack,
		  uint64_t ipc_buf, uint64_t arg, uint64_t sched, struct thread **out);

/* The idle thread of this CPU: wraps the stack the CPU is running on. */
struct thread *thread_create_idle(unsigned cpu);

/* Claim t out of blocked state `from` (compare-and-swap to TS_RUNNABLE).
 * True if we won: we alone may now wake or run it. */
static inline bool thread_claim(struct thread *t, int from)
{
	int expected = from;
	return atomic_compare_exchange_strong(&t->state, &expected, TS_RUNNABLE);
}

/* For the current thread me, just after it published blocked state st:
 * true if a kill raced with it (the killer saw it still running) and it
 * took itself back (TS_RUNNING again): it must not block then.  Otherwise
 * a killer that comes later finds it blocked. */
static inline bool thread_killed_meanwhile(struct thread *me, int st)
{
	if (!atomic_load(&me->kill) || !thread_claim(me, st))
		return false;
	atomic_store(&me->state, TS_RUNNING);
	return true;
}

/* SIGSTOP's bit in sigpending means "the process is stopped" (the
 * pager's SIG_POST_STOP): never a signal to deliver, never an E_INTR of
 * an interruptible wait; the way back to ring 3 parks the thread while
 * space->stopped (signal_stop_park). */
#define THREAD_STOP_BIT (1ull << (19 - 1))

/* True if t has a pending signal it does not block: an interruptible
 * wait ends (E_INTR) and the way back to ring 3 enters its handler. */
/* (a plain volatile load: aligned 8 bytes are atomic on x86_64, and the
 * locked posts and state changes around it order it) */
static inline bool thread_sig_ready(struct thread *t)
{
	return (*(volatile uint64_t *)&t->sigpending & ~t->sigblocked & ~THREAD_STOP_BIT) != 0;
}

/* thread_sig_ready, or t's process was stopped since it last looked: the
 * check on the way back to ring 3 (SIGSTOP is never in sigblocked). */
static inline bool thread_sig_or_stop(struct thread *t)
{
	return (*(volatile uint64_t *)&t->sigpending & ~t->sigblocked) != 0;
}

/* End the calling thread; never returns.  A thread of a space with a pager
 * first tells the pager (FAULT_THREAD_END, abi/fault.h) unless the pager
 * ended it (thread_kill_quiet). */
_Noreturn void thread_exit(void);

/* Ask t to end: it is woken if blocked and ends itself at its next kernel
 * exit. */
void thread_kill(struct thread *t);

/* thread_kill for the pager's thread_destroy: t ends without telling the
 * pager (which knows), and a notice it is waiting to send is cancelled. */
void thread_kill_quiet(struct thread *t);

/* True (and the thread ended) if a kill is pending: call where a thread
 * returns to ring 3 or wakes from a block. */
void thread_check_kill(void);

#endif
