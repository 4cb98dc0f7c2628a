/* hunt3_kstack_exhaust: threads in several processes at once until no
 * more can be made (memory, or, with 1 GiB or more, the kernel-stack
 * area's slots: 32,768 at most, more than one process's 4,032 threads),
 * every worker on its own CPU racing the others for the last stacks.
 * pthread_create must fail with EAGAIN, or the OOM killer end a worker
 * (never a hang or panic); then the workers end with all their threads, every frame comes back, and a fork
 * and a thread work again.  Checked with glibc (capped there). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
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
#define T "hunt3_kstack_exhaust"
#include "linux_frames.h"
#define WORKERS 10
#define HANG_MS 600000
#ifdef __GLIBC__
#define CAP 300 /* per worker: not the host's limit */
#else
#define CAP 100000
#endif

struct shared {
	volatile int stop, ready, bad_err;
	volatile long made[WORKERS];
};
static struct shared *sh;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static _Noreturn void worker(int k)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, PTHREAD_STACK_MIN);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	long n = 0;
	for (; n < CAP; n++) {
		pthread_t t;
		int e = pthread_create(&t, &a, idle, NULL);
		if (e) {
			if (e != EAGAIN)
				sh->bad_err = e;
			break;
		}
	}
	sh->made[k] = n;
	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
	while (!sh->stop)
		sleep_ms(20);
	_exit(0); /* every thread goes with it */
}

static void *nothing(void *arg)
{
	return arg;
}

/* Wait for worker k: 0 when it exited 0, or was ended by SIGKILL (the
 * OOM killer: its threads' stacks took the last frames) when killed_ok. */
static int reap(pid_t w, int k, int killed_ok)
{
	int st = 0;
	if (waitpid(w, &st, 0) == w &&
	    ((WIFEXITED(st) && WEXITSTATUS(st) == 0) ||
	     (killed_ok && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)))
		return 0;
	printf("@@FAIL " T ": worker %d status %#x\n", k, st);
	return 1;
}

static int run(void)
{
	pid_t w[WORKERS];
	int bad = 0, gone[WORKERS] = { 0 }, ngone = 0;
	sh->stop = sh->ready = sh->bad_err = 0;
	for (int k = 0; k < WORKERS; k++) {
		fflush(stdout);
		sh->made[k] = 0;
		if ((w[k] = fork()) == 0)
			worker(k);
		if (w[k] < 0) {
			printf("@@FAIL " T ": fork errno %d\n", errno);
			return 1;
		}
	}
	long t = 0;
	for (; t < HANG_MS && sh->ready + ngone < WORKERS; t += 20) {
		sleep_ms(20);
		for (int k = 0; k < WORKERS; k++) { /* ended by the OOM killer */
			int st;
			if (!gone[k] && waitpid(w[k], &st, WNOHANG) == w[k]) {
				gone[k] = 1;
				ngone++;
				if (!(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
					printf("@@FAIL " T ": worker %d status %#x\n", k, st);
					bad = 1;
				}
			}
		}
	}
	if (t >= HANG_MS) {
		printf("@@FAIL " T ": only %d of %d workers done making threads\n", sh->ready,
		       WORKERS);
		bad = 1;
	}
	long total = 0;
	for (int k = 0; k < WORKERS; k++)
		total += sh->made[k];
	sh->stop = 1;
	for (int k = 0; k < WORKERS; k++)
		if (!gone[k])
			bad |= reap(w[k], k, 1);
	if (sh->bad_err) {
		printf("@@FAIL " T ": pthread_create said %d, not EAGAIN\n", sh->bad_err);
		bad = 1;
	}
	pthread_t th;
	void *r;
	if (pthread_create(&th, NULL, nothing, (void *)7) || pthread_join(th, &r) || r != (void *)7) {
		printf("@@FAIL " T ": a thread after the workers\n");
		bad = 1;
	}
	printf(T ": %ld threads at once in %d processes (%d ended by the OOM killer)\n", total,
	       WORKERS, ngone);
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
