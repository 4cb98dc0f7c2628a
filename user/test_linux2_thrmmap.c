/* Many threads at once, each mapping, filling, checking and unmapping
 * its own memory in a loop (and some malloc/free), while pthread_once
 * runs its function exactly once and detached threads finish alone. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_thrmmap: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define T 8
static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_runs, detached_done, bad;

static void init_once(void) { atomic_fetch_add(&once_runs, 1); }

static void *worker(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	long pg = sysconf(_SC_PAGESIZE);
	pthread_once(&once, init_once);
	for (int it = 0; it < 20; it++) {
		size_t len = (size_t)(1 + (id + it) % 8) * pg * 4;
		unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED) {
			atomic_fetch_add(&bad, 1);
			continue;
		}
		for (size_t i = 0; i < len; i += 512)
			m[i] = (unsigned char)(id + i);
		for (size_t i = 0; i < len; i += 512)
			if (m[i] != (unsigned char)(id + i))
				atomic_fetch_add(&bad, 1);
		if (munmap(m, len) != 0)
			atomic_fetch_add(&bad, 1);
		char *h = malloc(1000 + id * 100);
		if (!h)
			atomic_fetch_add(&bad, 1);
		else {
			memset(h, (int)id, 1000 + id * 100);
			free(h);
		}
	}
	return (void *)(id * 3);
}

static void *detached(void *arg)
{
	(void)arg;
	char *m = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m != MAP_FAILED) {
		memset(m, 1, 65536);
		munmap(m, 65536);
	}
	atomic_fetch_add(&detached_done, 1);
	return NULL;
}

int main(void)
{
	pthread_t t[T];
	for (uintptr_t i = 0; i < T; i++)
		CHECK(pthread_create(&t[i], NULL, worker, (void *)i) == 0);
	for (int i = 0; i < 4; i++) {
		pthread_t d;
		CHECK(pthread_create(&d, NULL, detached, NULL) == 0);
		CHECK(pthread_detach(d) == 0);
	}
	pthread_attr_t at;
	pthread_attr_init(&at);
	CHECK(pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED) == 0);
	int ds = -1;
	CHECK(pthread_attr_getdetachstate(&at, &ds) == 0 && ds == PTHREAD_CREATE_DETACHED);
	pthread_t d2;
	CHECK(pthread_create(&d2, &at, detached, NULL) == 0);
	pthread_attr_destroy(&at);
	for (uintptr_t i = 0; i < T; i++) {
		void *r;
		CHECK(pthread_join(t[i], &r) == 0 && r == (void *)(i * 3));
	}
	for (int i = 0; i < 5000 && atomic_load(&detached_done) < 5; i++)
		usleep(1000);
	CHECK(atomic_load(&detached_done) == 5);
	CHECK(atomic_load(&once_runs) == 1);
	CHECK(atomic_load(&bad) == 0);
	pthread_once(&once, init_once);
	CHECK(atomic_load(&once_runs) == 1);
	if (!fails)
		printf("@@PASS linux2_thrmmap\n");
	return fails != 0;
}
