/* open for initrd files (read-only: the initrd is the only file system),
 * and fcntl on any descriptor (files, shared memory, pipes, the console). */
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
#define O_CLOEXEC 02000000
#define AT_FDCWD   (-100) /* faccessat's dirfd: the current directory */
#define AT_EACCESS 0x200

#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC 1

/* The initrd file path ("name" or "/name"), read-only: a file descriptor,
 * or -1 with errno (ENOENT, EROFS for any write access, EMFILE). */
int open(const char *path, int flags, ...);

/* F_DUPFD / F_DUPFD_CLOEXEC (the lowest free descriptor >= arg), F_GETFD /
 * F_SETFD (FD_CLOEXEC: kept, nothing execs), F_GETFL / F_SETFL (only
 * O_NONBLOCK changes; shared by dup'd descriptors, as Linux's open file
 * description).  EBADF, EINVAL (other commands), EMFILE. */
int fcntl(int fd, int cmd, ...);

#endif
