/* Barriers and spinlocks: rounds of pthread_barrier_wait (exactly one
 * PTHREAD_BARRIER_SERIAL_THREAD per round, nobody passes early) and a
 * counter guarded by a pthread_spinlock_t, with trylock's EBUSY. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_barrier: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define T 6
#define ROUNDS 50
static pthread_barrier_t bar;
static pthread_spinlock_t spin;
static long counter;
static int arrived[ROUNDS];
static int serials[ROUNDS];
static int early;

static void *worker(void *arg)
{
	(void)arg;
	for (int r = 0; r < ROUNDS; r++) {
		pthread_spin_lock(&spin);
		arrived[r]++;
		pthread_spin_unlock(&spin);
		int rc = pthread_barrier_wait(&bar);
		pthread_spin_lock(&spin);
		if (arrived[r] != T)
			early++;
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			serials[r]++;
		else if (rc != 0)
			early += 1000;
		pthread_spin_unlock(&spin);
		for (int i = 0; i < 1000; i++) {
			pthread_spin_lock(&spin);
			counter++;
			pthread_spin_unlock(&spin);
		}
	}
	return NULL;
}

int main(void)
{
	CHECK(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE) == 0);
	CHECK(pthread_barrier_init(&bar, NULL, T) == 0);
	pthread_t t[T];
	for (int i = 0; i < T; i++)
		CHECK(pthread_create(&t[i], NULL, worker, NULL) == 0);
	for (int i = 0; i < T; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(counter == (long)T * ROUNDS * 1000);
	CHECK(early == 0);
	int ok = 1;
	for (int r = 0; r < ROUNDS; r++)
		ok &= serials[r] == 1;
	CHECK(ok);
	CHECK(pthread_barrier_destroy(&bar) == 0);
	CHECK(pthread_spin_lock(&spin) == 0);
	CHECK(pthread_spin_trylock(&spin) == EBUSY);
	CHECK(pthread_spin_unlock(&spin) == 0);
	CHECK(pthread_spin_trylock(&spin) == 0);
	CHECK(pthread_spin_unlock(&spin) == 0);
	CHECK(pthread_spin_destroy(&spin) == 0);
	/* a barrier of one always answers SERIAL */
	pthread_barrierattr_t ba;
	CHECK(pthread_barrierattr_init(&ba) == 0);
	CHECK(pthread_barrier_init(&bar, &ba, 1) == 0);
	CHECK(pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD);
	CHECK(pthread_barrier_destroy(&bar) == 0);
	CHECK(pthread_barrierattr_destroy(&ba) == 0);
	CHECK(pthread_barrier_init(&bar, NULL, 0) == EINVAL);
	if (!fails)
		printf("@@PASS linux2_barrier\n");
	return fails != 0;
}
