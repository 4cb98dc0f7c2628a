/* <semaphore.h>: POSIX semaphores waiting asleep on the kernel's
 * futexes: unnamed ones between the threads of a process, or with pshared
 * != 0 between processes (the semaphore in MAP_SHARED memory: futexes keyed
 * by the frame); named ones (sem_open) for any process, each a shared
 * memory object of the pager's global namespace ("sem.NAME"). */
#ifndef _SEMAPHORE_H
#define _SEMAPHORE_H

#include <sys/types.h>
#include <time.h>

#define SEM_VALUE_MAX 0x7fffffff
#define SEM_FAILED ((sem_t *)0)

/* value: the count (a futex word); waiters: threads that may sleep on it;
 * pshared: shared between processes; ready: a named one is a semaphore
 * (sem_open's O_CREAT has the pager make its object with this set) */
typedef struct {
	volatile unsigned value;
	volatile unsigned waiters;
	unsigned pshared;
	volatile unsigned ready;
	unsigned long __pad[1];
} sem_t;

/* Each returns 0, or -1 with errno: */
/* EINVAL value > SEM_VALUE_MAX. */
int sem_init(sem_t *sem, int pshared, unsigned value);
/* Named semaphores: sem_open(name, oflag[, mode, value]) with O_CREAT,
 * O_EXCL as open: SEM_FAILED with errno EINVAL (name, value), ENOENT,
 * EEXIST, ENAMETOOLONG, ENOMEM.  sem_close unmaps it; sem_unlink takes
 * the name away (ENOENT), the semaphore living on while open. */
sem_t *sem_open(const char *name, int oflag, ...);
int sem_close(sem_t *sem);
int sem_unlink(const char *name);
int sem_destroy(sem_t *sem);
/* Take one, sleeping while the count is 0. */
int sem_wait(sem_t *sem);
/* EAGAIN if the count is 0. */
int sem_trywait(sem_t *sem);
/* sem_wait until abstime (CLOCK_REALTIME): ETIMEDOUT, EINVAL bad time. */
int sem_timedwait(sem_t *sem, const struct timespec *abstime);
int sem_clockwait(sem_t *sem, clockid_t clk, const struct timespec *abstime);
/* Give one back, waking a sleeper; EOVERFLOW at SEM_VALUE_MAX. */
int sem_post(sem_t *sem);
int sem_getvalue(sem_t *sem, int *value);

#endif
