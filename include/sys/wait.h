/* Waiting for children; status as Linux encodes it: exited with code c is
 * c << 8, killed by signal s is s (a fault: SIGSEGV, SIGILL, SIGFPE; kill
 * and out of memory: SIGKILL). */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/types.h>

#define LIBSYS_POSIX_NAMES 1

#define WNOHANG 1

#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WTERMSIG(s)    ((s) & 0x7f)
#define WIFEXITED(s)   (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (WTERMSIG(s) != 0 && WTERMSIG(s) != 0x7f)
#define WIFSTOPPED(s)  0
#define WCOREDUMP(s)   0

/* Wait for child pid (-1: any child) to end; its pid, 0 with WNOHANG while
 * it runs, -1 with ECHILD (no such child) or EINVAL (flags). */
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);

#endif
