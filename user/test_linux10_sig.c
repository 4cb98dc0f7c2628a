/* Signal behaviour Linux programs rely on, as an ordinary Linux program
 * (checked against glibc under Linux 6.1: make linux-check
 * PROG=user/test_linux10_sig.c).  Each part runs in a child of its own
 * under a watchdog (a hang is a @@FAIL, not a time-out):
 *   linux10_sig_ignflush  sigaction to SIG_IGN, or to SIG_DFL for a signal
 *                         whose default ignores it (SIGCHLD, SIGURG,
 *                         SIGWINCH, SIGCONT), discards that signal if it
 *                         is pending, blocked or not: for the process,
 *                         for a thread it was sent to (pthread_kill), for
 *                         every thread; also when the action was SIG_IGN
 *                         already; queued real-time ones too (a later
 *                         sigqueue's value is the one taken)
 *   linux10_sig_stopsleep a child whose threads wait in nanosleep, usleep,
 *                         a pipe read and pthread_cond_wait stops
 *                         (waitpid WUNTRACED); while stopped nothing of it
 *                         runs though the sleeps' ends pass, the byte is
 *                         written and the condition signalled; after
 *                         SIGCONT each finishes with its result, and no
 *                         sleep is cut short (0, the whole time slept)
 *   linux10_sig_giveback  a signal sent to the process that a thread's
 *                         handler let through, and that the handler's
 *                         sigreturn blocks again, is taken by another
 *                         thread's sigwaitinfo (never stuck on the first)
 *   linux10_sig_stopwait  a thread in sigwaitinfo does not take a signal
 *                         sent while its process is stopped: the wait
 *                         ends EINTR after SIGCONT (Linux) and the
 *                         signal is still pending, then taken; a stop
 *                         with nothing sent also ends it EINTR; sigwait
 *                         (which waits on after EINTR) takes the signal
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", part, __LINE__, \
	#c, errno); fails++; fflush(stdout); } } while (0)

static int pending_has(int sig)
{
	sigset_t p;
	sigemptyset(&p);
	sigpending(&p);
	return sigismember(&p, sig);
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void set_action(int sig, void (*h)(int))
{
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_handler = h;
	sigaction(sig, &a, NULL);
}

static void unblock(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
}

static void block(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
}

static void spin_until(volatile int *flag, int value)
{
	while (__atomic_load_n(flag, __ATOMIC_SEQ_CST) < value)
		sched_yield();
}

/* ---- linux10_sig_ignflush ---- */

static volatile int ran[65];

static void count_handler(int sig)
{
	ran[sig]++;
}

static volatile int step;
static volatile int t_pending[8];

/* Blocks everything (as its creator); step 1: its own pthread_kill'd
 * SIGUSR1 and the process's SIGUSR2 are pending here; step 2: after the
 * main thread's SIG_IGN neither is. */
static void *ign_thread(void *arg)
{
	(void)arg;
	spin_until(&step, 1);
	t_pending[0] = pending_has(SIGUSR1);
	t_pending[1] = pending_has(SIGUSR2);
	__atomic_store_n(&step, 2, __ATOMIC_SEQ_CST);
	spin_until(&step, 3);
	t_pending[2] = pending_has(SIGUSR1);
	t_pending[3] = pending_has(SIGUSR2);
	/* with a handler now and unblocked: nothing to run */
	set_action(SIGUSR1, count_handler);
	unblock(SIGUSR1);
	unblock(SIGUSR2);
	block(SIGUSR1);
	block(SIGUSR2);
	return NULL;
}

static void part_ignflush(void)
{
	/* the process's own, blocked: SIG_IGN discards it */
	kill(getpid(), SIGUSR1);
	CHECK(pending_has(SIGUSR1));
	set_action(SIGUSR1, SIG_IGN);
	CHECK(!pending_has(SIGUSR1));
	set_action(SIGUSR1, count_handler);
	unblock(SIGUSR1);
	CHECK(ran[SIGUSR1] == 0);
	block(SIGUSR1);

	/* SIG_IGN already: a blocked one is kept pending, and setting
	 * SIG_IGN again discards it */
	set_action(SIGUSR2, SIG_IGN);
	kill(getpid(), SIGUSR2);
	CHECK(pending_has(SIGUSR2));
	set_action(SIGUSR2, SIG_IGN);
	CHECK(!pending_has(SIGUSR2));

	/* SIG_DFL of a signal ignored by default */
	pid_t c = fork();
	if (c == 0)
		_exit(0);
	int st;
	CHECK(waitpid(c, &st, 0) == c);
	CHECK(pending_has(SIGCHLD));
	set_action(SIGCHLD, SIG_DFL);
	CHECK(!pending_has(SIGCHLD));
	int dfl_ign[] = { SIGURG, SIGWINCH, SIGCONT };
	for (unsigned i = 0; i < 3; i++) {
		int s = dfl_ign[i];
		kill(getpid(), s);
		CHECK(pending_has(s));
		set_action(s, SIG_DFL);
		CHECK(!pending_has(s));
		set_action(s, count_handler);
		unblock(s);
		CHECK(ran[s] == 0);
		block(s);
		set_action(s, SIG_DFL);
	}

	/* a thread's own (pthread_kill) and the process's with two threads,
	 * all blocking it */
	set_action(SIGUSR1, count_handler);
	set_action(SIGUSR2, count_handler);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, ign_thread, NULL) == 0);
	CHECK(pthread_kill(t, SIGUSR1) == 0);
	kill(getpid(), SIGUSR2);
	CHECK(!pending_has(SIGUSR1)); /* the thread's, not ours */
	CHECK(pending_has(SIGUSR2));
	__atomic_store_n(&step, 1, __ATOMIC_SEQ_CST);
	spin_until(&step, 2);
	CHECK(t_pending[0] && t_pending[1]);
	set_action(SIGUSR1, SIG_IGN);
	set_action(SIGUSR2, SIG_IGN);
	CHECK(!pending_has(SIGUSR2));
	__atomic_store_n(&step, 3, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	CHECK(!t_pending[2] && !t_pending[3]);
	set_action(SIGUSR2, count_handler);
	unblock(SIGUSR2);
	block(SIGUSR2);
	CHECK(ran[SIGUSR1] == 0 && ran[SIGUSR2] == 0);

	/* queued real-time signals: SIG_IGN drops the queue too */
	int rt = SIGRTMIN + 1;
	set_action(rt, count_handler);
	for (int i = 1; i <= 3; i++)
		CHECK(sigqueue(getpid(), rt, (union sigval){ .sival_int = i }) == 0);
	CHECK(pending_has(rt));
	set_action(rt, SIG_IGN);
	CHECK(!pending_has(rt));
	set_action(rt, count_handler);
	unblock(rt);
	block(rt);
	CHECK(ran[rt] == 0);
	CHECK(sigqueue(getpid(), rt, (union sigval){ .sival_int = 7 }) == 0);
	sigset_t w;
	sigemptyset(&w);
	sigaddset(&w, rt);
	siginfo_t si;
	struct timespec zero = { 0, 0 };
	CHECK(sigtimedwait(&w, &si, &zero) == rt && si.si_value.sival_int == 7);
	CHECK(sigtimedwait(&w, &si, &zero) == -1 && errno == EAGAIN);
}

/* ---- linux10_sig_stopsleep ---- */

struct shared {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int flag;
	volatile int woke;
};

struct sleeper {
	int kind; /* 0 nanosleep, 1 usleep, 2 pipe read, 3 cond wait */
	long ms;
	int fd, rep;
	struct shared *sh;
};

/* Waits as kind says; then counts itself in sh->woke and writes a line
 * to rep: its kind, its result, the ms it waited. */
static void *sleeper_main(void *arg)
{
	struct sleeper *s = arg;
	long t0 = now_ms(), r = 0, extra = 0;
	if (s->kind == 0) {
		struct timespec ts = { s->ms / 1000, (s->ms % 1000) * 1000000L }, rem = { 0, 0 };
		r = nanosleep(&ts, &rem);
		extra = r ? errno : 0;
	} else if (s->kind == 1) {
		r = usleep((useconds_t)(s->ms * 1000));
		extra = r ? errno : 0;
	} else if (s->kind == 2) {
		char b = 0;
		r = read(s->fd, &b, 1);
		extra = b;
	} else {
		pthread_mutex_lock(&s->sh->mu);
		while (!s->sh->flag)
			pthread_cond_wait(&s->sh->cv, &s->sh->mu);
		pthread_mutex_unlock(&s->sh->mu);
	}
	long took = now_ms() - t0;
	__atomic_fetch_add(&s->sh->woke, 1, __ATOMIC_SEQ_CST);
	char line[64];
	int n = snprintf(line, sizeof line, "%d %ld %ld %ld\n", s->kind, r, extra, took);
	if (write(s->rep, line, (size_t)n) != n)
		_exit(9);
	return NULL;
}

enum { NAP_SHORT = 1200, NAP_LONG = 4000, STOP_FOR = 1800 };

static void part_stopsleep(void)
{
	struct shared *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED);
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&sh->mu, &ma);
	pthread_cond_init(&sh->cv, &ca);
	int rep[2], inp[2];
	CHECK(pipe(rep) == 0 && pipe(inp) == 0);
	pid_t c = fork();
	if (c == 0) {
		struct sleeper s[5] = {
			{ 0, NAP_SHORT, 0, rep[1], sh }, { 1, NAP_SHORT, 0, rep[1], sh },
			{ 0, NAP_LONG, 0, rep[1], sh }, { 2, 0, inp[0], rep[1], sh },
			{ 3, 0, 0, rep[1], sh } };
		pthread_t t[5];
		for (int i = 0; i < 5; i++)
			if (pthread_create(&t[i], NULL, sleeper_main, &s[i]))
				_exit(8);
		if (write(rep[1], "R\n", 2) != 2)
			_exit(7);
		for (int i = 0; i < 5; i++)
			pthread_join(t[i], NULL);
		_exit(0);
	}
	char b[256];
	CHECK(read(rep[0], b, 2) == 2 && b[0] == 'R');
	long t0 = now_ms();
	nap_ms(300); /* time for the threads to be in their waits */
	int st = 0;
	CHECK(kill(c, SIGSTOP) == 0);
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	/* while it is stopped: the byte, the condition, the short sleeps' end */
	CHECK(write(inp[1], "x", 1) == 1);
	pthread_mutex_lock(&sh->mu);
	sh->flag = 1;
	pthread_cond_broadcast(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
	while (now_ms() - t0 < STOP_FOR)
		nap_ms(100);
	struct pollfd pf = { rep[0], POLLIN, 0 };
	CHECK(poll(&pf, 1, 0) == 0);
	CHECK(sh->woke == 0);
	CHECK(waitpid(c, &st, WNOHANG) == 0);
	CHECK(kill(c, SIGCONT) == 0);
	/* every line: kind result extra took */
	int got = 0, seen[4] = { 0 };
	FILE *f = fdopen(rep[0], "r");
	close(rep[1]);
	int kind;
	long r, extra, took;
	while (got < 5 && fscanf(f, "%d %ld %ld %ld", &kind, &r, &extra, &took) == 4) {
		got++;
		if (kind < 0 || kind > 3) {
			CHECK(!"bad line");
			continue;
		}
		seen[kind]++;
		if (kind == 0 || kind == 1) {
			CHECK(r == 0);
			/* not cut short: the whole time (ms rounding aside) */
			CHECK(took >= NAP_SHORT - 1 || (took >= NAP_LONG - 1 && took < NAP_LONG + 60000));
			if (r)
				printf("kind %d: %ld errno %ld after %ld ms\n", kind, r, extra, took);
		} else if (kind == 2) {
			CHECK(r == 1 && extra == 'x');
		}
		if (kind <= 1)
			CHECK(took >= STOP_FOR - 300 - 50); /* it went on only at SIGCONT */
	}
	CHECK(got == 5 && seen[0] == 2 && seen[1] == 1 && seen[2] == 1 && seen[3] == 1);
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (fails)
		printf("stopsleep: status %#x, got %d\n", st, got);
}

/* ---- linux10_sig_giveback ---- */

enum { GB_ROUNDS = 3000 };
static volatile int gb_sent, gb_handled, gb_taken, gb_done;

static void on_usr2_gb(int sig)
{
	(void)sig;
	__atomic_fetch_add(&gb_handled, 1, __ATOMIC_SEQ_CST);
}

/* SIGUSR1's handler lets SIGUSR2 through while it runs; its sigreturn
 * blocks it again. */
static void on_usr1_gb(int sig)
{
	(void)sig;
	unblock(SIGUSR2);
	for (volatile int i = 0; i < 50; i++)
		;
}

static int gb_consumed(void)
{
	return __atomic_load_n(&gb_handled, __ATOMIC_SEQ_CST) +
	       __atomic_load_n(&gb_taken, __ATOMIC_SEQ_CST);
}

static void *gb_waiter(void *arg)
{
	(void)arg;
	sigset_t w;
	sigemptyset(&w);
	sigaddset(&w, SIGUSR2);
	sigaddset(&w, SIGTERM);
	for (;;) {
		int s = sigwaitinfo(&w, NULL);
		if (s == SIGTERM)
			return NULL;
		if (s == SIGUSR2)
			__atomic_fetch_add(&gb_taken, 1, __ATOMIC_SEQ_CST);
	}
}

static void *gb_killer(void *arg)
{
	(void)arg;
	for (int i = 0; i < GB_ROUNDS; i++) {
		long t0 = now_ms();
		while (gb_consumed() < i) {
			sched_yield();
			if (t0 && now_ms() - t0 > 30000) { /* the process's, or another's? */
				printf("giveback: the killer sees it pending: %d\n", pending_has(SIGUSR2));
				fflush(stdout);
				t0 = 0;
			}
		}
		__atomic_store_n(&gb_sent, i + 1, __ATOMIC_SEQ_CST);
		kill(getpid(), SIGUSR2);
	}
	return NULL;
}

static void part_giveback(void)
{
	set_action(SIGUSR2, on_usr2_gb);
	set_action(SIGUSR1, on_usr1_gb);
	pthread_t w, k;
	CHECK(pthread_create(&w, NULL, gb_waiter, NULL) == 0);
	CHECK(pthread_create(&k, NULL, gb_killer, NULL) == 0);
	/* this thread: SIGUSR1 raised again and again; before each, every
	 * signal sent so far is consumed (a stuck one hangs: the watchdog) */
	unblock(SIGUSR1);
	for (int i = 0; gb_consumed() < GB_ROUNDS; i++) {
		long t0 = now_ms();
		while (gb_consumed() < __atomic_load_n(&gb_sent, __ATOMIC_SEQ_CST)) {
			sched_yield();
			if (t0 && now_ms() - t0 > 30000) { /* what hangs (the watchdog ends it) */
				printf("giveback: round %d: sent %d handled %d taken %d, pending here %d\n",
				       i, gb_sent, gb_handled, gb_taken, pending_has(SIGUSR2));
				fflush(stdout);
				t0 = 0;
			}
		}
		raise(SIGUSR1);
	}
	block(SIGUSR1);
	pthread_join(k, NULL);
	pthread_kill(w, SIGTERM);
	pthread_join(w, NULL);
	CHECK(gb_consumed() == GB_ROUNDS);
	CHECK(!pending_has(SIGUSR2));
	printf("giveback: %d handled, %d taken\n", gb_handled, gb_taken);
}

/* ---- linux10_sig_stopwait ---- */

static void part_stopwait(void)
{
	int rep[2];
	CHECK(pipe(rep) == 0);
	for (int round = 0; round < 3; round++) {
		pid_t c = fork();
		if (c == 0) {
			sigset_t w;
			sigemptyset(&w);
			sigaddset(&w, SIGUSR1);
			siginfo_t si;
			char line[64];
			int r1, e1, pend = -1, r2 = -1;
			if (write(rep[1], "R", 1) != 1)
				_exit(7);
			if (round == 2) {
				int s = 0;
				r1 = sigwait(&w, &s) == 0 ? s : -1;
				e1 = 0;
			} else if (round == 1) {
				struct timespec tmo = { 30, 0 };
				r1 = sigtimedwait(&w, &si, &tmo);
				e1 = errno;
			} else {
				r1 = sigwaitinfo(&w, &si);
				e1 = errno;
				pend = pending_has(SIGUSR1);
				struct timespec tmo = { 5, 0 };
				r2 = sigtimedwait(&w, &si, &tmo);
			}
			int n = snprintf(line, sizeof line, "%d %d %d %d\n", r1, e1, pend, r2);
			if (write(rep[1], line, (size_t)n) != n)
				_exit(6);
			_exit(0);
		}
		char b;
		CHECK(read(rep[0], &b, 1) == 1 && b == 'R');
		nap_ms(300); /* time to be in the wait */
		int st = 0;
		CHECK(kill(c, SIGSTOP) == 0);
		CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st));
		if (round != 1)
			CHECK(kill(c, SIGUSR1) == 0);
		nap_ms(300); /* time to take it, were it to be taken */
		CHECK(kill(c, SIGCONT) == 0);
		char line[64] = { 0 };
		ssize_t n = 0;
		while (n < (ssize_t)sizeof line - 1 && (n == 0 || line[n - 1] != '\n')) {
			ssize_t m = read(rep[0], line + n, 1);
			if (m <= 0)
				break;
			n += m;
		}
		int r1 = 0, e1 = 0, pend = 0, r2 = 0;
		CHECK(sscanf(line, "%d %d %d %d", &r1, &e1, &pend, &r2) == 4);
		if (round == 0)
			CHECK(r1 == -1 && e1 == EINTR && pend == 1 && r2 == SIGUSR1);
		else if (round == 1)
			CHECK(r1 == -1 && e1 == EINTR);
		else
			CHECK(r1 == SIGUSR1);
		if (fails)
			printf("stopwait round %d: %s", round, line);
		if (round == 1)
			kill(c, SIGKILL);
		CHECK(waitpid(c, &st, 0) == c);
	}
}

/* ---- the watchdog ---- */

static void run(const char *name, void (*fn)(void))
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		part = name;
		sigset_t s;
		sigfillset(&s);
		pthread_sigmask(SIG_BLOCK, &s, NULL);
		fn();
		fflush(stdout);
		_exit(fails ? 1 : 0);
	}
	int st = 0;
	for (int ms = 0; ms < 120000; ms += 10) {
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
	printf("@@FAIL %s: hung (killed after 120 s)\n", name);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	static const struct { const char *name; void (*fn)(void); } parts[] = {
		{ "linux10_sig_ignflush", part_ignflush },
		{ "linux10_sig_stopsleep", part_stopsleep },
		{ "linux10_sig_giveback", part_giveback },
		{ "linux10_sig_stopwait", part_stopwait },
	};
	for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++)
		if (!only || strstr(parts[i].name, only))
			run(parts[i].name, parts[i].fn);
	return 0;
}
