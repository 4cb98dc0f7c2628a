/* hunt5_exitrace: a process's end raced from every side.  Each round a
 * child starts eight threads that fault fresh pages, block in a pipe read
 * or a futex wait, create threads of their own and pthread_exit; then
 * one of these ends the process at a random moment:
 *   0  main calls exit(3) while the others run
 *   1  a thread calls exit(4) while main waits in pthread_join
 *   2  main calls pthread_exit first; the last thread to end (each ends
 *      after a while by pthread_exit) ends the process with status 0
 *   3  two threads call _exit(5) and exit(5) at once
 *   4  main execs the program ("done": exit 6) while the others run
 * while the parent stops and continues the child now and then.  The
 * status must be the one asked for, within a bound (no hang), and every
 * frame must come back.  A plain Linux program: make linux-check
 * PROG=user/test_hunt5_exitrace.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt5_exitrace"
#include "linux_frames.h"

#define ROUNDS 60
#define THREADS 8

static const char *self;
static int pfd[2];
static volatile uint32_t word, go;
static int how;

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *leaf(void *arg)
{
	(void)arg;
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		p[0] = p[4096] = 1;
	pthread_exit(NULL);
}

static void *worker(void *arg)
{
	uintptr_t k = (uintptr_t)arg;
	if (how == 3 && k < 2) {
		while (!go)
			;
		if (k)
			_exit(5);
		exit(5);
	}
	if (how == 1 && k == 0) {
		nap_us(500 + (long)(now_ms() % 3000));
		exit(4);
	}
	long end = now_ms() + 5 + (long)k * 3;
	for (unsigned n = 0; how != 2 || now_ms() < end; n++) {
		switch ((k + n) % 4) {
		case 0: {
			char *p = mmap(NULL, 16384, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p != MAP_FAILED) {
				for (int i = 0; i < 4; i++)
					p[i * 4096] = (char)n;
				munmap(p, 16384);
			}
			break;
		}
		case 1: {
			char b[16];
			if (k % 2 && how != 2)
				read(pfd[0], b, sizeof b); /* nobody writes: waits */
			break;
		}
		case 2: {
			struct timespec ts = { 0, 2000000 };
			syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
			break;
		}
		default: {
			pthread_t t;
			if (pthread_create(&t, NULL, leaf, NULL) == 0)
				pthread_detach(t);
		}
		}
	}
	pthread_exit(NULL);
}

static _Noreturn void child(int h)
{
	how = h;
	if (pipe(pfd))
		_exit(90);
	pthread_t t[THREADS];
	for (uintptr_t k = 0; k < THREADS; k++)
		if (pthread_create(&t[k], NULL, worker, (void *)k))
			_exit(91);
	nap_us(1000 + (long)(now_ms() % 4000));
	switch (h) {
	case 0:
		exit(3);
	case 1:
		pthread_join(t[0], NULL); /* never returns: t[0] exits */
		_exit(92);
	case 2:
		pthread_exit(NULL);
	case 3:
		go = 1;
		pthread_join(t[0], NULL);
		_exit(93);
	default:
		execl(self, self, "done", (char *)NULL);
		_exit(94);
	}
}

static int run(void)
{
	static const int want[5] = { 3, 4, 0, 5, 6 };
	int fails = 0;
	for (int r = 0; r < ROUNDS && fails < 3; r++) {
		int h = r % 5;
		unsigned long oom0 = oom_kills_now();
		pid_t c = fork();
		if (c == 0)
			child(h);
		long give_up = now_ms() + 20000;
		int st = 0;
		pid_t w;
		for (unsigned n = 0; (w = waitpid(c, &st, WNOHANG)) == 0 && now_ms() < give_up; n++) {
			if (n % 3 == 1) {
				kill(c, SIGSTOP);
				nap_us(300);
				kill(c, SIGCONT);
			}
			nap_us(700);
		}
		if (w == 0) {
			printf("@@FAIL " T ": round %d (way %d): the child did not end\n", r, h);
			kill(c, SIGKILL);
			waitpid(c, &st, 0);
			fails++;
		} else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && oom_kills_now() != oom0) {
			printf(T ": round %d: the OOM killer's\n", r);
		} else if (!WIFEXITED(st) || WEXITSTATUS(st) != want[h]) {
			printf("@@FAIL " T ": round %d (way %d): status %#x, want exit %d\n", r, h, st,
			       want[h]);
			fails++;
		}
	}
	return fails;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1 && !strcmp(argv[1], "done"))
		return 6;
	setvbuf(stdout, NULL, _IONBF, 0);
	return run_twice_counted(run);
}
