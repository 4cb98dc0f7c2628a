/* C11 <threads.h> on libsys's pthreads: each call is its pthread_* twin
 * with the result mapped to thrd_success, thrd_busy, thrd_timedout,
 * thrd_nomem or thrd_error. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

static int thrd_result(int e)
{
	switch (e) {
	case 0: return thrd_success;
	case EBUSY: return thrd_busy;
	case ETIMEDOUT: return thrd_timedout;
	case ENOMEM:
	case EAGAIN: return thrd_nomem;
	default: return thrd_error;
	}
}

/* What a thrd_create'd thread runs: its C11 function, its int result
 * carried as the pthread's pointer result. */
struct thrd_start {
	thrd_start_t fn;
	void *arg;
};

static void *thrd_run(void *p)
{
	struct thrd_start s = *(struct thrd_start *)p;
	free(p);
	return (void *)(intptr_t)s.fn(s.arg);
}

int thrd_create(thrd_t *t, thrd_start_t fn, void *arg)
{
	struct thrd_start *s = malloc(sizeof *s);
	if (!s)
		return thrd_nomem;
	s->fn = fn;
	s->arg = arg;
	int e = pthread_create(t, NULL, thrd_run, s);
	if (e)
		free(s);
	return thrd_result(e);
}

int thrd_join(thrd_t t, int *res)
{
	void *r;
	int e = pthread_join(t, &r);
	if (!e && res)
		*res = (int)(intptr_t)r;
	return thrd_result(e);
}

int thrd_detach(thrd_t t) { return thrd_result(pthread_detach(t)); }
thrd_t thrd_current(void) { return pthread_self(); }
int thrd_equal(thrd_t a, thrd_t b) { return pthread_equal(a, b); }
void thrd_yield(void) { sched_yield(); }
void thrd_exit(int res) { pthread_exit((void *)(intptr_t)res); }

int thrd_sleep(const struct timespec *d, struct timespec *rem)
{
	return nanosleep(d, rem) ? -1 : 0;
}

int mtx_init(mtx_t *m, int type)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, (type & mtx_recursive) ? PTHREAD_MUTEX_RECURSIVE
							    : PTHREAD_MUTEX_NORMAL);
	int e = pthread_mutex_init(m, &a);
	pthread_mutexattr_destroy(&a);
	return thrd_result(e);
}

int mtx_lock(mtx_t *m) { return thrd_result(pthread_mutex_lock(m)); }
int mtx_trylock(mtx_t *m) { return thrd_result(pthread_mutex_trylock(m)); }
int mtx_unlock(mtx_t *m) { return thrd_result(pthread_mutex_unlock(m)); }
void mtx_destroy(mtx_t *m) { pthread_mutex_destroy(m); }

int mtx_timedlock(mtx_t *m, const struct timespec *ts)
{
	return thrd_result(pthread_mutex_timedlock(m, ts));
}

int cnd_init(cnd_t *c) { return thrd_result(pthread_cond_init(c, NULL)); }
int cnd_signal(cnd_t *c) { return thrd_result(pthread_cond_signal(c)); }
int cnd_broadcast(cnd_t *c) { return thrd_result(pthread_cond_broadcast(c)); }
int cnd_wait(cnd_t *c, mtx_t *m) { return thrd_result(pthread_cond_wait(c, m)); }
void cnd_destroy(cnd_t *c) { pthread_cond_destroy(c); }

int cnd_timedwait(cnd_t *c, mtx_t *m, const struct timespec *ts)
{
	return thrd_result(pthread_cond_timedwait(c, m, ts));
}

int tss_create(tss_t *key, tss_dtor_t dtor) { return thrd_result(pthread_key_create(key, dtor)); }
void *tss_get(tss_t key) { return pthread_getspecific(key); }
int tss_set(tss_t key, void *val) { return thrd_result(pthread_setspecific(key, val)); }
void tss_delete(tss_t key) { pthread_key_delete(key); }

void call_once(once_flag *flag, void (*fn)(void)) { pthread_once(flag, fn); }
