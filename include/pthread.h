/* POSIX threads over the system's threads (at most PG_MAX_THREADS per
 * process, the main one included): create, join, exit by returning, self,
 * mutexes (spin then yield).  Errors are returned, not put in errno. */
#ifndef _PTHREAD_H
#define _PTHREAD_H

#include <sys/types.h>

typedef struct libsys_pthread *pthread_t;
typedef struct { int unused; } pthread_attr_t;
typedef struct { volatile int locked; } pthread_mutex_t;
typedef struct { int unused; } pthread_mutexattr_t;
#define PTHREAD_MUTEX_INITIALIZER { 0 }

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
int sched_yield(void);

#endif
