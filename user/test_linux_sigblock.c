/* Blocked signals and threads, as an ordinary Linux program (it runs
 * unchanged against glibc: gcc -O2 -pthread test_linux_sigblock.c &&
 * ./a.out).  Each part runs in a child of its own (a wrong death ends only
 * it) and prints its @@PASS line:
 *   linux_sigblock_pending  a default-action signal the process blocks
 *                           stays pending (sigpending), the process lives;
 *                           unblocking it ends it (WTERMSIG): SIGTERM, and
 *                           SIGUSR1 set to SIG_DFL
 *   linux_sigblock_other    the same sent by another process
 *   linux_sigblock_ignored  blocked ignored ones (SIG_IGN, SIGCHLD, SIGURG,
 *                           SIGWINCH) end nothing, before or after unblock
 *   linux_sigblock_kill     SIGKILL and SIGSTOP cannot be blocked
 *   linux_sigblock_create   a new thread and a fork child block what their
 *                           creator blocks from their first instruction (a
 *                           default-action signal sent at once ends none)
 *   linux_sigblock_tkill    pthread_kill runs the handler in that thread;
 *                           raise in the caller; a default-action signal
 *                           one thread blocks stays that thread's alone
 *   linux_sigblock_shared   a signal every thread blocks is the process's:
 *                           sigtimedwait and sigwait in another thread take
 *                           it, and so does the first thread to unblock it
 *   linux_sigblock_info     an SA_SIGINFO handler's si_pid, si_uid, si_code
 *                           for kill (SI_USER) and raise (SI_TKILL), and
 *                           SIGCHLD's (CLD_EXITED, CLD_KILLED, si_status)
 *   linux_sigblock_exec     an exec'd image blocks what the caller blocked
 *                           from its first instruction (a default-action
 *                           signal sent during the exec ends none)
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
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_sigblock_%s: line %d: %s (errno %d)\n", \
	part, __LINE__, #c, errno); fflush(stdout); fails++; } } while (0)

static sigset_t one(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

static void block(int how, int sig)
{
	sigset_t s = one(sig);
	CHECK(pthread_sigmask(how, &s, NULL) == 0);
}

static int pending(int sig)
{
	sigset_t p;
	sigemptyset(&p);
	CHECK(sigpending(&p) == 0);
	return sigismember(&p, sig) == 1;
}

static int blocked(int sig)
{
	sigset_t p;
	sigemptyset(&p);
	CHECK(pthread_sigmask(SIG_BLOCK, NULL, &p) == 0);
	return sigismember(&p, sig) == 1;
}

static void set_action(int sig, void (*fn)(int))
{
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_handler = fn;
	a.sa_flags = SA_RESTART;
	sigemptyset(&a.sa_mask);
	CHECK(sigaction(sig, &a, NULL) == 0);
}

static char get(int fd)
{
	char c = 0;
	if (read(fd, &c, 1) != 1)
		return 0;
	return c;
}

static void put(int fd, char c)
{
	CHECK(write(fd, &c, 1) == 1);
}

/* ---- pending: to itself ---- */

static void pending_child(int sig, int out)
{
	block(SIG_BLOCK, sig);
	CHECK(kill(getpid(), sig) == 0);
	CHECK(pending(sig));
	put(out, fails ? 'F' : 'A'); /* alive with it pending */
	block(SIG_UNBLOCK, sig);     /* the end, here */
	put(out, 'X');
	_exit(0);
}

/* The child of fn(sig, fd) wrote 'A' only, then ended by sig. */
static void expect_end(void (*fn)(int, int), int sig)
{
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		fn(sig, p[1]);
	}
	close(p[1]);
	char a = get(p[0]), b = get(p[0]);
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(a == 'A');
	CHECK(b == 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == sig);
	close(p[0]);
}

static void part_pending(void)
{
	expect_end(pending_child, SIGTERM);
	set_action(SIGUSR1, SIG_DFL);
	expect_end(pending_child, SIGUSR1);
	expect_end(pending_child, SIGHUP);
}

/* ---- other: from another process ---- */

static void part_other(void)
{
	int up[2], down[2];
	CHECK(pipe(up) == 0 && pipe(down) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		block(SIG_BLOCK, SIGUSR2);
		put(up[1], 'R');
		close(up[0]);
		close(down[1]);
		CHECK(get(down[0]) == 'S'); /* the parent's kill returned */
		CHECK(pending(SIGUSR2));
		put(up[1], fails ? 'F' : 'A');
		block(SIG_UNBLOCK, SIGUSR2);
		put(up[1], 'X');
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	CHECK(get(up[0]) == 'R');
	CHECK(kill(pid, SIGUSR2) == 0);
	put(down[1], 'S');
	CHECK(get(up[0]) == 'A');
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR2);
}

/* ---- ignored ---- */

static void part_ignored(void)
{
	static const int sigs[] = { SIGUSR1, SIGCHLD, SIGURG, SIGWINCH };
	set_action(SIGUSR1, SIG_IGN);
	for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		block(SIG_BLOCK, sigs[i]);
		CHECK(kill(getpid(), sigs[i]) == 0);
		block(SIG_UNBLOCK, sigs[i]);
	}
	/* still here */
}

/* ---- kill: never blocked ---- */

static void part_kill(void)
{
	int up[2];
	CHECK(pipe(up) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t all;
		sigfillset(&all);
		CHECK(sigprocmask(SIG_SETMASK, &all, NULL) == 0);
		CHECK(!blocked(SIGKILL));
		CHECK(!blocked(SIGSTOP));
		CHECK(blocked(SIGTERM));
		put(up[1], fails ? 'F' : 'A');
		for (;;)
			pause();
	}
	close(up[1]);
	CHECK(get(up[0]) == 'A');
	CHECK(kill(pid, SIGTERM) == 0); /* pending */
	CHECK(kill(pid, SIGKILL) == 0);
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* ---- create: a new thread's and a fork child's first blocked set ---- */

static volatile int thread_blocked;

static void *check_blocked(void *arg)
{
	(void)arg;
	thread_blocked += blocked(SIGUSR1);
	return NULL;
}

#define CREATE_ROUNDS 100
#define FORK_ROUNDS 30

static void part_create(void)
{
	block(SIG_BLOCK, SIGUSR1); /* default action: the end */
	for (int i = 0; i < CREATE_ROUNDS; i++) {
		pthread_t t;
		CHECK(pthread_create(&t, NULL, check_blocked, NULL) == 0);
		CHECK(kill(getpid(), SIGUSR1) == 0); /* while it starts */
		CHECK(pthread_join(t, NULL) == 0);
	}
	CHECK(thread_blocked == CREATE_ROUNDS);
	for (int i = 0; i < FORK_ROUNDS; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(blocked(SIGUSR1) ? 0 : 1);
		CHECK(pid > 0);
		kill(pid, SIGUSR1); /* while it starts (it may have ended: ESRCH here) */
		int st = 0;
		CHECK(waitpid(pid, &st, 0) == pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	CHECK(pending(SIGUSR1));
}

/* ---- tkill: pthread_kill to one thread ---- */

static pthread_t ran_in;
static volatile int ran;
static sem_t wake; /* posted by the handler, wherever it runs */

static void note_thread(int sig)
{
	(void)sig;
	ran_in = pthread_self();
	ran++;
	sem_post(&wake);
}

static void *wait_wake(void *arg)
{
	(void)arg;
	while (sem_wait(&wake) != 0) /* EINTR: the handler ran here */
		;
	return NULL;
}

static void *raiser(void *arg)
{
	(void)arg;
	CHECK(raise(SIGUSR2) == 0);
	CHECK(pthread_equal(ran_in, pthread_self()));
	CHECK(sem_wait(&wake) == 0);
	return NULL;
}

static volatile int own_pending;
static int own_go[2], own_seen[2];

static void *own_blocker(void *arg)
{
	(void)arg;
	block(SIG_BLOCK, SIGUSR1);
	put(own_seen[1], 'B');
	CHECK(get(own_go[0]) == 'K'); /* pthread_kill returned */
	own_pending = pending(SIGUSR1);
	return NULL; /* ends with it pending: it goes with the thread */
}

static void part_tkill(void)
{
	CHECK(sem_init(&wake, 0, 0) == 0);
	set_action(SIGUSR2, note_thread);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, wait_wake, NULL) == 0);
	CHECK(pthread_kill(t, SIGUSR2) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(ran == 1);
	CHECK(pthread_equal(ran_in, t));
	CHECK(pthread_create(&t, NULL, raiser, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(ran == 2);
	/* SIGUSR1, default action, blocked by t alone: t's, not the process's */
	CHECK(pipe(own_go) == 0 && pipe(own_seen) == 0);
	CHECK(pthread_create(&t, NULL, own_blocker, NULL) == 0);
	CHECK(get(own_seen[0]) == 'B');
	CHECK(pthread_kill(t, SIGUSR1) == 0);
	CHECK(!pending(SIGUSR1)); /* not this thread's */
	put(own_go[1], 'K');
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(own_pending == 1);
}

/* ---- shared: pending for the process ---- */

static pthread_t took_in;
static volatile int took;

static void note_took(int sig)
{
	(void)sig;
	took_in = pthread_self();
	took++;
}

static void *timed_taker(void *arg)
{
	(void)arg;
	sigset_t s = one(SIGUSR1);
	struct timespec zero = { 0, 0 };
	siginfo_t si;
	memset(&si, 0, sizeof si);
	CHECK(sigtimedwait(&s, &si, &zero) == SIGUSR1);
	CHECK(si.si_signo == SIGUSR1);
	return NULL;
}

static void *waiter(void *arg)
{
	(void)arg;
	sigset_t s = one(SIGUSR1);
	int sig = 0;
	CHECK(sigwait(&s, &sig) == 0);
	CHECK(sig == SIGUSR1);
	return NULL;
}

static void *unblocker(void *arg)
{
	(void)arg;
	block(SIG_UNBLOCK, SIGUSR1); /* its handler runs here, at once */
	CHECK(took == 1);
	CHECK(pthread_equal(took_in, pthread_self()));
	return NULL;
}

static void part_shared(void)
{
	set_action(SIGUSR1, note_took);
	block(SIG_BLOCK, SIGUSR1);
	void *(*takers[])(void *) = { timed_taker, waiter, unblocker };
	for (unsigned i = 0; i < sizeof takers / sizeof takers[0]; i++) {
		if (takers[i] == waiter && fails)
			continue; /* it would wait for good */
		CHECK(kill(getpid(), SIGUSR1) == 0);
		CHECK(pending(SIGUSR1)); /* every thread sees the process's */
		pthread_t t;
		CHECK(pthread_create(&t, NULL, takers[i], NULL) == 0);
		CHECK(pthread_join(t, NULL) == 0);
		CHECK(!pending(SIGUSR1));
	}
	CHECK(took == 1);
	CHECK(!pthread_equal(took_in, pthread_self()));
}

/* ---- info: si_pid, si_uid, si_code, si_status ---- */

static siginfo_t seen;
static volatile int seen_n;

static void keep_info(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	seen = *si;
	seen_n++;
}

static void catch_info(int sig)
{
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_sigaction = keep_info;
	a.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&a.sa_mask);
	CHECK(sigaction(sig, &a, NULL) == 0);
}

/* The handler's siginfo for sig, which a child made pending (fn) while
 * it was blocked here, once unblocked after the child was reaped. */
static pid_t child_then_unblock(int sig, void (*fn)(void), int *st)
{
	block(SIG_BLOCK, sig);
	pid_t pid = fork();
	if (pid == 0) {
		fn();
		_exit(7);
	}
	CHECK(waitpid(pid, st, 0) == pid);
	seen_n = 0;
	block(SIG_UNBLOCK, sig);
	CHECK(seen_n == 1);
	return pid;
}

static void kill_parent(void) { kill(getppid(), SIGUSR1); }
static void nothing(void) {}
static void die_term(void) { kill(getpid(), SIGTERM); }

static void part_info(void)
{
	int st;
	catch_info(SIGUSR1);
	pid_t pid = child_then_unblock(SIGUSR1, kill_parent, &st);
	CHECK(seen.si_signo == SIGUSR1);
	CHECK(seen.si_code == SI_USER);
	CHECK(seen.si_pid == pid);
	CHECK(seen.si_uid == getuid());
	catch_info(SIGCHLD);
	pid = child_then_unblock(SIGCHLD, nothing, &st);
	CHECK(seen.si_signo == SIGCHLD);
	CHECK(seen.si_code == CLD_EXITED);
	CHECK(seen.si_pid == pid);
	CHECK(seen.si_status == 7);
	pid = child_then_unblock(SIGCHLD, die_term, &st);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	CHECK(seen.si_code == CLD_KILLED);
	CHECK(seen.si_pid == pid);
	CHECK(seen.si_status == SIGTERM);
	seen_n = 0;
	CHECK(raise(SIGUSR1) == 0);
	CHECK(seen_n == 1);
	CHECK(seen.si_code == SI_TKILL);
	CHECK(seen.si_pid == getpid());
}

/* ---- exec: the blocked set from the new image's first instruction ---- */

static const char *self;

#define EXEC_ROUNDS 20

static void part_exec(void)
{
	block(SIG_BLOCK, SIGUSR1); /* default action: the end */
	for (int i = 0; i < EXEC_ROUNDS; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execl(self, self, "execd", (char *)NULL);
			_exit(3);
		}
		CHECK(pid > 0);
		int st = 0;
		pid_t r;
		while ((r = waitpid(pid, &st, WNOHANG)) == 0)
			kill(pid, SIGUSR1); /* before, during and after its exec */
		CHECK(r == pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
}

/* ---- the runner ---- */

struct part {
	const char *name;
	void (*fn)(void);
};

static const struct part parts[] = {
	{ "pending", part_pending }, { "other", part_other },   { "ignored", part_ignored },
	{ "kill", part_kill },       { "create", part_create }, { "tkill", part_tkill },
	{ "shared", part_shared },   { "info", part_info },     { "exec", part_exec },
};

int main(int argc, char **argv)
{
	int bad = 0;
	self = argv[0];
	if (argc == 2 && strcmp(argv[1], "execd") == 0) /* part_exec's image */
		return blocked(SIGUSR1) ? 0 : 1;
	setvbuf(stdout, NULL, _IONBF, 0);
	for (unsigned i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		part = parts[i].name;
		pid_t pid = fork();
		if (pid == 0) {
			parts[i].fn();
			_exit(fails ? 1 : 0);
		}
		int st = 0;
		if (pid < 0 || waitpid(pid, &st, 0) != pid) {
			printf("@@FAIL linux_sigblock_%s: fork/wait (errno %d)\n", part, errno);
			bad++;
		} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("@@FAIL linux_sigblock_%s: status %#x%s\n", part, st,
			       WIFSIGNALED(st) ? " (killed by a signal)" : "");
			bad++;
		} else {
			printf("@@PASS linux_sigblock_%s\n", part);
		}
	}
	return bad ? 1 : 0;
}
