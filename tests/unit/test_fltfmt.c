/* libsys/fltfmt.c through lib/fmt.c: %f %e %g against glibc 2.36's exact
 * output for a table (decimal ties, 17 and more digits), and against the
 * host's printf (glibc) on chosen and random doubles at every precision. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "check_run.h"
#include "lib/fmt.h"
#include "rng.h"

void libsys_float_init(void);

static void same(const char *f, double v)
{
	char a[512], b[512];
	fmt_snprintf(a, sizeof a, f, v);
	snprintf(b, sizeof b, f, v);
	ck_assert_msg(!strcmp(a, b), "%s of %.17g: got \"%s\", host \"%s\"", f, v, a, b);
}

START_TEST(chosen_values)
{
	libsys_float_init();
	static const double v[] = { 0, 1, -1, 0.1, 3.14159265, 2.718281828459045, 100,
				    1e-5, 1e-300, 123456789.0, 9.9999999, 0.000123456,
				    1e15, 1e16, 1.5e17, 6.02214076e23, -0.0, 42.4242,
				    0.5, 1.5, 2.5, 0.25, 0.375, 1e19 / 3 };
	static const char *f[] = { "%f", "%.3f", "%10.2f", "%-10.1f|", "%+f", "%e",
				   "%.2e", "%E", "%g", "%.3g", "%G", "%12g", "%010.3f",
				   "%.0f", "%.0e", "%.10g" };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		for (size_t j = 0; j < sizeof f / sizeof f[0]; j++)
			same(f[j], v[i]);
	char b[64];
	fmt_snprintf(b, sizeof b, "%f %F %f", 1.0 / 0.0, -1.0 / 0.0, __builtin_nan(""));
	ck_assert_str_eq(b, "inf -INF nan");
	fmt_snprintf(b, sizeof b, "%d|%.2f|%s|%u", -3, 2.5, "s", 7u); /* args in order */
	ck_assert_str_eq(b, "-3|2.50|s|7");
}
END_TEST

/* glibc 2.36's output, rounding the exact binary value (ties to even). */
static const struct {
	const char *f;
	double v;
	const char *out;
} glibc_tab[] = {
	{ "%.1f", 0.15, "0.1" },
	{ "%.1f", 0.35, "0.3" },
	{ "%.1f", 0.95, "0.9" },
	{ "%.1f", 0.05, "0.1" },
	{ "%.1f", 1.95, "1.9" },
	{ "%.2f", 0.005, "0.01" },
	{ "%.2f", 0.995, "0.99" },
	{ "%.1e", 1.05, "1.1e+00" },
	{ "%.2e", 9.475, "9.47e+00" },
	{ "%.0e", 0.15, "1e-01" },
	{ "%.2g", 0.155, "0.15" },
	{ "%.3g", 0.1005, "0.101" },
	{ "%.17g", 0.74341528431671455, "0.74341528431671455" },
	{ "%.15g", 0.0083817959941838854, "0.00838179599418389" },
	{ "%.20f", 0.1, "0.10000000000000000555" },
	{ "%.0f", 1e23, "99999999999999991611392" },
	{ "%f", 18446744073709551616.0, "18446744073709551616.000000" },
	{ "%.17g", 0.1, "0.10000000000000001" },
	{ "%.17g", 1.0/3, "0.33333333333333331" },
	{ "%.16e", 2.0/3, "6.6666666666666663e-01" },
	{ "%.30e", 1e-300, "1.000000000000000025059091835209e-300" },
	{ "%.40f", 1e-20, "0.0000000000000000000099999999999999994515" },
	{ "%.0f", 0.5, "0" },
	{ "%.0f", 1.5, "2" },
	{ "%.0f", 2.5, "2" },
	{ "%.0f", -0.5, "-0" },
	{ "%f", 1.7976931348623157e308, "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.000000" },
	{ "%.3e", 4.9406564584124654e-324, "4.941e-324" },
	{ "%.20g", 4.9406564584124654e-324, "4.9406564584124654418e-324" },
	{ "%g", 2.2250738585072014e-308, "2.22507e-308" },
	{ "%.17g", 9007199254740993.0, "9007199254740992" },
	{ "%.0f", 9007199254740993.0, "9007199254740992" },
	{ "%.3f", 1e-4, "0.000" },
	{ "%.3f", 0.0005, "0.001" },
	{ "%.3f", 0.0015, "0.002" },
	{ "%.0f", 0.0, "0" },
	{ "%.5e", 0.0, "0.00000e+00" },
	{ "%g", 0.0, "0" },
	{ "%g", 100000.0, "100000" },
	{ "%g", 1000000.0, "1e+06" },
	{ "%g", 0.0001, "0.0001" },
	{ "%g", 0.00001, "1e-05" },
	{ "%.60f", 0.3, "0.299999999999999988897769753748434595763683319091796875000000" },
	{ "%.25g", 1e22, "10000000000000000000000" },
	{ "%.25g", 1e23, "99999999999999991611392" },
	{ "%e", 9.9999999e-5, "1.000000e-04" },
	{ "%.2g", 9.96, "10" },
	{ "%.3g", 99.95, "100" },
	{ "%.1f", 0.25, "0.2" },
	{ "%.1f", 0.45, "0.5" },
	{ "%10.3f", -3.14159, "    -3.142" },
	{ "%-12.4e|", 12345.678, "1.2346e+04  |" },
	{ "%+.2g", -0.0, "-0" },
	{ "%a", 12.0, "0x1.8p+3" },
	{ "%A", 12.0, "0X1.8P+3" },
	{ "%.0a", 12.0, "0x2p+3" },
	{ "%a", 0.0, "0x0p+0" },
	{ "%a", -0.0, "-0x0p+0" },
	{ "%.3a", 0.1, "0x1.99ap-4" },
	{ "%a", 1.0/3, "0x1.5555555555555p-2" },
	{ "%.0a", 0x1.8p+0, "0x2p+0" },
	{ "%.1a", 0x1.28p+0, "0x1.2p+0" },
	{ "%.1a", 0x1.38p+0, "0x1.4p+0" },
	{ "%a", 4.9406564584124654e-324, "0x0.0000000000001p-1022" },
	{ "%.15a", 4.9406564584124654e-324, "0x0.000000000000100p-1022" },
	{ "%a", 1e-310, "0x0.012688b70e62bp-1022" },
	{ "%.1a", 0x1.fffffffffffffp+1023, "0x2.0p+1023" },
	{ "%20a", 12.0, "            0x1.8p+3" },
	{ "%-12.2a|", 0.1, "0x1.9ap-4   |" },
	{ "%+a", 1.0, "+0x1p+0" },
	{ "%A", -1e300, "-0X1.7E43C8800759CP+996" },
};

START_TEST(glibc_table)
{
	libsys_float_init();
	char b[512];
	for (size_t i = 0; i < sizeof glibc_tab / sizeof glibc_tab[0]; i++) {
		fmt_snprintf(b, sizeof b, glibc_tab[i].f, glibc_tab[i].v);
		ck_assert_msg(!strcmp(b, glibc_tab[i].out), "%s of %a: got \"%s\", glibc \"%s\"",
			      glibc_tab[i].f, glibc_tab[i].v, b, glibc_tab[i].out);
	}
}
END_TEST

/* Every k/10^d (decimal ties and near-ties) at d-1 decimals, %e and %g. */
START_TEST(decimal_ties)
{
	libsys_float_init();
	static const char *f[] = { "%.0f", "%.1f", "%.2f", "%.3f", "%.1e", "%.2e", "%.3e", "%.2g", "%.3g" };
	for (int d = 1; d <= 4; d++) {
		double p = d == 1 ? 10 : d == 2 ? 100 : d == 3 ? 1000 : 10000;
		for (int k = 0; k < 20000; k++)
			same(f[(k + d) % 9], k / p);
	}
}
END_TEST

/* Random bit patterns (every exponent) at precisions 0..40 and %.17g. */
START_TEST(random_bits_any_precision)
{
	libsys_float_init();
	rng_state = rng_env_seed(777);
	char f[16];
	static const char conv[] = "fega";
	for (int i = 0; i < 30000; i++) {
		uint64_t u = rnd();
		double v;
		memcpy(&v, &u, 8);
		if (v != v)
			continue;
		int prec = (int)(rnd() % 41);
		char c = conv[i % 4];
		if (c == 'f' && (v > 1e60 || v < -1e60))
			c = 'e';
		snprintf(f, sizeof f, i % 7 ? "%%.%d%c" : i % 2 ? "%%a" : "%%.17g", prec, c);
		same(f, v);
	}
}
END_TEST

static void same_ld(const char *f, long double v)
{
	char a[512], b[512];
	fmt_snprintf(a, sizeof a, f, v);
	snprintf(b, sizeof b, f, v);
	ck_assert_msg(!strcmp(a, b), "%s of %.21Lg: got \"%s\", host \"%s\"", f, v, a, b);
}

/* Long doubles (%La, %Lf, %Le, %Lg) as glibc prints them: their own 64-bit
 * mantissa, not the double's; random mantissas with binary exponents
 * within +-1,000, and chosen values. */
START_TEST(long_doubles)
{
	libsys_float_init();
	static const long double v[] = { 0, 1, -1, 3, 0.1L, 1.0L / 3, 2.5L, 1e20L, 1e-20L,
					 1e300L, 1e-300L, 0.5L, 18446744073709551615.0L };
	static const char *f[] = { "%La", "%LA", "%.0La", "%.2La", "%.15La", "%.20La", "%Lf",
				   "%.25Lg", "%.20Lf", "%Le", "%.30Le", "%Lg", "%#.3Lg", "%12.4Lf" };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		for (size_t j = 0; j < sizeof f / sizeof f[0]; j++)
			same_ld(f[j], v[i]);
	char a[128], b[128]; /* numbered arguments of the float classes */
	fmt_snprintf(a, sizeof a, "%3$La %1$.3f %2$d %1$g", 2.5, 7, 1.0L);
	snprintf(b, sizeof b, "%3$La %1$.3f %2$d %1$g", 2.5, 7, 1.0L);
	ck_assert_str_eq(a, b);
	rng_state = rng_env_seed(4242);
	char fm[16];
	static const char conv[] = "fega";
	for (int i = 0; i < 20000; i++) {
		long double x = (long double)(rnd() | 1ull << 63) / 18446744073709551616.0L;
		int e = (int)(rnd() % 2000) - 1000;
		x = __builtin_ldexpl(x, e);
		char c = conv[i % 4];
		if (c == 'f' && e > 200)
			c = 'e';
		if (i % 5)
			snprintf(fm, sizeof fm, "%%.%dL%c", (int)(rnd() % 30), c);
		else
			snprintf(fm, sizeof fm, "%%L%c", c);
		same_ld(fm, i & 8 ? -x : x);
	}
}
END_TEST

START_TEST(random_values)
{
	libsys_float_init();
	rng_state = rng_env_seed(12345);
	static const char *f[] = { "%.6e", "%.9e", "%g", "%.8g", "%.4f" };
	for (int i = 0; i < 20000; i++) {
		double m = (double)(rnd() >> 11) / (double)(1ull << 53);
		int e = (int)(rnd() % 40) - 20;
		double v = m;
		for (; e > 0; e--) v *= 10;
		for (; e < 0; e++) v /= 10;
		same(f[i % 5], v);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fltfmt");
	TCase *t = tcase_create("fltfmt");
	tcase_add_test(t, chosen_values);
	tcase_add_test(t, random_values);
	tcase_add_test(t, long_doubles);
	tcase_add_test(t, glibc_table);
	tcase_add_test(t, decimal_ties);
	tcase_add_test(t, random_bits_any_precision);
	tcase_set_timeout(t, 120);
	suite_add_tcase(s, t);
	return check_run(s);
}
