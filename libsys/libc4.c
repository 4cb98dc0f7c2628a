/* More of libc for programs written for Linux: the BSD byte calls of
 * <strings.h>, random/srandom, readv/writev (<sys/uio.h>), basename and
 * dirname (<libgen.h>), setlocale and localeconv (<locale.h>: the "C"
 * locale only), flock (<sys/file.h>: one process's locks, always granted),
 * tmpfile (a memfd_create object). */
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

void srandom(unsigned seed)
{
	while (__atomic_exchange_n(&random_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	random_state = seed;
	__atomic_store_n(&random_lock, 0, __ATOMIC_RELEASE);
}

long random(void)
{
	while (__atomic_exchange_n(&random_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	random_state = random_state * 6364136223846793005ull + 1442695040888963407ull;
	long r = (long)(random_state >> 33) & 0x7fffffff;
	__atomic_store_n(&random_lock, 0, __ATOMIC_RELEASE);
	return r;
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
	if (total <= sizeof small) {
		size_t at = 0;
		for (int i = 0; i < n; i++) {
			memcpy(small + at, iov[i].iov_base, iov[i].iov_len);
			at += iov[i].iov_len;
		}
		return write(fd, small, total);
	}
	ssize_t done = 0;
	for (int i = 0; i < n; i++) {
		if (!iov[i].iov_len)
			continue;
		ssize_t w = write(fd, iov[i].iov_base, iov[i].iov_len);
		if (w < 0)
			return done ? done : -1;
		done += w;
		if ((size_t)w < iov[i].iov_len)
			break;
	}
	return done;
}

/* Fill iov[0..n) in order from fd: the count read (short at EOF or when
 * a read returns less), or -1. */
ssize_t readv(int fd, const struct iovec *iov, int n)
{
	if (n < 0 || n > IOV_MAX) {
		errno = EINVAL;
		return -1;
	}
	ssize_t done = 0;
	for (int i = 0; i < n; i++) {
		if (!iov[i].iov_len)
			continue;
		ssize_t r = read(fd, iov[i].iov_base, iov[i].iov_len);
		if (r < 0)
			return done ? done : -1;
		done += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return done;
}

ssize_t preadv(int fd, const struct iovec *iov, int n, off_t off)
{
	ssize_t done = 0;
	for (int i = 0; i < n; i++) {
		ssize_t r = pread(fd, iov[i].iov_base, iov[i].iov_len, off + done);
		if (r < 0)
			return done ? done : -1;
		done += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return done;
}

ssize_t pwritev(int fd, const struct iovec *iov, int n, off_t off)
{
	ssize_t done = 0;
	for (int i = 0; i < n; i++) {
		ssize_t w = pwrite(fd, iov[i].iov_base, iov[i].iov_len, off + done);
		if (w < 0)
			return done ? done : -1;
		done += w;
		if ((size_t)w < iov[i].iov_len)
			break;
	}
	return done;
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
