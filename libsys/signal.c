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
#include "abi/err.h"
#include "abi/pager.h"
#include "abi/signal.h"
#include "abi/syscall.h"
#include "sys/syscall.h"
#include "libsys.h"

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

/* The kernel's sigmask: how (ABI_SIG_*, ~0: only ask), set; the old set. */
static int sigmask(uint64_t how, uint64_t set, uint64_t *old)
{
	struct sys_regs r;
	int e = sys_sigmask_r(how, set, &r);
	if (e == E_OK && old)
		*old = r.rdi;
	return e;
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
static struct { volatile int locked; } act_lock;

static int has_handler(const struct sigaction *a)
{
	return a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN;
}

void libsys_sigtramp(void);

/* Tell the pager which signals have a handler now (act_lock held). */
static int tell_pager(void)
{
	uint64_t mask = 0;
	for (int s = 1; s < _NSIG; s++)
		if (has_handler(&actions[s]))
			mask |= 1ull << (s - 1);
	struct sys_msg m = { .label = PG_SIGACTION,
			     .w = { mask, mask ? (uint64_t)libsys_sigtramp : 0 } };
	return libsys_pg_call(&m);
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (bad_sig(sig))
		return -1;
	if (act && (sig == SIGKILL || sig == SIGSTOP)) {
		errno = EINVAL;
		return -1;
	}
	while (__atomic_exchange_n(&act_lock.locked, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	if (old)
		*old = actions[sig];
	int e = E_OK;
	if (act) {
		struct sigaction before = actions[sig];
		actions[sig] = *act;
		if (has_handler(act) != has_handler(&before) && (e = tell_pager()))
			actions[sig] = before;
	}
	__atomic_store_n(&act_lock.locked, 0, __ATOMIC_RELEASE);
	return libsys_fail(e);
}

sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction a = { .sa_handler = handler, .sa_flags = SA_RESTART }, old;
	if (sigaction(sig, &a, &old))
		return SIG_ERR;
	return old.sa_handler;
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
		sigaction(sig, &dfl, NULL);
	}
	uint64_t block = a.sa_mask & ~ABI_SIG_UNBLOCKABLE;
	if (a.sa_flags & SA_NODEFER)
		sigmask(ABI_SIG_UNBLOCK, 1ull << (sig - 1), NULL);
	else
		block |= 1ull << (sig - 1);
	if (block)
		sigmask(ABI_SIG_BLOCK, block, NULL);
	if (a.sa_flags & SA_SIGINFO)
		a.sa_sigaction(sig, si, uc);
	else
		a.sa_handler(sig);
}

/* libsys_sigtramp's C half: called with the kernel's arguments. */
void libsys_sig_entry(int sig, siginfo_t *si, void *uc)
{
	if (sig >= 1 && sig < _NSIG)
		run_handler(sig, si, uc);
}

/* Entered by the kernel with rsp = the frame (64-byte aligned), rdi = sig,
 * rsi = &info, rdx = &uc; every register is put back by sigreturn, so
 * nothing here needs keeping but the FPU state and the frame address. */
_Static_assert(SYS_sigreturn == 42, "libsys_sigtramp's syscall number");
_Static_assert(__builtin_offsetof(struct abi_sigframe, uc) == 0, "uc first");
__asm__(".text\n"
	".globl libsys_sigtramp\n"
	".type libsys_sigtramp, @function\n"
	"libsys_sigtramp:\n"
	"	mov %rdx, %rbx\n"
	"	sub $512, %rsp\n"
	"	fxsave64 (%rsp)\n"
	"	call libsys_sig_entry\n"
	"	fxrstor64 (%rsp)\n"
	"	mov %rbx, %rdi\n"
	"	mov $42, %eax\n"
	"	syscall\n"
	"	ud2\n" /* sigreturn refused the frame: SIGILL, then the end */
	".size libsys_sigtramp, .-libsys_sigtramp\n");

int raise(int sig)
{
	if (bad_sig(sig))
		return -1;
	struct sigaction a = actions[sig];
	if (a.sa_handler == SIG_IGN)
		return 0;
	if (a.sa_handler == SIG_DFL) {
		if (sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT)
			return 0; /* ignored by default */
		if (sig == SIGABRT)
			abort();
		return kill(getpid(), sig);
	}
	siginfo_t si = { .si_signo = sig, .si_code = SI_TKILL, .si_pid = getpid() };
	uint64_t old = 0;
	sigmask(~0ull, 0, &old);
	run_handler(sig, &si, NULL);
	sigmask(ABI_SIG_SETMASK, old, NULL);
	return 0;
}
