/* Inside libsys's <math.h> (libm.c, libm2.c, trig.c): shared helpers. */
#ifndef LIBSYS_LIBM_IN_H
#define LIBSYS_LIBM_IN_H

#include "bigint.h"

int libsys_rem_pio2(double ax, long double *r);
double libsys_bn_ratio(const struct bn *N, const struct bn *M, long e2, int *erange);

#endif
