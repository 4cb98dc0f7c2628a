/* <sys/stat.h>: file status with Linux's x86_64 layout and mode bits.
 * Files are the initrd's (read-only regular files: mode 0444), tmpfs's
 * (0600, directories 0755), the devices and the console (character
 * devices); modes are not kept or changed. */
#ifndef _SYS_STAT_H
#define _SYS_STAT_H

#include <sys/types.h>
#include <time.h>

struct stat {
	dev_t st_dev;
	ino_t st_ino;
	nlink_t st_nlink;
	mode_t st_mode;
	uid_t st_uid;
	gid_t st_gid;
	int __pad0;
	dev_t st_rdev;
	off_t st_size;
	blksize_t st_blksize;
	blkcnt_t st_blocks;   /* 512-byte blocks */
	struct timespec st_atim, st_mtim, st_ctim;
	long __unused[3];
};
#define st_atime st_atim.tv_sec
#define st_mtime st_mtim.tv_sec
#define st_ctime st_ctim.tv_sec

#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISUID  04000
#define S_ISGID  02000
#define S_ISVTX  01000
#define S_IRWXU  0700
#define S_IRUSR  0400
#define S_IWUSR  0200
#define S_IXUSR  0100
#define S_IRWXG  070
#define S_IRGRP  040
#define S_IWGRP  020
#define S_IXGRP  010
#define S_IRWXO  07
#define S_IROTH  04
#define S_IWOTH  02
#define S_IXOTH  01

#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

/* The status of initrd file path ("name" or "/name"; "/" is the one
 * directory) or of open fd.  0, or -1 with ENOENT, EBADF, EFAULT. */
int stat(const char *path, struct stat *st);
int lstat(const char *path, struct stat *st);
int fstat(int fd, struct stat *st);
/* stat of path from directory dirfd (AT_EMPTY_PATH with "": fstat). */
int fstatat(int dirfd, const char *path, struct stat *st, int flags);

/* Modes and times (libsys/libc6.c): files keep neither (one user, no
 * clock on files), so these check the file is there (ENOENT, ENOTDIR,
 * EBADF as stat) and do nothing more.  mkfifo and mknod: EPERM (no FIFOs
 * or device files can be made). */
#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
int chmod(const char *path, mode_t mode);
int fchmod(int fd, mode_t mode);
int fchmodat(int dirfd, const char *path, mode_t mode, int flags);
int futimens(int fd, const struct timespec times[2]);
int utimensat(int dirfd, const char *path, const struct timespec times[2], int flags);
int mkfifo(const char *path, mode_t mode);
int mknod(const char *path, mode_t mode, dev_t dev);

/* A directory made (tmpfs, libsys/tmpfs.c): 0, or -1 with EEXIST, ENOENT
 * (no parent), ENOTDIR, EACCES (under /dev, /proc, /sys), ENAMETOOLONG.
 * mode is not kept (one user). */
int mkdir(const char *path, mode_t mode);
int mkdirat(int dirfd, const char *path, mode_t mode);
/* The mask is kept and returned; nothing applies it (modes are not kept). */
mode_t umask(mode_t mask);

#endif
