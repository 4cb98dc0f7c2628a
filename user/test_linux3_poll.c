/* poll, ppoll, select and pselect as Linux programs use them: pipes (data,
 * room, POLLHUP and POLLERR when the other end closes, waits ended by a
 * child's write or close), the console, /dev files and regular files
 * (always ready), timeouts of 0, some ms and none, EINTR from a handled
 * signal (also with SA_RESTART: poll is never restarted), pselect's mask,
 * and bad input (closed descriptors, bad pointers, bad counts). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux3_poll: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static long ms_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* A child that waits ms, then does what: 'w' write a byte to fd, 'c'
 * close fd (its only copy), 'k' kill its parent with SIGUSR1. */
static pid_t later(int ms, char what, int fd)
{
	pid_t parent = getpid();
	pid_t c = fork();
	if (c == 0) {
		usleep((useconds_t)ms * 1000);
		if (what == 'w')
			_exit(write(fd, "x", 1) == 1 ? 0 : 1);
		if (what == 'c')
			_exit(close(fd));
		_exit(kill(parent, SIGUSR1));
	}
	return c;
}

static int reap(pid_t c)
{
	int st;
	return waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void pipes(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	struct pollfd f[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	CHECK(poll(f, 2, 0) == 1 && f[0].revents == 0 && (f[1].revents & POLLOUT));
	CHECK(poll(f, 1, 0) == 0 && f[0].revents == 0);
	long t0 = ms_now();
	CHECK(poll(f, 1, 100) == 0);
	CHECK(ms_now() - t0 >= 100);
	CHECK(write(p[1], "ab", 2) == 2);
	CHECK(poll(f, 1, -1) == 1 && f[0].revents == POLLIN);
	char b[8];
	CHECK(read(p[0], b, sizeof b) == 2);
	/* woken by a child's write */
	pid_t c = later(100, 'w', p[1]);
	f[0].revents = -1;
	CHECK(poll(f, 1, -1) == 1 && f[0].revents == POLLIN);
	CHECK(reap(c));
	CHECK(read(p[0], b, 1) == 1);
	/* a full pipe is not writable; reading makes room */
	CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
	static char big[4096];
	while (write(p[1], big, sizeof big) > 0)
		;
	CHECK(poll(&f[1], 1, 0) == 0);
	CHECK(read(p[0], big, sizeof big) == sizeof big);
	CHECK(poll(&f[1], 1, 0) == 1 && (f[1].revents & POLLOUT));
	close(p[0]);
	CHECK(poll(&f[1], 1, 0) == 1 && (f[1].revents & POLLERR));
	close(p[1]);
	/* POLLHUP: the last writer closes, data first */
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "z", 1) == 1);
	close(p[1]);
	struct pollfd r = { p[0], POLLIN, 0 };
	CHECK(poll(&r, 1, 0) == 1 && (r.revents & POLLIN) && (r.revents & POLLHUP));
	CHECK(read(p[0], b, 1) == 1);
	CHECK(poll(&r, 1, 0) == 1 && r.revents == POLLHUP);
	close(p[0]);
	/* a wait ended by the writer's close in a child */
	CHECK(pipe(p) == 0);
	c = later(100, 'c', p[1]);
	close(p[1]);
	r = (struct pollfd){ p[0], POLLIN, 0 };
	CHECK(poll(&r, 1, -1) == 1 && r.revents == POLLHUP);
	CHECK(reap(c));
	close(p[0]);
	/* three pipes, the middle one written */
	int q[3][2];
	struct pollfd m[3];
	for (int i = 0; i < 3; i++) {
		CHECK(pipe(q[i]) == 0);
		m[i] = (struct pollfd){ q[i][0], POLLIN, 0 };
	}
	c = later(50, 'w', q[1][1]);
	CHECK(poll(m, 3, 10000) == 1 && m[0].revents == 0 && m[1].revents == POLLIN &&
	      m[2].revents == 0);
	CHECK(reap(c));
	for (int i = 0; i < 3; i++)
		close(q[i][0]), close(q[i][1]);
}

static volatile int got;
static void on_usr1(int s)
{
	(void)s;
	got++;
}

static void interrupted(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	struct sigaction sa = { 0 };
	sa.sa_handler = on_usr1;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	struct pollfd f = { p[0], POLLIN, 0 };
	got = 0;
	pid_t c = later(100, 'k', -1);
	errno = 0;
	CHECK(poll(&f, 1, -1) == -1 && errno == EINTR && got == 1);
	CHECK(reap(c));
	sa.sa_flags = SA_RESTART; /* poll is never restarted */
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	c = later(100, 'k', -1);
	errno = 0;
	CHECK(poll(&f, 1, 20000) == -1 && errno == EINTR && got == 2);
	CHECK(reap(c));
	/* select and a sleep with nothing to watch */
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	c = later(100, 'k', -1);
	errno = 0;
	CHECK(select(p[0] + 1, &rd, NULL, NULL, NULL) == -1 && errno == EINTR && got == 3);
	CHECK(reap(c));
	c = later(100, 'k', -1);
	errno = 0;
	CHECK(poll(NULL, 0, -1) == -1 && errno == EINTR && got == 4);
	CHECK(reap(c));
	/* pselect: SIGUSR1 blocked and pending, let through only while it waits */
	sigset_t block, none;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&none);
	CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(got == 4);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	struct timespec ts = { 10, 0 };
	errno = 0;
	CHECK(pselect(p[0] + 1, &rd, NULL, NULL, &ts, &none) == -1 && errno == EINTR && got == 5);
	struct pollfd g = { p[0], POLLIN, 0 };
	CHECK(raise(SIGUSR1) == 0);
	errno = 0;
	CHECK(ppoll(&g, 1, &ts, &none) == -1 && errno == EINTR && got == 6);
	sigset_t now;
	CHECK(sigprocmask(SIG_SETMASK, NULL, &now) == 0 && sigismember(&now, SIGUSR1));
	CHECK(sigprocmask(SIG_UNBLOCK, &block, NULL) == 0);
	signal(SIGUSR1, SIG_DFL);
	close(p[0]);
	close(p[1]);
}

static void files_and_console(const char *self)
{
	int n = open("/dev/null", O_RDWR), z = open("/dev/zero", O_RDONLY);
	int f = open(self, O_RDONLY);
	CHECK(n >= 0 && z >= 0 && f >= 0);
	struct pollfd p[3] = { { n, POLLIN | POLLOUT, 0 }, { z, POLLIN, 0 }, { f, POLLIN, 0 } };
	CHECK(poll(p, 3, -1) == 3);
	CHECK(p[0].revents == (POLLIN | POLLOUT) && p[1].revents == POLLIN && p[2].revents == POLLIN);
	fd_set rd, wr;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(f, &rd);
	FD_SET(n, &wr);
	struct timeval tv = { 5, 0 };
	CHECK(select((f > n ? f : n) + 1, &rd, &wr, NULL, &tv) == 2 && FD_ISSET(f, &rd) &&
	      FD_ISSET(n, &wr));
	close(n);
	close(z);
	close(f);
	if (!isatty(0) || !isatty(1))
		return; /* (on Linux under a pipe: the console part needs a terminal) */
	struct pollfd c[2] = { { 0, POLLIN, 0 }, { 1, POLLOUT, 0 } };
	CHECK(poll(c, 2, 0) == 1 && c[0].revents == 0 && (c[1].revents & POLLOUT));
	long t0 = ms_now();
	CHECK(poll(c, 1, 60) == 0); /* nobody types */
	CHECK(ms_now() - t0 >= 60);
	/* the console and a pipe: the pipe's write ends the wait */
	int q[2];
	CHECK(pipe(q) == 0);
	struct pollfd cq[2] = { { 0, POLLIN, 0 }, { q[0], POLLIN, 0 } };
	pid_t k = later(100, 'w', q[1]);
	CHECK(poll(cq, 2, 20000) == 1 && cq[0].revents == 0 && cq[1].revents == POLLIN);
	CHECK(reap(k));
	close(q[0]);
	close(q[1]);
}

static struct pollfd *volatile badp;
static volatile nfds_t huge = 1u << 30;

static void timeouts_and_bad(void)
{
	long t0 = ms_now();
	CHECK(poll(NULL, 0, 50) == 0);
	CHECK(ms_now() - t0 >= 50);
	struct timeval tv = { 0, 50000 };
	t0 = ms_now();
	CHECK(select(0, NULL, NULL, NULL, &tv) == 0);
	CHECK(ms_now() - t0 >= 50 && tv.tv_sec == 0 && tv.tv_usec == 0);
	struct timespec ts = { 0, 0 };
	int p[2];
	CHECK(pipe(p) == 0);
	struct pollfd f[2] = { { p[0], POLLIN, 0 }, { -1, POLLIN, 7 } };
	CHECK(ppoll(f, 2, &ts, NULL) == 0 && f[1].revents == 0);
	close(p[1]);
	close(p[0]);
	f[0].revents = 0;
	CHECK(poll(f, 1, -1) == 1 && f[0].revents == POLLNVAL); /* closed */
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv = (struct timeval){ 0, 0 };
	errno = 0;
	CHECK(select(p[0] + 1, &rd, NULL, NULL, &tv) == -1 && errno == EBADF);
	errno = 0;
	CHECK(select(-1, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL);
	tv.tv_usec = -1;
	errno = 0;
	CHECK(select(0, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL);
	ts.tv_nsec = 1000000000;
	errno = 0;
	CHECK(ppoll(NULL, 0, &ts, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(poll(badp, 1, 0) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(poll((struct pollfd *)-4096L, 1, 0) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(poll(f, huge, 0) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(select(1, (fd_set *)badp + 1, NULL, NULL, &(struct timeval){ 0, 0 }) == -1 &&
	      errno == EFAULT);
}

int main(int argc, char **argv)
{
	(void)argc;
	pipes();
	interrupted();
	files_and_console(argv[0]);
	timeouts_and_bad();
	if (!fails)
		printf("@@PASS linux3_poll\n");
	return fails != 0;
}
