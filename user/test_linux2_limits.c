/* Many processes and many threads, as Linux programs make them (the old
 * limits were 64 processes and 16 threads per process):
 *
 *   limits_fork300      300 children forked in a loop, all alive at once
 *                       (each fills pages of its own, counts itself in
 *                       shared memory and waits in sigsuspend for
 *                       SIGUSR1), then each checks its pages and exits
 *                       with its own code and is reaped.  Run twice: the
 *                       first round makes what stays for good (the
 *                       pager's kernel handle table keeps its grown
 *                       chunks, as Linux's file table does), after the
 *                       second the free frames are back exactly.
 *   limits_threads500   a child makes 500 threads alive at once (a
 *                       barrier), each writes and checks pages of its
 *                       own; all joined; twice, free frames back after.
 *   limits_kill_threads a child with 300 threads that fault all the time
 *                       (write fresh pages, MADV_DONTNEED, again) is
 *                       killed with SIGKILL: status SIGKILL, frames back.
 *   limits_exhaust      processes until fork fails (at 256 MiB or less;
 *                       with more memory 1200 at once: more than 1000
 *                       live processes), and threads until
 *                       pthread_create fails: EAGAIN/ENOMEM (or the OOM
 *                       killer ends a child), never a hang or panic;
 *                       everything is released (free frames back up to
 *                       the pager's kept handle-table chunks) and a fork
 *                       and a thread work after.
 * Waits are bounded very generously (a hang fails with a line). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NPROC     300
#define NTHR      500
#define NKILL     300
#define OWN_PAGES 4
#define WAIT_MS   300000 /* far beyond what any wait here takes */
#define MANY_PROC 1200   /* with more than 256 MiB: processes at once */
#define EXH_MAX   20000  /* processes: a bound on the exhaustion loop */

/* Shared with every child (MAP_SHARED | MAP_ANONYMOUS, made before the
 * forks). */
struct shared {
	int ready;              /* children or threads that are up */
	int faulting[NKILL];    /* limits_kill_threads: rounds per thread */
	int nproc, perr, died;  /* limits_exhaust: the forker's findings */
	int nthr, terr;         /* limits_exhaust: the threader's */
};
static struct shared *sh;

static unsigned char own[OWN_PAGES][4096]; /* each child writes its own copy */
static volatile sig_atomic_t go;

static void on_usr1(int sig)
{
	(void)sig;
	go = 1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait until *word >= want; false after WAIT_MS. */
static int wait_count(volatile int *word, int want)
{
	uint64_t t0 = now_ms();
	while (__atomic_load_n(word, __ATOMIC_ACQUIRE) < want) {
		if (now_ms() - t0 > WAIT_MS)
			return 0;
		usleep(2000);
	}
	return 1;
}

static unsigned char pattern(int k, int i, int j)
{
	return (unsigned char)(k * 7 + i * 13 + j);
}

/* A child of limits_fork300: fill our pages, say we are up, wait for
 * SIGUSR1, check the pages; exit k % 200, or 255 if a page changed. */
static _Noreturn void fork_child(int k, pid_t parent)
{
	for (int i = 0; i < OWN_PAGES; i++)
		for (int j = 0; j < 4096; j += 61)
			own[i][j] = pattern(k, i, j);
	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_RELEASE);
	sigset_t none;
	sigemptyset(&none);
	while (!go)
		sigsuspend(&none);
	int ok = getppid() == parent;
	for (int i = 0; i < OWN_PAGES; i++)
		for (int j = 0; j < 4096; j += 61)
			ok &= own[i][j] == pattern(k, i, j);
	_exit(ok ? k % 200 : 255);
}

static void fork_round(const char *name, int round)
{
	static pid_t kids[NPROC];
	sigset_t usr1, old;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old); /* until sigsuspend: none is lost */
	sh->ready = 0;
	pid_t me = getpid();
	for (int k = 0; k < NPROC; k++) {
		kids[k] = fork();
		if (kids[k] < 0)
			test_fail(name, "round %d: fork %d of %d: errno %d", round, k, NPROC,
				  errno);
		if (kids[k] == 0)
			fork_child(k, me);
	}
	if (!wait_count(&sh->ready, NPROC))
		test_fail(name, "round %d: only %d of %d children up", round, sh->ready, NPROC);
	for (int k = 0; k < NPROC; k++)
		TEST_CHECK(name, kill(kids[k], SIGUSR1) == 0);
	for (int k = 0; k < NPROC; k++) {
		int st;
		pid_t w = waitpid(kids[k], &st, 0);
		if (w != kids[k] || !WIFEXITED(st) || WEXITSTATUS(st) != k % 200)
			test_fail(name, "round %d: child %d (pid %d): waitpid %d, status 0x%x",
				  round, k, kids[k], w, st);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void fork300(void)
{
	const char *name = "limits_fork300";
	struct sigaction sa = { .sa_handler = on_usr1 };
	TEST_CHECK(name, sigaction(SIGUSR1, &sa, NULL) == 0);
	fork_round(name, 1);
	uint64_t before = frames_steady(5000); /* the last test's ends may still settle */
	fork_round(name, 2);
	uint64_t after = frames_settle(before, 20000);
	if (after != before)
		test_fail(name, "free frames %lu before %d children, %lu after", before, NPROC,
			  after);
	printf("%s: %d children alive at once, twice; %lu free frames before and after\n",
	       name, NPROC, after);
	test_pass(name);
}

/* limits_threads500: thread k writes its pages, waits for all, checks. */
static pthread_barrier_t bar;
static unsigned char *thr_mem;

static void *thr_own(void *arg)
{
	int k = (int)(long)arg;
	unsigned char *m = thr_mem + (size_t)k * OWN_PAGES * 4096;
	for (int i = 0; i < OWN_PAGES; i++)
		for (int j = 0; j < 4096; j += 61)
			m[i * 4096 + j] = pattern(k, i, j);
	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_RELEASE);
	pthread_barrier_wait(&bar);
	long ok = 1;
	for (int i = 0; i < OWN_PAGES; i++)
		for (int j = 0; j < 4096; j += 61)
			ok &= m[i * 4096 + j] == pattern(k, i, j);
	return (void *)ok;
}

/* The child: 0 if all went well, else a line and 1. */
static int threads_child(void)
{
	static pthread_t th[NTHR];
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	thr_mem = mmap(NULL, (size_t)NTHR * OWN_PAGES * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (thr_mem == MAP_FAILED || pthread_barrier_init(&bar, NULL, NTHR + 1))
		return printf("limits_threads500: mmap or barrier: errno %d\n", errno), 1;
	for (int k = 0; k < NTHR; k++) {
		int e = pthread_create(&th[k], &a, thr_own, (void *)(long)k);
		if (e)
			return printf("limits_threads500: pthread_create %d of %d: %d\n", k,
				      NTHR, e), 1;
	}
	pthread_barrier_wait(&bar); /* all NTHR threads are alive now */
	int bad = 0;
	for (int k = 0; k < NTHR; k++) {
		void *ok = NULL;
		if (pthread_join(th[k], &ok) || ok != (void *)1L)
			bad++;
	}
	if (bad)
		printf("limits_threads500: %d threads saw other pages or did not join\n", bad);
	return bad != 0;
}

static void threads_round(const char *name, int round)
{
	sh->ready = 0;
	pid_t c = fork();
	TEST_CHECK(name, c >= 0);
	if (c == 0)
		_exit(threads_child());
	int st;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(name, "round %d: child status 0x%x (%d threads were up)", round, st,
			  sh->ready);
	TEST_CHECK(name, sh->ready == NTHR);
}

static void threads500(void)
{
	const char *name = "limits_threads500";
	threads_round(name, 1);
	uint64_t before = frames_steady(5000); /* the last test's ends may still settle */
	threads_round(name, 2);
	uint64_t after = frames_settle(before, 20000);
	if (after != before)
		test_fail(name, "free frames %lu before %d threads, %lu after", before, NTHR,
			  after);
	printf("%s: %d threads alive at once in one process, twice; %lu free frames "
	       "before and after\n", name, NTHR, after);
	test_pass(name);
}

/* limits_kill_threads: thread k faults for ever on pages of its own,
 * once all are made (fault_go: the making is not slowed by the faults). */
static volatile int fault_go;

static void *thr_fault(void *arg)
{
	int k = (int)(long)arg;
	unsigned char *m = thr_mem + (size_t)k * OWN_PAGES * 4096;
	while (!__atomic_load_n(&fault_go, __ATOMIC_ACQUIRE))
		futex_wait(&fault_go, 0, FUTEX_FOREVER);
	for (;;) {
		for (int i = 0; i < OWN_PAGES; i++)
			m[i * 4096] = (unsigned char)k;
		madvise(m, OWN_PAGES * 4096, MADV_DONTNEED); /* faults again next */
		if (__atomic_add_fetch(&sh->faulting[k], 1, __ATOMIC_RELEASE) == 1)
			__atomic_add_fetch(&sh->ready, 1, __ATOMIC_RELEASE);
		sched_yield(); /* the others (and our parent) get their turn soon */
	}
	return NULL;
}

static _Noreturn void fault_child(void)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	thr_mem = mmap(NULL, (size_t)NKILL * OWN_PAGES * 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (thr_mem == MAP_FAILED)
		_exit(2);
	for (int k = 0; k < NKILL; k++) {
		pthread_t t;
		if (pthread_create(&t, &a, thr_fault, (void *)(long)k))
			_exit(3);
	}
	__atomic_store_n(&fault_go, 1, __ATOMIC_RELEASE);
	futex_wake(&fault_go, 0x7FFFFFFF);
	for (;;)
		pause();
}

static void kill_round(const char *name, int round)
{
	memset(sh->faulting, 0, sizeof sh->faulting);
	sh->ready = 0;
	pid_t c = fork();
	TEST_CHECK(name, c >= 0);
	if (c == 0)
		fault_child();
	if (!wait_count(&sh->ready, NKILL))
		test_fail(name, "round %d: %d of %d threads are faulting", round, sh->ready,
			  NKILL);
	TEST_CHECK(name, kill(c, SIGKILL) == 0);
	int st;
	if (waitpid(c, &st, 0) != c || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		test_fail(name, "round %d: status 0x%x, not killed by SIGKILL", round, st);
}

static void kill_threads(void)
{
	const char *name = "limits_kill_threads";
	kill_round(name, 1);
	uint64_t before = frames_steady(5000); /* the last test's ends may still settle */
	kill_round(name, 2);
	uint64_t after = frames_settle(before, 20000);
	if (after != before)
		test_fail(name, "free frames %lu before, %lu after the kill", before, after);
	printf("%s: %d faulting threads killed, twice; %lu free frames before and after\n",
	       name, NKILL, after);
	test_pass(name);
}

/* limits_exhaust: the forker makes children (they pause) until fork
 * fails, a child dies (the OOM killer ended it) or max; then kills and
 * reaps them all. */
static int forker(int max)
{
	static pid_t kids[EXH_MAX];
	int n = 0, st;
	sh->perr = 0;
	sh->died = 0;
	for (; n < max; n++) {
		pid_t c = fork();
		if (c < 0) {
			sh->perr = errno;
			break;
		}
		if (c == 0)
			for (;;)
				pause();
		kids[n] = c;
		sh->nproc = n + 1;
		if (waitpid(-1, &st, WNOHANG) > 0) {
			sh->died = 1;
			break;
		}
	}
	for (int k = 0; k < sh->nproc; k++)
		kill(kids[k], SIGKILL);
	while (waitpid(-1, &st, 0) > 0)
		;
	return errno == ECHILD ? 0 : 1;
}

static volatile int release;

static void *sleeper(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE))
		futex_wait(&release, 0, FUTEX_FOREVER);
	return NULL;
}

/* Threads until pthread_create fails, then all joined. */
static int threader(void)
{
	static pthread_t th[PG_MAX_THREADS + 8];
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, 64 * 1024);
	int n = 0;
	sh->terr = 0;
	for (; n < PG_MAX_THREADS + 8; n++) {
		int e = pthread_create(&th[n], &a, sleeper, NULL);
		if (e) {
			sh->terr = e;
			break;
		}
		sh->nthr = n + 1;
	}
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	futex_wake(&release, 0x7FFFFFFF);
	for (int k = 0; k < n; k++)
		if (pthread_join(th[k], NULL))
			return 1;
	return 0;
}

/* A fork and a thread still work. */
static void *nothing(void *arg)
{
	return arg;
}

static void still_running(const char *name)
{
	pid_t c = fork();
	TEST_CHECK(name, c >= 0);
	if (c == 0) {
		pthread_t t;
		void *r = NULL;
		_exit(pthread_create(&t, NULL, nothing, (void *)7L) || pthread_join(t, &r) ||
		      r != (void *)7L);
	}
	int st;
	TEST_CHECK(name, waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void exhaust(void)
{
	const char *name = "limits_exhaust";
	static struct abi_frame_stats fs;
	TEST_CHECK(name, sys_frame_stats((uint64_t)&fs, sizeof fs) == E_OK);
	int small = fs.total <= (256u << 20) / 4096;
	int max = small ? EXH_MAX : MANY_PROC;
	uint64_t before = frames_steady(5000); /* the last test's ends may still settle */
	sh->nproc = sh->nthr = 0;
	int st;
	pid_t f = fork();
	TEST_CHECK(name, f >= 0);
	if (f == 0)
		_exit(forker(max));
	TEST_CHECK(name, waitpid(f, &st, 0) == f);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(name, "the forker: status 0x%x after %d processes", st, sh->nproc);
	if (small && !sh->died && sh->perr != EAGAIN && sh->perr != ENOMEM)
		test_fail(name, "fork failed with errno %d after %d processes", sh->perr,
			  sh->nproc);
	if (!small && sh->nproc != MANY_PROC)
		test_fail(name, "%d processes of %d, then errno %d", sh->nproc, MANY_PROC,
			  sh->perr);
	TEST_CHECK(name, sh->nproc > 64);
	pid_t t = fork();
	TEST_CHECK(name, t >= 0);
	if (t == 0)
		_exit(threader());
	TEST_CHECK(name, waitpid(t, &st, 0) == t);
	int oom = WIFSIGNALED(st); /* the OOM killer chose it: also clean */
	if (!oom && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
		test_fail(name, "the threader: status 0x%x after %d threads", st, sh->nthr);
	if (!oom && sh->terr != EAGAIN)
		test_fail(name, "pthread_create said %d after %d threads, not EAGAIN", sh->terr,
			  sh->nthr);
	TEST_CHECK(name, sh->nthr > 1000 || (small && sh->nthr > 16));
	still_running(name);
	/* what stays: the pager's handle-table chunks (128 handles each: a
	 * space and a thread per process, a thread handle per thread) and
	 * its process-slot pages (512 slots each) */
	uint64_t keep = (2 * (uint64_t)sh->nproc + (uint64_t)sh->nthr) / 128 +
			(uint64_t)sh->nproc / 512 + 8;
	uint64_t after = frames_settle(before, 30000);
	if (after + keep < before)
		test_fail(name, "free frames %lu before, %lu after (%lu may stay)", before, after,
			  keep);
	printf("%s: %d processes (%s), %d threads (%s); %lu free frames before, %lu after\n",
	       name, sh->nproc,
	       !small ? "all alive at once, as many as asked" :
	       sh->died ? "then the OOM killer ended one" :
	       sh->perr == EAGAIN ? "then fork: EAGAIN" : "then fork: ENOMEM",
	       sh->nthr, oom ? "then the OOM killer ended the process" :
	       sh->nthr >= PG_MAX_THREADS ? "the limit, then EAGAIN" : "then EAGAIN",
	       before, after);
	test_pass(name);
}

int main(void)
{
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		test_fail("limits_fork300", "mmap MAP_SHARED: errno %d", errno);
	memset(sh, 0, sizeof *sh);
	touch_image();
	fork300();
	threads500();
	kill_threads();
	exhaust();
	return 0;
}
