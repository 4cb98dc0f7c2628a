/* review14: close() (async-signal-safe) of an epoll descriptor, or of a
 * file's, in a signal handler that interrupted malloc or free in the same
 * thread.  The close of an epoll's last descriptor freed its interest
 * list, a file's its name (free(), under the heap lock, which the
 * interrupted malloc held): the handler waited for good on its own
 * thread.  Each round the main thread makes an epoll with an interest
 * (even rounds) or opens a file in /tmp (odd ones), and then mallocs and
 * frees until a one-shot timer's SIGALRM handler has closed it.  A watchdog thread reports a hang after
 * a generous bound.  Checked under Linux 6.1. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 150

static volatile int ep = -1, closed, finished, round_now;

static void on_alarm(int sig)
{
	(void)sig;
	int e = errno;
	close(ep);
	closed = 1;
	errno = e;
}

static void *watchdog(void *arg)
{
	(void)arg;
	for (int i = 0; i < 900 && !finished; i++) {
		struct timespec ts = { 0, 100000000L };
		nanosleep(&ts, NULL);
	}
	if (!finished) {
		printf("@@FAIL review14_epclose: hung in round %d (a handler's close "
		       "waited on the heap lock)\n", round_now);
		fflush(stdout);
		_exit(1);
	}
	return NULL;
}

int main(void)
{
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
	int pp[2];
	if (pipe(pp)) {
		printf("@@FAIL review14_epclose: pipe errno %d\n", errno);
		return 1;
	}
	long allocs = 0;
	for (int r = 0; r < ROUNDS; r++) {
		round_now = r;
		struct epoll_event ev = { .events = EPOLLIN };
		if (r % 2)
			ep = open("/tmp/review14_epclose", O_RDWR | O_CREAT, 0600);
		else
			ep = epoll_create1(0);
		if (ep < 0 || (r % 2 == 0 && epoll_ctl(ep, EPOLL_CTL_ADD, pp[0], &ev))) {
			printf("@@FAIL review14_epclose: setup errno %d\n", errno);
			return 1;
		}
		closed = 0;
		struct itimerval it = { { 0, 0 }, { 0, 1000 + (r % 5) * 300 } };
		setitimer(ITIMER_REAL, &it, NULL);
		for (unsigned i = 0; !closed; i++) {
			void *x = malloc(32 + (i % 64) * 16);
			free(x);
			allocs++;
		}
	}
	finished = 1;
	unlink("/tmp/review14_epclose");
	pthread_join(w, NULL);
	printf("review14_epclose: %d rounds, %ld allocations\n", ROUNDS, allocs);
	printf("@@PASS review14_epclose\n");
	return 0;
}
