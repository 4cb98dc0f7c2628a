/* <sys/epoll.h>: epoll (libsys/epoll.c): the interest list is libsys's,
 * a wait is one poll over it (pipes, sockets, eventfds wait in the
 * pager).  Linux's values and (packed) layout. */
#ifndef _SYS_EPOLL_H
#define _SYS_EPOLL_H

#include <stdint.h>
#include <signal.h>

#define EPOLL_CLOEXEC 02000000

#define EPOLLIN      0x001
#define EPOLLPRI     0x002
#define EPOLLOUT     0x004
#define EPOLLERR     0x008
#define EPOLLHUP     0x010
#define EPOLLNVAL    0x020
#define EPOLLRDNORM  0x040
#define EPOLLRDBAND  0x080
#define EPOLLWRNORM  0x100
#define EPOLLWRBAND  0x200
#define EPOLLMSG     0x400
#define EPOLLRDHUP   0x2000
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP  (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET      (1u << 31)

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

typedef union epoll_data {
	void *ptr;
	int fd;
	uint32_t u32;
	uint64_t u64;
} epoll_data_t;

struct epoll_event {
	uint32_t events;
	epoll_data_t data;
} __attribute__((packed));

/* A new epoll instance (size > 0 is all epoll_create asks; flags:
 * EPOLL_CLOEXEC): its descriptor, or -1 with EINVAL, EMFILE, ENOMEM. */
int epoll_create(int size);
int epoll_create1(int flags);
/* Add, change or remove fd's interest: 0, or -1 with EBADF, EEXIST,
 * ENOENT, EINVAL, EPERM (a file or device: always ready), EFAULT. */
int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event);
/* Up to maxevents ready interests into events, waiting up to timeout ms
 * (negative: no limit): how many, or -1 with EINTR, EBADF, EINVAL, EFAULT. */
int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout);
int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout,
		const sigset_t *sigmask);

#endif
