/* linux9_killwake: pthread_kill of a thread that is just letting the
 * signal through (sigsuspend with it unblocked, or pthread_sigmask then
 * a blocking read of a pipe its handler writes to) always wakes it.  The kernel decided whether a
 * thread-directed signal was blocked before posting it, and kicked the
 * thread (and told the pager to end its waits) only if not: a thread
 * that unblocked it in between and went to sleep was left asleep with
 * the signal pending (an hour in sigsuspend, for good in a read).  The
 * window is a few instructions of the poster's: this test guards the
 * behaviour; it did not catch the old code in one boot.  An alarm fails
 * a hang.  Checked under Linux 6.1. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define T "linux9_killwake"
#define ROUNDS 1500

static volatile int waiting, handled;
static int pipefd[2];

/* Counts, and wakes a read of the pipe (the self-pipe way: a signal that
 * lands between the waiter's look at handled and its read is not lost). */
static void on_usr1(int sig)
{
	(void)sig;
	handled++;
	char c = 1;
	write(pipefd[1], &c, 1);
}

static void on_alarm(int sig)
{
	(void)sig;
	char m[96];
	int n = snprintf(m, sizeof m, "@@FAIL " T ": a woken thread stayed asleep (round %d, %d taken)\n",
			 waiting - 1, handled);
	write(1, m, (size_t)n);
	_exit(1);
}

/* Rounds of: block, announce, let it through and wait (sigsuspend, or
 * unblock then read a pipe nobody writes). */
static void *waiter(void *arg)
{
	(void)arg;
	sigset_t usr1, none;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&none);
	char c;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_sigmask(SIG_BLOCK, &usr1, NULL);
		int before = handled;
		__atomic_store_n(&waiting, i + 1, __ATOMIC_SEQ_CST);
		if (i % 2 == 0) {
			sigsuspend(&none);
			pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
		} else {
			pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
			while (handled == before) /* a byte, or EINTR (stale bytes too) */
				if (read(pipefd[0], &c, 1) < 0 && errno != EINTR)
					break;
		}
		if (handled == before) {
			printf("@@FAIL " T ": round %d ended with no signal taken\n", i);
			_exit(1);
		}
	}
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1; /* no SA_RESTART: the read ends with EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGALRM, on_alarm);
	if (pipe(pipefd))
		return 1;
	alarm(60);
	pthread_t t;
	pthread_create(&t, NULL, waiter, NULL);
	for (int i = 0; i < ROUNDS; i++) {
		while (__atomic_load_n(&waiting, __ATOMIC_SEQ_CST) != i + 1)
			sched_yield();
		for (volatile int d = 0; d < (i * 37) % 400; d++) /* land anywhere in its way in */
			;
		pthread_kill(t, SIGUSR1);
		while (handled < i + 1)
			sched_yield();
	}
	pthread_join(t, NULL);
	alarm(0);
	printf("@@PASS " T "\n");
	return 0;
}
