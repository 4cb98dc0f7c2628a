/* linux6_stopkill: SIGKILL ends a stopped process wherever its threads
 * were, and every frame it held comes back.  Each child runs four
 * threads that map, fault in, write and unmap pages without end (each
 * counting its rounds in MAP_SHARED memory), one blocked in a pipe read
 * (a call the pager keeps), and 2 MiB it touched.  Stopped (SIGSTOP,
 * waitpid WUNTRACED), its counters stay still over several sleeps; then
 * it is killed, stopped (WTERMSIG SIGKILL), or continued, stopped again
 * and killed.  Run twice, the free frames counted around the second run
 * (linux_frames.h).  A plain Linux program: make linux-check
 * PROG=user/test_linux6_stopkill.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "linux6_stopkill"
#include "linux_frames.h"

#define NTHR 4
#define CHILDREN 4
static volatile unsigned long *counters; /* [child * NTHR + thread] */
static int pfd[2];
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", \
	__LINE__, #c, errno); fflush(stdout); fails++; } } while (0)

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void *faulter(void *arg)
{
	volatile unsigned long *c = &counters[(long)arg];
	for (unsigned long n = 0;; n++) {
		char *m = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m != MAP_FAILED) {
			for (int i = 0; i < 8; i++)
				m[i * 4096 + (int)(n % 4096)] = (char)n;
			munmap(m, 8 * 4096);
		}
		(*c)++;
	}
	return NULL;
}

static void *reader(void *arg)
{
	(void)arg;
	char b;
	for (;;)
		if (read(pfd[0], &b, 1) <= 0)
			nap_ms(1);
	return NULL;
}

static _Noreturn void child(int k)
{
	char *big = malloc(2 << 20);
	if (big)
		memset(big, k + 1, 2 << 20);
	pthread_t t;
	pthread_create(&t, NULL, reader, NULL);
	for (long i = 1; i < NTHR; i++)
		pthread_create(&t, NULL, faulter, (void *)(k * NTHR + i));
	faulter((void *)(long)(k * NTHR));
	_exit(0);
}

/* True once every thread of child k moved past snap (~20 s at most). */
static int moved(int k, const unsigned long *snap)
{
	for (int round = 0; round < 2000; round++) {
		int n = 0;
		for (int i = 0; i < NTHR; i++)
			n += counters[k * NTHR + i] != snap[i];
		if (n == NTHR)
			return 1;
		nap_ms(10);
	}
	return 0;
}

/* Child k is stopped (waitpid said so): its counters do not move. */
static void still(int k)
{
	unsigned long snap[NTHR];
	nap_ms(50);
	memcpy(snap, (const void *)&counters[k * NTHR], sizeof snap);
	for (int r = 0; r < 3; r++) {
		nap_ms(60);
		CHECK(memcmp(snap, (const void *)&counters[k * NTHR], sizeof snap) == 0);
	}
}

static int run(void)
{
	fails = 0;
	counters = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(counters != MAP_FAILED && pipe(pfd) == 0);
	if (fails)
		return 1;
	memset((void *)counters, 0, 4096);
	pid_t c[CHILDREN];
	for (int k = 0; k < CHILDREN; k++)
		if ((c[k] = fork()) == 0)
			child(k);
	unsigned long zero[NTHR] = { 0 };
	for (int k = 0; k < CHILDREN; k++) {
		int st = 0;
		CHECK(moved(k, zero));
		CHECK(kill(c[k], SIGSTOP) == 0);
		CHECK(waitpid(c[k], &st, WUNTRACED) == c[k] && WIFSTOPPED(st));
		still(k);
		if (k % 2) { /* continued, then stopped again */
			unsigned long snap[NTHR];
			memcpy(snap, (const void *)&counters[k * NTHR], sizeof snap);
			CHECK(kill(c[k], SIGCONT) == 0);
			CHECK(moved(k, snap));
			CHECK(kill(c[k], SIGSTOP) == 0);
			CHECK(waitpid(c[k], &st, WUNTRACED | WCONTINUED) == c[k]);
			if (WIFCONTINUED(st)) /* the continue's report first */
				CHECK(waitpid(c[k], &st, WUNTRACED) == c[k]);
			CHECK(WIFSTOPPED(st));
			still(k);
		}
		CHECK(kill(c[k], SIGKILL) == 0);
		CHECK(waitpid(c[k], &st, 0) == c[k] && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	}
	close(pfd[0]);
	close(pfd[1]);
	munmap((void *)counters, 4096);
	return fails;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	return run_twice_counted(run);
}
