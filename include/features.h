/* <features.h>: nothing to select here (no glibc version macros: a
 * program must not take this for glibc). */
#ifndef _FEATURES_H
#define _FEATURES_H
#endif
