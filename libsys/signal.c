/* Signals (signal.h): sets, the per-thread blocked set (the kernel's
 * sigmask call), and handlers for the signals faults raise.  sigaction
 * keeps the actions here and tells the pager which signals have a handler
 * (PG_SIGACTION) and where to enter: libsys_sigtramp, which keeps the FPU
 * state aside, calls the handler and returns through sigreturn
 * (abi/signal.h). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <pthread.h>
#include <sched.h>
#include <sys/time.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "abi/signal.h"
#include "abi/syscall.h"
#include "sys/syscall.h"
#include "sys/startup.h"
#include "lib/string.h"
#include "libsys.h"

void libsys_timer_info(siginfo_t *si); /* ptimer.c */

static int bad_sig(int sig)
{
	if (sig >= 1 && sig < _NSIG)
		return 0;
	errno = EINVAL;
	return 1;
}

int sigemptyset(sigset_t *set)
{
	*set = 0;
	return 0;
}

int sigfillset(sigset_t *set)
{
	*set = ~0ul;
	return 0;
}

int sigaddset(sigset_t *set, int sig)
{
	if (bad_sig(sig))
		return -1;
	*set |= 1ul << (sig - 1);
	return 0;
}

int sigdelset(sigset_t *set, int sig)
{
	if (bad_sig(sig))
		return -1;
	*set &= ~(1ul << (sig - 1));
	return 0;
}

int sigismember(const sigset_t *set, int sig)
{
	if (bad_sig(sig))
		return -1;
	return (int)((*set >> (sig - 1)) & 1);
}

/* The kernel's sigmask: how (ABI_SIG_*, ~0: only ask), set, entry (for
 * ABI_SIG_RAISE); the old set, the pending set. */
void libsys_sig_offer(uint64_t given)
{
	struct sys_msg m = { .label = PG_SIG_OFFER, .w = { given } };
	libsys_pg_call(&m);
}

static int sigmask2(uint64_t how, uint64_t set, uint64_t entry, uint64_t *old,
		    uint64_t *pending)
{
	struct sys_regs r;
	int e = sys_sigmask_r(how, set, entry, &r);
	if (e == E_OK && r.rdx) /* pending here, blocked now: another thread's */
		libsys_sig_offer(r.rdx);
	if (e == E_OK && old)
		*old = r.rdi;
	if (e == E_OK && pending)
		*pending = r.rsi;
	return e;
}

void libsys_sigtramp(void);

/* Every change of the blocked set tells the kernel this thread's handler
 * entry too: a signal it blocks now may be taken later, when it lets it
 * through (sent to the process meanwhile, even one whose action is the
 * default: libsys_sig_entry takes that action then). */
static int sigmask(uint64_t how, uint64_t set, uint64_t *old)
{
	return sigmask2(how, set, (uint64_t)libsys_sigtramp, old, NULL);
}

unsigned long libsys_sigmask_get(void)
{
	uint64_t old = 0;
	sigmask(~0ull, 0, &old);
	return old;
}

void libsys_sigmask_set(unsigned long set)
{
	sigmask(ABI_SIG_SETMASK, set, NULL);
}

int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	uint64_t prev;
	if (set && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return EINVAL;
	int e = sigmask(set ? (uint64_t)how : ~0ull, set ? *set : 0, &prev);
	if (e)
		return libsys_errno(e);
	if (old)
		*old = prev;
	return 0;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	int e = pthread_sigmask(how, set, old);
	if (e) {
		errno = e;
		return -1;
	}
	return 0;
}

/* ---- handlers ---- */

static struct sigaction actions[_NSIG];
static unsigned main_sig_eintr; /* the main thread's libsys_sig_eintr */
static unsigned main_sig_ran;   /* and its libsys_sig_ran */

/* Where the calling thread counts its handlers without SA_RESTART. */
static unsigned *sig_eintr_count(void)
{
	struct libsys_tls *t = libsys_tls();
	return t ? &t->sig_eintr : &main_sig_eintr;
}

unsigned libsys_sig_eintr(void)
{
	return *(volatile unsigned *)sig_eintr_count();
}

/* Where the calling thread counts all its handlers. */
static unsigned *sig_ran_count(void)
{
	struct libsys_tls *t = libsys_tls();
	return t ? &t->sig_ran : &main_sig_ran;
}

unsigned libsys_sig_ran(void)
{
	return *(volatile unsigned *)sig_ran_count();
}
/* actions[] and the pager's copy of their dispositions change together
 * under act_lock, held across the PG_SIGACTION call.  It is only ever
 * held with every blockable signal blocked in the holding thread
 * (sigs_off), so no handler of ours runs inside it and a handler's
 * sigaction, SA_RESETHAND or a broken pipe's SIGPIPE query cannot wait
 * on its own thread (POSIX: sigaction is async-signal-safe); fork holds it
 * across the copy (libsys_sig_fork) so a child never starts with it held. */
static struct { volatile int locked; } act_lock;

uint64_t libsys_sigs_off(void)
{
	uint64_t old = 0;
	sigmask(ABI_SIG_BLOCK, ~(uint64_t)ABI_SIG_UNBLOCKABLE, &old);
	return old;
}

void libsys_sigs_on(uint64_t old)
{
	sigmask(ABI_SIG_SETMASK, old, NULL);
}

/* Take act_lock (signals off): a holder is in a pager call at most, so
 * spin a little, then give the CPU away between tries. */
static void act_take(void)
{
	for (unsigned spins = 1; __atomic_exchange_n(&act_lock.locked, 1, __ATOMIC_ACQUIRE);
	     spins++) {
		if (spins % 64)
			__builtin_ia32_pause();
		else
			sched_yield();
	}
}

static void act_give(void)
{
	__atomic_store_n(&act_lock.locked, 0, __ATOMIC_RELEASE);
}

void libsys_sig_fork(int stage)
{
	if (stage == 0)
		act_take();
	else
		act_give();
}

static int has_handler(const struct sigaction *a)
{
	return a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN;
}

/* Tell the pager which signals have a handler and which are ignored
 * now (act_lock held); discard: a signal whose new action ignores it
 * (0: none), whose pending instances the pager discards. */
static int tell_pager(int discard)
{
	uint64_t mask = 0, ign = 0;
	for (int s = 1; s < _NSIG; s++) {
		if (has_handler(&actions[s]))
			mask |= 1ull << (s - 1);
		else if (actions[s].sa_handler == SIG_IGN)
			ign |= 1ull << (s - 1);
	}
	uint64_t nocldstop = actions[SIGCHLD].sa_flags & SA_NOCLDSTOP ? PG_SA_NOCLDSTOP : 0;
	struct sys_msg m = { .label = PG_SIGACTION,
			     .w = { mask, mask ? (uint64_t)libsys_sigtramp : 0, ign,
				    nocldstop | (uint64_t)discard << PG_SA_DISCARD_SHIFT } };
	return libsys_pg_call(&m);
}

static int ignored_by_default(int sig);

/* The pager's view of a: handled, ignored, default. */
static int disposition(const struct sigaction *a)
{
	return has_handler(a) ? 2 : a->sa_handler == SIG_IGN;
}

/* sigaction; discard_ok: an action that ignores sig discards it if
 * pending (sigaction's, not SA_RESETHAND's reset, which Linux does
 * without). */
static int set_action(int sig, const struct sigaction *act, struct sigaction *old,
		      int discard_ok)
{
	if (bad_sig(sig))
		return -1;
	if (act && (sig == SIGKILL || sig == SIGSTOP)) {
		errno = EINVAL;
		return -1;
	}
	struct sigaction want, before;
	if (act)
		want = *act; /* the caller's memory: read and written outside the lock */
	uint64_t mask = libsys_sigs_off();
	act_take();
	before = actions[sig];
	int e = E_OK;
	if (act) {
		unsigned long onstack = libsys_sig_onstack();
		actions[sig] = want;
		int nocld = sig == SIGCHLD &&
			     ((want.sa_flags ^ before.sa_flags) & SA_NOCLDSTOP);
		/* POSIX: an action that ignores sig discards it if pending
		 * (the process's, every thread's), as Linux's */
		int discard = discard_ok && (want.sa_handler == SIG_IGN ||
					     (want.sa_handler == SIG_DFL && ignored_by_default(sig)));
		if ((disposition(&want) != disposition(&before) || nocld || discard) &&
		    (e = tell_pager(discard ? sig : 0)))
			actions[sig] = before;
		if (libsys_sig_onstack() != onstack) /* SA_ONSTACK: this thread's kernel view */
			sys_sigaltstack(0, 0, ABI_SS_ASK, libsys_sig_onstack());
	}
	act_give();
	libsys_sigs_on(mask);
	if (old)
		*old = before;
	return libsys_fail(e);
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	return set_action(sig, act, old, 1);
}

unsigned long libsys_sig_onstack(void)
{
	unsigned long set = 0;
	for (int s = 1; s < _NSIG && s <= 64; s++)
		if (has_handler(&actions[s]) && (actions[s].sa_flags & SA_ONSTACK))
			set |= 1ul << (s - 1);
	return set;
}

int sigaltstack(const stack_t *ss, stack_t *old)
{
	uint64_t how = ABI_SS_ASK, sp = 0, size = 0;
	if ((ss && libsys_user_room(ss, sizeof *ss, 0) != sizeof *ss) ||
	    (old && libsys_user_room(old, sizeof *old, 1) != sizeof *old)) {
		errno = EFAULT;
		return -1;
	}
	if (ss) {
		if (ss->ss_flags & ~(SS_DISABLE | SS_ONSTACK)) {
			errno = EINVAL;
			return -1;
		}
		how = ss->ss_flags & SS_DISABLE ? ABI_SS_DISABLE : ABI_SS_SET;
		sp = (uint64_t)ss->ss_sp;
		size = ss->ss_size;
	}
	struct sys_regs r;
	int e = sys_sigaltstack_r(sp, size, how, libsys_sig_onstack(), &r);
	if (e) {
		errno = e == E_PERM ? EPERM : libsys_errno(e);
		return -1;
	}
	if (old)
		*old = (stack_t){ (void *)r.rdi, (int)r.rdx, r.rsi };
	return 0;
}

unsigned long libsys_sig_ignored(void)
{
	unsigned long set = 0;
	for (int s = 1; s < _NSIG && s <= 64; s++)
		if (actions[s].sa_handler == SIG_IGN)
			set |= 1ul << (s - 1);
	return set;
}

sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction a = { .sa_handler = handler, .sa_flags = SA_RESTART }, old;
	if (sigaction(sig, &a, &old))
		return SIG_ERR;
	return old.sa_handler;
}

/* si of a signal sigqueue sent (or a real-time one kill sent) gets its
 * value, sender and si_code from the pager's queue (the kernel keeps
 * only its number; taking one sends the next of a real-time number
 * again). */
static int sigqueue_info(int sig, siginfo_t *si)
{
	struct sys_msg m = { .label = PG_SIGQUEUE, .w = { 0, (uint64_t)sig, 0, 1 } };
	if (libsys_pg_call(&m) != E_OK)
		return 0;
	si->si_value.sival_ptr = (void *)m.w[0];
	si->si_pid = (pid_t)m.w[1];
	si->si_code = (int)(int64_t)m.w[2];
	return 1;
}

/* True if si (signal sig, taken now) has a queue entry in the pager:
 * sigqueue's, or kill's real-time ones. */
static int queued_code(int sig, const siginfo_t *si)
{
	return si->si_code == SI_QUEUE || (si->si_code == SI_USER && sig >= 32);
}

int libsys_sig_fill(int sig, void *info)
{
	siginfo_t *si = info;
	if (si->si_code == SI_TIMER) /* the pager names the timer only */
		libsys_timer_info(si);
	if (queued_code(sig, si) && !sigqueue_info(sig, si))
		return sig < 32; /* a real-time one: its entry went with an earlier take */
	return 1;
}

int sigqueue(pid_t pid, int sig, const union sigval value)
{
	if (sig < 0 || sig >= _NSIG) {
		errno = EINVAL;
		return -1;
	}
	if (sig == 0)
		return kill(pid, 0);
	struct sys_msg m = { .label = PG_SIGQUEUE,
			     .w = { (uint64_t)(uint32_t)pid, (uint64_t)sig,
				    (uint64_t)value.sival_ptr, 0 } };
	int e = pid > 0 ? libsys_pg_call(&m) : E_NOENT;
	if (e == E_NOENT) {
		errno = ESRCH;
		return -1;
	}
	return e ? libsys_fail(e) : 0;
}

/* Call a's handler for sig with si and uc, as the kernel would: sig (and
 * sa_mask) blocked meanwhile unless SA_NODEFER; SA_RESETHAND first. */
static void run_handler(int sig, siginfo_t *si, void *uc)
{
	struct sigaction a = actions[sig];
	if (!has_handler(&a))
		return; /* gone meanwhile: the fault comes back and kills */
	if (a.sa_flags & SA_RESETHAND) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		set_action(sig, &dfl, NULL, 0);
	}
	uint64_t block = a.sa_mask & ~ABI_SIG_UNBLOCKABLE;
	if (a.sa_flags & SA_NODEFER)
		sigmask(ABI_SIG_UNBLOCK, 1ull << (sig - 1), NULL);
	else
		block |= 1ull << (sig - 1);
	if (block)
		sigmask(ABI_SIG_BLOCK, block, NULL);
	if (si && queued_code(sig, si))
		sigqueue_info(sig, si); /* its value, its queue entry (sig blocked now) */
	if (!(a.sa_flags & SA_RESTART))
		++*(volatile unsigned *)sig_eintr_count();
	++*(volatile unsigned *)sig_ran_count();
	if (a.sa_flags & SA_SIGINFO)
		a.sa_sigaction(sig, si, uc);
	else
		a.sa_handler(sig);
}

/* True if sig's default action is to ignore it. */
static int ignored_by_default(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}


/* Run sig's handler with the thread's IPC buffer ipc kept in a copy on
 * this stack: for a handler that runs while another of the same thread
 * holds the thread's save area (nested).  Not inlined: its 4 KiB frame is
 * only taken by a nested handler. */
static __attribute__((noinline)) void run_saved_here(void *ipc, int sig, siginfo_t *si,
						      void *uc)
{
	uint8_t saved[IPC_BUF_MAX];
	memcpy(saved, ipc, sizeof saved);
	run_handler(sig, si, uc);
	memcpy(ipc, saved, sizeof saved);
}

static uint8_t main_sig_save[IPC_BUF_MAX]; /* libsys_tls's sig_save of the */
static unsigned main_sig_depth;           /* main thread and its sig_depth */

/* The si_code of a floating-point trap, from the exceptions the
 * interrupted code raised that are unmasked (the x87's and SSE's, still
 * live here), Linux's order; FPE_FLTINV when none shows. */
static int fpe_code(void)
{
	uint32_t mxcsr;
	uint16_t sw, cw;
	__asm__ volatile("stmxcsr %0\n\tfnstsw %1\n\tfnstcw %2" : "=m"(mxcsr), "=m"(sw), "=m"(cw));
	unsigned raised = ((mxcsr & ~(mxcsr >> 7)) | (sw & ~cw)) & 0x3f;
	return raised & 0x01 ? FPE_FLTINV : raised & 0x04 ? FPE_FLTDIV :
	       raised & 0x08 ? FPE_FLTOVF : raised & 0x12 ? FPE_FLTUND :
	       raised & 0x20 ? FPE_FLTRES : FPE_FLTINV;
}

/* libsys_sigtramp's C half: called with the kernel's arguments.  A
 * signal whose handler went away after it was sent takes its action now:
 * ignored, or the end of the process by that signal.  The thread's IPC
 * buffer is kept aside meanwhile: the signal may have come between a
 * pager request and libsys's copy of its answer out of the buffer (a
 * pipe read's bytes), or between the copy of a request's bytes in and
 * the call, and a handler's own requests (write, read: async-signal-safe)
 * would replace them (hunt_sig_ipc_buffer).  The outermost handler of a
 * thread keeps it in the thread's save area, not on the stack the kernel
 * chose, which may be an alternate stack of only MINSIGSTKSZ bytes
 * (mend_sigstack_min); a nested one (rare) on its stack.  The depth is
 * counted with one atomic instruction, so a signal that comes between
 * the count and the copy sees the area taken. */
void libsys_sig_entry(int sig, siginfo_t *si, void *uc)
{
	if (sig < 1 || sig >= _NSIG)
		return;
	if (sig == SIGFPE && si && si->si_code == FPE_FLTINV) /* the pager's code for #MF, #XM */
		si->si_code = fpe_code();
	if (si && si->si_code == SI_TIMER) /* the pager names the timer only */
		libsys_timer_info(si);
	/* The handler starts with the FPU's initial state, as on Linux (every
	 * exception masked, round to nearest, no flags): the interrupted
	 * state, saved by libsys_sigtramp, comes back when it returns, and a
	 * handler leaving by siglongjmp leaves the initial state behind. */
	uint32_t mxcsr0 = 0x1f80;
	__asm__ volatile("fninit\n\tldmxcsr %0" : : "m"(mxcsr0));
	sighandler_t h = actions[sig].sa_handler;
	if (h == SIG_IGN || (h == SIG_DFL && ignored_by_default(sig))) {
		if (si && queued_code(sig, si)) /* kept for a sigwait: its entry goes too */
			sigqueue_info(sig, si);
		return;
	}
	if (h == SIG_DFL) { /* the end: this thread lets it through now */
		sigmask(ABI_SIG_UNBLOCK, 1ull << (sig - 1), NULL);
		kill(getpid(), sig);
		return;
	}
	struct libsys_tls *t = libsys_tls();
	unsigned *depth = t ? &t->sig_depth : &main_sig_depth;
	uint8_t *save = t ? t->sig_save : main_sig_save;
	void *ipc = libsys_ipc_buf(); /* the thread's own (a new one waits) */
	if (__atomic_fetch_add(depth, 1, __ATOMIC_ACQ_REL) == 0 && save) {
		memcpy(save, ipc, IPC_BUF_MAX);
		run_handler(sig, si, uc);
		memcpy(ipc, save, IPC_BUF_MAX);
	} else {
		run_saved_here(ipc, sig, si, uc);
	}
	__atomic_fetch_sub(depth, 1, __ATOMIC_ACQ_REL);
}

/* Entered by the kernel with rsp = the frame (64-byte aligned), rdi = sig,
 * rsi = &info, rdx = &uc; every register is put back by sigreturn, so
 * nothing here needs keeping but the FPU state and the frame address.
 * A sigreturn whose mask blocks signals pending on this thread that were
 * sent to the process answers E_AGAIN with them in rdi, restoring
 * nothing: they are offered to the other threads (PG_SIG_OFFER, in
 * registers only: the interrupted code's IPC buffer and errno untouched)
 * and sigreturn is called again, the FPU state loaded again after the
 * call. */
_Static_assert(SYSNR_sigreturn == 42, "libsys_sigtramp's syscall number");
_Static_assert(E_AGAIN == 15, "libsys_sigtramp's E_AGAIN");
_Static_assert(__builtin_offsetof(struct abi_sigframe, uc) == 0, "uc first");
__asm__(".text\n"
	".globl libsys_sigtramp\n"
	".type libsys_sigtramp, @function\n"
	"libsys_sigtramp:\n"
	"	mov %rdx, %rbx\n"
	"	sub $512, %rsp\n"
	"	fxsave64 (%rsp)\n"
	"	call libsys_sig_entry\n"
	"1:	fxrstor64 (%rsp)\n"
	"	mov %rbx, %rdi\n"
	"	mov $42, %eax\n"
	"	syscall\n"
	"	cmp $15, %eax\n" /* E_AGAIN: rdi = signals given back */
	"	jne 2f\n"
	"	call libsys_sig_offer\n"
	"	jmp 1b\n"
	"2:	ud2\n" /* sigreturn refused the frame: SIGILL, then the end */
	".size libsys_sigtramp, .-libsys_sigtramp\n");

/* raise: the handler runs in this thread on the way out of the kernel
 * call that makes sig pending (at once unless blocked: then when it is
 * unblocked), as Linux's tgkill to itself. */
int raise(int sig)
{
	if (bad_sig(sig))
		return -1;
	struct sigaction a = actions[sig];
	if (a.sa_handler == SIG_IGN || (a.sa_handler == SIG_DFL && ignored_by_default(sig)))
		return 0;
	uint64_t blocked = 0;
	sigmask(~0ull, 0, &blocked);
	if (a.sa_handler == SIG_DFL && !((blocked >> (sig - 1)) & 1)) {
		if (sig == SIGABRT)
			abort();
		return kill(getpid(), sig);
	}
	return libsys_fail(sigmask2(ABI_SIG_RAISE | (uint64_t)getpid() << 32, 1ull << (sig - 1),
				    (uint64_t)libsys_sigtramp, NULL, NULL));
}

/* Send sig to thread t alone: its handler runs in t (pending on t while
 * t blocks it), as Linux's tgkill; PG_KILL with t's index. */
int pthread_kill(pthread_t t, int sig)
{
	if (sig < 0 || sig >= _NSIG)
		return EINVAL;
	if (sig == 0)
		return 0;
	if (t == pthread_self())
		return raise(sig) ? errno : 0;
	uint64_t ktid;
	unsigned slot = libsys_pthread_slot(t, &ktid);
	if (slot == ~0u) /* not known: the process's */
		return kill(getpid(), sig) ? errno : 0;
	struct sys_msg m = { .label = PG_KILL,
			     .w = { (uint64_t)getpid(), (uint64_t)sig, slot, ktid } };
	int e = libsys_pg_call(&m);
	return e == E_NOENT ? ESRCH : e ? libsys_errno(e) : 0; /* ESRCH: it has ended */
}

int sigpending(sigset_t *set)
{
	uint64_t pending = 0;
	int e = sigmask2(~0ull, 0, 0, NULL, &pending);
	if (e)
		return libsys_fail(e);
	*set = pending;
	return 0;
}

/* Wait with the blocked set mask until a handler ran in this thread, as
 * Linux's: a signal whose action ignores it (kept pending while every
 * thread blocked it, then let through by mask) is taken and dropped on
 * the way, and the wait goes on. */
int sigsuspend(const sigset_t *mask)
{
	unsigned ran = libsys_sig_ran();
	do /* the kernel's suspension goes on until a handler is entered */
		sys_sigsuspend(*mask);
	while (libsys_sig_ran() == ran);
	errno = EINTR;
	return -1;
}

int pause(void)
{
	uint64_t now = 0;
	sigmask(~0ull, 0, &now);
	return sigsuspend(&now);
}

/* alarm and setitimer(ITIMER_REAL): the pager keeps one timer per
 * process (PG_SIG_ALARM: w0 = ms from now, 0: none; w1 = the interval
 * in ms; answers the ms that were left and the interval before). */
static int alarm_call(uint64_t ms, uint64_t interval, uint64_t *left, uint64_t *old_iv)
{
	struct sys_msg m = { .label = PG_SIG_ALARM, .w = { ms, interval } };
	int e = libsys_pg_call(&m);
	if (e == E_OK) {
		*left = m.w[0];
		*old_iv = m.w[1];
	}
	return e;
}

unsigned alarm(unsigned seconds)
{
	uint64_t left = 0, iv = 0;
	if (alarm_call((uint64_t)seconds * 1000, 0, &left, &iv))
		return 0;
	return (unsigned)((left + 999) / 1000);
}

static uint64_t tv_ms(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000 + ((uint64_t)tv->tv_usec + 999) / 1000;
}

static void ms_tv(uint64_t ms, struct timeval *tv)
{
	tv->tv_sec = (time_t)(ms / 1000);
	tv->tv_usec = (suseconds_t)(ms % 1000 * 1000);
}

int setitimer(int which, const struct itimerval *nv, struct itimerval *ov)
{
	if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
		return libsys_itimer_cpu(which, nv, ov, NULL);
	if (which != ITIMER_REAL || !nv || nv->it_value.tv_sec < 0 ||
	    nv->it_value.tv_usec < 0 || nv->it_value.tv_usec >= 1000000 ||
	    nv->it_interval.tv_sec < 0 || nv->it_interval.tv_usec < 0 ||
	    nv->it_interval.tv_usec >= 1000000) {
		errno = EINVAL;
		return -1;
	}
	uint64_t left = 0, iv = 0;
	int e = alarm_call(tv_ms(&nv->it_value), tv_ms(&nv->it_interval), &left, &iv);
	if (e)
		return libsys_fail(e);
	if (ov) {
		ms_tv(left, &ov->it_value);
		ms_tv(iv, &ov->it_interval);
	}
	return 0;
}

int getitimer(int which, struct itimerval *cur)
{
	if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
		return libsys_itimer_cpu(which, NULL, NULL, cur);
	if (which != ITIMER_REAL) {
		errno = EINVAL;
		return -1;
	}
	uint64_t left = 0, iv = 0;
	struct sys_msg m = { .label = PG_SIG_ALARM, .w = { 0, 0, 1 } }; /* w2: only ask */
	int e = libsys_pg_call(&m);
	if (e)
		return libsys_fail(e);
	left = m.w[0], iv = m.w[1];
	ms_tv(left, &cur->it_value);
	ms_tv(iv, &cur->it_interval);
	return 0;
}
