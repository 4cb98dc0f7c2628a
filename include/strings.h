/* <strings.h>: case-blind comparisons (libsys/libc2.c). */
#ifndef _STRINGS_H
#define _STRINGS_H
#include <string.h>
int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
/* The 1-based index of the lowest set bit, 0 for 0. */
int ffs(int v);
int ffsl(long v);
int ffsll(long long v);
/* The BSD byte calls (libsys/libc4.c). */
void bzero(void *p, size_t n);
void explicit_bzero(void *p, size_t n);
void bcopy(const void *src, void *dst, size_t n);
int bcmp(const void *a, const void *b, size_t n);
char *index(const char *s, int c);
char *rindex(const char *s, int c);
#endif
