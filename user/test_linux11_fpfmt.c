/* Doubles through printf and strtod as a libc test suite checks them, as
 * an ordinary Linux program (checked under Linux 6.1 with glibc: make
 * linux-check PROG=user/test_linux11_fpfmt.c):
 *   linux11_fpfmt_roundtrip  %.17g, %a and %.16e of awkward doubles
 *                        (subnormals, DBL_MAX, DBL_MIN, 0.1, 1/3, -0.0,
 *                        2^-1074, pseudo-random bit patterns) read back by
 *                        strtod to the same bits; strtof too for floats
 *   linux11_fpfmt_strings    exact strings glibc prints: %a, %e, %g, %f of
 *                        known values, rounding to even at ties (0.125 to
 *                        %.2f), inf/nan (with signs, %F upper case), %+
 *                        and space flags, %#g trailing zeros, %.0e; the '
 *                        flag (no grouping in the "C" locale), %p of NULL
 *   linux11_fpfmt_strtod strtod's end pointer, hex floats, "inf",
 *                        "infinity", "nan(123)", ERANGE for overflow (HUGE_VAL)
 *                        and underflow, leading spaces, "1e", ".5", "0x"
 */
#define _GNU_SOURCE
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", part, __LINE__, \
	#c, errno); fails++; fflush(stdout); } } while (0)

static uint64_t bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

static double from_bits(uint64_t u)
{
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

static int same(double a, double b)
{
	return bits(a) == bits(b);
}

static int rt_fails;
static void roundtrip_one(double d)
{
	char buf[64];
	const char *fmts[] = { "%.17g", "%a", "%.16e", "%.17e" };
	for (unsigned i = 0; i < 4; i++) {
		snprintf(buf, sizeof buf, fmts[i], d);
		double back = strtod(buf, NULL);
		if (!same(back, d)) {
			if (rt_fails++ < 5)
				printf("roundtrip %s of %016llx: %s -> %016llx\n", fmts[i],
				       (unsigned long long)bits(d), buf, (unsigned long long)bits(back));
			CHECK(same(back, d));
		}
	}
}

static void roundtrip(void)
{
	int f = fails;
	part = "linux11_fpfmt_roundtrip";
	double fixed[] = { 0.1, 1.0 / 3, -0.0, 0.0, DBL_MAX, -DBL_MAX, DBL_MIN, DBL_EPSILON,
			   from_bits(1), from_bits(0x000fffffffffffffull), 5e-324, 1e23,
			   9007199254740993.0, 123456789012345678.0, 2.2250738585072011e-308,
			   1.7976931348623157e308, 4.9406564584124654e-324, 0.3, 1e-7, 1e21,
			   M_PI, M_E, -1.5, 100.0 };
	for (unsigned i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		roundtrip_one(fixed[i]);
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 2000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double d = from_bits(x);
		if (isnan(d) || isinf(d))
			continue;
		roundtrip_one(d);
	}
	/* floats: %.9g round trips through strtof */
	float fv[] = { 0.1f, FLT_MAX, FLT_MIN, 1e-45f, 3.4028235e38f, 16777217.0f, 1.0f / 3 };
	for (unsigned i = 0; i < sizeof fv / sizeof fv[0]; i++) {
		char buf[48];
		snprintf(buf, sizeof buf, "%.9g", fv[i]);
		CHECK(strtof(buf, NULL) == fv[i]);
	}
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static int is(const char *fmt, double d, const char *want)
{
	char buf[128];
	snprintf(buf, sizeof buf, fmt, d);
	if (strcmp(buf, want)) {
		printf("format \"%s\": \"%s\", want \"%s\"\n", fmt, buf, want);
		return 0;
	}
	return 1;
}

static void strings(void)
{
	int f = fails;
	part = "linux11_fpfmt_strings";
	CHECK(is("%a", 1.0, "0x1p+0"));
	CHECK(is("%a", 0.1, "0x1.999999999999ap-4"));
	CHECK(is("%a", -2.5, "-0x1.4p+1"));
	CHECK(is("%a", 0.0, "0x0p+0"));
	CHECK(is("%a", 5e-324, "0x0.0000000000001p-1022"));
	CHECK(is("%.2a", 1.0 / 3, "0x1.55p-2"));
	CHECK(is("%A", 255.0, "0X1.FEP+7"));
	CHECK(is("%e", 12345.678, "1.234568e+04"));
	CHECK(is("%.0e", 15.0, "2e+01"));
	CHECK(is("%.0e", 25.0, "2e+01"));
	CHECK(is("%E", 1e-300, "1.000000E-300"));
	CHECK(is("%g", 100000.0, "100000"));
	CHECK(is("%g", 1000000.0, "1e+06"));
	CHECK(is("%g", 0.0001, "0.0001"));
	CHECK(is("%g", 0.00001, "1e-05"));
	CHECK(is("%#g", 1.5, "1.50000"));
	CHECK(is("%#.0f", 3.0, "3."));
	CHECK(is("%.2f", 0.125, "0.12"));
	CHECK(is("%.2f", 0.375, "0.38"));
	CHECK(is("%.1f", 0.25, "0.2"));
	CHECK(is("%.0f", 0.5, "0"));
	CHECK(is("%.0f", 1.5, "2"));
	CHECK(is("%.0f", 2.5, "2"));
	CHECK(is("%.3f", 1.0005, "1.000")); /* 1.0005 is below the tie in binary */
	CHECK(is("%f", 1e20, "100000000000000000000.000000"));
	CHECK(is("%.20f", 0.1, "0.10000000000000000555"));
	CHECK(is("%+.1f", 2.0, "+2.0"));
	CHECK(is("% .1f", 2.0, " 2.0"));
	CHECK(is("%08.3f", -3.14159, "-003.142"));
	CHECK(is("%-8.2f|", 3.14159, "3.14    |"));
	CHECK(is("%f", INFINITY, "inf"));
	CHECK(is("%F", -INFINITY, "-INF"));
	CHECK(is("%f", NAN, "nan"));
	CHECK(is("%f", -NAN, "-nan"));
	CHECK(is("%e", INFINITY, "inf"));
	CHECK(is("%g", NAN, "nan"));
	CHECK(is("%5.1f", INFINITY, "  inf"));
	CHECK(is("%+f", INFINITY, "+inf"));
	CHECK(is("%f", -0.0, "-0.000000"));
	CHECK(is("%g", -0.0, "-0"));
	CHECK(is("%.17g", 0.1, "0.10000000000000001"));
	CHECK(is("%.17g", 1e23, "9.9999999999999992e+22"));
	CHECK(is("%.3g", 2.0e-5, "2e-05"));
	CHECK(is("%10.4e", 3.0, "3.0000e+00"));
	char buf[64];
	snprintf(buf, sizeof buf, "%*.*f", 9, 2, 3.14159);
	CHECK(strcmp(buf, "     3.14") == 0);
	CHECK(snprintf(NULL, 0, "%.3f", 12.5) == 6);
	snprintf(buf, sizeof buf, "%'d|%'.1f|%p|%7p", 1234567, 1234.5, (void *)0, (void *)0);
	CHECK(strcmp(buf, "1234567|1234.5|(nil)|  (nil)") == 0); /* the "C" locale */
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static void parse(void)
{
	int f = fails;
	part = "linux11_fpfmt_strtod";
	char *end;
	const char *s = "  3.25xyz";
	CHECK(strtod(s, &end) == 3.25 && end == s + 6);
	s = "1e";
	CHECK(strtod(s, &end) == 1.0 && end == s + 1);
	s = "1e+";
	CHECK(strtod(s, &end) == 1.0 && end == s + 1);
	s = ".5";
	CHECK(strtod(s, &end) == 0.5 && end == s + 2);
	s = "0x";
	CHECK(strtod(s, &end) == 0.0 && end == s + 1);
	s = "0x1.8p1";
	CHECK(strtod(s, &end) == 3.0 && end == s + 7);
	s = "0X.8";
	CHECK(strtod(s, &end) == 0.5 && end == s + 4);
	s = "-inf";
	CHECK(isinf(strtod(s, &end)) && strtod(s, NULL) < 0 && end == s + 4);
	s = "INFINITYx";
	CHECK(isinf(strtod(s, &end)) && end == s + 8);
	s = "infin";
	CHECK(isinf(strtod(s, &end)) && end == s + 3);
	s = "nan(123)z";
	CHECK(isnan(strtod(s, &end)) && end == s + 8);
	s = "NaN";
	CHECK(isnan(strtod(s, &end)) && end == s + 3);
	s = "nan(";
	CHECK(isnan(strtod(s, &end)) && end == s + 3);
	s = "abc";
	CHECK(strtod(s, &end) == 0.0 && end == s);
	s = "-";
	CHECK(strtod(s, &end) == 0.0 && end == s);
	errno = 0;
	CHECK(strtod("1e400", NULL) == HUGE_VAL && errno == ERANGE);
	errno = 0;
	CHECK(strtod("-1e400", NULL) == -HUGE_VAL && errno == ERANGE);
	errno = 0;
	double u = strtod("1e-400", NULL);
	CHECK(u == 0.0 && errno == ERANGE);
	errno = 0;
	CHECK(strtod("4.9406564584124654e-324", NULL) == 5e-324);
	errno = 0;
	CHECK(strtod("1.5", NULL) == 1.5 && errno == 0);
	CHECK(strtod("2.2250738585072012e-308", NULL) == DBL_MIN);
	CHECK(strtod("0.500000000000000166533453693773481063544750213623046875", NULL) ==
	      from_bits(0x3fe0000000000002ull)); /* a tie: to even */
	CHECK(strtod("9007199254740993", NULL) == 9007199254740992.0);
	CHECK(strtod("1" "000000000000000000000000000000000000000000000000000000000000e-60", NULL) == 1.0);
	CHECK(atof("  -12.5e-1") == -1.25);
	float fl = strtof("3.4028235e38", NULL);
	CHECK(fl == FLT_MAX);
	errno = 0;
	CHECK(isinf(strtof("3.5e38", NULL)) && errno == ERANGE);
	double sc = 0;
	CHECK(sscanf("  6.02e23 rest", "%lf", &sc) == 1 && sc == 6.02e23);
	CHECK(sscanf("0x1p-2", "%lf", &sc) == 1 && sc == 0.25);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

int main(void)
{
	roundtrip();
	strings();
	parse();
	return fails != 0;
}
