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

/* End process pid and its children (SIGKILL, SIGTERM: the same here), or
 * only check it exists (0).  -1 with ESRCH, EPERM (not ours), EINVAL. */
int kill(pid_t pid, int sig);

#endif
