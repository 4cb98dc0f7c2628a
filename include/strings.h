/* <strings.h>: case-blind comparisons (libsys/libc2.c). */
#ifndef _STRINGS_H
#define _STRINGS_H
#include <string.h>
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
#endif
