#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <errno.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_pthread: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

#define NT 8
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;
static int queue[16], qhead, qtail, qcount, done;

static void *adder(void *arg)
{
	long id = (long)(intptr_t)arg;
	for (int i = 0; i < 10000; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	return (void *)(intptr_t)(id * 2);
}

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 1000; i++) {
		pthread_mutex_lock(&mu);
		while (qcount == 16)
			pthread_cond_wait(&cv, &mu);
		queue[qtail] = i; qtail = (qtail + 1) % 16; qcount++;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	pthread_mutex_lock(&mu);
	done = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void *consumer(void *arg)
{
	long *sum = arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		while (qcount == 0 && !done)
			pthread_cond_wait(&cv, &mu);
		if (qcount == 0 && done) { pthread_mutex_unlock(&mu); break; }
		*sum += queue[qhead]; qhead = (qhead + 1) % 16; qcount--;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static pthread_mutex_t rm;
static int recurse(int n)
{
	if (pthread_mutex_lock(&rm) != 0) return -1;
	int r = n ? recurse(n - 1) + 1 : 0;
	pthread_mutex_unlock(&rm);
	return r;
}

static pthread_key_t key;
static int destructed;
static void dtor(void *p) { __sync_fetch_and_add(&destructed, 1); free(p); }
static void *keyuser(void *arg)
{
	int *v = malloc(sizeof *v);
	*v = (int)(intptr_t)arg;
	pthread_setspecific(key, v);
	usleep(1000);
	int *g = pthread_getspecific(key);
	return (void *)(intptr_t)(g && *g == (int)(intptr_t)arg);
}

static void *errno_thread(void *arg)
{
	(void)arg;
	errno = 0;
	if (write(-1, "x", 1) != -1 || errno != EBADF) return (void *)1;
	usleep(2000);
	return (void *)(intptr_t)(errno == EBADF ? 0 : 2);
}

int main(void)
{
	pthread_t t[NT];
	for (long i = 0; i < NT; i++)
		CHECK(pthread_create(&t[i], NULL, adder, (void *)(intptr_t)i) == 0);
	for (long i = 0; i < NT; i++) {
		void *ret;
		CHECK(pthread_join(t[i], &ret) == 0);
		CHECK((intptr_t)ret == i * 2);
	}
	CHECK(counter == NT * 10000);

	long sums[3] = { 0, 0, 0 };
	pthread_t p, c[3];
	for (int i = 0; i < 3; i++) pthread_create(&c[i], NULL, consumer, &sums[i]);
	pthread_create(&p, NULL, producer, NULL);
	pthread_join(p, NULL);
	for (int i = 0; i < 3; i++) pthread_join(c[i], NULL);
	CHECK(sums[0] + sums[1] + sums[2] == 1000 * 1001 / 2);

	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	CHECK(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE) == 0);
	CHECK(pthread_mutex_init(&rm, &ma) == 0);
	CHECK(recurse(5) == 5);
	CHECK(pthread_mutex_trylock(&rm) == 0);
	CHECK(pthread_mutex_trylock(&rm) == 0);
	pthread_mutex_unlock(&rm);
	pthread_mutex_unlock(&rm);
	pthread_mutex_destroy(&rm);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_t em;
	pthread_mutex_init(&em, &ma);
	CHECK(pthread_mutex_lock(&em) == 0);
	CHECK(pthread_mutex_lock(&em) == EDEADLK);
	CHECK(pthread_mutex_unlock(&em) == 0);
	CHECK(pthread_mutex_unlock(&em) == EPERM);
	pthread_mutexattr_destroy(&ma);

	CHECK(pthread_key_create(&key, dtor) == 0);
	pthread_t k[4];
	for (int i = 0; i < 4; i++) pthread_create(&k[i], NULL, keyuser, (void *)(intptr_t)(i + 1));
	for (int i = 0; i < 4; i++) { void *r; pthread_join(k[i], &r); CHECK(r == (void *)1); }
	CHECK(destructed == 4);
	CHECK(pthread_getspecific(key) == NULL);
	CHECK(pthread_key_delete(key) == 0);

	pthread_t e1, e2;
	pthread_create(&e1, NULL, errno_thread, NULL);
	pthread_create(&e2, NULL, errno_thread, NULL);
	errno = 0;
	void *r1, *r2;
	pthread_join(e1, &r1); pthread_join(e2, &r2);
	CHECK(r1 == NULL && r2 == NULL && errno == 0);
	CHECK(pthread_equal(pthread_self(), pthread_self()));
	if (!fails)
		printf("@@PASS linux_pthread\n");
	return fails != 0;
}
