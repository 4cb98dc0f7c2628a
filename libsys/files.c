/* Initrd files for programs: open, read, lseek, close (read-only: the
 * initrd is the only file system), the console as fds 0, 1 and 2, and
 * shared memory objects (shm.c: shm_open's descriptors, read-write).
 * A descriptor is a slot of a small table in this process (copied by
 * fork, like Linux's); the pager knows a file by its PG_LIST index. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include "abi/err.h"
#include "lib/string.h"
#include "sys/startup.h"
#include "sys/stdio.h"  /* console_read, console_write */
#include "sys/unistd.h" /* initrd_stat */
#include "libsys.h"

#define FD_MAX LIBSYS_FD_MAX
static struct {
	int used;
	int shm;           /* shm.c's object + 1, or 0: an initrd file */
	unsigned index;    /* PG_LIST index */
	uint64_t size, pos;
} fds[FD_MAX];

/* The file called name: its index and size.  E_NOENT. */
static int find_file(const char *name, unsigned *index, uint64_t *size)
{
	char buf[256];
	for (unsigned i = 0;; i++) {
		int e = initrd_stat(i, buf, sizeof buf, size);
		if (e)
			return e;
		if (!strcmp(buf, name)) {
			*index = i;
			return E_OK;
		}
	}
}

int open(const char *path, int flags, ...)
{
	unsigned index;
	uint64_t size;
	while (*path == '/')
		path++;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) {
		errno = find_file(path, &index, &size) ? ENOENT : EROFS;
		if (flags & O_CREAT)
			errno = EROFS;
		return -1;
	}
	int e = find_file(path, &index, &size);
	if (e)
		return libsys_fail(e);
	for (int fd = 3; fd < FD_MAX; fd++)
		if (!fds[fd].used) {
			fds[fd].used = 1;
			fds[fd].shm = 0;
			fds[fd].index = index;
			fds[fd].size = size;
			fds[fd].pos = 0;
			return fd;
		}
	errno = EMFILE;
	return -1;
}

static int fd_ok(int fd)
{
	return fd >= 3 && fd < FD_MAX && fds[fd].used;
}

uint64_t libsys_fd_file(int fd)
{
	return fd_ok(fd) && !fds[fd].shm ? fds[fd].index + 1ull : 0;
}

int libsys_fd_shm(int fd)
{
	return fd_ok(fd) ? fds[fd].shm : 0;
}

int libsys_fd_new_shm(int shm)
{
	for (int fd = 3; fd < FD_MAX; fd++)
		if (!fds[fd].used) {
			fds[fd].used = 1;
			fds[fd].shm = shm;
			fds[fd].pos = 0;
			return fd;
		}
	errno = EMFILE;
	return -1;
}

/* Up to 4096 bytes of file fd at its position into buf. */
static long read_chunk(int fd, char *buf, size_t n)
{
	if (n > 4096)
		n = 4096;
	struct sys_msg m = { .label = PG_FREAD,
			     .w = { fds[fd].index, fds[fd].pos, n, (uint64_t)buf } };
	int e = libsys_pg_call(&m);
	if (e)
		return -e;
	size_t got = m.w[0] < n ? m.w[0] : n;
	memcpy(buf, sys_ipc_buf, got);
	fds[fd].pos += got;
	return (long)got;
}

ssize_t read(int fd, void *buf, size_t count)
{
	if (fd == 0) {
		int n = console_read(buf, count, 0);
		return n < 0 ? libsys_fail(-n) : n;
	}
	if (!fd_ok(fd)) {
		errno = EBADF;
		return -1;
	}
	if (fds[fd].shm) {
		size_t n = libsys_shm_rw(fds[fd].shm, fds[fd].pos, buf, count, 0);
		fds[fd].pos += n;
		return (ssize_t)n;
	}
	size_t done = 0;
	while (done < count) {
		long n = read_chunk(fd, (char *)buf + done, count - done);
		if (n < 0)
			return done ? (ssize_t)done : libsys_fail((int)-n);
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t write(int fd, const void *buf, size_t count)
{
	if (fd == 1 || fd == 2) {
		int n = console_write(buf, count);
		return n < 0 ? libsys_fail(-n) : n;
	}
	if (fd_ok(fd) && fds[fd].shm) {
		size_t n = libsys_shm_rw(fds[fd].shm, fds[fd].pos, (void *)buf, count, 1);
		fds[fd].pos += n;
		return n || !count ? (ssize_t)n : libsys_fail(E_NOMEM);
	}
	errno = EBADF; /* initrd files are read-only */
	return -1;
}

off_t lseek(int fd, off_t off, int whence)
{
	if (!fd_ok(fd)) {
		errno = fd >= 0 && fd < 3 ? ESPIPE : EBADF;
		return -1;
	}
	uint64_t size = fds[fd].shm ? libsys_shm_size(fds[fd].shm) : fds[fd].size;
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ?
		       (int64_t)fds[fd].pos : whence == SEEK_END ? (int64_t)size : -1;
	if (base < 0 || base + off < 0) {
		errno = EINVAL;
		return -1;
	}
	fds[fd].pos = (uint64_t)(base + off);
	return (off_t)fds[fd].pos;
}

int close(int fd)
{
	if (!fd_ok(fd)) {
		errno = fd >= 0 && fd < 3 ? 0 : EBADF;
		return fd >= 0 && fd < 3 ? 0 : -1;
	}
	fds[fd].used = 0;
	if (fds[fd].shm)
		libsys_shm_close(fds[fd].shm);
	return 0;
}

/* ---- sys/stat.h ---- */

/* *st for a file of mode and size; ino: its PG_LIST index + 1 (0: none). */
static void fill_stat(struct stat *st, mode_t mode, uint64_t size, uint64_t ino)
{
	memset(st, 0, sizeof *st);
	st->st_dev = 1;
	st->st_ino = ino;
	st->st_nlink = 1;
	st->st_mode = mode;
	st->st_size = (off_t)size;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)((size + 511) / 512);
}

int stat(const char *path, struct stat *st)
{
	unsigned index;
	uint64_t size;
	if (!path || !st) {
		errno = EFAULT;
		return -1;
	}
	while (*path == '/')
		path++;
	if (!*path) {
		fill_stat(st, S_IFDIR | 0555, 0, 0);
		return 0;
	}
	int e = find_file(path, &index, &size);
	if (e)
		return libsys_fail(e);
	fill_stat(st, S_IFREG | 0444, size, index + 1ull);
	return 0;
}

int lstat(const char *path, struct stat *st)
{
	return stat(path, st);
}

int fstat(int fd, struct stat *st)
{
	if (!st) {
		errno = EFAULT;
		return -1;
	}
	if (fd >= 0 && fd < 3) {
		fill_stat(st, S_IFCHR | 0620, 0, 0);
		return 0;
	}
	if (!fd_ok(fd)) {
		errno = EBADF;
		return -1;
	}
	if (fds[fd].shm)
		fill_stat(st, S_IFREG | 0600, libsys_shm_size(fds[fd].shm), 0);
	else
		fill_stat(st, S_IFREG | 0444, fds[fd].size, fds[fd].index + 1ull);
	return 0;
}

/* pread/pwrite: at off, the descriptor's position unchanged. */
ssize_t pread(int fd, void *buf, size_t count, off_t off)
{
	if (!fd_ok(fd) || off < 0) {
		errno = fd >= 0 && fd < 3 ? ESPIPE : fd_ok(fd) ? EINVAL : EBADF;
		return -1;
	}
	uint64_t pos = fds[fd].pos;
	fds[fd].pos = (uint64_t)off;
	ssize_t n = read(fd, buf, count);
	fds[fd].pos = pos;
	return n;
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t off)
{
	if (!fd_ok(fd) || off < 0) {
		errno = fd >= 0 && fd < 3 ? ESPIPE : fd_ok(fd) ? EINVAL : EBADF;
		return -1;
	}
	uint64_t pos = fds[fd].pos;
	fds[fd].pos = (uint64_t)off;
	ssize_t n = write(fd, buf, count);
	fds[fd].pos = pos;
	return n;
}
