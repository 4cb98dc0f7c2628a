/* lib/fmt.c against what C's printf prints for the same format. */
#include <check.h>
#include "check_run.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "lib/fmt.h"
#include "abi/err.h"

#define SAME(...) do { \
	char a[256], b[256]; \
	int na = fmt_snprintf(a, sizeof a, __VA_ARGS__); \
	int nb = snprintf(b, sizeof b, __VA_ARGS__); \
	ck_assert_str_eq(a, b); \
	ck_assert_int_eq(na, nb); \
} while (0)

START_TEST(integers)
{
	SAME("%d %i %u", -42, 7, 4000000000u);
	SAME("%x %X %o", 0xdeadbeefu, 0xabcu, 8u);
	SAME("%ld %lu %lx", (long)INT64_MIN, (unsigned long)UINT64_MAX, 0x123456789abcul);
	SAME("%lld %llu", (long long)-1, 18446744073709551615ull);
	SAME("%zu %zx", (size_t)12345, (size_t)0xfff);
	SAME("%hhu %hd", 300, 70000);
	SAME("%d", 0);
	SAME("%x", 0u);
}
END_TEST

START_TEST(width_and_flags)
{
	SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	SAME("[%016lx] [%-8x] [%08X]", 0xabcul, 0x1fu, 0xbeefu);
	SAME("[%05d] [%-5d]", -42, -42);
	SAME("[%.3d] [%8.3d]", 7, 7);
	SAME("[%.0d] [%#.0o] [%#.0x] [%.0u] [%5.0d] [%.0d] [%-3.0x]", 0, 0u, 0u, 0u, 0, 3, 0u);
	SAME("[%*d] [%-*d]", 6, 1, 6, 1);
	SAME("[%*d]", -6, 1);
	SAME("[%#x] [%#X] [%#o] [%#x] [%#o] [%#10x] [%-#8o] [%#010x]", 255u, 255u, 8u, 0u, 0u, 0xabu, 9u, 0x1fu);
	SAME("[%#lx] [%#llo]", 0x123456789abcul, 0777ull);
	SAME("[%'d] [%'8u] [%-'6d]", 1234567, 7654321u, -42);
	SAME("[%p] [%8p] [%-8p]", (void *)0, (void *)0, (void *)0);
}
END_TEST

/* Numbered arguments (%N$, *N$) in any order, of every class. */
START_TEST(positional)
{
	SAME("%2$s %1$s", "world", "hello");
	SAME("%3$d|%1$s|%2$lld|%1$s", "a", -5ll, 42);
	SAME("%2$*1$d|%3$-*1$s|", 6, 77, "ab");
	SAME("%1$.*2$s|%3$x%%", "abcdef", 3, 255u);
	SAME("%4$p %3$c %2$lu %1$hd", 70000, 9ul, 'q', (void *)0x1234);
}
END_TEST

/* %n stores the count so far at the modifier's size, prints nothing. */
START_TEST(count_n)
{
	signed char c = 0;
	short h = 0;
	long l = 0;
	int n = 0;
	char a[32];
	ck_assert_int_eq(fmt_snprintf(a, sizeof a, "ab%hhnc%hnde%ln%nf", &c, &h, &l, &n), 6);
	ck_assert_str_eq(a, "abcdef");
	ck_assert_int_eq(c, 2);
	ck_assert_int_eq(h, 3);
	ck_assert_int_eq(l, 5);
	ck_assert_int_eq(n, 5);
	fmt_snprintf(a, 3, "%s%n", "hello", &n); /* the whole count, not the kept */
	ck_assert_int_eq(n, 5);
}
END_TEST

START_TEST(strings_chars)
{
	SAME("[%s] [%10s] [%-10s] [%.2s]", "abc", "abc", "abc", "abc");
	SAME("[%c%c] [%3c] [%-3c]", 'o', 'k', 'x', 'y');
	SAME("100%% sure");
	SAME("%.*s", 3, "abcdef");
}
END_TEST

START_TEST(pointer)
{
	char a[64];
	fmt_snprintf(a, sizeof a, "%p", (void *)0xffff800000001000ul);
	ck_assert_str_eq(a, "0xffff800000001000");
}
END_TEST

START_TEST(truncation)
{
	char a[8];
	int n = fmt_snprintf(a, sizeof a, "%s", "abcdefghijkl");
	ck_assert_int_eq(n, 12);
	ck_assert_str_eq(a, "abcdefg");
	n = fmt_snprintf(a, 1, "xyz");
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(a, "");
	n = fmt_snprintf(NULL, 0, "%d", 12345);
	ck_assert_int_eq(n, 5);
}
END_TEST

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
START_TEST(unknown_conversion_visible)
{
	char a[32];
	fmt_snprintf(a, sizeof a, "a%qb");
	ck_assert_str_eq(a, "a%qb");
	fmt_snprintf(a, sizeof a, "end%");
	ck_assert_str_eq(a, "end%");
	const char *volatile null = NULL;
	fmt_snprintf(a, sizeof a, "%s", null);
	ck_assert_str_eq(a, "(null)");
}
END_TEST
#pragma GCC diagnostic pop

START_TEST(err_strings)
{
	ck_assert_str_eq(err_str(E_OK), "ok");
	ck_assert_str_eq(err_str(E_NOMEM), "out of memory");
	ck_assert_str_eq(err_str(E_DOUBLEFREE), "double free");
	ck_assert_str_eq(err_str(-1), "unknown error");
	ck_assert_str_eq(err_str(E_COUNT), "unknown error");
	for (int e = 0; e < E_COUNT; e++)
		ck_assert_str_ne(err_str(e), "unknown error");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fmt");
	TCase *t = tcase_create("fmt");
	tcase_add_test(t, integers);
	tcase_add_test(t, width_and_flags);
	tcase_add_test(t, strings_chars);
	tcase_add_test(t, count_n);
	tcase_add_test(t, positional);
	tcase_add_test(t, pointer);
	tcase_add_test(t, truncation);
	tcase_add_test(t, unknown_conversion_visible);
	tcase_add_test(t, err_strings);
	suite_add_tcase(s, t);
	return check_run(s);
}
