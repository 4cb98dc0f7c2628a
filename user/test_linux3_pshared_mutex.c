/* Process-shared mutexes and barriers as Linux programs use them: a
 * PTHREAD_PROCESS_SHARED mutex in MAP_SHARED anonymous memory, the parent
 * and forked children each adding to a counter under it (a read, a yield,
 * a write: only the mutex keeps the total exact), a recursive one taken
 * twice by each, and a process-shared barrier the processes meet at,
 * round after round.  The memory's frames are all back at the end. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux3_pshared_mutex"
#define KIDS 4
#define ADDS 2000
#define ROUNDS 50

#include "linux3_pshared.h"

struct shared {
	pthread_mutex_t m, rm;
	pthread_barrier_t b;
	volatile long count, rcount;
	volatile int round_seen[KIDS + 1];
	volatile int bad;
};

/* One process's share: ADDS increments under m, ADDS under rm held
 * twice, and ROUNDS barrier rounds checking everyone finished the last. */
static void work(struct shared *s, int me)
{
	for (int i = 0; i < ADDS; i++) {
		if (pthread_mutex_lock(&s->m))
			s->bad = 1;
		long v = s->count;
		if (i % 64 == 0)
			sched_yield();
		s->count = v + 1;
		pthread_mutex_unlock(&s->m);
		if (pthread_mutex_lock(&s->rm) || pthread_mutex_lock(&s->rm))
			s->bad = 2;
		s->rcount = s->rcount + 1;
		pthread_mutex_unlock(&s->rm);
		pthread_mutex_unlock(&s->rm);
	}
	for (int r = 1; r <= ROUNDS; r++) {
		s->round_seen[me] = r;
		pthread_barrier_wait(&s->b);
		for (int k = 0; k <= KIDS; k++)
			if (s->round_seen[k] < r)
				s->bad = 3;
		pthread_barrier_wait(&s->b); /* nobody moves on before all looked */
	}
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
	pthread_barrierattr_t ba;
	int ps = -1;
	CHECK(pthread_mutexattr_init(&ma) == 0);
	CHECK(pthread_mutexattr_getpshared(&ma, &ps) == 0 && ps == PTHREAD_PROCESS_PRIVATE);
	CHECK(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED) == 0);
	CHECK(pthread_mutexattr_getpshared(&ma, &ps) == 0 && ps == PTHREAD_PROCESS_SHARED);
	CHECK(pthread_mutexattr_setpshared(&ma, 7) == EINVAL);
	CHECK(pthread_mutex_init(&s->m, &ma) == 0);
	CHECK(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE) == 0);
	CHECK(pthread_mutex_init(&s->rm, &ma) == 0);
	CHECK(pthread_barrierattr_init(&ba) == 0);
	CHECK(pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED) == 0);
	CHECK(pthread_barrierattr_getpshared(&ba, &ps) == 0 && ps == PTHREAD_PROCESS_SHARED);
	CHECK(pthread_barrier_init(&s->b, &ba, KIDS + 1) == 0);
	if (fails)
		return;
	pid_t pid[KIDS];
	for (int k = 0; k < KIDS; k++) {
		pid[k] = fork();
		CHECK(pid[k] >= 0);
		if (pid[k] == 0) {
			work(s, k + 1);
			_exit(0);
		}
	}
	work(s, 0);
	for (int k = 0; k < KIDS; k++) {
		int st = 0;
		CHECK(waitpid(pid[k], &st, 0) == pid[k] && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	CHECK(s->bad == 0);
	CHECK(s->count == (KIDS + 1) * ADDS);
	CHECK(s->rcount == (KIDS + 1) * ADDS);
	if (s->count != (KIDS + 1) * ADDS)
		printf(T ": count %ld, want %d\n", s->count, (KIDS + 1) * ADDS);
	/* the child's hold is not ours: a recursive one it left locked is busy */
	CHECK(pthread_mutex_trylock(&s->rm) == 0);
	pid_t c = fork();
	if (c == 0)
		_exit(pthread_mutex_trylock(&s->rm) == EBUSY ? 0 : 1);
	int st = 0;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	pthread_mutex_unlock(&s->rm);
	CHECK(pthread_mutex_destroy(&s->m) == 0);
	CHECK(pthread_barrier_destroy(&s->b) == 0);
	CHECK(munmap(s, sizeof *s) == 0);
}

int main(void)
{
	return run_twice(run);
}
