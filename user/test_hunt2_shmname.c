/* hunt2_shm_names: named shared memory opened, mapped, written, truncated,
 * unmapped, closed and unlinked by several processes at once, each with a
 * second thread faulting the same mapping, some killed with SIGKILL in the
 * middle.  A mapping must keep its object while mapped, unlinked or not:
 * what a process wrote there it reads back (its own word of each page), a
 * word of another process is that process's or 0, never anything else.
 * Once everyone is gone and the names are unlinked, every frame is back. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#define T "hunt2_shm_names"
#include "linux_frames.h"
#define KIDS 4
#define NAMES 2
#define PAGES 8
#define ROUNDS 60
#define HANG_MS 30000

static volatile uint64_t *cur; /* the mapping the second thread faults */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop;
static int me;

static void die(const char *what, uint64_t x, uint64_t y)
{
	printf("@@FAIL " T ": kid %d: %s (%#lx, %#lx; errno %d)\n", me, what,
	       (unsigned long)x, (unsigned long)y, errno);
	fflush(stdout);
	_exit(1);
}

static uint64_t val(int kid, uint64_t n)
{
	return (uint64_t)(kid + 1) << 56 | (n & 0xffffffffffffull);
}

/* Words 0..KIDS-1 of each page belong to the kids; word 8 + kid to the
 * kid's second thread. */
static void check_page(volatile uint64_t *q)
{
	for (int k = 0; k < KIDS; k++) {
		uint64_t v = q[k];
		if (v && v >> 56 != (uint64_t)k + 1)
			die("a word of nobody", v, k);
		v = q[8 + k];
		if (v && v >> 56 != (uint64_t)k + 1)
			die("a word of nobody", v, 8 + k);
	}
}

static void *toucher(void *arg)
{
	(void)arg;
	for (uint64_t n = 1; !stop; n++) {
		pthread_mutex_lock(&mu);
		if (cur) {
			volatile uint64_t *q = cur + (n % PAGES) * 512;
			q[8 + me] = val(me, n);
			if (q[8 + me] != val(me, n))
				die("the toucher's word changed", q[8 + me], n);
			check_page(q);
		}
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static void kid(int k)
{
	me = k;
	pthread_t th;
	if (pthread_create(&th, NULL, toucher, NULL))
		die("pthread_create", 0, 0);
	for (uint64_t r = 1; r <= ROUNDS; r++) {
		char name[32];
		snprintf(name, sizeof name, "/hunt2_shm%d", (int)((r + k) % NAMES));
		int fd = shm_open(name, O_CREAT | O_RDWR, 0600);
		if (fd < 0)
			die("shm_open", r, 0);
		if (ftruncate(fd, PAGES * 4096))
			die("ftruncate", r, 0);
		uint64_t *m = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED)
			die("mmap", r, 0);
		if (r % 3 == 0)
			shm_unlink(name); /* the mapping keeps the object */
		close(fd);
		pthread_mutex_lock(&mu);
		cur = m;
		pthread_mutex_unlock(&mu);
		for (int p = 0; p < PAGES; p++)
			m[p * 512 + k] = val(k, r * 100 + p);
		sched_yield();
		for (int p = 0; p < PAGES; p++) {
			if (m[p * 512 + k] != val(k, r * 100 + p))
				die("my word changed", m[p * 512 + k], r);
			check_page(m + p * 512);
		}
		pthread_mutex_lock(&mu);
		cur = NULL;
		pthread_mutex_unlock(&mu);
		if (munmap(m, PAGES * 4096))
			die("munmap", r, 0);
		if (r % 5 == 0)
			shm_unlink(name);
	}
	stop = 1;
	pthread_join(th, NULL);
	_exit(0);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static int run(void)
{
	pid_t c[KIDS];
	for (int k = 0; k < KIDS; k++) {
		fflush(stdout);
		c[k] = fork();
		if (c[k] < 0)
			die("fork", k, 0);
		if (c[k] == 0)
			kid(k);
	}
	sleep_ms(30);
	kill(c[KIDS - 1], SIGKILL);
	int bad = 0;
	for (int k = 0; k < KIDS; k++) {
		int st = 0;
		long t = 0;
		for (; t < HANG_MS && waitpid(c[k], &st, WNOHANG) != c[k]; t += 5)
			sleep_ms(5);
		if (t >= HANG_MS) {
			printf("@@FAIL " T ": kid %d hangs\n", k);
			kill(c[k], SIGKILL);
			waitpid(c[k], &st, 0);
			bad = 1;
		} else if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) &&
			   !(k == KIDS - 1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
			printf("@@FAIL " T ": kid %d status %#x\n", k, st);
			bad = 1;
		}
	}
	for (int n = 0; n < NAMES; n++) {
		char name[32];
		snprintf(name, sizeof name, "/hunt2_shm%d", n);
		shm_unlink(name);
	}
	return bad;
}

int main(void)
{
	return run_twice_counted(run);
}
