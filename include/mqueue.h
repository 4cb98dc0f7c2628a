/* <mqueue.h>: POSIX message queues (libsys/mqueue.c), one namespace for
 * every process as on Linux.  A queue is a named shared memory object of
 * the pager's ("/dev/mqueue/NAME") holding its messages and its lock; a
 * descriptor is this process's (fork copies them; exec and close drop
 * them).  mq_notify takes SIGEV_SIGNAL and SIGEV_NONE (SIGEV_THREAD:
 * EINVAL); the signal comes as sigqueue's (si_code SI_QUEUE).  A process
 * killed inside mq_send or mq_receive (holding the queue's lock, a few
 * instructions) leaves the queue locked. */
#ifndef _MQUEUE_H
#define _MQUEUE_H
#include <fcntl.h>
#include <signal.h>
#include <sys/types.h>
#include <time.h>

typedef int mqd_t;

struct mq_attr {
	long mq_flags;   /* O_NONBLOCK or 0 (the descriptor's) */
	long mq_maxmsg;  /* messages at most */
	long mq_msgsize; /* bytes per message at most */
	long mq_curmsgs; /* messages in the queue now */
	long __pad[4];
};

#define MQ_PRIO_MAX 32768

mqd_t mq_open(const char *name, int oflag, ...);
int mq_close(mqd_t mqd);
int mq_unlink(const char *name);
int mq_send(mqd_t mqd, const char *msg, size_t len, unsigned prio);
int mq_timedsend(mqd_t mqd, const char *msg, size_t len, unsigned prio,
		 const struct timespec *abstime);
ssize_t mq_receive(mqd_t mqd, char *msg, size_t len, unsigned *prio);
ssize_t mq_timedreceive(mqd_t mqd, char *msg, size_t len, unsigned *prio,
			const struct timespec *abstime);
int mq_getattr(mqd_t mqd, struct mq_attr *attr);
int mq_setattr(mqd_t mqd, const struct mq_attr *attr, struct mq_attr *old);
int mq_notify(mqd_t mqd, const struct sigevent *sev);
#endif
