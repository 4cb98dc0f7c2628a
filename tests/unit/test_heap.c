/* libsys/heap.c: the ring-3 allocator, run unchanged over a fake break (a
 * static arena), under ASan and UBSan: alignment, coalescing back to one
 * chunk, trimming, realloc in place and moved, calloc, out of memory, and
 * a long random mix checked against shadow copies. */
#include <check.h>
#include "check_run.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../libsys/heap.c"

#define ARENA (64u << 20)
static _Alignas(4096) uint8_t arena[ARENA];
static uint64_t brk_now, brk_limit = ARENA;

/* The fake break: starts unaligned inside the arena, moves up to
 * brk_limit bytes into it. */
uint64_t heap_brk(uint64_t want)
{
	uint64_t base = (uint64_t)arena;
	if (!brk_now)
		brk_now = base + 40;
	if (want && want >= base + 40 && want <= base + brk_limit)
		brk_now = want;
	return brk_now;
}

START_TEST(aligned_and_consistent)
{
	void *p[100];
	for (int i = 0; i < 100; i++) {
		p[i] = heap_alloc((size_t)i * 7);
		ck_assert_ptr_nonnull(p[i]);
		ck_assert_uint_eq((uint64_t)p[i] & 15, 0);
		memset(p[i], 0xAB, (size_t)i * 7);
	}
	ck_assert_int_eq(heap_check(), 0);
	for (int i = 0; i < 100; i += 2)
		heap_free(p[i]);
	ck_assert_int_eq(heap_check(), 0);
	for (int i = 1; i < 100; i += 2)
		heap_free(p[i]);
	ck_assert_int_eq(heap_check(), 0);
	heap_free(NULL);
}
END_TEST

START_TEST(free_coalesces_to_one_chunk)
{
	void *p[50];
	for (int i = 0; i < 50; i++)
		p[i] = heap_alloc(1000);
	for (int i = 0; i < 50; i += 3)
		heap_free(p[i]);
	for (int i = 1; i < 50; i += 3)
		heap_free(p[i]);
	for (int i = 2; i < 50; i += 3)
		heap_free(p[i]);
	ck_assert_int_eq(heap_check(), 0);
	ck_assert_uint_eq(heap_free_bytes(), heap_size() - HDR);
	/* everything is one chunk again: a big request fits without growing */
	size_t size = heap_size();
	ck_assert_ptr_nonnull(heap_alloc(heap_free_bytes() - HDR));
	ck_assert_uint_eq(heap_size(), size);
}
END_TEST

START_TEST(large_free_trims_the_break)
{
	void *small = heap_alloc(100);
	void *big = heap_alloc(4u << 20);
	ck_assert_ptr_nonnull(big);
	uint64_t grown = brk_now;
	heap_free(big);
	ck_assert_uint_lt(brk_now, grown - (4u << 20) + 8192);
	ck_assert_int_eq(heap_check(), 0);
	heap_free(small);
	ck_assert_int_eq(heap_check(), 0);
}
END_TEST

START_TEST(realloc_keeps_bytes)
{
	uint8_t *p = heap_alloc(64);
	for (int i = 0; i < 64; i++)
		p[i] = (uint8_t)i;
	uint8_t *q = heap_realloc(p, 100); /* grows into the free rest: in place */
	ck_assert_ptr_eq(q, p);
	void *blocker = heap_alloc(16);
	uint8_t *r = heap_realloc(q, 5000); /* must move */
	ck_assert_ptr_nonnull(r);
	for (int i = 0; i < 64; i++)
		ck_assert_uint_eq(r[i], (uint8_t)i);
	ck_assert_ptr_eq(heap_realloc(r, 10), r); /* shrinks in place */
	ck_assert_uint_eq(r[9], 9);
	ck_assert_ptr_null(heap_realloc(r, 0));
	heap_free(blocker);
	ck_assert_int_eq(heap_check(), 0);
	ck_assert_ptr_nonnull(p = heap_realloc(NULL, 10));
	heap_free(p);
}
END_TEST

START_TEST(calloc_zeroes_reused_memory)
{
	uint8_t *p = heap_alloc(4000);
	memset(p, 0xFF, 4000);
	heap_free(p);
	uint8_t *q = heap_calloc(100, 40);
	ck_assert_ptr_nonnull(q);
	for (int i = 0; i < 4000; i++)
		ck_assert_uint_eq(q[i], 0);
	ck_assert_ptr_null(heap_calloc(SIZE_MAX / 2, 4));
	ck_assert_ptr_null(heap_alloc(SIZE_MAX));
}
END_TEST

START_TEST(out_of_memory_is_null_and_recoverable)
{
	brk_limit = 1u << 20;
	void *p[64];
	int n = 0;
	while (n < 64 && (p[n] = heap_alloc(100000)))
		n++;
	ck_assert_int_lt(n, 11);
	ck_assert_int_gt(n, 5);
	ck_assert_int_eq(heap_check(), 0);
	heap_free(p[0]);
	ck_assert_ptr_nonnull(p[0] = heap_alloc(100000));
	for (int i = 0; i < n; i++)
		heap_free(p[i]);
	ck_assert_int_eq(heap_check(), 0);
	ck_assert_uint_eq(heap_free_bytes(), heap_size() - HDR);
}
END_TEST

/* A random mix of alloc, free, realloc and calloc; every live block holds
 * a pattern from its id, checked before it is freed or moved. */
#define SLOTS 512
static struct { uint8_t *p; size_t n; uint8_t tag; } live[SLOTS];

static void fill(int i) { memset(live[i].p, live[i].tag, live[i].n); }
static void verify(int i)
{
	size_t k = 0;
	while (k < live[i].n && live[i].p[k] == live[i].tag)
		k++;
	ck_assert_uint_eq(k, live[i].n);
}

START_TEST(random_mix)
{
	srandom(1234);
	for (int step = 0; step < 40000; step++) {
		int i = (int)(random() % SLOTS), op = (int)(random() % 4);
		size_t n = random() % 8 == 0 ? (size_t)(random() % 300000)
					     : (size_t)(random() % 2000);
		if (live[i].p)
			verify(i);
		if (op == 0 || !live[i].p) {
			heap_free(live[i].p);
			live[i].p = op == 3 ? heap_calloc(1, n) : heap_alloc(n);
			live[i].n = n;
			live[i].tag = 0;
			if (op == 3)
				verify(i);
		} else if (op == 1) {
			heap_free(live[i].p);
			live[i].p = NULL;
			continue;
		} else {
			n += n == 0; /* realloc(p, 0) frees: tested above */
			live[i].p = heap_realloc(live[i].p, n);
			if (n > live[i].n)
				n = live[i].n; /* only the old bytes are known */
			live[i].n = n;
			verify(i);
		}
		ck_assert_ptr_nonnull(live[i].p);
		live[i].n = n;
		live[i].tag = (uint8_t)(step * 31 + 7);
		fill(i);
		if (step % 1000 == 0)
			ck_assert_int_eq(heap_check(), 0);
	}
	for (int i = 0; i < SLOTS; i++) {
		if (live[i].p)
			verify(i);
		heap_free(live[i].p);
	}
	ck_assert_int_eq(heap_check(), 0);
	ck_assert_uint_eq(heap_free_bytes(), heap_size() - HDR);
	ck_assert_uint_lt(heap_size(), 8192);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("heap");
	TCase *t = tcase_create("core");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, aligned_and_consistent);
	tcase_add_test(t, free_coalesces_to_one_chunk);
	tcase_add_test(t, large_free_trims_the_break);
	tcase_add_test(t, realloc_keeps_bytes);
	tcase_add_test(t, calloc_zeroes_reused_memory);
	tcase_add_test(t, out_of_memory_is_null_and_recoverable);
	tcase_add_test(t, random_mix);
	suite_add_tcase(s, t);
	return check_run(s);
}
