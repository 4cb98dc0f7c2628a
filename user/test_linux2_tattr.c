/* Thread attributes and per-thread state: stack sizes set with
 * pthread_attr_setstacksize (a thread recursing through most of a 4 MiB
 * stack; a small 64 KiB one), a caller-provided stack (setstack),
 * errno private to each thread, pthread_self/pthread_equal, and
 * pthread_getattr_np giving back the stack a thread runs on. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_tattr: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static int recurse(int n)
{
	volatile char buf[1024];
	buf[0] = (char)n;
	buf[1023] = (char)n;
	if (n == 0)
		return buf[0];
	return recurse(n - 1) + buf[1023] - (char)n + 1;
}

static void *deep(void *arg)
{
	int n = (int)(intptr_t)arg;
	return (void *)(intptr_t)recurse(n);
}

static pthread_barrier_t bar;

static void *errno_thread(void *arg)
{
	int mine = (int)(intptr_t)arg;
	errno = mine;
	pthread_barrier_wait(&bar);
	sched_yield();
	pthread_barrier_wait(&bar);
	return (void *)(intptr_t)(errno == mine);
}

static void *where(void *arg)
{
	pthread_attr_t a;
	void *addr = NULL;
	size_t sz = 0;
	int local;
	(void)arg;
	if (pthread_getattr_np(pthread_self(), &a) != 0)
		return (void *)1;
	pthread_attr_getstack(&a, &addr, &sz);
	pthread_attr_destroy(&a);
	if ((char *)&local < (char *)addr || (char *)&local >= (char *)addr + sz)
		return (void *)2;
	return NULL;
}

static void *self_thread(void *arg)
{
	pthread_t *out = arg;
	*out = pthread_self();
	return NULL;
}

int main(void)
{
	pthread_attr_t at;
	pthread_t t;
	void *r;
	size_t sz;
	CHECK(pthread_attr_init(&at) == 0);
	CHECK(pthread_attr_setstacksize(&at, 4 << 20) == 0);
	CHECK(pthread_attr_getstacksize(&at, &sz) == 0 && sz == 4 << 20);
	CHECK(pthread_create(&t, &at, deep, (void *)(intptr_t)3000) == 0);
	CHECK(pthread_join(t, &r) == 0 && (intptr_t)r == 3000);
	CHECK(pthread_attr_setstacksize(&at, 64 << 10) == 0);
	CHECK(pthread_create(&t, &at, deep, (void *)(intptr_t)20) == 0);
	CHECK(pthread_join(t, &r) == 0 && (intptr_t)r == 20);
	CHECK(pthread_attr_setstacksize(&at, 1) == EINVAL);

	/* a stack of our own */
	size_t ssz = 256 << 10;
	void *stk = mmap(NULL, ssz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	CHECK(stk != MAP_FAILED);
	pthread_attr_t as;
	pthread_attr_init(&as);
	CHECK(pthread_attr_setstack(&as, stk, ssz) == 0);
	void *ga;
	size_t gs;
	CHECK(pthread_attr_getstack(&as, &ga, &gs) == 0 && ga == stk && gs == ssz);
	CHECK(pthread_create(&t, &as, deep, (void *)(intptr_t)100) == 0);
	CHECK(pthread_join(t, &r) == 0 && (intptr_t)r == 100);
	pthread_attr_destroy(&as);
	munmap(stk, ssz);

	CHECK(pthread_create(&t, &at, where, NULL) == 0);
	CHECK(pthread_join(t, &r) == 0 && r == NULL);
	pthread_attr_destroy(&at);
	CHECK(where(NULL) == NULL);

	/* errno per thread */
	CHECK(pthread_barrier_init(&bar, NULL, 5) == 0);
	pthread_t e[4];
	for (int i = 0; i < 4; i++)
		CHECK(pthread_create(&e[i], NULL, errno_thread, (void *)(intptr_t)(i + 1)) == 0);
	errno = 77;
	pthread_barrier_wait(&bar);
	pthread_barrier_wait(&bar);
	CHECK(errno == 77);
	for (int i = 0; i < 4; i++)
		CHECK(pthread_join(e[i], &r) == 0 && r == (void *)1);
	pthread_barrier_destroy(&bar);

	/* pthread_self, pthread_equal */
	pthread_t seen;
	CHECK(pthread_create(&t, NULL, self_thread, &seen) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(pthread_equal(seen, t));
	CHECK(!pthread_equal(pthread_self(), t));
	CHECK(pthread_equal(pthread_self(), pthread_self()));
	if (!fails)
		printf("@@PASS linux2_tattr\n");
	return fails != 0;
}
