/* <sys/select.h>: select and pselect (libsys/poll.c, over poll), fd_set
 * for descriptors below FD_SETSIZE (1024, Linux's). */
#ifndef _SYS_SELECT_H
#define _SYS_SELECT_H

#include <signal.h>
#include <sys/time.h>

#define FD_SETSIZE 1024
typedef struct {
	unsigned long fds_bits[FD_SETSIZE / (8 * sizeof(unsigned long))];
} fd_set;

#define __FD_WORD(fd) ((unsigned)(fd) / (8 * sizeof(unsigned long)))
#define __FD_BIT(fd)  (1ul << ((unsigned)(fd) % (8 * sizeof(unsigned long))))
#define FD_ZERO(s)     __builtin_memset((s), 0, sizeof(fd_set))
#define FD_SET(fd, s)  ((void)((s)->fds_bits[__FD_WORD(fd)] |= __FD_BIT(fd)))
#define FD_CLR(fd, s)  ((void)((s)->fds_bits[__FD_WORD(fd)] &= ~__FD_BIT(fd)))
#define FD_ISSET(fd, s) (((s)->fds_bits[__FD_WORD(fd)] & __FD_BIT(fd)) != 0)

/* Wait up to *timeout (NULL: no limit; select writes back the time left)
 * until a descriptor below nfds in readfds can be read or in writefds
 * written without waiting (exceptfds: never); the sets keep only those:
 * their count, 0 when the time ran out; -1 with EBADF (a descriptor in a
 * set is not open), EINVAL (nfds, timeout), EINTR, EFAULT. */
int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
	   struct timeval *timeout);
/* select with a timespec (not written back) and the blocked set sigmask
 * while it waits (NULL: unchanged). */
int pselect(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds,
	    const struct timespec *timeout, const sigset_t *sigmask);

#endif
