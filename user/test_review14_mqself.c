/* review14: a process registered with mq_notify that sends into the empty
 * queue itself gets its signal, and its handler may use the queue.
 * libsys sent the notification (sigqueue) with the queue's lock held, so
 * the handler ran on the sender's thread inside that lock, and an
 * mq_receive there waited for good on a lock its own process held.  A
 * watchdog (alarm in a thread that blocks nothing else) reports a hang.
 * Checked under Linux 6.1. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QNAME "/review14_mqself"

static mqd_t q;
static volatile sig_atomic_t got = -1, finished;

static void on_usr1(int sig)
{
	(void)sig;
	char b[32];
	got = (int)mq_receive(q, b, sizeof b, NULL); /* O_NONBLOCK: never waits for a message */
}

static void *watchdog(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100 && !finished; i++) {
		struct timespec ts = { 0, 100000000L };
		nanosleep(&ts, NULL);
	}
	if (!finished) {
		printf("@@FAIL review14_mqself: the notification's handler waited on the queue lock\n");
		fflush(stdout);
		mq_unlink(QNAME);
		_exit(1);
	}
	return NULL;
}

int main(void)
{
	mq_unlink(QNAME);
	struct mq_attr at = { .mq_maxmsg = 4, .mq_msgsize = 32 };
	q = mq_open(QNAME, O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK, 0600, &at);
	if (q == (mqd_t)-1) {
		printf("@@FAIL review14_mqself: mq_open errno %d\n", errno);
		return 1;
	}
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_t w;
	pthread_sigmask(SIG_BLOCK, &s, NULL); /* the watchdog never takes it */
	pthread_create(&w, NULL, watchdog, NULL);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	signal(SIGUSR1, on_usr1);
	struct sigevent sev;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	if (mq_notify(q, &sev) || mq_send(q, "hi", 3, 0)) {
		printf("@@FAIL review14_mqself: mq_notify/mq_send errno %d\n", errno);
		return 1;
	}
	for (int i = 0; i < 200 && got < 0; i++) {
		struct timespec ts = { 0, 10000000L };
		nanosleep(&ts, NULL);
	}
	finished = 1;
	pthread_join(w, NULL);
	mq_close(q);
	mq_unlink(QNAME);
	if (got != 3) {
		printf("@@FAIL review14_mqself: the handler's receive got %d\n", (int)got);
		return 1;
	}
	printf("@@PASS review14_mqself\n");
	return 0;
}
