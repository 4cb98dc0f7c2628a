/* Linux's syscall(2): the calls programs make through it by number
 * (<sys/syscall.h>'s SYS_ names), each served by the libsys function of
 * the same meaning, with Linux's convention (-1 and errno on failure).
 * futex(2) is here too (linux/futex.h): it has no libc wrapper, so
 * programs that build their own locks call it this way.  Any other
 * number is ENOSYS, as a kernel without the call answers. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include "abi/err.h"
#include "libsys.h"

/* 0 for e == 0, else -1 with errno e. */
static long err_or(int e)
{
	if (!e)
		return 0;
	errno = e;
	return -1;
}

/* Milliseconds of timeout *uts for futex_wait: relative, or absolute on
 * CLOCK_MONOTONIC / CLOCK_REALTIME (the _BITSET form); FUTEX_FOREVER for
 * none, and for one past the kernel's longest wait (a day: none of this
 * system's waits outlives that), into *ms; 0, or -1 with errno EINVAL if
 * it is not a valid time, EFAULT if it is not readable. */
static int futex_ms(const struct timespec *uts, int absolute, int realtime, uint64_t *ms)
{
	struct timespec ts;
	*ms = FUTEX_FOREVER;
	if (!uts)
		return 0;
	if (libsys_user_room(uts, sizeof ts, 0) < sizeof ts) {
		errno = EFAULT;
		return -1;
	}
	ts = *uts;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L) {
		errno = EINVAL;
		return -1;
	}
	if (absolute) { /* seconds and nanoseconds apart: no overflow */
		struct timespec now;
		clock_gettime(realtime ? CLOCK_REALTIME : CLOCK_MONOTONIC, &now);
		if (ts.tv_sec < now.tv_sec ||
		    (ts.tv_sec == now.tv_sec && ts.tv_nsec <= now.tv_nsec)) {
			*ms = 0;
			return 0;
		}
		ts.tv_sec -= now.tv_sec;
		ts.tv_nsec -= now.tv_nsec;
		if (ts.tv_nsec < 0) {
			ts.tv_sec--;
			ts.tv_nsec += 1000000000L;
		}
	}
	if ((uint64_t)ts.tv_sec > FUTEX_MAX_MS / 1000)
		return 0;
	uint64_t n = (uint64_t)ts.tv_sec * 1000 + (uint64_t)(ts.tv_nsec + 999999) / 1000000;
	if (n <= FUTEX_MAX_MS) /* never shorter than asked */
		*ms = n;
	return 0;
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3). */
static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts,
		  uint32_t *uaddr2, uint32_t val3)
{
	int shared = !(op & FUTEX_PRIVATE_FLAG);
	int cmd = op & FUTEX_CMD_MASK;
	(void)uaddr2;
	if (((uintptr_t)uaddr & 3) || !uaddr) {
		errno = EINVAL;
		return -1;
	}
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET: {
		if (cmd == FUTEX_WAIT_BITSET && val3 == 0) {
			errno = EINVAL;
			return -1;
		}
		uint64_t ms;
		if (futex_ms(ts, cmd == FUTEX_WAIT_BITSET, (op & FUTEX_CLOCK_REALTIME) != 0, &ms))
			return -1;
		int e = libsys_futex_wait(uaddr, val, ms, shared);
		if (e == E_TIMEDOUT) {
			errno = ETIMEDOUT;
			return -1;
		}
		return e ? libsys_fail(e) : 0;
	}
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (cmd == FUTEX_WAKE_BITSET && val3 == 0) {
			errno = EINVAL;
			return -1;
		}
		return (long)libsys_futex_wake(uaddr, val, shared);
	case FUTEX_CMP_REQUEUE:
		if (libsys_user_room(uaddr, 4, 0) < 4) {
			errno = EFAULT;
			return -1;
		}
		if (__atomic_load_n(uaddr, __ATOMIC_SEQ_CST) != val3) {
			errno = EAGAIN;
			return -1;
		}
		/* fall through */
	case FUTEX_REQUEUE: /* the ones to move are woken instead */
		return (long)libsys_futex_wake(uaddr, val + (uint32_t)(uintptr_t)ts, shared);
	default:
		errno = ENOSYS;
		return -1;
	}
}

long syscall(long nr, ...)
{
	va_list ap;
	long a[6];
	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	switch (nr) {
	case SYS_read:          return read((int)a[0], (void *)a[1], (size_t)a[2]);
	case SYS_write:         return write((int)a[0], (const void *)a[1], (size_t)a[2]);
	case SYS_open:          return open((const char *)a[0], (int)a[1], (int)a[2]);
	case SYS_close:         return close((int)a[0]);
	case SYS_lseek:         return lseek((int)a[0], (off_t)a[1], (int)a[2]);
	case SYS_pread64:       return pread((int)a[0], (void *)a[1], (size_t)a[2], (off_t)a[3]);
	case SYS_pwrite64:      return pwrite((int)a[0], (const void *)a[1], (size_t)a[2], (off_t)a[3]);
	case SYS_mmap: {
		void *p = mmap((void *)a[0], (size_t)a[1], (int)a[2], (int)a[3], (int)a[4], (off_t)a[5]);
		return p == MAP_FAILED ? -1 : (long)p;
	}
	case SYS_munmap:        return munmap((void *)a[0], (size_t)a[1]);
	case SYS_mprotect:      return mprotect((void *)a[0], (size_t)a[1], (int)a[2]);
	case SYS_madvise:       return madvise((void *)a[0], (size_t)a[1], (int)a[2]);
	case SYS_mincore:       return mincore((void *)a[0], (size_t)a[1], (unsigned char *)a[2]);
	case SYS_msync:         return msync((void *)a[0], (size_t)a[1], (int)a[2]);
	case SYS_mlock:         return mlock((const void *)a[0], (size_t)a[1]);
	case SYS_munlock:       return munlock((const void *)a[0], (size_t)a[1]);
	case SYS_mremap: {
		void *p = mremap((void *)a[0], (size_t)a[1], (size_t)a[2], (int)a[3], (void *)a[4]);
		return p == MAP_FAILED ? -1 : (long)p;
	}
	case SYS_brk: /* Linux's raw brk answers the break, never -1 */
		if (a[0] && brk((void *)a[0]) == 0)
			return a[0];
		return (long)sbrk(0);
	case SYS_memfd_create:  return memfd_create((const char *)a[0], (unsigned)a[1]);
	case SYS_ftruncate:     return ftruncate((int)a[0], (off_t)a[1]);
	case SYS_pipe:          return pipe((int *)a[0]);
	case SYS_pipe2:         return pipe2((int *)a[0], (int)a[1]);
	case SYS_dup:           return dup((int)a[0]);
	case SYS_dup2:          return dup2((int)a[0], (int)a[1]);
	case SYS_dup3:          return dup3((int)a[0], (int)a[1], (int)a[2]);
	case SYS_fcntl:         return fcntl((int)a[0], (int)a[1], a[2]);
	case SYS_access:        return access((const char *)a[0], (int)a[1]);
	case SYS_getpid:        return getpid();
	case SYS_getppid:       return getppid();
	case SYS_gettid:        return gettid();
	case SYS_set_tid_address: return gettid();
	case SYS_getuid: case SYS_geteuid: case SYS_getgid: case SYS_getegid:
		return 0;
	case SYS_fork:          return fork();
	case SYS_wait4:         return wait4((pid_t)a[0], (int *)a[1], (int)a[2], (struct rusage *)a[3]);
	case SYS_kill:          return kill((pid_t)a[0], (int)a[1]);
	case SYS_tgkill:        /* the thread's process: its thread is not ours to name */
		if (a[0] != getpid()) {
			errno = ESRCH;
			return -1;
		}
		return a[1] == gettid() ? raise((int)a[2]) : kill((pid_t)a[0], (int)a[2]);
	case SYS_tkill:
		return a[0] == gettid() ? raise((int)a[1]) : kill(getpid(), (int)a[1]);
	case SYS_set_robust_list:
		return err_or(libsys_set_robust_list(a[0], (size_t)a[1]));
	case SYS_get_robust_list: {
		uint64_t h;
		size_t n;
		if (a[0] && (pid_t)a[0] != gettid())
			return err_or(ESRCH);
		if (libsys_user_room((void *)a[1], 8, 1) < 8 ||
		    libsys_user_room((void *)a[2], sizeof n, 1) < sizeof n)
			return err_or(EFAULT);
		libsys_get_robust_list(&h, &n);
		*(uint64_t *)a[1] = h;
		*(size_t *)a[2] = n;
		return 0;
	}
	case SYS_exit_group:    _exit((int)a[0]);
	case SYS_sched_yield:   return sched_yield();
	case SYS_getcpu:
		if (a[0])
			*(unsigned *)a[0] = (unsigned)sched_getcpu();
		if (a[1])
			*(unsigned *)a[1] = 0;
		return 0;
	case SYS_nanosleep:     return nanosleep((const struct timespec *)a[0], (struct timespec *)a[1]);
	case SYS_clock_gettime: return clock_gettime((clockid_t)a[0], (struct timespec *)a[1]);
	case SYS_getrandom:     return getrandom((void *)a[0], (size_t)a[1], (unsigned)a[2]);
	case SYS_uname:         return uname((struct utsname *)a[0]);
	case SYS_sysinfo:       return sysinfo((struct sysinfo *)a[0]);
	case SYS_getrusage:     return getrusage((int)a[0], (struct rusage *)a[1]);
	case SYS_pause:         return pause();
	case SYS_alarm:         return alarm((unsigned)a[0]);
	case SYS_futex:
		return futex((uint32_t *)a[0], (int)a[1], (uint32_t)a[2],
			     (const struct timespec *)a[3], (uint32_t *)a[4], (uint32_t)a[5]);
	default:
		errno = ENOSYS;
		return -1;
	}
}
