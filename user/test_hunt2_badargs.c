/* hunt2_bad_args: library and system calls given hostile arguments, as a
 * Linux program may pass them: kernel addresses, NULL, unmapped and
 * read-only buffers, lengths that wrap, huge counts, negative and closed
 * descriptors, bad signal numbers and times.  Each call runs in a child of
 * its own; it must come back with Linux's error (EFAULT, EINVAL, EBADF,
 * ...) or, where a bad pointer is touched by the library itself, end the
 * child with SIGSEGV: never hang, never panic, never leave the system
 * unable to serve the next call, never leak a frame. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt2_bad_args"
#include "linux_frames.h"
#define HANG_MS 10000

#define KADDR ((void *)0xffff800000001000ull)
#define TOP ((void *)0x00007ffffffff000ull) /* the user half's last page */
#define WRAP ((void *)-4096l)

static int fails, segv;
static const char *self;
static int pfd[2];
static char *ro, *hole; /* a read-only page; a page with nothing mapped */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* Run f in a child: it exits 0 when the call gave the error wanted. */
static void run(const char *name, int (*f)(void))
{
	fflush(stdout);
	pid_t c = fork();
	if (c < 0) {
		printf("@@FAIL " T ": fork (%s) errno %d\n", name, errno);
		exit(1);
	}
	if (c == 0)
		_exit(f());
	int st = 0;
	long t = 0;
	for (; t < HANG_MS; t += 2) {
		pid_t w = waitpid(c, &st, WNOHANG);
		if (w == c)
			break;
		sleep_ms(2);
	}
	if (t >= HANG_MS) {
		printf("@@FAIL " T ": %s hangs\n", name);
		kill(c, SIGKILL);
		waitpid(c, &st, 0);
		fails++;
		return;
	}
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) {
		segv++;
		printf(T ": %s: SIGSEGV\n", name);
		return;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("@@FAIL " T ": %s: status %#x\n", name, st);
		fails++;
	}
}

/* 0 if r is -1 with errno e; else report. */
static int want(const char *what, long r, int e)
{
	if (r == -1 && errno == e)
		return 0;
	printf("@@FAIL " T ": %s returned %ld errno %d, want -1 errno %d\n", what, r, errno, e);
	fflush(stdout);
	return 1;
}

/* 0 if r is -1 (any errno); for calls where Linux's error depends on
 * the address (EINVAL or ENOMEM). */
static int want_err(const char *what, long r)
{
	if (r == -1 && errno)
		return 0;
	printf("@@FAIL " T ": %s returned %ld errno %d, want an error\n", what, r, errno);
	fflush(stdout);
	return 1;
}

#define CASE(name, expr) static int name(void) { return expr; }

static char buf[64];

CASE(rd_kaddr, want("read kaddr", read(pfd[0], KADDR, 10), EFAULT))
CASE(rd_null, want("read NULL", read(pfd[0], NULL, 10), EFAULT))
CASE(rd_ro, want("read read-only", read(pfd[0], ro, 10), EFAULT))
CASE(rd_hole, want("read hole", read(pfd[0], hole, 10), EFAULT))
CASE(rd_wrap, want("read wrap", read(pfd[0], WRAP, 8192), EFAULT))
CASE(rd_top, want("read past top", read(pfd[0], (char *)TOP + 4090, 10), EFAULT))
CASE(wr_kaddr, want("write kaddr", write(pfd[1], KADDR, 10), EFAULT))
CASE(wr_null, want("write NULL", write(pfd[1], NULL, 10), EFAULT))
CASE(wr_hole, want("write hole", write(pfd[1], hole, 10), EFAULT))
CASE(wr_huge, want("write huge", write(pfd[1], buf, (size_t)-1 / 2), EFAULT))
CASE(wr_wrap, want("write wrap", write(pfd[1], WRAP, 8192), EFAULT))
CASE(wr1_kaddr, want("write stdout kaddr", write(1, KADDR, 10), EFAULT))
CASE(wr1_hole, want("write stdout hole", write(1, hole, 10), EFAULT))
CASE(rd_neg, want("read -5", read(-5, buf, 1), EBADF))
CASE(rd_closed, want("read 200", read(200, buf, 1), EBADF))
CASE(wr_closed, want("write 31", write(31, buf, 1), EBADF))
CASE(cl_neg, want("close -1", close(-1), EBADF))
CASE(cl_big, want("close 1<<30", close(1 << 30), EBADF))
CASE(dup_neg, want("dup -1", dup(-1), EBADF))
CASE(dup2_neg, want("dup2 1 -1", dup2(1, -1), EBADF))
CASE(dup2_big, want("dup2 1 1<<30", dup2(1, 1 << 30), EBADF))
CASE(fcntl_neg, want("fcntl -1", fcntl(-1, F_GETFL), EBADF))
CASE(lseek_neg, want("lseek -1", lseek(-1, 0, SEEK_SET), EBADF))
CASE(pipe_kaddr, want("pipe kaddr", pipe(KADDR), EFAULT))
CASE(pipe_ro, want("pipe read-only", pipe((int *)ro), EFAULT))
CASE(poll_kaddr, want("poll kaddr", poll(KADDR, 1, 0), EFAULT))
CASE(poll_hole, want("poll hole", poll((struct pollfd *)hole, 2, 0), EFAULT))
CASE(poll_huge, want("poll huge n", poll((struct pollfd *)buf, 1ul << 30, 0), EINVAL))
CASE(sel_kaddr, want("select kaddr", select(4, KADDR, NULL, NULL, &(struct timeval){ 0, 0 }), EFAULT))
CASE(sel_neg, want("select -1", select(-1, NULL, NULL, NULL, &(struct timeval){ 0, 0 }), EINVAL))
CASE(sel_badtv, want("select tv", select(0, NULL, NULL, NULL, &(struct timeval){ -1, 0 }), EINVAL))
CASE(sel_tvk, want("select tv kaddr", select(0, NULL, NULL, NULL, KADDR), EFAULT))
CASE(sa_kaddr, want("sigaction kaddr", sigaction(SIGUSR1, KADDR, NULL), EFAULT))
CASE(sa_old_kaddr, want("sigaction old kaddr", sigaction(SIGUSR1, NULL, KADDR), EFAULT))
CASE(sa_zero, want("sigaction 0", sigaction(0, &(struct sigaction){ 0 }, NULL), EINVAL))
CASE(sa_65, want("sigaction 65", sigaction(65, &(struct sigaction){ 0 }, NULL), EINVAL))
CASE(sa_neg, want("sigaction -3", sigaction(-3, &(struct sigaction){ 0 }, NULL), EINVAL))
CASE(sa_kill, want("sigaction SIGKILL", sigaction(SIGKILL, &(struct sigaction){ 0 }, NULL), EINVAL))
CASE(mask_kaddr, want("sigprocmask kaddr", sigprocmask(SIG_BLOCK, KADDR, NULL), EFAULT))
CASE(mask_how, want("sigprocmask how", sigprocmask(99, &(sigset_t){ 0 }, NULL), EINVAL))
CASE(kill_sig, want("kill sig 99", kill(getpid(), 99), EINVAL))
CASE(kill_none, want("kill INT_MIN", kill(-2147483647 - 1, 0), ESRCH))
CASE(clk_kaddr, want("clock_gettime kaddr", clock_gettime(CLOCK_MONOTONIC, KADDR), EFAULT))
CASE(clk_id, want("clock_gettime 999", clock_gettime(999, (struct timespec *)buf), EINVAL))
CASE(clk_res, want("clock_getres 999", clock_getres(999, (struct timespec *)buf), EINVAL))
CASE(ns_kaddr, want("nanosleep kaddr", nanosleep(KADDR, NULL), EFAULT))
CASE(ns_neg, want("nanosleep -1", nanosleep(&(struct timespec){ -1, 0 }, NULL), EINVAL))
CASE(ns_nsec, want("nanosleep 1e9 ns", nanosleep(&(struct timespec){ 0, 1000000000 }, NULL), EINVAL))
CASE(ru_kaddr, want("getrusage kaddr", getrusage(RUSAGE_SELF, KADDR), EFAULT))
CASE(ru_who, want("getrusage 7", getrusage(7, (struct rusage *)buf), EINVAL))
CASE(rl_kaddr, want("getrlimit kaddr", getrlimit(RLIMIT_STACK, KADDR), EFAULT))
CASE(un_kaddr, want("uname kaddr", uname(KADDR), EFAULT))
CASE(mm_wrap, want("mmap wrap", (long)mmap(NULL, (size_t)-4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), ENOMEM))
CASE(mm_kfix, want_err("mmap fixed kaddr", (long)mmap(KADDR, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)))
CASE(mm_fd, want("mmap fd -1", (long)mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0), EBADF))
CASE(mm_off, want("mmap off", (long)mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 123), EINVAL))
CASE(mun_kaddr, want("munmap kaddr", munmap(KADDR, 4096), EINVAL))
CASE(mun_wrap, want("munmap wrap", munmap(buf - ((uintptr_t)buf & 4095), (size_t)-4096), EINVAL))
CASE(mp_kaddr, want_err("mprotect kaddr", mprotect(KADDR, 4096, PROT_READ)))
CASE(mp_wrap, want_err("mprotect wrap", mprotect(hole, (size_t)-8192, PROT_READ)))
CASE(ma_kaddr, want_err("madvise kaddr", madvise(KADDR, 4096, MADV_DONTNEED)))
CASE(ma_wrap, want_err("madvise wrap", madvise(hole, (size_t)-8192, MADV_DONTNEED)))
CASE(mr_wrap, want_err("mremap wrap", (long)mremap(ro, 4096, (size_t)-4096, MREMAP_MAYMOVE)))
CASE(mr_kaddr, want_err("mremap kaddr", (long)mremap(KADDR, 4096, 8192, MREMAP_MAYMOVE)))
CASE(mi_kaddr, want_err("mincore kaddr", mincore(KADDR, 4096, (unsigned char *)buf)))
CASE(mi_vec, want("mincore vec", mincore(ro, 4096, (unsigned char *)KADDR), EFAULT))
CASE(mi_vecro, want("mincore vec ro", mincore(ro, 4096, (unsigned char *)ro), EFAULT))
CASE(ex_kaddr, want("execve kaddr", execve(KADDR, (char *[]){ NULL }, (char *[]){ NULL }), EFAULT))
CASE(open_kaddr, want("open kaddr", open(KADDR, O_RDONLY), EFAULT))
CASE(open_hole, want("open hole", open(hole, O_RDONLY), EFAULT))
CASE(wait_kaddr, want("waitpid kaddr", waitpid(-1, KADDR, WNOHANG), ECHILD))

CASE(ex_argv_hole, want("execve argv hole", execve(self, (char **)hole, (char *[]){ NULL }), EFAULT))
CASE(ex_env_kaddr, want("execve envp kaddr", execve(self, (char *[]){ "x", NULL }, KADDR), EFAULT))

/* 2000 arguments of 4000 bytes: past any limit (E2BIG), the caller
 * goes on. */
static int ex_big(void)
{
	static char arg[4001];
	memset(arg, 'a', 4000);
	char **v = malloc(2001 * sizeof *v);
	if (!v)
		return 0;
	for (int i = 0; i < 2000; i++)
		v[i] = arg;
	v[2000] = NULL;
	return want("execve 2000 args of 4000 bytes", execve(self, v, (char *[]){ NULL }), E2BIG);
}

static int wait_status_kaddr(void)
{
	pid_t c = fork();
	if (c == 0)
		_exit(0);
	return want("waitpid status kaddr", waitpid(c, KADDR, 0), EFAULT);
}

static const struct {
	const char *name;
	int (*f)(void);
} cases[] = {
#define C(x) { #x, x }
	C(rd_kaddr), C(rd_null), C(rd_ro), C(rd_hole), C(rd_wrap), C(rd_top),
	C(wr_kaddr), C(wr_null), C(wr_hole), C(wr_huge), C(wr_wrap), C(wr1_kaddr),
	C(wr1_hole), C(rd_neg), C(rd_closed), C(wr_closed), C(cl_neg), C(cl_big),
	C(dup_neg), C(dup2_neg), C(dup2_big), C(fcntl_neg), C(lseek_neg),
	C(pipe_kaddr), C(pipe_ro), C(poll_kaddr), C(poll_hole), C(poll_huge),
	C(sel_kaddr), C(sel_neg), C(sel_badtv), C(sel_tvk), C(sa_kaddr),
	C(sa_old_kaddr), C(sa_zero), C(sa_65), C(sa_neg), C(sa_kill), C(mask_kaddr),
	C(mask_how), C(kill_sig), C(kill_none), C(clk_kaddr), C(clk_id), C(clk_res),
	C(ns_kaddr), C(ns_neg), C(ns_nsec), C(ru_kaddr), C(ru_who), C(rl_kaddr),
	C(un_kaddr), C(mm_wrap), C(mm_kfix), C(mm_fd), C(mm_off), C(mun_kaddr),
	C(mun_wrap), C(mp_kaddr), C(mp_wrap), C(ma_kaddr), C(ma_wrap), C(mr_wrap),
	C(mr_kaddr), C(mi_kaddr), C(mi_vec), C(mi_vecro), C(ex_kaddr), C(open_kaddr),
	C(open_hole), C(wait_kaddr), C(wait_status_kaddr), C(ex_argv_hole),
	C(ex_env_kaddr), C(ex_big),
};

static void all(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		/* the pipe holds bytes to read and room to write */
		if (write(pfd[1], "0123456789", 10) != 10) {
			printf("@@FAIL " T ": pipe write\n");
			exit(1);
		}
		run(cases[i].name, cases[i].f);
		char drain[64];
		while (read(pfd[0], drain, sizeof drain) == sizeof drain)
			;
	}
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1) /* an exec that should have failed */
		return 3;
	if (pipe(pfd) || fcntl(pfd[0], F_SETFL, O_NONBLOCK)) {
		printf("@@FAIL " T ": pipe\n");
		return 1;
	}
	ro = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED || munmap(ro + 4096, 4096)) {
		printf("@@FAIL " T ": mmap\n");
		return 1;
	}
	hole = ro + 4096;
#if FRAMES
	touch_image();
	all(); /* a first run: pools grow for good */
	long before = frames_before(3000);
#endif
	fails = 0;
	all();
	printf(T ": %d of %zu calls SIGSEGV\n", segv / 2, sizeof cases / sizeof cases[0]);
#if FRAMES
	if (!frames_back(before, 3000))
		return 1;
#endif
	if (fails)
		return 1;
	printf("@@PASS " T "\n");
	return 0;
}
