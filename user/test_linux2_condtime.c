/* Timed waits: pthread_cond_timedwait times out (ETIMEDOUT) after at
 * least the time asked on CLOCK_REALTIME and, with condattr_setclock, on
 * CLOCK_MONOTONIC; a signal before the deadline wakes it with 0; a past
 * deadline returns at once; pthread_mutex_timedlock and sem_timedwait. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_condtime: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;

static long long now(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct timespec in_ms(clockid_t c, long ms)
{
	struct timespec t;
	clock_gettime(c, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

static void *signaller(void *arg)
{
	(void)arg;
	usleep(30000);
	pthread_mutex_lock(&mu);
	ready = 1;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *holder(void *arg)
{
	pthread_mutex_t *m = arg;
	pthread_mutex_lock(m);
	usleep(300000);
	pthread_mutex_unlock(m);
	return NULL;
}

int main(void)
{
	/* timeout on the realtime clock */
	pthread_mutex_lock(&mu);
	long long t0 = now(CLOCK_REALTIME);
	struct timespec dl = in_ms(CLOCK_REALTIME, 50);
	int rc;
	do
		rc = pthread_cond_timedwait(&cv, &mu, &dl);
	while (rc == 0);
	CHECK(rc == ETIMEDOUT);
	CHECK(now(CLOCK_REALTIME) - t0 >= 50000000LL);
	/* a deadline in the past */
	dl.tv_sec -= 10;
	CHECK(pthread_cond_timedwait(&cv, &mu, &dl) == ETIMEDOUT);
	pthread_mutex_unlock(&mu);

	/* on the monotonic clock */
	pthread_condattr_t ca;
	pthread_cond_t mcv;
	CHECK(pthread_condattr_init(&ca) == 0);
	CHECK(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0);
	clockid_t ck;
	CHECK(pthread_condattr_getclock(&ca, &ck) == 0 && ck == CLOCK_MONOTONIC);
	CHECK(pthread_cond_init(&mcv, &ca) == 0);
	pthread_mutex_lock(&mu);
	t0 = now(CLOCK_MONOTONIC);
	dl = in_ms(CLOCK_MONOTONIC, 40);
	do
		rc = pthread_cond_timedwait(&mcv, &mu, &dl);
	while (rc == 0);
	CHECK(rc == ETIMEDOUT && now(CLOCK_MONOTONIC) - t0 >= 40000000LL);
	pthread_mutex_unlock(&mu);
	pthread_cond_destroy(&mcv);
	pthread_condattr_destroy(&ca);

	/* signalled before a long deadline */
	pthread_t t;
	CHECK(pthread_create(&t, NULL, signaller, NULL) == 0);
	pthread_mutex_lock(&mu);
	dl = in_ms(CLOCK_REALTIME, 20000);
	rc = 0;
	while (!ready && rc == 0)
		rc = pthread_cond_timedwait(&cv, &mu, &dl);
	CHECK(rc == 0 && ready);
	pthread_mutex_unlock(&mu);
	pthread_join(t, NULL);

	/* timedlock */
	pthread_mutex_t m2 = PTHREAD_MUTEX_INITIALIZER;
	CHECK(pthread_create(&t, NULL, holder, &m2) == 0);
	while (pthread_mutex_trylock(&m2) == 0) {
		pthread_mutex_unlock(&m2);
		usleep(1000);
	}
	dl = in_ms(CLOCK_REALTIME, 20);
	CHECK(pthread_mutex_timedlock(&m2, &dl) == ETIMEDOUT);
	dl = in_ms(CLOCK_REALTIME, 20000);
	CHECK(pthread_mutex_timedlock(&m2, &dl) == 0);
	pthread_mutex_unlock(&m2);
	pthread_join(t, NULL);

	/* sem_timedwait */
	sem_t s;
	CHECK(sem_init(&s, 0, 0) == 0);
	t0 = now(CLOCK_REALTIME);
	dl = in_ms(CLOCK_REALTIME, 30);
	errno = 0;
	CHECK(sem_timedwait(&s, &dl) == -1 && errno == ETIMEDOUT);
	CHECK(now(CLOCK_REALTIME) - t0 >= 30000000LL);
	CHECK(sem_post(&s) == 0);
	dl = in_ms(CLOCK_REALTIME, 30);
	CHECK(sem_timedwait(&s, &dl) == 0);
	errno = 0;
	CHECK(sem_trywait(&s) == -1 && errno == EAGAIN);
	int v = -1;
	CHECK(sem_getvalue(&s, &v) == 0 && v == 0);
	sem_destroy(&s);
	if (!fails)
		printf("@@PASS linux2_condtime\n");
	return fails != 0;
}
