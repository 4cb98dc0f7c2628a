/* Waiting for children; status as Linux encodes it: exited with code c is
 * c << 8, killed by signal s is s (a fault: SIGSEGV, SIGILL, SIGFPE; kill
 * and out of memory: SIGKILL), stopped by s is s << 8 | 0x7f (WUNTRACED),
 * continued 0xffff (WCONTINUED). */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/types.h>

#define LIBSYS_POSIX_NAMES 1

#define WNOHANG 1

#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WTERMSIG(s)    ((s) & 0x7f)
#define WIFEXITED(s)   (WTERMSIG(s) == 0)
#define WIFSIGNALED(s) (WTERMSIG(s) != 0 && WTERMSIG(s) != 0x7f)
#define WIFSTOPPED(s)  (((s) & 0xff) == 0x7f)
#define WSTOPSIG(s)    WEXITSTATUS(s)
#define WIFCONTINUED(s) ((s) == 0xffff)
#define WCOREDUMP(s)   0

/* Wait for child pid (-1: any child) to end (WUNTRACED, WCONTINUED: or
 * stop, or continue, each reported once); its pid, 0 with WNOHANG while
 * none has news, -1 with ECHILD (no such child) or EINVAL (flags). */
pid_t waitpid(pid_t pid, int *status, int options);
pid_t wait(int *status);

/* wait4/wait3: waitpid, and *ru (if ru) the child's usage as far as it is
 * kept (getrusage: ru_minflt, ru_maxrss of the child and the children it
 * waited for). */
struct rusage;
pid_t wait3(int *status, int options, struct rusage *ru);
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);

/* waitid: P_PID or P_ALL (P_PGID: the caller's children, one group),
 * WEXITED, WSTOPPED, WCONTINUED (one at least), WNOHANG, WNOWAIT (the
 * child stays waitable); *info: si_signo SIGCHLD, si_code CLD_EXITED,
 * CLD_KILLED, CLD_STOPPED or CLD_CONTINUED, si_status the exit code or
 * signal, si_pid, si_uid 0 (all 0 with WNOHANG when no child has news). */
#include <signal.h>
typedef enum { P_ALL = 0, P_PID = 1, P_PGID = 2 } idtype_t;
#define WSTOPPED   2
#define WUNTRACED  2
#define WEXITED    4
#define WCONTINUED 8
#define WNOWAIT    0x01000000
#ifndef CLD_EXITED
#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_DUMPED    3
#define CLD_TRAPPED   4
#define CLD_STOPPED   5
#define CLD_CONTINUED 6
#endif
int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options);

#endif
