/* A process-shared condition variable: a parent producing items into a
 * one-slot buffer in MAP_SHARED memory and forked consumers taking them,
 * each side waiting on a PTHREAD_PROCESS_SHARED condition under a
 * process-shared mutex; every item taken exactly once; then a broadcast
 * waking every consumer waiting for the end.  Frames back at the end. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux3_pshared_cond"
#define KIDS 3
#define ITEMS 3000

#include "linux3_pshared.h"

struct shared {
	pthread_mutex_t m;
	pthread_cond_t full, empty, done_cv;
	int slot, has, done, waiting_end;
	long sum[KIDS], taken[KIDS];
};

static int consume(struct shared *s, int k)
{
	pthread_mutex_lock(&s->m);
	for (;;) {
		while (!s->has && !s->done)
			pthread_cond_wait(&s->full, &s->m);
		if (!s->has)
			break;
		s->sum[k] += s->slot;
		s->taken[k]++;
		s->has = 0;
		pthread_cond_signal(&s->empty);
	}
	s->waiting_end++;
	while (s->done != 2)
		pthread_cond_wait(&s->done_cv, &s->m);
	pthread_mutex_unlock(&s->m);
	return 0;
}

static void run(int second)
{
	(void)second;
	struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED);
	if (s == MAP_FAILED)
		return;
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	int ps = -1;
	pthread_mutexattr_init(&ma);
	CHECK(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED) == 0);
	pthread_condattr_init(&ca);
	CHECK(pthread_condattr_getpshared(&ca, &ps) == 0 && ps == PTHREAD_PROCESS_PRIVATE);
	CHECK(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED) == 0);
	CHECK(pthread_condattr_getpshared(&ca, &ps) == 0 && ps == PTHREAD_PROCESS_SHARED);
	CHECK(pthread_mutex_init(&s->m, &ma) == 0);
	CHECK(pthread_cond_init(&s->full, &ca) == 0 && pthread_cond_init(&s->empty, &ca) == 0 &&
	      pthread_cond_init(&s->done_cv, &ca) == 0);
	if (fails)
		return;
	pid_t c[KIDS];
	for (int k = 0; k < KIDS; k++)
		if ((c[k] = fork()) == 0)
			_exit(consume(s, k));
	long want = 0;
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&s->m);
		while (s->has)
			pthread_cond_wait(&s->empty, &s->m);
		s->slot = i;
		s->has = 1;
		want += i;
		pthread_cond_signal(&s->full);
		pthread_mutex_unlock(&s->m);
	}
	pthread_mutex_lock(&s->m);
	while (s->has)
		pthread_cond_wait(&s->empty, &s->m);
	s->done = 1;
	pthread_cond_broadcast(&s->full);
	pthread_mutex_unlock(&s->m);
	/* every consumer now waits for the end: one broadcast wakes them all */
	for (;;) {
		pthread_mutex_lock(&s->m);
		int w = s->waiting_end;
		if (w == KIDS) {
			s->done = 2;
			pthread_cond_broadcast(&s->done_cv);
		}
		pthread_mutex_unlock(&s->m);
		if (w == KIDS)
			break;
		usleep(1000);
	}
	long sum = 0, taken = 0;
	for (int k = 0; k < KIDS; k++) {
		int st = 0;
		CHECK(waitpid(c[k], &st, 0) == c[k] && WIFEXITED(st) && WEXITSTATUS(st) == 0);
		sum += s->sum[k];
		taken += s->taken[k];
	}
	CHECK(taken == ITEMS);
	CHECK(sum == want);
	CHECK(pthread_cond_destroy(&s->full) == 0 && pthread_mutex_destroy(&s->m) == 0);
	CHECK(munmap(s, sizeof *s) == 0);
}

int main(void)
{
	return run_twice(run);
}
