/* review14: close() (async-signal-safe) in a signal handler that
 * interrupted epoll_ctl or epoll_wait in the same thread.  libsys's epoll
 * lock is a spin lock held with signals let through, and the close of a
 * description's last descriptor takes it (libsys_epoll_forget): the
 * handler then spun for good on the lock its own thread held.  The main
 * thread keeps an epoll of many interests busy (epoll_wait's snapshot and
 * epoll_ctl's search run under the lock) while an interval timer's
 * SIGALRM handler makes and closes a pipe.  A watchdog thread reports a
 * hang after a generous bound.  Checked under Linux 6.1. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define NFD 200
#define SIGNALS 400

static volatile int handled, done;

static void on_alarm(int sig)
{
	(void)sig;
	int e = errno, p[2];
	if (pipe(p) == 0) {
		close(p[0]);
		close(p[1]);
	}
	handled++;
	errno = e;
}

static void *watchdog(void *arg)
{
	(void)arg;
	for (int i = 0; i < 600 && !done; i++) {
		struct timespec ts = { 0, 100000000L };
		nanosleep(&ts, NULL);
	}
	if (!done) {
		printf("@@FAIL review14_epsig: hung (a handler's close waited on the epoll lock; %d signals)\n",
		       handled);
		fflush(stdout);
		_exit(1);
	}
	return NULL;
}

int main(void)
{
	int pp[2], fds[NFD];
	if (pipe(pp)) {
		printf("@@FAIL review14_epsig: pipe errno %d\n", errno);
		return 1;
	}
	int ep = epoll_create1(0);
	for (int i = 0; i < NFD; i++) {
		fds[i] = dup(pp[1]);
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		if (fds[i] < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev)) {
			printf("@@FAIL review14_epsig: setup errno %d\n", errno);
			return 1;
		}
	}
	/* the timer's signal for the main thread only: the watchdog blocks it */
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGALRM);
	pthread_t w;
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	pthread_create(&w, NULL, watchdog, NULL);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	long rounds = 0;
	struct epoll_event out[64];
	while (handled < SIGNALS) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 7 };
		epoll_ctl(ep, EPOLL_CTL_MOD, fds[NFD - 1 - rounds % 16], &ev);
		epoll_wait(ep, out, 64, 0);
		rounds++;
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	done = 1;
	pthread_join(w, NULL);
	printf("review14_epsig: %d signals over %ld rounds\n", handled, rounds);
	printf("@@PASS review14_epsig\n");
	return 0;
}
