/* The gamma functions (<math.h>): lgamma, lgamma_r, tgamma and their
 * float forms.  Long double (x87) inside: Stirling's series for x >= 10,
 * the recurrence Γ(x+1) = xΓ(x) below it and the reflection formula for
 * negative x; results within a few ulps of glibc (exact at the integers). */
#include <math.h>
#include "libm_in.h"

int signgam;

static long double logl_x87(long double x)
{
	long double r;
	__asm__("fldln2\n\tfxch\n\tfyl2x" : "=t"(r) : "0"(x) : "st(1)");
	return r;
}

static long double expl_x87(long double x)
{
	long double t = x * 1.44269504088896340735992468100189214L, n, r;
	__asm__("frndint" : "=t"(n) : "0"(t));
	__asm__("f2xm1" : "=t"(r) : "0"(t - n));
	r += 1;
	__asm__("fscale" : "=t"(r) : "0"(r), "u"(n));
	return r;
}

/* sin(πx) for finite x, exact 0 at the integers. */
static long double sinpi(long double x)
{
	long double r = x - 2 * __builtin_floorl(x / 2); /* [0, 2) */
	if (r == __builtin_floorl(r))
		return 0;
	long double s;
	__asm__("fsin" : "=t"(s) : "0"(r * 3.14159265358979323846264338327950288L));
	return s;
}

/* ln Γ(x) for x > 0. */
static long double lgamma_pos(long double x)
{
	long double shift = 0;
	if (x < 10) {
		long double p = 1;
		while (x < 10)
			p *= x++;
		shift = logl_x87(p);
	}
	long double z = 1 / x, z2 = z * z;
	long double s = z * (1.0L / 12 + z2 * (-1.0L / 360 + z2 * (1.0L / 1260 +
			z2 * (-1.0L / 1680 + z2 * (1.0L / 1188 + z2 * (-691.0L / 360360 +
			z2 * (1.0L / 156)))))));
	return (x - 0.5L) * logl_x87(x) - x + 0.91893853320467274178032973640561764L + s - shift;
}

/* ln |Γ(x)|, *sign Γ(x)'s sign; +inf at the poles (0 and the negative
 * integers). */
double lgamma_r(double x, int *sign)
{
	*sign = 1;
	if (isnan(x))
		return x;
	if (isinf(x))
		return INFINITY;
	if (x == 1 || x == 2)
		return 0;
	if (x <= 0 && x == __builtin_floor(x)) {
		if (signbit(x))
			*sign = -1;
		return INFINITY;
	}
	if (x > 0)
		return (double)lgamma_pos(x);
	long double s = sinpi(x);
	if (s < 0)
		*sign = -1;
	long double a = s < 0 ? -s : s;
	return (double)(logl_x87(3.14159265358979323846264338327950288L / a) - lgamma_pos(1.0L - x));
}

double lgamma(double x) { return libsys_merr(lgamma_r(x, &signgam), x, 0, 0); }
float lgammaf_r(float x, int *sign) { return (float)lgamma_r(x, sign); }
float lgammaf(float x) { return libsys_merrf(lgamma_r(x, &signgam), x, 0, 0); }

/* Γ(x): ±inf at ±0, NaN at the negative integers and -inf, 0 or inf past
 * the range. */
static double tgamma_raw(double x)
{
	if (isnan(x) || x == INFINITY)
		return x;
	if (x == 0)
		return 1 / x;
	if (x < 0 && x == __builtin_floor(x))
		return NAN;
	if (x > 171.7)
		return INFINITY;
	if (x == __builtin_floor(x)) { /* (x-1)! */
		long double p = 1;
		for (int i = 2; i < (int)x; i++)
			p *= i;
		return (double)p;
	}
	if (x > 0)
		return (double)expl_x87(lgamma_pos(x));
	if (x < -185)
		return 0;
	long double g = expl_x87(lgamma_pos(1.0L - x));
	return (double)(3.14159265358979323846264338327950288L / (sinpi(x) * g));
}

float tgammaf(float x) { return libsys_merrf(tgamma(x), x, 0, 0); }

/* tgamma with errno set as glibc sets it (libsys_merr). */
double tgamma(double x) { return libsys_merr(tgamma_raw(x), x, 0, 0); }
