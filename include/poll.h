/* <poll.h>: poll and ppoll over descriptors (libsys/poll.c): pipes wait in
 * the pager, the console in the kernel, files and /dev files are always
 * ready.  Linux's bits and layout. */
#ifndef _POLL_H
#define _POLL_H

#include <signal.h>
#include <time.h>

#define POLLIN     0x001
#define POLLPRI    0x002
#define POLLOUT    0x004
#define POLLERR    0x008
#define POLLHUP    0x010
#define POLLNVAL   0x020
#define POLLRDNORM 0x040
#define POLLRDBAND 0x080
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLMSG    0x400
#define POLLRDHUP  0x2000

typedef unsigned long nfds_t;

struct pollfd {
	int fd;
	short events, revents;
};

/* Wait up to timeout ms (negative: no limit, 0: not at all) until one of
 * fds[0..nfds) has an event it asks for (or POLLHUP, POLLERR, POLLNVAL):
 * how many have, 0 when the time ran out; -1 with EINTR (a handled
 * signal), EFAULT (fds), EINVAL (nfds over RLIMIT_NOFILE). */
int poll(struct pollfd *fds, nfds_t nfds, int timeout);
/* poll with a timespec (NULL: no limit) and, if sigmask is not NULL, the
 * blocked set sigmask while it waits. */
int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo,
	  const sigset_t *sigmask);

#endif
