/* pthread_kill of a thread that has ended but is not joined yet, while a
 * new thread has taken its place in the process (a plain Linux program,
 * checked on Linux 6.1): the signal never reaches the new thread (it
 * fails ESRCH here; glibc answers 0 or ESRCH and sends nothing). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux5_pthread_kill_ended: line %d: %s (errno %d)\n", __LINE__, #c, errno); fflush(stdout); fails++; } } while (0)

static volatile int got_b, stop;
static pthread_t tb;

static void on_usr1(int sig)
{
	(void)sig;
	if (pthread_equal(pthread_self(), tb))
		got_b = 1;
}

static void *quick(void *a) { return a; }

static void *spin(void *a)
{
	while (!stop)
		usleep(1000);
	return a;
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	pthread_t ta;
	CHECK(pthread_create(&ta, NULL, quick, NULL) == 0);
	usleep(200000); /* ta has ended; not joined */
	CHECK(pthread_create(&tb, NULL, spin, NULL) == 0);
	usleep(100000);
	int r = pthread_kill(ta, SIGUSR1);
	usleep(200000);
	printf("linux5_pthread_kill_ended: pthread_kill(ended thread) -> %d; the new thread got it: %d\n", r, got_b);
	CHECK(!got_b);
	stop = 1;
	pthread_join(tb, NULL);
	pthread_join(ta, NULL);
	if (!fails)
		printf("@@PASS linux5_pthread_kill_ended\n");
	return fails != 0;
}
