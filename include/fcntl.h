/* open for initrd files (read-only: the initrd is the only file system). */
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
#define O_CLOEXEC 02000000

/* The initrd file path ("name" or "/name"), read-only: a file descriptor,
 * or -1 with errno (ENOENT, EROFS for any write access, EMFILE). */
int open(const char *path, int flags, ...);

#endif
