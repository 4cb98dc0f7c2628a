/* More of the C library a Linux program expects: <string.h>/<strings.h>
 * (strtok, strndup, strcasecmp, ...), <stdlib.h> (div, ldiv), <time.h> (struct tm: gmtime, mktime, strftime, clock_getres,
 * difftime), <unistd.h> and <sys/utsname.h> (ids, uname, hostname, cwd,
 * isatty), <malloc.h> (memalign, malloc_usable_size). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "libsys.h" /* libsys_fd_console */
#include <sys/mman.h>
#include <pthread.h>
#include <stdint.h>

/* ---- strings ---- */

char *strtok_r(char *s, const char *delim, char **save)
{
	if (!s)
		s = *save;
	s += strspn(s, delim);
	if (!*s) {
		*save = s;
		return NULL;
	}
	char *end = s + strcspn(s, delim);
	if (*end)
		*end++ = 0;
	*save = end;
	return s;
}

char *strtok(char *s, const char *delim)
{
	static char *save;
	return strtok_r(s, delim, &save);
}

char *strsep(char **sp, const char *delim)
{
	char *s = *sp;
	if (!s)
		return NULL;
	char *end = s + strcspn(s, delim);
	*sp = *end ? end + 1 : NULL;
	*end = 0;
	return s;
}

char *strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = malloc(len + 1);
	if (d) {
		memcpy(d, s, len);
		d[len] = 0;
	}
	return d;
}

char *strpbrk(const char *s, const char *accept)
{
	s += strcspn(s, accept);
	return *s ? (char *)s : NULL;
}

int strcoll(const char *a, const char *b) { return strcmp(a, b); }

size_t strxfrm(char *d, const char *s, size_t n)
{
	size_t len = strlen(s);
	if (n)
		strncpy(d, s, n);
	return len;
}

void *memrchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	while (n--)
		if (p[n] == (unsigned char)c)
			return (void *)(p + n);
	return NULL;
}

void *mempcpy(void *d, const void *s, size_t n) { return (char *)memcpy(d, s, n) + n; }
char *stpcpy(char *d, const char *s) { size_t n = strlen(s); memcpy(d, s, n + 1); return d + n; }

char *strcasestr(const char *h, const char *n)
{
	size_t len = strlen(n);
	for (; *h; h++)
		if (!strncasecmp(h, n, len))
			return (char *)h;
	return len ? NULL : (char *)h;
}

int strncasecmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		int d = tolower((unsigned char)*a) - tolower((unsigned char)*b);
		if (d || !*a)
			return d;
	}
	return 0;
}

int strcasecmp(const char *a, const char *b) { return strncasecmp(a, b, (size_t)-1); }

/* ---- stdlib ---- */

div_t div(int a, int b) { return (div_t){ a / b, a % b }; }
ldiv_t ldiv(long a, long b) { return (ldiv_t){ a / b, a % b }; }
lldiv_t lldiv(long long a, long long b) { return (lldiv_t){ a / b, a % b }; }

/* ---- time: UTC only (no time zones) ---- */

int clock_getres(clockid_t clk, struct timespec *res)
{
	if ((clk < CLOCK_REALTIME || clk > CLOCK_BOOTTIME_ALARM) && clk != CLOCK_TAI) {
		errno = EINVAL;
		return -1;
	}
	if (res) { /* the CPU-time clocks count the kernel's 1 ms ticks */
		int cpu = clk == CLOCK_PROCESS_CPUTIME_ID || clk == CLOCK_THREAD_CPUTIME_ID;
		res->tv_sec = 0;
		res->tv_nsec = cpu ? 1000000 : 1;
	}
	return 0;
}

double difftime(time_t a, time_t b) { return (double)a - (double)b; }


/* Days from 1970-01-01 to y-m-d (m 1..12): Howard Hinnant's days_from_civil. */
static long days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct tm *gmtime_r(const time_t *t, struct tm *tm)
{
	long days = *t / 86400, secs = *t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	tm->tm_wday = (int)((4 + days % 7 + 7) % 7);
	long z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	long y = yoe + era * 400 + (m <= 2);
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = (int)(m - 1);
	tm->tm_mday = (int)d;
	tm->tm_yday = (int)(days - days_from_civil(y, 1, 1));
	tm->tm_isdst = 0;
	tm->tm_gmtoff = 0;
	tm->tm_zone = "GMT"; /* glibc's name for gmtime's; local time is "UTC" */
	return tm;
}

struct tm *gmtime(const time_t *t)
{
	static struct tm tm;
	return gmtime_r(t, &tm);
}

char *tzname[2] = { "UTC", "UTC" };
long timezone;
int daylight;

/* Nothing to read: local time is always UTC. */
void tzset(void)
{
}

/* Local time is UTC (no time zones), named so as glibc's without TZ. */
struct tm *localtime_r(const time_t *t, struct tm *tm)
{
	gmtime_r(t, tm);
	tm->tm_zone = "UTC";
	return tm;
}

struct tm *localtime(const time_t *t)
{
	static struct tm tm;
	return localtime_r(t, &tm);
}

time_t timegm(struct tm *tm)
{
	long y = tm->tm_year + 1900L + tm->tm_mon / 12, m = tm->tm_mon % 12;
	if (m < 0) {
		m += 12;
		y--;
	}
	time_t t = (time_t)days_from_civil(y, m + 1, 1) * 86400 + (time_t)(tm->tm_mday - 1) * 86400 +
		   tm->tm_hour * 3600L + tm->tm_min * 60L + tm->tm_sec;
	gmtime_r(&t, tm);
	return t;
}

time_t mktime(struct tm *tm)
{
	time_t t = timegm(tm);
	tm->tm_zone = "UTC";
	return t;
}

/* strftime: libsys/strftime.c. */

char *asctime_r(const struct tm *tm, char *buf)
{
	strftime(buf, 26, "%a %b %e %H:%M:%S %Y\n", tm);
	return buf;
}

char *ctime_r(const time_t *t, char *buf)
{
	struct tm tm;
	return asctime_r(gmtime_r(t, &tm), buf);
}

char *asctime(const struct tm *tm) { static char buf[32]; return asctime_r(tm, buf); }
char *ctime(const time_t *t) { static char buf[32]; return ctime_r(t, buf); }

/* ---- unistd: one directory, the console a terminal (ids: libc7.c) ---- */

int isatty(int fd)
{
	if (libsys_fd_console(fd))
		return 1;
	errno = fcntl(fd, F_GETFD) < 0 ? EBADF : ENOTTY;
	return 0;
}

/* The host name: "microkernel" until sethostname (this process and the
 * children it forks after; Linux's is the whole system's). */
static char host_name[65] = "microkernel";

/* Root sets it (EPERM else); EINVAL past 64 bytes. */
int sethostname(const char *name, size_t len)
{
	if (len > 64) {
		errno = EINVAL;
		return -1;
	}
	if (geteuid() != 0) {
		errno = EPERM;
		return -1;
	}
	memcpy(host_name, name, len);
	host_name[len] = '\0';
	return 0;
}

int gethostname(char *name, size_t len)
{
	const char *h = host_name;
	if (len <= strlen(h)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(name, h);
	return 0;
}

int uname(struct utsname *u)
{
	memset(u, 0, sizeof *u);
	strcpy(u->sysname, "microkernel");
	strcpy(u->nodename, host_name);
	strcpy(u->release, "1.0");
	strcpy(u->version, "#1");
	strcpy(u->machine, "x86_64");
	return 0;
}

/* ---- malloc.h ---- */

void *memalign(size_t align, size_t size)
{
	void *p = NULL;
	int e = posix_memalign(&p, align < sizeof(void *) ? sizeof(void *) : align, size);
	if (e)
		errno = e;
	return p;
}

void *valloc(size_t size) { return memalign(4096, size); }
void *pvalloc(size_t size)
{
	if (size > SIZE_MAX - 4095) { /* the round-up would wrap to 0 */
		errno = ENOMEM;
		return NULL;
	}
	return memalign(4096, (size + 4095) & ~(size_t)4095);
}

/* ---- brk and sbrk: a break of their own, in a reserved (PROT_NONE)
 * range placed on first use; malloc keeps the pager's heap (PG_BRK), so
 * neither moves the other's memory.  Pages below the break are read-write
 * and read zero when first reached again after a shrink (as Linux). ---- */

#define BRK_RESERVE (1ul << 30)
static char *brk_base, *brk_cur;
static pthread_mutex_t brk_lock = PTHREAD_MUTEX_INITIALIZER;

void libsys_brk_fork(int stage)
{
	if (stage == 0)
		pthread_mutex_lock(&brk_lock);
	else
		pthread_mutex_unlock(&brk_lock);
}

static uintptr_t page_up(uintptr_t a) { return (a + 4095) & ~(uintptr_t)4095; }

/* Reserve the break's range on first use (locked): 0, or -1 ENOMEM. */
static int brk_reserve(void)
{
	if (brk_base)
		return 0;
	void *r = mmap(NULL, BRK_RESERVE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		return errno = ENOMEM, -1;
	brk_base = brk_cur = r;
	return 0;
}

/* Move the break to want (locked): 0, or -1 with ENOMEM. */
static int brk_move(char *want)
{
	if (brk_reserve())
		return -1;
	if (want < brk_base || want > brk_base + BRK_RESERVE)
		return errno = ENOMEM, -1;
	uintptr_t old_end = page_up((uintptr_t)brk_cur), new_end = page_up((uintptr_t)want);
	if (new_end > old_end && libsys_limit_room(new_end - old_end, 1))
		return errno = ENOMEM, -1; /* RLIMIT_DATA (and RLIMIT_AS), as Linux's brk */
	if (new_end > old_end &&
	    mprotect((void *)old_end, new_end - old_end, PROT_READ | PROT_WRITE))
		return errno = ENOMEM, -1;
	if (new_end < old_end) {
		madvise((void *)new_end, old_end - new_end, MADV_DONTNEED);
		mprotect((void *)new_end, old_end - new_end, PROT_NONE);
	}
	brk_cur = want;
	return 0;
}

int brk(void *addr)
{
	pthread_mutex_lock(&brk_lock);
	int r = brk_move(addr);
	pthread_mutex_unlock(&brk_lock);
	return r;
}

void *sbrk(intptr_t incr)
{
	void *ret = (void *)-1;
	pthread_mutex_lock(&brk_lock);
	if (brk_reserve() == 0) {
		char *old = brk_cur;
		if ((incr > 0 && (uintptr_t)incr > BRK_RESERVE) ||
		    (incr < 0 && (uintptr_t)-incr > (uintptr_t)(brk_cur - brk_base)))
			errno = ENOMEM;
		else if (brk_move(brk_cur + incr) == 0)
			ret = old;
	}
	pthread_mutex_unlock(&brk_lock);
	return ret;
}

/* ---- stdio: printing to a descriptor ---- */

int vdprintf(int fd, const char *fmt, va_list ap)
{
	char buf[1024];
	va_list again; /* ap is read twice when the text is long */
	va_copy(again, ap);
	int n = vsnprintf(buf, sizeof buf, fmt, ap), r = n;
	if (n >= 0 && (size_t)n < sizeof buf) {
		r = write(fd, buf, (size_t)n) < 0 ? -1 : n;
	} else if (n >= 0) {
		char *big = malloc((size_t)n + 1);
		r = -1;
		if (big) {
			vsnprintf(big, (size_t)n + 1, fmt, again);
			r = write(fd, big, (size_t)n) < 0 ? -1 : n;
			free(big);
		}
	}
	va_end(again);
	return r;
}

int dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- string.h: signal names ---- */

char *strsignal(int sig)
{
	static const char *const names[] = {
		"Unknown signal 0", "Hangup", "Interrupt", "Quit", "Illegal instruction",
		"Trace/breakpoint trap", "Aborted", "Bus error", "Floating point exception",
		"Killed", "User defined signal 1", "Segmentation fault", "User defined signal 2",
		"Broken pipe", "Alarm clock", "Terminated", "Stack fault", "Child exited",
		"Continued", "Stopped (signal)", "Stopped", "Stopped (tty input)",
		"Stopped (tty output)", "Urgent I/O condition", "CPU time limit exceeded",
		"File size limit exceeded", "Virtual timer expired", "Profiling timer expired",
		"Window changed", "I/O possible", "Power failure", "Bad system call",
	};
	static char buf[32];
	if (sig >= 0 && sig < (int)(sizeof names / sizeof names[0]))
		return (char *)names[sig];
	snprintf(buf, sizeof buf, sig >= 34 && sig <= 64 ? "Real-time signal %d" : "Unknown signal %d",
		 sig >= 34 && sig <= 64 ? sig - 34 : sig);
	return buf;
}

void psignal(int sig, const char *s)
{
	if (s && *s)
		fprintf(stderr, "%s: %s\n", s, strsignal(sig));
	else
		fprintf(stderr, "%s\n", strsignal(sig));
}
