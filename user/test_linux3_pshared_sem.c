/* Process-shared unnamed semaphores (sem_init with pshared 1): a ping-pong
 * between a parent and its child through a shm_open object that each maps
 * at another address (the futex is the frame's, not the address's), and a
 * counting semaphore in MAP_SHARED anonymous memory that forked children
 * take and give back (never more than its count inside at once).  The
 * object is unlinked and its frames are back at the end. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux3_pshared_sem"
#define ROUNDS 2000
#define KIDS 4
#define SLOTS 2

#include "linux3_pshared.h"

struct pp {
	sem_t ping, pong;
	volatile int ball;
	volatile int inside, most;
	sem_t slots;
};

/* The child: the object mapped again, at another address than the
 * parent's, and the game played there. */
static int child_play(int fd, struct pp *parents)
{
	void *pad = mmap(NULL, 1 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct pp *p = mmap(NULL, sizeof *p, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || p == parents)
		return 2;
	munmap(parents, sizeof *p); /* only our own mapping now */
	for (int i = 0; i < ROUNDS; i++) {
		if (sem_wait(&p->ping))
			return 3;
		if (p->ball != 2 * i + 1)
			return 4;
		p->ball++;
		sem_post(&p->pong);
	}
	munmap(p, sizeof *p);
	munmap(pad, 1 << 20);
	return 0;
}

static void ping_pong(void)
{
	char name[64];
	snprintf(name, sizeof name, "/" T ".%d", (int)getpid());
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(ftruncate(fd, sizeof(struct pp)) == 0);
	struct pp *p = mmap(NULL, sizeof *p, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(sem_init(&p->ping, 1, 0) == 0 && sem_init(&p->pong, 1, 0) == 0);
	p->ball = 0;
	pid_t c = fork();
	if (c == 0)
		_exit(child_play(fd, p));
	for (int i = 0; i < ROUNDS; i++) {
		p->ball++;
		sem_post(&p->ping);
		if (sem_wait(&p->pong) || p->ball != 2 * i + 2) {
			CHECK(!"pong");
			break;
		}
	}
	int st = 0;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(p->ball == 2 * ROUNDS);
	int v = -1;
	CHECK(sem_getvalue(&p->ping, &v) == 0 && v == 0);
	CHECK(sem_destroy(&p->ping) == 0 && sem_destroy(&p->pong) == 0);
	CHECK(munmap(p, sizeof *p) == 0);
	CHECK(close(fd) == 0);
	CHECK(shm_unlink(name) == 0);
}

/* KIDS children each take one of SLOTS places 200 times. */
static void counting(void)
{
	struct pp *p = mmap(NULL, sizeof *p, PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	CHECK(sem_init(&p->slots, 1, SLOTS) == 0);
	pid_t c[KIDS];
	for (int k = 0; k < KIDS; k++)
		if ((c[k] = fork()) == 0) {
			for (int i = 0; i < 200; i++) {
				sem_wait(&p->slots);
				int in = __atomic_add_fetch(&p->inside, 1, __ATOMIC_SEQ_CST);
				int m = p->most;
				while (in > m && !__atomic_compare_exchange_n(&p->most, &m, in, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
					;
				if (i % 16 == 0)
					usleep(100);
				__atomic_sub_fetch(&p->inside, 1, __ATOMIC_SEQ_CST);
				sem_post(&p->slots);
			}
			_exit(0);
		}
	for (int k = 0; k < KIDS; k++) {
		int st = 0;
		CHECK(waitpid(c[k], &st, 0) == c[k] && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	int v = -1;
	CHECK(sem_getvalue(&p->slots, &v) == 0 && v == SLOTS);
	CHECK(p->most >= 1 && p->most <= SLOTS);
	CHECK(munmap(p, sizeof *p) == 0);
}

static void both(int second)
{
	(void)second;
	ping_pong();
	counting();
}

int main(void)
{
	return run_twice(both);
}
