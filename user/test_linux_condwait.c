/* pthread_cond_wait and pthread_cond_timedwait with ERRORCHECK and
 * RECURSIVE mutexes, as glibc: after the wait the caller owns the mutex
 * again at the depth it held it (unlock succeeds that many times, then
 * EPERM), and another thread can take it after.  (A recursive mutex held
 * more than once is only timed-waited on: glibc then keeps it locked.) */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_condwait: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static pthread_mutex_t m;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int ready, taken;

/* Waits for the main thread's signal condition, sets ready under m. */
static void *signaller(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m);
	ready = 1;
	pthread_cond_signal(&c);
	pthread_mutex_unlock(&m);
	return NULL;
}

/* Takes m after the main thread let go of it: a trylock from elsewhere. */
static void *taker(void *arg)
{
	(void)arg;
	taken = pthread_mutex_trylock(&m) == 0;
	if (taken)
		pthread_mutex_unlock(&m);
	return NULL;
}

static void one_type(int type, int depth)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, type);
	pthread_mutex_init(&m, &a);
	ready = 0;
	for (int i = 0; i < depth; i++)
		CHECK(pthread_mutex_lock(&m) == 0);
	pthread_t t;
	if (depth == 1) { /* deeper, glibc keeps it locked over the wait */
		CHECK(pthread_create(&t, NULL, signaller, NULL) == 0);
		while (!ready)
			CHECK(pthread_cond_wait(&c, &m) == 0);
	}
	/* a timed wait that times out: the mutex is ours again too */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20 * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	CHECK(pthread_cond_timedwait(&c, &m, &ts) == ETIMEDOUT);
	for (int i = 0; i < depth; i++)
		CHECK(pthread_mutex_unlock(&m) == 0);
	if (type != PTHREAD_MUTEX_NORMAL)
		CHECK(pthread_mutex_unlock(&m) == EPERM);
	if (depth == 1)
		pthread_join(t, NULL);
	taken = 0;
	CHECK(pthread_create(&t, NULL, taker, NULL) == 0);
	pthread_join(t, NULL);
	CHECK(taken);
	if (type == PTHREAD_MUTEX_ERRORCHECK) /* waiting on what one does not hold */
		CHECK(pthread_cond_wait(&c, &m) == EPERM);
}

int main(void)
{
	one_type(PTHREAD_MUTEX_NORMAL, 1);
	one_type(PTHREAD_MUTEX_ERRORCHECK, 1);
	one_type(PTHREAD_MUTEX_RECURSIVE, 1);
	one_type(PTHREAD_MUTEX_RECURSIVE, 3);
	if (!fails)
		printf("@@PASS linux_condwait\n");
	return fails != 0;
}
