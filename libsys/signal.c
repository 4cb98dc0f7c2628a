/* Signal sets and the signal mask (signal.h). */
#include <errno.h>
#include <signal.h>
#include "libsys.h"

unsigned long libsys_sigmask;

#define SIGSTOP 19
#define UNBLOCKABLE ((1ul << (SIGKILL - 1)) | (1ul << (SIGSTOP - 1)))

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

int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	unsigned long cur = __atomic_load_n(&libsys_sigmask, __ATOMIC_RELAXED), next = cur;
	if (set) {
		switch (how) {
		case SIG_BLOCK: next = cur | *set; break;
		case SIG_UNBLOCK: next = cur & ~*set; break;
		case SIG_SETMASK: next = *set; break;
		default: return EINVAL;
		}
	}
	if (old)
		*old = cur;
	__atomic_store_n(&libsys_sigmask, next & ~UNBLOCKABLE, __ATOMIC_RELAXED);
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
