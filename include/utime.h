/* <utime.h>: utime (libsys/libc6.c): times are not kept on files; the
 * file must be there (ENOENT). */
#ifndef _UTIME_H
#define _UTIME_H
#include <sys/types.h>
#include <time.h>

struct utimbuf {
	time_t actime;
	time_t modtime;
};

int utime(const char *path, const struct utimbuf *times);
#endif
