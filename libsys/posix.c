/* POSIX names over the pager's requests (unistd.h, sys/wait.h, signal.h,
 * sys/mman.h, fcntl.h): argument checks as Linux makes them, enum err
 * turned into errno, -1 on failure. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <pthread.h> /* the thread limits */
#include <stdlib.h> /* _Exit */
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>
#include "abi/err.h"
#include "abi/fault.h"
#include "abi/page.h"
#include "abi/stats.h"
#include "lib/string.h"
#include "sys/startup.h"
#include "sys/unistd.h" /* the pager-named calls these are built on */
#include "libsys.h"

static int errno_main;

int *__errno_location(void)
{
	struct libsys_tls *t = libsys_tls();
	return t ? &t->err : &errno_main;
}

int libsys_errno(int e)
{
	switch (e) {
	case E_OK: return 0;
	case E_NOMEM: return ENOMEM;
	case E_INVAL: case E_RANGE: case E_BADORDER: return EINVAL;
	case E_PERM: return EACCES;
	case E_BADHANDLE: return EBADF;
	case E_FAULT: return EFAULT;
	case E_BUSY: return EEXIST;
	case E_NOSYS: return ENOSYS;
	case E_AGAIN: return EAGAIN;
	case E_NOENT: return ENOENT;
	case E_DEAD: return ESRCH;
	case E_NOEXEC: return ENOEXEC;
	case E_TIMEDOUT: return ETIMEDOUT;
	case E_INTR: return EINTR;
	case E_OVERFLOW: return EOVERFLOW;
	case E_NOSPC: return ENOSPC;
	default: return EINVAL;
	}
}

int libsys_fail(int e)
{
	if (e == E_OK)
		return 0;
	errno = libsys_errno(e);
	return -1;
}

/* ---- sys/mman.h ---- */

/* MAP_32BIT without MAP_FIXED: the first free place in [1 GiB, 2 GiB)
 * (Linux's x86_64 range for it), found with MAP_FIXED_NOREPLACE a 16 MiB
 * step at a time; ENOMEM if there is none. */
static void *mmap_low(size_t len, int prot, int flags, int fd, off_t off)
{
	uint64_t step = 16ull << 20, size = (len + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	for (uint64_t at = 1ull << 30; size && at + size <= 2ull << 30; at += step) {
		void *p = mmap((void *)at, len, prot,
			       (flags & ~MAP_32BIT) | MAP_FIXED_NOREPLACE, fd, off);
		if (p != MAP_FAILED || errno != EEXIST)
			return p;
	}
	errno = ENOMEM;
	return MAP_FAILED;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	uint64_t file = 0;
	if ((flags & MAP_32BIT) && !(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)))
		return mmap_low(len, prot, flags, fd, off);
	flags &= ~MAP_32BIT;
	int zero = flags & MAP_ANONYMOUS ? 0 : libsys_fd_zero(fd);
	if (zero < 0) {
		errno = ENODEV;
		return MAP_FAILED;
	}
	if (zero) { /* /dev/zero: anonymous memory, private or shared */
		if (off < 0 || (off & (PAGE_SIZE - 1))) {
			errno = EINVAL;
			return MAP_FAILED;
		}
		flags |= MAP_ANONYMOUS;
		if ((flags & MAP_TYPE) == MAP_SHARED_VALIDATE) /* a file's: fine here */
			flags = (flags & ~MAP_TYPE) | MAP_SHARED;
		fd = -1;
		off = 0;
	}
	if (!(flags & MAP_ANONYMOUS) && libsys_fd_shm(fd) && off >= 0 && !(off & (PAGE_SIZE - 1)))
		return libsys_shm_mmap(addr, libsys_fd_shm(fd), len, prot, flags, off,
				       (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
	if (off < 0 || (off & (PAGE_SIZE - 1))) { /* before the descriptor, as Linux */
		errno = EINVAL;
		return MAP_FAILED;
	}
	if (!(flags & MAP_ANONYMOUS)) {
		file = libsys_fd_file(fd);
		if (!file) {
			errno = EBADF;
			return MAP_FAILED;
		}
	}
	if (libsys_limit_room(len, (prot & PROT_WRITE) && !(flags & MAP_SHARED)))
		return MAP_FAILED; /* RLIMIT_AS, RLIMIT_DATA */
	if (libsys_mlock_future)
		flags |= MAP_POPULATE; /* mlockall(MCL_FUTURE) */
	struct sys_msg m = { .label = PG_MMAP,
			     .w = { (uint64_t)addr, len,
				    (uint32_t)prot | (uint64_t)(uint32_t)flags << 32,
				    (uint64_t)off | file } };
	int e = libsys_pg_call(&m);
	if (e) {
		errno = e == E_BUSY ? EEXIST : libsys_errno(e);
		return MAP_FAILED;
	}
	return (void *)m.w[0];
}

int munmap(void *addr, size_t len)
{
	struct sys_msg m = { .label = PG_UNMAP, .w = { (uint64_t)addr, len } };
	return libsys_fail(libsys_pg_call(&m));
}

int mprotect(void *addr, size_t len, int prot)
{
	struct sys_msg m = { .label = PG_PROTECT,
			     .w = { (uint64_t)addr, len, (uint64_t)(uint32_t)prot } };
	return libsys_fail(libsys_pg_call(&m));
}

int madvise(void *addr, size_t len, int advice)
{
	if (advice == MADV_REMOVE)
		return libsys_madv_remove(addr, len);
	struct sys_msg m = { .label = PG_MADVISE,
			     .w = { (uint64_t)addr, len, (uint64_t)(uint32_t)advice } };
	return libsys_fail(libsys_pg_call(&m));
}

int mincore(void *addr, size_t len, unsigned char *vec)
{
	uint64_t a = (uint64_t)addr, pages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
	if (a & (PAGE_SIZE - 1))
		return libsys_fail(E_INVAL);
	if (len > (1ull << 47))
		return libsys_fail(E_NOMEM);
	while (pages) {
		uint64_t n = pages < PG_INFO_MAX_MINCORE ? pages : PG_INFO_MAX_MINCORE;
		struct sys_msg m = { .label = PG_MINCORE,
				     .w = { a, n * PAGE_SIZE, (uint64_t)vec } };
		int e = libsys_pg_call(&m);
		if (e)
			return libsys_fail(e);
		memcpy(vec, libsys_ipc_buf(), n);
		vec += n, a += n * PAGE_SIZE, pages -= n;
	}
	return 0;
}

int page_info(const void *addr, size_t len, struct pg_page_info *out)
{
	uint64_t a = (uint64_t)addr, pages = (len + PAGE_SIZE - 1) / PAGE_SIZE;
	if (a & (PAGE_SIZE - 1))
		return libsys_fail(E_INVAL);
	while (pages) {
		uint64_t n = pages < PG_INFO_MAX_PAGES ? pages : PG_INFO_MAX_PAGES;
		struct sys_msg m = { .label = PG_PAGEINFO, .w = { a, n } };
		int e = libsys_pg_call(&m);
		if (e)
			return libsys_fail(e);
		memcpy(out, libsys_ipc_buf(), n * sizeof *out);
		out += n, a += n * PAGE_SIZE, pages -= n;
	}
	return 0;
}

/* ---- unistd.h: processes ---- */

/* ---- pthread_atfork ---- */

#define ATFORK_MAX 32
static struct {
	void (*prepare)(void), (*parent)(void), (*child)(void);
} atfork[ATFORK_MAX];
static int natfork;

int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
	if (natfork == ATFORK_MAX)
		return ENOMEM;
	atfork[natfork].prepare = prepare;
	atfork[natfork].parent = parent;
	atfork[natfork].child = child;
	natfork++;
	return 0;
}

void libsys_atfork(int stage)
{
	if (stage == 0) { /* prepare: the last registered first */
		for (int i = natfork - 1; i >= 0; i--)
			if (atfork[i].prepare)
				atfork[i].prepare();
		return;
	}
	for (int i = 0; i < natfork; i++) {
		void (*f)(void) = stage == 1 ? atfork[i].parent : atfork[i].child;
		if (f)
			f();
	}
}

/* libsys's locks (libsys.h libsys_*_fork) across fork: stage 0 takes
 * them all, in their order, before the copy (the heap's is taken last, by
 * pgreq_fork); 1 (parent) and 2 (child) let them go, and the child frees
 * stdio's that other threads held.  So a child never starts with a libsys
 * lock held by a thread it does not have.  Signals are off meanwhile (a
 * handler of this thread taking one would wait for ever). */
static void fork_locks(int stage)
{
	void (*const hold[])(int) = {
		libsys_semset_fork,
		libsys_timer_fork, libsys_key_fork,   libsys_brk_fork,
		libsys_atexit_fork, libsys_fd_fork, libsys_epoll_fork,
		libsys_sig_fork,   libsys_shm_fork,   libsys_limit_fork,
		libsys_random_fork, libsys_atomic_fork, libsys_mq_fork,
	};
	int n = (int)(sizeof hold / sizeof hold[0]);
	if (stage == 0) {
		for (int i = 0; i < n; i++)
			hold[i](0);
		return;
	}
	if (stage == 2)
		libsys_stdio_forked();
	for (int i = n - 1; i >= 0; i--)
		hold[i](stage);
}

pid_t fork(void)
{
	struct sys_regs ss; /* the alternate stack: the child's thread keeps it */
	uint64_t onstack = libsys_sig_onstack();
	int have = sys_sigaltstack_r(0, 0, ABI_SS_ASK, onstack, &ss) == E_OK && ss.rsi;
	unsigned long mask = libsys_sigmask_get(); /* the child's too, as Linux's */
	/* so is the floating-point state: MXCSR, x87 control and flags (the
	 * child's thread starts with the initial state) */
	uint8_t fx[512] __attribute__((aligned(16)));
	__asm__ volatile("fxsaveq %0" : "=m"(fx));
	libsys_atfork(0);
	libsys_sigs_off();
	fork_locks(0);
	int pid = libsys_fd_fork_ok() ? pgreq_fork() : -E_NOMEM;
	fork_locks(pid == 0 ? 2 : 1);
	if (pid != 0)
		libsys_sigmask_set(mask);
	if (pid < 0) {
		libsys_atfork(1);
		errno = libsys_errno(-pid);
		return -1;
	}
	if (pid == 0) {
		libsys_cpu_carried = libsys_thread_cpu_carried = 0; /* a new process */
		__asm__ volatile("fxrstorq %0" : : "m"(fx));
		libsys_sigmask_set(mask); /* it started with all blocked (PG_SIGS_OFF) */
		if (have)
			sys_sigaltstack(ss.rdi, ss.rsi, ABI_SS_SET, onstack);
	}
	libsys_atfork(pid == 0 ? 2 : 1);
	return pid;
}

pid_t getpid(void)
{
	return (pid_t)sys_pid;
}

pid_t getppid(void)
{
	uint32_t ppid = 0;
	pgreq_getpid(&ppid);
	return (pid_t)ppid;
}

int getpagesize(void)
{
	return (int)PAGE_SIZE;
}

long sysconf(int name)
{
	switch (name) {
	case _SC_PAGESIZE: return (long)PAGE_SIZE;
	case _SC_NPROCESSORS_CONF:
	case _SC_NPROCESSORS_ONLN: return (long)cpu_count();
	case _SC_PHYS_PAGES: return get_phys_pages();
	case _SC_CLK_TCK: return 100; /* Linux's USER_HZ */
	case _SC_OPEN_MAX: return LIBSYS_FD_MAX;
	case _SC_ARG_MAX: return PG_SPAWN_MAX;
	case _SC_CHILD_MAX: return 64;
	case _SC_AVPHYS_PAGES: return get_avphys_pages(); /* free frames now */
	case _SC_LEVEL1_DCACHE_LINESIZE: return 64;
	case _SC_NGROUPS_MAX: return 65536;
	case _SC_STREAM_MAX: return 16;
	case _SC_TZNAME_MAX: return 6;
	case _SC_LINE_MAX: return 2048;
	case _SC_IOV_MAX: return 1024;
	case _SC_GETPW_R_SIZE_MAX: return 1024;
	case _SC_LOGIN_NAME_MAX: return 256;
	case _SC_TTY_NAME_MAX: return 32;
	case _SC_HOST_NAME_MAX: return 64;
	case _SC_THREAD_DESTRUCTOR_ITERATIONS: return PTHREAD_DESTRUCTOR_ITERATIONS;
	case _SC_THREAD_KEYS_MAX: return PTHREAD_KEYS_MAX;
	case _SC_THREAD_STACK_MIN: return PTHREAD_STACK_MIN;
	case _SC_THREAD_THREADS_MAX: return PG_MAX_THREADS;
	case _SC_SEM_VALUE_MAX: return 0x7fffffff;
	case _SC_SEM_NSEMS_MAX: return -1; /* no limit */
	case _SC_VERSION: case _SC_THREADS: case _SC_THREAD_SAFE_FUNCTIONS:
	case _SC_MAPPED_FILES: case _SC_MEMLOCK: case _SC_MEMLOCK_RANGE:
	case _SC_MEMORY_PROTECTION: case _SC_SEMAPHORES: case _SC_SHARED_MEMORY_OBJECTS:
	case _SC_TIMERS: case _SC_MONOTONIC_CLOCK:
		return 200809L;
	case _SC_JOB_CONTROL: case _SC_SAVED_IDS:
		return 1;
	/* POSIX options libsys provides (as glibc on Linux answers them) */
	case _SC_SPIN_LOCKS: case _SC_BARRIERS: case _SC_CLOCK_SELECTION:
	case _SC_CPUTIME: case _SC_THREAD_CPUTIME: case _SC_READER_WRITER_LOCKS:
	case _SC_TIMEOUTS: case _SC_SPAWN: case _SC_THREAD_PROCESS_SHARED:
	case _SC_THREAD_ATTR_STACKSIZE: case _SC_THREAD_ATTR_STACKADDR:
	case _SC_PRIORITY_SCHEDULING: case _SC_REALTIME_SIGNALS: case _SC_FSYNC:
	case _SC_ASYNCHRONOUS_IO: case _SC_MESSAGE_PASSING: case _SC_SYNCHRONIZED_IO:
	case _SC_PRIORITIZED_IO: case _SC_THREAD_PRIORITY_SCHEDULING:
	case _SC_THREAD_PRIO_INHERIT: case _SC_THREAD_PRIO_PROTECT: case _SC_IPV6:
	case _SC_RAW_SOCKETS: case _SC_2_VERSION: case _SC_2_C_BIND: case _SC_2_C_DEV:
	case _SC_2_LOCALEDEF: case _SC_2_SW_DEV: case _SC_2_CHAR_TERM:
		return 200809L;
	case _SC_XOPEN_UNIX: case _SC_XOPEN_REALTIME: case _SC_XOPEN_REALTIME_THREADS:
	case _SC_SHELL: case _SC_REGEXP: case _SC_XOPEN_SHM: case _SC_V7_LP64_OFF64:
	case _SC_V6_LP64_OFF64:
		return 1;
	case _SC_XOPEN_VERSION: return 700;
	case _SC_RTSIG_MAX: return 32; /* SIGRTMIN..SIGRTMAX - 1, as glibc */
	case _SC_SIGQUEUE_MAX: return 32; /* queued signals per process */
	case _SC_GETGR_R_SIZE_MAX: return 1024;
	case _SC_DELAYTIMER_MAX: case _SC_ATEXIT_MAX: return 0x7fffffff;
	case _SC_MQ_PRIO_MAX: return 32768;
	case _SC_AIO_PRIO_DELTA_MAX: case _SC_NZERO: return 20;
	case _SC_BC_BASE_MAX: case _SC_BC_SCALE_MAX: return 99;
	case _SC_BC_DIM_MAX: return 2048;
	case _SC_BC_STRING_MAX: return 1000;
	case _SC_EXPR_NEST_MAX: return 32;
	case _SC_RE_DUP_MAX: return 0x7fff;
	case _SC_COLL_WEIGHTS_MAX: return 255;
	case _SC_SSIZE_MAX: return 32767; /* glibc: _POSIX_SSIZE_MAX */
	case _SC_CHAR_BIT: return 8;
	case _SC_INT_MAX: return 0x7fffffff;
	case _SC_MINSIGSTKSZ: return MINSIGSTKSZ;
	case _SC_SIGSTKSZ: return SIGSTKSZ;
	case _SC_LEVEL1_DCACHE_SIZE: case _SC_LEVEL1_ICACHE_SIZE: return 32768;
	case _SC_LEVEL1_DCACHE_ASSOC: return 8;
	case _SC_LEVEL1_ICACHE_LINESIZE: case _SC_LEVEL2_CACHE_LINESIZE:
	case _SC_LEVEL3_CACHE_LINESIZE: return 64;
	case _SC_LEVEL2_CACHE_SIZE: return 1 << 20;
	case _SC_LEVEL3_CACHE_SIZE: return 16 << 20;
	/* no limit, or an option that is not there: -1, errno kept */
	case _SC_TIMER_MAX: case _SC_SYMLOOP_MAX: case _SC_MQ_OPEN_MAX: case _SC_AIO_MAX:
	case _SC_AIO_LISTIO_MAX: case _SC_TRACE: case _SC_SPORADIC_SERVER:
	case _SC_THREAD_SPORADIC_SERVER: case _SC_THREAD_ROBUST_PRIO_INHERIT:
	case _SC_2_PBS: case _SC_FILE_LOCKING: case _SC_SINGLE_PROCESS: case _SC_PII:
	case _SC_SELECT:
		return -1;
	default:
		errno = EINVAL;
		return -1;
	}
}

unsigned sleep(unsigned seconds)
{
	uint64_t left = libsys_sleep_ns((uint64_t)seconds * 1000000000ull);
	return (unsigned)((left + 999999999ull) / 1000000000ull);
}

int usleep(useconds_t usec)
{
	if (libsys_sleep_ns((uint64_t)usec * 1000)) {
		errno = EINTR;
		return -1;
	}
	return 0;
}

void _exit(int status)
{
	_Exit(status); /* no atexit handlers */
}

/* ---- sys/wait.h ---- */

/* A wait_status as Linux's status word: a fault is the signal it raises;
 * stopped by s is s << 8 | 0x7f, continued 0xffff. */
static int status_word(const struct wait_status *st)
{
	if (st->how == PG_WAIT_EXITED)
		return (int)(st->code & 0xff) << 8;
	if (st->how == PG_WAIT_STOPPED)
		return (int)(st->code & 0xff) << 8 | 0x7f;
	if (st->how == PG_WAIT_CONTINUED)
		return 0xffff;
	if ((st->code & ~0xffull) == PG_KILLED_SIGNAL)
		return (int)(st->code & 0x7f);
	switch (st->code) {
	case FAULT_PAGE: case FAULT_GP: return SIGSEGV;
	case FAULT_UD: return SIGILL;
	case FAULT_DE: return SIGFPE;
	default: return SIGKILL;
	}
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED)) {
		errno = EINVAL;
		return -1;
	}
	return libsys_waitpid_flags(pid, status, options, 0);
}

/* waitpid: child pid, or any child (-1); WNOHANG: 0 while it runs;
 * WUNTRACED, WCONTINUED: a child's stop or continue too, once each.
 * extra: more PG_WAIT flags (waitid's WNOWAIT, no WEXITED).  The pager
 * keeps a blocking call and answers when a child ends (stops,
 * continues). */
static int waitpid_once(int pid, int *status, int options, uint64_t extra);

/* SIGCHLD's action is SIG_IGN or has SA_NOCLDWAIT: children that end
 * leave nothing to wait for (Linux reaps them at once). */
static int children_unwaited(void)
{
	struct sigaction sa;
	return sigaction(SIGCHLD, NULL, &sa) == 0 &&
	       (sa.sa_handler == SIG_IGN || (sa.sa_flags & SA_NOCLDWAIT));
}

int libsys_waitpid_flags(int pid, int *status, int options, uint64_t extra)
{
	if (extra || !children_unwaited())
		return waitpid_once(pid, status, options, extra);
	/* As Linux with SIGCHLD ignored: an ended child is reaped unseen, so
	 * the wait goes on until no child is left (ECHILD); stops and
	 * continues are still reported. */
	for (;;) {
		int st = 0;
		int r = waitpid_once(pid, &st, options, 0);
		if (r <= 0)
			return r;
		if (WIFSTOPPED(st) || WIFCONTINUED(st)) {
			if (status)
				*status = st;
			return r;
		}
	}
}

static int waitpid_once(int pid, int *status, int options, uint64_t extra)
{
	/* Groups: 0 and our own group wait for any child; another group -g
	 * for its leader g (a child moved to a group of its own: the shell's
	 * jobs) */
	if (pid < -1 && -pid == getpgrp())
		pid = -1;
	uint32_t which = pid == 0 || pid == -1 ? PG_WAIT_ANY : pid < -1 ? (uint32_t)-pid : (uint32_t)pid;
	uint64_t fl = extra | (options & WUNTRACED ? PG_WAIT_F_STOPPED : 0) |
		      (options & WCONTINUED ? PG_WAIT_F_CONTINUED : 0) |
		      (options & WNOHANG ? 0 : PG_WAIT_BLOCK);
	struct wait_status st;
	int e;
	do { /* interrupted: again unless a handler without SA_RESTART ran
	      * in this thread (EINTR), as Linux */
		unsigned mark = libsys_sig_eintr();
		e = wait_flags(which, fl, &st);
		if (e != E_INTR || libsys_sig_eintr() != mark)
			break;
	} while (1);
	if (e == E_AGAIN)
		return 0;
	if (e) {
		errno = e == E_INTR ? EINTR : ECHILD;
		return -1;
	}
	if (status)
		*status = status_word(&st);
	return (pid_t)st.pid;
}

pid_t wait(int *status)
{
	return waitpid(-1, status, 0);
}

/* ---- signal.h ---- */

int kill(pid_t pid, int sig)
{
	if (sig < 0 || sig > 64) {
		errno = EINVAL;
		return -1;
	}
	if (sig == 0) { /* exists?  A process, or a group with a live member */
		struct pg_procinfo pi;
		size_t n = 0;
		if (pid == 0 || pid == -1)
			return 0; /* ourselves at least */
		if (pid < -1 ? pgroup_members(-pid) > 0 :
		    pager_ps((uint32_t)pid, &pi, 1, &n) == E_OK && n == 1 &&
		    pi.pid == (uint32_t)pid)
			return 0; /* live, or ended and not yet waited for (Linux's 0) */
		errno = ESRCH;
		return -1;
	}
	int e = pgreq_kill_sig(pid, sig);
	if (e == E_OK)
		return 0;
	errno = e == E_NOENT ? ESRCH : e == E_PERM ? EPERM : libsys_errno(e);
	return -1;
}
