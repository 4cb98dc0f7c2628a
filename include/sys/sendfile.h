/* <sys/sendfile.h>: sendfile copies up to count bytes from in (from
 * *offset, which moves, or from its position) to out through libsys
 * (libsys/libc8.c); the bytes copied or -1 with errno. */
#ifndef _SYS_SENDFILE_H
#define _SYS_SENDFILE_H
#include <sys/types.h>
ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count);
#define sendfile64 sendfile
#endif
