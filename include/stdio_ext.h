/* <stdio_ext.h>: glibc's (and Solaris's) questions about a stream's
 * buffer (libsys/stdio.c).  Streams lock themselves; __fsetlocking
 * changes nothing and says FSETLOCKING_INTERNAL. */
#ifndef _STDIO_EXT_H
#define _STDIO_EXT_H
#include <stdio.h>

enum { FSETLOCKING_QUERY = 0, FSETLOCKING_INTERNAL, FSETLOCKING_BYCALLER };

size_t __fbufsize(FILE *f);   /* bytes of its buffer (0: none yet) */
size_t __fpending(FILE *f);   /* bytes written, not yet flushed */
int __freading(FILE *f);      /* read-only, or last used to read */
int __fwriting(FILE *f);      /* write-only, or last used to write */
int __freadable(FILE *f);
int __fwritable(FILE *f);
int __flbf(FILE *f);          /* line-buffered */
void __fpurge(FILE *f);       /* drop what is buffered, either way */
void _flushlbf(void);         /* flush every line-buffered stream */
int __fsetlocking(FILE *f, int type);
#endif
