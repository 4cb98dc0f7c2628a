/* <complex.h>: C99's complex arithmetic (libsys/complex.c): the double
 * functions computed from math.h's by their textbook formulas (within a
 * few ulps away from branch cuts and overflow), the float and long
 * double forms through double; creal, cimag, conj, cproj.  The
 * multiplication and division gcc calls out for (__muldc3, __divdc3,
 * ...) follow C99's Annex G for infinities and NaNs. */
#ifndef _COMPLEX_H
#define _COMPLEX_H

#define complex _Complex
#define _Complex_I (__extension__ 1.0iF)
#define I _Complex_I
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#define CMPLXF(x, y) __builtin_complex((float)(x), (float)(y))
#define CMPLXL(x, y) __builtin_complex((long double)(x), (long double)(y))

#define __LIBSYS_CPLX(name) \
	double _Complex name(double _Complex z); \
	float _Complex name##f(float _Complex z); \
	long double _Complex name##l(long double _Complex z);
__LIBSYS_CPLX(cexp)
__LIBSYS_CPLX(clog)
__LIBSYS_CPLX(csqrt)
__LIBSYS_CPLX(csin)
__LIBSYS_CPLX(ccos)
__LIBSYS_CPLX(ctan)
__LIBSYS_CPLX(csinh)
__LIBSYS_CPLX(ccosh)
__LIBSYS_CPLX(ctanh)
__LIBSYS_CPLX(casin)
__LIBSYS_CPLX(cacos)
__LIBSYS_CPLX(catan)
__LIBSYS_CPLX(casinh)
__LIBSYS_CPLX(cacosh)
__LIBSYS_CPLX(catanh)
__LIBSYS_CPLX(conj)
__LIBSYS_CPLX(cproj)
#undef __LIBSYS_CPLX

double _Complex cpow(double _Complex x, double _Complex y);
float _Complex cpowf(float _Complex x, float _Complex y);
long double _Complex cpowl(long double _Complex x, long double _Complex y);
double cabs(double _Complex z);
float cabsf(float _Complex z);
long double cabsl(long double _Complex z);
double carg(double _Complex z);
float cargf(float _Complex z);
long double cargl(long double _Complex z);
double creal(double _Complex z);
float crealf(float _Complex z);
long double creall(long double _Complex z);
double cimag(double _Complex z);
float cimagf(float _Complex z);
long double cimagl(long double _Complex z);
#define creal(z) ((double)__real__(z))
#define cimag(z) ((double)__imag__(z))
#define crealf(z) ((float)__real__(z))
#define cimagf(z) ((float)__imag__(z))
#define creall(z) ((long double)__real__(z))
#define cimagl(z) ((long double)__imag__(z))

#endif
