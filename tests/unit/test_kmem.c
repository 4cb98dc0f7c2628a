/* kmem: small kernel objects carved from frames, against a simulated
 * machine (tests/shim). */
#include <check.h>
#include "check_run.h"
#include <stdint.h>
#include <string.h>
#include "kmem.h"
#include "mm/frame.h"
#include "shim.h"

#define RAM (8u << 20)

static void setup(void) { shim_mm_init(RAM, 1u << 20, RAM, 1); shim_set_cpu(0); }
static void teardown(void) { shim_mm_fini(); }

START_TEST(sizes_and_limits)
{
	ck_assert_ptr_null(kmem_alloc(2049));
	ck_assert_ptr_null(kmem_alloc(1u << 20));
	for (size_t sz = 1; sz <= 2048; sz = sz * 2 + 1) {
		unsigned char *p = kmem_alloc(sz);
		ck_assert_ptr_nonnull(p);
		for (size_t i = 0; i < sz; i++)
			ck_assert_uint_eq(p[i], 0); /* zeroed */
		memset(p, 0xAB, sz);
		kmem_free(p, sz);
	}
}
END_TEST

START_TEST(no_overlap_reuse_zeroed)
{
	enum { N = 600, SZ = 100 };
	static unsigned char *p[N];
	for (int i = 0; i < N; i++) {
		p[i] = kmem_alloc(SZ);
		ck_assert_ptr_nonnull(p[i]);
		memset(p[i], i & 0xFF, SZ);
	}
	for (int i = 0; i < N; i++) /* nobody overwrote anybody */
		for (int j = 0; j < SZ; j++)
			ck_assert_uint_eq(p[i][j], (unsigned)(i & 0xFF));
	kmem_free(p[7], SZ);
	unsigned char *q = kmem_alloc(SZ);
	ck_assert_ptr_eq(q, p[7]); /* the freed object comes back first */
	for (int j = 0; j < SZ; j++)
		ck_assert_uint_eq(q[j], 0); /* and zeroed */
}
END_TEST

START_TEST(frames_come_from_the_allocator)
{
	struct frame_stats a, b;
	frame_stats(&a);
	void *p = kmem_alloc(2048), *q = kmem_alloc(2048), *r = kmem_alloc(2048);
	ck_assert_ptr_nonnull(r);
	frame_stats(&b);
	ck_assert_uint_eq(a.free - b.free, 2); /* two objects per frame */
	ck_assert_uint_eq(b.by_purpose[PURPOSE_KERNEL_DATA] - a.by_purpose[PURPOSE_KERNEL_DATA], 2);
	kmem_free(p, 2048);
	kmem_free(q, 2048);
	frame_stats(&b);
	ck_assert_uint_eq(a.free - b.free, 1); /* r's frame stays, p's and q's went */
	kmem_free(r, 2048);
	frame_stats(&b);
	ck_assert_uint_eq(b.free, a.free);
	ck_assert_uint_eq(b.by_purpose[PURPOSE_KERNEL_DATA], a.by_purpose[PURPOSE_KERNEL_DATA]);
}
END_TEST

/* A page goes back to the frame allocator when its last object is freed,
 * whatever the order of the frees, and objects of a page that still has
 * some in use are reused before a new page is taken. */
START_TEST(empty_pages_go_back)
{
	enum { N = 300, SZ = 128 }; /* 32 per page: 10 pages, the last partly */
	static void *p[N];
	struct frame_stats a, b;
	frame_stats(&a);
	for (int i = 0; i < N; i++)
		ck_assert_ptr_nonnull(p[i] = kmem_alloc(SZ));
	frame_stats(&b);
	ck_assert_uint_eq(a.free - b.free, (N + 31) / 32);
	for (int i = 0; i < N; i += 2) /* every page keeps half of its objects */
		kmem_free(p[i], SZ);
	frame_stats(&b);
	ck_assert_uint_eq(a.free - b.free, (N + 31) / 32);
	for (int i = 0; i < N; i += 2) /* refilled from those pages */
		ck_assert_ptr_nonnull(p[i] = kmem_alloc(SZ));
	frame_stats(&b);
	ck_assert_uint_eq(a.free - b.free, (N + 31) / 32);
	for (int i = N - 1; i >= 0; i -= 3)
		kmem_free(p[i], SZ);
	for (int i = 0; i < N; i++)
		if ((N - 1 - i) % 3)
			kmem_free(p[i], SZ);
	frame_stats(&b);
	ck_assert_uint_eq(b.free, a.free);
	ck_assert_uint_eq(b.by_purpose[PURPOSE_KERNEL_DATA], a.by_purpose[PURPOSE_KERNEL_DATA]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kmem");
	TCase *t = tcase_create("kmem");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, sizes_and_limits);
	tcase_add_test(t, no_overlap_reuse_zeroed);
	tcase_add_test(t, frames_come_from_the_allocator);
	tcase_add_test(t, empty_pages_go_back);
	suite_add_tcase(s, t);
	return check_run(s);
}
