/* <sys/file.h>: flock (libsys/libc4.c: granted at once; files here are
 * read-only or shared memory). */
#ifndef _SYS_FILE_H
#define _SYS_FILE_H
#include <fcntl.h>
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
int flock(int fd, int operation);
#endif
