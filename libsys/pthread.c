/* POSIX threads over thread_start (sys/proc.h): a joinable thread has a
 * block on the heap that outlives its stack; join sleeps on its done flag
 * (a futex) and frees it.  Mutexes are Drepper's three-state futex mutex
 * ("Futexes Are Tricky"); a condition variable is a sequence number its
 * waiters sleep on. */
#include <errno.h>
#include <pthread.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>
#include "abi/err.h"
#include "abi/syscall.h"
#include "sys/syscall.h"
#include "sys/unistd.h" /* thread_start, sleep_ms */
#include "libsys.h"

#define PTHREAD_STACK (256u << 10)

struct libsys_pthread {
	void *(*fn)(void *);
	void *arg, *ret;
	volatile unsigned done; /* a futex: 1 once fn returned */
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
	futex_wake(&t->done, INT_MAX); /* t may be freed by now: only its address is used */
}

int futex_wait(volatile void *word, uint32_t val, uint64_t ms)
{
	return sys_futex_wait((uint64_t)(uintptr_t)word, val, ms);
}

unsigned futex_wake(volatile void *word, unsigned n)
{
	struct sys_regs r;
	return sys_futex_wake_r((uint64_t)(uintptr_t)word, n, &r) ? 0 : (unsigned)r.rdi;
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
		futex_wait(&t->done, 0, FUTEX_FOREVER);
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
	int free = 0;
	return __atomic_compare_exchange_n(&m->locked, &free, 1, 0, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED) ? 0 : EBUSY;
}

/* Free -> 1 at once; else mark it 2 (a sleeper may wait) and sleep until
 * a swap to 2 finds it free. */
int pthread_mutex_lock(pthread_mutex_t *m)
{
	for (int spins = 0; spins < 100; spins++) {
		if (pthread_mutex_trylock(m) == 0)
			return 0;
		__builtin_ia32_pause();
	}
	while (__atomic_exchange_n(&m->locked, 2, __ATOMIC_ACQUIRE) != 0)
		futex_wait(&m->locked, 2, FUTEX_FOREVER);
	return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (__atomic_exchange_n(&m->locked, 0, __ATOMIC_RELEASE) == 2)
		futex_wake(&m->locked, 1);
	return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
	(void)attr;
	c->seq = 0;
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
	(void)c;
	return 0;
}

/* Sleep on c's sequence number as read while m was held: a signal after we
 * let go of m changes it, so it cannot be missed; ms as futex_wait. */
static int cond_wait_ms(pthread_cond_t *c, pthread_mutex_t *m, uint64_t ms)
{
	unsigned seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
	pthread_mutex_unlock(m);
	int e = futex_wait(&c->seq, seq, ms);
	/* 2, not 1: other waiters may sleep on m since we took it back */
	while (__atomic_exchange_n(&m->locked, 2, __ATOMIC_ACQUIRE) != 0)
		futex_wait(&m->locked, 2, FUTEX_FOREVER);
	return e == E_TIMEDOUT ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return cond_wait_ms(c, m, FUTEX_FOREVER);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			   const struct timespec *abstime)
{
	struct timespec now;
	if (!abstime || abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000)
		return EINVAL;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t ms = (int64_t)(abstime->tv_sec - now.tv_sec) * 1000 +
		     (abstime->tv_nsec - now.tv_nsec + 999999) / 1000000;
	if (ms <= 0)
		return ETIMEDOUT;
	return cond_wait_ms(c, m, (uint64_t)ms > FUTEX_MAX_MS ? FUTEX_MAX_MS : (uint64_t)ms);
}

int pthread_cond_signal(pthread_cond_t *c)
{
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
	futex_wake(&c->seq, 1);
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
	futex_wake(&c->seq, INT_MAX);
	return 0;
}

int sched_yield(void)
{
	sys_yield();
	return 0;
}
