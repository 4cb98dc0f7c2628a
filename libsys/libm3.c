/* Still more of <math.h> (programs' libsys only): nextafter, fma (exact,
 * in big integers), erf and erfc, the inverse hyperbolic functions, logb,
 * ilogb, llrint, and float versions of the functions that lacked them.
 * Long double (x87) inside, as libm2.c. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include "bigint.h"
#include "libm_in.h"

static uint64_t dbits(double d) { union { double d; uint64_t u; } v = { d }; return v.u; }
static double from_bits(uint64_t u) { union { uint64_t u; double d; } v = { u }; return v.d; }

/* e^x in long double (|x| < 11356). */
static long double expl_x87(long double x)
{
	long double t = x * 1.44269504088896340735992468100189214L, n, r;
	__asm__("frndint" : "=t"(n) : "0"(t));
	__asm__("f2xm1" : "=t"(r) : "0"(t - n));
	r += 1;
	__asm__("fscale" : "=t"(r) : "0"(r), "u"(n));
	return r;
}

/* ln(1 + t) in long double, t > -1: fyl2xp1 near 0, where it is exact. */
static long double log1pl_x87(long double t)
{
	long double r;
	if (t > -0.29L && t < 0.29L)
		__asm__("fldln2\n\tfxch\n\tfyl2xp1" : "=t"(r) : "0"(t));
	else
		__asm__("fldln2\n\tfxch\n\tfyl2x" : "=t"(r) : "0"(1 + t));
	return r;
}

/* The next double after x toward y (y itself when equal). */
double nextafter(double x, double y)
{
	if (isnan(x) || isnan(y)) return x + y;
	if (x == y) return y;
	if (x == 0) return copysign(from_bits(1), y);
	uint64_t u = dbits(x);
	return from_bits((x < y) == (x > 0) ? u + 1 : u - 1);
}

float nextafterf(float x, float y)
{
	union { float f; uint32_t u; } v = { x };
	if (isnan(x) || isnan(y)) return x + y;
	if (x == y) return y;
	if (x == 0) { v.u = 1; return __builtin_copysignf(v.f, y); }
	v.u = (x < y) == (x > 0) ? v.u + 1 : v.u - 1;
	return v.f;
}

/* A finite x as m * 2^e (m < 2^53). */
static uint64_t split(double x, long *e)
{
	uint64_t u = dbits(x), m = u & ((1ull << 52) - 1);
	int ex = (int)((u >> 52) & 0x7ff);
	if (ex)
		m |= 1ull << 52;
	else
		ex = 1;
	*e = ex - 1075;
	return m;
}

/* x * y + z rounded once: the exact sum in a big integer, then rounded as
 * strtod rounds (libsys_bn_ratio). */
double fma(double x, double y, double z)
{
	if (!isfinite(x) || !isfinite(y) || !isfinite(z) || x == 0 || y == 0)
		return x * y + z; /* no rounding to get wrong */
	if (z == 0)
		return x * y;
	long ex, ey, ez;
	unsigned __int128 p = (unsigned __int128)split(x, &ex) * split(y, &ey);
	uint64_t mz = split(z, &ez);
	long ep = ex + ey, e = ep < ez ? ep : ez;
	struct bn P, Z, one;
	bn_set(&P, (uint64_t)(p >> 64));
	bn_shl(&P, 64);
	bn_set(&one, (uint64_t)p);
	bn_add(&P, &one);
	bn_shl(&P, (unsigned)(ep - e));
	bn_set(&Z, mz);
	bn_shl(&Z, (unsigned)(ez - e));
	int neg = signbit(x) != signbit(y), zneg = signbit(z) != 0;
	if (neg == zneg) {
		bn_add(&P, &Z);
	} else {
		int c = bn_cmp(&P, &Z);
		if (c == 0)
			return 0; /* an exact zero: +0 when rounding to nearest */
		if (c < 0) {
			struct bn t = P;
			P = Z;
			Z = t;
			neg = zneg;
		}
		bn_sub(&P, &Z);
	}
	int erange = 0;
	bn_set(&one, 1);
	double r = libsys_bn_ratio(&P, &one, e, &erange);
	return neg ? -r : r;
}

float fmaf(float x, float y, float z) { return (float)((double)x * y + z); } /* exact product */

/* 2/sqrt(pi) e^-x^2 sum 2^n x^(2n+1) / (1*3*..*(2n+1)): no cancellation. */
static long double erf_series(long double x)
{
	long double x2 = x * x, term = x, sum = x;
	for (int n = 1; n < 400 && term > sum * 1e-22L; n++) {
		term *= 2 * x2 / (2 * n + 1);
		sum += term;
	}
	return sum * 1.12837916709551257389615890312154517L * expl_x87(-x2);
}

/* erfc(x), x >= 0.7: e^-x^2 / sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ..)))). */
static long double erfc_cf(long double x)
{
	long double t = x;
	for (int k = 400; k >= 1; k--)
		t = x + (k / 2.0L) / t;
	return expl_x87(-x * x) * 0.564189583547756286948079451560772586L / t;
}

double erf(double x)
{
	double a = fabs(x);
	if (isnan(x)) return x;
	if (a < 0x1p-28) return (double)(x * 1.12837916709551257389615890312154517L);
	if (a >= 6) return copysign(1, x);
	long double r = a < 2.5 ? erf_series(a) : 1 - erfc_cf(a);
	return (double)(x < 0 ? -r : r);
}

double erfc(double x)
{
	if (isnan(x)) return x;
	if (x < -6) return 2;
	if (x > 28) return 0;
	if (x < 0) return (double)(1 + erf_series(-x));
	if (x < 0.7) return (double)(1 - erf_series(x));
	return (double)erfc_cf(x);
}

double asinh(double x)
{
	long double a = fabs(x), r;
	if (!isfinite(x) || a < 0x1p-28) return x;
	if (a > 0x1p28)
		r = log1pl_x87(a - 1) + 0.693147180559945309417232121458176568L;
	else
		r = log1pl_x87(a + a * a / (1 + sqrtl(1 + a * a)));
	return (double)(x < 0 ? -r : r);
}

static double acosh_raw(double x)
{
	if (isnan(x)) return x;
	if (x < 1) return NAN;
	if (isinf(x)) return x;
	long double t = (long double)x - 1;
	if (x > 0x1p28)
		return (double)(log1pl_x87(t) + 0.693147180559945309417232121458176568L);
	return (double)log1pl_x87(t + sqrtl(2 * t + t * t));
}

static double atanh_raw(double x)
{
	long double a = fabs(x);
	if (isnan(x) || a < 0x1p-28) return x;
	if (a > 1) return NAN;
	if (a == 1) return x / (double)(1 - a); /* ±inf, raising FE_DIVBYZERO */
	long double r = log1pl_x87(2 * a / (1 - a)) / 2;
	return (double)(x < 0 ? -r : r);
}

double logb(double x)
{
	if (isnan(x)) return x;
	if (isinf(x)) return HUGE_VAL;
	if (x == 0) return -HUGE_VAL;
	int e;
	frexp(x, &e);
	return e - 1;
}

int ilogb(double x)
{
	if (isnan(x) || x == 0) return FP_ILOGB0;
	if (isinf(x)) return INT_MAX;
	int e;
	frexp(x, &e);
	return e - 1;
}

long long llrint(double x) { return (long long)rint(x); }

float asinf(float x) { return (float)asin(x); }
float acosf(float x) { return (float)acos(x); }
float sinhf(float x) { return libsys_merrf(sinh(x), x, 0, 0); }
float coshf(float x) { return libsys_merrf(cosh(x), x, 0, 0); }
float tanhf(float x) { return (float)tanh(x); }
float asinhf(float x) { return (float)asinh(x); }
float acoshf(float x) { return (float)acosh(x); }
float atanhf(float x) { return (float)atanh(x); }
float exp2f(float x) { return libsys_merrf(exp2(x), x, 0, 1); }
float expm1f(float x) { return libsys_merrf(expm1(x), x, 0, 0); }
float log1pf(float x) { return (float)log1p(x); }
float erff(float x) { return (float)erf(x); }
float erfcf(float x) { return (float)erfc(x); }
float ldexpf(float x, int e) { return libsys_merrf(ldexp(x, e), x, 0, 1); }
float frexpf(float x, int *e) { return (float)frexp(x, e); }
float rintf(float x) { return (float)rint(x); }
long lroundf(float x) { return lround(x); }
float modff(float x, float *ip)
{
	double i, f = modf(x, &i);
	*ip = (float)i;
	return (float)f;
}

/* The functions above with errno set as glibc sets it (libsys_merr). */
double acosh(double x) { return libsys_merr(acosh_raw(x), x, 0, 0); }
double atanh(double x) { return libsys_merr(atanh_raw(x), x, 0, 0); }
