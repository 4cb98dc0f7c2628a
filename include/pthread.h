/* POSIX threads over the system's threads (at most PG_MAX_THREADS per
 * process, the main one included): create, join, exit by returning, self,
 * mutexes and condition variables, all waiting asleep on futexes (the
 * kernel's futex_wait/futex_wake).  Errors are returned, not put in errno. */
#ifndef _PTHREAD_H
#define _PTHREAD_H

#include <sys/types.h>

typedef struct libsys_pthread *pthread_t;
typedef struct { int unused; } pthread_attr_t;
/* locked: 0 free, 1 held, 2 held and someone may sleep on it */
typedef struct { volatile int locked; } pthread_mutex_t;
typedef struct { int unused; } pthread_mutexattr_t;
#define PTHREAD_MUTEX_INITIALIZER { 0 }
/* seq: bumped by every signal and broadcast (waiters sleep on it) */
typedef struct { volatile unsigned seq; } pthread_cond_t;
typedef struct { int unused; } pthread_condattr_t;
#define PTHREAD_COND_INITIALIZER { 0 }

struct timespec;

int pthread_create(pthread_t *t, const pthread_attr_t *attr,
		   void *(*fn)(void *), void *arg);
int pthread_join(pthread_t t, void **ret);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *c);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
/* abstime on CLOCK_REALTIME, which here is the time since boot */
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			   const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);
int sched_yield(void);

#endif
