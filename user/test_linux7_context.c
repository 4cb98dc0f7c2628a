/* ucontext.h's System V context calls and posix_spawn's file actions and
 * attributes, as Linux programs use them (both were missing here: the
 * context calls did not link, a spawn with an action or attribute was
 * ENOSYS), checked on Linux 6.1 with make linux-check.  Coroutines
 * switching with swapcontext (arguments in registers and on the stack,
 * uc_link chains, floating point and the signal mask carried), a
 * getcontext loop with setcontext; a spawned copy of this program whose
 * stdout is a pipe (adddup2), whose stdin is a file (addopen), with a
 * signal mask, its own group and an environment; a failing spawn's
 * error.  One @@PASS line per group. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/wait.h>

static int failed;

#define CHECK(name, cond) do {                                                 \
	if (!(cond)) {                                                         \
		printf("@@FAIL %s: line %d: %s (errno %d)\n", name, __LINE__, #cond, errno); \
		failed = 1;                                                    \
		return;                                                        \
	}                                                                      \
} while (0)

static ucontext_t main_ctx, gen_ctx, done_ctx;
static long yielded[16];
static int nyield;
static volatile int done_ran;

/* A generator: yields a..h's sum, then the running product, 5 times. */
static void generator(long a, long b, long c, long d, long e, long f, long g, long h)
{
	long sum = a + b + c + d + e + f + g + h;
	volatile double x = 1.5;
	for (int i = 0; i < 5; i++) {
		yielded[nyield++] = sum * (i + 1);
		x *= 2.0;
		swapcontext(&gen_ctx, &main_ctx);
	}
	yielded[nyield++] = (long)x; /* 48: x kept across the switches */
}

static void on_done(void)
{
	done_ran = 1;
}

static void contexts(void)
{
	const char *N = "linux7_context_switch";
	static char stack[64 * 1024], stack2[16 * 1024];
	CHECK(N, getcontext(&gen_ctx) == 0);
	gen_ctx.uc_stack.ss_sp = stack;
	gen_ctx.uc_stack.ss_size = sizeof stack;
	gen_ctx.uc_link = &done_ctx;
	makecontext(&gen_ctx, (void (*)(void))generator, 8, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
	CHECK(N, getcontext(&done_ctx) == 0);
	done_ctx.uc_stack.ss_sp = stack2;
	done_ctx.uc_stack.ss_size = sizeof stack2;
	done_ctx.uc_link = &main_ctx;
	makecontext(&done_ctx, on_done, 0);
	volatile double mine = 0.25;
	for (int i = 0; i < 6; i++) {
		CHECK(N, swapcontext(&main_ctx, &gen_ctx) == 0);
		mine += 1.0;
	}
	CHECK(N, nyield == 6 && done_ran == 1 && mine == 6.25);
	for (int i = 0; i < 5; i++)
		CHECK(N, yielded[i] == 36 * (i + 1));
	CHECK(N, yielded[5] == 48);
	/* getcontext returns again after setcontext; the mask it saved back */
	volatile int rounds = 0;
	sigset_t block, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	ucontext_t loop;
	CHECK(N, getcontext(&loop) == 0);
	rounds++;
	sigprocmask(SIG_BLOCK, &block, NULL); /* changed after the save */
	if (rounds < 3)
		setcontext(&loop);
	CHECK(N, rounds == 3);
	sigprocmask(SIG_SETMASK, NULL, &now);
	CHECK(N, sigismember(&now, SIGUSR1)); /* the last round's own block */
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	printf("@@PASS %s\n", N);
}

/* The spawned copy: says what it sees on stdout. */
static int child(void)
{
	char line[64] = { 0 };
	ssize_t n = read(0, line, sizeof line - 1);
	sigset_t m;
	sigprocmask(SIG_SETMASK, NULL, &m);
	const char *v = getenv("L7_VALUE");
	printf("in=%.*s mask=%d env=%s group=%d\n", n > 0 ? (int)n : 0, line,
	       sigismember(&m, SIGUSR2), v ? v : "none", getpgrp() == getpid());
	return 0;
}

static void spawning(const char *self)
{
	const char *N = "linux7_context_spawn";
	char path[] = "/tmp/l7spXXXXXX";
	int fd = mkstemp(path);
	CHECK(N, fd >= 0 && write(fd, "from-file", 9) == 9);
	close(fd);
	int p[2];
	CHECK(N, pipe(p) == 0);
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	CHECK(N, posix_spawn_file_actions_init(&fa) == 0 && posix_spawnattr_init(&at) == 0);
	CHECK(N, posix_spawn_file_actions_adddup2(&fa, p[1], 1) == 0);
	CHECK(N, posix_spawn_file_actions_addclose(&fa, p[0]) == 0);
	CHECK(N, posix_spawn_file_actions_addopen(&fa, 0, path, O_RDONLY, 0) == 0);
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	CHECK(N, posix_spawnattr_setsigmask(&at, &m) == 0);
	CHECK(N, posix_spawnattr_setpgroup(&at, 0) == 0);
	CHECK(N, posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP) == 0);
	short fl;
	CHECK(N, posix_spawnattr_getflags(&at, &fl) == 0 &&
		 fl == (POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP));
	char *argv[] = { (char *)self, "child", NULL };
	char *envp[] = { "L7_VALUE=42", NULL };
	pid_t pid;
	CHECK(N, posix_spawn(&pid, self, &fa, &at, argv, envp) == 0);
	close(p[1]);
	char out[128] = { 0 };
	size_t got = 0;
	ssize_t n;
	while (got < sizeof out - 1 && (n = read(p[0], out + got, sizeof out - 1 - got)) > 0)
		got += (size_t)n;
	close(p[0]);
	int st;
	CHECK(N, waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(N, !strcmp(out, "in=from-file mask=1 env=42 group=1\n"));
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	unlink(path);
	/* no such program; an open that fails */
	CHECK(N, posix_spawn(&pid, "/no/such/program", NULL, NULL, argv, envp) == ENOENT);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/no/such/dir/file", O_RDONLY, 0);
	CHECK(N, posix_spawn(&pid, self, &fa, NULL, argv, NULL) == ENOENT);
	posix_spawn_file_actions_destroy(&fa);
	CHECK(N, waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD); /* nothing left over */
	printf("@@PASS %s\n", N);
}

/* SIGCHLD ignored: ended children are reaped at once, a wait ends ECHILD. */
static void reaping(void)
{
	const char *N = "linux7_context_nocldwait";
	signal(SIGCHLD, SIG_IGN);
	for (int i = 0; i < 3; i++) {
		pid_t p = fork();
		if (p == 0)
			_exit(i);
		CHECK(N, p > 0);
	}
	int st;
	errno = 0;
	CHECK(N, wait(&st) == -1 && errno == ECHILD);
	signal(SIGCHLD, SIG_DFL);
	pid_t p = fork();
	if (p == 0)
		_exit(9);
	CHECK(N, waitpid(p, &st, 0) == p && WEXITSTATUS(st) == 9);
	printf("@@PASS %s\n", N);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return child();
	setvbuf(stdout, NULL, _IONBF, 0);
	contexts();
	spawning(argv[0]);
	reaping();
	return failed;
}
