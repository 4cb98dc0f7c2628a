/* Inside libsys's <math.h> (libm.c, libm2.c, trig.c): shared helpers. */
#ifndef LIBSYS_LIBM_IN_H
#define LIBSYS_LIBM_IN_H

int libsys_rem_pio2(double ax, long double *r);

#endif
