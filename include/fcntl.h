/* open for the initrd's files (read-only), tmpfs's files and directories
 * (libsys/tmpfs.c: writable, in memory, shared by every process), the
 * devices, /proc and /sys; fcntl on any descriptor. */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <sys/types.h>

#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR   2
#define O_ACCMODE 3
#define O_CREAT  0100
#define O_EXCL   0200
#define O_TRUNC  01000
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_NDELAY  O_NONBLOCK
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_DSYNC   010000
#define O_SYNC    04010000
#define O_NOCTTY  0400
#define O_LARGEFILE 0
#define O_CLOEXEC 02000000
#define AT_FDCWD   (-100) /* the *at calls' dirfd: the current directory */
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_EACCESS 0x200
#define AT_REMOVEDIR 0x200
#define AT_EMPTY_PATH 0x1000

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1
#define O_ASYNC   020000
#define O_DIRECT  040000
#define O_NOATIME 01000000
#define O_PATH    010000000
#define O_TMPFILE (020000000 | O_DIRECTORY)
#define O_RSYNC   O_SYNC
#define O_FSYNC   O_SYNC

/* Record locks (libsys/libc8.c): every process is granted any lock at
 * once, as flock (nothing checks one process's lock against another's);
 * F_GETLK answers F_UNLCK.  EINVAL for a bad l_type or l_whence, EFAULT
 * for no struct, EBADF.  F_OFD_* the same. */
#define F_GETLK  5
#define F_SETLK  6
#define F_SETLKW 7
#define F_SETOWN 8
#define F_GETOWN 9
#define F_SETSIG 10
#define F_GETSIG 11
#define F_OFD_GETLK  36
#define F_OFD_SETLK  37
#define F_OFD_SETLKW 38
#define F_GETLK64  F_GETLK
#define F_SETLK64  F_SETLK
#define F_SETLKW64 F_SETLKW
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define F_SETLEASE 1024
#define F_GETLEASE 1025
#define F_NOTIFY   1026
/* F_GETPIPE_SZ: a pipe's 64 KiB; F_SETPIPE_SZ: up to 64 KiB (what it
 * holds), EPERM past it.  Sealing (F_ADD_SEALS, F_GET_SEALS) is not
 * there: EINVAL, as Linux for a file that cannot be sealed. */
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define F_ADD_SEALS  1033
#define F_GET_SEALS  1034
#define F_SEAL_SEAL   1
#define F_SEAL_SHRINK 2
#define F_SEAL_GROW   4
#define F_SEAL_WRITE  8
#define F_SEAL_FUTURE_WRITE 16

struct flock {
	short l_type;
	short l_whence;
	off_t l_start;
	off_t l_len;
	pid_t l_pid;
};
#define flock64 flock

#ifndef SEEK_SET /* as glibc's fcntl.h */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif

/* path (absolute, or from the current directory): a file descriptor, or
 * -1 with errno.  An initrd file is read-only (EROFS for write access or
 * O_TRUNC; O_CREAT|O_EXCL EEXIST); a directory only O_RDONLY (EISDIR);
 * a new file is made (O_CREAT) outside /dev, /proc, /sys in a directory
 * that is (ENOENT, ENOTDIR); O_EXCL EEXIST, O_TRUNC, O_APPEND, O_DIRECTORY
 * (ENOTDIR) as Linux's; EMFILE.  openat: path from directory dirfd
 * (AT_FDCWD: the current one; EBADF, ENOTDIR); creat: O_CREAT | O_WRONLY
 * | O_TRUNC.  Modes are not kept (one user). */
int open(const char *path, int flags, ...);
int openat(int dirfd, const char *path, int flags, ...);
int creat(const char *path, mode_t mode);

/* F_DUPFD / F_DUPFD_CLOEXEC (the lowest free descriptor >= arg), F_GETFD /
 * F_SETFD (FD_CLOEXEC: kept, nothing execs), F_GETFL / F_SETFL (only
 * O_NONBLOCK changes; shared by dup'd descriptors, as Linux's open file
 * description).  EBADF, EINVAL (other commands), EMFILE. */
int fcntl(int fd, int cmd, ...);
/* libsys/libc7.c: posix_fallocate grows a file to off + len (never
 * shrinks it; an error number, not -1/errno), fallocate mode 0 the same
 * or FALLOC_FL_KEEP_SIZE (nothing; EOPNOTSUPP others), posix_fadvise
 * checks and does nothing (files are memory). */
#define POSIX_FADV_NORMAL     0
#define POSIX_FADV_RANDOM     1
#define POSIX_FADV_SEQUENTIAL 2
#define POSIX_FADV_WILLNEED   3
#define POSIX_FADV_DONTNEED   4
#define POSIX_FADV_NOREUSE    5
#define FALLOC_FL_KEEP_SIZE   1
int posix_fallocate(int fd, off_t off, off_t len);
int fallocate(int fd, int mode, off_t off, off_t len);
int posix_fadvise(int fd, off_t off, off_t len, int advice);

#endif
