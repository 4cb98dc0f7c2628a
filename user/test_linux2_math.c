/* Floating point as programs print and compute it: printf's %f %.3f %e
 * %g %10.4f %-8.2e %+.1f, inf and nan, and <math.h> (sqrt, pow, exp, log,
 * log10, log2, sin, cos, tan, atan2, fabs, floor, ceil, fmod, round,
 * trunc, hypot, cbrt, frexp, ldexp, modf) against known values. */
#define _GNU_SOURCE
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_math: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)
#define NEAR(a, b) (fabs((a) - (b)) <= 1e-12 * (fabs(b) > 1 ? fabs(b) : 1))
#define FMT(want, ...) do { char b_[128]; snprintf(b_, sizeof b_, __VA_ARGS__); if (strcmp(b_, want)) { printf("@@FAIL linux2_math: line %d: got '%s' want '%s'\n", __LINE__, b_, want); fails++; } } while (0)

static volatile double vzero = 0.0;

int main(void)
{
	FMT("3.142", "%.3f", 3.14159265);
	FMT("2.718282", "%f", 2.718281828);
	FMT("1.234560e+05", "%e", 123456.0);
	FMT("1.5E-07", "%.1E", 1.5e-7);
	FMT("0.0001", "%g", 0.0001);
	FMT("1e-05", "%g", 0.00001);
	FMT("123457", "%g", 123456.7);
	FMT("1.23457e+06", "%g", 1234567.0);
	FMT("   3.1416", "%9.4f", 3.14159265);
	FMT("2.50e+00|", "%-8.2e|", 2.5);
	FMT("+1.0", "%+.1f", 1.0);
	FMT("-0.5", "%.1f", -0.5);
	FMT("0", "%.0f", 0.4);
	FMT("2", "%.0f", 2.5); /* round half to even */
	FMT("1.000000", "%f", 0.9999999);
	FMT("100", "%g", 100.0);
	FMT("0.1", "%g", 0.1);
	FMT("inf -inf nan", "%f %f %f", INFINITY, -INFINITY, NAN);
	FMT("INF", "%F", INFINITY);
	FMT("1e+100", "%g", 1e100);
	FMT("0.333333", "%f", 1.0 / 3);
	FMT("00042.50", "%08.2f", 42.5);
	FMT("3.14", "%.*f", 2, 3.14159);
	FMT("1.5", "%.1Lf", (long double)1.5);
	FMT("4294967296.000", "%.3f", 4294967296.0);
	FMT("0x1p+0", "%a", 1.0);

	CHECK(sqrt(2.0) * sqrt(2.0) > 1.9999999 && NEAR(sqrt(144.0), 12.0));
	CHECK(NEAR(pow(2.0, 10.0), 1024.0) && NEAR(pow(9.0, 0.5), 3.0) && pow(0.0, 0.0) == 1.0);
	CHECK(fabs(exp(1.0) - 2.718281828459045) < 1e-14);
	CHECK(fabs(log(M_E) - 1.0) < 1e-15 && NEAR(log10(1000.0), 3.0) && NEAR(log2(1024.0), 10.0));
	CHECK(fabs(sin(M_PI / 6) - 0.5) < 1e-15 && fabs(cos(M_PI / 3) - 0.5) < 1e-15);
	CHECK(fabs(tan(M_PI / 4) - 1.0) < 1e-15 && fabs(atan2(1.0, 1.0) - M_PI / 4) < 1e-15);
	CHECK(fabs(asin(1.0) - M_PI / 2) < 1e-15 && fabs(acos(0.0) - M_PI / 2) < 1e-15 && fabs(atan(1.0) - M_PI / 4) < 1e-15);
	CHECK(fabs(-3.5) == 3.5 && floor(-2.5) == -3.0 && ceil(-2.5) == -2.0 && floor(2.999) == 2.0 && ceil(2.001) == 3.0);
	CHECK(fmod(10.5, 3.0) == 1.5 && fmod(-7.0, 3.0) == -1.0);
	CHECK(round(2.5) == 3.0 && round(-2.5) == -3.0 && trunc(-2.7) == -2.0 && rint(2.5) == 2.0);
	CHECK(lround(3.5) == 4 && llround(-3.5) == -4 && lrint(3.5) == 4);
	CHECK(NEAR(hypot(3.0, 4.0), 5.0) && NEAR(cbrt(27.0), 3.0) && NEAR(cbrt(-8.0), -2.0));
	int e;
	double fr = frexp(48.0, &e);
	CHECK(fr == 0.75 && e == 6 && ldexp(0.75, 6) == 48.0);
	double ip;
	CHECK(modf(3.25, &ip) == 0.25 && ip == 3.0);
	CHECK(NEAR(sinh(1.0), 1.1752011936438014) && NEAR(cosh(1.0), 1.5430806348152437) && NEAR(tanh(0.5), 0.46211715726000974));
	CHECK(NEAR(expm1(1e-10), 1e-10) && NEAR(log1p(1e-10), 1e-10));
	CHECK(fmax(1.0, 2.0) == 2.0 && fmin(1.0, 2.0) == 1.0 && copysign(3.0, -1.0) == -3.0);
	CHECK(isnan(sqrt(-1.0)) && isinf(1.0 / vzero) && isnan(vzero / vzero) && isinf(log(0.0)));
	CHECK(signbit(-0.0) && !signbit(0.0) && isfinite(1.0) && !isfinite(INFINITY));
	CHECK(fpclassify(0.0) == FP_ZERO && fpclassify(1.0) == FP_NORMAL && fpclassify(DBL_MIN / 2) == FP_SUBNORMAL);
	CHECK(sqrtf(16.0f) == 4.0f && fabsf(-1.0f) == 1.0f && floorf(1.5f) == 1.0f && NEAR(powf(2.0f, 3.0f), 8.0));
	CHECK(NEAR(exp(log(10.0)), 10.0));
	/* sums that must round the same everywhere (IEEE double) */
	double s = 0;
	for (int i = 1; i <= 1000; i++)
		s += 1.0 / i;
	FMT("7.485470860550343", "%.15f", s);
	CHECK(0.1 + 0.2 != 0.3 && fabs(0.1 + 0.2 - 0.3) < DBL_EPSILON);
	CHECK(DBL_MANT_DIG == 53 && FLT_MANT_DIG == 24);
	if (!fails)
		printf("@@PASS linux2_math\n");
	return fails != 0;
}
