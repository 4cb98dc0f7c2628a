/* Processes killed while they wait on a shared futex leave nothing
 * behind and take no wake-up from the others: children asleep in
 * sem_wait on a process-shared semaphore, one killed (SIGKILL), the rest
 * woken by two posts; children asleep on a process-shared mutex the
 * parent holds, one killed, the rest taking it in turn; a waiter woken by
 * a post made through a new mapping of the object (the old one unmapped,
 * the new one elsewhere).  Frames back at the end. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux3_pshared_kill"
#define KIDS 3

#include "linux3_pshared.h"

struct shared {
	sem_t sem;
	pthread_mutex_t m;
	volatile int arrived, held;
};

/* Wait until n children said they arrived, then give them time to sleep
 * (what is checked does not depend on it: a child not asleep yet is
 * killed or woken all the same). */
static void arrived(struct shared *s, int n)
{
	while (__atomic_load_n(&s->arrived, __ATOMIC_SEQ_CST) < n)
		usleep(1000);
	usleep(50 * 1000);
}

static void reap(pid_t c, int killed)
{
	int st = 0;
	CHECK(waitpid(c, &st, 0) == c);
	if (killed)
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	else
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void sem_kill(struct shared *s)
{
	pid_t c[KIDS];
	s->arrived = 0;
	CHECK(sem_init(&s->sem, 1, 0) == 0);
	for (int k = 0; k < KIDS; k++)
		if ((c[k] = fork()) == 0) {
			__atomic_add_fetch(&s->arrived, 1, __ATOMIC_SEQ_CST);
			_exit(sem_wait(&s->sem) ? 1 : 0);
		}
	arrived(s, KIDS);
	CHECK(kill(c[0], SIGKILL) == 0);
	reap(c[0], 1);
	CHECK(sem_post(&s->sem) == 0 && sem_post(&s->sem) == 0);
	reap(c[1], 0);
	reap(c[2], 0);
	int v = -1;
	CHECK(sem_getvalue(&s->sem, &v) == 0 && v == 0);
}

static void mutex_kill(struct shared *s)
{
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	CHECK(pthread_mutex_init(&s->m, &ma) == 0);
	s->arrived = 0;
	s->held = 0;
	CHECK(pthread_mutex_lock(&s->m) == 0);
	pid_t c[KIDS];
	for (int k = 0; k < KIDS; k++)
		if ((c[k] = fork()) == 0) {
			__atomic_add_fetch(&s->arrived, 1, __ATOMIC_SEQ_CST);
			pthread_mutex_lock(&s->m);
			s->held++;
			pthread_mutex_unlock(&s->m);
			_exit(0);
		}
	arrived(s, KIDS);
	CHECK(kill(c[1], SIGKILL) == 0);
	reap(c[1], 1);
	CHECK(pthread_mutex_unlock(&s->m) == 0);
	reap(c[0], 0);
	reap(c[2], 0);
	CHECK(s->held == KIDS - 1);
	CHECK(pthread_mutex_trylock(&s->m) == 0 && pthread_mutex_unlock(&s->m) == 0);
}

/* A child waits on a semaphore of a shm_open object; we unmap ours, map
 * the object again elsewhere and post there. */
static void remap_wake(void)
{
	char name[64];
	snprintf(name, sizeof name, "/" T ".%d", (int)getpid());
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0 && ftruncate(fd, 4096) == 0);
	struct shared *s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(s != MAP_FAILED);
	if (fails)
		return;
	CHECK(sem_init(&s->sem, 1, 0) == 0);
	s->arrived = 0;
	pid_t c = fork();
	if (c == 0) {
		__atomic_add_fetch(&s->arrived, 1, __ATOMIC_SEQ_CST);
		_exit(sem_wait(&s->sem) ? 1 : 0);
	}
	arrived(s, 1);
	void *pad = mmap(NULL, 1 << 16, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(munmap(s, 4096) == 0);
	struct shared *again = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(again != MAP_FAILED);
	CHECK(sem_post(&again->sem) == 0);
	reap(c, 0);
	CHECK(munmap(again, 4096) == 0 && munmap(pad, 1 << 16) == 0);
	CHECK(close(fd) == 0 && shm_unlink(name) == 0);
}

static void run(int second)
{
	(void)second;
	struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED);
	if (s == MAP_FAILED)
		return;
	sem_kill(s);
	mutex_kill(s);
	CHECK(munmap(s, sizeof *s) == 0);
	remap_wake();
}

int main(void)
{
	return run_twice(run);
}
