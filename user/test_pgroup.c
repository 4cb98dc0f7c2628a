/* Orphans and process groups as Linux programs use them:
 *   an orphan lives on: a child whose parent exits (and one whose parent is
 *     killed with SIGKILL) keeps running, is given to init (getppid()
 *     changes; 1 here) and finishes its work;
 *   kill(0, sig) signals the caller's group (the caller ignoring it), not
 *     a child moved to a group of its own with setpgid; killpg ends that
 *     one; waitpid(-g) waits for it; kill(-g, 0) says whether a group is;
 *   setsid in a child makes it a group's leader (getpgrp, getsid), and
 *     fails (EPERM) in a group leader; errors: ESRCH for no such group;
 *   (here only) a child that joins init's group and kills its group, all
 *     it may and init itself ends nobody but itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "pgroup"
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

struct shared {
	volatile int ppid_before, ppid_after, done;
};

/* Wait until *flag is set (at most 20 s). */
static int await(volatile int *flag)
{
	for (int i = 0; i < 20000 && !*flag; i++)
		usleep(1000);
	return *flag;
}

/* A child that forks a grandchild, then ends (exit, or killed by us when
 * kill_it); the grandchild must outlive it and see a new parent. */
static void orphan(struct shared *s, int kill_it)
{
	memset((void *)s, 0, sizeof *s);
	pid_t a = fork();
	CHECK(a >= 0);
	if (a == 0) {
		pid_t me = getpid();
		pid_t b = fork();
		if (b == 0) {
			s->ppid_before = (int)getppid();
			for (int i = 0; i < 20000 && getppid() == me; i++)
				usleep(1000);
			s->ppid_after = (int)getppid();
			s->done = 1; /* still running after its parent ended */
			_exit(0);
		}
		if (kill_it)
			for (;;)
				pause();
		while (!s->ppid_before)
			usleep(1000);
		_exit(0);
	}
	int st = 0;
	if (kill_it) {
		while (!s->ppid_before)
			usleep(1000);
		CHECK(kill(a, SIGKILL) == 0);
		CHECK(waitpid(a, &st, 0) == a && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	} else {
		CHECK(waitpid(a, &st, 0) == a && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	CHECK(await(&s->done));
	CHECK(s->ppid_before == a);
	CHECK(s->ppid_after != a);
#ifndef __GLIBC__
	CHECK(s->ppid_after == 1); /* init (Linux: init or a subreaper) */
#endif
}

static void groups(void)
{
	CHECK(setpgid(0, 0) == 0); /* our own group (a leader already here) */
	CHECK(getpgrp() == getpid());
	pid_t kids[3];
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			for (;;)
				pause();
		CHECK(kids[i] > 0);
		CHECK(getpgid(kids[i]) == getpid());
	}
	pid_t apart = fork();
	if (apart == 0) {
		setpgid(0, 0);
		for (;;)
			pause();
	}
	CHECK(signal(SIGTERM, SIG_IGN) != SIG_ERR); /* ours only: after the forks */
	CHECK(apart > 0);
	CHECK(setpgid(apart, apart) == 0);
	CHECK(getpgid(apart) == apart);
	CHECK(kill(-apart, 0) == 0);
	CHECK(kill(0, SIGTERM) == 0); /* the three, and us (ignored) */
	for (int i = 0; i < 3; i++) {
		int st = 0;
		CHECK(waitpid(kids[i], &st, 0) == kids[i] && WIFSIGNALED(st) &&
		      WTERMSIG(st) == SIGTERM);
	}
	int st = 0;
	CHECK(waitpid(apart, &st, WNOHANG) == 0); /* not in our group: alive */
	CHECK(killpg(apart, SIGKILL) == 0);
	CHECK(waitpid(-apart, &st, 0) == apart && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	errno = 0;
	CHECK(kill(-apart, 0) == -1 && errno == ESRCH);
	errno = 0;
	CHECK(kill(-999999, SIGTERM) == -1 && errno == ESRCH);
	CHECK(kill(0, 0) == 0);
	signal(SIGTERM, SIG_DFL);
}

#ifndef __GLIBC__
/* A hostile child joins init's group (same session: allowed, as Linux's
 * rule) and signals its group with SIGKILL: it ends itself, never init. */
static void hostile(void)
{
	pid_t c = fork();
	if (c == 0) {
		setpgid(0, 1);
		kill(0, SIGKILL);
		kill(-1, SIGKILL);
		kill(1, SIGKILL);
		_exit(3);
	}
	int st = 0;
	CHECK(waitpid(c, &st, 0) == c);
	CHECK(kill(1, 0) == 0); /* init lives */
	CHECK(getppid() == 1);
}
#endif

static void sessions(void)
{
	errno = 0;
	CHECK(setsid() == -1 && errno == EPERM); /* we lead a group */
	pid_t c = fork();
	if (c == 0) {
		pid_t s = setsid();
		_exit(s == getpid() && getpgrp() == s && getsid(0) == s ? 0 : 1);
	}
	int st = 0;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
	struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED);
	orphan(s, 0);
	orphan(s, 1);
	groups();
	sessions();
#ifndef __GLIBC__
	hostile();
#endif
	if (!fails)
		printf("@@PASS " T "\n");
	return fails != 0;
}
