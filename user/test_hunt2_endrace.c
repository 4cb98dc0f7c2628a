/* hunt2_end_race: the ways a process ends or replaces itself, raced from
 * its threads on other CPUs: two threads exec at once, a third calls
 * _exit(7), a fourth makes and joins threads, the main thread forks
 * children that exit at once.  The process must end as exactly one of
 * them says (status 42 from the exec'd image, or 7), never hang, never
 * leave a frame behind. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt2_end_race"
#include "linux_frames.h"
#define WORKERS 16
#define HANG_MS 20000

static const char *self;
static volatile int go;
static int spin_exec[2], spin_exit;

static void spin(int n)
{
	for (volatile int i = 0; i < n; i++)
		;
}

static void *nothing(void *arg)
{
	return arg;
}

static void *execer(void *arg)
{
	int k = (int)(intptr_t)arg;
	while (!go)
		;
	spin(spin_exec[k]);
	execl(self, self, "img", (char *)NULL);
	_exit(100 + errno);
}

static void *exiter(void *arg)
{
	(void)arg;
	while (!go)
		;
	spin(spin_exit);
	_exit(7);
}

static void *maker(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_t t;
		if (pthread_create(&t, NULL, nothing, NULL) == 0)
			pthread_join(t, NULL);
	}
	return NULL;
}

static void worker(int k)
{
	spin_exec[0] = (k * 37 % 11) * 3000;
	spin_exec[1] = (k * 53 % 13) * 3000;
	spin_exit = (k % 2 ? 400 : 1) * (k * 71 % 17) * 3000;
	pthread_t t;
	if (pthread_create(&t, NULL, execer, (void *)0) ||
	    pthread_create(&t, NULL, execer, (void *)1) ||
	    pthread_create(&t, NULL, exiter, NULL) || pthread_create(&t, NULL, maker, NULL))
		_exit(40);
	go = 1;
	for (;;) {
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

static int run(int *n42, int *n7)
{
	int bad = 0;
	for (int k = 0; k < WORKERS; k++) {
		fflush(stdout);
		pid_t c = fork();
		if (c < 0) {
			printf("@@FAIL " T ": fork errno %d\n", errno);
			return 1;
		}
		if (c == 0)
			worker(k);
		int st = 0;
		long t = 0;
		for (; t < HANG_MS && waitpid(c, &st, WNOHANG) != c; t += 2)
			sleep_ms(2);
		if (t >= HANG_MS) {
			printf("@@FAIL " T ": worker %d hangs\n", k);
			kill(c, SIGKILL);
			waitpid(c, &st, 0);
			bad = 1;
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == 42) {
			++*n42;
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == 7) {
			++*n7;
		} else {
			printf("@@FAIL " T ": worker %d status %#x\n", k, st);
			bad = 1;
		}
	}
	/* children of the workers that outlived them are init's now */
	return bad;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1)
		return 42;
	int n42 = 0, n7 = 0;
#if FRAMES
	touch_image();
#endif
	if (run(&n42, &n7))
		return 1;
#if FRAMES
	long before = frames_before(3000);
#endif
	if (run(&n42, &n7))
		return 1;
	printf(T ": %d exec'd, %d exited\n", n42, n7);
#if FRAMES
	if (!frames_back(before, 5000))
		return 1;
#endif
	printf("@@PASS " T "\n");
	return 0;
}
