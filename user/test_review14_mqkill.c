/* review14: a POSIX message queue stays usable when a process using it is
 * killed (SIGKILL) in the middle of a send or receive, also before that
 * process is waited for.  libsys's queue lock (a shared futex in the
 * queue's object) was held by the killed process for good, and every
 * other user then waited in mq_send/mq_receive for ever (their time-outs
 * too).  Each round a child sends and receives large messages (the lock
 * is held across each copy) and is killed after a varying pause; the
 * parent then sends and drains the queue before it reaps the child.
 * Checked under Linux 6.1 (make linux-check). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QNAME "/review14_mqkill"
#define ROUNDS 40
#define MSG (128 * 1024)

static void on_alarm(int sig)
{
	(void)sig;
	static const char m[] = "@@FAIL review14_mqkill: the queue stayed locked after a user was killed\n";
	write(1, m, sizeof m - 1);
	_exit(1);
}

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	mq_unlink(QNAME);
	struct mq_attr at = { .mq_maxmsg = 4, .mq_msgsize = MSG };
	mqd_t q = mq_open(QNAME, O_CREAT | O_EXCL | O_RDWR | O_NONBLOCK, 0600, &at);
	if (q == (mqd_t)-1) {
		printf("@@FAIL review14_mqkill: mq_open errno %d\n", errno);
		return 1;
	}
	static char buf[MSG];
	memset(buf, 'x', sizeof buf);
	for (int r = 0; r < ROUNDS; r++) {
		pid_t pid = fork();
		if (pid < 0) {
			printf("@@FAIL review14_mqkill: fork errno %d\n", errno);
			return 1;
		}
		if (pid == 0) {
			mqd_t c = mq_open(QNAME, O_RDWR);
			for (;;) {
				mq_send(c, buf, MSG, 0);
				mq_receive(c, buf, MSG, NULL);
			}
		}
		nap_us(500 + (r * 1231) % 4000);
		kill(pid, SIGKILL);
		alarm(10);
		if (mq_send(q, "p", 1, 1) != 0 && errno != EAGAIN) {
			printf("@@FAIL review14_mqkill: round %d: mq_send errno %d\n", r, errno);
			return 1;
		}
		while (mq_receive(q, buf, MSG, NULL) >= 0)
			;
		if (errno != EAGAIN) {
			printf("@@FAIL review14_mqkill: round %d: mq_receive errno %d\n", r, errno);
			return 1;
		}
		alarm(0);
		int st;
		waitpid(pid, &st, 0);
	}
	mq_close(q);
	mq_unlink(QNAME);
	printf("@@PASS review14_mqkill\n");
	return 0;
}
