/* hunt5_mqkill: POSIX message queues whose senders and receivers are
 * SIGKILLed, stopped and continued at random moments.  Four processes
 * send and receive 8 KiB messages (each from a freshly mapped buffer, so
 * the copy faults) on one queue, some from two threads, while the parent
 * kills one at random every few ms and starts another in its place, and
 * stops and continues others.  On Linux the queue is the kernel's and a
 * killed sender or receiver never leaves it unusable; so here too: after
 * the storm a fresh process must send and receive on the queue within a
 * bound (a child with an alarm: a queue whose lock a dead process holds
 * hangs it), a process registered with mq_notify must hear of the next
 * message (a receiver killed while it waited left a count that silenced
 * it), and every frame must come back.  A plain Linux program:
 * make linux-check PROG=user/test_hunt5_mqkill.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt5_mqkill"
#include "linux_frames.h"

#define QNAME "/hunt5_mqkill"
#define MSG 8192
#define MEMBERS 4
#define ROUNDS 6
#define ROUND_MS 400

static uint32_t seed = 12345;
static uint32_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_usr1(int sig) { (void)sig; }

/* Send (odd k) or receive (even) until killed; each message from a page
 * mapped afresh. */
static void *worker(void *arg)
{
	uintptr_t k = (uintptr_t)arg;
	mqd_t q = mq_open(QNAME, O_RDWR);
	if (q == (mqd_t)-1)
		_exit(2);
	for (unsigned n = 0;; n++) {
		char *b = mmap(NULL, 2 * MSG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (b == MAP_FAILED)
			continue;
		if (k & 1) {
			memset(b, (int)n, 64);
			mq_send(q, b, MSG, n % 4);
		} else {
			mq_receive(q, b, MSG, NULL);
		}
		munmap(b, 2 * MSG);
	}
	return NULL;
}

static pid_t member(int m)
{
	pid_t p = fork();
	if (p)
		return p;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	seed = (uint32_t)getpid();
	if (m % 2) {
		pthread_t t;
		pthread_create(&t, NULL, worker, (void *)(uintptr_t)(m + 1));
	}
	worker((void *)(uintptr_t)m);
	_exit(0);
}

/* A fresh process sends and receives on the queue: 0 if it could within
 * 10 s, else what happened (the queue's lock held by a dead process hangs
 * it: the alarm ends it). */
static int queue_usable(void)
{
	unsigned long oom0 = oom_kills_now();
	pid_t p = fork();
	if (p == 0) {
		alarm(10);
		mqd_t q = mq_open(QNAME, O_RDWR | O_NONBLOCK);
		if (q == (mqd_t)-1)
			_exit(2);
		static char b[MSG];
		while (mq_receive(q, b, MSG, NULL) >= 0) /* drain */
			;
		if (errno != EAGAIN)
			_exit(3);
		if (mq_send(q, "ok", 2, 1) || mq_receive(q, b, MSG, NULL) != 2 || memcmp(b, "ok", 2))
			_exit(4);
		_exit(0);
	}
	int st = 0;
	waitpid(p, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && oom_kills_now() != oom0)
		return 0; /* the OOM killer's (40 MiB): not counted */
	printf(T ": the checker ended with status %#x (%s)\n", st,
	       WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM ? "hung: the queue's lock is held" : "failed");
	return 1;
}

static volatile sig_atomic_t notified;
static void on_usr2(int sig) { (void)sig; notified++; }

/* Registered for the queue's next message into emptiness, we hear of one
 * a fresh process sends (receivers killed while they waited are no
 * receivers: on Linux a notification goes when none waits). */
static int notify_heard(mqd_t q)
{
	static char b[MSG];
	struct mq_attr old, nb = { .mq_flags = O_NONBLOCK };
	mq_setattr(q, &nb, &old);
	while (mq_receive(q, b, MSG, NULL) >= 0) /* empty it */
		;
	mq_setattr(q, &old, NULL);
	notified = 0;
	struct sigevent ev;
	memset(&ev, 0, sizeof ev);
	ev.sigev_notify = SIGEV_SIGNAL;
	ev.sigev_signo = SIGUSR2;
	if (mq_notify(q, &ev)) {
		printf(T ": mq_notify (errno %d)\n", errno);
		return 1;
	}
	pid_t p = fork();
	if (p == 0) {
		mqd_t c = mq_open(QNAME, O_WRONLY);
		_exit(c == (mqd_t)-1 || mq_send(c, "n", 1, 0) ? 1 : 0);
	}
	waitpid(p, NULL, 0);
	for (int t = 0; t < 5000 && !notified; t++)
		nap_us(1000);
	mq_notify(q, NULL);
	if (!notified)
		printf(T ": no notification of a message into the empty queue\n");
	return !notified;
}

static int run(void)
{
	mq_unlink(QNAME);
	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = MSG };
	mqd_t q = mq_open(QNAME, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	if (q == (mqd_t)-1) {
		printf("@@FAIL " T ": mq_open (errno %d)\n", errno);
		return 1;
	}
	int bad = 0;
	for (int r = 0; r < ROUNDS && !bad; r++) {
		pid_t pids[MEMBERS];
		for (int m = 0; m < MEMBERS; m++)
			pids[m] = member(m);
		long end = now_ms() + ROUND_MS;
		while (now_ms() < end) {
			nap_us(500 + rnd() % 3000);
			int m = (int)(rnd() % MEMBERS);
			switch (rnd() % 4) {
			case 0:
				kill(pids[m], SIGKILL);
				waitpid(pids[m], NULL, 0);
				pids[m] = member(m);
				break;
			case 1:
				kill(pids[m], SIGSTOP);
				nap_us(rnd() % 2000);
				kill(pids[m], SIGCONT);
				break;
			default:
				kill(pids[m], SIGUSR1);
			}
		}
		for (int m = 0; m < MEMBERS; m++) {
			kill(pids[m], SIGKILL);
			waitpid(pids[m], NULL, 0);
		}
		if (queue_usable()) {
			printf("@@FAIL " T ": round %d: the queue is unusable after its users were killed\n", r);
			bad = 1;
		}
		else if (notify_heard(q)) {
			printf("@@FAIL " T ": round %d: mq_notify silent after its receivers were killed\n", r);
			bad = 1;
		}
	}
	mq_close(q);
	mq_unlink(QNAME);
	return bad;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGUSR2, on_usr2);
	return run_twice_counted(run);
}
