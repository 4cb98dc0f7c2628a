/* include/lib/cputime.h: the CPU-time timers' wait (never past the
 * earliest wall time the deadline can come, never 0 before it is due)
 * and the unit conversions of getrusage, times and clock. */
#include <check.h>
#include "check_run.h"
#include <stdint.h>
#include "lib/cputime.h"

START_TEST(wait_due_and_rounding)
{
	ck_assert_uint_eq(cputime_wait_ms(100, 100, 1), 0);
	ck_assert_uint_eq(cputime_wait_ms(100, 250, 4), 0);   /* past */
	ck_assert_uint_eq(cputime_wait_ms(101, 100, 1), 1);
	ck_assert_uint_eq(cputime_wait_ms(101, 100, 8), 1);   /* never 0 before due */
	ck_assert_uint_eq(cputime_wait_ms(300, 0, 1), 300);
	ck_assert_uint_eq(cputime_wait_ms(300, 0, 2), 150);
	ck_assert_uint_eq(cputime_wait_ms(301, 0, 2), 151);   /* rounded up */
	ck_assert_uint_eq(cputime_wait_ms(300, 0, 0), 300);   /* 0 CPUs: 1 */
	ck_assert_uint_eq(cputime_wait_ms(UINT64_MAX, 0, 1), UINT64_MAX);
}
END_TEST

/* Sleeping the wait on n CPUs never overshoots: the CPU clock can grow
 * by at most n ms per wall ms, so after the wait it is not yet past the
 * deadline by more than n - 1 ms, and repeated waits reach it. */
START_TEST(wait_never_overshoots)
{
	for (unsigned n = 1; n <= 16; n++)
		for (uint64_t left = 1; left < 2000; left++) {
			uint64_t w = cputime_wait_ms(1000000 + left, 1000000, n);
			ck_assert_uint_ge(w, 1);
			ck_assert_uint_le((w - 1) * n, left - 1); /* one ms less could not reach it */
			ck_assert_uint_ge(w * n, left);           /* all CPUs busy: due at the end */
		}
}
END_TEST

START_TEST(units)
{
	ck_assert_uint_eq(cputime_units(0, 100), 0);
	ck_assert_uint_eq(cputime_units(9999999, 100), 0);
	ck_assert_uint_eq(cputime_units(10000000, 100), 1);
	ck_assert_uint_eq(cputime_units(2500000000ull, 100), 250);
	ck_assert_uint_eq(cputime_units(2500000000ull, 1000000), 2500000);
	ck_assert_uint_eq(cputime_units(1999, 1000000), 1);
	ck_assert_uint_eq(cputime_units(UINT64_MAX, 1000000000), UINT64_MAX);
	ck_assert_uint_eq(cputime_units(UINT64_MAX, 100),
			  UINT64_MAX / 1000000000ull * 100 + UINT64_MAX % 1000000000ull * 100 / 1000000000ull);
	ck_assert_uint_eq(cputime_ms(1999999), 1);
	ck_assert_uint_eq(cputime_ms(2000000), 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cputime");
	TCase *t = tcase_create("cputime");
	tcase_add_test(t, wait_due_and_rounding);
	tcase_add_test(t, wait_never_overshoots);
	tcase_add_test(t, units);
	suite_add_tcase(s, t);
	return check_run(s);
}
