/* More of <math.h> (programs' libsys only: floating point): the
 * transcendental functions on the x87's own instructions (fsin, fcos,
 * fptan, fpatan, fyl2x, f2xm1, fscale), which work in 80-bit precision,
 * and the rounding and splitting functions in plain C. */
#include <math.h>
#include <stdint.h>

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

double sin(double x) { long double r; __asm__("fsin" : "=t"(r) : "0"((long double)x)); return isfinite(x) ? (double)r : NAN; }
double cos(double x) { long double r; __asm__("fcos" : "=t"(r) : "0"((long double)x)); return isfinite(x) ? (double)r : NAN; }
double tan(double x) { long double r; __asm__("fptan\n\tfstp %%st(0)" : "=t"(r) : "0"((long double)x)); return isfinite(x) ? (double)r : NAN; }

double atan2(double y, double x)
{
	long double r;
	__asm__("fpatan" : "=t"(r) : "0"((long double)x), "u"((long double)y) : "st(1)");
	return (double)r;
}

double atan(double x) { return atan2(x, 1.0); }
double asin(double x) { return fabs(x) > 1 ? NAN : atan2(x, sqrt((1 - x) * (1 + x))); }
double acos(double x) { return fabs(x) > 1 ? NAN : atan2(sqrt((1 - x) * (1 + x)), x); }

double exp2(double x)
{
	if (isnan(x)) return x;
	if (isinf(x)) return x > 0 ? x : 0;
	return (double)x87_exp2(x);
}

double exp(double x)
{
	if (isnan(x)) return x;
	if (isinf(x)) return x > 0 ? x : 0;
	return (double)x87_exp2((long double)x * 1.44269504088896340735992468100189214L);
}

double expm1(double x) { return fabs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : exp(x) - 1; }

double log2(double x)
{
	if (isnan(x) || x < 0) return NAN;
	if (x == 0) return -HUGE_VAL;
	if (isinf(x)) return x;
	return (double)x87_log2(x);
}

double log(double x) { return isnan(x) || x <= 0 || isinf(x) ? log2(x) : (double)(x87_log2(x) * 0.693147180559945309417232121458176568L); }
double log10(double x) { return isnan(x) || x <= 0 || isinf(x) ? log2(x) : (double)(x87_log2(x) * 0.301029995663981195213738894724493027L); }
double log1p(double x) { return fabs(x) < 1e-5 ? x - x * x / 2 + x * x * x / 3 : log(1 + x); }

double trunc(double x) { return fabs(x) < 4503599627370496.0 ? (double)(int64_t)x : x; }
double round(double x) { double t = trunc(x); return fabs(x - t) >= 0.5 ? t + (x > 0 ? 1 : -1) : t; }
long lround(double x) { return (long)round(x); }
long long llround(double x) { return (long long)round(x); }
double rint(double x) { long double r; __asm__("frndint" : "=t"(r) : "0"((long double)x)); return (double)r; }
double nearbyint(double x) { return rint(x); }
long lrint(double x) { return (long)rint(x); }

/* x^y as C99 wants it for the usual cases: integer powers of negatives,
 * 0 and 1 and infinities. */
double pow(double x, double y)
{
	if (y == 0 || x == 1) return 1;
	if (isnan(x) || isnan(y)) return NAN;
	if (x == 0) return y < 0 ? HUGE_VAL : 0;
	int yint = trunc(y) == y, odd = yint && fabs(y) < 9007199254740992.0 && ((int64_t)y & 1);
	if (x < 0 && !yint) return NAN;
	if (isinf(y)) return (fabs(x) > 1) == (y > 0) ? HUGE_VAL : 0;
	long double ax = x < 0 ? -(long double)x : x;
	if (isinf(x)) { double r = y > 0 ? HUGE_VAL : 0; return x < 0 && odd ? -r : r; }
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

double hypot(double x, double y)
{
	if (isinf(x) || isinf(y)) return HUGE_VAL;
	long double a = x, b = y;
	return (double)sqrtl(a * a + b * b);
}

long double sqrtl(long double x) { long double r; __asm__("fsqrt" : "=t"(r) : "0"(x)); return r; }
double sinh(double x) { double e = exp(x); return (e - 1 / e) / 2; }
double cosh(double x) { double e = exp(x); return (e + 1 / e) / 2; }
double tanh(double x) { if (fabs(x) > 20) return x > 0 ? 1 : -1; double e = exp(2 * x); return (e - 1) / (e + 1); }
double fmin(double a, double b) { return isnan(a) ? b : isnan(b) ? a : a < b ? a : b; }
double fmax(double a, double b) { return isnan(a) ? b : isnan(b) ? a : a > b ? a : b; }
double fdim(double a, double b) { return a > b ? a - b : 0; }
double copysign(double x, double y) { return __builtin_copysign(x, y); }
double remainder(double x, double y) { return x - y * rint(x / y); }

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

double ldexp(double x, int e)
{
	long double r;
	__asm__("fscale" : "=t"(r) : "0"((long double)x), "u"((long double)e));
	return (double)r;
}
double scalbn(double x, int e) { return ldexp(x, e); }

float sqrtf(float x) { return __builtin_sqrtf(x); }
float fabsf(float x) { return __builtin_fabsf(x); }
float sinf(float x) { return (float)sin(x); }
float cosf(float x) { return (float)cos(x); }
float tanf(float x) { return (float)tan(x); }
float atan2f(float y, float x) { return (float)atan2(y, x); }
float atanf(float x) { return (float)atan(x); }
float expf(float x) { return (float)exp(x); }
float logf(float x) { return (float)log(x); }
float log2f(float x) { return (float)log2(x); }
float log10f(float x) { return (float)log10(x); }
float powf(float x, float y) { return (float)pow(x, y); }
float floorf(float x) { return (float)floor(x); }
float ceilf(float x) { return (float)ceil(x); }
float roundf(float x) { return (float)round(x); }
float truncf(float x) { return (float)trunc(x); }
float fmodf(float x, float y) { return (float)fmod(x, y); }
float fminf(float a, float b) { return (float)fmin(a, b); }
float fmaxf(float a, float b) { return (float)fmax(a, b); }
float hypotf(float x, float y) { return (float)hypot(x, y); }
float cbrtf(float x) { return (float)cbrt(x); }
