/* <libgen.h>: POSIX basename and dirname (libsys/libc4.c); both may change
 * the string they are given. */
#ifndef _LIBGEN_H
#define _LIBGEN_H
char *basename(char *path);
char *dirname(char *path);
#endif
