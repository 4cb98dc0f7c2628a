/* A signal handled by one thread does not interrupt another thread's
 * waiting poll, select or long pipe write (review 11, finding 5: every
 * waiting poll of the process failed EINTR, and a write of more than
 * PIPE_BUF that had moved some bytes returned short).  As on Linux, only
 * the thread that ran the handler sees EINTR (or a short write).  The
 * second thread blocks SIGUSR1, so the main thread, which handles it,
 * runs every handler.  (If the second thread is not waiting yet when the
 * signal comes, the check passes without having checked: no false
 * failure.) */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL mend_poll_thread: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define BIG (256 * 1024) /* more than any pipe holds */

static int pfd[2];
static volatile int handled;
static volatile long result;
static volatile int result_errno;
static char big[BIG], sink[BIG];

static void on_usr1(int s)
{
	(void)s;
	handled++;
}

static void block_usr1(void)
{
	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &m, NULL);
}

static void *poller(void *a)
{
	(void)a;
	block_usr1();
	struct pollfd p = { pfd[0], POLLIN, 0 };
	result = poll(&p, 1, -1);
	result_errno = errno;
	return NULL;
}

static void *selecter(void *a)
{
	(void)a;
	block_usr1();
	fd_set r;
	FD_ZERO(&r);
	FD_SET(pfd[0], &r);
	result = select(pfd[0] + 1, &r, NULL, NULL, NULL);
	result_errno = errno;
	return NULL;
}

static void *writer(void *a)
{
	(void)a;
	block_usr1();
	memset(big, 'x', sizeof big);
	result = write(pfd[1], big, sizeof big);
	result_errno = errno;
	close(pfd[1]); /* the reader sees the end even after a short write */
	return NULL;
}

/* Start fn in a second thread, let it wait, send the process SIGUSR1
 * (the main thread handles it), then let fn's wait end: by a byte to
 * read, or by reading all it writes (until it closes the write end). */
static void round_of(void *(*fn)(void *), const char *what, int reads)
{
	CHECK(pipe(pfd) == 0);
	result = -2;
	int h = handled;
	pthread_t t;
	CHECK(pthread_create(&t, NULL, fn, NULL) == 0);
	usleep(200 * 1000); /* it waits now (most likely) */
	CHECK(kill(getpid(), SIGUSR1) == 0);
	while (handled == h)
		usleep(1000);
	usleep(50 * 1000); /* a wrong EINTR would come now */
	long got = 0;
	if (reads) {
		ssize_t n;
		while ((n = read(pfd[0], sink, sizeof sink)) > 0)
			got += n;
	} else {
		CHECK(write(pfd[1], "y", 1) == 1);
	}
	CHECK(pthread_join(t, NULL) == 0);
	long want = reads ? BIG : 1;
	if (result != want)
		printf("mend_poll_thread: %s returned %ld errno %d\n", what, result, result_errno);
	CHECK(result == want);
	if (reads)
		CHECK(got == BIG);
	close(pfd[0]);
	if (!reads)
		close(pfd[1]);
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1; /* no SA_RESTART: EINTR where Linux gives it */
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	round_of(poller, "poll", 0);
	round_of(selecter, "select", 0);
	round_of(writer, "write", 1);
	if (fails)
		return 1;
	printf("@@PASS mend_poll_thread\n");
	return 0;
}
