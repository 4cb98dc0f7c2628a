/* Unnamed semaphores (semaphore.h) on the kernel's futexes: the count is
 * the futex word; a waiter announces itself in waiters before it sleeps
 * while the count reads 0, and sem_post wakes one only if someone may
 * sleep.  (Both orders are sequentially consistent: a post either sees
 * the waiter or the waiter sees the new count, and futex_wait compares the
 * word again before it sleeps.) */
#include <errno.h>
#include <semaphore.h>
#include "abi/err.h"
#include "abi/syscall.h"
#include "sys/proc.h"
#include "libsys.h"

int sem_init(sem_t *sem, int pshared, unsigned value)
{
	if (value > SEM_VALUE_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (pshared) { /* futexes wake only threads of the waker's process */
		errno = ENOSYS;
		return -1;
	}
	*sem = (sem_t){ .value = value };
	return 0;
}

int sem_destroy(sem_t *sem)
{
	(void)sem;
	return 0;
}

int sem_trywait(sem_t *sem)
{
	unsigned v = __atomic_load_n(&sem->value, __ATOMIC_RELAXED);
	while (v > 0)
		if (__atomic_compare_exchange_n(&sem->value, &v, v - 1, 1, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return 0;
	errno = EAGAIN;
	return -1;
}

/* Take one, sleeping at most until abstime (NULL: no limit). */
static int sem_take(sem_t *sem, const struct timespec *abstime)
{
	uint64_t ms = FUTEX_FOREVER;
	for (;;) {
		if (sem_trywait(sem) == 0)
			return 0;
		int e = abstime ? libsys_ms_until(abstime, &ms) : 0;
		if (e) {
			errno = e;
			return -1;
		}
		__atomic_add_fetch(&sem->waiters, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&sem->value, __ATOMIC_SEQ_CST) == 0)
			futex_wait(&sem->value, 0, ms);
		__atomic_sub_fetch(&sem->waiters, 1, __ATOMIC_SEQ_CST);
	}
}

int sem_wait(sem_t *sem)
{
	return sem_take(sem, NULL);
}

int sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
	if (sem_trywait(sem) == 0)
		return 0;
	if (!abstime) {
		errno = EINVAL;
		return -1;
	}
	return sem_take(sem, abstime);
}

int sem_post(sem_t *sem)
{
	unsigned v = __atomic_load_n(&sem->value, __ATOMIC_RELAXED);
	do {
		if (v >= SEM_VALUE_MAX) {
			errno = EOVERFLOW;
			return -1;
		}
	} while (!__atomic_compare_exchange_n(&sem->value, &v, v + 1, 1, __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	if (__atomic_load_n(&sem->waiters, __ATOMIC_SEQ_CST))
		futex_wake(&sem->value, 1);
	return 0;
}

int sem_getvalue(sem_t *sem, int *value)
{
	*value = (int)__atomic_load_n(&sem->value, __ATOMIC_RELAXED);
	return 0;
}
