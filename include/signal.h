/* Signals: only their numbers, and kill with SIGKILL (or 0: does pid
 * exist).  There are no handlers. */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <sys/types.h>

#define LIBSYS_POSIX_NAMES 1

#define SIGHUP   1
#define SIGINT   2
#define SIGQUIT  3
#define SIGILL   4
#define SIGTRAP  5
#define SIGABRT  6
#define SIGBUS   7
#define SIGFPE   8
#define SIGKILL  9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGUSR2 12
#define SIGPIPE 13
#define SIGALRM 14
#define SIGTERM 15
#define SIGCHLD 17

#define SIG_BLOCK   0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2
#define _NSIG 65
#define NSIG _NSIG

/* A set of signals 1..64 (bit sig - 1). */
typedef unsigned long sigset_t;

/* The set operations: 0, or -1 with EINVAL (sig not 1..64). */
int sigemptyset(sigset_t *set);
int sigfillset(sigset_t *set);
int sigaddset(sigset_t *set, int sig);
int sigdelset(sigset_t *set, int sig);
int sigismember(const sigset_t *set, int sig);
/* The process's signal mask (one for all its threads): how = SIG_BLOCK,
 * SIG_UNBLOCK or SIG_SETMASK with set (may be NULL: only ask); *old (may be
 * NULL) = the mask before.  SIGKILL and SIGSTOP are never blocked.  0, or
 * -1 with EINVAL. */
int sigprocmask(int how, const sigset_t *set, sigset_t *old);
/* sigprocmask, returning the error instead of setting errno. */
int pthread_sigmask(int how, const sigset_t *set, sigset_t *old);

/* End process pid and its children (SIGKILL, SIGTERM: the same here), or
 * only check it exists (0).  -1 with ESRCH, EPERM (not ours), EINVAL. */
int kill(pid_t pid, int sig);

#endif
