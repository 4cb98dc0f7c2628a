/* Asynchronous signals, as an ordinary Linux program (it runs unchanged
 * against glibc: gcc -O2 -pthread test_linux_signal.c && ./a.out).  Each
 * part runs in a child of its own and prints its @@PASS line:
 *   linux_signal_spin       SIGUSR1 to a child spinning in ring 3
 *   linux_signal_sleep      to a child in nanosleep: EINTR, the time left
 *   linux_signal_blocked    blocked: pending (sigpending), once on unblock
 *   linux_signal_ign        SIG_IGN: nothing happens
 *   linux_signal_default    SIG_DFL: WTERMSIG is the signal; SIGCHLD ignored
 *   linux_signal_alarm      alarm + pause, alarm(0), setitimer
 *   linux_signal_sigsuspend sigsuspend lets a blocked signal in, mask back
 *   linux_signal_sigchld    SIGCHLD handler when children end
 *   linux_signal_storm      thousands of kill()s to two busy threads
 *   linux_signal_hostile    handler in the kernel half / unmapped, no stack
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_signal_%s: line %d: %s (errno %d)\n", \
	part, __LINE__, #c, errno); fails++; } } while (0)

/* One page shared with the children (MAP_SHARED). */
struct shared {
	volatile int ready;
	volatile int done;
};
static struct shared *sh;

static volatile sig_atomic_t got, got2;
static void on_sig(int sig) { (void)sig; got++; }
static void on_sig2(int sig) { (void)sig; got2++; }

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_handler = fn;
	a.sa_flags = flags;
	sigemptyset(&a.sa_mask);
	CHECK(sigaction(sig, &a, NULL) == 0);
}

static void wait_ready(void)
{
	while (!sh->ready)
		sched_yield();
}

/* The child's status once it ended, sending sig every few ms until then
 * (0: only wait). */
static int reap(pid_t pid, int sig)
{
	int st = 0;
	for (;;) {
		if (sig)
			kill(pid, sig);
		pid_t r = waitpid(pid, &st, sig ? WNOHANG : 0);
		if (r == pid)
			return st;
		if (r < 0) {
			CHECK(r >= 0);
			return -1;
		}
		usleep(5000);
	}
}

static int exited0(int st) { return WIFEXITED(st) && WEXITSTATUS(st) == 0; }

static void spin(void)
{
	sh->ready = 0;
	pid_t pid = fork();
	if (pid == 0) {
		handle(SIGUSR1, on_sig, 0);
		sh->ready = 1;
		volatile unsigned long n = 0;
		while (!got)
			n++;
		_exit(got == 1 ? 0 : 3);
	}
	wait_ready();
	CHECK(kill(pid, SIGUSR1) == 0);
	int st = reap(pid, 0);
	CHECK(exited0(st));
}

static void sleeping(void)
{
	sh->ready = 0;
	pid_t pid = fork();
	if (pid == 0) {
		handle(SIGUSR1, on_sig, 0);
		sh->ready = 1;
		for (;;) {
			struct timespec ts = { 10, 0 }, rem = { -1, -1 };
			int r = nanosleep(&ts, &rem);
			if (r == -1 && got) {
				int ok = errno == EINTR && rem.tv_sec >= 0 && rem.tv_sec <= 10 &&
					 rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000 &&
					 (rem.tv_sec || rem.tv_nsec);
				_exit(ok ? 0 : 3);
			}
		}
	}
	wait_ready();
	int st = reap(pid, SIGUSR1); /* one of them lands in the sleep */
	CHECK(exited0(st));
	/* sleep() and usleep() too, in this process */
	handle(SIGUSR2, on_sig2, 0);
	sh->ready = 0;
	pid_t me = getpid();
	pid = fork();
	if (pid == 0) {
		while (!sh->ready)
			sched_yield();
		for (int i = 0; i < 2000 && !sh->done; i++) {
			kill(me, SIGUSR2);
			usleep(5000);
		}
		_exit(0);
	}
	sh->done = 0;
	sh->ready = 1;
	unsigned left = 0;
	while (!got2)
		left = sleep(30);
	got2 = 0;
	int r = 0;
	while (!got2)
		r = usleep(20000000);
	sh->done = 1;
	CHECK(left > 0 || got2);
	CHECK(r == -1 ? errno == EINTR : 1);
	CHECK(exited0(reap(pid, 0)));
}

static void blocked(void)
{
	handle(SIGUSR1, on_sig, 0);
	sigset_t set, old, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
	CHECK(!sigismember(&old, SIGUSR1));
	for (int i = 0; i < 5; i++)
		CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(got == 0);
	CHECK(sigpending(&pend) == 0);
	CHECK(sigismember(&pend, SIGUSR1) == 1);
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	CHECK(got == 1); /* delivered at once, and once: standard signals do not queue */
	CHECK(sigpending(&pend) == 0);
	CHECK(sigismember(&pend, SIGUSR1) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(got == 2); /* raise: before it returns */
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(got == 2);
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0);
	CHECK(got == 3);
	CHECK(pthread_kill(pthread_self(), SIGUSR1) == 0);
	CHECK(got == 4);
	/* a child blocks it in its only thread: pending there, then taken */
	sh->ready = 0;
	sh->done = 0;
	pid_t pid = fork();
	if (pid == 0) {
		got = 0;
		sigprocmask(SIG_BLOCK, &set, NULL);
		sh->ready = 1;
		while (!sh->done)
			sched_yield();
		int before = got;
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		_exit(before == 0 && got == 1 ? 0 : 3);
	}
	wait_ready();
	for (int i = 0; i < 10; i++)
		CHECK(kill(pid, SIGUSR1) == 0);
	sh->done = 1;
	CHECK(exited0(reap(pid, 0)));
}

static void ign(void)
{
	CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
	CHECK(kill(getpid(), SIGUSR1) == 0);
	CHECK(raise(SIGUSR1) == 0);
	sh->ready = 0;
	sh->done = 0; /* before the fork: the child may look first */
	pid_t pid = fork(); /* SIG_IGN is inherited */
	if (pid == 0) {
		sh->ready = 1;
		while (!sh->done)
			sched_yield();
		_exit(0);
	}
	wait_ready();
	for (int i = 0; i < 10; i++)
		CHECK(kill(pid, SIGUSR1) == 0);
	sh->done = 1;
	CHECK(exited0(reap(pid, 0)));
}

/* A child that spins until sig ends it: its status. */
static int killed_by(int first, int sig)
{
	sh->ready = 0;
	pid_t pid = fork();
	if (pid == 0) {
		sh->ready = 1;
		for (;;)
			sched_yield();
	}
	wait_ready();
	if (first)
		CHECK(kill(pid, first) == 0);
	CHECK(kill(pid, sig) == 0);
	return reap(pid, 0);
}

static void dfl(void)
{
	static const int sigs[] = { SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGHUP, SIGINT };
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		int st = killed_by(0, sigs[i]);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sigs[i]);
	}
	/* ignored by default: the child lives on until SIGTERM */
	int st = killed_by(SIGCHLD, SIGTERM);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	st = killed_by(SIGWINCH, SIGTERM);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	st = killed_by(SIGURG, SIGTERM);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
}

static void alarm_pause(void)
{
	handle(SIGALRM, on_sig, 0);
	CHECK(alarm(100) == 0);
	unsigned left = alarm(0);
	CHECK(left >= 1 && left <= 100);
	CHECK(alarm(0) == 0);
	CHECK(alarm(1) == 0);
	while (!got) { /* (on a slow machine the second may pass before pause) */
		errno = 0;
		CHECK(pause() == -1 && errno == EINTR);
	}
	CHECK(got == 1);
	/* an interval timer: three SIGALRMs, then off */
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, old;
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	while (got < 4) {
		errno = 0;
		CHECK(pause() == -1 && errno == EINTR);
	}
	memset(&it, 0, sizeof it);
	CHECK(setitimer(ITIMER_REAL, &it, &old) == 0);
	CHECK(old.it_interval.tv_sec == 0 && old.it_interval.tv_usec == 20000);
	/* the alarm's default action ends the process */
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGALRM, SIG_DFL);
		alarm(1);
		for (;;)
			pause();
	}
	int st = reap(pid, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM);
}

static void suspend(void)
{
	handle(SIGUSR1, on_sig, 0);
	sigset_t set, none, now;
	sigemptyset(&set);
	sigemptyset(&none);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
	pid_t me = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		usleep(10000);
		kill(me, SIGUSR1);
		_exit(0);
	}
	errno = 0;
	CHECK(sigsuspend(&none) == -1 && errno == EINTR);
	CHECK(got == 1);
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0);
	CHECK(sigismember(&now, SIGUSR1) == 1); /* the mask of before */
	CHECK(exited0(reap(pid, 0)));
	/* already pending: sigsuspend returns at once */
	CHECK(raise(SIGUSR1) == 0);
	CHECK(got == 1);
	CHECK(sigsuspend(&none) == -1 && errno == EINTR);
	CHECK(got == 2);
}

static volatile sig_atomic_t chld;
static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGCHLD && si->si_signo == SIGCHLD)
		chld++;
}

static void sigchld(void)
{
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_sigaction = on_chld;
	a.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGCHLD, &a, NULL) == 0);
	for (int i = 0; i < 3; i++) {
		int before = chld;
		pid_t pid = fork();
		if (pid == 0)
			_exit(i);
		int st;
		CHECK(waitpid(pid, &st, 0) == pid); /* not interrupted: the child ended */
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == i);
		for (int n = 0; chld == before && n < 10000; n++)
			usleep(1000); /* sent with the child's end: comes at once */
		CHECK(chld > before);
	}
	CHECK(chld >= 3);
	/* a wait for a child that lives on is interrupted (no SA_RESTART) by
	 * the SIGCHLD of another; tried again if that one ended before the
	 * wait began (then the handler ran first and nothing interrupts it) */
	int interrupted = 0;
	for (int attempt = 0; attempt < 20 && !interrupted; attempt++) {
		sh->done = 0;
		pid_t slow = fork();
		if (slow == 0) {
			for (int n = 0; !sh->done && n < 2000; n++)
				usleep(1000);
			_exit(0);
		}
		pid_t quick = fork();
		if (quick == 0) {
			usleep(20000);
			_exit(0);
		}
		int st;
		errno = 0;
		pid_t r = waitpid(slow, &st, 0);
		interrupted = r == -1 && errno == EINTR;
		sh->done = 1;
		if (interrupted)
			CHECK(exited0(reap(slow, 0)));
		else
			CHECK(r == slow);
		CHECK(exited0(reap(quick, 0)));
	}
	CHECK(interrupted);
}

/* ---- the storm ---- */

#define STORM_KILLS 3000
#define STORM_PAGES 32
#define STORM_ROUNDS 200

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int turn, finished, rounds;
static uint64_t *pages;
static volatile sig_atomic_t usr1, stop;
static volatile double sink;

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
	double x = 1.0; /* the handler's own FPU work must not leak out */
	for (int i = 0; i < 50; i++)
		x = x * 1.0001 + 0.5;
	sink = x;
}

static void on_usr2(int sig) { (void)sig; stop = 1; }

static double series(void)
{
	double s = 0;
	for (int k = 1; k <= 2000; k++)
		s += 1.0 / k;
	return s;
}

static uint64_t word(int r, int p, int w) { return (uint64_t)r * 1000003u + (uint64_t)p * 521 + (uint64_t)w; }

static void *storm_worker(void *arg)
{
	int id = (int)(intptr_t)arg, bad = 0;
	double want = series();
	for (;;) {
		pthread_mutex_lock(&m);
		while (turn != id && !finished)
			pthread_cond_wait(&c, &m); /* futex waits */
		if (finished) {
			pthread_mutex_unlock(&m);
			break;
		}
		for (int p = 0; p < STORM_PAGES; p++)
			for (int w = 0; w < 512; w++) {
				uint64_t *x = &pages[p * 512 + w];
				if (*x != word(rounds, p, w))
					bad++;
				*x = word(rounds + 1, p, w);
			}
		if (series() != want)
			bad++;
		rounds++;
		if (stop && rounds >= STORM_ROUNDS)
			finished = 1;
		turn = 1 - id;
		pthread_cond_broadcast(&c);
		pthread_mutex_unlock(&m);
	}
	return (void *)(intptr_t)bad;
}

static void storm_child(void)
{
	handle(SIGUSR1, on_usr1, 0);
	handle(SIGUSR2, on_usr2, 0);
	pages = mmap(NULL, STORM_PAGES * 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED)
		_exit(4);
	for (int p = 0; p < STORM_PAGES; p++)
		for (int w = 0; w < 512; w++)
			pages[p * 512 + w] = word(0, p, w);
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, storm_worker, (void *)(intptr_t)i))
			_exit(5);
	sh->ready = 1;
	long bad = 0;
	for (int i = 0; i < 2; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += (long)(intptr_t)r;
	}
	for (int p = 0; p < STORM_PAGES; p++)
		for (int w = 0; w < 512; w++)
			if (pages[p * 512 + w] != word(rounds, p, w))
				bad++;
	if (bad)
		printf("storm: %ld bad words or sums, %d rounds\n", bad, rounds);
	_exit(bad ? 3 : usr1 >= 1 && usr1 <= STORM_KILLS && stop ? 0 : 6);
}

static void storm(void)
{
	sh->ready = 0;
	pid_t pid = fork();
	if (pid == 0)
		storm_child();
	wait_ready();
	for (int i = 0; i < STORM_KILLS; i++)
		CHECK(kill(pid, SIGUSR1) == 0);
	CHECK(kill(pid, SIGUSR2) == 0);
	int st = reap(pid, 0);
	CHECK(exited0(st));
	if (!exited0(st))
		printf("storm child status 0x%x\n", st);
}

/* ---- hostile ---- */

static void hostile_handler(uintptr_t where)
{
	sh->ready = 0;
	pid_t pid = fork();
	if (pid == 0) {
		handle(SIGUSR1, (void (*)(int))where, 0);
		sh->ready = 1;
		for (;;)
			sched_yield();
	}
	wait_ready();
	CHECK(kill(pid, SIGUSR1) == 0);
	int st = reap(pid, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}

static void hostile(void)
{
	hostile_handler((uintptr_t)0xffff800000001000ull); /* the kernel half */
	hostile_handler((uintptr_t)0x1000);                /* nothing mapped */
	/* a thread whose stack pointer is bad: no frame can be written */
	sh->ready = 0;
	pid_t pid = fork();
	if (pid == 0) {
		handle(SIGUSR1, on_sig, 0);
		sh->ready = 1;
		__asm__ volatile("mov $0x10, %%rsp\n1: jmp 1b" ::: "memory");
	}
	wait_ready();
	int st = reap(pid, SIGUSR1);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	/* a storm at itself, blocked and not: then it exits normally */
	pid = fork();
	if (pid == 0) {
		handle(SIGUSR1, on_sig, SA_NODEFER);
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		for (int i = 0; i < 500; i++) {
			kill(getpid(), SIGUSR1);
			if (i % 2)
				sigprocmask(SIG_BLOCK, &set, NULL);
			raise(SIGUSR1);
			sigprocmask(SIG_UNBLOCK, &set, NULL);
		}
		_exit(got >= 500 ? 0 : 3);
	}
	CHECK(exited0(reap(pid, 0)));
	/* the system goes on */
	pid = fork();
	if (pid == 0)
		_exit(7);
	st = reap(pid, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7);
}

static const struct { const char *name; void (*fn)(void); } parts[] = {
	{ "spin", spin }, { "sleep", sleeping }, { "blocked", blocked }, { "ign", ign },
	{ "default", dfl }, { "alarm", alarm_pause }, { "sigsuspend", suspend },
	{ "sigchld", sigchld }, { "storm", storm }, { "hostile", hostile },
};

int main(int argc, char **argv)
{
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		printf("@@FAIL linux_signal: no shared page\n");
		return 1;
	}
	int all = 0;
	for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (argc > 1 && strcmp(argv[1], parts[i].name))
			continue;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			part = parts[i].name;
			parts[i].fn();
			fflush(stdout);
			_exit(fails != 0);
		}
		int st = 0;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (exited0(st)) {
			printf("@@PASS linux_signal_%s\n", parts[i].name);
		} else {
			printf("@@FAIL linux_signal_%s: status 0x%x\n", parts[i].name, st);
			all++;
		}
	}
	return all != 0;
}
