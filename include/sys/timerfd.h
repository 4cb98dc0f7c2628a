/* <sys/timerfd.h>: timerfd (libsys/eventfd.c over the pager): expiries
 * counted by the pager's alarm thread, read as an 8-byte count, in poll
 * and epoll.  Milliseconds are its grain (a time is rounded up). */
#ifndef _SYS_TIMERFD_H
#define _SYS_TIMERFD_H

#include <time.h>

#define TFD_NONBLOCK 04000
#define TFD_CLOEXEC  02000000
#define TFD_TIMER_ABSTIME 1
#define TFD_TIMER_CANCEL_ON_SET 2

/* A disarmed timer on clockid (CLOCK_MONOTONIC, CLOCK_REALTIME,
 * CLOCK_BOOTTIME): its descriptor, or -1 with EINVAL, EMFILE, ENFILE. */
int timerfd_create(int clockid, int flags);
/* Arm (it_value not 0; TFD_TIMER_ABSTIME: a time of the clock) or disarm;
 * the old setting into old if not NULL: 0, or -1 with EBADF, EINVAL (not
 * a timerfd, a bad time), EFAULT. */
int timerfd_settime(int fd, int flags, const struct itimerspec *new_value,
		    struct itimerspec *old_value);
int timerfd_gettime(int fd, struct itimerspec *curr);

#endif
