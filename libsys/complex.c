/* <complex.h> (see there) and libgcc's complex multiplication and
 * division helpers, which gcc calls for `*` and `/` of complex values. */
#include <complex.h>
#include <math.h>

#undef creal
#undef cimag
#undef crealf
#undef cimagf
#undef creall
#undef cimagl

typedef double _Complex dcx;

static dcx mk(double x, double y)
{
	return __builtin_complex(x, y);
}

/* ---- Annex G: x * y and x / y with infinities and NaNs recovered ---- */

/* (a + ib)(c + id); when both parts come out NaN, an infinite operand
 * still gives an infinite result (C99 G.5.1). */
dcx __muldc3(double a, double b, double c, double d)
{
	double ac = a * c, bd = b * d, ad = a * d, bc = b * c;
	double x = ac - bd, y = ad + bc;
	if (isnan(x) && isnan(y)) {
		int recalc = 0;
		if (isinf(a) || isinf(b)) {
			a = copysign(isinf(a) ? 1.0 : 0.0, a);
			b = copysign(isinf(b) ? 1.0 : 0.0, b);
			if (isnan(c))
				c = copysign(0.0, c);
			if (isnan(d))
				d = copysign(0.0, d);
			recalc = 1;
		}
		if (isinf(c) || isinf(d)) {
			c = copysign(isinf(c) ? 1.0 : 0.0, c);
			d = copysign(isinf(d) ? 1.0 : 0.0, d);
			if (isnan(a))
				a = copysign(0.0, a);
			if (isnan(b))
				b = copysign(0.0, b);
			recalc = 1;
		}
		if (!recalc && (isinf(ac) || isinf(bd) || isinf(ad) || isinf(bc))) {
			if (isnan(a))
				a = copysign(0.0, a);
			if (isnan(b))
				b = copysign(0.0, b);
			if (isnan(c))
				c = copysign(0.0, c);
			if (isnan(d))
				d = copysign(0.0, d);
			recalc = 1;
		}
		if (recalc) {
			x = INFINITY * (a * c - b * d);
			y = INFINITY * (a * d + b * c);
		}
	}
	return mk(x, y);
}

/* (a + ib)/(c + id), scaled by a power of two to keep the parts in range
 * (C99 G.5.1's example). */
dcx __divdc3(double a, double b, double c, double d)
{
	int ilogbw = 0;
	double logbw = logb(fmax(fabs(c), fabs(d)));
	if (isfinite(logbw)) {
		ilogbw = (int)logbw;
		c = scalbn(c, -ilogbw);
		d = scalbn(d, -ilogbw);
	}
	double denom = c * c + d * d;
	double x = scalbn((a * c + b * d) / denom, -ilogbw);
	double y = scalbn((b * c - a * d) / denom, -ilogbw);
	if (isnan(x) && isnan(y)) {
		if (denom == 0.0 && (!isnan(a) || !isnan(b))) {
			x = copysign(INFINITY, c) * a;
			y = copysign(INFINITY, c) * b;
		} else if ((isinf(a) || isinf(b)) && isfinite(c) && isfinite(d)) {
			a = copysign(isinf(a) ? 1.0 : 0.0, a);
			b = copysign(isinf(b) ? 1.0 : 0.0, b);
			x = INFINITY * (a * c + b * d);
			y = INFINITY * (b * c - a * d);
		} else if (isinf(logbw) && logbw > 0.0 && isfinite(a) && isfinite(b)) {
			c = copysign(isinf(c) ? 1.0 : 0.0, c);
			d = copysign(isinf(d) ? 1.0 : 0.0, d);
			x = 0.0 * (a * c + b * d);
			y = 0.0 * (b * c - a * d);
		}
	}
	return mk(x, y);
}

float _Complex __mulsc3(float a, float b, float c, float d)
{
	return (float _Complex)__muldc3(a, b, c, d);
}

float _Complex __divsc3(float a, float b, float c, float d)
{
	return (float _Complex)__divdc3(a, b, c, d);
}

long double _Complex __mulxc3(long double a, long double b, long double c, long double d)
{
	return (long double _Complex)__muldc3((double)a, (double)b, (double)c, (double)d);
}

long double _Complex __divxc3(long double a, long double b, long double c, long double d)
{
	return (long double _Complex)__divdc3((double)a, (double)b, (double)c, (double)d);
}

/* ---- the double functions ---- */

double creal(dcx z) { return __real__ z; }
double cimag(dcx z) { return __imag__ z; }
dcx conj(dcx z) { return mk(__real__ z, -__imag__ z); }
double cabs(dcx z) { return hypot(__real__ z, __imag__ z); }
double carg(dcx z) { return atan2(__imag__ z, __real__ z); }

/* The point at infinity for any infinite part (imaginary sign kept). */
dcx cproj(dcx z)
{
	if (isinf(__real__ z) || isinf(__imag__ z))
		return mk(INFINITY, copysign(0.0, __imag__ z));
	return z;
}

/* e^x (cos y + i sin y); a real z stays real. */
dcx cexp(dcx z)
{
	double x = __real__ z, y = __imag__ z;
	if (y == 0.0)
		return mk(exp(x), y);
	double e = exp(x);
	return mk(e * cos(y), e * sin(y));
}

/* log|z| + i arg z (the principal value). */
dcx clog(dcx z)
{
	return mk(log(hypot(__real__ z, __imag__ z)), atan2(__imag__ z, __real__ z));
}

/* The root with a non-negative real part, its imaginary part's sign
 * that of z's. */
dcx csqrt(dcx z)
{
	double x = __real__ z, y = __imag__ z;
	if (isinf(y))
		return mk(INFINITY, y);
	if (x == 0.0 && y == 0.0)
		return mk(0.0, y);
	double t = sqrt((fabs(x) + hypot(x, y)) / 2.0);
	if (x >= 0.0)
		return mk(t, y / (2.0 * t));
	return mk(fabs(y) / (2.0 * t), copysign(t, y));
}

/* e^(w log z); 0^w is 0 (1 for w = 0). */
dcx cpow(dcx z, dcx w)
{
	if (__real__ z == 0.0 && __imag__ z == 0.0)
		return __real__ w == 0.0 && __imag__ w == 0.0 ? mk(1.0, 0.0) : mk(0.0, 0.0);
	dcx l = clog(z);
	double a = __real__ w, b = __imag__ w, c = __real__ l, d = __imag__ l;
	return cexp(mk(a * c - b * d, a * d + b * c));
}

dcx csin(dcx z)
{
	double x = __real__ z, y = __imag__ z;
	return mk(sin(x) * cosh(y), cos(x) * sinh(y));
}

dcx ccos(dcx z)
{
	double x = __real__ z, y = __imag__ z;
	return mk(cos(x) * cosh(y), -sin(x) * sinh(y));
}

/* (sin 2x + i sinh 2y) / (cos 2x + cosh 2y) */
dcx ctan(dcx z)
{
	double x = 2.0 * __real__ z, y = 2.0 * __imag__ z;
	if (fabs(y) > 40.0) /* cosh overflows long before: tanh is +-1 */
		return mk(0.0 * sin(x), copysign(1.0, y));
	double d = cos(x) + cosh(y);
	return mk(sin(x) / d, sinh(y) / d);
}

dcx csinh(dcx z)
{
	double x = __real__ z, y = __imag__ z;
	return mk(sinh(x) * cos(y), cosh(x) * sin(y));
}

dcx ccosh(dcx z)
{
	double x = __real__ z, y = __imag__ z;
	return mk(cosh(x) * cos(y), sinh(x) * sin(y));
}

/* (sinh 2x + i sin 2y) / (cosh 2x + cos 2y) */
dcx ctanh(dcx z)
{
	double x = 2.0 * __real__ z, y = 2.0 * __imag__ z;
	if (fabs(x) > 40.0)
		return mk(copysign(1.0, x), 0.0 * sin(y));
	double d = cosh(x) + cos(y);
	return mk(sinh(x) / d, sin(y) / d);
}

/* log(z + sqrt(z^2 + 1)) */
dcx casinh(dcx z)
{
	double x = __real__ z, y = __imag__ z;
	dcx s = csqrt(mk(x * x - y * y + 1.0, 2.0 * x * y));
	return clog(mk(x + __real__ s, y + __imag__ s));
}

/* -i asinh(iz) */
dcx casin(dcx z)
{
	dcx r = casinh(mk(-__imag__ z, __real__ z));
	return mk(__imag__ r, -__real__ r);
}

/* pi/2 - asin z */
dcx cacos(dcx z)
{
	dcx s = casin(z);
	return mk(M_PI_2 - __real__ s, -__imag__ s);
}

/* log(z + sqrt(z + 1) sqrt(z - 1)) */
dcx cacosh(dcx z)
{
	dcx a = csqrt(mk(__real__ z + 1.0, __imag__ z));
	dcx b = csqrt(mk(__real__ z - 1.0, __imag__ z));
	double pr = __real__ a * __real__ b - __imag__ a * __imag__ b;
	double pi = __real__ a * __imag__ b + __imag__ a * __real__ b;
	return clog(mk(__real__ z + pr, __imag__ z + pi));
}

/* log((1 + z) / (1 - z)) / 2 */
dcx catanh(dcx z)
{
	double x = __real__ z, y = __imag__ z;
	dcx q = __divdc3(1.0 + x, y, 1.0 - x, -y);
	dcx l = clog(q);
	return mk(__real__ l / 2.0, __imag__ l / 2.0);
}

/* -i atanh(iz) */
dcx catan(dcx z)
{
	dcx r = catanh(mk(-__imag__ z, __real__ z));
	return mk(__imag__ r, -__real__ r);
}

/* ---- float and long double: through double ---- */

#define VIA_DOUBLE(name) \
	float _Complex name##f(float _Complex z) { return (float _Complex)name((dcx)z); } \
	long double _Complex name##l(long double _Complex z) { return (long double _Complex)name((dcx)z); }
VIA_DOUBLE(cexp)
VIA_DOUBLE(clog)
VIA_DOUBLE(csqrt)
VIA_DOUBLE(csin)
VIA_DOUBLE(ccos)
VIA_DOUBLE(ctan)
VIA_DOUBLE(csinh)
VIA_DOUBLE(ccosh)
VIA_DOUBLE(ctanh)
VIA_DOUBLE(casin)
VIA_DOUBLE(cacos)
VIA_DOUBLE(catan)
VIA_DOUBLE(casinh)
VIA_DOUBLE(cacosh)
VIA_DOUBLE(catanh)
VIA_DOUBLE(cproj)

float _Complex conjf(float _Complex z) { return __builtin_complex(__real__ z, -__imag__ z); }
long double _Complex conjl(long double _Complex z) { return __builtin_complex(__real__ z, -__imag__ z); }
float _Complex cpowf(float _Complex x, float _Complex y) { return (float _Complex)cpow((dcx)x, (dcx)y); }
long double _Complex cpowl(long double _Complex x, long double _Complex y)
{
	return (long double _Complex)cpow((dcx)x, (dcx)y);
}
float cabsf(float _Complex z) { return (float)cabs((dcx)z); }
long double cabsl(long double _Complex z) { return (long double)cabs((dcx)z); }
float cargf(float _Complex z) { return atan2f(__imag__ z, __real__ z); }
long double cargl(long double _Complex z) { return atan2l(__imag__ z, __real__ z); }
float crealf(float _Complex z) { return __real__ z; }
float cimagf(float _Complex z) { return __imag__ z; }
long double creall(long double _Complex z) { return __real__ z; }
long double cimagl(long double _Complex z) { return __imag__ z; }
