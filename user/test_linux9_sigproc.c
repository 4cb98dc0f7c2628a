/* Process-directed signals in a multithreaded process, as Linux keeps
 * them: a signal sent to the process while every thread blocks it stays
 * pending for the process (sigpending shows it in any thread) and is
 * taken exactly once, by a sigwait-family call in any thread (one that
 * began waiting before the signal came or after) or by the first thread
 * that unblocks it; a thread-directed one only by its thread.  Each part
 * runs in a child of its own under a watchdog (a hang is a failure, not
 * a hung test), with many rounds of each race and no timing asserts:
 *   linux9_sigproc_wait     kill, sigqueue, setitimer's SIGALRM, a POSIX
 *                           timer's expiry and SIGCHLD, each sent before
 *                           the waiting thread exists, as it starts, as it
 *                           is about to wait, or once it waits
 *   linux9_sigproc_unblock  the first thread that unblocks it runs the
 *                           handler, once; nobody else sees it after
 *   linux9_sigproc_many     3 threads in sigwaitinfo for the same signals:
 *                           N sent one by one are taken N times; a burst
 *                           is taken at least once and none stays
 *                           pending; real-time signals queue, each value
 *                           taken once, in order in each thread
 *   linux9_sigproc_thread   pthread_kill's signal is its thread's alone:
 *                           another thread's sigpending and sigwait never
 *                           see it
 *   linux9_sigproc_timeout  sigtimedwait's time-out is EAGAIN (also with
 *                           another thread's signal pending), EINVAL for a
 *                           bad timespec
 *   linux9_sigproc_exiting  a signal sent while the only thread letting it
 *                           through exits: its handler ran or it stays
 *                           pending for the process; taken once either
 *                           way
 *   linux9_sigproc_suspend  a SIGCHLD kept pending (blocked, default
 *                           action) that sigsuspend lets through is
 *                           dropped, and the wait goes on until a
 *                           handler runs */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", part, __LINE__, #c, errno); fails++; fflush(stdout); } } while (0)

static void block_all_but_watchdog(void)
{
	sigset_t s;
	sigfillset(&s);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
}

static int pending_has(int sig)
{
	sigset_t p;
	sigemptyset(&p);
	sigpending(&p);
	return sigismember(&p, sig);
}

static void spin_until(volatile int *flag, int value)
{
	while (__atomic_load_n(flag, __ATOMIC_SEQ_CST) < value)
		sched_yield();
}

/* ---- linux9_sigproc_wait ---- */

enum { SRC_KILL, SRC_QUEUE, SRC_ALARM, SRC_TIMER, SRC_CHLD, SRCS };
static const int src_sig[SRCS] = { SIGUSR1, SIGUSR1, SIGALRM, SIGUSR2, SIGCHLD };
static const int src_rounds[SRCS] = { 120, 120, 40, 40, 40 };

struct waiter {
	int sig, when;
	volatile int started, about;
	int got, code, value, pend_before;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	__atomic_store_n(&w->started, 1, __ATOMIC_SEQ_CST);
	if (w->when == 0) /* sent before this thread existed: pending now */
		w->pend_before = pending_has(w->sig);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, w->sig);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	__atomic_store_n(&w->about, 1, __ATOMIC_SEQ_CST);
	w->got = sigwaitinfo(&set, &si);
	w->code = si.si_code;
	w->value = si.si_value.sival_int;
	return NULL;
}

static timer_t tmr;
static pid_t chld;

static void send_src(int src, int round)
{
	switch (src) {
	case SRC_KILL:
		CHECK(kill(getpid(), SIGUSR1) == 0);
		break;
	case SRC_QUEUE:
		CHECK(sigqueue(getpid(), SIGUSR1, (union sigval){ .sival_int = round }) == 0);
		break;
	case SRC_ALARM: {
		struct itimerval it = { { 0, 0 }, { 0, 1000 } };
		CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
		break;
	}
	case SRC_TIMER: {
		struct sigevent ev;
		memset(&ev, 0, sizeof ev);
		ev.sigev_notify = SIGEV_SIGNAL;
		ev.sigev_signo = SIGUSR2;
		ev.sigev_value.sival_int = round;
		CHECK(timer_create(CLOCK_MONOTONIC, &ev, &tmr) == 0);
		struct itimerspec its = { { 0, 0 }, { 0, 1000000 } };
		CHECK(timer_settime(tmr, 0, &its, NULL) == 0);
		break;
	}
	case SRC_CHLD:
		chld = fork();
		if (chld == 0)
			_exit(7);
		CHECK(chld > 0);
		break;
	}
}

static void part_wait(void)
{
	for (int src = 0; src < SRCS; src++)
		for (int round = 0, failed_before = fails; round < src_rounds[src]; round++) {
			struct waiter w = { .sig = src_sig[src], .when = round % 4 };
			pthread_t t;
			if (w.when == 0) {
				send_src(src, round);
				if (src == SRC_KILL || src == SRC_QUEUE)
					CHECK(pending_has(w.sig));
			}
			CHECK(pthread_create(&t, NULL, wait_thread, &w) == 0);
			if (w.when == 1)
				send_src(src, round);
			if (w.when >= 2) {
				spin_until(&w.about, 1);
				if (w.when == 3)
					usleep(round % 3 * 1000);
				send_src(src, round);
			}
			CHECK(pthread_join(t, NULL) == 0);
			CHECK(w.got == w.sig);
			if (w.when == 0 && src != SRC_ALARM && src != SRC_TIMER && src != SRC_CHLD)
				CHECK(w.pend_before);
			if (src == SRC_QUEUE)
				CHECK(w.code == SI_QUEUE && w.value == round);
			if (src == SRC_TIMER) {
				CHECK(w.code == SI_TIMER && w.value == round);
				timer_delete(tmr);
			}
			if (src == SRC_CHLD) {
				int st = 0;
				CHECK(waitpid(chld, &st, 0) == chld && WIFEXITED(st) && WEXITSTATUS(st) == 7);
				CHECK(w.code == CLD_EXITED);
			}
			CHECK(!pending_has(w.sig));
			if (fails > failed_before) { /* the next source */
				printf("source %d round %d when %d: got %d code %d value %d\n", src, round,
				       w.when, w.got, w.code, w.value);
				break;
			}
		}
}

/* ---- linux9_sigproc_unblock ---- */

static volatile int handled;
static pthread_t handled_by;

static void on_usr1(int sig)
{
	(void)sig;
	handled_by = pthread_self();
	__atomic_add_fetch(&handled, 1, __ATOMIC_SEQ_CST);
}

struct unblocker {
	volatile int go;
	int pend_seen, after;
};

static void *unblock_thread(void *arg)
{
	struct unblocker *u = arg;
	spin_until(&u->go, 1);
	u->pend_seen = pending_has(SIGUSR1);
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &one, NULL);
	u->after = __atomic_load_n(&handled, __ATOMIC_SEQ_CST);
	pthread_sigmask(SIG_BLOCK, &one, NULL);
	return NULL;
}

static void part_unblock(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	for (int round = 0; round < 200 && !fails; round++) {
		handled = 0;
		struct unblocker u = { 0 };
		pthread_t t;
		CHECK(pthread_create(&t, NULL, unblock_thread, &u) == 0);
		CHECK(kill(getpid(), SIGUSR1) == 0);
		CHECK(pending_has(SIGUSR1));
		__atomic_store_n(&u.go, 1, __ATOMIC_SEQ_CST);
		CHECK(pthread_join(t, NULL) == 0);
		CHECK(u.pend_seen);
		CHECK(u.after == 1); /* ran in the unblocking call */
		CHECK(handled == 1 && pthread_equal(handled_by, t));
		CHECK(!pending_has(SIGUSR1));
		sigset_t one;
		sigemptyset(&one);
		sigaddset(&one, SIGUSR1);
		struct timespec zero = { 0, 0 };
		errno = 0;
		CHECK(sigtimedwait(&one, NULL, &zero) == -1 && errno == EAGAIN);
		if (fails)
			printf("round %d: handled %d pend_seen %d after %d\n", round, handled,
			       u.pend_seen, u.after);
	}
}

/* ---- linux9_sigproc_many ---- */

#define WAITERS 3
#define EXACT 150
#define BURST 200
#define RTN 120

static volatile int usr1_taken, rt_taken, quits;
static unsigned char rt_seen[RTN];
static volatile int order_bad;

static void *many_thread(void *arg)
{
	(void)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	int last = -1;
	for (;;) {
		siginfo_t si;
		int s = sigwaitinfo(&set, &si);
		if (s == -1 && errno == EINTR) /* Linux: woken, another took it */
			continue;
		if (s == SIGUSR1) {
			__atomic_add_fetch(&usr1_taken, 1, __ATOMIC_SEQ_CST);
		} else if (s == SIGRTMIN) {
			int v = si.si_value.sival_int;
			if (v <= last || v < 0 || v >= RTN || si.si_code != SI_QUEUE)
				order_bad = 1;
			else
				__atomic_add_fetch(&rt_seen[v], 1, __ATOMIC_SEQ_CST);
			last = v;
			__atomic_add_fetch(&rt_taken, 1, __ATOMIC_SEQ_CST);
		} else if (s == SIGUSR2) {
			__atomic_add_fetch(&quits, 1, __ATOMIC_SEQ_CST);
			return NULL;
		} else {
			order_bad = 1000 + s * 100 + errno;
		}
	}
}

static void part_many(void)
{
	for (int rep = 0; rep < 3 && !fails; rep++) {
		usr1_taken = rt_taken = quits = 0;
		memset(rt_seen, 0, sizeof rt_seen);
		pthread_t t[WAITERS];
		for (int i = 0; i < WAITERS; i++)
			CHECK(pthread_create(&t[i], NULL, many_thread, NULL) == 0);
		/* one at a time: each is taken once */
		for (int i = 0; i < EXACT; i++) {
			CHECK(kill(getpid(), SIGUSR1) == 0);
			spin_until(&usr1_taken, i + 1);
		}
		CHECK(usr1_taken == EXACT);
		/* a burst: standard signals merge while pending, so at least
		 * one is taken, at most one per send, and none stays */
		for (int i = 0; i < BURST; i++)
			CHECK(kill(getpid(), SIGUSR1) == 0);
		spin_until(&usr1_taken, EXACT + 1);
		while (pending_has(SIGUSR1))
			sched_yield();
		CHECK(usr1_taken >= EXACT + 1);
		/* real-time: each value once, in order in each thread */
		for (int i = 0; i < RTN; i++) {
			int r;
			while ((r = sigqueue(getpid(), SIGRTMIN, (union sigval){ .sival_int = i })) != 0 &&
			       errno == EAGAIN)
				sched_yield();
			CHECK(r == 0);
		}
		spin_until(&rt_taken, RTN);
		CHECK(rt_taken == RTN);
		CHECK(!order_bad);
		for (int i = 0; i < RTN; i++)
			CHECK(rt_seen[i] == 1);
		for (int i = 0; i < WAITERS; i++) {
			CHECK(kill(getpid(), SIGUSR2) == 0);
			spin_until(&quits, i + 1);
		}
		for (int i = 0; i < WAITERS; i++)
			CHECK(pthread_join(t[i], NULL) == 0);
		int b = usr1_taken - EXACT;
		CHECK(b >= 1 && b <= BURST);
		CHECK(!pending_has(SIGUSR1) && !pending_has(SIGUSR2) && !pending_has(SIGRTMIN));
		if (fails || rep == 0)
			printf("rep %d: usr1 %d (burst of %d: %d) rt %d quits %d order %d\n", rep,
			       usr1_taken, BURST, b, rt_taken, quits, order_bad);
	}
}

/* ---- linux9_sigproc_thread ---- */

struct pair {
	volatile int step;
	int a_pend, b_pend, a_got, b_got;
};

static void *thread_a(void *arg)
{
	struct pair *p = arg;
	spin_until(&p->step, 1);
	p->a_pend = pending_has(SIGUSR1);
	__atomic_store_n(&p->step, 2, __ATOMIC_SEQ_CST);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	int s = 0;
	p->a_got = sigwait(&set, &s) == 0 ? s : -1;
	return NULL;
}

static void *thread_b(void *arg)
{
	struct pair *p = arg;
	spin_until(&p->step, 2);
	p->b_pend = pending_has(SIGUSR1);
	__atomic_store_n(&p->step, 3, __ATOMIC_SEQ_CST);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	int s = 0;
	p->b_got = sigwait(&set, &s) == 0 ? s : -1;
	return NULL;
}

static void part_thread(void)
{
	for (int round = 0; round < 150 && !fails; round++) {
		struct pair p = { 0 };
		pthread_t a, b;
		CHECK(pthread_create(&a, NULL, thread_a, &p) == 0);
		CHECK(pthread_create(&b, NULL, thread_b, &p) == 0);
		CHECK(pthread_kill(a, SIGUSR1) == 0);
		CHECK(!pending_has(SIGUSR1)); /* not the main thread's either */
		__atomic_store_n(&p.step, 1, __ATOMIC_SEQ_CST);
		spin_until(&p.step, 3);
		if (round & 1)
			usleep(1000);
		/* b waits for SIGUSR1 and SIGUSR2: it must take SIGUSR2 (the
		 * lower SIGUSR1 were first, had it been b's to take) */
		CHECK(pthread_kill(b, SIGUSR2) == 0);
		CHECK(pthread_join(a, NULL) == 0);
		CHECK(pthread_join(b, NULL) == 0);
		CHECK(p.a_pend && !p.b_pend);
		CHECK(p.a_got == SIGUSR1 && p.b_got == SIGUSR2);
		CHECK(!pending_has(SIGUSR1) && !pending_has(SIGUSR2));
		if (fails)
			printf("round %d: a pend %d got %d, b pend %d got %d\n", round, p.a_pend,
			       p.a_got, p.b_pend, p.b_got);
	}
}

/* ---- linux9_sigproc_timeout ---- */

static void *kill_me_later(void *arg)
{
	(void)arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	int s = 0;
	sigwait(&set, &s);
	return (void *)(long)s;
}

static void part_timeout(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, kill_me_later, NULL) == 0);
	CHECK(pthread_kill(t, SIGUSR1) == 0); /* t's alone: not for our wait */
	for (int round = 0; round < 40 && !fails; round++) {
		struct timespec tmo = { 0, (round % 4) * 1000000L };
		errno = 0;
		CHECK(sigtimedwait(&set, NULL, &tmo) == -1 && errno == EAGAIN);
	}
	struct timespec bad = { 0, 1000000000L };
	errno = 0;
	CHECK(sigtimedwait(&set, NULL, &bad) == -1 && errno == EINVAL);
	CHECK(pthread_kill(t, SIGUSR2) == 0);
	void *r = NULL;
	CHECK(pthread_join(t, &r) == 0 && (long)r == SIGUSR2);
	/* the SIGUSR1 pending on t went with it: nobody's now */
	CHECK(!pending_has(SIGUSR1));
	struct timespec zero = { 0, 0 };
	errno = 0;
	CHECK(sigtimedwait(&set, NULL, &zero) == -1 && errno == EAGAIN);
}

/* ---- linux9_sigproc_exiting ---- */

static volatile int ex_handled;

static void on_usr1_count(int sig)
{
	(void)sig;
	__atomic_add_fetch(&ex_handled, 1, __ATOMIC_SEQ_CST);
}

static void *exit_thread(void *arg)
{
	volatile int *go = arg;
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &one, NULL);
	__atomic_store_n(go, 1, __ATOMIC_SEQ_CST);
	return NULL; /* exits: the signal may come at any moment of it */
}

static void part_exiting(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1_count;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	sigset_t one;
	sigemptyset(&one);
	sigaddset(&one, SIGUSR1);
	int went_pending = 0;
	for (int round = 0; round < 300 && !fails; round++) {
		ex_handled = 0;
		volatile int go = 0;
		pthread_t t;
		CHECK(pthread_create(&t, NULL, exit_thread, (void *)&go) == 0);
		if (round & 1)
			spin_until(&go, 1);
		CHECK(kill(getpid(), SIGUSR1) == 0);
		CHECK(pthread_join(t, NULL) == 0);
		int h = __atomic_load_n(&ex_handled, __ATOMIC_SEQ_CST);
		int pend = pending_has(SIGUSR1);
		struct timespec zero = { 0, 0 };
		int took = sigtimedwait(&one, NULL, &zero) == SIGUSR1;
		went_pending += took;
		CHECK(h + took == 1);
		CHECK(pend == took);
		CHECK(ex_handled == h); /* nothing ran later */
		if (fails)
			printf("round %d: handled %d pending %d taken %d\n", round, h, pend, took);
	}
	printf("linux9_sigproc_exiting: %d of 300 left pending\n", went_pending);
}

/* ---- linux9_sigproc_suspend ---- */

static volatile int susp_handled;

static void on_usr1_susp(int sig)
{
	(void)sig;
	__atomic_add_fetch(&susp_handled, 1, __ATOMIC_SEQ_CST);
}

static void *usr1_later(void *arg)
{
	(void)arg;
	usleep(5000); /* most rounds: once sigsuspend took the SIGCHLD */
	CHECK(kill(getpid(), SIGUSR1) == 0);
	return NULL;
}

static void part_suspend(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1_susp;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	sigset_t none, chld;
	sigemptyset(&none);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (int round = 0; round < 30 && !fails; round++) {
		susp_handled = 0;
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		int st;
		CHECK(waitpid(c, &st, 0) == c);
		CHECK(pending_has(SIGCHLD)); /* blocked with the default action: kept */
		pthread_t t;
		CHECK(pthread_create(&t, NULL, usr1_later, NULL) == 0);
		errno = 0;
		CHECK(sigsuspend(&none) == -1 && errno == EINTR);
		CHECK(susp_handled == 1); /* the ignored SIGCHLD did not end it */
		CHECK(pthread_join(t, NULL) == 0);
		struct timespec zero = { 0, 0 };
		sigtimedwait(&chld, NULL, &zero); /* if the handler came first */
		CHECK(!pending_has(SIGCHLD) && !pending_has(SIGUSR1));
		if (fails)
			printf("round %d: handled %d\n", round, susp_handled);
	}
}

/* ---- the watchdog ---- */

static void run(const char *name, void (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		part = name;
		block_all_but_watchdog();
		fn();
		fflush(stdout);
		_exit(fails ? 1 : 0);
	}
	int st = 0;
	for (int ms = 0; ms < 240000; ms += 10) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid) {
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
				printf("@@PASS %s\n", name);
			else
				printf("@@FAIL %s: status %#x\n", name, st);
			fflush(stdout);
			return;
		}
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	printf("@@FAIL %s: hung (killed after 240 s)\n", name);
	fflush(stdout);
}

int main(void)
{
	run("linux9_sigproc_wait", part_wait);
	run("linux9_sigproc_unblock", part_unblock);
	run("linux9_sigproc_many", part_many);
	run("linux9_sigproc_thread", part_thread);
	run("linux9_sigproc_timeout", part_timeout);
	run("linux9_sigproc_exiting", part_exiting);
	run("linux9_sigproc_suspend", part_suspend);
	return 0;
}
