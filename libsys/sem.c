/* Semaphores (semaphore.h) on the kernel's futexes: the count is
 * the futex word (FUTEX_SHARED for a pshared or named one); a waiter announces itself in waiters before it sleeps
 * while the count reads 0, and sem_post wakes one only if someone may
 * sleep.  (Both orders are sequentially consistent: a post either sees
 * the waiter or the waiter sees the new count, and futex_wait compares the
 * word again before it sleeps.) */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include "abi/pager.h"
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
	*sem = (sem_t){ .value = value, .pshared = pshared != 0 };
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
			libsys_futex_wait(&sem->value, 0, ms, sem->pshared);
		__atomic_sub_fetch(&sem->waiters, 1, __ATOMIC_SEQ_CST);
	}
}

int sem_wait(sem_t *sem)
{
	libsys_testcancel();
	return sem_take(sem, NULL);
}

int sem_timedwait(sem_t *sem, const struct timespec *abstime)
{
	libsys_testcancel();
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
		libsys_futex_wake(&sem->value, 1, sem->pshared);
	return 0;
}

int sem_getvalue(sem_t *sem, int *value)
{
	*value = (int)__atomic_load_n(&sem->value, __ATOMIC_RELAXED);
	return 0;
}

/* ---- named semaphores: shared memory objects "sem.NAME" ---- */

#define SEM_PAGE 4096

/* "sem." and name without its leading slashes into buf; -1 (errno) if
 * name is empty, has another '/', or is too long. */
static int sem_objname(const char *name, char buf[256])
{
	if (!name) {
		errno = EINVAL;
		return -1;
	}
	while (*name == '/')
		name++;
	size_t n = strlen(name);
	if (!n || strchr(name, '/')) {
		errno = EINVAL;
		return -1;
	}
	if (n + 4 > 255) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, "sem.", 4);
	memcpy(buf + 4, name, n + 1);
	return 0;
}

/* sem_open: the object's first page mapped here.  With O_CREAT the pager
 * makes the object with the semaphore already in it (PG_PSH_INIT, before
 * its name is linked), as Linux makes it whole: no process ever opens a
 * semaphore whose maker has not set it up yet, even if the maker dies. */
sem_t *sem_open(const char *name, int oflag, ...)
{
	char obj[256];
	unsigned value = 0;
	if (oflag & O_CREAT) {
		va_list ap;
		va_start(ap, oflag);
		(void)va_arg(ap, unsigned); /* mode: one user */
		value = va_arg(ap, unsigned);
		va_end(ap);
		if (value > SEM_VALUE_MAX) {
			errno = EINVAL;
			return SEM_FAILED;
		}
	}
	if (sem_objname(name, obj))
		return SEM_FAILED;
	uint64_t fl = (oflag & O_CREAT) ? PG_PSH_CREAT | PG_PSH_INIT : 0;
	if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		fl |= PG_PSH_EXCL;
	union {
		sem_t s;
		uint64_t w[2];
	} init = { .s = { .value = value, .pshared = 1, .ready = 1 } };
	_Static_assert(offsetof(sem_t, ready) + sizeof init.s.ready <= sizeof init.w,
		       "PG_PSH_INIT sets the first 16 bytes");
	char *base;
	int made;
	if (libsys_psh_open(obj, fl, init.w, &base, &made))
		return SEM_FAILED;
	struct sys_msg q = { .label = PG_PSH_SIZE, .w = { (uint64_t)(uintptr_t)base } };
	if (libsys_pg_call(&q) != E_OK || q.w[0] < sizeof init.w) {
		/* an object of that name that is no semaphore (shm_open's, size 0:
		 * its page 0 would be SIGBUS) */
		munmap(base, PG_PSH_SPAN);
		errno = EINVAL;
		return SEM_FAILED;
	}
	sem_t *s = mremap(base, 0, SEM_PAGE, MREMAP_MAYMOVE);
	munmap(base, PG_PSH_SPAN);
	if (s == MAP_FAILED)
		return SEM_FAILED;
	if (!__atomic_load_n(&s->ready, __ATOMIC_ACQUIRE)) {
		/* an object of that name that is no semaphore (shm_open's) */
		munmap(s, SEM_PAGE);
		errno = EINVAL;
		return SEM_FAILED;
	}
	return s;
}

int sem_close(sem_t *sem)
{
	return munmap(sem, SEM_PAGE);
}

int sem_unlink(const char *name)
{
	char obj[256];
	if (sem_objname(name, obj))
		return -1;
	size_t len = strlen(obj) + 1;
	memcpy(libsys_ipc_buf(), obj, len);
	struct sys_msg m = { .label = IPC_LABEL(PG_PSH_UNLINK, len) };
	return libsys_fail(libsys_pg_call(&m));
}
