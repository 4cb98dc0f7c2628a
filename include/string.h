/* <string.h> for ring 3: lib/string.h's functions (lib/string.c) and the
 * rest of the C string functions (libsys/libc.c). */
#ifndef _STRING_H
#define _STRING_H

#include <stddef.h>
#include "lib/string.h" /* mem*, strlen, strcmp, strncmp */

size_t strnlen(const char *s, size_t max);
char *strcpy(char *d, const char *s);
char *strncpy(char *d, const char *s, size_t n);
char *strcat(char *d, const char *s);
char *strncat(char *d, const char *s, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *h, const char *n);
char *strdup(const char *s);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strerror(int errnum);
char *strtok(char *s, const char *delim);
char *strtok_r(char *s, const char *delim, char **save);
char *strsep(char **sp, const char *delim);
char *strndup(const char *s, size_t n);
char *strpbrk(const char *s, const char *accept);
char *strcasestr(const char *h, const char *n);
int strcoll(const char *a, const char *b);
size_t strxfrm(char *d, const char *s, size_t n);
void *memrchr(const void *s, int c, size_t n);
void *mempcpy(void *d, const void *s, size_t n);
char *stpcpy(char *d, const char *s);
/* libsys/libc7.c */
char *stpncpy(char *d, const char *s, size_t n);
int strverscmp(const char *a, const char *b);
void *memccpy(void *d, const void *s, int c, size_t n);
char *strsignal(int sig);
/* glibc 2.32's: "SEGV" / "Segmentation fault"; NULL for no signal. */
const char *sigabbrev_np(int sig);
const char *sigdescr_np(int sig);
/* glibc 2.32's errno names: "ENOMEM" / "Cannot allocate memory"; NULL for none. */
const char *strerrorname_np(int e);
const char *strerrordesc_np(int e);
void *memmem(const void *h, size_t hlen, const void *n, size_t nlen);
/* strerror into buf: glibc's GNU form (the text, maybe not in buf) with
 * _GNU_SOURCE, else POSIX's (0, or ERANGE when buf is too small). */
int __xpg_strerror_r(int errnum, char *buf, size_t len);
#ifdef _GNU_SOURCE
char *strerror_r(int errnum, char *buf, size_t len);
#else
#define strerror_r __xpg_strerror_r
#endif
#include <strings.h>

/* BSD's and GNU's (libsys/libc5.c). */
size_t strlcpy(char *dst, const char *src, size_t size);
size_t strlcat(char *dst, const char *src, size_t size);
char *strchrnul(const char *s, int c);
void *rawmemchr(const void *s, int c);

#endif
