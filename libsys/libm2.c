/* More of <math.h> (programs' libsys only: floating point): the
 * transcendental functions on the x87's own instructions (fsin, fcos,
 * fptan, fpatan, fyl2x, f2xm1, fscale), which work in 80-bit precision,
 * and the rounding and splitting functions in plain C. */
#include <math.h>
#include <stdint.h>
#include "libm_in.h"

static long double x87_exp2(long double x) /* 2^x */
{
	long double n, r;
	__asm__("frndint" : "=t"(n) : "0"(x));
	__asm__("f2xm1" : "=t"(r) : "0"(x - n)); /* |x - n| <= 0.5 */
	r += 1;
	__asm__("fscale" : "=t"(r) : "0"(r), "u"(n));
	return r;
}

static long double x87_log2(long double x) /* log2 x, x > 0 */
{
	long double r;
	__asm__("fld1\n\tfxch\n\tfyl2x" : "=t"(r) : "0"(x));
	return r;
}

/* sin, cos, tan: |x| reduced exactly to r in [-pi/4, pi/4] and quadrant k
 * (libsys/trig.c), then the x87 on r, where it is accurate. */
static long double x87_sin(long double r) { __asm__("fsin" : "+t"(r)); return r; }
static long double x87_cos(long double r) { __asm__("fcos" : "+t"(r)); return r; }
static long double x87_tan(long double r) { __asm__("fptan\n\tfstp %%st(0)" : "+t"(r)); return r; }

static double sin_raw(double x)
{
	if (!isfinite(x)) return NAN;
	if (fabs(x) < 0.785) return (double)x87_sin(x);
	long double r, s;
	int k = libsys_rem_pio2(fabs(x), &r);
	s = k & 1 ? x87_cos(r) : x87_sin(r);
	s = k & 2 ? -s : s;
	return (double)(x < 0 ? -s : s);
}

static double cos_raw(double x)
{
	if (!isfinite(x)) return NAN;
	if (fabs(x) < 0.785) return (double)x87_cos(x);
	long double r, c;
	int k = libsys_rem_pio2(fabs(x), &r);
	c = k & 1 ? -x87_sin(r) : x87_cos(r);
	return (double)(k & 2 ? -c : c);
}

static double tan_raw(double x)
{
	if (!isfinite(x)) return NAN;
	if (fabs(x) < 0.785) return (double)x87_tan(x);
	long double r, t;
	int k = libsys_rem_pio2(fabs(x), &r);
	t = k & 1 ? -1 / x87_tan(r) : x87_tan(r);
	return (double)(x < 0 ? -t : t);
}

double atan2(double y, double x)
{
	long double r;
	__asm__("fpatan" : "=t"(r) : "0"((long double)x), "u"((long double)y) : "st(1)");
	return (double)r;
}

double atan(double x) { return atan2(x, 1.0); }
static double asin_raw(double x) { return fabs(x) > 1 ? NAN : atan2(x, sqrt((1 - x) * (1 + x))); }
static double acos_raw(double x) { return fabs(x) > 1 ? NAN : atan2(sqrt((1 - x) * (1 + x)), x); }

static double exp2_raw(double x)
{
	if (isnan(x)) return x;
	if (isinf(x)) return x > 0 ? x : 0;
	return (double)x87_exp2(x);
}

static double exp_raw(double x)
{
	if (isnan(x)) return x;
	if (isinf(x)) return x > 0 ? x : 0;
	return (double)x87_exp2((long double)x * 1.44269504088896340735992468100189214L);
}

/* e^x - 1 for |x| <= ~0.69 on f2xm1 (no cancellation), else exp(x) - 1 in
 * long double. */
static long double x87_expm1(long double x)
{
	long double t = x * 1.44269504088896340735992468100189214L, r;
	if (t > -1 && t < 1) {
		__asm__("f2xm1" : "=t"(r) : "0"(t));
		return r;
	}
	return x87_exp2(t) - 1;
}

static double expm1_raw(double x)
{
	if (isnan(x) || x == 0 || fabs(x) < 0x1p-54) return x; /* keeps -0 */
	if (isinf(x)) return x > 0 ? x : -1;
	if (x > 710) return HUGE_VAL;
	if (x < -60) return -1;
	return (double)x87_expm1(x);
}

static double log2_raw(double x)
{
	if (isnan(x) || x < 0) return NAN;
	if (x == 0) return -1 / fabs(x); /* -inf, raising FE_DIVBYZERO */
	if (isinf(x)) return x;
	return (double)x87_log2(x);
}

static double log_raw(double x) { return isnan(x) || x <= 0 || isinf(x) ? log2(x) : (double)(x87_log2(x) * 0.693147180559945309417232121458176568L); }
static double log10_raw(double x) { return isnan(x) || x <= 0 || isinf(x) ? log2(x) : (double)(x87_log2(x) * 0.301029995663981195213738894724493027L); }
/* ln(1 + x): fyl2xp1 for |x| < 1 - sqrt(2)/2 (where it is exact), else
 * log2 of 1 + x formed in long double. */
static double log1p_raw(double x)
{
	if (isnan(x) || x == 0 || fabs(x) < 0x1p-54) return x;
	if (x == -1) return -1 / (x + 1); /* -inf, raising FE_DIVBYZERO */
	if (x < -1) return NAN;
	if (isinf(x)) return x;
	long double r;
	if (fabs(x) < 0.29) {
		__asm__("fldln2\n\tfxch\n\tfyl2xp1" : "=t"(r) : "0"((long double)x));
		return (double)r;
	}
	return (double)(x87_log2(1 + (long double)x) * 0.693147180559945309417232121458176568L);
}

double trunc(double x) { return fabs(x) < 4503599627370496.0 ? copysign((double)(int64_t)x, x) : x; }
double round(double x) { double t = trunc(x); return fabs(x - t) >= 0.5 ? t + (x > 0 ? 1 : -1) : t; } /* t keeps x's sign */
long lround(double x) { return (long)round(x); }
long long llround(double x) { return (long long)round(x); }
double rint(double x) { long double r; __asm__("frndint" : "=t"(r) : "0"((long double)x)); return (double)r; }
double nearbyint(double x) { return rint(x); }
long lrint(double x) { return (long)rint(x); }

/* x^y as C99 wants it for the usual cases: integer powers of negatives,
 * 0 and 1 and infinities. */
static double pow_raw(double x, double y)
{
	if (y == 0 || x == 1) return 1;
	if (isnan(x) || isnan(y)) return NAN;
	int yint = isfinite(y) && trunc(y) == y;
	int odd = yint && fabs(y) < 9007199254740992.0 && ((int64_t)y & 1);
	if (isinf(y)) /* C99 F.9.4.4: |x| == 1 gives 1 (x == -1 too) */
		return fabs(x) == 1 ? 1 : (fabs(x) > 1) == (y > 0) ? HUGE_VAL : 0;
	if (isinf(x)) { double r = y > 0 ? HUGE_VAL : 0; return x < 0 && odd ? -r : r; }
	if (x == 0) { /* a pole for y < 0: FE_DIVBYZERO */
		double r = y < 0 ? 1 / fabs(x) : 0;
		return odd ? copysign(r, x) : r;
	}
	if (x < 0 && !yint) return NAN;
	long double ax = x < 0 ? -(long double)x : x;
	if (yint && fabs(y) <= 64) { /* exact by squaring */
		long double r = 1, b = ax;
		for (int64_t n = (int64_t)fabs(y); n; n >>= 1, b *= b)
			if (n & 1) r *= b;
		r = y < 0 ? 1 / r : r;
		return (double)(x < 0 && odd ? -r : r);
	}
	long double r = x87_exp2((long double)y * x87_log2(ax));
	return (double)(x < 0 && odd ? -r : r);
}

double cbrt(double x)
{
	if (x == 0 || !isfinite(x)) return x;
	double r = pow(fabs(x), 1.0 / 3);
	r = r - (r * r * r - fabs(x)) / (3 * r * r); /* one Newton step */
	return x < 0 ? -r : r;
}

static double hypot_raw(double x, double y)
{
	if (isinf(x) || isinf(y)) return HUGE_VAL;
	long double a = x, b = y;
	return (double)sqrtl(a * a + b * b);
}

long double sqrtl(long double x) { long double r; __asm__("fsqrt" : "=t"(r) : "0"(x)); return r; }
/* sinh, cosh, tanh in long double: from e^|x| - 1 below 1 (no cancellation),
 * from e^|x| above (which does not overflow there before the result). */
static double sinh_raw(double x)
{
	double a = fabs(x);
	if (!isfinite(x) || a < 0x1p-28) return x;
	long double r;
	if (a < 1) {
		long double e = x87_expm1(a);
		r = (e + e / (e + 1)) / 2;
	} else {
		long double e = x87_exp2(a * 1.44269504088896340735992468100189214L);
		r = (e - 1 / e) / 2;
	}
	return (double)(x < 0 ? -r : r);
}

static double cosh_raw(double x)
{
	double a = fabs(x);
	if (isnan(x)) return x;
	if (isinf(x)) return HUGE_VAL;
	long double e = x87_exp2(a * 1.44269504088896340735992468100189214L);
	return (double)((e + 1 / e) / 2);
}

double tanh(double x)
{
	double a = fabs(x);
	if (isnan(x) || a < 0x1p-28) return x;
	if (a > 22) return x > 0 ? 1 : -1;
	long double e = x87_expm1(2 * (long double)a), r = e / (e + 2);
	return (double)(x < 0 ? -r : r);
}
double fmin(double a, double b) { return isnan(a) ? b : isnan(b) ? a : a < b ? a : b; }
double fmax(double a, double b) { return isnan(a) ? b : isnan(b) ? a : a > b ? a : b; }
double fdim(double a, double b) { return a > b ? a - b : 0; }
double copysign(double x, double y) { return __builtin_copysign(x, y); }
/* x - n*y with n = x/y rounded to nearest (even), exactly: fprem1's
 * partial remainder until complete. */
static double remainder_raw(double x, double y)
{
	if (isnan(x) || isnan(y) || isinf(x) || y == 0) return NAN;
	if (isinf(y)) return x;
	long double r;
	__asm__("1: fprem1\n\tfnstsw %%ax\n\ttestw $0x400, %%ax\n\tjnz 1b"
		: "=t"(r) : "0"((long double)x), "u"((long double)y) : "ax", "cc");
	return (double)r;
}

/* remainder's, and the quotient's low three bits with the sign of x/y.
 * The bits come from |x| reduced modulo 8|y| first (fmod is exact, and
 * rounding the quotient to nearest, even on a tie, keeps its value
 * modulo 8), so they are right for any quotient, however large. */
double remquo(double x, double y, int *quo)
{
	*quo = 0;
	if (isnan(x) || isnan(y) || isinf(x) || y == 0) return NAN;
	if (isinf(y)) return x;
	double ax = fabs(x), ay = fabs(y);
	double m = ay <= __DBL_MAX__ / 8 ? fmod(ax, 8 * ay) : ax;
	int q = (int)lround((m - remainder(m, ay)) / ay) & 7;
	*quo = (x < 0) != (y < 0) ? -q : q;
	return remainder(x, y);
}
float remquof(float x, float y, int *quo) { return (float)remquo(x, y, quo); }
double nan(const char *tag) { (void)tag; return __builtin_nan(""); }
float nanf(const char *tag) { (void)tag; return __builtin_nanf(""); }
long double nanl(const char *tag) { (void)tag; return __builtin_nanl(""); }
void sincos(double x, double *s, double *c) { *s = sin(x), *c = cos(x); }
void sincosf(float x, float *s, float *c) { *s = sinf(x), *c = cosf(x); }
double exp10(double x) { return pow(10.0, x); }
float exp10f(float x) { return libsys_merrf(pow(10.0, x), x, 0, 1); }

double modf(double x, double *ip)
{
	double t = isinf(x) ? x : trunc(x);
	*ip = t;
	return isinf(x) ? copysign(0, x) : x - t;
}

double frexp(double x, int *e)
{
	*e = 0;
	if (x == 0 || !isfinite(x)) return x;
	union { double d; uint64_t u; } v = { x };
	int ex = (int)((v.u >> 52) & 0x7ff);
	if (ex == 0) { /* subnormal: scale up first */
		v.d = x * 18014398509481984.0; /* 2^54 */
		ex = (int)((v.u >> 52) & 0x7ff) - 54;
	}
	*e = ex - 1022;
	v.u = (v.u & ~(0x7ffull << 52)) | (1022ull << 52);
	return v.d;
}

static double ldexp_raw(double x, int e)
{
	long double r;
	__asm__("fscale" : "=t"(r) : "0"((long double)x), "u"((long double)e));
	return (double)r;
}
double scalbn(double x, int e) { return ldexp(x, e); }

float sqrtf(float x) { return libsys_merrf(sqrt(x), x, 0, 0); }
float fabsf(float x) { return __builtin_fabsf(x); }
float sinf(float x) { return (float)sin(x); }
float cosf(float x) { return (float)cos(x); }
float tanf(float x) { return (float)tan(x); }
float atan2f(float y, float x) { return (float)atan2(y, x); }
float atanf(float x) { return (float)atan(x); }
float expf(float x) { return libsys_merrf(exp(x), x, 0, 1); }
float logf(float x) { return (float)log(x); }
float log2f(float x) { return (float)log2(x); }
float log10f(float x) { return (float)log10(x); }
float powf(float x, float y) { return libsys_merrf(pow(x, y), x, y, 1); }
float floorf(float x) { return (float)floor(x); }
float ceilf(float x) { return (float)ceil(x); }
float roundf(float x) { return (float)round(x); }
float truncf(float x) { return (float)trunc(x); }
float fmodf(float x, float y) { return (float)fmod(x, y); }
float fminf(float a, float b) { return (float)fmin(a, b); }
float fmaxf(float a, float b) { return (float)fmax(a, b); }
float hypotf(float x, float y) { return libsys_merrf(hypot(x, y), x, y, 0); }
float cbrtf(float x) { return (float)cbrt(x); }

/* ---- long double: the x87's own precision where an instruction gives
 * it (fsin, fcos, fptan, fpatan, fyl2x, f2xm1), exact splitting for the
 * rounding functions; nearest double's quality otherwise ---- */

long double fabsl(long double x) { return __builtin_fabsl(x); }
long double copysignl(long double x, long double y) { return __builtin_copysignl(x, y); }

/* x rounded toward zero: exact (a long double of 2^63 or more is an
 * integer already; -0.0 and the sign of a result of zero kept). */
long double truncl(long double x)
{
	if (!(fabsl(x) < 0x1p63L))
		return x; /* integral, infinite or NaN */
	return copysignl((long double)(long long)x, x);
}

long double floorl(long double x)
{
	long double t = truncl(x);
	return t > x ? t - 1 : t;
}

long double ceill(long double x)
{
	long double t = truncl(x);
	return t < x ? t + 1 : t;
}

/* Halfway cases away from zero. */
long double roundl(long double x)
{
	long double t = truncl(x);
	if (fabsl(x - t) >= 0.5L)
		t += copysignl(1.0L, x);
	return t;
}

/* The x87's fsin/fcos/fptan reduce |x| < 2^63 themselves. */
long double sinl(long double x) { return fabsl(x) < 0x1p63L ? x87_sin(x) : (long double)sin((double)x); }
long double cosl(long double x) { return fabsl(x) < 0x1p63L ? x87_cos(x) : (long double)cos((double)x); }
long double tanl(long double x) { return fabsl(x) < 0x1p63L ? x87_tan(x) : (long double)tan((double)x); }

long double atan2l(long double y, long double x)
{
	long double r;
	__asm__("fpatan" : "=t"(r) : "0"(x), "u"(y) : "st(1)");
	return r;
}

long double expl(long double x)
{
	if (isnan(x) || isinf(x))
		return isinf(x) && x < 0 ? 0 : x;
	return x87_exp2(x * 1.44269504088896340735992468100189214L);
}

long double logl(long double x)
{
	if (isnan(x) || x < 0)
		return __builtin_nanl("");
	if (x == 0)
		return -__builtin_infl();
	if (isinf(x))
		return x;
	return x87_log2(x) * 0.693147180559945309417232121458176568L;
}

/* A positive finite base on the x87; pow's rules (signs, zeros,
 * infinities, NaNs) for the rest, in double. */
long double powl(long double x, long double y)
{
	if (x > 0 && isfinite(x) && isfinite(y))
		return y == 0 ? 1 : x87_exp2(y * x87_log2(x));
	return (long double)pow((double)x, (double)y);
}

long double fmal(long double x, long double y, long double z) { return x * y + z; }

/* ---- float and double forms programs expect ---- */

float copysignf(float x, float y) { return __builtin_copysignf(x, y); }
float fdimf(float a, float b) { return a > b ? a - b : 0; }
float remainderf(float x, float y) { return (float)remainder(x, y); }
float nearbyintf(float x) { return (float)rint(x); }
long lrintf(float x) { return (long)rint(x); }
long long llrintf(float x) { return (long long)rint(x); }
float scalbnf(float x, int e) { return libsys_merrf(ldexp(x, e), x, 0, 1); }
double scalbln(double x, long e) { return ldexp(x, e > 100000 ? 100000 : e < -100000 ? -100000 : (int)e); }
float scalblnf(float x, long e) { return (float)scalbln(x, e); }
int ilogbf(float x) { return ilogb(x); }
float logbf(float x) { return (float)logb(x); }
double nexttoward(double x, long double y) { return nextafter(x, (double)y == x && y != x ? (y > x ? __builtin_inf() : -__builtin_inf()) : (double)y); }
double significand(double x) { return scalbn(x, -ilogb(x)); }
double drem(double x, double y) { return remainder(x, y); }
double gamma(double x) { return lgamma(x); }
float nexttowardf(float x, long double y) { return nextafterf(x, (float)y == x && y != x ? (y > x ? __builtin_inff() : -__builtin_inff()) : (float)y); }

/* The functions above with errno set as glibc sets it (libsys_merr). */
double sin(double x) { return libsys_merr(sin_raw(x), x, 0, 0); }
double cos(double x) { return libsys_merr(cos_raw(x), x, 0, 0); }
double tan(double x) { return libsys_merr(tan_raw(x), x, 0, 0); }
double asin(double x) { return libsys_merr(asin_raw(x), x, 0, 0); }
double acos(double x) { return libsys_merr(acos_raw(x), x, 0, 0); }
double exp2(double x) { return libsys_merr(exp2_raw(x), x, 0, 1); }
double exp(double x) { return libsys_merr(exp_raw(x), x, 0, 1); }
double expm1(double x) { return libsys_merr(expm1_raw(x), x, 0, 0); }
double log2(double x) { return libsys_merr(log2_raw(x), x, 0, 0); }
double log(double x) { return libsys_merr(log_raw(x), x, 0, 0); }
double log10(double x) { return libsys_merr(log10_raw(x), x, 0, 0); }
double log1p(double x) { return libsys_merr(log1p_raw(x), x, 0, 0); }
double pow(double x, double y) { return libsys_merr(pow_raw(x, y), x, y, 1); }
double hypot(double x, double y) { return libsys_merr(hypot_raw(x, y), x, y, 0); }
double sinh(double x) { return libsys_merr(sinh_raw(x), x, 0, 0); }
double cosh(double x) { return libsys_merr(cosh_raw(x), x, 0, 0); }
double remainder(double x, double y) { return libsys_merr(remainder_raw(x, y), x, y, 0); }
double ldexp(double x, int e) { return libsys_merr(ldexp_raw(x, e), x, 0, 1); }
