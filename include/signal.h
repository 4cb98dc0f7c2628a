/* Signals.  Handlers run for the signals a fault raises in the thread
 * that faulted (synchronous, as Linux delivers them): SIGSEGV (a page
 * fault: si_addr = the address, si_code SEGV_MAPERR outside any mapping,
 * SEGV_ACCERR against its protection; a general protection fault: si_addr
 * 0, SI_KERNEL), SIGILL (invalid opcode, ILL_ILLOPN), SIGFPE (divide
 * error FPE_INTDIV, x87/SSE exceptions), SIGBUS (alignment check),
 * SIGTRAP (int3); and for signals sent by kill, raise, pthread_kill,
 * alarm, setitimer and a child's end (SIGCHLD), asynchronously in one
 * thread that does not block the signal (interrupting it anywhere in its
 * code, or ending its sleep, futex wait, pause, sigsuspend, console read
 * or blocked waitpid with EINTR): pthread_kill's and raise's in that
 * thread, the others in any.  A signal every thread blocks stays pending
 * for the process (one per number, even one whose action is the default
 * end) until a thread unblocks it or takes it with sigwait; sigpending
 * shows the thread's and the process's.  An SA_SIGINFO handler's si_pid
 * and si_code say who sent it (SI_USER for kill, SI_TKILL for raise and
 * pthread_kill, SIGCHLD's CLD_EXITED or CLD_KILLED with si_status).  The handler may return
 * (the registers come back from its ucontext_t, which it may change), or
 * leave with siglongjmp or longjmp.  While it runs its signal is blocked
 * (unless SA_NODEFER) with sa_mask; a fault raising a blocked signal ends
 * the process as without a handler, and so does a frame that cannot be
 * written to the thread's stack (SIGSEGV).  The blocked set is per thread
 * (sigprocmask, pthread_sigmask); a new thread and a fork child have
 * their creator's from their first instruction.  SIG_DFL: the process ends by the signal, but SIGCHLD,
 * SIGURG, SIGWINCH and SIGCONT, which are ignored.
 * SA_RESTART repeats an interrupted waitpid, pipe read or write and console
 * read; other calls return EINTR (poll and select always, as Linux's).
 * sigaltstack gives the calling thread an alternate stack, where the
 * frames of signals whose handlers have SA_ONSTACK go (a stack overflow's
 * SIGSEGV can then be handled); a fork child keeps its thread's, exec and
 * a new thread start without.
 * Not there: queued real-time signals, stop and continue; a blocked
 * ignored signal is dropped, not kept pending as Linux's. */
#ifndef _SIGNAL_H
#define _SIGNAL_H

#include <sys/types.h>
#include <sys/ucontext.h>

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
#define SIGSTKFLT 16
#define SIGCHLD 17
#define SIGCONT 18
#define SIGSTOP 19
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGURG  23
#define SIGXCPU 24
#define SIGXFSZ 25
#define SIGVTALRM 26
#define SIGPROF 27
#define SIGWINCH 28
#define SIGIO   29
#define SIGPOLL SIGIO
#define SIGPWR  30
#define SIGSYS  31

/* Real-time signals: SIGRTMIN..SIGRTMAX, as glibc reports them (32 and
 * 33 are libsys's own: 32 wakes the SIGEV_THREAD timers' thread). */
#define SIGRTMIN 34
#define SIGRTMAX 64

/* How a POSIX timer (timer_create, time.h) tells its expiry: a signal
 * (SIGEV_SIGNAL: sigev_signo with si_value = sigev_value, si_code
 * SI_TIMER), nothing (SIGEV_NONE), or a new thread running
 * sigev_notify_function(sigev_value) (SIGEV_THREAD).  Linux's layout. */
#define SIGEV_SIGNAL 0
#define SIGEV_NONE   1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4
union sigval;
struct sigevent;

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

typedef void (*sighandler_t)(int);
#define SIG_DFL ((sighandler_t)0)
#define SIG_IGN ((sighandler_t)1)
#define SIG_ERR ((sighandler_t)-1)

typedef int sig_atomic_t;

union sigval {
	int sival_int;
	void *sival_ptr;
};

struct sigevent {
	union sigval sigev_value;
	int sigev_signo;
	int sigev_notify;
	union {
		int _pad[12];
		int _tid; /* SIGEV_THREAD_ID (not there: EINVAL) */
		struct {
			void (*_function)(union sigval);
			void *_attribute; /* pthread_attr_t * (ignored) */
		} _sigev_thread;
	} _sigev_un;
};
#define sigev_notify_function   _sigev_un._sigev_thread._function
#define sigev_notify_attributes _sigev_un._sigev_thread._attribute
#define sigev_notify_thread_id  _sigev_un._tid

/* Linux's layout: si_addr at offset 16, 128 bytes in all. */
typedef struct {
	int si_signo;
	int si_errno;
	int si_code;
	int __pad0;
	union {
		void *si_addr;
		struct {
			union {
				struct {
					pid_t si_pid;
					uid_t si_uid;
				};
				struct { /* a POSIX timer's (SI_TIMER) */
					int si_timerid;
					int si_overrun;
				};
			};
			union { /* at offset 24, as Linux's */
				int si_status;
				union sigval si_value;
			};
		};
		long __pad[14];
	};
} siginfo_t;

/* si_code values */
#define SI_USER     0
#define SI_KERNEL   0x80
#define SI_TKILL    (-6)
#define SI_QUEUE    (-1)
#define SI_TIMER    (-2)
#define SI_MESGQ    (-3)
#define SI_ASYNCIO  (-4)
#define SI_SIGIO    (-5)
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define SEGV_BNDERR 3
#define SEGV_PKUERR 4
#define BUS_ADRALN  1
#define BUS_ADRERR  2
#define BUS_OBJERR  3
#define ILL_ILLOPC  1
#define ILL_ILLOPN  2
#define ILL_ILLADR  3
#define ILL_ILLTRP  4
#define ILL_PRVOPC  5
#define ILL_PRVREG  6
#define ILL_COPROC  7
#define ILL_BADSTK  8
/* A floating-point trap's code (an exception fenv.h's feenableexcept
 * unmasked) is the first of invalid, divide-by-zero, overflow, underflow
 * and inexact raised, as Linux reports it. */
#define FPE_INTDIV  1
#define FPE_INTOVF  2
#define FPE_FLTDIV  3
#define FPE_FLTOVF  4
#define FPE_FLTUND  5
#define FPE_FLTRES  6
#define FPE_FLTINV  7
#define FPE_FLTSUB  8
#define TRAP_BRKPT  1
#define TRAP_TRACE  2

struct sigaction {
	union {
		void (*sa_handler)(int);
		void (*sa_sigaction)(int, siginfo_t *, void *);
	};
	sigset_t sa_mask;
	int sa_flags;
	void (*sa_restorer)(void);
};

#define SS_ONSTACK  1
#define SS_DISABLE  2
#define MINSIGSTKSZ 2048
#define SIGSTKSZ    8192
/* The calling thread's alternate signal stack: ss (NULL: unchanged; its
 * ss_flags 0 or SS_DISABLE) and the one before into old (NULL: not
 * asked).  0, or -1 with EPERM (on it now), ENOMEM (ss_size below
 * MINSIGSTKSZ), EINVAL (flags), EFAULT. */
int sigaltstack(const stack_t *ss, stack_t *old);

#define SA_NOCLDSTOP 0x00000001
#define SA_NOCLDWAIT 0x00000002
#define SA_SIGINFO   0x00000004
#define SA_RESTORER  0x04000000
#define SA_ONSTACK   0x08000000
#define SA_RESTART   0x10000000
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000
#define SA_NOMASK    SA_NODEFER
#define SA_ONESHOT   SA_RESETHAND

/* The action for sig (1..64): act (may be NULL: only ask), *old (may be
 * NULL) = the one before.  -1 with EINVAL: no such signal, or SIGKILL or
 * SIGSTOP. */
int sigaction(int sig, const struct sigaction *act, struct sigaction *old);
/* sigaction with sa_handler = handler, SA_RESTART; the handler before, or
 * SIG_ERR (errno EINVAL). */
sighandler_t signal(int sig, sighandler_t handler);
/* sig to the calling thread: its handler runs before raise returns
 * unless the thread blocks sig (then when it unblocks it); SIG_IGN:
 * nothing; SIG_DFL: the process ends (abort() for SIGABRT, else as kill). */
int raise(int sig);

/* The signals pending on this thread (blocked ones).  0. */
int sigpending(sigset_t *set);
/* Wait with mask blocked until a handler has run: -1 with EINTR, the
 * mask before back. */
int sigsuspend(const sigset_t *mask);
struct libsys_pthread;
/* raise for the calling thread; another thread of the process: kill to
 * the process (the pager picks the thread).  0 or an errno value. */
int pthread_kill(struct libsys_pthread *t, int sig);

/* Send sig to process pid (> 0), to the caller's process group (0), to
 * every process but init, the system's and the caller (-1), or to the
 * group -pid (see above: a handler runs, or it is ignored, or the process
 * ends; its children live on, given to init), or only check it exists
 * (sig 0).  Ending a process is for itself, its ancestors and its group.
 * -1 with ESRCH, EPERM (none could be signalled), EINVAL.  killpg(g, sig)
 * is kill(-g, sig). */
int kill(pid_t pid, int sig);
/* kill with a value: the handler's si_value, si_code SI_QUEUE; several
 * of one real-time signal (SIGRTMIN..SIGRTMAX) queue (up to 32 pending
 * per process: then EAGAIN) and are delivered in order, the lowest
 * number first; a standard one does not queue. */
int sigqueue(pid_t pid, int sig, const union sigval value);
int killpg(pid_t pgrp, int sig);

/* "name: description" of sig on stderr (strsignal's words). */
void psignal(int sig, const char *s);
/* The System V calls (libsys/libc7.c): sighold/sigrelse block and unblock
 * one signal, sigignore sets SIG_IGN, sigset a disposition (SIG_HOLD:
 * block), siginterrupt clears or sets SA_RESTART; psiginfo is psignal of
 * the info's signal. */
#define SIG_HOLD ((sighandler_t)2)
int sigisemptyset(const sigset_t *set);
int sigandset(sigset_t *dest, const sigset_t *a, const sigset_t *b);
int sigorset(sigset_t *dest, const sigset_t *a, const sigset_t *b);
int sighold(int sig);
int sigrelse(int sig);
int sigignore(int sig);
sighandler_t sigset(int sig, sighandler_t disp);
int siginterrupt(int sig, int flag);
void psiginfo(const siginfo_t *info, const char *msg);

/* Take a signal of set (blocked by the caller) without its handler
 * running, one sent to the calling thread or to the process (libsys/libc5.c,
 * over the kernel's sigwait); sigtimedwait's EAGAIN when the time passes. */
int sigwait(const sigset_t *set, int *sig);
int sigwaitinfo(const sigset_t *set, siginfo_t *info);
#ifndef __timespec_defined /* as glibc's signal.h: time.h's struct */
#define __timespec_defined 1
struct timespec {
	time_t tv_sec;
	long tv_nsec;
};
#endif
int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *timeout);

#endif
