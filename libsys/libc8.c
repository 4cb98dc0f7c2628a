/* More of libc for Linux programs that called it and did not link or
 * got the wrong answer (the linuxprobe list, docs/ARCHITECTURE.md):
 * fcntl's record locks and pipe sizes, confstr, glibc's <error.h>,
 * sigabbrev_np/sigdescr_np, personality, sendfile and copy_file_range,
 * the read-write lock attribute's kind. */
#define _GNU_SOURCE
#include <errno.h>
#include <error.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/sendfile.h>
#include <sys/time.h>
#include <time.h>
#include <arpa/inet.h>
#include <stdint.h>
#include <unistd.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "abi/syscall.h"
#include "sys/unistd.h"
#include "libsys.h"

/* ---- fcntl: the commands files.c leaves to us (its lock held: nothing
 * here may take a descriptor) ---- */

/* A record lock struct flock: EFAULT without one, EINVAL for a bad type
 * or whence; else granted (as flock: one process's lock is never checked
 * against another's), F_GETLK saying nothing is in the way. */
static int record_lock(int cmd, struct flock *fl)
{
	if (!fl) {
		errno = EFAULT;
		return -1;
	}
	if ((fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK) ||
	    fl->l_whence < SEEK_SET || fl->l_whence > SEEK_END) {
		errno = EINVAL;
		return -1;
	}
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		if (fl->l_type == F_UNLCK) { /* Linux: F_GETLK of F_UNLCK is EINVAL */
			errno = EINVAL;
			return -1;
		}
		fl->l_type = F_UNLCK;
	}
	return 0;
}

/* fcntl cmd (not one files.c keeps) on a valid descriptor: record locks,
 * F_GETPIPE_SZ/F_SETPIPE_SZ (a pipe holds 64 KiB), F_GETOWN/F_SETOWN and
 * F_GETSIG/F_SETSIG (kept, nothing sends SIGIO), F_GETLEASE (F_UNLCK);
 * sealing and the rest EINVAL. */
int libsys_fcntl_more(int cmd, long arg)
{
	static int owner, iosig;
	switch (cmd) {
	case F_GETLK: case F_SETLK: case F_SETLKW:
	case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW:
		return record_lock(cmd, (struct flock *)arg);
	case F_GETPIPE_SZ:
		return 65536;
	case F_SETPIPE_SZ:
		if (arg > 65536) {
			errno = EPERM;
			return -1;
		}
		return 65536;
	case F_SETOWN: owner = (int)arg; return 0;
	case F_GETOWN: return owner;
	case F_SETSIG: iosig = (int)arg; return 0;
	case F_GETSIG: return iosig;
	case F_GETLEASE: return F_UNLCK;
	default:
		errno = EINVAL;
		return -1;
	}
}

/* ---- unistd.h: confstr ---- */

/* The value of configuration string name copied to buf (at most len
 * bytes, cut and terminated); its full size with the '\0', or 0 with
 * EINVAL for an unknown name. */
size_t confstr(int name, char *buf, size_t len)
{
	const char *v;
	switch (name) {
	case _CS_PATH: v = "/bin:/usr/bin"; break;
	case _CS_GNU_LIBC_VERSION: v = "glibc 2.36"; break;
	case _CS_GNU_LIBPTHREAD_VERSION: v = "NPTL 2.36"; break;
	default:
		errno = EINVAL;
		return 0;
	}
	size_t n = strlen(v) + 1;
	if (buf && len) {
		size_t c = n < len ? n : len;
		memcpy(buf, v, c - 1);
		buf[c - 1] = '\0';
	}
	return n;
}

/* ---- error.h, as glibc's ---- */

unsigned int error_message_count;
int error_one_per_line;
void (*error_print_progname)(void);

/* "name: [file:line: ]message[: strerror(errnum)]\n" on stderr, stdout
 * flushed first; exit(status) unless status is 0. */
static void error_v(int status, int errnum, const char *file, unsigned line,
		    const char *fmt, va_list ap)
{
	fflush(stdout);
	if (error_print_progname)
		error_print_progname();
	else /* glibc: "name: message", "name:file:line: message" */
		fprintf(stderr, file ? "%s:" : "%s: ", program_invocation_name);
	if (file)
		fprintf(stderr, "%s:%u: ", file, line);
	vfprintf(stderr, fmt, ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
	error_message_count++;
	if (status)
		exit(status);
}

void error(int status, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_v(status, errnum, NULL, 0, fmt, ap);
	va_end(ap);
}

/* error with the place; with error_one_per_line a second message for the
 * same place in a row is not printed. */
void error_at_line(int status, int errnum, const char *file, unsigned line,
		   const char *fmt, ...)
{
	static const char *last_file;
	static unsigned last_line;
	if (error_one_per_line && last_file && file && line == last_line &&
	    strcmp(file, last_file) == 0) {
		if (status)
			exit(status);
		return;
	}
	last_file = file;
	last_line = line;
	va_list ap;
	va_start(ap, fmt);
	error_v(status, errnum, file, line, fmt, ap);
	va_end(ap);
}

/* ---- string.h: signal names (glibc 2.32) ---- */

/* "SEGV" for SIGSEGV (no "SIG"), "RTMIN+n"/"RTMAX-n"; NULL if sig is none. */
const char *sigabbrev_np(int sig)
{
	static const char *const abbrev[] = {
		NULL, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
		"USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT",
		"STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF",
		"WINCH", "IO", "PWR", "SYS",
	};
	if (sig > 0 && sig < (int)(sizeof abbrev / sizeof abbrev[0]))
		return abbrev[sig];
	return NULL;
}

/* strsignal's text for a known signal, NULL else. */
const char *sigdescr_np(int sig)
{
	if (sig <= 0 || sig >= NSIG)
		return NULL;
	return strsignal(sig);
}

/* ---- sys/personality.h ---- */

/* The execution domain: PER_LINUX with the flags set before; 0xffffffff
 * only asks.  The flags are kept (ADDR_NO_RANDOMIZE changes nothing:
 * addresses are not randomised). */
int personality(unsigned long persona)
{
	static unsigned long current = PER_LINUX;
	unsigned long old = current;
	if (persona != 0xffffffffUL)
		current = persona;
	return (int)old;
}

/* ---- sys/sendfile.h ---- */

/* Up to count bytes from in (at *off, which moves, or its position) to
 * out, through a buffer; the bytes copied, or -1 with the first call's
 * error (then nothing was copied). */
ssize_t sendfile(int out, int in, off_t *off, size_t count)
{
	char buf[4096];
	size_t done = 0;
	while (done < count) {
		size_t want = count - done < sizeof buf ? count - done : sizeof buf;
		ssize_t n = off ? pread(in, buf, want, *off) : read(in, buf, want);
		if (n <= 0) {
			if (n < 0 && done == 0)
				return -1;
			break;
		}
		ssize_t w = 0;
		while (w < n) {
			ssize_t k = write(out, buf + w, (size_t)(n - w));
			if (k < 0) {
				if (done == 0 && w == 0)
					return -1;
				if (off)
					*off += w;
				return (ssize_t)(done + (size_t)w);
			}
			w += k;
		}
		if (off)
			*off += n;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* copy_file_range: sendfile between two files, each from *off (moved) or
 * its position; flags must be 0 (EINVAL). */
ssize_t copy_file_range(int in, loff_t *in_off, int out, loff_t *out_off, size_t len,
			unsigned flags)
{
	if (flags) {
		errno = EINVAL;
		return -1;
	}
	char buf[4096];
	size_t done = 0;
	while (done < len) {
		size_t want = len - done < sizeof buf ? len - done : sizeof buf;
		ssize_t n = in_off ? pread(in, buf, want, *in_off) : read(in, buf, want);
		if (n <= 0) {
			if (n < 0 && done == 0)
				return -1;
			break;
		}
		ssize_t w = out_off ? pwrite(out, buf, (size_t)n, *out_off) : write(out, buf, (size_t)n);
		if (w < 0) {
			if (done == 0)
				return -1;
			break;
		}
		if (in_off)
			*in_off += w;
		if (out_off)
			*out_off += w;
		done += (size_t)w;
		if (w < n)
			break;
	}
	return (ssize_t)done;
}

/* ---- pthread.h: the read-write lock attribute's kind (glibc's _np):
 * kept in the attribute; every lock of libsys prefers no side. ---- */

int pthread_rwlockattr_setkind_np(pthread_rwlockattr_t *a, int kind)
{
	if (kind < PTHREAD_RWLOCK_PREFER_READER_NP ||
	    kind > PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP)
		return EINVAL;
	a->unused = kind;
	return 0;
}

int pthread_rwlockattr_getkind_np(const pthread_rwlockattr_t *a, int *kind)
{
	*kind = a->unused;
	return 0;
}

/* ---- sched.h: CPU_ALLOC, CPU_FREE ---- */

void *__sched_cpualloc(size_t count)
{
	return calloc(1, CPU_ALLOC_SIZE(count));
}

void __sched_cpufree(void *set)
{
	free(set);
}

/* ---- arpa/inet.h ---- */

/* A dotted quad "a.b.c.d" (each 0..255, decimal) into *out (network
 * order): 1, or 0 if src is not one. */
static int quad_read(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	for (int part = 0; part < 4; part++) {
		if (*s < '0' || *s > '9')
			return 0;
		unsigned n = 0;
		int digits = 0;
		while (*s >= '0' && *s <= '9') {
			n = n * 10 + (unsigned)(*s++ - '0');
			if (++digits > 3 || n > 255)
				return 0;
		}
		v = v << 8 | n;
		if (part < 3 && *s++ != '.')
			return 0;
	}
	if (*s)
		return 0;
	*out = htonl(v);
	return 1;
}

/* An IPv6 address in its eight-group text (with one "::") into out. */
static int six_read(const char *s, uint8_t out[16])
{
	uint16_t g[8];
	int n = 0, gap = -1;
	if (s[0] == ':' && s[1] == ':') {
		gap = 0;
		s += 2;
	}
	while (*s && n < 8) {
		unsigned v = 0;
		int d = 0;
		while (d < 4 && ((*s >= '0' && *s <= '9') || ((*s | 32) >= 'a' && (*s | 32) <= 'f'))) {
			v = v * 16 + (unsigned)(*s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10);
			s++, d++;
		}
		if (!d)
			return 0;
		g[n++] = (uint16_t)v;
		if (!*s)
			break;
		if (*s++ != ':')
			return 0;
		if (*s == ':') {
			if (gap >= 0)
				return 0;
			gap = n;
			s++;
		} else if (!*s) {
			return 0;
		}
	}
	if (*s || (gap < 0 && n != 8) || (gap >= 0 && n > 7))
		return 0;
	uint16_t full[8] = { 0 };
	int tail = gap < 0 ? 0 : n - gap;
	for (int i = 0; i < n - tail; i++)
		full[i] = g[i];
	for (int i = 0; i < tail; i++)
		full[8 - tail + i] = g[n - tail + i];
	for (int i = 0; i < 8; i++) {
		out[2 * i] = (uint8_t)(full[i] >> 8);
		out[2 * i + 1] = (uint8_t)full[i];
	}
	return 1;
}

int inet_pton(int af, const char *src, void *dst)
{
	if (af == AF_INET) {
		uint32_t v;
		if (!quad_read(src, &v))
			return 0;
		memcpy(dst, &v, 4);
		return 1;
	}
	if (af == AF_INET6)
		return six_read(src, dst);
	errno = EAFNOSUPPORT;
	return -1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	char buf[48];
	const uint8_t *b = src;
	if (af == AF_INET)
		snprintf(buf, sizeof buf, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	else if (af == AF_INET6)
		snprintf(buf, sizeof buf, "%x:%x:%x:%x:%x:%x:%x:%x", b[0] << 8 | b[1], b[2] << 8 | b[3],
			 b[4] << 8 | b[5], b[6] << 8 | b[7], b[8] << 8 | b[9], b[10] << 8 | b[11],
			 b[12] << 8 | b[13], b[14] << 8 | b[15]);
	else {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if (strlen(buf) + 1 > size) {
		errno = ENOSPC;
		return NULL;
	}
	strcpy(dst, buf);
	return dst;
}

int inet_aton(const char *cp, struct in_addr *inp)
{
	uint32_t v;
	if (!quad_read(cp, &v))
		return 0;
	inp->s_addr = v;
	return 1;
}

in_addr_t inet_addr(const char *cp)
{
	uint32_t v;
	return quad_read(cp, &v) ? v : INADDR_NONE;
}

char *inet_ntoa(struct in_addr in)
{
	static char buf[16];
	inet_ntop(AF_INET, &in, buf, sizeof buf);
	return buf;
}

/* ---- string.h: errno names (glibc 2.32) ---- */

/* "ENOMEM" for ENOMEM; NULL for a number that is no error. */
const char *strerrorname_np(int e)
{
	static const char *const names[] = {
	[1] = "EPERM",
	[2] = "ENOENT",
	[3] = "ESRCH",
	[4] = "EINTR",
	[5] = "EIO",
	[6] = "ENXIO",
	[7] = "E2BIG",
	[8] = "ENOEXEC",
	[9] = "EBADF",
	[10] = "ECHILD",
	[11] = "EAGAIN",
	[12] = "ENOMEM",
	[13] = "EACCES",
	[14] = "EFAULT",
	[15] = "ENOTBLK",
	[16] = "EBUSY",
	[17] = "EEXIST",
	[18] = "EXDEV",
	[19] = "ENODEV",
	[20] = "ENOTDIR",
	[21] = "EISDIR",
	[22] = "EINVAL",
	[23] = "ENFILE",
	[24] = "EMFILE",
	[25] = "ENOTTY",
	[26] = "ETXTBSY",
	[27] = "EFBIG",
	[28] = "ENOSPC",
	[29] = "ESPIPE",
	[30] = "EROFS",
	[31] = "EMLINK",
	[32] = "EPIPE",
	[33] = "EDOM",
	[34] = "ERANGE",
	[35] = "EDEADLK",
	[36] = "ENAMETOOLONG",
	[37] = "ENOLCK",
	[38] = "ENOSYS",
	[39] = "ENOTEMPTY",
	[40] = "ELOOP",
	[42] = "ENOMSG",
	[43] = "EIDRM",
	[60] = "ENOSTR",
	[61] = "ENODATA",
	[62] = "ETIME",
	[71] = "EPROTO",
	[74] = "EBADMSG",
	[75] = "EOVERFLOW",
	[84] = "EILSEQ",
	[88] = "ENOTSOCK",
	[90] = "EMSGSIZE",
	[91] = "EPROTOTYPE",
	[92] = "ENOPROTOOPT",
	[93] = "EPROTONOSUPPORT",
	[94] = "ESOCKTNOSUPPORT",
	[95] = "EOPNOTSUPP",
	[97] = "EAFNOSUPPORT",
	[98] = "EADDRINUSE",
	[101] = "ENETUNREACH",
	[104] = "ECONNRESET",
	[105] = "ENOBUFS",
	[106] = "EISCONN",
	[107] = "ENOTCONN",
	[110] = "ETIMEDOUT",
	[111] = "ECONNREFUSED",
	[113] = "EHOSTUNREACH",
	[114] = "EALREADY",
	[115] = "EINPROGRESS",
	[122] = "EDQUOT",
	[125] = "ECANCELED",
	[130] = "EOWNERDEAD",
	[131] = "ENOTRECOVERABLE",
	};
	if (e < 0 || e >= (int)(sizeof names / sizeof names[0]))
		return NULL;
	return names[e];
}

/* strerror's text for a known error, NULL else. */
const char *strerrordesc_np(int e)
{
	return strerrorname_np(e) ? strerror(e) : NULL;
}

/* ---- sys/time.h: ITIMER_VIRTUAL and ITIMER_PROF ---- */

/* Each is a POSIX timer on the process's CPU-time clock
 * (CLOCK_PROCESS_CPUTIME_ID: every thread's, all counted as user time, so
 * ITIMER_VIRTUAL and ITIMER_PROF count alike) sending SIGVTALRM or
 * SIGPROF, made on first use by this process (a fork child has none, as
 * Linux's): neither runs on while the process sleeps. */
int libsys_itimer_cpu(int which, const struct itimerval *nv, struct itimerval *ov,
		      struct itimerval *cur)
{
	static timer_t tid[2];
	static pid_t owner[2];
	int i = which == ITIMER_PROF;
	if (nv && (nv->it_value.tv_sec < 0 || nv->it_value.tv_usec < 0 ||
		   nv->it_value.tv_usec >= 1000000 || nv->it_interval.tv_sec < 0 ||
		   nv->it_interval.tv_usec < 0 || nv->it_interval.tv_usec >= 1000000)) {
		errno = EINVAL;
		return -1;
	}
	if (owner[i] != getpid()) {
		if (!nv) { /* never set here: all zero */
			memset(cur, 0, sizeof *cur);
			return 0;
		}
		struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL,
				       .sigev_signo = i ? SIGPROF : SIGVTALRM };
		if (timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &tid[i]) != 0)
			return -1;
		owner[i] = getpid();
	}
	struct itimerspec now, set;
	if (timer_gettime(tid[i], &now) != 0)
		return -1;
	struct itimerval *out = nv ? ov : cur;
	if (out) {
		out->it_value.tv_sec = now.it_value.tv_sec;
		out->it_value.tv_usec = now.it_value.tv_nsec / 1000;
		out->it_interval.tv_sec = now.it_interval.tv_sec;
		out->it_interval.tv_usec = now.it_interval.tv_nsec / 1000;
	}
	if (!nv)
		return 0;
	set.it_value.tv_sec = nv->it_value.tv_sec;
	set.it_value.tv_nsec = nv->it_value.tv_usec * 1000;
	set.it_interval.tv_sec = nv->it_interval.tv_sec;
	set.it_interval.tv_nsec = nv->it_interval.tv_usec * 1000;
	return timer_settime(tid[i], 0, &set, NULL);
}

/* ---- sys/mman.h: MADV_REMOVE ---- */

/* Linux frees the backing store of [addr, addr + len) of a shared
 * writable mapping (shared memory, a tmpfs file): every sharer then reads
 * zeros.  Here the range is zeroed in place (the frames stay the
 * object's).  EINVAL unaligned or a private mapping in it, EACCES one
 * not writable, ENOMEM a hole. */
int libsys_madv_remove(void *addr, size_t len)
{
	uint64_t s = (uint64_t)addr, e = s + ((len + 4095) & ~(size_t)4095);
	if ((s & 4095) || e < s) {
		errno = EINVAL;
		return -1;
	}
	struct pg_region_info v[32];
	uint64_t from = 0, at = s;
	size_t got;
	while (at < e) {
		if (pager_pmap_from((uint32_t)getpid(), from, v, 32, &got) != E_OK || !got) {
			errno = ENOMEM;
			return -1;
		}
		for (size_t i = 0; i < got && at < e; i++) {
			if (v[i].end <= at)
				continue;
			if (v[i].start > at) {
				errno = ENOMEM;
				return -1;
			}
			if (v[i].backing != PG_BACK_SHARED || v[i].priv) {
				errno = EINVAL;
				return -1;
			}
			if (!(v[i].rights & MAP_W)) {
				errno = EACCES;
				return -1;
			}
			at = v[i].end;
		}
		from = v[got - 1].end;
		if (got < 32 && at < e) {
			errno = ENOMEM;
			return -1;
		}
	}
	memset(addr, 0, (size_t)(e - s));
	return 0;
}
