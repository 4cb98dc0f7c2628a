/* A few of <math.h>'s functions (libsys/libm.c): enough for tests. */
#ifndef _MATH_H
#define _MATH_H

#define INFINITY __builtin_inff()
#define NAN      __builtin_nanf("")
#define HUGE_VAL __builtin_huge_val()
#define M_PI     3.14159265358979323846
#define isnan(x) __builtin_isnan(x)
#define isinf(x) __builtin_isinf(x)
#define isfinite(x) __builtin_isfinite(x)

double fabs(double x);
double sqrt(double x);
double floor(double x);
double ceil(double x);
double fmod(double x, double y);

#endif
