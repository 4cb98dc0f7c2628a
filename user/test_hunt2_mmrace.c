/* hunt2_mm_race: memory calls racing with the threads that use the memory,
 * on every CPU.  In each worker process three threads write and check
 * their own words of a 32-page private mapping without pause, while a
 * fourth replaces pieces of it (MAP_FIXED over it, munmap then mmap
 * again), mprotects pieces read-only and back, madvise(MADV_DONTNEED)s
 * pieces, shrinks and regrows it with mremap, and forks: a writer that
 * hits a piece that is gone or read-only takes SIGSEGV at an address
 * inside the mapping (checked) and jumps back.  Every word a writer reads
 * back must be its last value or 0 (a page replaced or dropped), every
 * word of another thread must carry that thread's tag or be 0 (never
 * another process's bytes), and a fork child must find the same in its
 * copy, then write its own tag everywhere without the parent ever seeing
 * it.  Some workers are killed with SIGKILL in the middle.  At the end
 * the free frames must be what they were (none leaked). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt2_mm_race"
#include "linux_frames.h"
#define PAGES 32
#define PG 4096
#define WRITERS 3
#define WORKERS 8
#define STEPS 150
#define WPP (PG / 8) /* words per page */

static uint8_t *area;
static uint64_t tag; /* the worker's own tag: pid in the high bits */
static volatile int stop;
static __thread int me = -1;
static sigjmp_buf jb[WRITERS];

static uint64_t rnd(volatile uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void die(const char *what, uint64_t x, uint64_t y)
{
	printf("@@FAIL " T ": pid %d: %s (%#lx, %#lx)\n", getpid(), what, (unsigned long)x,
	       (unsigned long)y);
	fflush(stdout);
	_exit(1);
}

/* SIGSEGV in a writer: the address must lie in the mapping; jump back. */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	uint8_t *a = si->si_addr;
	if (me < 0 || a < area || a >= area + PAGES * PG)
		die("SIGSEGV outside the mapping", (uint64_t)(uintptr_t)a, (uint64_t)me);
	siglongjmp(jb[me], 1);
}

/* Word w of a page belongs to writer w % WRITERS: its value is 0 or
 * t | (writer << 24) | count with the writer's process's tag t. */
static void check_word(uint64_t v, unsigned w, uint64_t t)
{
	if (v && ((v & ~0xffffffffull) != t || ((v >> 24) & 0xff) != w % WRITERS))
		die("a word of somebody else", v, w);
}

static void *writer(void *arg)
{
	me = (int)(intptr_t)arg;
	volatile uint64_t s = tag ^ (uint64_t)me, count = 0;
	volatile unsigned p, w;
	sigsetjmp(jb[me], 1);
	while (!stop) {
		uint64_t r = rnd(&s);
		p = (unsigned)(r % PAGES);
		w = (unsigned)((r >> 8) % (WPP / WRITERS)) * WRITERS + (unsigned)me;
		volatile uint64_t *q = (volatile uint64_t *)(area + p * PG);
		uint64_t v = tag | ((uint64_t)me << 24) | (++count & 0xffffff);
		q[w] = v;
		uint64_t back = q[w];
		if (back != v && back != 0)
			die("my word changed under me", back, v);
		check_word(q[(w + 1) % WPP], (w + 1) % WPP, tag);
	}
	return NULL;
}

/* A fork child: its copy holds only its parent's words; then its own. */
static void child_check(void)
{
	stop = 1;
	/* only this thread runs: the mapping is whatever the fork copied */
	for (unsigned p = 0; p < PAGES; p++) {
		unsigned char vec;
		if (mincore(area + p * PG, PG, &vec) != 0)
			continue; /* not mapped at the fork */
		uint64_t *q = (uint64_t *)(area + p * PG);
		if (mprotect(q, PG, PROT_READ | PROT_WRITE) != 0)
			die("child mprotect", p, errno);
		for (unsigned w = 0; w < WPP; w++)
			check_word(q[w], w, tag);
		for (unsigned w = 0; w < WPP; w++)
			q[w] = (tag ^ (1ull << 63)) | w;
		for (unsigned w = 0; w < WPP; w++)
			if (q[w] != ((tag ^ (1ull << 63)) | w))
				die("child's own write lost", p, w);
	}
	_exit(0);
}

static void mutate(uint64_t *s)
{
	uint64_t r = rnd(s);
	unsigned p0 = (unsigned)(r % PAGES), n = 1 + (unsigned)((r >> 8) % 6);
	if (p0 + n > PAGES)
		n = PAGES - p0;
	uint8_t *a = area + p0 * PG;
	size_t len = (size_t)n * PG;
	switch ((r >> 16) % 6) {
	case 0:
		if (mmap(a, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			 -1, 0) != a)
			die("mmap MAP_FIXED", (uintptr_t)a, errno);
		break;
	case 1:
		if (munmap(a, len))
			die("munmap", (uintptr_t)a, errno);
		if (mmap(a, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != a)
			die("mmap after munmap", (uintptr_t)a, errno);
		break;
	case 2:
		if (mprotect(a, len, PROT_READ))
			die("mprotect r", (uintptr_t)a, errno);
		sched_yield();
		if (mprotect(a, len, PROT_READ | PROT_WRITE))
			die("mprotect rw", (uintptr_t)a, errno);
		break;
	case 3:
		if (madvise(a, len, MADV_DONTNEED))
			die("madvise", (uintptr_t)a, errno);
		break;
	case 4: { /* shrink to p0 + 1 pages, then grow back (or map the tail) */
		size_t keep = (size_t)(p0 + 1) * PG;
		if (mremap(area, PAGES * PG, keep, 0) != area)
			die("mremap shrink", keep, errno);
		if (mremap(area, keep, PAGES * PG, 0) != area &&
		    mmap(area + keep, PAGES * PG - keep, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != area + keep)
			die("mremap grow", keep, errno);
		break;
	}
	case 5: {
		pid_t c = fork();
		if (c < 0)
			die("fork", 0, errno);
		if (c == 0)
			child_check();
		int st;
		if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st))
			die("fork child", 0, (uint64_t)st);
		break;
	}
	}
}

static void worker(int k)
{
	tag = ((uint64_t)getpid() << 40 | (uint64_t)(k + 1) << 32) & ~(1ull << 63);
	area = mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (area == MAP_FAILED)
		die("mmap", 0, errno);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	pthread_t th[WRITERS];
	for (int i = 0; i < WRITERS; i++)
		if (pthread_create(&th[i], NULL, writer, (void *)(intptr_t)i))
			die("pthread_create", i, 0);
	uint64_t s = tag;
	for (int i = 0; i < STEPS; i++)
		mutate(&s);
	stop = 1;
	for (int i = 0; i < WRITERS; i++)
		pthread_join(th[i], NULL);
	_exit(0);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static int run(void)
{
	int bad = 0;
	for (int k = 0; k < WORKERS; k += 2) {
		pid_t c[2];
		for (int j = 0; j < 2; j++) {
			c[j] = fork();
			if (c[j] < 0)
				die("fork worker", k, errno);
			if (c[j] == 0)
				worker(k + j);
		}
		if (k % 4 == 2) { /* the second of the pair killed in the middle */
			sleep_ms(20 + 15 * k);
			kill(c[1], SIGKILL);
		}
		for (int j = 0; j < 2; j++) {
			int st;
			if (waitpid(c[j], &st, 0) != c[j])
				die("waitpid", k, errno);
			int killed = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
			if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) && !(killed && j == 1 && k % 4 == 2)) {
				printf("@@FAIL " T ": worker %d status %#x\n", k + j, st);
				bad = 1;
			}
		}
	}
	return bad;
}

int main(void)
{
	return run_twice_counted(run);
}
