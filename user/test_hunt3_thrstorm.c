/* hunt3_thread_storm: kernel stacks (each in a slot of its own with a
 * guard below, reused only after a TLB shootdown) made and freed as fast
 * as several processes on every CPU can: each worker keeps threads that
 * start threads that end at once, detached or joined, until it is told
 * to stop or is killed with SIGKILL in the middle (every third); some
 * threads touch a page of their own and check it.  Nothing may hang, no
 * thread may see another's bytes, and every frame must be back. */
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
#define T "hunt3_thread_storm"
#include "linux_frames.h"
#define WORKERS 6
#define SPAWNERS 4
#define RUN_MS 1500
#define HANG_MS 30000

struct shared {
	volatile int stop, corrupt;
	volatile long made;
};
static struct shared *sh;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* A short-lived thread: writes its own stack buffer and a heap page with
 * its own value and reads them back. */
static void *leaf(void *arg)
{
	uintptr_t v = (uintptr_t)arg;
	volatile uintptr_t local[256];
	for (int i = 0; i < 256; i++)
		local[i] = v + (uintptr_t)i;
	uintptr_t *p = (v & 3) == 0 ? malloc(4096) : NULL;
	if (p)
		for (int i = 0; i < 512; i++)
			p[i] = v ^ (uintptr_t)i;
	sched_yield();
	for (int i = 0; i < 256; i++)
		if (local[i] != v + (uintptr_t)i)
			sh->corrupt = 1;
	if (p) {
		for (int i = 0; i < 512; i++)
			if (p[i] != (v ^ (uintptr_t)i))
				sh->corrupt = 1;
		free(p);
	}
	return arg;
}

static void *spawner(void *arg)
{
	uintptr_t k = (uintptr_t)arg, n = 0;
	while (!sh->stop) {
		pthread_t t[8];
		int made = 0;
		for (int i = 0; i < 8; i++, n++)
			if (pthread_create(&t[made], NULL, leaf, (void *)(k << 32 | n)) == 0)
				made++;
		for (int i = 0; i < made; i++) {
			void *r;
			if (i % 2 == 0 && pthread_join(t[i], &r) == 0 && ((uintptr_t)r >> 32) != k)
				sh->corrupt = 1;
			else if (i % 2)
				pthread_detach(t[i]);
		}
		__atomic_add_fetch(&sh->made, made, __ATOMIC_RELAXED);
		if (!made)
			sleep_ms(1);
	}
	return NULL;
}

static _Noreturn void worker(int k)
{
	pthread_t t[SPAWNERS];
	for (int i = 0; i < SPAWNERS; i++)
		if (pthread_create(&t[i], NULL, spawner, (void *)(uintptr_t)(k * SPAWNERS + i + 1)))
			_exit(40);
	for (int i = 0; i < SPAWNERS; i++)
		pthread_join(t[i], NULL);
	_exit(0);
}

static int run(void)
{
	pid_t w[WORKERS];
	int bad = 0;
	sh->stop = 0;
	sh->made = 0;
	for (int k = 0; k < WORKERS; k++) {
		fflush(stdout);
		if ((w[k] = fork()) == 0)
			worker(k);
		if (w[k] < 0) {
			printf("@@FAIL " T ": fork errno %d\n", errno);
			return 1;
		}
	}
	sleep_ms(RUN_MS / 2);
	for (int k = 0; k < WORKERS; k += 3)
		kill(w[k], SIGKILL); /* threads being made and ending */
	sleep_ms(RUN_MS / 2);
	sh->stop = 1;
	for (int k = 0; k < WORKERS; k++) {
		int st = 0;
		long t = 0;
		for (; t < HANG_MS && waitpid(w[k], &st, WNOHANG) != w[k]; t += 5)
			sleep_ms(5);
		int want_killed = k % 3 == 0;
		if (t >= HANG_MS) {
			printf("@@FAIL " T ": worker %d hangs\n", k);
			kill(w[k], SIGKILL);
			waitpid(w[k], &st, 0);
			bad = 1;
		} else if (want_killed ? !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
				       : !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
			printf("@@FAIL " T ": worker %d status %#x\n", k, st);
			bad = 1;
		}
	}
	if (sh->corrupt) {
		printf("@@FAIL " T ": a thread saw bytes not its own\n");
		bad = 1;
	}
	printf(T ": %ld threads made\n", sh->made);
	return bad;
}

int main(void)
{
	sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		printf("@@FAIL " T ": mmap\n");
		return 1;
	}
	return run_twice_counted(run);
}
