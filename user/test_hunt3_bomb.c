/* hunt3_bomb: a fork and thread bomb in a group of its own: every member
 * forks, starts threads that fork and touch memory, and writes pages of
 * its own, as fast as it can, until fork, pthread_create or memory fail
 * (and the OOM killer ends some) and the controller ends the group with
 * killpg.  Each member checks its pages after every step (no process may
 * see another's bytes).  First, the simplest such orphan: a grandchild
 * in a session of its own whose parent exited must be ours to kill.  Then: nothing hangs, the group is gone, fork and
 * threads work again, and every free frame is back. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt3_bomb"
#include "linux_frames.h"
#ifndef BOMB_MS
#define BOMB_MS 3000
#endif
#define PAGES 3
#ifdef __GLIBC__
#define CAP 200 /* a real fork bomb on the host is not wanted */
#else
#define CAP 1000000
#endif
#define HANG_MS 60000

struct shared {
	volatile int stop, corrupt, members;
};
static struct shared *sh;
static uint32_t *mine;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static uint32_t tag(void)
{
	return (uint32_t)getpid() * 2654435761u;
}

static void fill(void)
{
	for (size_t i = 0; i < PAGES * 1024; i += 7)
		mine[i] = tag() + (uint32_t)i;
}

static void check(void)
{
	for (size_t i = 0; i < PAGES * 1024; i += 7)
		if (mine[i] != tag() + (uint32_t)i)
			sh->corrupt = 1;
}

static void member(void);

static void *thread_main(void *arg)
{
	(void)arg;
	if (!sh->stop && sh->members <= CAP && fork() == 0)
		member();
	char *p = malloc(3 * 4096);
	if (p) {
		memset(p, 0x5a, 3 * 4096);
		free(p);
	}
	return NULL;
}

static void member(void)
{
	__atomic_add_fetch(&sh->members, 1, __ATOMIC_RELAXED);
	fill();
	while (!sh->stop) {
		if (sh->members > CAP) {
			sleep_ms(10);
			continue;
		}
		pid_t c = fork();
		if (c == 0) {
			fill();
			continue;
		}
		pthread_t t;
		if (pthread_create(&t, NULL, thread_main, NULL) == 0)
			pthread_detach(t);
		check();
		waitpid(-1, NULL, WNOHANG);
		if (c < 0)
			sleep_ms(1);
	}
	for (;;)
		pause(); /* the controller ends the group */
}

static int run(void)
{
	sh->stop = 0;
	sh->corrupt = 0;
	sh->members = 0;
	fflush(stdout);
	pid_t root = fork();
	if (root < 0) {
		printf("@@FAIL " T ": fork errno %d\n", errno);
		return 1;
	}
	if (root == 0) {
		setpgid(0, 0);
		member();
	}
	setpgid(root, root); /* (either may come first) */
	sleep_ms(BOMB_MS);
	sh->stop = 1;
	int bad = 0;
	if (killpg(root, SIGKILL) != 0) {
		printf("@@FAIL " T ": killpg errno %d\n", errno);
		bad = 1;
	}
	int st;
	if (waitpid(root, &st, 0) != root || !WIFSIGNALED(st)) {
		printf("@@FAIL " T ": root status %#x\n", st);
		bad = 1;
	}
	/* what was forked between the count and the kill: again until none */
	long t = 0;
	for (; t < HANG_MS && killpg(root, SIGKILL) == 0; t += 10)
		sleep_ms(10);
	if (t >= HANG_MS) {
		printf("@@FAIL " T ": the group does not end\n");
		bad = 1;
	}
	if (sh->corrupt) {
		printf("@@FAIL " T ": a member saw bytes not its own\n");
		bad = 1;
	}
	pid_t c = fork();
	if (c == 0)
		_exit(9);
	if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 9) {
		printf("@@FAIL " T ": fork after the bomb\n");
		bad = 1;
	}
	printf(T ": %d members\n", sh->members);
	return bad;
}

/* A grandchild that left our group and session (setsid), its parent
 * ended: an orphan, init's now, yet still ours to end, as on Linux (it
 * was EPERM).  0, or 1 with a @@FAIL line. */
static int orphan_in_own_session(void)
{
	fflush(stdout);
	sh->members = 0; /* before the fork: the grandchild sets it */
	pid_t a = fork();
	if (a == 0) {
		pid_t b = fork();
		if (b == 0) {
			setsid();
			sh->members = (int)getpid();
			for (;;)
				pause();
		}
		while (!sh->members)
			sleep_ms(1);
		_exit(0);
	}
	int st, bad = 0;
	if (a < 0 || waitpid(a, &st, 0) != a) {
		printf("@@FAIL " T ": fork or wait for the child\n");
		return 1;
	}
	pid_t b = (pid_t)sh->members; /* > 0: a ends only once it is set */
	if (b <= 0) {
		printf("@@FAIL " T ": no grandchild pid\n");
		return 1;
	}
	if (kill(b, SIGKILL) != 0) {
		printf("@@FAIL " T ": kill of the orphan in its own session: errno %d\n", errno);
		bad = 1;
	}
	long t = 0;
	for (; t < HANG_MS && kill(b, 0) == 0; t += 10)
		sleep_ms(10);
	if (t >= HANG_MS) {
		printf("@@FAIL " T ": the orphan does not end\n");
		bad = 1;
	}
	return bad;
}

int main(void)
{
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	mine = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || mine == MAP_FAILED) {
		printf("@@FAIL " T ": mmap\n");
		return 1;
	}
	if (orphan_in_own_session())
		return 1;
	return run_twice_counted(run);
}
