/* review14: mq_notify still notifies after a process that was blocked in
 * mq_receive on the queue was killed.  libsys counts blocked receivers in
 * the queue (rwait) and notifies only when it is 0, as Linux notifies
 * nobody while a receiver waits; a receiver killed while it waited never
 * took its count back, so the queue never notified anyone again.  The
 * child is given time to block before it is killed (if it has not, the
 * test checks nothing more than a plain notification). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QNAME "/review14_mqnotify"

static volatile sig_atomic_t notified;

static void on_usr1(int sig)
{
	(void)sig;
	notified = 1;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int main(void)
{
	mq_unlink(QNAME);
	struct mq_attr at = { .mq_maxmsg = 4, .mq_msgsize = 32 };
	mqd_t q = mq_open(QNAME, O_CREAT | O_EXCL | O_RDWR, 0600, &at);
	if (q == (mqd_t)-1) {
		printf("@@FAIL review14_mqnotify: mq_open errno %d\n", errno);
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		char b[32];
		mq_receive(q, b, sizeof b, NULL); /* blocks: nobody sends */
		_exit(0);
	}
	nap_ms(300);
	kill(pid, SIGKILL);
	int st;
	waitpid(pid, &st, 0);
	signal(SIGUSR1, on_usr1);
	struct sigevent sev;
	memset(&sev, 0, sizeof sev);
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR1;
	if (mq_notify(q, &sev)) {
		printf("@@FAIL review14_mqnotify: mq_notify errno %d\n", errno);
		return 1;
	}
	if (mq_send(q, "x", 1, 0)) {
		printf("@@FAIL review14_mqnotify: mq_send errno %d\n", errno);
		return 1;
	}
	for (int i = 0; i < 300 && !notified; i++)
		nap_ms(10);
	mq_close(q);
	mq_unlink(QNAME);
	if (!notified) {
		printf("@@FAIL review14_mqnotify: no notification (a killed receiver still counted as waiting)\n");
		return 1;
	}
	printf("@@PASS review14_mqnotify\n");
	return 0;
}
