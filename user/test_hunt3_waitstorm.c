/* hunt3_wait_storm: four threads of one process wait (waitpid(-1),
 * waitpid(pid), waitpid(0), WNOHANG) for children that the threads fork
 * and that exit at once, exit later, or are killed, with a SIGCHLD
 * handler running meanwhile.  Every child must be reaped exactly once,
 * with the status it ended with, no wait may hang, and once all are
 * reaped a wait says ECHILD; then every frame is back.  First, system
 * calls that copy out to the caller while three threads fork in a loop
 * must all succeed (a fork write-protects every page: the kernel's copy
 * gave up after 4 page-ins and one retry, EFAULT, and a signal frame
 * that could not be written killed the process). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt3_wait_storm"
#include "linux_frames.h"
#define THREADS 4
#define PER 40
#define N (THREADS * PER)
#define HANG_MS 30000

static pid_t kids[N];
static int want[N];          /* exit status, or 128 + signal */
static volatile int reaped[N];
static volatile int forked, done, bad;
static volatile sig_atomic_t chld;
static pthread_mutex_t kids_lock = PTHREAD_MUTEX_INITIALIZER; /* a fork and its kids[] */

static void on_chld(int s)
{
	(void)s;
	chld++;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* Record that pid ended with st. */
static void got(pid_t pid, int st)
{
	pthread_mutex_lock(&kids_lock); /* its forker has written kids[] */
	pthread_mutex_unlock(&kids_lock);
	for (int i = 0; i < N; i++) {
		if (kids[i] != pid)
			continue;
		int s = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
		if (__atomic_add_fetch(&reaped[i], 1, __ATOMIC_SEQ_CST) != 1 || s != want[i]) {
			printf("@@FAIL " T ": child %d reaped %d times, status %d want %d\n", i,
			       reaped[i], s, want[i]);
			bad = 1;
		}
		__atomic_add_fetch(&done, 1, __ATOMIC_SEQ_CST);
		return;
	}
	printf("@@FAIL " T ": waitpid gave pid %d, not a child\n", (int)pid);
	bad = 1;
}

static void *waiter(void *arg)
{
	int k = (int)(intptr_t)arg;
	for (int j = 0; j < PER; j++) {
		int i = k * PER + j, how = (k + j) % 4;
		want[i] = how == 3 ? 128 + SIGKILL : (i % 50);
		pthread_mutex_lock(&kids_lock);
		pid_t c = fork();
		if (c == 0) {
			if (how == 3)
				for (;;)
					pause();
			if (how == 1)
				sleep_ms(1 + i % 5);
			_exit(i % 50);
		}
		if (c > 0)
			kids[i] = c;
		pthread_mutex_unlock(&kids_lock);
		if (c < 0) {
			printf("@@FAIL " T ": fork errno %d\n", errno);
			bad = 1;
			return NULL;
		}
		__atomic_add_fetch(&forked, 1, __ATOMIC_SEQ_CST);
		if (how == 3)
			kill(c, SIGKILL);
		int st;
		pid_t r = how == 0 ? waitpid(-1, &st, 0) : how == 1 ? waitpid(c, &st, 0) :
			  how == 2 ? waitpid(0, &st, 0) : waitpid(-1, &st, WNOHANG);
		if (r > 0)
			got(r, st);
		else if (r < 0 && errno != ECHILD && errno != EINTR) {
			printf("@@FAIL " T ": waitpid errno %d\n", errno);
			bad = 1;
		}
	}
	return NULL;
}

static int run(void)
{
	memset((void *)reaped, 0, sizeof reaped);
	memset(kids, 0, sizeof kids);
	forked = done = bad = 0;
	pthread_t t[THREADS];
	for (int k = 0; k < THREADS; k++)
		if (pthread_create(&t[k], NULL, waiter, (void *)(intptr_t)k)) {
			printf("@@FAIL " T ": pthread_create\n");
			return 1;
		}
	for (int k = 0; k < THREADS; k++)
		pthread_join(t[k], NULL);
	long ms = 0;
	while (done < N && ms < HANG_MS) { /* what the threads left */
		int st;
		pid_t r = waitpid(-1, &st, WNOHANG);
		if (r > 0)
			got(r, st);
		else
			sleep_ms(2), ms += 2;
	}
	int st;
	if (done != N || waitpid(-1, &st, WNOHANG) != -1 || errno != ECHILD) {
		printf("@@FAIL " T ": %d of %d children reaped (or one left)\n", done, N);
		bad = 1;
	}
	return bad;
}

static volatile int forking;

/* Fork children that end at once and reap them, until forking is 0. */
static void *forker(void *arg)
{
	(void)arg;
	while (forking) {
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	return NULL;
}

/* System calls that copy out to the caller's memory (sysinfo: to its
 * stack and, here, to libsys's data) while three threads fork in a loop,
 * each fork write-protecting every page: every call must succeed.  0, or
 * 1 with a @@FAIL line. */
static int copy_storm(void)
{
	pthread_t t[3];
	int fails = 0;
	forking = 1;
	for (int k = 0; k < 3; k++)
		if (pthread_create(&t[k], NULL, forker, NULL)) {
			printf("@@FAIL " T ": pthread_create\n");
			return 1;
		}
	for (int i = 0; i < 2000; i++) {
		struct sysinfo si;
		fails += sysinfo(&si) != 0;
	}
	forking = 0;
	for (int k = 0; k < 3; k++)
		pthread_join(t[k], NULL);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (fails)
		printf("@@FAIL " T ": %d of 2000 sysinfo calls failed beside forks\n", fails);
	return fails != 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_RESTART;
	if (copy_storm())
		return 1;
	sigaction(SIGCHLD, &sa, NULL);
	for (int r = argc > 1 ? atoi(argv[1]) : 0; r > 1; r--) /* more rounds (stress) */
		if (run())
			return 1;
	return run_twice_counted(run);
}
