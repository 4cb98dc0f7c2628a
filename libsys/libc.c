/* The rest of the C library for programs: <string.h> beyond lib/string.c,
 * <stdlib.h> (numbers, rand, qsort, abort), <stdio.h> (the console as
 * stdout and stderr), <assert.h>, <time.h>.  Floating point is in libm.c. */
#include <assert.h>
#include <signal.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lib/fmt.h"
#include "sys/startup.h"
#include "sys/unistd.h" /* pgreq_kill, tsc_hz */
#include "libsys.h"

int console_write(const char *buf, size_t len); /* sys/stdio.h's (its macros clash) */

/* ---- string.h ---- */

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

char *strcpy(char *d, const char *s)
{
	memcpy(d, s, strlen(s) + 1);
	return d;
}

char *strncpy(char *d, const char *s, size_t n)
{
	size_t k = strnlen(s, n);
	memcpy(d, s, k);
	memset(d + k, 0, n - k);
	return d;
}

char *strcat(char *d, const char *s)
{
	strcpy(d + strlen(d), s);
	return d;
}

char *strncat(char *d, const char *s, size_t n)
{
	size_t dl = strlen(d), k = strnlen(s, n);
	memcpy(d + dl, s, k);
	d[dl + k] = 0;
	return d;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *h, const char *n)
{
	size_t k = strlen(n);
	for (; *h; h++)
		if (!strncmp(h, n, k))
			return (char *)h;
	return k ? NULL : (char *)h;
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

size_t strspn(const char *s, const char *accept)
{
	size_t n = 0;
	while (s[n] && strchr(accept, s[n]))
		n++;
	return n;
}

size_t strcspn(const char *s, const char *reject)
{
	size_t n = 0;
	while (s[n] && !strchr(reject, s[n]))
		n++;
	return n;
}

char *strerror(int e)
{
	switch (e) {
	case 0: return "Success";
	case EPERM: return "Operation not permitted";
	case ENOENT: return "No such file or directory";
	case ESRCH: return "No such process";
	case EBADF: return "Bad file descriptor";
	case ECHILD: return "No child processes";
	case EAGAIN: return "Resource temporarily unavailable";
	case ENOMEM: return "Cannot allocate memory";
	case EACCES: return "Permission denied";
	case EFAULT: return "Bad address";
	case EEXIST: return "File exists";
	case EINVAL: return "Invalid argument";
	case EMFILE: return "Too many open files";
	case EROFS: return "Read-only file system";
	case ENOSYS: return "Function not implemented";
	default: return "Unknown error";
	}
}

/* ---- stdlib.h ---- */

static int digit(int c, int base)
{
	int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 :
		c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
	return v < base ? v : -1;
}

/* strtoull's work: the magnitude, *neg for a '-' sign; *end past the
 * digits (or s if none); ERANGE and ULLONG_MAX on overflow. */
static unsigned long long parse(const char *s, char **end, int base, int *neg)
{
	const char *p = s;
	unsigned long long v = 0;
	int any = 0, over = 0;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	*neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 32) == 'x' &&
	    digit(p[2], 16) >= 0) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	for (int d; (d = digit(*p, base)) >= 0; p++, any = 1) {
		if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			over = 1;
		v = v * (unsigned)base + (unsigned)d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	if (over) {
		errno = ERANGE;
		return ULLONG_MAX;
	}
	return v;
}

long long strtoll(const char *s, char **end, int base)
{
	int neg;
	unsigned long long v = parse(s, end, base, &neg);
	if (v > (unsigned long long)LLONG_MAX + neg) {
		errno = ERANGE;
		return neg ? LLONG_MIN : LLONG_MAX;
	}
	return neg ? (long long)(0 - v) : (long long)v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	int neg;
	unsigned long long v = parse(s, end, base, &neg);
	return neg ? 0 - v : v;
}

long strtol(const char *s, char **end, int base) { return strtoll(s, end, base); }
unsigned long strtoul(const char *s, char **end, int base) { return strtoull(s, end, base); }
int atoi(const char *s) { return (int)strtol(s, NULL, 10); }
long atol(const char *s) { return strtol(s, NULL, 10); }
long long atoll(const char *s) { return strtoll(s, NULL, 10); }

static unsigned long long rand_state = 1;

void srand(unsigned seed) { rand_state = seed; }

int rand_r(unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (int)(*seed >> 1) & RAND_MAX;
}

int rand(void)
{
	rand_state = rand_state * 6364136223846793005ull + 1442695040888963407ull;
	return (int)(rand_state >> 33) & RAND_MAX;
}

static void swap_bytes(char *a, char *b, size_t n)
{
	while (n--) {
		char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* Heapsort: no recursion, no allocation, O(n log n) at worst. */
static void sift(char *b, size_t i, size_t n, size_t sz,
		 int (*cmp)(const void *, const void *))
{
	for (size_t c; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && cmp(b + c * sz, b + (c + 1) * sz) < 0)
			c++;
		if (cmp(b + i * sz, b + c * sz) >= 0)
			return;
		swap_bytes(b + i * sz, b + c * sz, sz);
	}
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *b = base;
	for (size_t i = n / 2; i-- > 0;)
		sift(b, i, n, size, cmp);
	for (size_t end = n; end-- > 1;) {
		swap_bytes(b, b + end * size, size);
		sift(b, 0, end, size, cmp);
	}
}

void *bsearch(const void *key, const void *base, size_t n, size_t size,
	      int (*cmp)(const void *, const void *))
{
	const char *b = base;
	while (n) {
		const char *mid = b + (n / 2) * size;
		int c = cmp(key, mid);
		if (!c)
			return (void *)mid;
		if (c > 0) {
			b = mid + size;
			n -= n / 2 + 1;
		} else {
			n /= 2;
		}
	}
	return NULL;
}

int abs(int v) { return v < 0 ? -v : v; }
long labs(long v) { return v < 0 ? -v : v; }
long long llabs(long long v) { return v < 0 ? -v : v; }
char *getenv(const char *name) { (void)name; return NULL; }

void *aligned_alloc(size_t align, size_t size)
{
	if (align <= 16)
		return malloc(size);
	if (size > SIZE_MAX / 2 || align > SIZE_MAX / 4) {
		errno = ENOMEM;
		return NULL;
	}
	/* over-allocate; the word before the aligned block says how far back
	 * the real one starts (malloc.c's free and realloc read it) */
	char *p = malloc(size + align + 16);
	if (!p)
		return NULL;
	char *a = (char *)(((uintptr_t)p + 16 + align - 1) & ~(uintptr_t)(align - 1));
	((uint64_t *)a)[-1] = (uint64_t)(a - p) << 4 | LIBSYS_ALIGNED;
	return a;
}

int posix_memalign(void **out, size_t align, size_t size)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	*out = aligned_alloc(align, size);
	return *out ? 0 : ENOMEM;
}

#define ATEXIT_MAX 32
static void (*atexit_fns[ATEXIT_MAX])(void);
static int atexit_n;

int atexit(void (*fn)(void))
{
	if (atexit_n == ATEXIT_MAX)
		return -1;
	atexit_fns[atexit_n++] = fn;
	return 0;
}

void libsys_run_atexit(void)
{
	while (atexit_n > 0)
		atexit_fns[--atexit_n]();
}

void _Exit(int status)
{
	atexit_n = 0;
	exit(status);
}

void abort(void)
{
	printf("pid %u: abort\n", sys_pid);
	for (;;)
		pgreq_kill_sig(sys_pid, SIGABRT); /* WIFSIGNALED, WTERMSIG SIGABRT */
}

void libsys_assert_fail(const char *expr, const char *file, int line, const char *fn)
{
	printf("assertion failed: %s (%s:%d, %s)\n", expr, file, line, fn);
	abort();
}

/* ---- stdio.h: the console as stdout and stderr ---- */

struct libsys_file {
	int fd;
};
static struct libsys_file files[3] = { { 0 }, { 1 }, { 2 } };
FILE *const stdin = &files[0], *const stdout = &files[1], *const stderr = &files[2];

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
	(void)f;
	return vprintf(fmt, ap);
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return fmt_vsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vsprintf(char *buf, const char *fmt, va_list ap)
{
	return fmt_vsnprintf(buf, (size_t)INT_MAX, fmt, ap);
}

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsprintf(buf, fmt, ap);
	va_end(ap);
	return n;
}

int fputs(const char *s, FILE *f)
{
	(void)f;
	return console_write(s, strlen(s)) < 0 ? EOF : 0;
}

int putchar(int c)
{
	char ch = (char)c;
	return console_write(&ch, 1) < 0 ? EOF : (unsigned char)c;
}

int fputc(int c, FILE *f) { (void)f; return putchar(c); }
int putc(int c, FILE *f) { (void)f; return putchar(c); }
int fflush(FILE *f) { (void)f; return 0; }

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
	(void)f;
	if (!size || !n)
		return 0;
	return console_write(p, size * n) < 0 ? 0 : n;
}

void perror(const char *s)
{
	if (s && *s)
		printf("%s: %s\n", s, strerror(errno));
	else
		printf("%s\n", strerror(errno));
}

/* ---- time.h ---- */

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	static uint64_t hz, epoch, epoch_tsc;
	if (clk != CLOCK_MONOTONIC && clk != CLOCK_REALTIME) {
		errno = EINVAL;
		return -1;
	}
	if (!__atomic_load_n(&hz, __ATOMIC_ACQUIRE)) { /* epoch first, then hz */
		libsys_rtc(&epoch, &epoch_tsc);
		__atomic_store_n(&hz, tsc_hz(), __ATOMIC_RELEASE);
	}
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	uint64_t t = (uint64_t)hi << 32 | lo;
	if (!hz) {
		errno = EINVAL;
		return -1;
	}
	if (clk == CLOCK_REALTIME && epoch && t >= epoch_tsc) {
		/* the calendar: the RTC at boot plus the cycles since */
		t -= epoch_tsc;
		ts->tv_sec = (time_t)(epoch + t / hz);
		ts->tv_nsec = (long)((t % hz) * 1000000000ull / hz);
		return 0;
	}
	ts->tv_sec = (time_t)(t / hz);
	ts->tv_nsec = (long)((t % hz) * 1000000000ull / hz); /* < 2^64 below 18 GHz */
	return 0;
}

/* Sleep at least ns nanoseconds by CLOCK_MONOTONIC (the clock programs
 * measure with): the kernel's sleep counts timer ticks, which may end a
 * little before the cycle counter says, so sleep again for what is left.
 * A signal whose handler ran ends it early: the nanoseconds left, else 0. */
uint64_t libsys_sleep_ns(uint64_t ns)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	uint64_t end = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec + ns;
	for (;;) {
		int e = sys_sleep_ms((ns + 999999) / 1000000);
		clock_gettime(CLOCK_MONOTONIC, &now);
		uint64_t t = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
		if (t >= end)
			return 0;
		ns = end - t;
		if (e == E_INTR)
			return ns;
	}
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000) {
		errno = EINVAL;
		return -1;
	}
	uint64_t left = libsys_sleep_ns((uint64_t)req->tv_sec * 1000000000ull +
					(uint64_t)req->tv_nsec);
	if (rem)
		rem->tv_sec = (time_t)(left / 1000000000ull),
		rem->tv_nsec = (long)(left % 1000000000ull);
	if (left) {
		errno = EINTR;
		return -1;
	}
	return 0;
}

time_t time(time_t *t)
{
	struct timespec ts = { 0, 0 };
	clock_gettime(CLOCK_REALTIME, &ts);
	if (t)
		*t = ts.tv_sec;
	return ts.tv_sec;
}

clock_t clock(void)
{
	struct timespec ts = { 0, 0 };
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (clock_t)(ts.tv_sec * CLOCKS_PER_SEC + ts.tv_nsec / 1000);
}
