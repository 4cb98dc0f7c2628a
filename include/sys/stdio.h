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

/* Read typed bytes into buf[0..len): waits for at least one unless flags
 * has CONSOLE_NOWAIT; returns the number read, or minus an error (-E_AGAIN:
 * nothing typed, with CONSOLE_NOWAIT). */
int console_read(char *buf, size_t len, unsigned flags);

/* Write buf[0..len) to the console; returns len or minus an error. */
int console_write(const char *buf, size_t len);

#define snprintf fmt_snprintf
#define vsnprintf fmt_vsnprintf

#endif
