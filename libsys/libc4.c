/* More of libc for programs written for Linux: the BSD byte calls of
 * <strings.h>, random/srandom, readv/writev (<sys/uio.h>), basename and
 * dirname (<libgen.h>), setlocale and localeconv (<locale.h>: the "C"
 * locale only), flock (<sys/file.h>: one process's locks, always granted),
 * tmpfile (a memfd_create object), open_memstream and fmemopen (streams
 * over a memfd_create object whose bytes are copied out to the caller's
 * memory at each fflush and at fclose). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include "libsys.h"

void bzero(void *p, size_t n) { memset(p, 0, n); }
void explicit_bzero(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ volatile("" : : "r"(p) : "memory");
}
void bcopy(const void *src, void *dst, size_t n) { memmove(dst, src, n); }
int bcmp(const void *a, const void *b, size_t n) { return memcmp(a, b, n); }
char *index(const char *s, int c) { return strchr(s, c); }
char *rindex(const char *s, int c) { return strrchr(s, c); }

/* random(): a 31-bit generator of its own (not rand's), seeded 1. */
static unsigned long long random_state = 1;
static int random_lock;

static void random_take(void)
{
	while (__atomic_exchange_n(&random_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

void libsys_random_fork(int stage)
{
	if (stage == 0)
		random_take();
	else
		__atomic_store_n(&random_lock, 0, __ATOMIC_RELEASE);
}

void srandom(unsigned seed)
{
	random_take();
	random_state = seed;
	__atomic_store_n(&random_lock, 0, __ATOMIC_RELEASE);
}

long random(void)
{
	random_take();
	random_state = random_state * 6364136223846793005ull + 1442695040888963407ull;
	long r = (long)(random_state >> 33) & 0x7fffffff;
	__atomic_store_n(&random_lock, 0, __ATOMIC_RELEASE);
	return r;
}

enum { IOV_READ, IOV_WRITE, IOV_PREAD, IOV_PWRITE };

/* iov[0..n) in turn through op (pread and pwrite at off and on): the
 * count moved, stopping after a short one, or -1 if the first fails
 * (EINVAL for n outside 0..IOV_MAX). */
static ssize_t iov_each(int fd, const struct iovec *iov, int n, int op, off_t off)
{
	if (n < 0 || n > IOV_MAX) {
		errno = EINVAL;
		return -1;
	}
	ssize_t done = 0;
	for (int i = 0; i < n; i++) {
		void *b = iov[i].iov_base;
		size_t len = iov[i].iov_len;
		if (!len)
			continue;
		ssize_t r = op == IOV_READ  ? read(fd, b, len) :
			    op == IOV_WRITE ? write(fd, b, len) :
			    op == IOV_PREAD ? pread(fd, b, len, off + done) :
					      pwrite(fd, b, len, off + done);
		if (r < 0)
			return done ? done : -1;
		done += r;
		if ((size_t)r < len)
			break;
	}
	return done;
}

/* The bytes of iov[0..n) written in order, as one write when they fit in
 * 4 KiB (so a pipe gets them atomically), else one write each; the count
 * written, or -1 (EINVAL for n outside [0, IOV_MAX] or a total past
 * SSIZE_MAX). */
ssize_t writev(int fd, const struct iovec *iov, int n)
{
	if (n < 0 || n > IOV_MAX) {
		errno = EINVAL;
		return -1;
	}
	size_t total = 0;
	for (int i = 0; i < n; i++) {
		if (iov[i].iov_len > (size_t)SSIZE_MAX - total) {
			errno = EINVAL;
			return -1;
		}
		total += iov[i].iov_len;
	}
	char small[4096];
	if (total <= sizeof small) { /* one write: atomic on a pipe, as Linux's */
		size_t at = 0;
		for (int i = 0; i < n; i++) {
			memcpy(small + at, iov[i].iov_base, iov[i].iov_len);
			at += iov[i].iov_len;
		}
		return write(fd, small, total);
	}
	return iov_each(fd, iov, n, IOV_WRITE, 0);
}

/* Fill iov[0..n) in order from fd: the count read (short at EOF or when
 * a read returns less), or -1. */
ssize_t readv(int fd, const struct iovec *iov, int n)
{
	return iov_each(fd, iov, n, IOV_READ, 0);
}

ssize_t preadv(int fd, const struct iovec *iov, int n, off_t off)
{
	return iov_each(fd, iov, n, IOV_PREAD, off);
}

ssize_t pwritev(int fd, const struct iovec *iov, int n, off_t off)
{
	return iov_each(fd, iov, n, IOV_PWRITE, off);
}

/* POSIX basename: the last component of path (trailing slashes cut off in
 * place), "/" for "/", "." for NULL or "". */
char *basename(char *path)
{
	static char dot[] = ".";
	if (!path || !*path)
		return dot;
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	char *s = strrchr(path, '/');
	return s && s[1] ? s + 1 : path;
}

/* POSIX dirname: path up to its last component (cut in place), "." when
 * it has no slash, "/" for the root. */
char *dirname(char *path)
{
	static char dot[] = ".";
	if (!path || !*path)
		return dot;
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	if (n == 0)
		return dot;
	while (n > 1 && path[n - 1] == '/')
		n--;
	path[n] = '\0';
	return path;
}

/* Only the "C" (alias "POSIX", or "" for the environment's, which is C)
 * locale exists: its name, or NULL for another. */
char *setlocale(int category, const char *locale)
{
	static char c[] = "C";
	if (category < LC_CTYPE || category > LC_IDENTIFICATION) {
		errno = EINVAL;
		return NULL;
	}
	if (!locale || !*locale || !strcmp(locale, "C") || !strcmp(locale, "POSIX") ||
	    !strcmp(locale, "C.UTF-8") || !strcmp(locale, "C.utf8"))
		return c;
	return NULL;
}

struct lconv *localeconv(void)
{
	static struct lconv l = {
		".", "", "", "", "", "", "", "", "", "",
		CHAR_MAX, CHAR_MAX, CHAR_MAX, CHAR_MAX, CHAR_MAX, CHAR_MAX, CHAR_MAX,
		CHAR_MAX, CHAR_MAX, CHAR_MAX, CHAR_MAX, CHAR_MAX, CHAR_MAX, CHAR_MAX,
	};
	return &l;
}

/* flock: granted at once for an open descriptor (a lock only matters
 * between processes sharing a file, and files here are read-only or
 * shared memory); EBADF, EINVAL for a bad operation. */
int flock(int fd, int op)
{
	if (fcntl(fd, F_GETFD) < 0)
		return -1;
	int kind = op & ~LOCK_NB;
	if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* A stream over a new nameless memory object, read-write, gone when
 * closed; NULL (errno) when none can be made. */
FILE *tmpfile(void)
{
	int fd = memfd_create("tmpfile", MFD_CLOEXEC);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "w+");
	if (!f)
		close(fd);
	return f;
}

/* The bytes of memory object fd, [0, n), into buf: n read. */
static size_t copy_out(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

struct memstream {
	char **ptr;
	size_t *size;
};

/* open_memstream's sync: *ptr a malloc'd copy of the bytes written (NUL
 * after them), *size the stream's position. */
static void memstream_sync(int fd, void *arg, int closing)
{
	struct memstream *ms = arg;
	off_t pos = lseek(fd, 0, SEEK_CUR), end = lseek(fd, 0, SEEK_END);
	lseek(fd, pos, SEEK_SET);
	if (pos >= 0 && end >= 0) {
		char *b = realloc(*ms->ptr, (size_t)end + 1);
		if (b) {
			size_t n = copy_out(fd, b, (size_t)end);
			b[n] = '\0';
			*ms->ptr = b;
			*ms->size = (size_t)pos < n ? (size_t)pos : n;
		}
	}
	if (closing)
		free(ms);
}

/* A write-only stream whose bytes the caller finds in *ptr (malloc'd: the
 * caller frees it) and their count in *size after fflush or fclose. */
FILE *open_memstream(char **ptr, size_t *size)
{
	if (!ptr || !size) {
		errno = EINVAL;
		return NULL;
	}
	struct memstream *ms = malloc(sizeof *ms);
	char *b = malloc(1);
	int fd = ms && b ? memfd_create("memstream", MFD_CLOEXEC) : -1;
	FILE *f = fd >= 0 ? libsys_stream_synced(fd, "w", memstream_sync, ms) : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		free(ms);
		free(b);
		errno = ENOMEM;
		return NULL;
	}
	b[0] = '\0';
	*ptr = b;
	*size = 0;
	ms->ptr = ptr;
	ms->size = size;
	return f;
}

struct fmem {
	char *buf;
	size_t size;
	int own, writes;
};

/* fmemopen's sync: what was written back into the buffer (at most its
 * size: bytes past it are lost), a NUL after it when there is room. */
static void fmem_sync(int fd, void *arg, int closing)
{
	struct fmem *m = arg;
	if (m->writes) {
		off_t end = lseek(fd, 0, SEEK_END);
		size_t n = end < 0 ? 0 : (size_t)end < m->size ? (size_t)end : m->size;
		n = copy_out(fd, m->buf, n);
		if (n < m->size)
			m->buf[n] = '\0';
	}
	if (closing) {
		if (m->own)
			free(m->buf);
		free(m);
	}
}

/* A stream over buf's size bytes (a buffer of its own for NULL): "r"
 * reads them, "w" writes from the start, "a" from its first NUL; "+"
 * both (size 0: nothing to read or keep, as glibc's).  EINVAL for a bad
 * mode. */
FILE *fmemopen(void *buf, size_t size, const char *mode)
{
	if (!mode || !mode[0] || !strchr("rwa", mode[0])) {
		errno = EINVAL;
		return NULL;
	}
	struct fmem *m = calloc(1, sizeof *m);
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->buf = buf;
	m->size = size;
	m->writes = mode[0] != 'r' || strchr(mode, '+') != NULL;
	if (!buf) {
		m->buf = calloc(1, size ? size : 1);
		m->own = 1;
	}
	int fd = m->buf ? memfd_create("fmemopen", MFD_CLOEXEC) : -1;
	if (fd < 0) {
		if (m->own)
			free(m->buf);
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	size_t start = mode[0] == 'r' ? size : mode[0] == 'a' ? strnlen(m->buf, size) : 0;
	if (mode[0] == 'w' && size)
		m->buf[0] = '\0';
	if (start && write(fd, m->buf, start) != (ssize_t)start) {
		close(fd);
		fmem_sync(-1, m, 0), m->writes = 0, fmem_sync(-1, m, 1);
		errno = ENOMEM;
		return NULL;
	}
	lseek(fd, mode[0] == 'a' ? (off_t)start : 0, SEEK_SET);
	FILE *f = libsys_stream_synced(fd, mode, fmem_sync, m);
	if (!f) {
		close(fd);
		if (m->own)
			free(m->buf);
		free(m);
	}
	return f;
}
