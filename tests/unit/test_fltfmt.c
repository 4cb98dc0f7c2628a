/* libsys/fltfmt.c through lib/fmt.c: %f %e %g against the host's printf
 * (glibc) on chosen and random doubles (ties, where glibc rounds to even
 * on the exact binary value, are avoided: random values almost never are). */
#include <check.h>
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
			if (v[i] < 1e17 || !strchr(f[j], 'f')) /* past 17 digits: zeros */
				same(f[j], v[i]);
	char b[64];
	fmt_snprintf(b, sizeof b, "%f %F %f", 1.0 / 0.0, -1.0 / 0.0, __builtin_nan(""));
	ck_assert_str_eq(b, "inf -INF nan");
	fmt_snprintf(b, sizeof b, "%d|%.2f|%s|%u", -3, 2.5, "s", 7u); /* args in order */
	ck_assert_str_eq(b, "-3|2.50|s|7");
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
	suite_add_tcase(s, t);
	return check_run(s);
}
