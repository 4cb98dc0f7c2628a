/* review14: a signal handler that uses a message queue its own thread was
 * using when the signal came.  libsys's queue lock was held with signals
 * let through, and the system calls made inside it (the futex wake, a
 * page fault) delivered a pending signal there: a handler's mq_receive
 * then waited for good on a lock its own process held.  The main thread
 * sends and receives large messages while a 1 ms interval timer's handler
 * does a non-blocking receive on the same queue.  A watchdog thread
 * reports a hang.  Checked under Linux 6.1 (mq_receive is a system call
 * there). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define QNAME "/review14_mqsig"
#define MSG 8192
#define SIGNALS 300

static mqd_t q;
static volatile int handled, finished;

static void on_alarm(int sig)
{
	(void)sig;
	int e = errno;
	static char b[MSG];
	mq_receive(q, b, sizeof b, NULL); /* O_NONBLOCK */
	handled++;
	errno = e;
}

static void *watchdog(void *arg)
{
	(void)arg;
	for (int i = 0; i < 600 && !finished; i++) {
		struct timespec ts = { 0, 100000000L };
		nanosleep(&ts, NULL);
	}
	if (!finished) {
		printf("@@FAIL review14_mqsig: hung (a handler's mq_receive waited on the queue lock; %d signals)\n",
		       handled);
		fflush(stdout);
		mq_unlink(QNAME);
		_exit(1);
	}
	return NULL;
}

int main(void)
{
	mq_unlink(QNAME);
	struct mq_attr at = { .mq_maxmsg = 8, .mq_msgsize = MSG };
	q = mq_open(QNAME, O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK, 0600, &at);
	if (q == (mqd_t)-1) {
		printf("@@FAIL review14_mqsig: mq_open errno %d\n", errno);
		return 1;
	}
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
	static char buf[MSG];
	memset(buf, 'm', sizeof buf);
	long ops = 0;
	while (handled < SIGNALS) {
		mq_send(q, buf, MSG, 0);
		mq_send(q, buf, MSG, 1);
		mq_receive(q, buf, MSG, NULL);
		ops++;
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	finished = 1;
	pthread_join(w, NULL);
	mq_close(q);
	mq_unlink(QNAME);
	printf("review14_mqsig: %d signals, %ld rounds\n", handled, ops);
	printf("@@PASS review14_mqsig\n");
	return 0;
}
