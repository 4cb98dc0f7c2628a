/* sem18_killrun: a process killed (SIGKILL) while its thread runs on
 * another CPU, taking and giving back a process-shared robust mutex over
 * and over, leaves the mutex to the next locker, as Linux's: it is free,
 * or held by a live process, or marked owner-died (EOWNERDEAD).
 *   - RUNNERS processes lock one robust mutex in shared memory, work a
 *     little, unlock it and work a little, in a loop; KILLS times one of them is killed at a varied moment and
 *     reaped, and another takes its place; after each kill this process
 *     (the runners paused) takes the mutex within LIMIT_S seconds
 *     (pthread_mutex_timedlock) and gives it back.
 * Before (session 18), the pager walked a killed thread's robust list
 * as soon as it had asked the kernel to end the thread, while the thread
 * could still be running ring-3 code on another CPU until the kill's
 * interrupt reached it (late under a loaded host): it could take the
 * mutex after the walk, and the mutex stayed held by a dead owner for
 * good (the System V semaphores' lock is one: test_linux9_semundo hung).
 * Now (session 19) the walk waits for the space's end notice, sent once
 * the killed process's last thread has left its CPU.
 * Checked under Linux 6.1. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define T "sem18_killrun"
#define RUNNERS 2
#define SPIN 50 /* turns of work() */
#define KILLS 500
#define LIMIT_S 30 /* a lock not had by then is held by nobody */

struct shared {
	pthread_mutex_t m;
	volatile int pause;            /* runners leave the mutex alone */
	volatile int started[RUNNERS]; /* runner i is in its loop */
};

static int fails;

#define CHECK(c)                                                                        \
	do {                                                                            \
		if (!(c)) {                                                             \
			printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); \
			fails++;                                                        \
		}                                                                       \
	} while (0)

static void on_alarm(int sig)
{
	(void)sig;
	static const char m[] = "@@FAIL " T ": hung (limit reached)\n";
	ssize_t w = write(1, m, sizeof m - 1);
	(void)w;
	_exit(1);
}

static void nap_us(long us)
{
	struct timespec t = { us / 1000000, (us % 1000000) * 1000 };
	while (nanosleep(&t, &t) == -1 && errno == EINTR)
		;
}

/* Lock m, making it consistent if its owner died: 0, or an error. */
static int take(pthread_mutex_t *m, const struct timespec *until)
{
	int e = until ? pthread_mutex_timedlock(m, until) : pthread_mutex_lock(m);
	if (e == EOWNERDEAD)
		e = pthread_mutex_consistent(m);
	return e;
}

/* A few microseconds in ring 3. */
static void work(void)
{
	for (volatile int k = 0; k < SPIN; k++)
		;
}

/* Runner i: lock, work, unlock, work, for ever (but while paused): it
 * holds the mutex about half of the time, and is running (not asleep on
 * it) most of the rest. */
static pid_t runner(struct shared *sh, int i)
{
	sh->started[i] = 0;
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	sh->started[i] = 1;
	for (;;) {
		while (sh->pause)
			work();
		if (take(&sh->m, NULL) != 0)
			_exit(3);
		work();
		pthread_mutex_unlock(&sh->m); /* (EPERM if marked meanwhile) */
		work();
	}
}

/* Until runner i is in its loop. */
static void until_running(struct shared *sh, int i)
{
	for (int k = 0; k < LIMIT_S * 1000 && !sh->started[i]; k++)
		nap_us(1000);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGALRM, on_alarm);
	alarm(600);
	struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED);
	if (sh == MAP_FAILED)
		return 1;
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	CHECK(pthread_mutex_init(&sh->m, &a) == 0);
	pid_t run[RUNNERS];
	for (int i = 0; i < RUNNERS; i++)
		run[i] = runner(sh, i);
	int lost = 0;
	for (int k = 0; k < KILLS && !lost; k++) {
		int i = k % RUNNERS;
		until_running(sh, i);
		nap_us(100 + (k * 337) % 3000);
		kill(run[i], SIGKILL);
		int st;
		CHECK(waitpid(run[i], &st, 0) == run[i] && WIFSIGNALED(st) &&
		      WTERMSIG(st) == SIGKILL);
		/* the runners paused (a live one lets it go at once): an unfair
		 * mutex would let one running runner keep it from us */
		sh->pause = 1;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += LIMIT_S;
		int e = take(&sh->m, &until);
		if (e != 0) {
			printf("@@FAIL " T ": kill %d: the mutex not had (%s), word %#x\n", k,
			       strerror(e), (unsigned)*(volatile int *)&sh->m);
			fails++;
			lost = 1;
			break;
		}
		CHECK(pthread_mutex_unlock(&sh->m) == 0);
		sh->pause = 0;
		run[i] = runner(sh, i);
	}
	for (int i = 0; i < RUNNERS; i++) {
		kill(run[i], SIGKILL);
		waitpid(run[i], NULL, 0);
	}
	if (!lost) { /* free at the end, whatever the last runners held */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += LIMIT_S;
		CHECK(take(&sh->m, &until) == 0);
		CHECK(pthread_mutex_unlock(&sh->m) == 0);
	}
	if (!fails)
		printf("@@PASS " T "\n");
	return fails != 0;
}
