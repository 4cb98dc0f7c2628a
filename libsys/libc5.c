/* Still more of libc for Linux programs: asprintf/vasprintf, sigwait and
 * friends (over a handler of our own and pselect), qsort_r, reallocarray, strlcpy/strlcat, strchrnul,
 * rawmemchr, timespec_get, getdtablesize, the CPU-time clock ids,
 * ioctl (the console's window size, TIOCGWINSZ; ENOTTY else). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sched.h>
#include <fcntl.h>
#include "abi/pager.h"
#include "libsys.h"

int vasprintf(char **out, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (!b) {
		*out = NULL;
		errno = ENOMEM;
		return -1;
	}
	vsnprintf(b, (size_t)n + 1, fmt, ap);
	*out = b;
	return n;
}

int asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(out, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- sigwait, sigwaitinfo, sigtimedwait ---- */

/* Wait for a signal of set (which the caller blocks, as POSIX asks) and
 * take it without its handler running: the kernel's sigwait takes the
 * lowest of set pending on this thread (sent to it: pthread_kill, a
 * thread's timer) or else on the process (sent while every thread
 * blocked it: any thread's wait takes it, once), sleeping until one is
 * posted; its number, its info in *info (si_value from the pager's
 * queue for sigqueue and real-time kill, from the timer table for a
 * timer's).  -1 with EAGAIN when tmo (NULL: none) passes, EINTR if a
 * signal the thread lets through came first (its handler ran), EINVAL
 * for an empty set or a bad tmo. */
int sigtimedwait(const sigset_t *set, siginfo_t *info, const struct timespec *tmo)
{
	uint64_t want = *set & ~((1ul << (SIGKILL - 1)) | (1ul << (SIGSTOP - 1)));
	uint64_t ms = FUTEX_FOREVER;
	if (tmo && (tmo->tv_sec < 0 || tmo->tv_nsec < 0 || tmo->tv_nsec >= 1000000000L))
		want = 0;
	if (!want) {
		errno = EINVAL;
		return -1;
	}
	if (tmo) {
		uint64_t sec = (uint64_t)tmo->tv_sec;
		ms = sec > (1ull << 50) ? FUTEX_FOREVER /* longer than any wait */
		     : sec * 1000 + ((uint64_t)tmo->tv_nsec + 999999) / 1000000;
	}
	uint64_t end = ms == FUTEX_FOREVER ? 0 : libsys_now_ms() + ms;
	for (;;) {
		uint64_t left = ms;
		if (ms != FUTEX_FOREVER) {
			uint64_t now = libsys_now_ms();
			left = now >= end ? 0 : end - now;
			if (left > FUTEX_MAX_MS)
				left = FUTEX_MAX_MS; /* and again */
		}
		struct sys_regs r;
		int e = sys_sigwait_r(want, left, &r);
		if (e == E_AGAIN && ms != FUTEX_FOREVER && libsys_now_ms() < end)
			continue;
		if (e != E_OK) {
			errno = e == E_AGAIN ? EAGAIN : e == E_INTR ? EINTR : EINVAL;
			return -1;
		}
		int sig = (int)r.rdi;
		uint64_t w = r.rsi;
		siginfo_t si;
		memset(&si, 0, sizeof si);
		si.si_signo = sig;
		si.si_code = (int8_t)(w >> 8);
		si.si_pid = (pid_t)(w >> 32);
		si.si_status = (uint8_t)(w >> 16);
		if (!libsys_sig_fill(sig, &si))
			continue; /* a real-time number's bit sent again while pending */
		if (info)
			*info = si;
		return sig;
	}
}

int sigwaitinfo(const sigset_t *set, siginfo_t *info)
{
	int r;
	while ((r = sigtimedwait(set, info, NULL)) < 0 && errno == EAGAIN)
		;
	return r;
}

/* sigwait: the signal's number in *sig; an error number, not errno. */
int sigwait(const sigset_t *set, int *sig)
{
	int r;
	while ((r = sigtimedwait(set, NULL, NULL)) < 0 && (errno == EAGAIN || errno == EINTR))
		;
	if (r < 0)
		return errno;
	*sig = r;
	return 0;
}

/* ---- small ones ---- */

static void swap_n(char *a, char *b, size_t n)
{
	while (n--) {
		char t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* qsort with a context argument (glibc's order: cmp(a, b, arg)):
 * quicksort on the middle element, insertion sort for short runs, the
 * smaller side first so the stack stays shallow. */
void qsort_r(void *base, size_t n, size_t size,
	     int (*cmp)(const void *, const void *, void *), void *arg)
{
	char *b = base;
	while (n > 8) {
		swap_n(b, b + (n / 2) * size, size); /* the pivot at the front */
		size_t i = 1, j = n - 1;
		for (;;) {
			while (i <= j && cmp(b + i * size, b, arg) < 0)
				i++;
			while (j >= i && cmp(b + j * size, b, arg) > 0)
				j--;
			if (i >= j)
				break;
			swap_n(b + i * size, b + j * size, size);
			i++, j--;
		}
		swap_n(b, b + j * size, size); /* the pivot in place at j */
		size_t left = j, right = n - j - 1;
		if (left < right) {
			qsort_r(b, left, size, cmp, arg);
			b += (j + 1) * size;
			n = right;
		} else {
			qsort_r(b + (j + 1) * size, right, size, cmp, arg);
			n = left;
		}
	}
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && cmp(b + (k - 1) * size, b + k * size, arg) > 0; k--)
			swap_n(b + (k - 1) * size, b + k * size, size);
}

void *reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * size);
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (size) {
		size_t k = n < size - 1 ? n : size - 1;
		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return n;
}

size_t strlcat(char *dst, const char *src, size_t size)
{
	size_t d = strnlen(dst, size);
	if (d == size)
		return size + strlen(src);
	return d + strlcpy(dst + d, src, size - d);
}

char *strchrnul(const char *s, int c)
{
	while (*s && *s != (char)c)
		s++;
	return (char *)s;
}

void *rawmemchr(const void *s, int c)
{
	const unsigned char *p = s;
	while (*p != (unsigned char)c)
		p++;
	return (void *)p;
}

/* C11: the time of base TIME_UTC: base, or 0 for another. */
int timespec_get(struct timespec *ts, int base)
{
	if (base != TIME_UTC || clock_gettime(CLOCK_REALTIME, ts))
		return 0;
	return base;
}

int getdtablesize(void)
{
	return (int)sysconf(_SC_OPEN_MAX);
}

/* The CPU-time clock of this process (pid 0 or ours; ESRCH else). */
int clock_getcpuclockid(pid_t pid, clockid_t *clk)
{
	if (pid && pid != getpid())
		return ESRCH;
	*clk = CLOCK_PROCESS_CPUTIME_ID;
	return 0;
}

int pthread_getcpuclockid(pthread_t t, clockid_t *clk)
{
	(void)t;
	*clk = CLOCK_THREAD_CPUTIME_ID;
	return 0;
}

/* FIONREAD off the console: the bytes a pipe or socket holds (up to
 * PG_PIPE_BUF: what one peek sees), a file's from its position to its
 * end, 0 for others; -1 with errno EBADF, EFAULT. */
static int fionread(int fd, int *out)
{
	struct libsys_target t;
	if (!out) {
		errno = EFAULT;
		return -1;
	}
	if (!libsys_fd_target(fd, &t)) {
		errno = EBADF;
		return -1;
	}
	*out = 0;
	if ((t.kind == LIBSYS_POLL_PIPE && !t.out) || t.kind == LIBSYS_POLL_SOCK) {
		static char peek[PG_PIPE_BUF];
		static int busy;
		while (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
			sched_yield();
		long n = libsys_pipe_recv(t.id, peek, sizeof peek,
					  PG_PIPE_PEEK | PG_PIPE_NONBLOCK | LIBSYS_RD_ONE, NULL);
		__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
		*out = n > 0 ? (int)n : 0;
	} else if (t.kind == LIBSYS_POLL_READY) {
		struct stat st;
		off_t pos = lseek(fd, 0, SEEK_CUR);
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && pos >= 0 && st.st_size > pos)
			*out = (int)(st.st_size - pos);
	}
	return 0;
}

/* ioctl: TIOCGWINSZ on the console (80x24), FIONREAD (0 on the console,
 * else fionread's); ENOTTY for other requests on a terminal or anything
 * on another descriptor (EBADF for none). */
int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *argp = va_arg(ap, void *);
	va_end(ap);
	if (req == FIONREAD && !libsys_fd_console(fd))
		return fionread(fd, argp);
	if (!isatty(fd)) {
		if (errno != EBADF)
			errno = ENOTTY;
		return -1;
	}
	if (req == TIOCGWINSZ && argp) {
		struct winsize *w = argp;
		w->ws_row = 24;
		w->ws_col = 80;
		w->ws_xpixel = w->ws_ypixel = 0;
		return 0;
	}
	if (req == FIONREAD && argp) {
		*(int *)argp = 0;
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

/* ---- strptime ---- */

static const char *const wday_name[7] = { "Sunday", "Monday", "Tuesday", "Wednesday",
					  "Thursday", "Friday", "Saturday" };
static const char *const mon_name[12] = { "January", "February", "March", "April", "May",
					  "June", "July", "August", "September", "October",
					  "November", "December" };

/* An unsigned number of at most max digits at *s (leading blanks
 * skipped), in [lo, hi]: 1 and *v, or 0. */
static int num(const char **s, int max, int lo, int hi, int *v)
{
	const char *p = *s;
	while (*p == ' ' || *p == '\t')
		p++;
	int sign = 1;
	if (lo < 0 && (*p == '-' || *p == '+'))
		sign = *p++ == '-' ? -1 : 1;
	int n = 0, d = 0;
	while (d < max && *p >= '0' && *p <= '9')
		n = n * 10 + (*p++ - '0'), d++;
	n *= sign;
	if (!d || n < lo || n > hi)
		return 0;
	*v = n;
	*s = p;
	return 1;
}

/* One of names[0..n) at *s, full or its first three letters, any case. */
static int name(const char **s, const char *const *names, int n, int *v)
{
	for (int i = 0; i < n; i++) {
		size_t full = strlen(names[i]);
		if (!strncasecmp(*s, names[i], full)) {
			*s += full, *v = i;
			return 1;
		}
		if (!strncasecmp(*s, names[i], 3)) {
			*s += 3, *v = i;
			return 1;
		}
	}
	return 0;
}

/* strptime for the C locale: %a %A %b %B %h %c %C %d %e %D %F %H %I %j %m
 * %M %n %t %p %r %R %s %S %T %u %w %y %Y %z %Z %%; the first character not
 * parsed, or NULL.  tm_wday and tm_yday are filled in once the date is
 * known, as glibc does. */
char *strptime(const char *s, const char *fmt, struct tm *tm)
{
	int v, pm = -1, hour12 = 0, have_date = 0, century = -1, year2 = -1;
	for (; *fmt; fmt++) {
		if (*fmt == ' ' || *fmt == '\t' || *fmt == '\n') {
			while (*s == ' ' || *s == '\t' || *s == '\n')
				s++;
			continue;
		}
		if (*fmt != '%') {
			if (*s++ != *fmt)
				return NULL;
			continue;
		}
		const char *sub = NULL;
		switch (*++fmt) {
		case '%': if (*s++ != '%') return NULL; break;
		case 'n': case 't': while (*s == ' ' || *s == '\t' || *s == '\n') s++; break;
		case 'a': case 'A': if (!name(&s, wday_name, 7, &tm->tm_wday)) return NULL; break;
		case 'b': case 'B': case 'h':
			if (!name(&s, mon_name, 12, &tm->tm_mon)) return NULL;
			break;
		case 'C': if (!num(&s, 2, 0, 99, &century)) return NULL; break;
		case 'd': case 'e':
			if (!num(&s, 2, 1, 31, &tm->tm_mday)) return NULL;
			have_date |= 4;
			break;
		case 'H': if (!num(&s, 2, 0, 23, &tm->tm_hour)) return NULL; hour12 = 0; break;
		case 'I': if (!num(&s, 2, 1, 12, &tm->tm_hour)) return NULL; hour12 = 1; break;
		case 'j': if (!num(&s, 3, 1, 366, &v)) return NULL; tm->tm_yday = v - 1; break;
		case 'm':
			if (!num(&s, 2, 1, 12, &v)) return NULL;
			tm->tm_mon = v - 1;
			have_date |= 2;
			break;
		case 'M': if (!num(&s, 2, 0, 59, &tm->tm_min)) return NULL; break;
		case 'S': if (!num(&s, 2, 0, 60, &tm->tm_sec)) return NULL; break;
		case 'p':
			if (!strncasecmp(s, "AM", 2)) pm = 0;
			else if (!strncasecmp(s, "PM", 2)) pm = 1;
			else return NULL;
			s += 2;
			break;
		case 'u': if (!num(&s, 1, 1, 7, &v)) return NULL; tm->tm_wday = v % 7; break;
		case 'w': if (!num(&s, 1, 0, 6, &tm->tm_wday)) return NULL; break;
		case 'y': if (!num(&s, 2, 0, 99, &year2)) return NULL; have_date |= 1; break;
		case 'Y':
			if (!num(&s, 4, -9999, 9999, &v)) return NULL;
			tm->tm_year = v - 1900;
			year2 = -1;
			have_date |= 1;
			break;
		case 's': {
			long long t = 0;
			int d = 0, neg = *s == '-';
			if (neg)
				s++;
			while (*s >= '0' && *s <= '9')
				t = t * 10 + (*s++ - '0'), d++;
			if (!d)
				return NULL;
			time_t tt = (time_t)(neg ? -t : t);
			gmtime_r(&tt, tm);
			break;
		}
		case 'z':
			if (*s == 'Z') { s++; break; }
			if (*s != '+' && *s != '-') return NULL;
			s++;
			for (int i = 0; i < 4 && *s >= '0' && *s <= '9'; i++)
				s++;
			break;
		case 'Z': while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')) s++; break;
		case 'D': sub = "%m/%d/%y"; break;
		case 'F': sub = "%Y-%m-%d"; break;
		case 'T': sub = "%H:%M:%S"; break;
		case 'R': sub = "%H:%M"; break;
		case 'r': sub = "%I:%M:%S %p"; break;
		case 'c': sub = "%a %b %e %H:%M:%S %Y"; break;
		case 'x': sub = "%m/%d/%y"; break;
		case 'X': sub = "%H:%M:%S"; break;
		default: return NULL;
		}
		if (sub) {
			s = strptime(s, sub, tm);
			if (!s)
				return NULL;
			if (strchr(sub, 'y') || strchr(sub, 'Y'))
				have_date |= 7;
		}
	}
	if (year2 >= 0)
		tm->tm_year = century >= 0 ? century * 100 + year2 - 1900 :
			      year2 < 69 ? year2 + 100 : year2;
	else if (century >= 0 && !(have_date & 1))
		tm->tm_year = century * 100 - 1900;
	if (hour12 && pm >= 0)
		tm->tm_hour = tm->tm_hour % 12 + (pm ? 12 : 0);
	if ((have_date & 7) == 7) { /* the weekday and the day of the year */
		struct tm t = { .tm_year = tm->tm_year, .tm_mon = tm->tm_mon, .tm_mday = tm->tm_mday,
				.tm_hour = 12 };
		time_t x = timegm(&t);
		struct tm d;
		gmtime_r(&x, &d);
		tm->tm_wday = d.tm_wday;
		tm->tm_yday = d.tm_yday;
	}
	return (char *)s;
}

/* ---- <pwd.h>: root alone ---- */

static struct passwd root_pw = { "root", "x", 0, 0, "root", "/", "/bin/sh" };
static int pwent_done;

struct passwd *getpwuid(uid_t uid)
{
	return uid == 0 ? &root_pw : NULL;
}

struct passwd *getpwnam(const char *name)
{
	return name && !strcmp(name, "root") ? &root_pw : NULL;
}

int getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t len, struct passwd **out)
{
	(void)buf; (void)len;
	*out = NULL;
	if (uid != 0)
		return 0;
	*pw = root_pw;
	*out = pw;
	return 0;
}

int getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t len, struct passwd **out)
{
	return getpwuid_r(name && !strcmp(name, "root") ? 0 : (uid_t)-1, pw, buf, len, out);
}

void setpwent(void) { pwent_done = 0; }
void endpwent(void) { pwent_done = 0; }

struct passwd *getpwent(void)
{
	return pwent_done++ ? NULL : &root_pw;
}

char *getlogin(void)
{
	return root_pw.pw_name;
}

/* ---- prctl ---- */

static int pdeathsig, dumpable = 1;

/* The value a PR_SET_ option keeps (set: store v), read by its PR_GET_:
 * PR_SET_TIMERSLACK's default is Linux's 50000 ns, the others' 0. */
static unsigned long prctl_kept(int option, unsigned long v, int set)
{
	static unsigned long no_new_privs, thp_disable, subreaper, keepcaps,
		timerslack = 50000;
	unsigned long *p;
	switch (option) {
	case PR_SET_NO_NEW_PRIVS: case PR_GET_NO_NEW_PRIVS: p = &no_new_privs; break;
	case PR_SET_THP_DISABLE: case PR_GET_THP_DISABLE: p = &thp_disable; break;
	case PR_SET_CHILD_SUBREAPER: case PR_GET_CHILD_SUBREAPER: p = &subreaper; break;
	case PR_SET_KEEPCAPS: case PR_GET_KEEPCAPS: p = &keepcaps; break;
	default: p = &timerslack; break;
	}
	if (set) {
		if (option == PR_SET_TIMERSLACK && v == 0)
			v = 50000; /* 0: back to the default */
		*p = v;
	}
	return *p;
}

int prctl(int option, ...)
{
	va_list ap;
	va_start(ap, option);
	unsigned long arg = va_arg(ap, unsigned long);
	va_end(ap);
	switch (option) {
	case PR_SET_NAME: {
		char n[16];
		strncpy(n, (const char *)arg, 15);
		n[15] = '\0';
		return pthread_setname_np(pthread_self(), n) ? -1 : 0;
	}
	case PR_GET_NAME:
		return pthread_getname_np(pthread_self(), (char *)arg, 16) ? -1 : 0;
	case PR_SET_PDEATHSIG:
		if (arg > 64) {
			errno = EINVAL;
			return -1;
		}
		pdeathsig = (int)arg;
		return 0;
	case PR_GET_PDEATHSIG:
		*(int *)arg = pdeathsig;
		return 0;
	case PR_SET_DUMPABLE:
		if (arg > 1) {
			errno = EINVAL;
			return -1;
		}
		dumpable = (int)arg;
		return 0;
	case PR_GET_DUMPABLE:
		return dumpable;
	/* kept and read back (nothing here changes with them) */
	case PR_SET_NO_NEW_PRIVS: case PR_SET_THP_DISABLE: case PR_SET_CHILD_SUBREAPER:
	case PR_SET_KEEPCAPS: case PR_SET_TIMERSLACK:
		if (option != PR_SET_TIMERSLACK && arg > 1) {
			errno = EINVAL;
			return -1;
		}
		prctl_kept(option, arg, 1);
		return 0;
	case PR_GET_NO_NEW_PRIVS: case PR_GET_THP_DISABLE: case PR_GET_KEEPCAPS:
	case PR_GET_TIMERSLACK:
		return (int)prctl_kept(option, 0, 0);
	case PR_GET_CHILD_SUBREAPER:
		*(int *)arg = (int)prctl_kept(option, 0, 0);
		return 0;
	case PR_GET_SECCOMP:
		return 0;
	case PR_CAPBSET_READ: /* root holds every capability */
		return arg <= 40 ? 1 : (errno = EINVAL, -1);
	default:
		errno = EINVAL;
		return -1;
	}
}
