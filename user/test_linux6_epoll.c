/* epoll as Linux's: epoll_ctl's errors (EEXIST, ENOENT, EBADF, EINVAL,
 * EPERM for a regular file, EFAULT), level-triggered waits over a pipe,
 * a socket pair and an eventfd with time-outs, a blocking wait woken by
 * a fork child, EPOLLONESHOT, EPOLLET, an interest gone with its
 * description's last descriptor (not with a dup's close), an epoll fd in
 * poll, a wait in one thread woken by an epoll_ctl ADD of a ready
 * descriptor in another. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <pthread.h>
#include <unistd.h>

#define T "linux6_epoll"

static int fails;
#define CHECK(c, ...) do { if (!(c)) { printf("@@FAIL " T ": line %d: ", __LINE__); \
	printf(__VA_ARGS__); printf(" (errno %d)\n", errno); fails++; } } while (0)
#define ERR(call, e) do { errno = 0; long r_ = (long)(call); \
	CHECK(r_ == -1 && errno == (e), #call " = %ld, want errno %d", r_, (e)); } while (0)

static volatile unsigned long bad_addr = 8;

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int waiter_ep;
static struct epoll_event waiter_got;

static void *waiter(void *arg)
{
	(void)arg;
	return (void *)(long)epoll_wait(waiter_ep, &waiter_got, 1, -1);
}

/* A thread waits on an empty epoll; another adds a ready eventfd. */
static void ctl_while_waiting(void)
{
	pthread_t th;
	waiter_ep = epoll_create1(0);
	int e = eventfd(1, 0);
	pthread_create(&th, NULL, waiter, NULL);
	usleep(50000); /* (most likely waiting by now; either way it must see it) */
	CHECK(add(waiter_ep, e, EPOLLIN, 42) == 0, "add while waiting");
	void *r;
	pthread_join(th, &r);
	CHECK((long)r == 1 && waiter_got.data.u64 == 42, "woken by the add: %ld", (long)r);
	close(e), close(waiter_ep);
}

int main(void)
{
	struct epoll_event out[8];
	int ep = epoll_create1(EPOLL_CLOEXEC), p[2], sv[2];
	CHECK(ep >= 0 && fcntl(ep, F_GETFD) == FD_CLOEXEC, "epoll_create1");
	int e = eventfd(0, EFD_NONBLOCK);
	pipe(p);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int f = open("/tmp/" T, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(f >= 0, "a file");

	/* errors */
	ERR(add(ep, f, EPOLLIN, 0), EPERM);
	ERR(add(ep, ep, EPOLLIN, 0), EINVAL);
	ERR(add(ep, 999, EPOLLIN, 0), EBADF);
	ERR(add(e, p[0], EPOLLIN, 0), EINVAL);
	ERR(epoll_ctl(ep, 9, e, &(struct epoll_event){ 0 }), EINVAL);
	ERR(epoll_ctl(ep, EPOLL_CTL_ADD, e, (struct epoll_event *)bad_addr), EFAULT);
	CHECK(add(ep, e, EPOLLIN, 1) == 0, "add eventfd");
	ERR(add(ep, e, EPOLLIN, 1), EEXIST);
	ERR(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &(struct epoll_event){ 0 }), ENOENT);
	ERR(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
	ERR(epoll_wait(ep, out, 0, 0), EINVAL);
	ERR(epoll_wait(e, out, 1, 0), EINVAL);
	ERR(epoll_wait(999, out, 1, 0), EBADF);
	ERR(epoll_create(0), EINVAL);
	ERR(epoll_create1(5), EINVAL);
	CHECK(add(ep, p[0], EPOLLIN, 2) == 0 && add(ep, sv[0], EPOLLIN | EPOLLRDHUP, 3) == 0,
	      "add pipe, socket");

	/* level-triggered: nothing, then each one ready until drained */
	CHECK(epoll_wait(ep, out, 8, 0) == 0, "nothing ready");
	CHECK(epoll_wait(ep, out, 8, 30) == 0, "a time-out");
	uint64_t one = 1;
	write(e, &one, 8);
	write(p[1], "x", 1);
	int n = epoll_wait(ep, out, 8, -1);
	CHECK(n == 2, "two ready: %d", n);
	uint64_t seen = 0;
	for (int i = 0; i < n; i++) {
		seen |= 1ull << out[i].data.u64;
		CHECK(out[i].events == EPOLLIN, "%#x", out[i].events);
	}
	CHECK(seen == 6, "eventfd and pipe: %#llx", (unsigned long long)seen);
	CHECK(epoll_wait(ep, out, 8, 0) == 2, "level: again");
	CHECK(epoll_wait(ep, out, 1, 0) == 1, "maxevents 1");
	uint64_t v;
	char b[8];
	read(e, &v, 8), read(p[0], b, 1);
	CHECK(epoll_wait(ep, out, 8, 0) == 0, "drained");

	/* a blocking wait woken by a child's write into the socket */
	pid_t pid = fork();
	if (pid == 0) {
		usleep(50000);
		_exit(write(sv[1], "hi", 2) == 2 ? 0 : 1);
	}
	n = epoll_wait(ep, out, 8, -1);
	CHECK(n == 1 && out[0].data.u64 == 3 && out[0].events == EPOLLIN, "socket: %d %#x", n,
	      n > 0 ? out[0].events : 0);
	int st;
	waitpid(pid, &st, 0);
	recv(sv[0], b, sizeof b, 0);
	close(sv[1]); /* the peer gone: EPOLLIN | EPOLLRDHUP | EPOLLHUP */
	n = epoll_wait(ep, out, 8, 0);
	CHECK(n == 1 && out[0].events == (EPOLLIN | EPOLLRDHUP | EPOLLHUP), "hup %d %#x", n,
	      n > 0 ? out[0].events : 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, sv[0], NULL) == 0, "del");
	CHECK(epoll_wait(ep, out, 8, 0) == 0, "deleted");

	/* EPOLLOUT on the pipe's write end; MOD to EPOLLONESHOT */
	CHECK(add(ep, p[1], EPOLLOUT | EPOLLONESHOT, 4) == 0, "add oneshot");
	CHECK(epoll_wait(ep, out, 8, 0) == 1 && out[0].events == EPOLLOUT, "writable once");
	CHECK(epoll_wait(ep, out, 8, 0) == 0, "oneshot: off");
	struct epoll_event m = { .events = EPOLLOUT, .data.u64 = 5 };
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &m) == 0, "mod");
	CHECK(epoll_wait(ep, out, 8, 0) == 1 && out[0].data.u64 == 5, "on again, new data");
	CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL) == 0, "del write end");

	/* EPOLLET: once per change */
	m = (struct epoll_event){ .events = EPOLLIN | EPOLLET, .data.u64 = 6 };
	CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, e, &m) == 0, "mod ET");
	write(e, &one, 8);
	CHECK(epoll_wait(ep, out, 8, 0) == 1 && out[0].data.u64 == 6, "ET: reported");
	CHECK(epoll_wait(ep, out, 8, 0) == 0, "ET: not again");
	write(e, &one, 8);
	CHECK(epoll_wait(ep, out, 8, 0) == 1, "ET: a new write reports again");
	read(e, &v, 8);

	/* an epoll descriptor in poll */
	struct pollfd pf = { ep, POLLIN, 0 };
	CHECK(poll(&pf, 1, 0) == 0, "epoll fd not ready");
	write(p[1], "y", 1);
	CHECK(poll(&pf, 1, 1000) == 1 && pf.revents == POLLIN, "epoll fd ready %#x", pf.revents);

	/* a dup keeps the interest (reported under the old number); the last
	 * descriptor's close removes it */
	int d = dup(p[0]);
	close(p[0]);
	n = epoll_wait(ep, out, 8, 0);
	CHECK(n == 1 && out[0].data.u64 == 2, "the dup keeps it: %d", n);
	close(d);
	CHECK(epoll_wait(ep, out, 8, 0) == 0, "gone with the last descriptor");
	close(e), close(p[1]), close(sv[0]), close(f), close(ep);
	ctl_while_waiting();
	unlink("/tmp/" T);
	if (fails)
		return 1;
	printf("@@PASS " T "\n");
	return 0;
}
