/* POSIX message queues as Linux has them (checked on Linux 6.1 with make
 * linux-check): names and their errors, priorities (highest first, oldest
 * first within one), size limits, O_NONBLOCK and time-outs, a sender and
 * a receiver in two processes blocking on a full and an empty queue (200
 * messages, each checked), mq_notify's signal with its value and EBUSY
 * for a second process, descriptors' access modes, unlink while open. */
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

#define N "linux6_mqueue"
#define Q "/l6mq_test"
#define CHECK(cond) do {                                                       \
	if (!(cond)) {                                                         \
		printf("@@FAIL %s: line %d: %s (errno %d)\n", N, __LINE__, #cond, errno); \
		mq_unlink(Q);                                                  \
		exit(1);                                                       \
	}                                                                      \
} while (0)

static volatile sig_atomic_t notified, note_value;

static void on_note(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	note_value = si->si_value.sival_int;
	notified = 1;
}

static struct timespec in_ms(long ms)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += (ms % 1000) * 1000000;
	t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	return t;
}

static int child_ok(pid_t pid)
{
	int st;
	pid_t r;
	while ((r = waitpid(pid, &st, 0)) == -1 && errno == EINTR)
		; /* (the notification's signal) */
	if (r == pid && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		printf("%s: child status %#x\n", N, st);
	return r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(void)
{
	struct mq_attr a = { .mq_maxmsg = 4, .mq_msgsize = 64 }, g;
	char buf[128];
	unsigned prio;
	mq_unlink(Q);

	/* names */
	errno = 0;
	CHECK(mq_open("noslash", O_RDWR | O_CREAT, 0600, &a) == (mqd_t)-1 && errno == EINVAL);
	errno = 0;
	CHECK(mq_open("/a/b", O_RDWR | O_CREAT, 0600, &a) == (mqd_t)-1 && errno == EACCES);
	errno = 0;
	CHECK(mq_open("/l6mq_none", O_RDONLY) == (mqd_t)-1 && errno == ENOENT);
	struct mq_attr bad = { .mq_maxmsg = 0, .mq_msgsize = 64 };
	errno = 0;
	CHECK(mq_open(Q, O_RDWR | O_CREAT, 0600, &bad) == (mqd_t)-1 && errno == EINVAL);

	mqd_t q = mq_open(Q, O_RDWR | O_CREAT | O_EXCL, 0600, &a);
	CHECK(q != (mqd_t)-1);
	errno = 0;
	CHECK(mq_open(Q, O_RDWR | O_CREAT | O_EXCL, 0600, &a) == (mqd_t)-1 && errno == EEXIST);
	CHECK(mq_getattr(q, &g) == 0 && g.mq_maxmsg == 4 && g.mq_msgsize == 64 &&
	      g.mq_curmsgs == 0 && g.mq_flags == 0);

	/* priorities */
	CHECK(mq_send(q, "one", 4, 1) == 0 && mq_send(q, "five-a", 7, 5) == 0);
	CHECK(mq_send(q, "three", 6, 3) == 0 && mq_send(q, "five-b", 7, 5) == 0);
	CHECK(mq_getattr(q, &g) == 0 && g.mq_curmsgs == 4);
	const char *want[] = { "five-a", "five-b", "three", "one" };
	unsigned wprio[] = { 5, 5, 3, 1 };
	for (int i = 0; i < 4; i++)
		CHECK(mq_receive(q, buf, sizeof buf, &prio) == (ssize_t)strlen(want[i]) + 1 &&
		      strcmp(buf, want[i]) == 0 && prio == wprio[i]);

	/* sizes, priorities out of range, O_NONBLOCK, time-outs */
	char big[65] = { 0 };
	errno = 0;
	CHECK(mq_send(q, big, 65, 0) == -1 && errno == EMSGSIZE);
	errno = 0;
	CHECK(mq_send(q, big, 1, 32768) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(mq_receive(q, buf, 63, NULL) == -1 && errno == EMSGSIZE);
	struct timespec t = in_ms(50);
	errno = 0;
	CHECK(mq_timedreceive(q, buf, sizeof buf, NULL, &t) == -1 && errno == ETIMEDOUT);
	t.tv_nsec = 2000000000;
	errno = 0;
	CHECK(mq_timedreceive(q, buf, sizeof buf, NULL, &t) == -1 && errno == EINVAL);
	struct mq_attr nb = { .mq_flags = O_NONBLOCK };
	CHECK(mq_setattr(q, &nb, &g) == 0 && g.mq_flags == 0);
	errno = 0;
	CHECK(mq_receive(q, buf, sizeof buf, NULL) == -1 && errno == EAGAIN);
	for (int i = 0; i < 4; i++)
		CHECK(mq_send(q, "x", 1, 0) == 0);
	errno = 0;
	CHECK(mq_send(q, "x", 1, 0) == -1 && errno == EAGAIN);
	t = in_ms(30);
	nb.mq_flags = 0;
	CHECK(mq_setattr(q, &nb, NULL) == 0);
	errno = 0;
	CHECK(mq_timedsend(q, "x", 1, 0, &t) == -1 && errno == ETIMEDOUT);
	for (int i = 0; i < 4; i++)
		CHECK(mq_receive(q, buf, sizeof buf, NULL) == 1);

	/* two processes: the child sends 200 into a queue of 4 (it blocks
	 * while full), then waits for one in an empty queue (it blocks) */
	pid_t pid = fork();
	if (pid == 0) {
		mqd_t w = mq_open(Q, O_WRONLY);
		mqd_t r = mq_open(Q, O_RDONLY);
		if (w == (mqd_t)-1 || r == (mqd_t)-1)
			_exit(2);
		errno = 0;
		if (mq_receive(w, buf, sizeof buf, NULL) != -1 || errno != EBADF)
			_exit(3);
		for (int i = 0; i < 200; i++) {
			snprintf(buf, sizeof buf, "msg %d", i);
			if (mq_send(w, buf, strlen(buf) + 1, (unsigned)(i % 3 == 0)) != 0)
				_exit(4);
		}
		usleep(100 * 1000); /* the parent takes the last ones */
		if (mq_receive(r, buf, sizeof buf, &prio) != 6 || strcmp(buf, "reply") || prio != 7)
			_exit(5);
		_exit(0);
	}
	CHECK(pid > 0);
	int next_hi = 0, next_lo = 1, got = 0;
	while (got < 200) {
		ssize_t n = mq_receive(q, buf, sizeof buf, &prio);
		CHECK(n > 0);
		int v = atoi(buf + 4);
		/* within one priority, in the order sent */
		if (prio == 1) {
			CHECK(v == next_hi && v % 3 == 0);
			next_hi += 3;
		} else {
			CHECK(prio == 0 && v == next_lo && v % 3 != 0);
			next_lo += next_lo % 3 == 1 ? 1 : 2;
		}
		got++;
	}
	usleep(200 * 1000); /* the child waits on an empty queue by now */
	CHECK(mq_send(q, "reply", 6, 7) == 0);
	CHECK(child_ok(pid));

	/* notification: a message into the empty queue signals us once; a
	 * second process cannot register meanwhile */
	struct sigaction sa = { .sa_sigaction = on_note, .sa_flags = SA_SIGINFO };
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	sev.sigev_value.sival_int = 42;
	CHECK(mq_notify(q, &sev) == 0);
	pid = fork();
	if (pid == 0) {
		mqd_t w = mq_open(Q, O_WRONLY);
		errno = 0;
		if (w == (mqd_t)-1 || mq_notify(w, &sev) != -1 || errno != EBUSY)
			_exit(2);
		if (mq_send(w, "ping", 5, 0) != 0)
			_exit(3);
		_exit(0);
	}
	CHECK(child_ok(pid));
	for (int i = 0; i < 200 && !notified; i++)
		usleep(10 * 1000);
	CHECK(notified && note_value == 42);
	CHECK(mq_receive(q, buf, sizeof buf, NULL) == 5);
	notified = 0;
	CHECK(mq_send(q, "again", 6, 0) == 0); /* registration used up */
	usleep(50 * 1000);
	CHECK(!notified);
	CHECK(mq_notify(q, &sev) == 0 && mq_notify(q, NULL) == 0); /* taken back */

	/* unlink while open: the name goes, the queue stays */
	CHECK(mq_unlink(Q) == 0);
	errno = 0;
	CHECK(mq_open(Q, O_RDONLY) == (mqd_t)-1 && errno == ENOENT);
	errno = 0;
	CHECK(mq_unlink(Q) == -1 && errno == ENOENT);
	CHECK(mq_receive(q, buf, sizeof buf, NULL) == 6 && strcmp(buf, "again") == 0);
	CHECK(mq_close(q) == 0);
	errno = 0;
	CHECK(mq_close(q) == -1 && errno == EBADF);
	errno = 0;
	CHECK(mq_send(q, "x", 1, 0) == -1 && errno == EBADF);
	printf("@@PASS %s\n", N);
	return 0;
}
