/* Range sets: add (merge), remove (split), align, take, total, and the
 * full-set edge cases. */
#include <check.h>
#include "check_run.h"
#include <stdlib.h>
#include <string.h>
#include "mm/memrange.h"

#define R(a, b) ((struct mem_range){ (a), (b) })

/* s holds exactly the n ranges in want. */
static void expect(const struct memrange_set *s, const struct mem_range *want,
		   size_t n)
{
	ck_assert_uint_eq(s->n, n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(s->r[i].start, want[i].start);
		ck_assert_uint_eq(s->r[i].end, want[i].end);
	}
}

#define EXPECT(s, ...)                                                     \
	do {                                                               \
		struct mem_range w_[] = { __VA_ARGS__ };                   \
		expect((s), w_, sizeof w_ / sizeof w_[0]);                 \
	} while (0)

/* A full set: ranges [10i, 10i + 5). */
static void fill(struct memrange_set *s)
{
	memset(s, 0, sizeof *s);
	for (uint64_t i = 0; i < MEMRANGE_MAX; i++)
		ck_assert(memrange_add(s, 10 * i, 10 * i + 5));
	ck_assert_uint_eq(s->n, MEMRANGE_MAX);
}

START_TEST(add_sorts_and_merges)
{
	struct memrange_set s = { 0 };
	ck_assert(memrange_add(&s, 100, 200));
	ck_assert(memrange_add(&s, 10, 20));
	ck_assert(memrange_add(&s, 300, 400));
	EXPECT(&s, R(10, 20), R(100, 200), R(300, 400));
	ck_assert(memrange_add(&s, 150, 250)); /* overlap tail */
	EXPECT(&s, R(10, 20), R(100, 250), R(300, 400));
	ck_assert(memrange_add(&s, 5, 10)); /* touches: merges */
	ck_assert(memrange_add(&s, 250, 260));
	EXPECT(&s, R(5, 20), R(100, 260), R(300, 400));
	ck_assert(memrange_add(&s, 15, 350)); /* spans several */
	EXPECT(&s, R(5, 400));
	ck_assert(memrange_add(&s, 50, 60)); /* inside: no change */
	EXPECT(&s, R(5, 400));
	ck_assert(memrange_add(&s, 7, 7)); /* empty */
	ck_assert(memrange_add(&s, 9, 3)); /* inverted */
	EXPECT(&s, R(5, 400));
	ck_assert(memrange_add(&s, 0, 1));
	ck_assert(memrange_add(&s, UINT64_MAX - 10, UINT64_MAX));
	EXPECT(&s, R(0, 1), R(5, 400), R(UINT64_MAX - 10, UINT64_MAX));
	ck_assert_uint_eq(memrange_total(&s), 1 + 395 + 10);
}
END_TEST

START_TEST(add_to_full_set)
{
	struct memrange_set s, copy;
	fill(&s);
	copy = s;
	ck_assert(!memrange_add(&s, 10000, 10001)); /* a new range: no room */
	ck_assert_mem_eq(&s, &copy, sizeof s);
	ck_assert(memrange_add(&s, 5, 10)); /* joins two: fits */
	ck_assert_uint_eq(s.n, MEMRANGE_MAX - 1);
	ck_assert_uint_eq(s.r[0].end, 15);
	ck_assert(memrange_add(&s, 10000, 10001));
	ck_assert_uint_eq(s.n, MEMRANGE_MAX);
}
END_TEST

START_TEST(remove_cases)
{
	struct memrange_set s = { 0 };
	memrange_add(&s, 0, 100);
	memrange_add(&s, 200, 300);
	memrange_add(&s, 400, 500);
	ck_assert(memrange_remove(&s, 40, 60)); /* split */
	EXPECT(&s, R(0, 40), R(60, 100), R(200, 300), R(400, 500));
	ck_assert(memrange_remove(&s, 0, 10)); /* head */
	ck_assert(memrange_remove(&s, 90, 150)); /* tail, and a gap */
	EXPECT(&s, R(10, 40), R(60, 90), R(200, 300), R(400, 500));
	ck_assert(memrange_remove(&s, 30, 450)); /* spans several */
	EXPECT(&s, R(10, 30), R(450, 500));
	ck_assert(memrange_remove(&s, 100, 200)); /* nothing there */
	ck_assert(memrange_remove(&s, 20, 20)); /* empty */
	EXPECT(&s, R(10, 30), R(450, 500));
	ck_assert(memrange_remove(&s, 450, 500)); /* exactly one */
	EXPECT(&s, R(10, 30));
	ck_assert(memrange_remove(&s, 0, UINT64_MAX));
	ck_assert_uint_eq(s.n, 0);
	ck_assert(memrange_remove(&s, 0, 10)); /* empty set */
}
END_TEST

START_TEST(remove_split_on_full_set)
{
	struct memrange_set s, copy;
	fill(&s);
	copy = s;
	ck_assert(!memrange_remove(&s, 21, 23)); /* would need a new slot */
	ck_assert_mem_eq(&s, &copy, sizeof s);
	ck_assert(memrange_remove(&s, 20, 23)); /* trims: fine */
	ck_assert_uint_eq(s.r[2].start, 23);
	ck_assert(memrange_remove(&s, 0, 5));
	ck_assert_uint_eq(s.n, MEMRANGE_MAX - 1);
	ck_assert(memrange_remove(&s, 11, 13));
	ck_assert_uint_eq(s.n, MEMRANGE_MAX);
}
END_TEST

START_TEST(align_shrinks_inward)
{
	const uint64_t top = UINT64_MAX & ~0xfffull;
	struct memrange_set s = { 0 };
	memrange_add(&s, 0x1001, 0x5fff);  /* -> [0x2000, 0x5000) */
	memrange_add(&s, 0x7000, 0x8000);  /* aligned: kept */
	memrange_add(&s, 0x9001, 0x9fff);  /* nothing whole: dropped */
	memrange_add(&s, 0xa800, 0xb800);  /* straddles, no whole page */
	memrange_add(&s, top - 0x1fff, UINT64_MAX); /* no overflow at the top */
	memrange_align(&s, 0x1000);
	EXPECT(&s, R(0x2000, 0x5000), R(0x7000, 0x8000), R(top - 0x1000, top));
	ck_assert_uint_eq(memrange_total(&s), 0x3000 + 0x1000 + 0x1000);
	memrange_align(&s, 0x1000); /* already aligned: unchanged */
	EXPECT(&s, R(0x2000, 0x5000), R(0x7000, 0x8000), R(top - 0x1000, top));
	memrange_align(&s, 0x4000); /* everything too small now */
	ck_assert_uint_eq(s.n, 0);

	memset(&s, 0, sizeof s);
	memrange_add(&s, 0x3000, 0x11000);
	memrange_add(&s, UINT64_MAX - 5, UINT64_MAX); /* rounding would wrap */
	memrange_align(&s, 0x4000);
	EXPECT(&s, R(0x4000, 0x10000));
}
END_TEST

START_TEST(take_highest_fit)
{
	struct memrange_set s = { 0 };
	memrange_add(&s, 0x1000, 0x10000);
	memrange_add(&s, 0x100000, 0x200000);
	uint64_t a = memrange_take(&s, 0x3000, 0x1000, UINT64_MAX);
	ck_assert_uint_eq(a, 0x200000 - 0x3000);
	EXPECT(&s, R(0x1000, 0x10000), R(0x100000, 0x1fd000));
	a = memrange_take(&s, 0x1000, 0x10000, UINT64_MAX); /* aligned */
	ck_assert_uint_eq(a, 0x1f0000);
	EXPECT(&s, R(0x1000, 0x10000), R(0x100000, 0x1f0000),
	       R(0x1f1000, 0x1fd000));
	a = memrange_take(&s, 0x2000, 0x1000, 0x180000); /* below limit */
	ck_assert_uint_eq(a, 0x17e000);
	ck_assert_uint_eq(memrange_take(&s, 0x2000, 0x1000, 0x100001), 0xe000);
	a = memrange_take(&s, 0x2000, 0x1000, 0x102000); /* exactly */
	ck_assert_uint_eq(a, 0x100000);
	a = memrange_take(&s, 0x100000, 0x1000, UINT64_MAX); /* too big up high */
	ck_assert_uint_eq(a, 0);
	a = memrange_take(&s, 0xd000, 0x1000, 0x50000); /* the low range, whole */
	ck_assert_uint_eq(a, 0x1000);
	EXPECT(&s, R(0x102000, 0x17e000), R(0x180000, 0x1f0000),
	       R(0x1f1000, 0x1fd000));
}
END_TEST

START_TEST(take_refusals_leave_set_alone)
{
	struct memrange_set s = { 0 }, copy;
	memrange_add(&s, 0, 0x3000);
	memrange_add(&s, 0x5000, 0x6000);
	copy = s;
	ck_assert_uint_eq(memrange_take(&s, 0, 0x1000, UINT64_MAX), 0);
	ck_assert_uint_eq(memrange_take(&s, 0x4000, 0x1000, UINT64_MAX), 0);
	ck_assert_uint_eq(memrange_take(&s, 0x1000, 0x4000, UINT64_MAX), 0);
	ck_assert_uint_eq(memrange_take(&s, 0x1000, 0x1000, 0x1000), 0); /* only 0 */
	ck_assert_uint_eq(memrange_take(&s, 0x1000, 0x1000, 0), 0);
	ck_assert_mem_eq(&s, &copy, sizeof s);
	ck_assert_uint_eq(memrange_take(&s, 0x1000, 0x1000, 0x2000), 0x1000);
	EXPECT(&s, R(0, 0x1000), R(0x2000, 0x3000), R(0x5000, 0x6000));
}
END_TEST

START_TEST(take_on_full_set_that_must_split)
{
	struct memrange_set s, copy;
	fill(&s);
	memrange_remove(&s, 0, 5);
	memrange_add(&s, 20000, 30000);
	copy = s;
	ck_assert_uint_eq(s.n, MEMRANGE_MAX);
	/* below the limit the take splits [20000, 30000): no room */
	ck_assert_uint_eq(memrange_take(&s, 100, 1, 25000), 0);
	ck_assert_mem_eq(&s, &copy, sizeof s);
	ck_assert_uint_eq(memrange_take(&s, 100, 1, UINT64_MAX), 29900);
}
END_TEST

START_TEST(total_counts_bytes)
{
	struct memrange_set s = { 0 };
	ck_assert_uint_eq(memrange_total(&s), 0);
	memrange_add(&s, 0x1000, 0x3000);
	memrange_add(&s, 0x8000, 0x8800);
	ck_assert_uint_eq(memrange_total(&s), 0x2800);
	memrange_remove(&s, 0x2000, 0x8400);
	ck_assert_uint_eq(memrange_total(&s), 0x1400);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("memrange");
	TCase *t = tcase_create("memrange");
	tcase_add_test(t, add_sorts_and_merges);
	tcase_add_test(t, add_to_full_set);
	tcase_add_test(t, remove_cases);
	tcase_add_test(t, remove_split_on_full_set);
	tcase_add_test(t, align_shrinks_inward);
	tcase_add_test(t, take_highest_fit);
	tcase_add_test(t, take_refusals_leave_set_alone);
	tcase_add_test(t, take_on_full_set_that_must_split);
	tcase_add_test(t, total_counts_bytes);
	suite_add_tcase(s, t);

	return check_run(s);
}
