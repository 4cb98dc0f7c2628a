/* POSIX timers, as an ordinary Linux program (it runs unchanged against
 * glibc: gcc -O2 -pthread test_linux5_timers.c && ./a.out).  Each part
 * runs in a child of its own (a wrong death ends only it) and prints its
 * @@PASS line:
 *   linux5_timers_signal    SIGEV_SIGNAL one-shot timers, relative on
 *                           CLOCK_MONOTONIC and TIMER_ABSTIME on
 *                           CLOCK_REALTIME: the handler sees si_code
 *                           SI_TIMER and the sigev_value (int, pointer);
 *                           the timer is disarmed after (timer_gettime 0)
 *   linux5_timers_periodic  an interval timer fires again and again until
 *                           disarmed; timer_gettime shows the interval and
 *                           a value within it; timer_getoverrun >= 0
 *   linux5_timers_none      SIGEV_NONE: no signal, timer_gettime counts
 *                           down and then reads 0
 *   linux5_timers_thread    SIGEV_THREAD: the function runs in another
 *                           thread with the sigev_value, once per expiry
 *   linux5_timers_several   three timers with their own signals each fire
 *                           once; a deleted one never does, and its id is
 *                           EINVAL after; bad clocks and values EINVAL
 *   linux5_timers_fork      a fork child has none of its parent's timers
 *                           (EINVAL) and the parent's still fires; a timer
 *                           with SIGTERM's default action ends its process
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux5_timers_%s: line %d: %s (errno %d)\n", \
	part, __LINE__, #c, errno); fflush(stdout); fails++; } } while (0)

static volatile int got[65], got_code[65];
static volatile long got_value[65];

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got[sig]++;
	got_code[sig] = si->si_code;
	got_value[sig] = (long)si->si_value.sival_ptr;
}

static void handle(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

static void block(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	CHECK(sigprocmask(SIG_BLOCK, &s, NULL) == 0);
}

/* Sleep in sigsuspend (every signal let through) until got[sig] >= n. */
static void wait_for(int sig, int n)
{
	sigset_t none;
	sigemptyset(&none);
	while (got[sig] < n)
		sigsuspend(&none);
}

static timer_t make(clockid_t clk, int notify, int sig, long value)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = notify;
	ev.sigev_signo = sig;
	ev.sigev_value.sival_ptr = (void *)value;
	timer_t t;
	CHECK(timer_create(clk, &ev, &t) == 0);
	return t;
}

static void arm(timer_t t, int flags, long value_ms, long iv_ms, const struct timespec *base)
{
	struct itimerspec it;
	memset(&it, 0, sizeof it);
	it.it_value.tv_sec = value_ms / 1000;
	it.it_value.tv_nsec = value_ms % 1000 * 1000000;
	if (base) {
		it.it_value.tv_sec += base->tv_sec;
		it.it_value.tv_nsec += base->tv_nsec;
		if (it.it_value.tv_nsec >= 1000000000) {
			it.it_value.tv_nsec -= 1000000000;
			it.it_value.tv_sec++;
		}
	}
	it.it_interval.tv_sec = iv_ms / 1000;
	it.it_interval.tv_nsec = iv_ms % 1000 * 1000000;
	CHECK(timer_settime(t, flags, &it, NULL) == 0);
}

static int disarmed(timer_t t)
{
	struct itimerspec it;
	CHECK(timer_gettime(t, &it) == 0);
	return it.it_value.tv_sec == 0 && it.it_value.tv_nsec == 0;
}

static void part_signal(void)
{
	handle(SIGUSR1);
	handle(SIGUSR2);
	block(SIGUSR1);
	block(SIGUSR2);
	timer_t a = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 4242);
	CHECK(disarmed(a));
	arm(a, 0, 20, 0, NULL);
	CHECK(!disarmed(a));
	wait_for(SIGUSR1, 1);
	CHECK(got_code[SIGUSR1] == SI_TIMER);
	CHECK(got_value[SIGUSR1] == 4242);
	CHECK(disarmed(a));
	static int cookie;
	timer_t b = make(CLOCK_REALTIME, SIGEV_SIGNAL, SIGUSR2, (long)&cookie);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	arm(b, TIMER_ABSTIME, 30, 0, &now);
	wait_for(SIGUSR2, 1);
	CHECK(got_code[SIGUSR2] == SI_TIMER);
	CHECK(got_value[SIGUSR2] == (long)&cookie);
	CHECK(disarmed(b));
	arm(b, TIMER_ABSTIME, 0, 0, &(struct timespec){ 1, 0 }); /* long past: at once */
	wait_for(SIGUSR2, 2);
	CHECK(got[SIGUSR1] == 1);
	CHECK(timer_delete(a) == 0);
	CHECK(timer_delete(b) == 0);
}

static void part_periodic(void)
{
	handle(SIGALRM);
	block(SIGALRM);
	timer_t t = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGALRM, 7);
	arm(t, 0, 10, 10, NULL);
	struct itimerspec it;
	CHECK(timer_gettime(t, &it) == 0);
	CHECK(it.it_interval.tv_sec == 0 && it.it_interval.tv_nsec == 10000000);
	CHECK(it.it_value.tv_sec == 0 && it.it_value.tv_nsec > 0 && it.it_value.tv_nsec <= 10000000);
	wait_for(SIGALRM, 5);
	CHECK(got_code[SIGALRM] == SI_TIMER && got_value[SIGALRM] == 7);
	CHECK(timer_getoverrun(t) >= 0);
	CHECK(!disarmed(t));
	struct itimerspec off, old;
	memset(&off, 0, sizeof off);
	CHECK(timer_settime(t, 0, &off, &old) == 0);
	CHECK(old.it_interval.tv_nsec == 10000000);
	CHECK(disarmed(t));
	CHECK(timer_delete(t) == 0);
}

static void part_none(void)
{
	handle(SIGALRM);
	timer_t t = make(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0);
	arm(t, 0, 200, 0, NULL);
	struct itimerspec a, b;
	CHECK(timer_gettime(t, &a) == 0);
	CHECK(a.it_value.tv_sec == 0 && a.it_value.tv_nsec > 0 && a.it_value.tv_nsec <= 200000000);
	usleep(30000);
	CHECK(timer_gettime(t, &b) == 0);
	CHECK(b.it_value.tv_nsec < a.it_value.tv_nsec);
	usleep(250000);
	CHECK(disarmed(t));
	CHECK(got[SIGALRM] == 0);
	CHECK(timer_delete(t) == 0);
}

static sem_t runs;
static pthread_t main_thread;
static volatile int thread_value, thread_other;

static void notify(union sigval v)
{
	thread_value = v.sival_int;
	thread_other += !pthread_equal(pthread_self(), main_thread);
	sem_post(&runs);
}

static void part_thread(void)
{
	main_thread = pthread_self();
	CHECK(sem_init(&runs, 0, 0) == 0);
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_value.sival_int = 99;
	ev.sigev_notify_function = notify;
	timer_t t;
	CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0);
	arm(t, 0, 10, 0, NULL);
	while (sem_wait(&runs) != 0)
		CHECK(errno == EINTR);
	CHECK(thread_value == 99 && thread_other == 1);
	arm(t, 0, 10, 10, NULL);
	for (int i = 0; i < 3; i++)
		while (sem_wait(&runs) != 0)
			CHECK(errno == EINTR);
	CHECK(timer_delete(t) == 0);
	CHECK(thread_other >= 4);
}

static void part_several(void)
{
	int sigs[3] = { SIGUSR1, SIGUSR2, SIGRTMIN + 1 };
	timer_t t[3];
	for (int i = 0; i < 3; i++) {
		handle(sigs[i]);
		block(sigs[i]);
		t[i] = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, sigs[i], 100 + i);
	}
	handle(SIGALRM);
	block(SIGALRM);
	timer_t gone = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGALRM, 5);
	arm(gone, 0, 10, 0, NULL);
	CHECK(timer_delete(gone) == 0);
	struct itimerspec it;
	errno = 0;
	CHECK(timer_gettime(gone, &it) == -1 && errno == EINVAL);
	for (int i = 0; i < 3; i++)
		arm(t[i], 0, 30 + 20 * i, 0, NULL);
	for (int i = 0; i < 3; i++) {
		wait_for(sigs[i], 1);
		CHECK(got_code[sigs[i]] == SI_TIMER && got_value[sigs[i]] == 100 + i);
	}
	for (int i = 0; i < 3; i++) {
		CHECK(got[sigs[i]] == 1);
		CHECK(timer_delete(t[i]) == 0);
	}
	CHECK(got[SIGALRM] == 0);
	timer_t x;
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR1;
	errno = 0;
	CHECK(timer_create((clockid_t)12345, &ev, &x) == -1 && errno == EINVAL);
	x = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0);
	memset(&it, 0, sizeof it);
	it.it_value.tv_nsec = 1000000000;
	errno = 0;
	CHECK(timer_settime(x, 0, &it, NULL) == -1 && errno == EINVAL);
	CHECK(timer_delete(x) == 0);
}

static void part_fork(void)
{
	handle(SIGUSR1);
	block(SIGUSR1);
	timer_t t = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 11);
	arm(t, 0, 50, 0, NULL);
	pid_t c = fork();
	if (c == 0) {
		struct itimerspec it;
		errno = 0;
		int r = timer_gettime(t, &it);
		_exit(r == -1 && errno == EINVAL ? 0 : 1);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	wait_for(SIGUSR1, 1);
	CHECK(got_value[SIGUSR1] == 11);
	c = fork();
	if (c == 0) {
		timer_t k = make(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGTERM, 0);
		arm(k, 0, 10, 0, NULL);
		for (;;)
			pause();
	}
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
}

static void run(const char *name, void (*fn)(void))
{
	pid_t c = fork();
	if (c == 0) {
		part = name;
		fn();
		if (!fails)
			printf("@@PASS linux5_timers_%s\n", name);
		fflush(stdout);
		_exit(fails ? 1 : 0);
	}
	int st;
	part = name;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st)) {
		CHECK(!"the part's child ended by a signal");
		printf("  (status %#x)\n", st);
	} else if (WEXITSTATUS(st)) {
		fails++;
	}
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	run("signal", part_signal);
	run("periodic", part_periodic);
	run("none", part_none);
	run("thread", part_thread);
	run("several", part_several);
	run("fork", part_fork);
	return fails ? 1 : 0;
}
