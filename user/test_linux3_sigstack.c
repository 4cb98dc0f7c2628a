/* sigaltstack and SA_ONSTACK (handlers run on the alternate stack, a
 * stack overflow's SIGSEGV handled there, fork keeping it, errors), and
 * SA_RESTART for pipe reads and writes and console reads: a handler with
 * it lets the wait go on, one without ends it with EINTR. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux3_sigstack: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static char *alt;
static size_t alt_size = 64 * 1024;
static volatile uintptr_t where;
static volatile int flags_in, perm_in, hits;

static void on_usr1(int s)
{
	(void)s;
	char here;
	where = (uintptr_t)&here;
	stack_t now, other = { alt, 0, alt_size };
	flags_in = sigaltstack(NULL, &now) == 0 ? now.ss_flags : -1;
	if (flags_in == SS_ONSTACK) /* no change while on it */
		perm_in = sigaltstack(&other, NULL) == -1 && errno == EPERM;
	hits++;
}

static int on_alt(uintptr_t p)
{
	return p > (uintptr_t)alt && p <= (uintptr_t)alt + alt_size;
}

static void basics(void)
{
	stack_t old;
	CHECK(sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE));
	alt = malloc(alt_size);
	stack_t ss = { alt, 0, alt_size };
	CHECK(sigaltstack(&ss, NULL) == 0);
	CHECK(sigaltstack(NULL, &old) == 0 && old.ss_sp == alt && old.ss_size == alt_size &&
	      old.ss_flags == 0);
	struct sigaction sa = { 0 };
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_ONSTACK;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(hits == 1 && on_alt(where) && flags_in == SS_ONSTACK && perm_in);
	sa.sa_flags = 0; /* without SA_ONSTACK: the usual stack */
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(hits == 2 && !on_alt(where) && flags_in == 0);
	/* a fork child's thread keeps it */
	sa.sa_flags = SA_ONSTACK;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	pid_t c = fork();
	if (c == 0) {
		raise(SIGUSR1);
		_exit(hits == 3 && on_alt(where) ? 0 : 1);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* errors */
	stack_t small = { alt, 0, 1024 }, bad = { alt, 77, alt_size };
	errno = 0;
	CHECK(sigaltstack(&small, NULL) == -1 && errno == ENOMEM);
	errno = 0;
	CHECK(sigaltstack(&bad, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(sigaltstack((stack_t *)8, NULL) == -1 && errno == EFAULT);
	stack_t off = { NULL, SS_DISABLE, 0 };
	CHECK(sigaltstack(&off, NULL) == 0);
	CHECK(sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE));
	CHECK(raise(SIGUSR1) == 0); /* SA_ONSTACK without a stack: the usual one */
	CHECK(hits == 3 && !on_alt(where));
	signal(SIGUSR1, SIG_DFL);
}

static void on_segv(int s)
{
	(void)s;
	char here;
	_exit(on_alt((uintptr_t)&here) ? 42 : 43);
}

static int depth(int n)
{
	volatile char pad[4096];
	pad[0] = (char)n;
	return n ? depth(n + 1) + pad[0] : 0; /* never ends */
}

/* A child overflows its stack: its SIGSEGV handler runs on the
 * alternate stack; without one it is killed by SIGSEGV. */
static void overflow(int with_alt)
{
	pid_t c = fork();
	if (c == 0) {
		stack_t ss = { alt ? alt : malloc(alt_size), 0, alt_size };
		alt = ss.ss_sp;
		if (with_alt)
			sigaltstack(&ss, NULL);
		struct sigaction sa = { 0 };
		sa.sa_handler = on_segv;
		sa.sa_flags = SA_ONSTACK;
		sigaction(SIGSEGV, &sa, NULL);
		_exit(depth(1));
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c);
	if (with_alt)
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42);
	else
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}

static volatile int got1, got2;
static void h1(int s) { (void)s; got1++; }
static void h2(int s) { (void)s; got2++; }

/* A child sends SIGUSR1 after 100 ms, then SIGUSR2 after 300 ms more. */
static pid_t two_signals(void)
{
	pid_t parent = getpid(), c = fork();
	if (c == 0) {
		usleep(100000);
		kill(parent, SIGUSR1);
		usleep(300000);
		kill(parent, SIGUSR2);
		_exit(0);
	}
	return c;
}

/* SIGUSR1's handler has SA_RESTART, SIGUSR2's not: a blocked call must
 * live through the first and end with EINTR at the second. */
static void restart(void)
{
	struct sigaction a = { 0 }, b = { 0 };
	a.sa_handler = h1;
	a.sa_flags = SA_RESTART;
	b.sa_handler = h2;
	CHECK(sigaction(SIGUSR1, &a, NULL) == 0 && sigaction(SIGUSR2, &b, NULL) == 0);
	int p[2];
	CHECK(pipe(p) == 0);
	char buf[64];
	got1 = got2 = 0;
	pid_t c = two_signals();
	errno = 0;
	CHECK(read(p[0], buf, sizeof buf) == -1 && errno == EINTR && got1 == 1 && got2 == 1);
	waitpid(c, NULL, 0);
	/* a full pipe's write */
	CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
	while (write(p[1], buf, sizeof buf) > 0)
		;
	CHECK(fcntl(p[1], F_SETFL, 0) == 0);
	got1 = got2 = 0;
	c = two_signals();
	errno = 0;
	CHECK(write(p[1], buf, sizeof buf) == -1 && errno == EINTR && got1 == 1 && got2 == 1);
	waitpid(c, NULL, 0);
	/* SA_RESTART and data: the read returns the bytes */
	close(p[0]);
	close(p[1]);
	CHECK(pipe(p) == 0);
	got1 = 0;
	pid_t parent = getpid();
	c = fork();
	if (c == 0) {
		usleep(100000);
		kill(parent, SIGUSR1);
		usleep(200000);
		_exit(write(p[1], "data", 4) != 4);
	}
	CHECK(read(p[0], buf, sizeof buf) == 4 && !memcmp(buf, "data", 4) && got1 == 1);
	waitpid(c, NULL, 0);
	close(p[0]);
	close(p[1]);
	/* the console (nobody types) */
	if (isatty(0)) {
		got1 = got2 = 0;
		c = two_signals();
		errno = 0;
		CHECK(read(0, buf, sizeof buf) == -1 && errno == EINTR && got1 == 1 && got2 == 1);
		waitpid(c, NULL, 0);
	}
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

/* A thread other than the main one, on its own alternate stack, is still
 * itself in its handler (pthread_self, and libsys's per-thread state
 * behind it: its IPC buffer, errno). */
static volatile pthread_t self_in;
static void on_usr2(int s)
{
	(void)s;
	char here;
	where = (uintptr_t)&here;
	self_in = pthread_self();
}

static void *alt_thread(void *arg)
{
	(void)arg;
	char *mine = malloc(alt_size);
	stack_t ss = { mine, 0, alt_size };
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	CHECK(mine && sigaltstack(&ss, NULL) == 0);
	CHECK(pthread_sigmask(SIG_UNBLOCK, &usr2, NULL) == 0);
	CHECK(kill(getpid(), SIGUSR2) == 0); /* only this thread takes it */
	CHECK(where > (uintptr_t)mine && where <= (uintptr_t)mine + alt_size);
	CHECK(pthread_equal(self_in, pthread_self()));
	ss.ss_flags = SS_DISABLE;
	CHECK(sigaltstack(&ss, NULL) == 0);
	free(mine);
	return NULL;
}

static void thread_alt(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_usr2;
	sa.sa_flags = SA_ONSTACK;
	sigset_t usr2, old;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
	CHECK(pthread_sigmask(SIG_BLOCK, &usr2, &old) == 0);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, alt_thread, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(pthread_sigmask(SIG_SETMASK, &old, NULL) == 0);
}

int main(void)
{
	basics();
	overflow(1);
	overflow(0);
	restart();
	thread_alt();
	if (!fails)
		printf("@@PASS linux3_sigstack\n");
	return fails != 0;
}
