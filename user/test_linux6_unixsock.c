/* Named AF_UNIX sockets as Linux programs use them: socket, bind (a path
 * or an abstract name), listen, connect, accept, accept4; an accept woken
 * by another process's connect; a connection in one process; poll and
 * epoll of a listener; EADDRINUSE, ENOENT, ECONNREFUSED, EPROTOTYPE,
 * ENOTCONN, EINVAL; seqpacket bounds over a connection. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux6_unixsock"
#define PATH "/tmp/linux6_unixsock.sock"

static int fails;
#define CHECK(c, ...) do { if (!(c)) { printf("@@FAIL " T ": line %d: ", __LINE__); \
	printf(__VA_ARGS__); printf(" (errno %d)\n", errno); fails++; } } while (0)
#define ERR(call, e) do { errno = 0; long r_ = (long)(call); \
	CHECK(r_ == -1 && errno == (e), #call " = %ld, want errno %d", r_, (e)); } while (0)

/* addr for a path (abstract: name after a NUL); its length. */
static socklen_t addr_of(struct sockaddr_un *a, const char *name, int abstract)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	if (abstract) {
		memcpy(a->sun_path + 1, name, strlen(name));
		return (socklen_t)(sizeof(sa_family_t) + 1 + strlen(name));
	}
	strcpy(a->sun_path, name);
	return (socklen_t)(sizeof(sa_family_t) + strlen(name) + 1);
}

static short revents(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static void by_path(void)
{
	struct sockaddr_un a;
	socklen_t al = addr_of(&a, PATH, 0);
	char b[16];
	unlink(PATH);
	int srv = socket(AF_UNIX, SOCK_STREAM, 0), other = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(srv >= 0 && other >= 0, "socket");
	ERR(listen(srv, 4), EINVAL); /* not bound */
	ERR(send(srv, "x", 1, 0), ENOTCONN);
	CHECK(bind(srv, (struct sockaddr *)&a, al) == 0, "bind");
	ERR(bind(other, (struct sockaddr *)&a, al), EADDRINUSE);
	CHECK(listen(srv, 4) == 0, "listen");
	int v = 0;
	socklen_t vl = sizeof v;
	CHECK(getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl) == 0 && v == 1, "acceptconn");
	CHECK(revents(srv) == 0, "nothing waiting: %#x", revents(srv));
	pid_t pid = fork();
	if (pid == 0) { /* a client in another process; the accept waits for it */
		usleep(50000);
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&a, al))
			_exit(2);
		if (send(c, "hello", 5, 0) != 5 || recv(c, b, sizeof b, 0) != 5 || memcmp(b, "world", 5))
			_exit(3);
		_exit(0);
	}
	int s = accept(srv, NULL, NULL);
	CHECK(s >= 0, "accept");
	CHECK(recv(s, b, 5, MSG_WAITALL) == 5 && !memcmp(b, "hello", 5), "hello");
	CHECK(send(s, "world", 5, 0) == 5, "world");
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "client %#x", st);
	CHECK(recv(s, b, sizeof b, 0) == 0, "EOF: the client is gone");
	close(s);

	/* a connection within one process; accept4's flags; epoll of it */
	int ep = epoll_create1(0);
	struct epoll_event ev = { EPOLLIN, { .u64 = 1 } }, out[2];
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, srv, &ev) == 0, "epoll a listener");
	CHECK(epoll_wait(ep, out, 2, 0) == 0, "none waiting");
	fcntl(srv, F_SETFL, O_NONBLOCK);
	ERR(accept(srv, NULL, NULL), EAGAIN);
	fcntl(srv, F_SETFL, 0);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&a, al) == 0, "connect, not yet accepted");
	ERR(connect(c, (struct sockaddr *)&a, al), EISCONN);
	CHECK(send(c, "early", 5, 0) == 5, "bytes before the accept");
	CHECK(revents(srv) == POLLIN, "waiting: %#x", revents(srv));
	CHECK(epoll_wait(ep, out, 2, 0) == 1 && out[0].data.u64 == 1, "epoll: waiting");
	s = accept4(srv, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK(s >= 0 && fcntl(s, F_GETFD) == FD_CLOEXEC && (fcntl(s, F_GETFL) & O_NONBLOCK), "accept4");
	CHECK(recv(s, b, sizeof b, 0) == 5 && !memcmp(b, "early", 5), "early");
	ERR(recv(s, b, sizeof b, 0), EAGAIN);
	close(c);
	CHECK(recv(s, b, sizeof b, 0) == 0, "EOF");
	close(s), close(ep), close(srv), close(other);
	unlink(PATH);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	al = addr_of(&a, "/tmp/linux6_unixsock.none", 0);
	ERR(connect(c, (struct sockaddr *)&a, al), ENOENT);
	close(c);
}

static void abstract(void)
{
	struct sockaddr_un a;
	socklen_t al = addr_of(&a, "linux6_unixsock", 1);
	char b[16];
	int srv = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	CHECK(bind(srv, (struct sockaddr *)&a, al) == 0 && listen(srv, 1) == 0, "abstract");
	int st = socket(AF_UNIX, SOCK_STREAM, 0);
	ERR(connect(st, (struct sockaddr *)&a, al), ECONNREFUSED); /* (a path: EPROTOTYPE) */
	close(st);
	pid_t pid = fork();
	if (pid == 0) {
		int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		if (connect(c, (struct sockaddr *)&a, al))
			_exit(2);
		_exit(send(c, "one", 3, 0) == 3 && send(c, "two", 3, 0) == 3 ? 0 : 3);
	}
	int s = accept(srv, NULL, NULL);
	CHECK(s >= 0, "accept");
	CHECK(recv(s, b, sizeof b, 0) == 3 && recv(s, b + 3, sizeof b, 0) == 3 &&
	      !memcmp(b, "onetwo", 6), "messages kept apart");
	int status;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "client %#x", status);
	close(s), close(srv);
	int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ERR(connect(c, (struct sockaddr *)&a, al), ECONNREFUSED); /* the name went */
	a.sun_family = AF_INET;
	ERR(bind(c, (struct sockaddr *)&a, al), EINVAL);
	ERR(connect(c, (struct sockaddr *)&a, 1), EINVAL);
	close(c);
}

int main(void)
{
	by_path();
	abstract();
	if (fails)
		return 1;
	printf("@@PASS " T "\n");
	return 0;
}
