/* socketpair(AF_UNIX) as Linux programs use it: stream, datagram and
 * seqpacket pairs, both ways, across fork; a blocking read woken by
 * another process and by a thread; EOF when the peer goes, EPIPE and
 * SIGPIPE (MSG_NOSIGNAL: none); MSG_PEEK, MSG_DONTWAIT, MSG_TRUNC;
 * message bounds; shutdown; poll's answers (Linux 6.1's); exec keeps a
 * socket and drops a close-on-exec one; bad input. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux6_socketpair"

static int fails;
#define CHECK(c, ...) do { if (!(c)) { printf("@@FAIL " T ": line %d: ", __LINE__); \
	printf(__VA_ARGS__); printf(" (errno %d)\n", errno); fails++; } } while (0)
#define ERR(call, e) do { errno = 0; long r_ = (long)(call); \
	CHECK(r_ == -1 && errno == (e), #call " = %ld, want errno %d", r_, (e)); } while (0)

static short revents(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP, 0 };
	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static int sigpipes;
static void on_pipe(int s) { (void)s; sigpipes++; }

/* Bytes both ways between a parent and its fork child; the parent's read
 * waits until the child writes. */
static void both_ways(int type)
{
	int sv[2];
	char b[64];
	CHECK(socketpair(AF_UNIX, type, 0, sv) == 0, "socketpair %d", type);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		usleep(50000); /* (the parent blocks meanwhile, most likely) */
		if (read(sv[1], b, sizeof b) != 4 || memcmp(b, "ping", 4))
			_exit(2);
		if (write(sv[1], "pong!", 5) != 5)
			_exit(3);
		_exit(0);
	}
	close(sv[1]);
	CHECK(write(sv[0], "ping", 4) == 4, "write ping");
	ssize_t n = read(sv[0], b, sizeof b);
	CHECK(n == 5 && !memcmp(b, "pong!", 5), "pong: %zd", n);
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	if (type != SOCK_DGRAM) /* the child's end gone with it: the end of file */
		CHECK(read(sv[0], b, sizeof b) == 0, "EOF after the child");
	close(sv[0]);
}

static void *thread_writer(void *arg)
{
	usleep(50000);
	write(*(int *)arg, "thread", 6);
	return NULL;
}

static void stream(void)
{
	int sv[2];
	char b[16];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "stream");
	CHECK(revents(sv[0]) == POLLOUT, "fresh: %#x", revents(sv[0]));
	CHECK(send(sv[0], "abc", 3, 0) == 3 && send(sv[0], "def", 3, 0) == 3, "send");
	CHECK(revents(sv[1]) == (POLLIN | POLLOUT), "with bytes: %#x", revents(sv[1]));
	fd_set rd, wr;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(sv[0], &rd);
	FD_SET(sv[1], &rd);
	FD_SET(sv[1], &wr);
	struct timeval tv = { 0, 0 };
	CHECK(select(sv[1] + 1, &rd, &wr, NULL, &tv) == 2 && !FD_ISSET(sv[0], &rd) &&
	      FD_ISSET(sv[1], &rd) && FD_ISSET(sv[1], &wr), "select");
	CHECK(recv(sv[1], b, 2, MSG_PEEK) == 2 && !memcmp(b, "ab", 2), "peek");
	CHECK(recv(sv[1], b, sizeof b, 0) == 6 && !memcmp(b, "abcdef", 6), "a stream: no bounds");
	ERR(recv(sv[1], b, sizeof b, MSG_DONTWAIT), EAGAIN);
	/* a thread's write wakes a blocking read */
	pthread_t th;
	pthread_create(&th, NULL, thread_writer, &sv[0]);
	CHECK(read(sv[1], b, sizeof b) == 6 && !memcmp(b, "thread", 6), "woken by a thread");
	pthread_join(th, NULL);
	/* MSG_WAITALL waits for all */
	pid_t pid = fork();
	if (pid == 0) {
		write(sv[0], "12", 2);
		usleep(30000);
		write(sv[0], "345", 3);
		_exit(0);
	}
	CHECK(recv(sv[1], b, 5, MSG_WAITALL) == 5 && !memcmp(b, "12345", 5), "waitall");
	waitpid(pid, NULL, 0);
	/* shutdown(SHUT_WR): the peer reads the end, we get EPIPE */
	CHECK(shutdown(sv[0], SHUT_WR) == 0, "shutdown");
	CHECK(revents(sv[0]) == POLLOUT, "own SHUT_WR: %#x", revents(sv[0]));
	CHECK(revents(sv[1]) == (POLLIN | POLLOUT | POLLRDHUP), "peer's: %#x", revents(sv[1]));
	CHECK(recv(sv[1], b, sizeof b, 0) == 0, "EOF after SHUT_WR");
	sigpipes = 0;
	ERR(send(sv[0], "x", 1, 0), EPIPE);
	CHECK(sigpipes == 1, "SIGPIPE: %d", sigpipes);
	ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	CHECK(sigpipes == 1, "MSG_NOSIGNAL: %d", sigpipes);
	CHECK(send(sv[1], "back", 4, 0) == 4, "the other way still goes");
	CHECK(recv(sv[0], b, sizeof b, 0) == 4, "read back");
	close(sv[1]);
	CHECK(revents(sv[0]) == (POLLIN | POLLOUT | POLLHUP | POLLRDHUP), "peer closed: %#x",
	      revents(sv[0]));
	CHECK(recv(sv[0], b, sizeof b, 0) == 0, "EOF");
	close(sv[0]);
	/* SHUT_RD: our reads end, the peer's writes fail */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "stream 2");
	CHECK(shutdown(sv[0], SHUT_RD) == 0, "SHUT_RD");
	CHECK(revents(sv[0]) == (POLLIN | POLLOUT | POLLRDHUP), "SHUT_RD: %#x", revents(sv[0]));
	CHECK(recv(sv[0], b, sizeof b, 0) == 0, "read after SHUT_RD");
	ERR(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
	ERR(shutdown(sv[0], 3), EINVAL);
	close(sv[0]), close(sv[1]);
	/* the writer closes with bytes unread: they are read, then the end */
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0, "flags");
	CHECK(fcntl(sv[0], F_GETFD) == FD_CLOEXEC, "cloexec");
	CHECK((fcntl(sv[0], F_GETFL) & (O_NONBLOCK | O_ACCMODE)) == (O_NONBLOCK | O_RDWR), "nonblock");
	ERR(read(sv[0], b, 1), EAGAIN);
	CHECK(write(sv[1], "zz", 2) == 2, "write");
	close(sv[1]);
	CHECK(read(sv[0], b, sizeof b) == 2 && read(sv[0], b, sizeof b) == 0, "bytes then EOF");
	/* a full socket: EAGAIN without blocking */
	int a[2];
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a);
	static char big[4096];
	long total = 0;
	for (int i = 0; i < 4096; i++) {
		ssize_t n = send(a[0], big, sizeof big, 0);
		if (n < 0)
			break;
		total += n;
	}
	CHECK(errno == EAGAIN && total > 0, "full after %ld", total);
	CHECK(!(revents(a[0]) & POLLOUT), "full: no POLLOUT %#x", revents(a[0]));
	close(a[0]), close(a[1]), close(sv[0]);
}

static void messages(int type)
{
	int sv[2];
	char b[16];
	CHECK(socketpair(AF_UNIX, type, 0, sv) == 0, "socketpair %d", type);
	CHECK(send(sv[0], "one", 3, 0) == 3 && send(sv[0], "two!", 4, 0) == 4, "send");
	CHECK(recv(sv[1], b, sizeof b, MSG_PEEK) == 3, "peek one message");
	CHECK(recv(sv[1], b, sizeof b, 0) == 3 && !memcmp(b, "one", 3), "bounds kept");
	CHECK(recv(sv[1], b, 2, MSG_TRUNC) == 4 && !memcmp(b, "tw", 2), "MSG_TRUNC: the length");
	ERR(recv(sv[1], b, sizeof b, MSG_DONTWAIT), EAGAIN); /* the rest went */
	/* a short read takes the message; recvmsg says MSG_TRUNC */
	send(sv[0], "abcdef", 6, 0);
	struct iovec iv[2] = { { b, 2 }, { b + 8, 2 } };
	struct msghdr mh = { .msg_iov = iv, .msg_iovlen = 2 };
	CHECK(recvmsg(sv[1], &mh, 0) == 4 && !memcmp(b, "ab", 2) && !memcmp(b + 8, "cd", 2),
	      "recvmsg scatter");
	CHECK(mh.msg_flags & MSG_TRUNC, "msg_flags %#x", mh.msg_flags);
	struct iovec ov[2] = { { "he", 2 }, { "llo", 3 } };
	struct msghdr om = { .msg_iov = ov, .msg_iovlen = 2 };
	CHECK(sendmsg(sv[0], &om, 0) == 5, "sendmsg");
	CHECK(recv(sv[1], b, sizeof b, 0) == 5 && !memcmp(b, "hello", 5), "one message of two iovecs");
	static char huge[300000];
	ERR(send(sv[0], huge, sizeof huge, 0), EMSGSIZE);
	int ty = 0;
	socklen_t l = sizeof ty;
	CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &ty, &l) == 0 && ty == type, "SO_TYPE %d", ty);
	close(sv[1]);
	if (type == SOCK_SEQPACKET) {
		CHECK(recv(sv[0], b, sizeof b, 0) == 0, "seqpacket EOF");
		ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
	} else {
		ERR(recv(sv[0], b, sizeof b, MSG_DONTWAIT), EAGAIN); /* a datagram never ends */
		ERR(send(sv[0], "x", 1, 0), ECONNREFUSED);
		ERR(send(sv[0], "x", 1, 0), ENOTCONN);
		CHECK(revents(sv[0]) == POLLOUT, "dgram, peer gone: %#x", revents(sv[0]));
	}
	close(sv[0]);
}

static volatile unsigned long bad_addr = 8; /* (hidden from the compiler's checks) */

static void bad_input(void)
{
	int sv[2], pfd[2];
	char b[8];
	ERR(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	ERR(socketpair(12345, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
	ERR(socketpair(AF_UNIX, 77, 0, sv), EINVAL);
	ERR(socketpair(AF_UNIX, SOCK_STREAM, 5, sv), EPROTONOSUPPORT);
	ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, (int *)bad_addr), EFAULT);
	ERR(recv(0 + 100, b, 1, 0), EBADF);
	pipe(pfd);
	ERR(recv(pfd[0], b, 1, MSG_DONTWAIT), ENOTSOCK);
	ERR(send(pfd[1], b, 1, 0), ENOTSOCK);
	ERR(shutdown(pfd[0], SHUT_RD), ENOTSOCK);
	close(pfd[0]), close(pfd[1]);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	ERR(send(sv[0], (void *)bad_addr, 4, 0), EFAULT);
	send(sv[1], "data", 4, 0);
	ERR(recv(sv[0], (void *)bad_addr, 4, 0), EFAULT);
	CHECK(recv(sv[0], b, sizeof b, 0) == 4, "the bytes stayed");
	ERR(lseek(sv[0], 0, SEEK_SET), ESPIPE);
	struct stat st;
	CHECK(fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode), "S_IFSOCK %o", st.st_mode);
	struct sockaddr_un sa;
	socklen_t sl = sizeof sa;
	CHECK(getsockname(sv[0], (struct sockaddr *)&sa, &sl) == 0 && sa.sun_family == AF_UNIX &&
	      sl == sizeof(sa_family_t), "getsockname %u", sl);
	close(sv[0]), close(sv[1]);
}

/* The exec'd copy: fd is a seqpacket socket exec kept. */
static int execd(int fd)
{
	char b[8];
	int ty = 0;
	socklen_t l = sizeof ty;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &ty, &l) || ty != SOCK_SEQPACKET)
		return 2;
	if (recv(fd, b, sizeof b, 0) != 2 || memcmp(b, "hi", 2))
		return 3;
	return send(fd, "ok", 2, 0) == 2 ? 0 : 4;
}

/* exec keeps a socket without FD_CLOEXEC (its type too) and drops one
 * with it: the peer of that one reads the end of file. */
static void across_exec(const char *self)
{
	int sv[2], cx[2], st;
	char b[8], a[16];
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "seqpacket");
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, cx) == 0, "cloexec pair");
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		close(cx[0]);
		snprintf(a, sizeof a, "%d", sv[1]);
		execl(self, self, "exec", a, (char *)NULL);
		_exit(50);
	}
	close(sv[1]);
	close(cx[1]);
	CHECK(recv(cx[0], b, sizeof b, 0) == 0, "the cloexec socket's peer: EOF after the exec");
	CHECK(send(sv[0], "hi", 2, 0) == 2, "send to the exec'd");
	CHECK(recv(sv[0], b, sizeof b, 0) == 2 && !memcmp(b, "ok", 2), "its answer");
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec'd status %#x", st);
	close(sv[0]), close(cx[0]);
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "exec"))
		return execd(atoi(argv[2]));
	signal(SIGPIPE, on_pipe);
	across_exec(argv[0]);
	both_ways(SOCK_STREAM);
	both_ways(SOCK_SEQPACKET);
	both_ways(SOCK_DGRAM);
	stream();
	messages(SOCK_SEQPACKET);
	messages(SOCK_DGRAM);
	bad_input();
	/* SIGPIPE's default ends a writer */
	int sv[2], st;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	close(sv[1]);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		write(sv[0], "x", 1);
		_exit(9);
	}
	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "SIGPIPE ends: %#x", st);
	close(sv[0]);
	if (fails)
		return 1;
	printf("@@PASS " T "\n");
	return 0;
}
