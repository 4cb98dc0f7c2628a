/* C11 atomics and <threads.h>: atomic_fetch_add from several threads,
 * compare-exchange loops, an atomic_flag spinlock, memory orders, then
 * thrd_create/thrd_join, mtx_t, cnd_t, tss_t and call_once. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <threads.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_atomics: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define T 4
#define N 20000
static atomic_long sum;
static atomic_int cas_max;
static atomic_flag lock = ATOMIC_FLAG_INIT;
static long plain;
static _Atomic(uint64_t) wide;

static int adder(void *arg)
{
	int id = (int)(intptr_t)arg;
	for (int i = 0; i < N; i++) {
		atomic_fetch_add_explicit(&sum, 1, memory_order_relaxed);
		int v = id * N + i, cur = atomic_load(&cas_max);
		while (cur < v && !atomic_compare_exchange_weak(&cas_max, &cur, v))
			;
		while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
			;
		plain++;
		atomic_flag_clear_explicit(&lock, memory_order_release);
		atomic_fetch_add(&wide, (uint64_t)1 << 33);
	}
	return id + 100;
}

static mtx_t mtx;
static cnd_t cnd;
static int stage;
static tss_t key;
static once_flag of = ONCE_FLAG_INIT;
static int once_count;
static int dtor_runs;

static void once_fn(void) { once_count++; }
static void dtor(void *p) { (void)p; __atomic_fetch_add(&dtor_runs, 1, __ATOMIC_SEQ_CST); }

static int waiter(void *arg)
{
	(void)arg;
	call_once(&of, once_fn);
	tss_set(key, &stage);
	mtx_lock(&mtx);
	while (stage == 0)
		cnd_wait(&cnd, &mtx);
	stage = 2;
	cnd_broadcast(&cnd);
	mtx_unlock(&mtx);
	return tss_get(key) == &stage ? 7 : 8;
}

int main(void)
{
	CHECK(atomic_is_lock_free(&sum));
	thrd_t t[T];
	for (int i = 0; i < T; i++)
		CHECK(thrd_create(&t[i], adder, (void *)(intptr_t)i) == thrd_success);
	for (int i = 0; i < T; i++) {
		int res;
		CHECK(thrd_join(t[i], &res) == thrd_success && res == i + 100);
	}
	CHECK(atomic_load(&sum) == (long)T * N);
	CHECK(atomic_load(&cas_max) == T * N - 1);
	CHECK(plain == (long)T * N);
	CHECK(atomic_load(&wide) == ((uint64_t)T * N) << 33);
	int e = 5;
	atomic_int x = 5;
	CHECK(atomic_compare_exchange_strong(&x, &e, 9) && atomic_load(&x) == 9);
	CHECK(!atomic_compare_exchange_strong(&x, &e, 1) && e == 9);
	CHECK(atomic_exchange(&x, 3) == 9 && atomic_fetch_sub(&x, 1) == 3);
	CHECK(atomic_fetch_or(&x, 8) == 2 && atomic_fetch_and(&x, 3) == 10 && atomic_fetch_xor(&x, 1) == 2);
	atomic_thread_fence(memory_order_seq_cst);

	CHECK(mtx_init(&mtx, mtx_plain) == thrd_success);
	CHECK(cnd_init(&cnd) == thrd_success);
	CHECK(tss_create(&key, dtor) == thrd_success);
	thrd_t w;
	CHECK(thrd_create(&w, waiter, NULL) == thrd_success);
	thrd_yield();
	mtx_lock(&mtx);
	stage = 1;
	cnd_signal(&cnd);
	while (stage != 2)
		cnd_wait(&cnd, &mtx);
	mtx_unlock(&mtx);
	int res;
	CHECK(thrd_join(w, &res) == thrd_success && res == 7);
	call_once(&of, once_fn);
	CHECK(once_count == 1);
	CHECK(dtor_runs == 1);
	CHECK(tss_get(key) == NULL);
	CHECK(mtx_trylock(&mtx) == thrd_success);
	mtx_unlock(&mtx);
	mtx_t rm;
	CHECK(mtx_init(&rm, mtx_plain | mtx_recursive) == thrd_success);
	CHECK(mtx_lock(&rm) == thrd_success && mtx_lock(&rm) == thrd_success);
	mtx_unlock(&rm);
	mtx_unlock(&rm);
	mtx_destroy(&rm);
	struct timespec d = { 0, 1000000 };
	CHECK(thrd_sleep(&d, NULL) == 0);
	CHECK(thrd_equal(thrd_current(), thrd_current()));
	tss_delete(key);
	cnd_destroy(&cnd);
	mtx_destroy(&mtx);
	if (!fails)
		printf("@@PASS linux2_atomics\n");
	return fails != 0;
}
