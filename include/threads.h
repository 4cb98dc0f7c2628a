/* <threads.h>: C11 threads over libsys's pthreads (libsys/threads.c).
 * thrd_t is a pthread_t, mtx_t a pthread_mutex_t, cnd_t a pthread_cond_t,
 * tss_t a pthread_key_t, once_flag a pthread_once_t.  Timed waits are on
 * CLOCK_REALTIME (TIME_UTC), as C11 says. */
#ifndef _THREADS_H
#define _THREADS_H

#include <pthread.h>
#include <time.h>

typedef pthread_t thrd_t;
typedef int (*thrd_start_t)(void *);
typedef pthread_mutex_t mtx_t;
typedef pthread_cond_t cnd_t;
typedef pthread_key_t tss_t;
typedef void (*tss_dtor_t)(void *);
typedef pthread_once_t once_flag;
#define ONCE_FLAG_INIT PTHREAD_ONCE_INIT
#define TSS_DTOR_ITERATIONS PTHREAD_DESTRUCTOR_ITERATIONS
#ifndef __cplusplus
#define thread_local _Thread_local
#endif

enum { thrd_success = 0, thrd_busy = 1, thrd_error = 2, thrd_nomem = 3,
       thrd_timedout = 4 };
enum { mtx_plain = 0, mtx_recursive = 1, mtx_timed = 2 };

int thrd_create(thrd_t *t, thrd_start_t fn, void *arg);
int thrd_join(thrd_t t, int *res);
int thrd_detach(thrd_t t);
thrd_t thrd_current(void);
int thrd_equal(thrd_t a, thrd_t b);
/* 0, or -1 (bad duration) */
int thrd_sleep(const struct timespec *d, struct timespec *rem);
void thrd_yield(void);
_Noreturn void thrd_exit(int res);

int mtx_init(mtx_t *m, int type);
int mtx_lock(mtx_t *m);
int mtx_timedlock(mtx_t *m, const struct timespec *ts);
int mtx_trylock(mtx_t *m);
int mtx_unlock(mtx_t *m);
void mtx_destroy(mtx_t *m);

int cnd_init(cnd_t *c);
int cnd_signal(cnd_t *c);
int cnd_broadcast(cnd_t *c);
int cnd_wait(cnd_t *c, mtx_t *m);
int cnd_timedwait(cnd_t *c, mtx_t *m, const struct timespec *ts);
void cnd_destroy(cnd_t *c);

int tss_create(tss_t *key, tss_dtor_t dtor);
void *tss_get(tss_t key);
int tss_set(tss_t key, void *val);
void tss_delete(tss_t key);

void call_once(once_flag *flag, void (*fn)(void));

#endif
