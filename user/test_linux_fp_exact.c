/* printf, strtod/atof/sscanf and <math.h> in the guest, checked against
 * glibc 2.36's exact output (strings and bit patterns hard-coded from a
 * glibc run of this very program: gcc -O2 test_linux_fp_exact.c -lm).
 * Each line printed is "what = result"; a difference is an @@FAIL line. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails;

static uint64_t bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	return u;
}

/* Doubles apart (NaNs of either sign equal). */
static uint64_t ulps(double a, double b)
{
	if (a != a && b != b)
		return 0;
	int64_t x = (int64_t)bits(a), y = (int64_t)bits(b);
	if (x < 0)
		x = INT64_MIN - x;
	if (y < 0)
		y = INT64_MIN - y;
	return x > y ? (uint64_t)(x - y) : (uint64_t)(y - x);
}

static const struct {
	const char *f;
	double v;
	const char *out;
} fmt_tab[] = {
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
};

static const struct {
	const char *s;
	uint64_t bits;
	int err;
	long end;
} strtod_tab[] = {
	{ "0.3", 0x3fd3333333333333ull, 0, 3 },
	{ "0.7", 0x3fe6666666666666ull, 0, 3 },
	{ "3.14159", 0x400921f9f01b866eull, 0, 7 },
	{ "1.5e-5", 0x3eef75104d551d69ull, 0, 6 },
	{ "0.000001", 0x3eb0c6f7a0b5ed8dull, 0, 8 },
	{ "1.7976931348623157e308", 0x7fefffffffffffffull, 0, 22 },
	{ "1.7976931348623158e308", 0x7fefffffffffffffull, 0, 22 },
	{ "1.7976931348623159e308", 0x7ff0000000000000ull, 34, 22 },
	{ "2.2250738585072014e-308", 0x0010000000000000ull, 0, 23 },
	{ "2.2250738585072011e-308", 0x000fffffffffffffull, 34, 23 },
	{ "4.9e-324", 0x0000000000000001ull, 34, 8 },
	{ "2.4703282292062327e-324", 0x0000000000000000ull, 34, 23 },
	{ "2.4703282292062328e-324", 0x0000000000000001ull, 34, 23 },
	{ "1e-310", 0x000012688b70e62bull, 34, 6 },
	{ "1e-400", 0x0000000000000000ull, 34, 6 },
	{ "1e400", 0x7ff0000000000000ull, 34, 5 },
	{ "-1e400", 0xfff0000000000000ull, 34, 6 },
	{ "1e9999999999", 0x7ff0000000000000ull, 34, 12 },
	{ "1e99999999999999999", 0x7ff0000000000000ull, 34, 19 },
	{ "1e-99999999999999999", 0x0000000000000000ull, 34, 20 },
	{ "inf", 0x7ff0000000000000ull, 0, 3 },
	{ "-INF", 0xfff0000000000000ull, 0, 4 },
	{ "Infinity", 0x7ff0000000000000ull, 0, 8 },
	{ "infinityx", 0x7ff0000000000000ull, 0, 8 },
	{ "infx", 0x7ff0000000000000ull, 0, 3 },
	{ "nan", 0x7ff8000000000000ull, 0, 3 },
	{ "-nan", 0xfff8000000000000ull, 0, 4 },
	{ "NaN(abc_1)z", 0x7ff8000000000000ull, 0, 10 },
	{ "nan(", 0x7ff8000000000000ull, 0, 3 },
	{ "0x10", 0x4030000000000000ull, 0, 4 },
	{ "0x1p3", 0x4020000000000000ull, 0, 5 },
	{ "0x1.8p3", 0x4028000000000000ull, 0, 7 },
	{ "-0x1P-2", 0xbfd0000000000000ull, 0, 7 },
	{ "0x", 0x0000000000000000ull, 0, 1 },
	{ "0xg", 0x0000000000000000ull, 0, 1 },
	{ "0x.8p1", 0x3ff0000000000000ull, 0, 6 },
	{ "0x1p-1074", 0x0000000000000001ull, 0, 9 },
	{ "0x1p-1075", 0x0000000000000000ull, 34, 9 },
	{ "0x1.8p-1075", 0x0000000000000001ull, 34, 11 },
	{ "0x1.fffffffffffff8p1023", 0x7ff0000000000000ull, 34, 23 },
	{ "0x123456789abcdef0123p-4", 0x44323456789abcdfull, 0, 24 },
	{ "1e", 0x3ff0000000000000ull, 0, 1 },
	{ "1e+", 0x3ff0000000000000ull, 0, 1 },
	{ "1e-x", 0x3ff0000000000000ull, 0, 1 },
	{ ".5", 0x3fe0000000000000ull, 0, 2 },
	{ "-.e3", 0x0000000000000000ull, 0, 0 },
	{ ".", 0x0000000000000000ull, 0, 0 },
	{ "  +1.5e-3x", 0x3f589374bc6a7efaull, 0, 9 },
	{ "-0", 0x8000000000000000ull, 0, 2 },
	{ "0e999999", 0x0000000000000000ull, 0, 8 },
	{ "123456789012345678901234567890", 0x45f8ee90ff6c373eull, 0, 30 },
	{ "9007199254740993", 0x4340000000000000ull, 0, 16 },
	{ "9007199254740993.000000000000000000000000001", 0x4340000000000001ull, 0, 44 },
	{ "1.00000000000000011102230246251565404236316680908203125", 0x3ff0000000000000ull, 0, 55 },
	{ "1.00000000000000011102230246251565404236316680908203124", 0x3ff0000000000000ull, 0, 55 },
	{ "1.00000000000000011102230246251565404236316680908203126", 0x3ff0000000000001ull, 0, 55 },
	{ "0.1e-330", 0x0000000000000000ull, 34, 8 },
	{ "1.5e+22", 0x448969368974c05bull, 0, 7 },
	{ "1e23", 0x44b52d02c7e14af6ull, 0, 4 },
	{ "8.98846567431158e307", 0x7fe0000000000000ull, 0, 20 },
	{ "4.4501477170144023e-308", 0x001fffffffffffffull, 0, 23 },
	{ "4.4501477170144022e-308", 0x001fffffffffffffull, 0, 23 },
};

static double call(const char *f, double x, double y)
{
	static const char *const n1[] = { "sin", "cos", "tan", "floor", "ceil", "trunc", "round",
					  "sinh", "cosh", "tanh", "expm1", "log1p" };
	static double (*const f1[])(double) = { sin, cos, tan, floor, ceil, trunc, round,
						sinh, cosh, tanh, expm1, log1p };
	for (int i = 0; i < 12; i++)
		if (!strcmp(f, n1[i]))
			return f1[i](x);
	if (!strcmp(f, "fmod"))
		return fmod(x, y);
	if (!strcmp(f, "remainder"))
		return remainder(x, y);
	return pow(x, y);
}

/* name, ulps allowed (0: glibc's very bits), x, y, glibc's bits */
static const struct {
	const char *f;
	int tol;
	double x, y;
	uint64_t bits;
} math_tab[] = {
	/* exact */
	{ "ceil", 0, 0.0, 0, 0x0000000000000000ull },
	{ "ceil", 0, -0.0, 0, 0x8000000000000000ull },
	{ "ceil", 0, -0.5, 0, 0x8000000000000000ull },
	{ "ceil", 0, 0.5, 0, 0x3ff0000000000000ull },
	{ "ceil", 0, -1.5, 0, 0xbff0000000000000ull },
	{ "floor", 0, -0.0, 0, 0x8000000000000000ull },
	{ "floor", 0, 0.0, 0, 0x0000000000000000ull },
	{ "floor", 0, -0.5, 0, 0xbff0000000000000ull },
	{ "floor", 0, 2.5, 0, 0x4000000000000000ull },
	{ "trunc", 0, -0.5, 0, 0x8000000000000000ull },
	{ "trunc", 0, 0.7, 0, 0x0000000000000000ull },
	{ "trunc", 0, -2.7, 0, 0xc000000000000000ull },
	{ "round", 0, -0.4, 0, 0x8000000000000000ull },
	{ "round", 0, -0.5, 0, 0xbff0000000000000ull },
	{ "round", 0, 0.4, 0, 0x0000000000000000ull },
	{ "round", 0, 2.5, 0, 0x4008000000000000ull },
	{ "round", 0, -0.0, 0, 0x8000000000000000ull },
	{ "fmod", 0, 1e17, 3.0, 0x3ff0000000000000ull },
	{ "fmod", 0, 7.0, 0.7, 0x3cc0000000000000ull },
	{ "fmod", 0, 1.0, 0.1, 0x3fb9999999999996ull },
	{ "fmod", 0, 618.1080322265625, 0.58587646484375, 0x3f81200000000000ull },
	{ "fmod", 0, 5.5, INFINITY, 0x4016000000000000ull },
	{ "fmod", 0, -6.0, 3.0, 0x8000000000000000ull },
	{ "fmod", 0, -7.5, 2.0, 0xbff8000000000000ull },
	{ "fmod", 0, 1e300, 1e-300, 0x0194f722a6f79f9cull },
	{ "fmod", 0, INFINITY, 2.0, 0xfff8000000000000ull },
	{ "fmod", 0, 3.0, 0.0, 0xfff8000000000000ull },
	{ "remainder", 0, 1e16, 7.0, 0xc008000000000000ull },
	{ "remainder", 0, 5.0, 2.0, 0x3ff0000000000000ull },
	{ "remainder", 0, 7.0, 2.0, 0xbff0000000000000ull },
	{ "remainder", 0, -7.5, 2.0, 0x3fe0000000000000ull },
	{ "remainder", 0, 1.0, 0.1, 0xbc90000000000000ull },
	{ "remainder", 0, 3.0, INFINITY, 0x4008000000000000ull },
	{ "pow", 0, -INFINITY, 0.5, 0x7ff0000000000000ull },
	{ "pow", 0, -INFINITY, -0.5, 0x0000000000000000ull },
	{ "pow", 0, -1.0, INFINITY, 0x3ff0000000000000ull },
	{ "pow", 0, -1.0, -INFINITY, 0x3ff0000000000000ull },
	{ "pow", 0, -0.0, -1.0, 0xfff0000000000000ull },
	{ "pow", 0, -0.0, 3.0, 0x8000000000000000ull },
	{ "pow", 0, -0.0, 2.0, 0x0000000000000000ull },
	{ "pow", 0, -0.0, -2.0, 0x7ff0000000000000ull },
	{ "pow", 0, 0.0, -1.0, 0x7ff0000000000000ull },
	{ "pow", 0, -INFINITY, 3.0, 0xfff0000000000000ull },
	{ "pow", 0, -INFINITY, -3.0, 0x8000000000000000ull },
	{ "pow", 0, 1.0, NAN, 0x3ff0000000000000ull },
	{ "pow", 0, NAN, 0.0, 0x3ff0000000000000ull },
	{ "pow", 0, -2.0, 0.5, 0xfff8000000000000ull },
	{ "pow", 0, 0.5, INFINITY, 0x0000000000000000ull },
	{ "pow", 0, 2.0, -INFINITY, 0x0000000000000000ull },
	{ "pow", 0, -8.0, 1.0/3, 0xfff8000000000000ull },
	{ "pow", 0, 2.0, 10.0, 0x4090000000000000ull },
	{ "pow", 0, -2.0, 3.0, 0xc020000000000000ull },
	{ "sinh", 0, -0.0, 0, 0x8000000000000000ull },
	{ "tanh", 0, -0.0, 0, 0x8000000000000000ull },
	{ "expm1", 0, -0.0, 0, 0x8000000000000000ull },
	{ "log1p", 0, -0.0, 0, 0x8000000000000000ull },
	{ "sinh", 0, 2.2e-308, 0, 0x000fd1d7d505cd02ull },
	{ "sin", 0, -0.0, 0, 0x8000000000000000ull },
	{ "tan", 0, -0.0, 0, 0x8000000000000000ull },
	/* within 1 ulp of glibc (which is within 1 ulp itself) */
	{ "sin", 1, M_PI, 0, 0x3ca1a62633145c07ull },
	{ "cos", 1, M_PI/2, 0, 0x3c91a62633145c07ull },
	{ "tan", 1, M_PI/2, 0, 0x434d02967c31cdb5ull },
	{ "sin", 1, 1e6, 0, 0xbfd6664b2568d867ull },
	{ "sin", 1, 1e10, 0, 0xbfdf334c7896a4e3ull },
	{ "sin", 1, 1e15, 0, 0x3feb76f88136cebaull },
	{ "sin", 1, 1e19, 0, 0xbfedaa805f702a5cull },
	{ "cos", 1, 1e22, 0, 0x3fe0be2cef01c8f4ull },
	{ "tan", 1, 1e19, 0, 0x4003c84819108215ull },
	{ "sin", 1, 1e300, 0, 0xbfea2c16b010e385ull },
	{ "cos", 1, 1.7976931348623157e308, 0, 0xbfefffe62ecfab75ull },
	{ "sin", 1, 6.283185307179586, 0, 0xbcb1a62633145c07ull },
	{ "cos", 1, 3*M_PI/2, 0, 0xbcaa79394c9e8a0aull },
	{ "tan", 1, 3.0, 0, 0xbfc23ef71254b86full },
	{ "sin", 1, 0.5, 0, 0x3fdeaee8744b05f0ull },
	{ "cos", 1, 0.5, 0, 0x3fec1528065b7d50ull },
	{ "sin", 1, -100.0, 0, 0x3fe03425b78c4db8ull },
	{ "cos", 1, -100.0, 0, 0x3feb981dbf665fdfull },
	{ "tan", 1, -1e5, 0, 0x3fa250a9d503313dull },
	{ "sin", 1, 355.0, 0, 0xbeff9bd0307d1de3ull },
	{ "sin", 1, 103993.0, 0, 0xbef40efdf1eb8de7ull },
	{ "sin", 1, 6381956970095103.0*0x1p797, 0, 0x3ff0000000000000ull },
	{ "sinh", 1, 1e-10, 0, 0x3ddb7cdfd9d7bdbbull },
	{ "tanh", 1, 1e-10, 0, 0x3ddb7cdfd9d7bdbbull },
	{ "expm1", 1, 1e-5, 0, 0x3ee4f8bc681cdfb6ull },
	{ "expm1", 1, 1e-3, 0, 0x3f506466dfb8cf3aull },
	{ "expm1", 1, -0.3, 0, 0xbfd0966f2c7907f6ull },
	{ "expm1", 1, 5.0, 0, 0x40626d389970338full },
	{ "expm1", 1, 1e-300, 0, 0x01a56e1fc2f8f359ull },
	{ "log1p", 1, 1e-5, 0, 0x3ee4f8aea9ae7317ull },
	{ "log1p", 1, 1e-3, 0, 0x3f5060354f8c3ebfull },
	{ "log1p", 1, -0.25, 0, 0xbfd269621134db92ull },
	{ "log1p", 1, 3.0, 0, 0x3ff62e42fefa39efull },
	{ "log1p", 1, 1e-300, 0, 0x01a56e1fc2f8f359ull },
	{ "sinh", 1, 710.0, 0, 0x7fe3e21a464507f9ull },
	{ "cosh", 1, 710.0, 0, 0x7fe3e21a464507f9ull },
	{ "sinh", 1, -710.4, 0, 0xffeda98a7371610bull },
	{ "cosh", 1, -3.0, 0, 0x402422a497d6185eull },
	{ "sinh", 1, 0.5, 0, 0x3fe0acd00fe63b97ull },
	{ "tanh", 1, 0.5, 0, 0x3fdd9353d7568af3ull },
	{ "tanh", 1, -3.0, 0, 0xbfefd77d111a0b00ull },
	{ "sinh", 1, -2.0, 0, 0xc00d03cf63b6e19full },
	{ "tanh", 1, 30.0, 0, 0x3ff0000000000000ull },
	{ "cosh", 1, 1e-10, 0, 0x3ff0000000000000ull },
	{ "sinh", 1, 711.0, 0, 0x7ff0000000000000ull },
};

int main(void)
{
	char b[512];
	for (size_t i = 0; i < sizeof fmt_tab / sizeof fmt_tab[0]; i++) {
		snprintf(b, sizeof b, fmt_tab[i].f, fmt_tab[i].v);
		printf("printf(\"%s\", %.17g) = \"%s\"\n", fmt_tab[i].f, fmt_tab[i].v, b);
		if (strcmp(b, fmt_tab[i].out)) {
			printf("@@FAIL linux_fp_exact: printf(\"%s\") gave \"%s\", glibc \"%s\"\n",
			       fmt_tab[i].f, b, fmt_tab[i].out);
			fails++;
		}
	}
	for (size_t i = 0; i < sizeof strtod_tab / sizeof strtod_tab[0]; i++) {
		char *end;
		errno = 0;
		double d = strtod(strtod_tab[i].s, &end);
		printf("strtod(\"%s\") = %.17g errno %d end %ld\n", strtod_tab[i].s, d, errno,
		       (long)(end - strtod_tab[i].s));
		if (bits(d) != strtod_tab[i].bits || errno != strtod_tab[i].err ||
		    end - strtod_tab[i].s != strtod_tab[i].end) {
			printf("@@FAIL linux_fp_exact: strtod(\"%s\") bits %llx, glibc %llx\n", strtod_tab[i].s,
			       (unsigned long long)bits(d), (unsigned long long)strtod_tab[i].bits);
			fails++;
		}
	}
	double d = 0;
	if (sscanf("0.3 x", "%lf", &d) != 1 || d != 0.3 || atof("0.7") != 0.7 || atof("1e9999999999") != HUGE_VAL) {
		printf("@@FAIL linux_fp_exact: sscanf %%lf / atof\n");
		fails++;
	}
	for (size_t i = 0; i < sizeof math_tab / sizeof math_tab[0]; i++) {
		double want, got = call(math_tab[i].f, math_tab[i].x, math_tab[i].y);
		memcpy(&want, &math_tab[i].bits, 8);
		printf("%s(%.17g, %.17g) = %.17g\n", math_tab[i].f, math_tab[i].x, math_tab[i].y, got);
		if (ulps(got, want) > (uint64_t)math_tab[i].tol) {
			printf("@@FAIL linux_fp_exact: %s(%.17g, %.17g) = %.17g, glibc %.17g\n", math_tab[i].f,
			       math_tab[i].x, math_tab[i].y, got, want);
			fails++;
		}
	}
	/* the functions and macros libsys/libm3.c and <math.h> added */
	char more[256];
	snprintf(more, sizeof more, "%.17g %.17g %.17g %.17g %d %.17g %d%d%d%d %d", fma(0.1, 10, -1),
		 nextafter(1, 2), nextafter(0, -1), asinh(1e-5), ilogb(1e-310), logb(-1e300),
		 isgreater(1.0, NAN), isless(1.0, 2.0), isunordered(NAN, 1.0), islessgreater(1.0, 1.0),
		 FILENAME_MAX >= 256);
	printf("more = %s\n", more);
	if (strcmp(more, "5.5511151231257827e-17 1.0000000000000002 -4.9406564584124654e-324 "
			 "9.9999999998333335e-06 -1030 996 0110 1")) {
		printf("@@FAIL linux_fp_exact: %s\n", more);
		fails++;
	}
	if (ulps(erf(0.5), 0.52049987781304652) > 2 || ulps(erfc(3), 2.2090496998585441e-05) > 4 ||
	    ulps(acosh(1.5), 0.96242365011920694) > 2) {
		printf("@@FAIL linux_fp_exact: erf/erfc/acosh\n");
		fails++;
	}
	if (!fails)
		printf("@@PASS linux_fp_exact\n");
	return fails != 0;
}
