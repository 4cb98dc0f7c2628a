/* hunt2_sem_creator_killed: a named semaphore's creator killed (SIGKILL)
 * at every moment of its sem_open(O_CREAT).  Linux's sem_open makes the
 * semaphore with its value atomically: another process's sem_open either
 * finds no semaphore (and makes its own) or finds one with its value set,
 * never one that is still being set up.  Each round a child creates
 * "/hunt2_semdie" with value 1 while the parent kills it after a varying
 * spin; then an opener (a second child) opens it with O_CREAT and value 1
 * and must take one unit with sem_trywait at once.  A hang (an opener
 * waiting for a value that its dead creator never put in) is caught by
 * the parent within a generous bound and reported. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T "hunt2_sem_creator_killed"
#define NAME "/hunt2_semdie"
#define ROUNDS 150
#define HANG_MS 10000

static void fail(const char *what, int round)
{
	printf("@@FAIL " T ": %s (round %d, errno %d)\n", what, round, errno);
	exit(1);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* The opener: O_CREAT with value 1, then the unit must be there. */
static void opener(void)
{
	sem_t *s = sem_open(NAME, O_CREAT, 0600, 1);
	if (s == SEM_FAILED)
		_exit(2);
	if (sem_trywait(s) != 0)
		_exit(3);
	sem_close(s);
	_exit(0);
}

/* Wait for pid at most HANG_MS; its status, or -1 if it hangs (then it
 * is killed and reaped). */
static int wait_bounded(pid_t pid)
{
	int st;
	for (long t = 0; t < HANG_MS; t += 2) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return st;
		if (w < 0)
			return -2;
		sleep_ms(2);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

int main(void)
{
	sem_unlink(NAME);
	for (int r = 0; r < ROUNDS; r++) {
		pid_t c = fork();
		if (c < 0)
			fail("fork", r);
		if (c == 0) {
			sem_t *s = sem_open(NAME, O_CREAT, 0600, 1);
			_exit(s == SEM_FAILED);
		}
		for (volatile long i = 0; i < (r % 30) * 2000; i++)
			;
		kill(c, SIGKILL);
		int st;
		if (waitpid(c, &st, 0) != c)
			fail("waitpid creator", r);
		pid_t o = fork();
		if (o < 0)
			fail("fork", r);
		if (o == 0)
			opener();
		st = wait_bounded(o);
		if (st == -1)
			fail("sem_open hangs on a semaphore whose creator was killed", r);
		if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("@@FAIL " T ": opener status %#x (round %d)\n", st, r);
			return 1;
		}
		sem_unlink(NAME);
	}
	printf("@@PASS " T "\n");
	return 0;
}
