/* hunt2_fork_snapshot: fork while sibling threads write on other CPUs.
 * Three writer threads each rewrite their own pages of a private mapping
 * again and again, word 0 to word 511, with a new generation number each
 * pass.  The main thread forks; each child must find a snapshot: every
 * page a run of generation g followed by a run of g - 1 (the pass that was
 * under way), with the writers' tag, and must see its copy stay exactly
 * the same while the parent's writers go on (a write of the parent that
 * reached the child's frame, through a mapping not yet made copy-on-write
 * on another CPU, would show), then writes its own pattern everywhere,
 * which the parent's writers must never see (they check each page is
 * theirs before every pass).  Some children are killed in the middle, and
 * the free frames must come back. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#define T "hunt2_fork_snapshot"
#include "linux_frames.h"
#define PAGES 12
#define WPP 512
#define WRITERS 3
#define FORKS 20

static uint64_t (*area)[WPP];
static uint64_t tag;
static volatile int stop;
static uint64_t snap[PAGES][WPP];

static void die(const char *what, long x, long y)
{
	printf("@@FAIL " T ": pid %d: %s (%#lx, %#lx)\n", getpid(), what, x, y);
	fflush(stdout);
	_exit(1);
}

static void *writer(void *arg)
{
	int me = (int)(intptr_t)arg;
	uint64_t g[PAGES], last[PAGES] = { 0 }; /* each page of mine: its pass, its words */
	for (int p = 0; p < PAGES; p++)
		g[p] = 1;
	while (!stop)
		for (int p = me; p < PAGES && !stop; p += WRITERS) {
			volatile uint64_t *q = area[p];
			for (int i = 0; i < WPP; i++)
				if (q[i] != last[p])
					die("a word of my page is not mine", (long)q[i], i);
			for (int i = 0; i < WPP; i++)
				q[i] = tag | g[p];
			last[p] = tag | g[p]++;
		}
	return NULL;
}

/* The child: a consistent copy that nobody changes, then its own bytes. */
static void child(void)
{
	for (int p = 0; p < PAGES; p++) {
		uint64_t hi = area[p][0], lo = area[p][WPP - 1];
		if (hi && ((hi & ~0xffffffffull) != tag || (lo ? hi - lo > 1 : hi != (tag | 1))))
			die("page not a snapshot", hi, lo);
		for (int i = 0; i < WPP; i++) {
			uint64_t v = area[p][i];
			if (v != hi && v != lo)
				die("word not of the pass under way", (long)v, i);
			if (i && area[p][i - 1] == lo && v == hi && hi != lo)
				die("generations out of order", (long)v, i);
		}
	}
	memcpy(snap, area, sizeof snap);
	for (int k = 0; k < 8; k++) {
		sched_yield();
		if (memcmp(snap, area, sizeof snap))
			for (int p = 0; p < PAGES; p++)
				for (int i = 0; i < WPP; i++)
					if (snap[p][i] != area[p][i])
						die("the child's copy changed", (long)area[p][i], p * WPP + i);
	}
	for (int p = 0; p < PAGES; p++)
		for (int i = 0; i < WPP; i++)
			area[p][i] = (uint64_t)-1;
	for (int p = 0; p < PAGES; p++)
		for (int i = 0; i < WPP; i++)
			if (area[p][i] != (uint64_t)-1)
				die("the child's write lost", p, i);
	_exit(0);
}

static int run(void)
{
	area = mmap(NULL, sizeof snap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		die("mmap", errno, 0);
	tag = (uint64_t)getpid() << 40 | 1ull << 32;
	stop = 0;
	pthread_t th[WRITERS];
	for (int i = 0; i < WRITERS; i++)
		if (pthread_create(&th[i], NULL, writer, (void *)(intptr_t)i))
			die("pthread_create", i, 0);
	int bad = 0;
	for (int f = 0; f < FORKS; f++) {
		fflush(stdout);
		pid_t c = fork();
		if (c < 0)
			die("fork", errno, f);
		if (c == 0)
			child();
		if (f % 5 == 4) {
			for (volatile int i = 0; i < f * 2000; i++)
				;
			kill(c, SIGKILL);
		}
		int st;
		if (waitpid(c, &st, 0) != c)
			die("waitpid", errno, f);
		if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) &&
		    !(f % 5 == 4 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
			printf("@@FAIL " T ": child %d status %#x\n", f, st);
			bad = 1;
		}
	}
	stop = 1;
	for (int i = 0; i < WRITERS; i++)
		pthread_join(th[i], NULL);
	munmap(area, sizeof snap);
	return bad;
}

int main(void)
{
	return run_twice_counted(run);
}
