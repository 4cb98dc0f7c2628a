/* pthread_attr_setstack as Linux programs use it: the thread runs on the
 * caller's memory (an mmap'd region, then a malloc'd block), uses all of
 * it, sees it in pthread_getattr_np, and the memory stays the caller's
 * after the thread ends (it is never unmapped for it): it is read and
 * written again, and a second thread runs on the same stack.  A size
 * below PTHREAD_STACK_MIN is EINVAL.  Before this, libsys ran the thread
 * on a stack of its own and left the caller's memory unused.  And once
 * pthread_join returns, the thread is off that stack for good: 3,000 rounds
 * unmap it at once (libsys's thread went on running there after it woke
 * its joiner, and was killed reading the unmapped stack or returning into
 * the scribbled one: 2 of 2 boots at -smp 4).  Checked on Linux 6.1 with make linux-check. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define T "linux7_setstack"
#define SIZE (256 * 1024)

static int failed;
#define CHECK(cond) do {                                                       \
	if (!(cond)) {                                                         \
		printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #cond, errno); \
		failed = 1;                                                    \
	}                                                                      \
} while (0)

struct seen {
	uintptr_t local;        /* an address on the thread's stack */
	void *attr_addr;        /* pthread_getattr_np's view of it */
	size_t attr_size;
	long depth_sum;         /* the deep recursion's result */
};

/* Recursion using about 1 KiB of stack a level. */
static long deep(int n)
{
	volatile char pad[1000];
	pad[0] = (char)n;
	pad[999] = (char)(n >> 8);
	return n ? deep(n - 1) + pad[0] + 0 * pad[999] : 0;
}

static void *body(void *arg)
{
	struct seen *s = arg;
	int here;
	s->local = (uintptr_t)&here;
	pthread_attr_t a;
	if (pthread_getattr_np(pthread_self(), &a) == 0) {
		pthread_attr_getstack(&a, &s->attr_addr, &s->attr_size);
		pthread_attr_destroy(&a);
	}
	s->depth_sum = deep(150); /* ~150 KiB of a 256 KiB stack */
	return (void *)0x5eed;
}

/* Run body on [stack, stack + SIZE) and check what it saw. */
static void run_on(char *stack)
{
	pthread_attr_t a;
	CHECK(pthread_attr_init(&a) == 0);
	CHECK(pthread_attr_setstack(&a, stack, SIZE) == 0);
	void *got_addr;
	size_t got_size;
	CHECK(pthread_attr_getstack(&a, &got_addr, &got_size) == 0);
	CHECK(got_addr == stack && got_size == SIZE);
	memset(stack, 0xA5, SIZE);
	struct seen s = { 0 };
	pthread_t t;
	void *ret = NULL;
	CHECK(pthread_create(&t, &a, body, &s) == 0);
	CHECK(pthread_join(t, &ret) == 0);
	CHECK(ret == (void *)0x5eed);
	CHECK(s.local >= (uintptr_t)stack && s.local < (uintptr_t)stack + SIZE);
	CHECK(s.attr_addr == stack && s.attr_size == SIZE);
	long want = 0;
	for (int n = 1; n <= 150; n++)
		want += (char)n;
	CHECK(s.depth_sum == want);
	/* the recursion wrote deep into the region: in every KiB of its
	 * middle quarter, some bytes of the pattern are gone */
	size_t changed = 0;
	for (size_t i = SIZE / 2; i < SIZE * 3 / 4; i++)
		changed += (unsigned char)stack[i] != 0xA5;
	CHECK(changed > 100);
	/* still the caller's: readable and writable after the join */
	memset(stack, 0x11, SIZE);
	CHECK(stack[0] == 0x11 && stack[SIZE - 1] == 0x11);
	pthread_attr_destroy(&a);
}

static void *quick(void *arg)
{
	volatile char pad[256];
	pad[0] = 1;
	return (void *)((uintptr_t)arg + pad[0]);
}

/* Threads on a fresh mapping each, the mapping unmapped as soon as the
 * join returns (or reused at once, half the rounds). */
static void unmap_after_join(void)
{
	char *reuse = NULL;
	for (int i = 0; i < 3000 && !failed; i++) {
		char *s = reuse ? reuse : mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(s != MAP_FAILED);
		if (s == MAP_FAILED)
			return;
		pthread_attr_t a;
		pthread_t t;
		void *ret = NULL;
		pthread_attr_init(&a);
		CHECK(pthread_attr_setstack(&a, s, 64 * 1024) == 0);
		CHECK(pthread_create(&t, &a, quick, (void *)(uintptr_t)i) == 0);
		CHECK(pthread_join(t, &ret) == 0);
		CHECK(ret == (void *)(uintptr_t)(i + 1));
		pthread_attr_destroy(&a);
		if (i % 2) { /* its memory scribbled over: a return address gone */
			memset(s, 0xCC, 64 * 1024);
			reuse = s;
		} else {
			CHECK(munmap(s, 64 * 1024) == 0);
			reuse = NULL;
		}
	}
	if (reuse)
		munmap(reuse, 64 * 1024);
}

int main(void)
{
	char *m = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	if (m != MAP_FAILED) {
		run_on(m);
		run_on(m); /* the same stack again, for a second thread */
		CHECK(munmap(m, SIZE) == 0);
	}
	void *b = NULL;
	CHECK(posix_memalign(&b, 64, SIZE) == 0);
	if (b) {
		run_on(b);
		free(b);
	}
	unmap_after_join();
	pthread_attr_t a;
	pthread_attr_init(&a);
	char small[64];
	CHECK(pthread_attr_setstack(&a, small, PTHREAD_STACK_MIN - 1) == EINVAL);
	pthread_attr_destroy(&a);
	if (!failed)
		printf("@@PASS " T "\n");
	return failed;
}
