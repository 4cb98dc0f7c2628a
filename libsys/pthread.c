/* POSIX threads over thread_start (sys/proc.h): a joinable thread has a
 * block on the heap that outlives its stack; join waits for its done flag
 * (1 ms sleeps) and frees it.  Mutexes spin a little, then yield. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include "abi/err.h"
#include "abi/syscall.h"
#include "sys/syscall.h"
#include "sys/unistd.h" /* thread_start, sleep_ms */
#include "libsys.h"

#define PTHREAD_STACK (256u << 10)

struct libsys_pthread {
	void *(*fn)(void *);
	void *arg, *ret;
	volatile int done;
};

/* The main thread's pthread_t (it has no block). */
static struct libsys_pthread main_thread;

static void run(void *arg)
{
	struct libsys_pthread *t = arg;
	struct libsys_tls *me = libsys_tls();
	if (me)
		me->self = t;
	t->ret = t->fn(t->arg);
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
}

int pthread_create(pthread_t *out, const pthread_attr_t *attr,
		   void *(*fn)(void *), void *arg)
{
	(void)attr;
	struct libsys_pthread *t = calloc(1, sizeof *t);
	if (!t)
		return EAGAIN;
	t->fn = fn;
	t->arg = arg;
	int e;
	/* a joined thread's slot frees a moment after it ended: retry a while */
	for (int tries = 0; (e = thread_start(run, t, PTHREAD_STACK)) == E_NOMEM &&
			    tries < 200; tries++)
		sleep_ms(1);
	if (e) {
		free(t);
		return EAGAIN;
	}
	*out = t;
	return 0;
}

int pthread_join(pthread_t t, void **ret)
{
	if (!t || t == &main_thread)
		return EINVAL;
	while (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
		sleep_ms(1);
	if (ret)
		*ret = t->ret;
	free(t);
	return 0;
}

pthread_t pthread_self(void)
{
	struct libsys_tls *me = libsys_tls();
	return me && me->self ? me->self : &main_thread;
}

int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	(void)attr;
	m->locked = 0;
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
	return m->locked ? EBUSY : 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
	return __atomic_exchange_n(&m->locked, 1, __ATOMIC_ACQUIRE) ? EBUSY : 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
	for (int spins = 0; pthread_mutex_trylock(m); spins++) {
		if (spins < 100)
			__builtin_ia32_pause();
		else
			sys_yield();
	}
	return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	__atomic_store_n(&m->locked, 0, __ATOMIC_RELEASE);
	return 0;
}

int sched_yield(void)
{
	sys_yield();
	return 0;
}
