/* <math.h> for programs (libsys/libm.c, libm2.c): the C99 functions most
 * programs use, double and float; the transcendental ones on the x87 (80-bit
 * precision inside, results within an ulp or two of glibc's).  errno is set
 * as glibc sets it (EDOM for a domain error, ERANGE for a pole, an overflow
 * or an underflow to 0) besides the exception flags; NaN and infinities
 * follow C99 for the usual cases. */
#ifndef _MATH_H
#define _MATH_H

#define INFINITY __builtin_inff()
#define NAN      __builtin_nanf("")
#define HUGE_VAL __builtin_huge_val()
#define HUGE_VALF __builtin_huge_valf()
#define M_E        2.7182818284590452354
#define M_LOG2E    1.4426950408889634074
#define M_LOG10E   0.43429448190325182765
#define M_LN2      0.69314718055994530942
#define M_LN10     2.30258509299404568402
#define M_PI       3.14159265358979323846
#define M_PI_2     1.57079632679489661923
#define M_PI_4     0.78539816339744830962
#define M_1_PI     0.31830988618379067154
#define M_2_PI     0.63661977236758134308
#define M_2_SQRTPI 1.12837916709551257390
#define M_SQRT2    1.41421356237309504880
#define M_SQRT1_2  0.70710678118654752440
#define MATH_ERRNO     1
#define MATH_ERREXCEPT 2
#define math_errhandling (MATH_ERRNO | MATH_ERREXCEPT)
#define isnan(x) __builtin_isnan(x)
#define isinf(x) __builtin_isinf_sign(x)
#define isfinite(x) __builtin_isfinite(x)
#define isnormal(x) __builtin_isnormal(x)
#define signbit(x) __builtin_signbit(x)
#define fpclassify(x) __builtin_fpclassify(FP_NAN, FP_INFINITE, FP_NORMAL, FP_SUBNORMAL, FP_ZERO, x)
#define FP_NAN       0
#define FP_INFINITE  1
#define FP_ZERO      2
#define FP_SUBNORMAL 3
#define FP_NORMAL    4
#define FP_ILOGB0   (-2147483647 - 1)
#define FP_ILOGBNAN (-2147483647 - 1)
#define isgreater(x, y)      __builtin_isgreater(x, y)
#define isgreaterequal(x, y) __builtin_isgreaterequal(x, y)
#define isless(x, y)         __builtin_isless(x, y)
#define islessequal(x, y)    __builtin_islessequal(x, y)
#define islessgreater(x, y)  __builtin_islessgreater(x, y)
#define isunordered(x, y)    __builtin_isunordered(x, y)

double fabs(double x);
double sqrt(double x);
double floor(double x);
double ceil(double x);
double fmod(double x, double y);
double sin(double x);
double cos(double x);
double tan(double x);
double asin(double x);
double acos(double x);
double atan(double x);
double atan2(double y, double x);
double sinh(double x);
double cosh(double x);
double tanh(double x);
double exp(double x);
double exp2(double x);
double expm1(double x);
double log(double x);
double log2(double x);
double log10(double x);
double log1p(double x);
double pow(double x, double y);
double cbrt(double x);
double hypot(double x, double y);
double trunc(double x);
double round(double x);
long lround(double x);
long long llround(double x);
double rint(double x);
double nearbyint(double x);
long lrint(double x);
double fmin(double a, double b);
double fmax(double a, double b);
double fdim(double a, double b);
double copysign(double x, double y);
double remainder(double x, double y);
double remquo(double x, double y, int *quo);
float remquof(float x, float y, int *quo);
double nan(const char *tag);
float nanf(const char *tag);
long double nanl(const char *tag);
void sincos(double x, double *s, double *c);
void sincosf(float x, float *s, float *c);
double exp10(double x);
float exp10f(float x);
double modf(double x, double *ip);
double frexp(double x, int *e);
double ldexp(double x, int e);
double scalbn(double x, int e);
long double sqrtl(long double x);
/* long double (libsys/libm2.c): the x87's precision for sinl, cosl,
 * tanl, atan2l, expl, logl, powl of a positive base, and exact rounding
 * functions; fmal is not fused. */
long double fabsl(long double x);
long double copysignl(long double x, long double y);
long double truncl(long double x);
long double floorl(long double x);
long double ceill(long double x);
long double roundl(long double x);
long double sinl(long double x);
long double cosl(long double x);
long double tanl(long double x);
long double atan2l(long double y, long double x);
long double expl(long double x);
long double logl(long double x);
long double powl(long double x, long double y);
long double fmal(long double x, long double y, long double z);
float copysignf(float x, float y);
float fdimf(float a, float b);
float remainderf(float x, float y);
float nearbyintf(float x);
long lrintf(float x);
long long llrintf(float x);
float scalbnf(float x, int e);
double scalbln(double x, long e);
float scalblnf(float x, long e);
int ilogbf(float x);
float logbf(float x);
double nexttoward(double x, long double y);
float nexttowardf(float x, long double y);
double significand(double x);
double drem(double x, double y);
double gamma(double x);
float sqrtf(float x);
float fabsf(float x);
float sinf(float x);
float cosf(float x);
float tanf(float x);
float atanf(float x);
float atan2f(float y, float x);
float expf(float x);
float logf(float x);
float log2f(float x);
float log10f(float x);
float powf(float x, float y);
float floorf(float x);
float ceilf(float x);
float roundf(float x);
float truncf(float x);
float fmodf(float x, float y);
float fminf(float a, float b);
float fmaxf(float a, float b);
float hypotf(float x, float y);
float cbrtf(float x);
/* libsys/libm3.c */
double nextafter(double x, double y);
float nextafterf(float x, float y);
double fma(double x, double y, double z);
float fmaf(float x, float y, float z);
double erf(double x);
double erfc(double x);
double asinh(double x);
double acosh(double x);
double atanh(double x);
double logb(double x);
int ilogb(double x);
long long llrint(double x);
float asinf(float x);
float acosf(float x);
float sinhf(float x);
float coshf(float x);
float tanhf(float x);
float asinhf(float x);
float acoshf(float x);
float atanhf(float x);
float exp2f(float x);
float expm1f(float x);
float log1pf(float x);
float erff(float x);
float erfcf(float x);
float ldexpf(float x, int e);
float frexpf(float x, int *e);
float rintf(float x);
long lroundf(float x);
float modff(float x, float *ip);
/* libsys/gamma.c */
extern int signgam;
double lgamma(double x);
double lgamma_r(double x, int *sign);
double tgamma(double x);
float lgammaf(float x);
float lgammaf_r(float x, int *sign);
float tgammaf(float x);

#endif
