/* AF_UNIX socket pairs over the pager's pipes: a socket reads one pipe
 * and writes another (socketpair makes the two, of the socket's kind: a
 * byte stream, or messages for SOCK_SEQPACKET and SOCK_DGRAM), so fork,
 * exec, a process's end, poll and the wait for a reader or writer are
 * the pipes' (pipe.c, pager/pipe.c).  shutdown shuts a pipe: its reader
 * sees the end of file, its writer EPIPE.  Named stream and seqpacket
 * sockets: bind makes a listener in the pager (a pipe of kind
 * PG_PIPE_LISTEN under the name), connect two pipes whose server ends
 * the listener holds until accept hands them over.  No network, no named
 * datagram sockets, no descriptors passed. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "sys/unistd.h" /* sleep_ms */
#include "libsys.h"

#define SOCK_REFUSED 1 /* the state word's bit: ECONNREFUSED was said */

/* The socket fd names: its pipes (t->id: the one it reads, t->out: the
 * one it writes, LIBSYS_NOPIPE: none), type (t->type; t->kind: its
 * LIBSYS_SOCK_* state bits) and flags; -1 with EBADF or ENOTSOCK. */
static int sock_of(int fd, struct libsys_target *t, int *flags)
{
	uint64_t *st;
	if (libsys_fd_sock(fd, &t->id, &t->out, &t->type, &st))
		return -1;
	t->kind = (int)*st;
	*flags = libsys_fd_flags(fd);
	return 0;
}

/* sock_of for a connected socket: -1 with ENOTCONN (or err for a
 * listener) if it is not. */
static int conn_of(int fd, struct libsys_target *t, int *flags, int err)
{
	if (sock_of(fd, t, flags))
		return -1;
	if (t->kind & LIBSYS_SOCK_LISTENER || t->id == LIBSYS_NOPIPE) {
		errno = t->kind & LIBSYS_SOCK_LISTENER ? err : ENOTCONN;
		return -1;
	}
	return 0;
}

/* A type's pipe kind, or -1. */
static int kind_of(int type)
{
	return type == SOCK_STREAM ? PG_PIPE_STREAM : type == SOCK_SEQPACKET ? PG_PIPE_SEQPACKET :
	       type == SOCK_DGRAM ? PG_PIPE_DGRAM : -1;
}

/* type's kind (SOCK_STREAM, ...) and protocol checked as Linux checks
 * them once the family is: the kind, *flags its descriptor flags
 * (SOCK_NONBLOCK, SOCK_CLOEXEC); -1 with errno EINVAL, ESOCKTNOSUPPORT,
 * EPROTONOSUPPORT. */
static int sock_type(int type, int protocol, int *flags)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	*flags = (type & SOCK_NONBLOCK ? O_NONBLOCK : 0) | (type & SOCK_CLOEXEC ? O_CLOEXEC : 0);
	if (base <= 0 || base > 10) {
		errno = EINVAL;
		return -1;
	}
	if (kind_of(base) < 0) {
		errno = ESOCKTNOSUPPORT;
		return -1;
	}
	if (protocol != 0 && protocol != PF_UNIX) {
		errno = EPROTONOSUPPORT;
		return -1;
	}
	return base;
}

int socketpair(int domain, int type, int protocol, int sv[2])
{
	int flags, base;
	if (domain != AF_UNIX) {
		errno = domain == AF_INET || domain == AF_INET6 ? EOPNOTSUPP : EAFNOSUPPORT;
		return -1;
	}
	if ((base = sock_type(type, protocol, &flags)) < 0)
		return -1;
	struct sys_msg m = { .label = PG_PIPE_CTL,
			     .w = { PG_CTL_SOCKPAIR, (uint64_t)kind_of(base), (uint64_t)sv } };
	int e = libsys_pg_call(&m);
	if (e) {
		errno = e == E_NOMEM ? ENFILE : libsys_errno(e);
		return -1;
	}
	unsigned a = (unsigned)m.w[0], b = (unsigned)m.w[1];
	int s0 = libsys_fd_new_sock(b, a, base, flags);
	int s1 = s0 < 0 ? -1 : libsys_fd_new_sock(a, b, base, flags);
	if (s1 < 0) {
		if (s0 >= 0) {
			close(s0);
		} else {
			libsys_pipe_ref(b, 0, -1);
			libsys_pipe_ref(a, 1, -1);
		}
		libsys_pipe_ref(a, 0, -1);
		libsys_pipe_ref(b, 1, -1);
		errno = EMFILE;
		return -1;
	}
	sv[0] = s0;
	sv[1] = s1;
	return 0;
}

int socket(int domain, int type, int protocol)
{
	int flags, base;
	if (domain != AF_UNIX || (type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) == SOCK_DGRAM) {
		errno = EAFNOSUPPORT; /* no network; no named datagram sockets */
		return -1;
	}
	if ((base = sock_type(type, protocol, &flags)) < 0)
		return -1;
	return libsys_fd_new_sock(LIBSYS_NOPIPE, LIBSYS_NOPIPE, base, flags);
}

/* A send that found the way shut (E_DEAD: EPIPE, and SIGPIPE unless
 * MSG_NOSIGNAL) or a datagram peer gone (ECONNREFUSED once, then
 * ENOTCONN, as Linux's). */
static ssize_t send_failed(int fd, int e, int flags)
{
	if (e == E_DEAD) {
		if (!(flags & MSG_NOSIGNAL)) {
			struct sigaction a;
			if (sigaction(SIGPIPE, NULL, &a) == 0 && a.sa_handler != SIG_IGN)
				raise(SIGPIPE);
		}
		errno = EPIPE;
		return -1;
	}
	if (e == E_NOENT) {
		uint64_t *st = libsys_fd_aux(fd);
		errno = st && (*st & SOCK_REFUSED) ? ENOTCONN : ECONNREFUSED;
		if (st)
			*st |= SOCK_REFUSED;
		return -1;
	}
	errno = e == E_RANGE ? EMSGSIZE : libsys_errno(e);
	return -1;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	struct libsys_target t;
	int of;
	if (conn_of(fd, &t, &of, ENOTCONN))
		return -1;
	if (flags & MSG_OOB) {
		errno = EOPNOTSUPP;
		return -1;
	}
	unsigned f = (of & O_NONBLOCK) || (flags & MSG_DONTWAIT) ? PG_PIPE_NONBLOCK : 0;
	if (t.type != SOCK_STREAM)
		f |= LIBSYS_WR_MSG;
	long n;
	if (!len && t.type == SOCK_STREAM) { /* nothing goes, but a shut way is EPIPE */
		struct sys_msg m = { .label = PG_PIPE_WRITE, .w = { t.out, 0, 0, (uint64_t)buf } };
		n = -(long)libsys_pg_call(&m);
	} else {
		n = libsys_pipe_send(t.out, buf, len, f);
	}
	return n < 0 ? send_failed(fd, (int)-n, flags) : n;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	struct libsys_target t;
	int of;
	if (conn_of(fd, &t, &of, EINVAL))
		return -1;
	if (flags & MSG_OOB) {
		errno = EOPNOTSUPP;
		return -1;
	}
	unsigned f = (of & O_NONBLOCK) || (flags & MSG_DONTWAIT) ? PG_PIPE_NONBLOCK : 0;
	f |= flags & MSG_PEEK ? PG_PIPE_PEEK | LIBSYS_RD_ONE : 0;
	if (t.type != SOCK_STREAM) {
		f |= LIBSYS_RD_ONE;
		if (len > PG_PIPE_BUF) /* a message is never longer */
			len = PG_PIPE_BUF;
	} else if ((flags & MSG_WAITALL) && !(f & PG_PIPE_NONBLOCK)) {
		f |= LIBSYS_RD_ALL;
	}
	size_t whole = 0;
	long n = libsys_pipe_recv(t.id, buf, len, f, &whole);
	if (n < 0)
		return libsys_fail((int)-n);
	if ((flags & MSG_TRUNC) && t.type != SOCK_STREAM)
		return (ssize_t)whole; /* the message's real length, as Linux's */
	return n;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	(void)to, (void)tolen; /* connected: Linux's stream sockets ignore it too */
	return send(fd, buf, len, flags);
}

/* An unnamed peer's address: the family alone, as Linux's. */
static int no_name(struct sockaddr *addr, socklen_t *len)
{
	if (!addr || !len)
		return 0;
	if (libsys_user_room(len, sizeof *len, 1) != sizeof *len) {
		errno = EFAULT;
		return -1;
	}
	sa_family_t fam = AF_UNIX;
	if (*len && libsys_user_room(addr, *len < sizeof fam ? *len : sizeof fam, 1) !=
	    (*len < sizeof fam ? *len : sizeof fam)) {
		errno = EFAULT;
		return -1;
	}
	memcpy(addr, &fam, *len < sizeof fam ? *len : sizeof fam);
	*len = sizeof fam;
	return 0;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
		 socklen_t *fromlen)
{
	ssize_t n = recv(fd, buf, len, flags);
	if (n >= 0 && from && fromlen &&
	    libsys_user_room(fromlen, sizeof *fromlen, 1) == sizeof *fromlen)
		*fromlen = 0; /* an unnamed sender: nothing, as Linux says */
	return n;
}

/* The bytes msg's iovecs hold in all, or -1 (EFAULT, EINVAL, EMSGSIZE). */
static ssize_t iov_total(const struct msghdr *msg, int write)
{
	if (!msg || libsys_user_room(msg, sizeof *msg, write) != sizeof *msg) {
		errno = EFAULT;
		return -1;
	}
	if (msg->msg_iovlen > UIO_MAXIOV) {
		errno = EMSGSIZE;
		return -1;
	}
	size_t n = msg->msg_iovlen * sizeof(struct iovec), total = 0;
	if (n && libsys_user_room(msg->msg_iov, n, 0) != n) {
		errno = EFAULT;
		return -1;
	}
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		if ((ssize_t)msg->msg_iov[i].iov_len < 0 || total + msg->msg_iov[i].iov_len < total) {
			errno = EINVAL;
			return -1;
		}
		total += msg->msg_iov[i].iov_len;
	}
	return (ssize_t)total;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct libsys_target t;
	int of;
	if (conn_of(fd, &t, &of, ENOTCONN))
		return -1;
	ssize_t total = iov_total(msg, 0);
	if (total < 0)
		return -1;
	if (msg->msg_controllen) {
		errno = EOPNOTSUPP; /* no descriptors or credentials passed */
		return -1;
	}
	if (t.type != SOCK_STREAM) { /* one message: gathered first */
		char b[PG_PIPE_BUF];
		size_t at = 0;
		if (total > PG_PIPE_BUF) {
			errno = EMSGSIZE;
			return -1;
		}
		for (size_t i = 0; i < msg->msg_iovlen; i++) {
			size_t k = msg->msg_iov[i].iov_len;
			if (k && libsys_user_room(msg->msg_iov[i].iov_base, k, 0) != k) {
				errno = EFAULT;
				return -1;
			}
			memcpy(b + at, msg->msg_iov[i].iov_base, k);
			at += k;
		}
		return send(fd, b, at, flags);
	}
	ssize_t done = 0;
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		size_t k = msg->msg_iov[i].iov_len;
		if (!k)
			continue;
		ssize_t n = send(fd, msg->msg_iov[i].iov_base, k, flags);
		if (n < 0)
			return done ? done : -1;
		done += n;
		if ((size_t)n < k)
			break;
	}
	return done;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct libsys_target t;
	int of;
	if (conn_of(fd, &t, &of, EINVAL))
		return -1;
	ssize_t total = iov_total(msg, 1);
	if (total < 0)
		return -1;
	msg->msg_namelen = 0;
	msg->msg_controllen = 0;
	msg->msg_flags = 0;
	if (t.type != SOCK_STREAM) { /* one message, then scattered */
		char b[PG_PIPE_BUF];
		ssize_t whole = recv(fd, b, sizeof b, (flags & ~MSG_TRUNC) | MSG_TRUNC);
		if (whole < 0)
			return -1;
		size_t have = (size_t)whole < sizeof b ? (size_t)whole : sizeof b, at = 0;
		for (size_t i = 0; i < msg->msg_iovlen && at < have; i++) {
			size_t k = msg->msg_iov[i].iov_len < have - at ? msg->msg_iov[i].iov_len : have - at;
			if (k && libsys_user_room(msg->msg_iov[i].iov_base, k, 1) != k) {
				errno = EFAULT;
				return -1;
			}
			memcpy(msg->msg_iov[i].iov_base, b + at, k);
			at += k;
		}
		if ((size_t)whole > at)
			msg->msg_flags |= MSG_TRUNC;
		return flags & MSG_TRUNC ? whole : (ssize_t)at;
	}
	ssize_t done = 0;
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		size_t k = msg->msg_iov[i].iov_len;
		if (!k)
			continue;
		ssize_t n = recv(fd, msg->msg_iov[i].iov_base, k, done ? flags | MSG_DONTWAIT : flags);
		if (n < 0)
			return done ? done : -1;
		done += n;
		if ((size_t)n < k)
			break;
	}
	return done;
}

int shutdown(int fd, int how)
{
	struct libsys_target t;
	int of;
	if (conn_of(fd, &t, &of, ENOTCONN))
		return -1;
	if (how < SHUT_RD || how > SHUT_RDWR) {
		errno = EINVAL;
		return -1;
	}
	for (int side = 0; side < 2; side++) {
		if (!(side == 0 ? how != SHUT_WR : how != SHUT_RD))
			continue;
		struct sys_msg m = { .label = PG_PIPE_CTL,
				     .w = { PG_CTL_SHUT, side == 0 ? t.id : t.out } };
		int e = libsys_pg_call(&m);
		if (e)
			return libsys_fail(e);
	}
	return 0;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct libsys_target t;
	int of, v;
	if (sock_of(fd, &t, &of))
		return -1;
	if (level != SOL_SOCKET) {
		errno = ENOPROTOOPT;
		return -1;
	}
	switch (name) {
	case SO_TYPE: v = t.type; break;
	case SO_DOMAIN: v = AF_UNIX; break;
	case SO_ACCEPTCONN: v = (t.kind & LIBSYS_SOCK_LISTENER) != 0; break;
	case SO_PROTOCOL: case SO_ERROR: case SO_PASSCRED:
	case SO_KEEPALIVE: case SO_REUSEADDR: case SO_DEBUG: v = 0; break;
	case SO_SNDBUF: case SO_RCVBUF: v = PG_PIPE_SIZE; break;
	case SO_RCVLOWAT: case SO_SNDLOWAT: v = 1; break;
	default:
		errno = ENOPROTOOPT;
		return -1;
	}
	if (!len || libsys_user_room(len, sizeof *len, 1) != sizeof *len) {
		errno = EFAULT;
		return -1;
	}
	if ((int)*len < 0) {
		errno = EINVAL;
		return -1;
	}
	socklen_t k = *len < sizeof v ? *len : sizeof v;
	if (k && libsys_user_room(val, k, 1) != k) {
		errno = EFAULT;
		return -1;
	}
	memcpy(val, &v, k);
	*len = k;
	return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct libsys_target t;
	int of;
	(void)name;
	if (sock_of(fd, &t, &of))
		return -1;
	if (level != SOL_SOCKET) {
		errno = ENOPROTOOPT;
		return -1;
	}
	if (len && libsys_user_room(val, len, 0) != len) {
		errno = EFAULT;
		return -1;
	}
	return 0; /* sizes, timeouts, flags: taken, nothing changes */
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct libsys_target t;
	int of;
	if (sock_of(fd, &t, &of))
		return -1;
	return no_name(addr, len);
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return getsockname(fd, addr, len);
}

/* The pager's name for addr (a path made absolute, or '\0' and an
 * abstract name) in the IPC buffer: its length, or -1 with EINVAL,
 * EFAULT, ENAMETOOLONG; *abstract: 1 for an abstract one. */
static long name_of(const struct sockaddr *addr, socklen_t len, int *abstract)
{
	struct sockaddr_un sa;
	if (len <= sizeof(sa_family_t) || len > sizeof sa) {
		errno = EINVAL;
		return -1;
	}
	if (libsys_user_room(addr, len, 0) != len) {
		errno = EFAULT;
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	memcpy(&sa, addr, len);
	if (sa.sun_family != AF_UNIX) {
		errno = EINVAL;
		return -1;
	}
	size_t plen = len - sizeof(sa_family_t), n;
	char *b = libsys_ipc_buf();
	*abstract = sa.sun_path[0] == '\0';
	if (*abstract) { /* the bytes as they are, the leading NUL too */
		memcpy(b, sa.sun_path, plen);
		return (long)plen;
	}
	size_t path = strnlen(sa.sun_path, plen);
	const char *cwd = libsys_cwd();
	int rel = sa.sun_path[0] != '/';
	n = (rel ? strlen(cwd) + 1 : 0) + path;
	if (n > PG_SUN_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	size_t at = 0;
	if (rel) {
		memcpy(b, cwd, strlen(cwd));
		at = strlen(cwd);
		b[at++] = '/';
	}
	memcpy(b + at, sa.sun_path, path);
	return (long)n;
}

/* A PG_PIPE_CTL request whose bytes (n) are in the IPC buffer, asked
 * again while it waits (PG_PIPE_RETRY), after a signal no handler here
 * wants EINTR for, or a full waiting list; the pager's answer. */
static int ctl_wait(struct sys_msg *m, uint32_t n)
{
	char keep[PG_SUN_MAX];
	memcpy(keep, libsys_ipc_buf(), n);
	for (;;) {
		struct sys_msg c = *m;
		memcpy(libsys_ipc_buf(), keep, n);
		c.label = IPC_LABEL(PG_PIPE_CTL, n);
		unsigned mark = libsys_sig_eintr();
		int e = libsys_pg_call(&c);
		if (e == E_OK && c.w[1] == PG_PIPE_RETRY)
			continue; /* woken: ask again */
		if (e == E_INTR && libsys_sig_eintr() == mark)
			continue;
		if (e == E_BUSY && m->w[0] != PG_CTL_BIND) {
			sleep_ms(1);
			continue;
		}
		*m = c;
		return e;
	}
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct libsys_target t;
	int of, abstract;
	if (sock_of(fd, &t, &of))
		return -1;
	if (t.id != LIBSYS_NOPIPE) {
		errno = EINVAL; /* bound or connected already */
		return -1;
	}
	long n = name_of(addr, len, &abstract);
	if (n < 0)
		return -1;
	struct sys_msg m = { .label = IPC_LABEL(PG_PIPE_CTL, (uint32_t)n),
			     .w = { PG_CTL_BIND, (uint64_t)kind_of(t.type) } };
	int e = libsys_pg_call(&m);
	if (e) {
		errno = e == E_BUSY ? EADDRINUSE : e == E_NOMEM ? ENFILE : libsys_errno(e);
		return -1;
	}
	libsys_fd_sock_set(fd, (unsigned)m.w[0], LIBSYS_NOPIPE);
	uint64_t *st;
	unsigned in, out;
	int ty;
	if (!libsys_fd_sock(fd, &in, &out, &ty, &st))
		*st |= LIBSYS_SOCK_LISTENER;
	return 0;
}

int listen(int fd, int backlog)
{
	struct libsys_target t;
	int of;
	if (sock_of(fd, &t, &of))
		return -1;
	if (!(t.kind & LIBSYS_SOCK_LISTENER)) {
		errno = EINVAL; /* not bound (Linux would bind it to a made-up name) */
		return -1;
	}
	struct sys_msg m = { .label = PG_PIPE_CTL,
			     .w = { PG_CTL_LISTEN, t.id, (uint64_t)(backlog < 0 ? 0 : backlog) } };
	int e = libsys_pg_call(&m);
	return e ? libsys_fail(e) : 0;
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct libsys_target t;
	int of, abstract;
	if (sock_of(fd, &t, &of))
		return -1;
	if (t.id != LIBSYS_NOPIPE) {
		errno = t.kind & LIBSYS_SOCK_LISTENER ? EINVAL : EISCONN;
		return -1;
	}
	long n = name_of(addr, len, &abstract);
	if (n < 0)
		return -1;
	struct sys_msg m = { .w = { PG_CTL_CONNECT, (uint64_t)kind_of(t.type),
				    of & O_NONBLOCK ? PG_PIPE_NONBLOCK : 0 } };
	int e = ctl_wait(&m, (uint32_t)n); /* (a full backlog waits) */
	if (e) {
		errno = e == E_NOENT ? (abstract ? ECONNREFUSED : ENOENT) : /* as Linux's */
			e == E_PERM ? (abstract ? ECONNREFUSED : EPROTOTYPE) :
			e == E_NOMEM ? ENFILE : libsys_errno(e);
		return -1;
	}
	libsys_fd_sock_set(fd, (unsigned)m.w[3], (unsigned)m.w[2]);
	return 0;
}

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
	struct libsys_target t;
	int of;
	if (sock_of(fd, &t, &of))
		return -1;
	if (!(t.kind & LIBSYS_SOCK_LISTENER) || (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))) {
		errno = EINVAL;
		return -1;
	}
	struct sys_msg m = { .w = { PG_CTL_ACCEPT, t.id, of & O_NONBLOCK ? PG_PIPE_NONBLOCK : 0 } };
	int e = ctl_wait(&m, 0);
	if (e)
		return libsys_fail(e);
	unsigned in = (unsigned)m.w[2], out = (unsigned)m.w[3];
	int nfd = libsys_fd_new_sock(in, out, t.type, (flags & SOCK_NONBLOCK ? O_NONBLOCK : 0) |
				     (flags & SOCK_CLOEXEC ? O_CLOEXEC : 0));
	if (nfd < 0) {
		libsys_pipe_ref(in, 0, -1);
		libsys_pipe_ref(out, 1, -1);
		return -1;
	}
	if (no_name(addr, len)) {
		close(nfd);
		return -1;
	}
	return nfd;
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	return accept4(fd, addr, len, 0);
}
