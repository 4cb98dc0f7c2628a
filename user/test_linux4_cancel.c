/* Deferred cancellation as Linux programs use it: pthread_cancel of a
 * thread looping on pthread_testcancel, of one asleep in usleep/sleep, of
 * one waiting forever in pthread_cond_wait (its cleanup handler unlocks
 * the mutex it holds again); join gives PTHREAD_CANCELED; cleanup handlers
 * run last pushed first, by pthread_exit too, and pthread_cleanup_pop(1)
 * runs one; a disabled cancel waits until enabled; key destructors still
 * run; a read-write lock wait is no cancellation point (a thread cancelled
 * there takes the lock, and the lock works after it ended). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux4_cancel: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static volatile int started, order[4], norder, dtor_ran;
static pthread_key_t key;

static void note(void *arg) { order[norder++] = (int)(long)arg; }
static void unlock_it(void *arg) { pthread_mutex_unlock(arg); note((void *)9); }
static void dtor(void *v) { (void)v; dtor_ran = 1; }

static void *spin_test(void *a)
{
	(void)a;
	pthread_setspecific(key, (void *)1);
	pthread_cleanup_push(note, (void *)1);
	pthread_cleanup_push(note, (void *)2);
	started = 1;
	for (;;)
		pthread_testcancel();
	pthread_cleanup_pop(0);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *sleeper(void *a)
{
	(void)a;
	started = 1;
	for (;;)
		sleep(5);
	return NULL;
}

static void *cond_waiter(void *a)
{
	(void)a;
	pthread_mutex_lock(&m);
	pthread_cleanup_push(unlock_it, &m);
	started = 1;
	for (;;)
		pthread_cond_wait(&cv, &m); /* nobody signals */
	pthread_cleanup_pop(1);
	return NULL;
}

static void *disabled(void *a)
{
	(void)a;
	int old;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	started = 1;
	while (started != 2)
		usleep(1000);
	pthread_testcancel(); /* disabled: goes on */
	norder = 42;
	pthread_setcancelstate(old, NULL);
	pthread_testcancel();
	return NULL;
}

static void *exits(void *a)
{
	(void)a;
	while (started != 1)
		usleep(1000);
	pthread_cleanup_push(note, (void *)5);
	pthread_cleanup_push(note, (void *)6);
	pthread_cleanup_pop(1); /* runs 6 now */
	pthread_exit((void *)77);
	pthread_cleanup_pop(0);
	return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void *rw_writer(void *a)
{
	(void)a;
	started = 1;
	pthread_rwlock_wrlock(&rw); /* waits for main's read lock */
	norder = 7;
	pthread_rwlock_unlock(&rw);
	pthread_testcancel();
	return NULL;
}

static pthread_t start(void *(*fn)(void *))
{
	pthread_t t;
	started = 0;
	norder = 0;
	CHECK(pthread_create(&t, NULL, fn, NULL) == 0);
	while (!started)
		usleep(1000);
	return t;
}

int main(void)
{
	void *r;
	CHECK(pthread_key_create(&key, dtor) == 0);
	pthread_t t = start(spin_test);
	CHECK(pthread_cancel(t) == 0);
	CHECK(pthread_join(t, &r) == 0 && r == PTHREAD_CANCELED);
	CHECK(norder == 2 && order[0] == 2 && order[1] == 1 && dtor_ran);

	t = start(sleeper);
	usleep(20000);
	CHECK(pthread_cancel(t) == 0);
	CHECK(pthread_join(t, &r) == 0 && r == PTHREAD_CANCELED);

	t = start(cond_waiter);
	usleep(20000);
	CHECK(pthread_cancel(t) == 0);
	CHECK(pthread_join(t, &r) == 0 && r == PTHREAD_CANCELED);
	CHECK(norder == 1 && order[0] == 9);
	CHECK(pthread_mutex_trylock(&m) == 0); /* the handler let go of it */
	pthread_mutex_unlock(&m);

	t = start(disabled);
	CHECK(pthread_cancel(t) == 0);
	started = 2;
	CHECK(pthread_join(t, &r) == 0 && r == PTHREAD_CANCELED && norder == 42);

	started = 0;
	norder = 0;
	CHECK(pthread_create(&t, NULL, exits, NULL) == 0);
	started = 1;
	CHECK(pthread_join(t, &r) == 0 && r == (void *)77);
	CHECK(norder == 2 && order[0] == 6 && order[1] == 5);

	CHECK(pthread_rwlock_rdlock(&rw) == 0);
	t = start(rw_writer);
	usleep(20000);
	CHECK(pthread_cancel(t) == 0);
	CHECK(pthread_rwlock_unlock(&rw) == 0);
	CHECK(pthread_join(t, &r) == 0 && r == PTHREAD_CANCELED && norder == 7);
	CHECK(pthread_rwlock_wrlock(&rw) == 0 && pthread_rwlock_trywrlock(&rw) == EBUSY);
	CHECK(pthread_rwlock_unlock(&rw) == 0);

	int old;
	CHECK(pthread_setcancelstate(7, &old) == EINVAL);
	CHECK(pthread_setcanceltype(PTHREAD_CANCEL_DEFERRED, &old) == 0 && old == PTHREAD_CANCEL_DEFERRED);
	if (!fails)
		printf("@@PASS linux4_cancel\n");
	return fails != 0;
}
