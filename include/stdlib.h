/* The C library's <stdlib.h> for ring 3 (libsys). */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>
#include <alloca.h> /* as glibc's stdlib.h */

/* Multibyte characters in the "C" locale, the only one (libsys/wchar.c):
 * one byte each, 0..127; others do not convert (-1, EILSEQ). */
#define MB_CUR_MAX ((size_t)1)
int mblen(const char *s, size_t n);
int mbtowc(wchar_t *pwc, const char *s, size_t n);
int wctomb(char *s, wchar_t wc);
size_t mbstowcs(wchar_t *dst, const char *src, size_t n);
size_t wcstombs(char *dst, const wchar_t *src, size_t n);

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 0x7fffffff

void *malloc(size_t n);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void *aligned_alloc(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size);

_Noreturn void exit(int status);
_Noreturn void _Exit(int status);
/* Ends the process as killed by SIGABRT (a console line says so). */
_Noreturn void abort(void);
int atexit(void (*fn)(void));
/* Run command line cmd in a child (fork and exec; no shell: words, quotes
 * and backslashes only, an operator such as | or > gives status 127) and
 * wait: its wait status, -1 if no child could be made; cmd NULL: 1. */
int system(const char *cmd);
/* A new file (O_RDWR, 0600) or directory named by template with its last
 * six 'X's replaced (EINVAL without them, EEXIST). */
int mkstemp(char *template);
char *mkdtemp(char *template);
/* libsys/libc7.c: mkostemp (O_CLOEXEC, O_APPEND), mktemp (a name no file
 * has now), realpath (the absolute path of a file that is there; NULL
 * resolved: malloc'd), getloadavg (sysinfo's), quick_exit and
 * at_quick_exit (32 functions), getsubopt. */
int mkostemp(char *template, int flags);
int mkstemps(char *template, int suffixlen);
int mkostemps(char *template, int suffixlen, int flags);
char *canonicalize_file_name(const char *path);
char *mktemp(char *template);
char *realpath(const char *path, char *resolved);
int getloadavg(double loads[], int n);
int at_quick_exit(void (*fn)(void));
_Noreturn void quick_exit(int status);
int getsubopt(char **optionp, char *const *tokens, char **valuep);

int atoi(const char *s);
long atol(const char *s);
long long atoll(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
double strtod(const char *s, char **end);
double atof(const char *s);

int rand(void);
void srand(unsigned seed);
int rand_r(unsigned *seed);
/* random/srandom: a generator of their own (libsys/libc4.c); the 48-bit
 * ones as glibc's, the same sequence for a seed (libsys/rand48.c). */
long random(void);
void srandom(unsigned seed);
double drand48(void);
double erand48(unsigned short xsubi[3]);
long lrand48(void);
long nrand48(unsigned short xsubi[3]);
long mrand48(void);
long jrand48(unsigned short xsubi[3]);
void srand48(long seedval);
unsigned short *seed48(unsigned short seed16v[3]);
void lcong48(unsigned short param[7]);

void qsort(void *base, size_t n, size_t size,
	   int (*cmp)(const void *, const void *));
void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *));

typedef struct { int quot, rem; } div_t;
typedef struct { long quot, rem; } ldiv_t;
typedef struct { long long quot, rem; } lldiv_t;
div_t div(int a, int b);
ldiv_t ldiv(long a, long b);
lldiv_t lldiv(long long a, long long b);

int abs(int v);
long labs(long v);
long long llabs(long long v);

/* The environment (environ, unistd.h): a process starts with an empty
 * one (the spawner passes none); fork copies it.  setenv/unsetenv: -1
 * with EINVAL for a name that is empty or holds '='; putenv keeps the
 * string itself; clearenv empties it (environ NULL, as glibc). */
char *getenv(const char *name);
char *secure_getenv(const char *name);
int setenv(const char *name, const char *value, int overwrite);
int unsetenv(const char *name);
int putenv(char *string);
int clearenv(void);
/* fn(status, arg) at exit(), in the one reverse order with atexit's. */
int on_exit(void (*fn)(int, void *), void *arg);
float strtof(const char *s, char **end);
long double strtold(const char *s, char **end);

/* glibc's qsort_r (cmp(a, b, arg)) and reallocarray (ENOMEM when
 * n * size overflows) (libsys/libc5.c). */
void qsort_r(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *, void *), void *arg);
void *reallocarray(void *p, size_t n, size_t size);

#endif
