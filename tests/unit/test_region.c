/* pager/region.c: adding, finding, removing and placing regions. */
#include <check.h>
#include "check_run.h"
#include <stdint.h>
#include "abi/err.h"
#include "region.h"

#define P 4096ull

START_TEST(add_find_remove)
{
	struct region_set s;
	region_init(&s);
	ck_assert_int_eq(region_add(&s, 10 * P, 20 * P, REGION_ANON, 3), E_OK);
	ck_assert_int_eq(region_add(&s, 0x400000, 0x401000, REGION_IMAGE, 5), E_OK);
	ck_assert_int_eq(region_add(&s, 30 * P, 31 * P, REGION_STACK, 3), E_OK);
	ck_assert_uint_eq(s.t.count, 3);
	ck_assert(tree_check(&s.t));
	ck_assert_uint_eq(region_from(&s, 0)->start, 10 * P); /* sorted */
	ck_assert_uint_eq(region_next(&s, region_from(&s, 0))->start, 30 * P);
	ck_assert_ptr_null(region_find(&s, 10 * P - 1));
	ck_assert_uint_eq(region_find(&s, 10 * P)->kind, REGION_ANON);
	ck_assert_uint_eq(region_find(&s, 20 * P - 1)->kind, REGION_ANON);
	ck_assert_ptr_null(region_find(&s, 20 * P));
	ck_assert_uint_eq(region_find(&s, 0x400fff)->kind, REGION_IMAGE);
	ck_assert_int_eq(region_remove(&s, 11 * P), E_NOENT);
	ck_assert_int_eq(region_remove(&s, 10 * P), E_OK);
	ck_assert_ptr_null(region_find(&s, 15 * P));
	ck_assert_int_eq(region_remove(&s, 10 * P), E_NOENT);
	ck_assert_uint_eq(s.t.count, 2);
}
END_TEST

START_TEST(add_refuses_bad_ranges)
{
	struct region_set s;
	region_init(&s);
	ck_assert_int_eq(region_add(&s, 1, P, REGION_ANON, 3), E_INVAL);
	ck_assert_int_eq(region_add(&s, P, P + 1, REGION_ANON, 3), E_INVAL);
	ck_assert_int_eq(region_add(&s, P, P, REGION_ANON, 3), E_INVAL);
	ck_assert_int_eq(region_add(&s, 2 * P, P, REGION_ANON, 3), E_INVAL);
	ck_assert_int_eq(region_add(&s, 10 * P, 20 * P, REGION_ANON, 3), E_OK);
	ck_assert_int_eq(region_add(&s, 19 * P, 21 * P, REGION_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 9 * P, 11 * P, REGION_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 12 * P, 13 * P, REGION_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 0, 30 * P, REGION_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 20 * P, 21 * P, REGION_ANON, 3), E_OK); /* adjacent */
	ck_assert_int_eq(region_add(&s, 9 * P, 10 * P, REGION_ANON, 3), E_OK);
	ck_assert_uint_eq(s.t.count, 3);
}
END_TEST

START_TEST(set_fills_up)
{
	struct region_set s;
	region_init(&s);
	for (unsigned i = 0; i < REGION_POOL; i++)
		ck_assert_int_eq(region_add(&s, (2 * i + 1) * P, (2 * i + 2) * P,
					    REGION_ANON, 3), E_OK);
	ck_assert(tree_check(&s.t));
	ck_assert_int_eq(region_add(&s, 100000 * P, 100001 * P, REGION_ANON, 3), E_NOMEM);
	ck_assert_int_eq(region_remove(&s, 5 * P), E_OK);
	ck_assert_int_eq(region_add(&s, 100000 * P, 100001 * P, REGION_ANON, 3), E_OK);
	ck_assert_uint_eq(region_find(&s, (2 * 4000 + 1) * P)->start, (2 * 4000 + 1) * P);
	ck_assert_ptr_null(region_find(&s, (2 * 4000 + 2) * P));
}
END_TEST

START_TEST(overlap_split_resize)
{
	struct region_set s;
	region_init(&s);
	ck_assert_int_eq(region_add(&s, 10 * P, 20 * P, REGION_ANON, 3), E_OK);
	ck_assert_int_eq(region_add(&s, 19 * P, 21 * P, REGION_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 5 * P, 11 * P, REGION_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 5 * P, 30 * P, REGION_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 12 * P, 13 * P, REGION_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 20 * P, 21 * P, REGION_STACK, 3), E_OK);
	ck_assert_int_eq(region_add(&s, 9 * P, 10 * P, REGION_HEAP, 3), E_OK);
	/* split inside, at a start (no-op), and where nothing is */
	ck_assert_int_eq(region_split(&s, 14 * P), E_OK);
	ck_assert_uint_eq(region_find(&s, 14 * P - 1)->end, 14 * P);
	ck_assert_uint_eq(region_find(&s, 14 * P)->start, 14 * P);
	ck_assert_uint_eq(region_find(&s, 14 * P)->end, 20 * P);
	ck_assert_uint_eq(region_find(&s, 14 * P)->kind, REGION_ANON);
	ck_assert_int_eq(region_split(&s, 14 * P), E_OK);
	ck_assert_int_eq(region_split(&s, 50 * P), E_OK);
	ck_assert_int_eq(region_split(&s, 14 * P + 1), E_INVAL);
	ck_assert_uint_eq(s.t.count, 4);
	/* resize: grow into a neighbour refused, shrink and grow back */
	ck_assert_int_eq(region_resize(&s, 14 * P, 21 * P), E_BUSY);
	ck_assert_int_eq(region_resize(&s, 14 * P, 16 * P), E_OK);
	ck_assert_ptr_null(region_find(&s, 16 * P));
	ck_assert_int_eq(region_resize(&s, 14 * P, 20 * P), E_OK);
	ck_assert_int_eq(region_resize(&s, 14 * P, 14 * P), E_INVAL);
	ck_assert_int_eq(region_resize(&s, 15 * P, 16 * P), E_NOENT);
	ck_assert_uint_eq(region_find(&s, 20 * P)->kind, REGION_STACK);
	ck_assert_uint_eq(region_find(&s, 10 * P - 1)->kind, REGION_HEAP);
	ck_assert(tree_check(&s.t));
}
END_TEST

START_TEST(place_first_fit_with_guards)
{
	struct region_set s;
	uint64_t a;
	region_init(&s);
	const uint64_t lo = 100 * P, hi = 200 * P;
	ck_assert_int_eq(region_place(&s, 10 * P, lo, hi, &a), E_OK);
	ck_assert_uint_eq(a, lo);
	ck_assert_int_eq(region_add(&s, a, a + 10 * P, REGION_ANON, 3), E_OK);
	ck_assert_int_eq(region_place(&s, 10 * P, lo, hi, &a), E_OK);
	ck_assert_uint_eq(a, lo + 11 * P); /* one guard page */
	ck_assert_int_eq(region_add(&s, a, a + 10 * P, REGION_ANON, 3), E_OK);
	/* a region below lo, and one leaving a gap too small for size+guard */
	ck_assert_int_eq(region_add(&s, 10 * P, 20 * P, REGION_IMAGE, 5), E_OK);
	ck_assert_int_eq(region_add(&s, 125 * P, 130 * P, REGION_ANON, 3), E_OK);
	ck_assert_int_eq(region_place(&s, 3 * P, lo, hi, &a), E_OK);
	ck_assert_uint_eq(a, 131 * P);  /* 122..124 would touch 125 */
	ck_assert_int_eq(region_place(&s, 2 * P, lo, hi, &a), E_OK);
	ck_assert_uint_eq(a, 122 * P);  /* 122,123 + guard 124 */
	ck_assert_int_eq(region_place(&s, 69 * P, lo, hi, &a), E_OK);
	ck_assert_uint_eq(a, 131 * P);
	ck_assert_int_eq(region_place(&s, 70 * P, lo, hi, &a), E_NOMEM);
	/* removing frees the space for reuse */
	ck_assert_int_eq(region_remove(&s, lo), E_OK);
	ck_assert_int_eq(region_place(&s, 10 * P, lo, hi, &a), E_OK);
	ck_assert_uint_eq(a, lo);
}
END_TEST

START_TEST(place_refuses_bad_sizes)
{
	struct region_set s;
	uint64_t a = 7;
	region_init(&s);
	ck_assert_int_eq(region_place(&s, 0, P, 10 * P, &a), E_INVAL);
	ck_assert_int_eq(region_place(&s, 100, P, 10 * P, &a), E_INVAL);
	ck_assert_int_eq(region_place(&s, P, 1, 10 * P, &a), E_INVAL);
	ck_assert_int_eq(region_place(&s, 20 * P, P, 10 * P, &a), E_INVAL);
	ck_assert_int_eq(region_place(&s, 10 * P, P, 10 * P, &a), E_NOMEM);
	ck_assert_int_eq(region_place(&s, 9 * P, P, 10 * P, &a), E_OK);
	ck_assert_uint_eq(a, P);
	ck_assert_int_eq(region_place(&s, ~0ull & ~(P - 1), P, 10 * P, &a), E_INVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("region");
	TCase *t = tcase_create("region");
	tcase_add_test(t, add_find_remove);
	tcase_add_test(t, add_refuses_bad_ranges);
	tcase_add_test(t, set_fills_up);
	tcase_add_test(t, overlap_split_resize);
	tcase_add_test(t, place_first_fit_with_guards);
	tcase_add_test(t, place_refuses_bad_sizes);
	suite_add_tcase(s, t);
	return check_run(s);
}
