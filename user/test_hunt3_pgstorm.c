/* hunt3_pgroup_storm: process groups, sessions and orphans raced from many
 * processes at once.  Workers (each the leader of a group of its own)
 * grow trees of processes that, in a fixed pseudo-random order, fork,
 * exit leaving live children (orphans for init), join their parent's
 * group or make one of their own, start sessions, kill their own group,
 * every process they may (kill -1, not under glibc: on Linux that is
 * every process of the user), their parent, a group, wait for any child,
 * their group or another group, exec, and fork from threads.  Each
 * process keeps a private page pattern it checks after every step (COW
 * must keep it).  Afterwards: no worker hangs, no process saw another's
 * bytes, and once the orphans are gone every free frame is back. */
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
#define T "hunt3_pgroup_storm"
#include "linux_frames.h"
#ifndef WORKERS
#define WORKERS 6
#endif
#ifndef STEPS
#define STEPS 24
#endif
#define DEPTH 3
#define PAGES 4
#define HANG_MS 30000

struct shared {
	volatile int stop;
	volatile int corrupt;
	volatile int live; /* storm processes started and not yet out */
};
static struct shared *sh;
static const char *self;
static uint32_t *mine; /* PAGES pages with this process's pattern */
static uint32_t seed;

static uint32_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static void fill(void)
{
	uint32_t v = (uint32_t)getpid() * 2654435761u;
	for (size_t i = 0; i < PAGES * 1024; i++)
		mine[i] = v + (uint32_t)i;
}

static void check(void)
{
	uint32_t v = (uint32_t)getpid() * 2654435761u;
	for (size_t i = 0; i < PAGES * 1024; i++)
		if (mine[i] != v + (uint32_t)i) {
			sh->corrupt = 1;
			return;
		}
}

static void leave(int code)
{
	__atomic_sub_fetch(&sh->live, 1, __ATOMIC_SEQ_CST);
	_exit(code);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static void storm(int depth);

/* A thread that forks: the child checks its copy and ends. */
static void *forker(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&sh->live, 1, __ATOMIC_SEQ_CST);
	pid_t c = fork();
	if (c == 0) {
		fill();
		check();
		leave(0);
	}
	if (c < 0)
		__atomic_sub_fetch(&sh->live, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* One step of the storm, chosen by the next pseudo-random number. */
static void step(int depth)
{
	pid_t c;
	int st;
	switch (rnd() % 16) {
	case 0: case 1: case 2:
		if (depth >= DEPTH)
			break;
		__atomic_add_fetch(&sh->live, 1, __ATOMIC_SEQ_CST);
		c = fork();
		if (c == 0) {
			seed ^= (uint32_t)getpid() * 7919u;
			fill();
			storm(depth + 1);
		}
		if (c < 0)
			__atomic_sub_fetch(&sh->live, 1, __ATOMIC_SEQ_CST);
		break;
	case 3:
		setpgid(0, 0);
		break;
	case 4:
		setsid();
		break;
	case 5:
		if (depth > 0)
			kill(0, SIGKILL);
		break;
	case 6:
#ifndef __GLIBC__
		if (depth > 1)
			kill(-1, SIGKILL);
#endif
		break;
	case 7:
		if (depth > 1)
			kill(getppid(), SIGKILL);
		break;
	case 8:
		waitpid(-1, &st, WNOHANG);
		break;
	case 9:
		waitpid(0, &st, WNOHANG);
		break;
	case 10:
		waitpid(-getpgrp(), &st, WNOHANG);
		break;
	case 11:
		if (depth > 1)
			leave(0); /* the children go on as orphans */
		break;
	case 12:
		if (depth > 0)
			setpgid(0, getpgid(getppid()));
		break;
	case 13: {
		pthread_t t;
		if (pthread_create(&t, NULL, forker, NULL) == 0)
			pthread_join(t, NULL);
		break;
	}
	case 14:
		if (depth > 1) {
			__atomic_add_fetch(&sh->live, 1, __ATOMIC_SEQ_CST);
			c = fork();
			if (c == 0) { /* a child that leaves the group at once and
				       * kills the one it left */
				pid_t g = getpgrp();
				setpgid(0, 0);
				kill(-g, SIGKILL);
				leave(0);
			}
			if (c < 0)
				__atomic_sub_fetch(&sh->live, 1, __ATOMIC_SEQ_CST);
		}
		break;
	case 15:
		if (depth > 1 && rnd() % 4 == 0) {
			char d[16];
			snprintf(d, sizeof d, "%d", depth);
			fflush(stdout);
			execl(self, self, "img", d, (char *)NULL);
			leave(50);
		}
		break;
	}
	check();
}

static void storm(int depth)
{
	for (int i = 0; i < STEPS && !sh->stop; i++)
		step(depth);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	leave(0);
}

/* The exec'd image: the shared page is gone with the old one, so it only
 * checks its own fresh data and ends. */
static int image(void)
{
	static uint32_t data[1024] = { 7 };
	for (int i = 1; i < 1024; i++)
		if (data[i])
			return 60;
	if (data[0] != 7)
		return 61;
	return 0;
}

static int run(void)
{
	sh->stop = 0;
	sh->live = 0;
	pid_t w[WORKERS];
	int bad = 0;
	for (int k = 0; k < WORKERS; k++) {
		fflush(stdout);
		__atomic_add_fetch(&sh->live, 1, __ATOMIC_SEQ_CST);
		w[k] = fork();
		if (w[k] < 0) {
			printf("@@FAIL " T ": fork errno %d\n", errno);
			return 1;
		}
		if (w[k] == 0) {
			setpgid(0, 0);
			seed = 977u * (uint32_t)k + 13u;
			fill();
			storm(0);
		}
	}
	for (int k = 0; k < WORKERS; k++) {
		int st = 0;
		long t = 0;
		for (; t < HANG_MS && waitpid(w[k], &st, WNOHANG) != w[k]; t += 5)
			sleep_ms(5);
		if (t >= HANG_MS) {
			printf("@@FAIL " T ": worker %d hangs\n", k);
			kill(-w[k], SIGKILL);
			kill(w[k], SIGKILL);
			waitpid(w[k], &st, 0);
			bad = 1;
		}
	}
	sh->stop = 1;
	/* the orphans end on their own (stop), those killed never say so:
	 * wait for the ones that do */
	int last = -1;
	for (long t = 0; t < HANG_MS && sh->live > 0 && sh->live != last; t += 300) {
		last = sh->live;
		sleep_ms(300);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (sh->corrupt) {
		printf("@@FAIL " T ": a process saw bytes not its own\n");
		bad = 1;
	}
	printf(T ": round done, %d storm processes not accounted (killed)\n", sh->live);
	return bad;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1 && strcmp(argv[1], "img") == 0)
		return image();
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	mine = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || mine == MAP_FAILED) {
		printf("@@FAIL " T ": mmap\n");
		return 1;
	}
	setpgid(0, 0);
	for (int r = argc > 1 ? atoi(argv[1]) : 0; r > 1; r--) /* more rounds (stress) */
		if (run())
			return 1;
	return run_twice_counted(run);
}
