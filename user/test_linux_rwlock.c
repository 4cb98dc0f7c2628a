#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_rwlock: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static volatile int readers_in, max_readers, writer_in, bad;
static long data[4];
static pthread_barrier_t bar;

static void *reader(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&bar);
	for (int i = 0; i < 2000; i++) {
		pthread_rwlock_rdlock(&rw);
		int n = __sync_add_and_fetch(&readers_in, 1);
		if (n > max_readers) max_readers = n;
		if (writer_in) bad = 1;
		if (data[0] != data[1] || data[2] != data[3] || data[0] != data[3]) bad = 2;
		__sync_sub_and_fetch(&readers_in, 1);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *writer(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&bar);
	for (int i = 0; i < 500; i++) {
		pthread_rwlock_wrlock(&rw);
		writer_in = 1;
		if (readers_in) bad = 3;
		for (int k = 0; k < 4; k++) data[k]++;
		writer_in = 0;
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[6];
	CHECK(pthread_barrier_init(&bar, NULL, 6) == 0);
	for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, reader, NULL);
	for (int i = 4; i < 6; i++) pthread_create(&t[i], NULL, writer, NULL);
	for (int i = 0; i < 6; i++) pthread_join(t[i], NULL);
	CHECK(!bad);
	CHECK(data[0] == 1000);
	pthread_barrier_destroy(&bar);

	pthread_rwlock_t l;
	CHECK(pthread_rwlock_init(&l, NULL) == 0);
	CHECK(pthread_rwlock_rdlock(&l) == 0);
	CHECK(pthread_rwlock_tryrdlock(&l) == 0);
	CHECK(pthread_rwlock_trywrlock(&l) == EBUSY);
	CHECK(pthread_rwlock_unlock(&l) == 0);
	CHECK(pthread_rwlock_unlock(&l) == 0);
	CHECK(pthread_rwlock_trywrlock(&l) == 0);
	CHECK(pthread_rwlock_tryrdlock(&l) == EBUSY);
	CHECK(pthread_rwlock_unlock(&l) == 0);
	CHECK(pthread_rwlock_destroy(&l) == 0);
	if (!fails)
		printf("@@PASS linux_rwlock\n");
	return fails != 0;
}
