/* <semaphore.h>: unnamed POSIX semaphores between the threads of one
 * process, waiting asleep on the kernel's futexes.  A semaphore shared
 * between processes (pshared != 0) is refused with ENOSYS: the kernel's
 * futexes wake only threads of the waker's own process.  No named
 * semaphores (sem_open). */
#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H

#include <sys/types.h>
#include <time.h>

#define SEM_VALUE_MAX 0x7fffffff
#define SEM_FAILED ((sem_t *)0)

/* value: the count (a futex word); waiters: threads that may sleep on it */
typedef struct {
	volatile unsigned value;
	volatile unsigned waiters;
	unsigned long __pad[2];
} sem_t;

/* Each returns 0, or -1 with errno: */
/* EINVAL value > SEM_VALUE_MAX, ENOSYS pshared. */
int sem_init(sem_t *sem, int pshared, unsigned value);
int sem_destroy(sem_t *sem);
/* Take one, sleeping while the count is 0. */
int sem_wait(sem_t *sem);
/* EAGAIN if the count is 0. */
int sem_trywait(sem_t *sem);
/* sem_wait until abstime (CLOCK_REALTIME): ETIMEDOUT, EINVAL bad time. */
int sem_timedwait(sem_t *sem, const struct timespec *abstime);
/* Give one back, waking a sleeper; EOVERFLOW at SEM_VALUE_MAX. */
int sem_post(sem_t *sem);
int sem_getvalue(sem_t *sem, int *value);

#endif
