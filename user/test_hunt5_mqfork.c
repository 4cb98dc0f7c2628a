/* hunt5_mqfork: fork while another thread opens and closes message
 * queue descriptors.  Two threads of the parent mq_open and mq_close in a
 * loop while the main thread forks children that each mq_open, send,
 * receive and mq_close once (with an alarm); the parent holds 200
 * descriptors, so that each open's walk over the table takes a while.  A child started while a
 * thread of its parent held libsys's descriptor-table lock for queues
 * inherited it held, with nobody to let it go: its mq_open waited for
 * good.  Every child must end 0, and every frame must come back.  A plain
 * Linux program: make linux-check PROG=user/test_hunt5_mqfork.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#define T "hunt5_mqfork"
#include "linux_frames.h"

#define QNAME "/hunt5_mqfork"
#define FORKS 300
#define HELD 200 /* descriptors held: each open walks past them */

static volatile int stop;

static void *churn(void *arg)
{
	(void)arg;
	while (!stop) {
		mqd_t q = mq_open(QNAME, O_RDWR);
		if (q != (mqd_t)-1)
			mq_close(q);
	}
	return NULL;
}

static int run(void)
{
	mq_unlink(QNAME);
	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = 64 };
	mqd_t q = mq_open(QNAME, O_RDWR | O_CREAT, 0600, &a);
	if (q == (mqd_t)-1) {
		printf("@@FAIL " T ": mq_open (errno %d)\n", errno);
		return 1;
	}
	static mqd_t held[HELD];
	for (int i = 0; i < HELD; i++)
		held[i] = mq_open(QNAME, O_RDWR);
	stop = 0;
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, churn, NULL);
	int bad = 0;
	for (int n = 0; n < FORKS && !bad; n++) {
		pid_t c = fork();
		if (c == 0) {
			alarm(10);
			char b[64];
			mqd_t m = mq_open(QNAME, O_RDWR);
			if (m == (mqd_t)-1 || mq_send(m, "x", 1, 0) || mq_receive(m, b, sizeof b, NULL) != 1)
				_exit(2);
			mq_close(m);
			_exit(0);
		}
		int st = 0, waited = 0;
		while (waitpid(c, &st, WNOHANG) == 0 && waited < 15000) {
			usleep(1000);
			waited++;
		}
		if (waited == 15000) { /* (the lock may be held with signals off) */
			printf("@@FAIL " T ": fork %d: the child hung in mq_open\n", n);
			kill(c, SIGKILL);
			waitpid(c, &st, 0);
			bad = 1;
		} else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("@@FAIL " T ": fork %d: the child ended %#x%s\n", n, st,
			       WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM ? " (hung in mq_open)" : "");
			bad = 1;
		}
	}
	stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < HELD; i++)
		if (held[i] != (mqd_t)-1)
			mq_close(held[i]);
	mq_close(q);
	mq_unlink(QNAME);
	return bad;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	return run_twice_counted(run);
}
