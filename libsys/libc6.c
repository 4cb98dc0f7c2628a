/* More of glibc for Linux programs: mallinfo and friends (<malloc.h>),
 * statvfs and statfs (<sys/statvfs.h>, <sys/statfs.h>), backtrace
 * (<execinfo.h>), the calls about modes, owners, times and links that
 * nothing here keeps (chmod, chown, utime, link, ...). */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <stdlib.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <fcntl.h>
#include <unistd.h>
#include <utime.h>
#include <linux/magic.h>
#include "abi/pager.h"
#include "sys/malloc.h"
#include "sys/unistd.h" /* pager_stats */
#include "libsys.h"

struct mallinfo2 mallinfo2(void)
{
	struct mallinfo2 m = { 0 };
	libsys_heap_lock();
	m.arena = heap_size();
	m.fordblks = heap_free_bytes();
	libsys_heap_unlock();
	m.uordblks = m.arena - m.fordblks;
	m.ordblks = m.fordblks != 0;
	return m;
}

/* (int fields: clamped, where glibc's wrap) */
static int clamp(size_t v)
{
	return v > 0x7fffffff ? 0x7fffffff : (int)v;
}

struct mallinfo mallinfo(void)
{
	struct mallinfo2 m = mallinfo2();
	return (struct mallinfo){ .arena = clamp(m.arena), .ordblks = clamp(m.ordblks),
				  .uordblks = clamp(m.uordblks), .fordblks = clamp(m.fordblks) };
}

void malloc_stats(void)
{
	struct mallinfo2 m = mallinfo2();
	fprintf(stderr, "Arena 0:\nsystem bytes     = %10zu\nin use bytes     = %10zu\n"
		"Total (incl. mmap):\nsystem bytes     = %10zu\nin use bytes     = %10zu\n"
		"max mmap regions = %10u\nmax mmap bytes   = %10u\n",
		m.arena, m.uordblks, m.arena, m.uordblks, 0u, 0u);
}

int malloc_trim(size_t pad)
{
	(void)pad;
	return 0;
}

int mallopt(int param, int value)
{
	(void)value;
	return param >= M_ARENA_MAX && param <= M_MXFAST;
}

/* What every file system here reports (all of them are memory), for
 * path's (or fd's: fd >= 0) file system; -1 ENOENT, EBADF, EFAULT as
 * stat says.  The blocks are the files' total (half of memory, as Linux's
 * tmpfs) and what of it is not in use. */
static int fs_info(const char *path, int fd, struct statfs *f)
{
	struct stat st;
	struct pg_stats ps;
	if ((fd >= 0 ? fstat(fd, &st) : stat(path, &st)) != 0)
		return -1;
	if (pager_stats(&ps) != E_OK) {
		errno = EIO;
		return -1;
	}
	memset(f, 0, sizeof *f);
	f->f_type = TMPFS_MAGIC;
	if (path && (strncmp(path, "/proc", 5) == 0 && (!path[5] || path[5] == '/')))
		f->f_type = PROC_SUPER_MAGIC;
	else if (path && (strncmp(path, "/sys", 4) == 0 && (!path[4] || path[4] == '/')))
		f->f_type = SYSFS_MAGIC;
	f->f_bsize = f->f_frsize = 4096;
	f->f_blocks = ps.tmpfs_limit;
	f->f_bfree = f->f_bavail = ps.tmpfs_limit > ps.tmpfs_frames ?
				   ps.tmpfs_limit - ps.tmpfs_frames : 0;
	f->f_files = f->f_blocks; /* as Linux's tmpfs: half the pages */
	f->f_ffree = f->f_files;
	f->f_namelen = 255;
	return 0;
}

int statfs(const char *path, struct statfs *buf)
{
	if (!buf) {
		errno = EFAULT;
		return -1;
	}
	return fs_info(path, -1, buf);
}

int fstatfs(int fd, struct statfs *buf)
{
	if (!buf) {
		errno = EFAULT;
		return -1;
	}
	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	return fs_info(NULL, fd, buf);
}

static void vfs_of(const struct statfs *f, struct statvfs *v)
{
	memset(v, 0, sizeof *v);
	v->f_bsize = (unsigned long)f->f_bsize;
	v->f_frsize = (unsigned long)f->f_frsize;
	v->f_blocks = f->f_blocks;
	v->f_bfree = f->f_bfree;
	v->f_bavail = f->f_bavail;
	v->f_files = f->f_files;
	v->f_ffree = v->f_favail = f->f_ffree;
	v->f_flag = ST_NOSUID;
	v->f_namemax = (unsigned long)f->f_namelen;
}

int statvfs(const char *path, struct statvfs *buf)
{
	struct statfs f;
	if (!buf) {
		errno = EFAULT;
		return -1;
	}
	if (statfs(path, &f) != 0)
		return -1;
	vfs_of(&f, buf);
	return 0;
}

int fstatvfs(int fd, struct statvfs *buf)
{
	struct statfs f;
	if (!buf) {
		errno = EFAULT;
		return -1;
	}
	if (fstatfs(fd, &f) != 0)
		return -1;
	vfs_of(&f, buf);
	return 0;
}

/* ---- <execinfo.h> ---- */

__attribute__((noinline)) int backtrace(void **buffer, int size)
{
	if (size <= 0 || !buffer)
		return 0;
	buffer[0] = __builtin_return_address(0);
	return 1;
}

#define SYM_LEN 24 /* "[0x" + 16 digits + "]" + NUL, rounded */

char **backtrace_symbols(void *const *buffer, int size)
{
	if (size < 0)
		size = 0;
	char **v = malloc((size_t)size * (sizeof(char *) + SYM_LEN) + 1);
	if (!v)
		return NULL;
	char *s = (char *)(v + size);
	for (int i = 0; i < size; i++, s += SYM_LEN) {
		snprintf(s, SYM_LEN, "[%p]", buffer[i]);
		v[i] = s;
	}
	return v;
}

void backtrace_symbols_fd(void *const *buffer, int size, int fd)
{
	for (int i = 0; i < size; i++)
		dprintf(fd, "[%p]\n", buffer[i]);
}

/* ---- modes, owners, times and links: none kept ---- */

/* 0 if path (from dirfd) or fd (path NULL) names a file; -1 with stat's
 * errno. */
static int there(int dirfd, const char *path, int fd, int flags)
{
	struct stat st;
	if (!path)
		return fstat(fd, &st);
	return fstatat(dirfd, path, &st, flags & (AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH));
}

int chmod(const char *path, mode_t mode)
{
	(void)mode;
	return there(AT_FDCWD, path, -1, 0);
}

int fchmod(int fd, mode_t mode)
{
	(void)mode;
	return there(AT_FDCWD, NULL, fd, 0);
}

int fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
	(void)mode;
	return there(dirfd, path, -1, flags);
}

int chown(const char *path, uid_t uid, gid_t gid)
{
	(void)uid, (void)gid;
	return there(AT_FDCWD, path, -1, 0);
}

int fchown(int fd, uid_t uid, gid_t gid)
{
	(void)uid, (void)gid;
	return there(AT_FDCWD, NULL, fd, 0);
}

int lchown(const char *path, uid_t uid, gid_t gid)
{
	(void)uid, (void)gid;
	return there(AT_FDCWD, path, -1, AT_SYMLINK_NOFOLLOW);
}

int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags)
{
	(void)uid, (void)gid;
	return there(dirfd, path, -1, flags);
}

int utime(const char *path, const struct utimbuf *times)
{
	(void)times;
	return there(AT_FDCWD, path, -1, 0);
}

int utimes(const char *path, const struct timeval tv[2])
{
	(void)tv;
	return there(AT_FDCWD, path, -1, 0);
}

int lutimes(const char *path, const struct timeval tv[2])
{
	(void)tv;
	return there(AT_FDCWD, path, -1, AT_SYMLINK_NOFOLLOW);
}

int futimes(int fd, const struct timeval tv[2])
{
	(void)tv;
	return there(AT_FDCWD, NULL, fd, 0);
}

int futimens(int fd, const struct timespec times[2])
{
	(void)times;
	return there(AT_FDCWD, NULL, fd, 0);
}

int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags)
{
	(void)times;
	return path ? there(dirfd, path, -1, flags) : there(AT_FDCWD, NULL, dirfd, 0);
}

/* EEXIST if path (from dirfd) is in use, else EPERM: nothing here can
 * make it (a FIFO, a device, a link). */
static int cannot_make(int dirfd, const char *path)
{
	struct stat st;
	if (fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	errno = EPERM;
	return -1;
}

int mkfifo(const char *path, mode_t mode)
{
	(void)mode;
	return cannot_make(AT_FDCWD, path);
}

int mknod(const char *path, mode_t mode, dev_t dev)
{
	(void)mode, (void)dev;
	return cannot_make(AT_FDCWD, path);
}

int linkat(int olddirfd, const char *old, int newdirfd, const char *new, int flags)
{
	if (there(olddirfd, old, -1, flags & AT_EMPTY_PATH))
		return -1;
	return cannot_make(newdirfd, new);
}

int link(const char *old, const char *new)
{
	return linkat(AT_FDCWD, old, AT_FDCWD, new, 0);
}

int symlinkat(const char *target, int dirfd, const char *path)
{
	(void)target;
	return cannot_make(dirfd, path);
}

int symlink(const char *target, const char *path)
{
	return symlinkat(target, AT_FDCWD, path);
}
