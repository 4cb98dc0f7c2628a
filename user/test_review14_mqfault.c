/* review14: mq_send and mq_receive with a buffer that is not there fail
 * EFAULT, as Linux's, and leave the queue usable by everyone else.
 * libsys copied the message under the queue's shared lock: the caller
 * was killed (SIGSEGV) holding it, and every other user of the queue
 * then waited in the lock for good (mq_timedsend's time-out too).
 * Checked under Linux 6.1 (make linux-check). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define QNAME "/review14_mqfault"

static void on_alarm(int sig)
{
	(void)sig;
	static const char m[] = "@@FAIL review14_mqfault: the queue stayed locked (hang)\n";
	write(1, m, sizeof m - 1);
	mq_unlink(QNAME);
	_exit(1);
}

/* In a child: a send (or receive) from a bad buffer; its exit status is
 * what the call said: 0 EFAULT, 2 success, 3 another error. */
static int bad_call(int receive, char *buf)
{
	pid_t pid = fork();
	if (pid == 0) {
		mqd_t q = mq_open(QNAME, O_RDWR);
		if (q == (mqd_t)-1)
			_exit(4);
		ssize_t r = receive ? mq_receive(q, buf, 64, NULL) : mq_send(q, buf, 64, 0);
		_exit(r >= 0 ? 2 : errno == EFAULT ? 0 : 3);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	return st;
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	mq_unlink(QNAME);
	struct mq_attr at = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	mqd_t q = mq_open(QNAME, O_CREAT | O_EXCL | O_RDWR, 0600, &at);
	if (q == (mqd_t)-1) {
		printf("@@FAIL review14_mqfault: mq_open errno %d\n", errno);
		return 1;
	}
	char *gone = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(gone, 4096);
	int fails = 0;
	int st = bad_call(0, gone); /* a send from memory that is not there */
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("@@FAIL review14_mqfault: mq_send of a bad buffer: status %#x (want EFAULT)\n", st);
		fails++;
	}
	alarm(10);
	char msg[64] = "hello";
	if (mq_send(q, msg, sizeof msg, 1) != 0) {
		printf("@@FAIL review14_mqfault: mq_send after: errno %d\n", errno);
		fails++;
	}
	alarm(0);
	st = bad_call(1, gone); /* a receive into memory that is not there */
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("@@FAIL review14_mqfault: mq_receive into a bad buffer: status %#x (want EFAULT)\n",
		       st);
		fails++;
	}
	alarm(10);
	if (mq_send(q, msg, sizeof msg, 1) != 0) { /* (Linux lost the first one: taken, then EFAULT) */
		printf("@@FAIL review14_mqfault: mq_send after the receive: errno %d\n", errno);
		fails++;
	}
	char in[64];
	unsigned prio = 0;
	ssize_t n = mq_receive(q, in, sizeof in, &prio);
	alarm(0);
	if (n != sizeof in || prio != 1 || strcmp(in, "hello")) {
		printf("@@FAIL review14_mqfault: mq_receive after: %d errno %d\n", (int)n, errno);
		fails++;
	}
	mq_close(q);
	mq_unlink(QNAME);
	if (!fails)
		printf("@@PASS review14_mqfault\n");
	return fails != 0;
}
