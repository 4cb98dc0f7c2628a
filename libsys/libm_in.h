/* Inside libsys's <math.h> (libm.c, libm2.c, trig.c): shared helpers. */
#ifndef LIBSYS_LIBM_IN_H
#define LIBSYS_LIBM_IN_H

#include "bigint.h"

int libsys_rem_pio2(double ax, long double *r);
double libsys_bn_ratio(const struct bn *N, const struct bn *M, long e2, int *erange);

/* errno as glibc sets it (math_errhandling has MATH_ERRNO) for result r
 * of a function of x (and y; 0 for one argument): EDOM (and FE_INVALID;
 * the result becomes the default NaN, -nan, as glibc's) for a NaN from no
 * NaN; ERANGE for an infinity from finite arguments (a pole or an
 * overflow) and, with under, for 0 from a nonzero finite x (underflow).
 * libsys_merrf: the same for r rounded to a float (its result). */
double libsys_merr(double r, double x, double y, int under);
float libsys_merrf(double r, double x, double y, int under);

#endif
