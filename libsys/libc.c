/* The rest of the C library for programs: <string.h> beyond lib/string.c,
 * <stdlib.h> (numbers, rand, qsort, abort), <stdio.h> (the console as
 * stdout and stderr), <assert.h>, <time.h>.  Floating point is in libm.c. */
#define _GNU_SOURCE /* strerror_r's GNU form */
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
#include "lib/cputime.h"
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

/* glibc's texts for Linux's numbers (0..133 where they are common). */
static const char *const err_text[] = {
	[0] = "Success", [EPERM] = "Operation not permitted",
	[ENOENT] = "No such file or directory", [ESRCH] = "No such process",
	[EINTR] = "Interrupted system call", [EIO] = "Input/output error",
	[ENXIO] = "No such device or address", [E2BIG] = "Argument list too long",
	[ENOEXEC] = "Exec format error", [EBADF] = "Bad file descriptor",
	[ECHILD] = "No child processes", [EAGAIN] = "Resource temporarily unavailable",
	[ENOMEM] = "Cannot allocate memory", [EACCES] = "Permission denied",
	[EFAULT] = "Bad address", [ENOTBLK] = "Block device required",
	[EBUSY] = "Device or resource busy", [EEXIST] = "File exists",
	[EXDEV] = "Invalid cross-device link", [ENODEV] = "No such device",
	[ENOTDIR] = "Not a directory", [EISDIR] = "Is a directory",
	[EINVAL] = "Invalid argument", [ENFILE] = "Too many open files in system",
	[EMFILE] = "Too many open files", [ENOTTY] = "Inappropriate ioctl for device",
	[ETXTBSY] = "Text file busy", [EFBIG] = "File too large",
	[ENOSPC] = "No space left on device", [ESPIPE] = "Illegal seek",
	[EROFS] = "Read-only file system", [EMLINK] = "Too many links",
	[EPIPE] = "Broken pipe", [EDOM] = "Numerical argument out of domain",
	[ERANGE] = "Numerical result out of range",
	[EDEADLK] = "Resource deadlock avoided", [ENAMETOOLONG] = "File name too long",
	[ENOLCK] = "No locks available", [ENOSYS] = "Function not implemented",
	[ENOTEMPTY] = "Directory not empty",
	[ELOOP] = "Too many levels of symbolic links",
	[ENOMSG] = "No message of desired type", [EIDRM] = "Identifier removed",
	[ENOSTR] = "Device not a stream", [ENODATA] = "No data available",
	[ETIME] = "Timer expired", [EPROTO] = "Protocol error",
	[EOVERFLOW] = "Value too large for defined data type",
	[EBADMSG] = "Bad message",
	[EILSEQ] = "Invalid or incomplete multibyte or wide character",
	[ENOTSOCK] = "Socket operation on non-socket", [EMSGSIZE] = "Message too long",
	[EPROTONOSUPPORT] = "Protocol not supported", [EPROTOTYPE] = "Protocol wrong type for socket",
	[ENOPROTOOPT] = "Protocol not available", [ESOCKTNOSUPPORT] = "Socket type not supported",
	[EOPNOTSUPP] = "Operation not supported",
	[EAFNOSUPPORT] = "Address family not supported by protocol",
	[EADDRINUSE] = "Address already in use", [ENETUNREACH] = "Network is unreachable",
	[ECONNRESET] = "Connection reset by peer",
	[ENOBUFS] = "No buffer space available",
	[EISCONN] = "Transport endpoint is already connected",
	[ENOTCONN] = "Transport endpoint is not connected",
	[ETIMEDOUT] = "Connection timed out", [ECONNREFUSED] = "Connection refused",
	[EHOSTUNREACH] = "No route to host", [EALREADY] = "Operation already in progress",
	[EINPROGRESS] = "Operation now in progress", [EDQUOT] = "Disk quota exceeded",
	[ECANCELED] = "Operation canceled", [EOWNERDEAD] = "Owner died",
	[ENOTRECOVERABLE] = "State not recoverable",
};

/* The text for e into buf (len bytes, truncated): "Unknown error N"
 * for a number without one.  0, or ERANGE if it did not fit. */
static int err_text_into(int e, char *buf, size_t len)
{
	const char *t = e >= 0 && (size_t)e < sizeof err_text / sizeof err_text[0]
			? err_text[e] : NULL;
	int n = t ? snprintf(buf, len, "%s", t) : snprintf(buf, len, "Unknown error %d", e);
	return n >= 0 && (size_t)n < len ? 0 : ERANGE;
}

char *strerror(int e)
{
	static char unknown[32];
	if (e >= 0 && (size_t)e < sizeof err_text / sizeof err_text[0] && err_text[e])
		return (char *)err_text[e];
	err_text_into(e, unknown, sizeof unknown);
	return unknown;
}

char *strerror_r(int e, char *buf, size_t len)
{
	if (e >= 0 && (size_t)e < sizeof err_text / sizeof err_text[0] && err_text[e])
		return (char *)err_text[e];
	if (len)
		err_text_into(e, buf, len);
	return buf;
}

int __xpg_strerror_r(int e, char *buf, size_t len)
{
	if (!len)
		return ERANGE;
	int r = err_text_into(e, buf, len);
	if (!(e >= 0 && (size_t)e < sizeof err_text / sizeof err_text[0] && err_text[e]))
		return EINVAL;
	return r;
}

void *memmem(const void *h, size_t hlen, const void *n, size_t nlen)
{
	const char *hp = h;
	if (!nlen)
		return (void *)h;
	for (size_t i = 0; i + nlen <= hlen; i++)
		if (hp[i] == *(const char *)n && !memcmp(hp + i, n, nlen))
			return (void *)(hp + i);
	return NULL;
}

int ffs(int v) { return __builtin_ffs(v); }
int ffsl(long v) { return __builtin_ffsl(v); }
int ffsll(long long v) { return __builtin_ffsll(v); }

/* ---- stdlib.h ---- */

static int digit(int c, int base)
{
	int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 :
		c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
	return v < base ? v : -1;
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	return p;
}

/* strtoull's work: the magnitude, *neg for a '-' sign; *end past the
 * digits (or s if none); ERANGE, *over and ULLONG_MAX on overflow; a base
 * other than 0 or 2..36 is EINVAL and 0, as glibc. */
static unsigned long long parse(const char *s, char **end, int base, int *neg, int *over)
{
	const char *p = skip_space(s);
	unsigned long long v = 0;
	int any = 0;
	*neg = *over = 0;
	if (base < 0 || base == 1 || base > 36) {
		if (end)
			*end = (char *)s;
		errno = EINVAL;
		return 0;
	}
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
			*over = 1;
		v = v * (unsigned)base + (unsigned)d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	if (*over) {
		errno = ERANGE;
		return ULLONG_MAX;
	}
	return v;
}

long long strtoll(const char *s, char **end, int base)
{
	int neg, over;
	unsigned long long v = parse(s, end, base, &neg, &over);
	if (v > (unsigned long long)LLONG_MAX + (unsigned)neg) {
		errno = ERANGE;
		return neg ? LLONG_MIN : LLONG_MAX;
	}
	return neg ? (long long)(0 - v) : (long long)v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
	int neg, over;
	unsigned long long v = parse(s, end, base, &neg, &over);
	return neg && !over ? 0 - v : v; /* out of range: ULLONG_MAX either sign */
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

#define ATEXIT_MAX 64
/* atexit's fn, or on_exit's onx with its arg: one list, run backwards */
static struct {
	void (*fn)(void);
	void (*onx)(int, void *);
	void *arg;
} atexit_fns[ATEXIT_MAX];
static int atexit_n;
/* atexit_fns and atexit_n change under it (POSIX: atexit is thread-safe);
 * a handler runs without it, so it may register another */
static int atexit_lock;

static void atexit_take(void)
{
	while (__atomic_exchange_n(&atexit_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void atexit_give(void)
{
	__atomic_store_n(&atexit_lock, 0, __ATOMIC_RELEASE);
}

void libsys_atexit_fork(int stage)
{
	if (stage == 0)
		atexit_take();
	else
		atexit_give();
}

/* Register fn (atexit) or onx with arg (on_exit): 0, -1 if full. */
static int atexit_add(void (*fn)(void), void (*onx)(int, void *), void *arg)
{
	int r = -1;
	atexit_take();
	if (atexit_n < ATEXIT_MAX) {
		atexit_fns[atexit_n].fn = fn;
		atexit_fns[atexit_n].onx = onx;
		atexit_fns[atexit_n++].arg = arg;
		r = 0;
	}
	atexit_give();
	return r;
}

int atexit(void (*fn)(void))
{
	return atexit_add(fn, NULL, NULL);
}

int on_exit(void (*fn)(int, void *), void *arg)
{
	return atexit_add(NULL, fn, arg);
}

void libsys_run_atexit(int status)
{
	/* a handler may register another: it runs next, as glibc's */
	for (;;) {
		atexit_take();
		if (atexit_n == 0) {
			atexit_give();
			return;
		}
		int i = --atexit_n;
		void (*fn)(void) = atexit_fns[i].fn;
		void (*onx)(int, void *) = atexit_fns[i].onx;
		void *arg = atexit_fns[i].arg;
		atexit_give();
		if (onx)
			onx(status, arg);
		else
			fn();
	}
}

void abort(void)
{
	/* a SIGABRT handler runs first (it may leave by longjmp); when it
	 * returns, or with none or SIG_IGN, the process ends by SIGABRT: the
	 * disposition goes back to the default first, as on Linux, so that
	 * the kill below ends the process instead of running the handler */
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGABRT);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	struct sigaction sa;
	if (sigaction(SIGABRT, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL &&
	    sa.sa_handler != SIG_IGN)
		raise(SIGABRT);
	signal(SIGABRT, SIG_DFL);
	printf("pid %u: abort\n", sys_pid);
	for (;;)
		pgreq_kill_sig(sys_pid, SIGABRT); /* WIFSIGNALED, WTERMSIG SIGABRT */
}

void libsys_assert_fail(const char *expr, const char *file, int line, const char *fn)
{
	printf("assertion failed: %s (%s:%d, %s)\n", expr, file, line, fn);
	abort();
}

/* ---- stdio.h: string formatting (streams: stdio.c) ---- */

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

void perror(const char *s)
{
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, strerror(errno));
	else
		fprintf(stderr, "%s\n", strerror(errno));
}

/* ---- time.h ---- */

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static const char *errno_text(void)
{
	return strerror(errno);
}

void libsys_libc_init(void)
{
	fmt_errstr = errno_text;
}

/* The clock clk stands for: CLOCK_REALTIME, CLOCK_MONOTONIC,
 * CLOCK_PROCESS_CPUTIME_ID or CLOCK_THREAD_CPUTIME_ID; -1 if it is no
 * clock. */
static int clock_kind(clockid_t clk)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_REALTIME_ALARM:
	case CLOCK_TAI: /* Linux's TAI offset is 0 until NTP sets it */
		return CLOCK_REALTIME;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		return CLOCK_MONOTONIC;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		return clk;
	default:
		return -1;
	}
}

uint64_t libsys_cpu_carried;
__thread uint64_t libsys_thread_cpu_carried;

/* The CPU time the kernel counts (cpu_time) for this image, sampled at
 * its tick (1 ms), plus what exec carried over from the earlier images:
 * the calling thread's (thread true) or its process's, all its threads'
 * (ended ones too). */
uint64_t libsys_cpu_ns(int thread)
{
	struct sys_regs r;
	if (sys_cpu_time_r(0, &r) != E_OK)
		return 0;
	return thread ? r.rdi + libsys_thread_cpu_carried : r.rsi + libsys_cpu_carried;
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	static uint64_t hz, epoch, epoch_tsc;
	clk = clock_kind(clk);
	if (clk < 0) {
		errno = EINVAL;
		return -1;
	}
	if (clk == CLOCK_PROCESS_CPUTIME_ID || clk == CLOCK_THREAD_CPUTIME_ID) {
		uint64_t ns = libsys_cpu_ns(clk == CLOCK_THREAD_CPUTIME_ID);
		ts->tv_sec = (time_t)(ns / 1000000000ull);
		ts->tv_nsec = (long)(ns % 1000000000ull);
		return 0;
	}
	if (!__atomic_load_n(&hz, __ATOMIC_ACQUIRE)) { /* epoch first, then hz */
		libsys_rtc(&epoch, &epoch_tsc);
		__atomic_store_n(&hz, tsc_hz(), __ATOMIC_RELEASE);
	}
	uint64_t t = rdtsc();
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
	/* a cancellation point: a thread but the main one sleeps 100 ms at a
	 * time, to notice a pthread_cancel */
	uint64_t slice = libsys_cancellable() ? 100 : UINT64_MAX;
	for (;;) {
		libsys_testcancel();
		uint64_t ms = (ns + 999999) / 1000000;
		int e = sys_sleep_ms(ms < slice ? ms : slice);
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

int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
		    struct timespec *rem)
{
	struct timespec now;
	int kind = clock_kind(clk);
	/* Linux: EINVAL for the calling thread's CPU clock; the process's
	 * may be slept on (a relative sleep here counts wall time; an
	 * absolute one sleeps until the CPU clock reads the time) */
	if (kind < 0 || clk == CLOCK_THREAD_CPUTIME_ID || (flags & ~TIMER_ABSTIME) ||
	    req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000)
		return EINVAL;
	if (!(flags & TIMER_ABSTIME)) {
		libsys_sleep_ns((uint64_t)req->tv_sec * 1000000000ull + (uint64_t)req->tv_nsec);
		if (rem)
			rem->tv_sec = 0, rem->tv_nsec = 0;
		return 0;
	}
	for (;;) {
		clock_gettime(kind, &now);
		int64_t left = (int64_t)(req->tv_sec - now.tv_sec) * 1000000000ll +
			       (req->tv_nsec - now.tv_nsec);
		if (left <= 0)
			return 0;
		libsys_sleep_ns((uint64_t)left);
	}
}

/* The process's CPU time as CLOCK_PROCESS_CPUTIME_ID counts it, in
 * microseconds (CLOCKS_PER_SEC). */
clock_t clock(void)
{
	return (clock_t)cputime_units(libsys_cpu_ns(0), CLOCKS_PER_SEC);
}
