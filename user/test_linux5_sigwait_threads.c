/* Two threads in sigtimedwait at once, each for its own signal (both
 * signals blocked in every thread, as sigwait wants): the thread waiting
 * for SIGUSR1 gets SIGUSR1 and the one waiting for SIGUSR2 gets SIGUSR2,
 * each with its own si_signo, whichever signal comes first; neither
 * waits out its time.  A wait's state kept once per process (not per
 * thread) hands the second waiter the first's signal.  Five rounds,
 * SIGUSR2 sent first in odd rounds. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 5

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux5_sigwait_threads: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

struct waiter {
	int sig;          /* the signal this thread waits for */
	volatile int ready;
	int got, info_signo, err;
};

static void *wait_one(void *arg)
{
	struct waiter *w = arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, w->sig);
	siginfo_t si;
	memset(&si, 0, sizeof si);
	struct timespec tmo = { 10, 0 };
	__atomic_store_n(&w->ready, 1, __ATOMIC_SEQ_CST);
	w->got = sigtimedwait(&set, &si, &tmo);
	w->err = w->got < 0 ? errno : 0;
	w->info_signo = si.si_signo;
	return NULL;
}

int main(void)
{
	sigset_t both;
	sigemptyset(&both);
	sigaddset(&both, SIGUSR1);
	sigaddset(&both, SIGUSR2);
	CHECK(pthread_sigmask(SIG_BLOCK, &both, NULL) == 0);
	for (int round = 0; round < ROUNDS && !fails; round++) {
		struct waiter w1 = { .sig = SIGUSR1 }, w2 = { .sig = SIGUSR2 };
		pthread_t t1, t2;
		CHECK(pthread_create(&t1, NULL, wait_one, &w1) == 0);
		CHECK(pthread_create(&t2, NULL, wait_one, &w2) == 0);
		while (!__atomic_load_n(&w1.ready, __ATOMIC_SEQ_CST) ||
		       !__atomic_load_n(&w2.ready, __ATOMIC_SEQ_CST))
			usleep(1000);
		/* let both reach their wait; if one has not yet, the signal
		 * stays pending (blocked) and its wait takes it at once */
		usleep(50000);
		int first = round & 1 ? SIGUSR2 : SIGUSR1;
		int second = first == SIGUSR1 ? SIGUSR2 : SIGUSR1;
		CHECK(kill(getpid(), first) == 0);
		usleep(20000);
		CHECK(kill(getpid(), second) == 0);
		CHECK(pthread_join(t1, NULL) == 0);
		CHECK(pthread_join(t2, NULL) == 0);
		CHECK(w1.got == SIGUSR1);
		CHECK(w1.info_signo == SIGUSR1);
		CHECK(w2.got == SIGUSR2);
		CHECK(w2.info_signo == SIGUSR2);
		CHECK(w1.err == 0 && w2.err == 0);
		if (fails)
			printf("round %d: waiter for %d got %d (info %d, errno %d), "
			       "waiter for %d got %d (info %d, errno %d)\n", round,
			       SIGUSR1, w1.got, w1.info_signo, w1.err,
			       SIGUSR2, w2.got, w2.info_signo, w2.err);
	}
	sigset_t pend;
	sigemptyset(&pend);
	CHECK(sigpending(&pend) == 0);
	CHECK(!sigismember(&pend, SIGUSR1) && !sigismember(&pend, SIGUSR2));
	if (fails)
		return 1;
	printf("@@PASS linux5_sigwait_threads\n");
	return 0;
}
