/* CPU time as Linux programs measure it: getrusage (RUSAGE_SELF,
 * RUSAGE_THREAD, RUSAGE_CHILDREN), times, clock, the CPU-time clocks and
 * ITIMER_VIRTUAL/ITIMER_PROF.  A busy loop of ~300 ms makes the process's
 * CPU time grow (by more than 20 ms: loose, the host is shared) but not
 * by much more than the wall time; a 300 ms sleep makes it grow by little; two busy threads make the process clock grow by at
 * least the sum of their own clocks (so faster than either), while the
 * joining thread's own clock stays still; a busy child's time shows in
 * RUSAGE_CHILDREN, times' tms_cutime and wait4 once it is reaped, not
 * before, and so does the time of a child's image it exec'd away from;
 * an ITIMER_VIRTUAL or ITIMER_PROF timer does not fire while the
 * process sleeps, and does fire while it runs.  Bounds are loose on
 * purpose: orderings and generous margins, no timing-tight asserts.
 * Before this, getrusage and times said 0 and the CPU clocks and
 * itimers counted wall time.  Checked on Linux 6.1 with make linux-check. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000ll /* ns */

static int failed, group_failed;
#define CHECK(cond) do {                                                       \
	if (!(cond)) {                                                         \
		printf("@@FAIL linux8_cputime: line %d: %s (errno %d)\n",     \
		       __LINE__, #cond, errno);                                \
		failed = group_failed = 1;                                     \
	}                                                                      \
} while (0)

static void pass(const char *name)
{
	if (!group_failed)
		printf("@@PASS %s\n", name);
	group_failed = 0;
}

static long long ts_ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000ll + t->tv_nsec;
}

static long long clock_ns(clockid_t c)
{
	struct timespec t = { 0, 0 };
	CHECK(clock_gettime(c, &t) == 0);
	return ts_ns(&t);
}

static long long tv_ns(const struct timeval *t)
{
	return (long long)t->tv_sec * 1000000000ll + (long long)t->tv_usec * 1000;
}

/* ru_utime + ru_stime of who, in ns. */
static long long rusage_ns(int who)
{
	struct rusage u;
	memset(&u, 0, sizeof u);
	CHECK(getrusage(who, &u) == 0);
	return tv_ns(&u.ru_utime) + tv_ns(&u.ru_stime);
}

static volatile uint64_t sink;

/* Spin for ms of wall time (CLOCK_MONOTONIC), or until *stop is set. */
static void spin_ms(long ms, volatile sig_atomic_t *stop)
{
	long long end = clock_ns(CLOCK_MONOTONIC) + ms * MS;
	uint64_t x = 88172645463325252ull;
	while (clock_ns(CLOCK_MONOTONIC) < end && !(stop && *stop))
		for (int i = 0; i < 1000; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
	sink = x;
}

static void sleep_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * MS };
	while (nanosleep(&t, &t) != 0 && errno == EINTR)
		;
}

/* A busy loop grows every CPU measure by a plausible amount; a sleep does
 * not. */
static void busy_and_sleep(void)
{
	struct tms t0, t1;
	long long w0 = clock_ns(CLOCK_MONOTONIC);
	long long s0 = rusage_ns(RUSAGE_SELF), th0 = rusage_ns(RUSAGE_THREAD);
	long long p0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	clock_t k0 = clock();
	CHECK(times(&t0) != (clock_t)-1);
	spin_ms(300, NULL);
	long long w = clock_ns(CLOCK_MONOTONIC) - w0;
	long long s = rusage_ns(RUSAGE_SELF) - s0, th = rusage_ns(RUSAGE_THREAD) - th0;
	long long p = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - p0;
	long long c = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	long long k = (long long)(clock() - k0) * (1000000000ll / CLOCKS_PER_SEC);
	CHECK(times(&t1) != (clock_t)-1);
	long long tk = (long long)((t1.tms_utime + t1.tms_stime) - (t0.tms_utime + t0.tms_stime)) *
		       (1000000000ll / sysconf(_SC_CLK_TCK));
	printf("busy %lld ms wall: rusage %lld, thread %lld, process clock %lld, thread clock %lld, "
	       "clock() %lld, times %lld ms\n", w / MS, s / MS, th / MS, p / MS, c / MS, k / MS, tk / MS);
	/* well above 0, not much more than the wall time (Linux under QEMU
	 * counted 379 ms of CPU in 361 ms of wall time once) */
	long long low = 20 * MS, high = w + w / 2 + 50 * MS;
	CHECK(s > low && s <= high);
	CHECK(th > low && th <= high);
	CHECK(p > low && p <= high);
	CHECK(c > low && c <= high);
	CHECK(k > low && k <= high);
	CHECK(tk > low && tk <= high);
	pass("linux8_cputime_busy");

	s0 = rusage_ns(RUSAGE_SELF);
	p0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	w0 = clock_ns(CLOCK_MONOTONIC);
	sleep_ms(300);
	w = clock_ns(CLOCK_MONOTONIC) - w0;
	s = rusage_ns(RUSAGE_SELF) - s0;
	p = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - p0;
	c = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	printf("sleep %lld ms wall: rusage %lld, process clock %lld, thread clock %lld ms\n",
	       w / MS, s / MS, p / MS, c / MS);
	CHECK(w >= 290 * MS);
	CHECK(s >= 0 && s < 100 * MS);
	CHECK(p >= 0 && p < 100 * MS);
	CHECK(c >= 0 && c < 100 * MS);

	struct timespec res = { -1, -1 };
	CHECK(clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res) == 0);
	CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10 * MS);
	CHECK(clock_getres(CLOCK_THREAD_CPUTIME_ID, &res) == 0);
	CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10 * MS);
	clockid_t cid;
	CHECK(clock_getcpuclockid(0, &cid) == 0);
	long long a = clock_ns(cid), b = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	CHECK(a <= b && b - a < 100 * MS);
	CHECK(pthread_getcpuclockid(pthread_self(), &cid) == 0);
	a = clock_ns(cid), b = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	CHECK(a <= b && b - a < 100 * MS);
	pass("linux8_cputime_sleep");
}

struct worker {
	long long own; /* its CPU clock's growth while it spun */
};

static void *work(void *arg)
{
	struct worker *w = arg;
	long long c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	spin_ms(300, NULL);
	w->own = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	return NULL;
}

/* Two busy threads: the process clock counts both, the joiner's own clock
 * stays still. */
static void two_threads(void)
{
	pthread_t t[2];
	struct worker w[2] = { { 0 }, { 0 } };
	long long w0 = clock_ns(CLOCK_MONOTONIC);
	long long p0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID), c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	long long r0 = rusage_ns(RUSAGE_SELF);
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&t[i], NULL, work, &w[i]) == 0);
	for (int i = 0; i < 2; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	long long wall = clock_ns(CLOCK_MONOTONIC) - w0;
	long long p = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - p0;
	long long c = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	long long r = rusage_ns(RUSAGE_SELF) - r0;
	printf("two threads, %lld ms wall: own clocks %lld and %lld, process clock %lld, "
	       "rusage %lld, joiner's clock %lld ms\n", wall / MS, w[0].own / MS, w[1].own / MS,
	       p / MS, r / MS, c / MS);
	CHECK(w[0].own > 10 * MS && w[1].own > 10 * MS);
	/* the process counts both (and the joiner's little), ended ones too */
	CHECK(p + 2 * MS >= w[0].own + w[1].own);
	CHECK(p > w[0].own && p > w[1].own);
	CHECK(r + 2 * MS >= w[0].own + w[1].own);
	CHECK(p <= 3 * wall + 50 * MS);
	CHECK(c >= 0 && c < 100 * MS);
	pass("linux8_cputime_threads");
}

/* A busy child's time reaches RUSAGE_CHILDREN when it is reaped. */
static void children(void)
{
	struct tms t0, t1;
	long long c0 = rusage_ns(RUSAGE_CHILDREN);
	CHECK(times(&t0) != (clock_t)-1);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		spin_ms(300, NULL);
		_exit(0);
	}
	sleep_ms(100); /* it runs meanwhile, not reaped: not counted yet */
	long long mid = rusage_ns(RUSAGE_CHILDREN);
	int st = -1;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	CHECK(wait4(pid, &st, 0, &ru) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	long long c1 = rusage_ns(RUSAGE_CHILDREN);
	CHECK(times(&t1) != (clock_t)-1);
	long long tk = (long long)((t1.tms_cutime + t1.tms_cstime) - (t0.tms_cutime + t0.tms_cstime)) *
		       (1000000000ll / sysconf(_SC_CLK_TCK));
	long long w4 = tv_ns(&ru.ru_utime) + tv_ns(&ru.ru_stime);
	printf("child: RUSAGE_CHILDREN %lld before its end, %lld after; times %lld, wait4 %lld ms\n",
	       (mid - c0) / MS, (c1 - c0) / MS, tk / MS, w4 / MS);
	CHECK(mid == c0);
	CHECK(c1 - c0 > 10 * MS && c1 - c0 <= 500 * MS);
	CHECK(tk > 10 * MS && tk <= 500 * MS);
	CHECK(w4 > 10 * MS && w4 <= 500 * MS);
	pass("linux8_cputime_children");
}

/* Spin until clk has grown by ms of CPU time (or 10 s of wall time). */
static void spin_cpu_ms(clockid_t clk, long ms)
{
	long long end = clock_ns(clk) + ms * MS, wall_end = clock_ns(CLOCK_MONOTONIC) + 10000 * MS;
	while (clock_ns(clk) < end && clock_ns(CLOCK_MONOTONIC) < wall_end)
		spin_ms(1, NULL);
}

/* A child that computes 150 ms, then execs an image that computes 150 ms
 * more: the new image's CPU clocks start from the old one's (Linux's go
 * on across exec), and its parent's RUSAGE_CHILDREN counts both images. */
static void exec_child(char *self)
{
	long long c0 = rusage_ns(RUSAGE_CHILDREN);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		spin_cpu_ms(CLOCK_PROCESS_CPUTIME_ID, 150);
		char *args[] = { self, "spin", NULL };
		execv(self, args);
		_exit(9);
	}
	int st = -1;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	long long c = rusage_ns(RUSAGE_CHILDREN) - c0;
	printf("child computing 150 ms, then 150 ms in the image it exec'd: RUSAGE_CHILDREN %lld ms\n",
	       c / MS);
	CHECK(c >= 280 * MS && c <= 2000 * MS);
	pass("linux8_cputime_exec");
}

static volatile sig_atomic_t fired;

static void on_timer(int sig)
{
	(void)sig;
	fired++;
}

/* An ITIMER_VIRTUAL (ITIMER_PROF) timer of 50 ms: not while asleep, soon
 * while busy. */
static void itimer(int which, int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_timer;
	CHECK(sigaction(sig, &sa, NULL) == 0);
	fired = 0;
	struct itimerval v = { { 0, 0 }, { 0, 50000 } }, cur;
	CHECK(setitimer(which, &v, NULL) == 0);
	sleep_ms(300);
	int asleep = fired;
	CHECK(getitimer(which, &cur) == 0);
	long long left = tv_ns(&cur.it_value);
	long long w0 = clock_ns(CLOCK_MONOTONIC);
	spin_ms(10000, &fired); /* until it fires (10 s at most) */
	long long w = clock_ns(CLOCK_MONOTONIC) - w0;
	printf("%s: fired %d times in a 300 ms sleep (%lld ms left after it), then after %lld ms "
	       "busy\n", which == ITIMER_VIRTUAL ? "ITIMER_VIRTUAL" : "ITIMER_PROF", asleep,
	       left / MS, w / MS);
	CHECK(asleep == 0);
	CHECK(left > 0 && left <= 70 * MS); /* Linux: 54 ms (ticks) */
	CHECK(fired == 1);
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	CHECK(setitimer(which, &off, NULL) == 0);
	CHECK(getitimer(which, &cur) == 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 1) { /* exec_child's image: its clocks go on from the
			 * 150 ms before the exec; 150 ms more of CPU time */
		long long proc = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
		long long thread = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		printf("after exec: process clock %lld ms, thread clock %lld ms\n",
		       proc / MS, thread / MS);
		if (proc < 140 * MS || thread < 140 * MS)
			return 3;
		pid_t kid = fork(); /* a new process: its clocks start at 0 */
		if (kid == 0)
			_exit(clock_ns(CLOCK_PROCESS_CPUTIME_ID) < 100 * MS &&
			      clock_ns(CLOCK_THREAD_CPUTIME_ID) < 100 * MS ? 0 : 4);
		int st = -1;
		if (kid < 0 || waitpid(kid, &st, 0) != kid || !WIFEXITED(st) || WEXITSTATUS(st))
			return 4;
		spin_cpu_ms(CLOCK_THREAD_CPUTIME_ID, 150);
		return 0;
	}
	busy_and_sleep();
	two_threads();
	children();
	exec_child(argv[0]);
	itimer(ITIMER_VIRTUAL, SIGVTALRM);
	itimer(ITIMER_PROF, SIGPROF);
	pass("linux8_cputime_itimer");
	if (!failed)
		printf("@@PASS linux8_cputime\n");
	return failed;
}
