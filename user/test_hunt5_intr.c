/* hunt5_intr: blocking calls that the pager keeps saved (a pipe read and
 * write, poll, epoll_wait, waitpid, accept and connect, recv, eventfd and
 * timerfd reads, mq_receive) interrupted at random moments by handled
 * signals (no SA_RESTART: EINTR), stops and continues, and SIGKILL of
 * either end.  Each round the parent makes one of each object and starts
 * MEMBERS processes of two threads that block on them in turn, each call
 * on its own fresh buffer; the parent (the supervisor) then, every few ms,
 * signals a random member, stops and continues one, or SIGKILLs it and
 * starts another.  At the round's end every member is killed and reaped
 * (no hang), and fresh processes must still talk through the round's
 * pipe (a pipe whose saved calls of dead processes were never let go
 * would refuse or hang them: a checker with an alarm).  After all rounds:
 * as many pipes can be made as before (the pager's pipe table, which
 * sockets, eventfds, timerfds and epolls use too, got every one back) and
 * every frame is back.  A plain Linux program: make linux-check
 * PROG=user/test_hunt5_intr.c. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt5_intr"
#include "linux_frames.h"

#define MEMBERS 5
#define ROUNDS 5
#define ROUND_MS 500
#define QNAME "/hunt5_intr"
#define SOCK "/tmp/hunt5_intr.sock"

static uint32_t seed = 777;
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

/* The round's objects, made by the parent and inherited. */
static int pfd[2], full[2], sp[2], efd, tfd, ep, lsn;
static struct sockaddr_un sa_un;
static socklen_t sa_len;

static void on_usr1(int sig) { (void)sig; }

/* One blocking call of kind k on a fresh buffer (its result does not
 * matter: EINTR, data, or nothing). */
static void one_call(unsigned k, uint32_t *s)
{
	char *b = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return;
	*s = *s * 1103515245u + 12345u;
	switch (k % 11) {
	case 0:
		read(pfd[0], b, 100);
		break;
	case 1:
		write(full[1], b, 4096); /* the parent filled it: waits */
		break;
	case 2: {
		struct pollfd p[3] = { { pfd[0], POLLIN, 0 }, { efd, POLLIN, 0 }, { sp[0], POLLIN, 0 } };
		poll(p, 3, 1000);
		break;
	}
	case 3: {
		struct epoll_event ev[4];
		epoll_wait(ep, ev, 4, 1000);
		break;
	}
	case 4: {
		pid_t c = fork();
		if (c == 0) {
			nap_us(*s % 20000);
			_exit(0);
		}
		if (c > 0 && waitpid(c, NULL, 0) < 0 && errno == EINTR) {
			kill(c, SIGKILL);
			waitpid(c, NULL, 0);
		}
		break;
	}
	case 5: {
		int c = accept(lsn, NULL, NULL);
		if (c >= 0) {
			recv(c, b, 100, 0);
			close(c);
		}
		break;
	}
	case 6: {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (c >= 0 && connect(c, (struct sockaddr *)&sa_un, sa_len) == 0)
			send(c, b, 10, MSG_NOSIGNAL);
		if (c >= 0)
			close(c);
		break;
	}
	case 7:
		if (*s & 1)
			recv(sp[0], b, 100, 0);
		else
			send(sp[1], b, 10, MSG_NOSIGNAL);
		break;
	case 8: {
		uint64_t v = 1;
		if (*s & 1)
			read(efd, &v, 8);
		else
			write(efd, &v, 8);
		break;
	}
	case 9: {
		uint64_t v;
		read(tfd, &v, 8);
		break;
	}
	case 10: {
		mqd_t q = mq_open(QNAME, O_RDWR);
		if (q != (mqd_t)-1) {
			if (*s & 1)
				mq_receive(q, b, 8192, NULL);
			else
				mq_send(q, b, 100, 0);
			mq_close(q);
		}
		break;
	}
	}
	if (*s % 7 == 0)
		write(pfd[1], "x", 1); /* now and then a byte for a reader */
	munmap(b, 8192);
}

static void *caller(void *arg)
{
	uint32_t s = (uint32_t)(uintptr_t)arg * 2654435761u + (uint32_t)getpid();
	for (;;)
		one_call(s >> 8, &s), s = s * 69069u + 1;
	return NULL;
}

static pid_t member(int m)
{
	pid_t p = fork();
	if (p)
		return p;
	struct sigaction a;
	memset(&a, 0, sizeof a);
	a.sa_handler = on_usr1;
	sigaction(SIGUSR1, &a, NULL);
	pthread_t t;
	pthread_create(&t, NULL, caller, (void *)(uintptr_t)(m * 2 + 1));
	caller((void *)(uintptr_t)(m * 2));
	_exit(0);
}

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", \
	__LINE__, #c, errno); fails++; } } while (0)

/* Under 96 MiB a pipe may find no frame (ENFILE, as a full table): the
 * round is left out then, not failed. */
static int small_mem, no_objects;
#define OBJ(c) do { if (!(c)) { if (small_mem && (errno == ENFILE || errno == ENOMEM)) \
	no_objects = 1; else CHECK(c); } } while (0)

static void make_objects(void)
{
	OBJ(pipe(pfd) == 0);
	OBJ(pipe(full) == 0);
	fcntl(full[1], F_SETFL, O_NONBLOCK);
	static char junk[4096];
	while (write(full[1], junk, sizeof junk) > 0)
		;
	fcntl(full[1], F_SETFL, 0);
	OBJ(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0);
	OBJ((efd = eventfd(0, 0)) >= 0);
	OBJ((tfd = timerfd_create(CLOCK_MONOTONIC, 0)) >= 0);
	struct itimerspec it = { { 0, 3000000 }, { 0, 3000000 } };
	OBJ(timerfd_settime(tfd, 0, &it, NULL) == 0);
	OBJ((ep = epoll_create1(0)) >= 0);
	struct epoll_event ev = { .events = EPOLLIN };
	ev.data.fd = pfd[0];
	OBJ(epoll_ctl(ep, EPOLL_CTL_ADD, pfd[0], &ev) == 0);
	ev.data.fd = efd;
	OBJ(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) == 0);
	memset(&sa_un, 0, sizeof sa_un);
	sa_un.sun_family = AF_UNIX;
	strcpy(sa_un.sun_path, SOCK);
	sa_len = (socklen_t)(sizeof(sa_family_t) + strlen(SOCK) + 1);
	unlink(SOCK);
	OBJ((lsn = socket(AF_UNIX, SOCK_STREAM, 0)) >= 0);
	OBJ(bind(lsn, (struct sockaddr *)&sa_un, sa_len) == 0);
	OBJ(listen(lsn, 4) == 0);
	mq_unlink(QNAME);
	struct mq_attr qa = { .mq_maxmsg = 2, .mq_msgsize = 8192 };
	mqd_t q = mq_open(QNAME, O_RDWR | O_CREAT, 0600, &qa);
	OBJ(q != (mqd_t)-1);
	mq_close(q);
}

static void drop_objects(void)
{
	int fds[] = { pfd[0], pfd[1], full[0], full[1], sp[0], sp[1], efd, tfd, ep, lsn };
	for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; i++)
		close(fds[i]);
	unlink(SOCK);
	mq_unlink(QNAME);
}

/* Two fresh processes talk through the round's pipe and socket pair and
 * the queue: 0 if they could within 10 s. */
static volatile int step;
static void on_alarm(int sig) { (void)sig; _exit(20 + step); }

static int objects_usable(void)
{
	char b[8192];
	fcntl(pfd[0], F_SETFL, O_NONBLOCK);
	while (read(pfd[0], b, sizeof b) > 0) /* what the members left */
		;
	fcntl(pfd[0], F_SETFL, 0);
	unsigned long oom0 = oom_kills_now();
	pid_t w = fork();
	if (w == 0) {
		signal(SIGALRM, on_alarm);
		alarm(10);
		for (int i = 0; i < 50; i++)
			if (write(pfd[1], "abcd", 4) != 4)
				_exit(2);
		step = 1;
		if (send(sp[1], "hello", 5, MSG_NOSIGNAL) != 5)
			_exit(3);
		step = 2;
		mqd_t q = mq_open(QNAME, O_RDWR);
		step = 3;
		if (q == (mqd_t)-1 || mq_send(q, "m", 1, 0))
			_exit(4);
		step = 4;
		_exit(0);
	}
	pid_t r = fork();
	if (r == 0) {
		signal(SIGALRM, on_alarm);
		alarm(10);
		size_t got = 0;
		while (got < 200) {
			ssize_t n = read(pfd[0], b, 200 - got);
			if (n <= 0)
				_exit(2);
			for (ssize_t i = 0; i < n; i++)
				if (b[i] != "abcd"[(got + (size_t)i) % 4])
					_exit(5);
			got += (size_t)n;
		}
		step = 1;
		fcntl(sp[0], F_SETFL, O_NONBLOCK);
		ssize_t n;
		while ((n = recv(sp[0], b, sizeof b, 0)) > 0 && !(n >= 5 && !memcmp(b + n - 5, "hello", 5)))
			; /* (what the members sent first) */
		fcntl(sp[0], F_SETFL, 0);
		step = 2;
		mqd_t q = mq_open(QNAME, O_RDWR);
		if (q == (mqd_t)-1)
			_exit(4);
		step = 3;
		for (;;) { /* what the members sent first, then ours */
			n = mq_receive(q, b, sizeof b, NULL);
			if (n < 0)
				_exit(6);
			if (n == 1 && b[0] == 'm')
				break;
		}
		_exit(0);
	}
	int st1 = 0, st2 = 0;
	waitpid(w, &st1, 0);
	waitpid(r, &st2, 0);
	if (WIFEXITED(st1) && !WEXITSTATUS(st1) && WIFEXITED(st2) && !WEXITSTATUS(st2))
		return 0;
	printf(T ": the writer ended %#x, the reader %#x\n", st1, st2);
	if (oom_kills_now() != oom0 && ((WIFSIGNALED(st1) && WTERMSIG(st1) == SIGKILL) ||
					(WIFSIGNALED(st2) && WTERMSIG(st2) == SIGKILL))) {
		printf(T ": (the OOM killer's: not counted)\n");
		return 0;
	}
	return 1;
}

static int run(void)
{
	for (int r = 0; r < ROUNDS && !fails; r++) {
		no_objects = 0;
		make_objects();
		if (no_objects) {
			printf(T ": round %d left out: no memory for its objects\n", r);
			drop_objects();
			continue;
		}
		pid_t pids[MEMBERS];
		for (int m = 0; m < MEMBERS; m++)
			pids[m] = member(m);
		long end = now_ms() + ROUND_MS;
		while (now_ms() < end) {
			nap_us(300 + rnd() % 2000);
			int m = (int)(rnd() % MEMBERS);
			switch (rnd() % 5) {
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
		if (objects_usable()) {
			printf("@@FAIL " T ": round %d: the objects are unusable after the storm\n", r);
			fails++;
		}
		drop_objects();
	}
	return fails;
}

/* How many pipes one process can make (at most 400), all closed again. */
static int pipes_free(void)
{
	static int fds[400][2];
	int n = 0;
	while (n < 400 && pipe(fds[n]) == 0)
		n++;
	for (int i = 0; i < n; i++)
		close(fds[i][0]), close(fds[i][1]);
	return n;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	struct sysinfo si;
	small_mem = sysinfo(&si) == 0 && (uint64_t)si.totalram * si.mem_unit < (96ull << 20);
	touch_image();
	if (run()) /* once: the pager's pools grow for good */
		return 1;
	int before = pipes_free();
#if FRAMES
	long fbefore = frames_before(3000);
#endif
	if (run())
		return 1;
#if FRAMES
	if (!frames_back(fbefore, 3000))
		return 1;
#endif
	int after = pipes_free();
	printf(T ": %d pipes could be made before, %d after\n", before, after);
	if (after < before) {
		printf("@@FAIL " T ": %d pipes lost\n", before - after);
		return 1;
	}
	printf("@@PASS " T "\n");
	return 0;
}
