/* Console output for ring 3: printf over lib/fmt.c, written with
 * sys_debug_write.  One printf call is one write (at most 1 KiB of text). */
#ifndef SYS_STDIO_H
#define SYS_STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include "lib/fmt.h"

/* Print like printf; returns the number of bytes written. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

/* Write s and a newline. */
int puts(const char *s);

#define snprintf fmt_snprintf
#define vsnprintf fmt_vsnprintf

#endif
