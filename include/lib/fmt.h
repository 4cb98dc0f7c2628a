/* printf-style formatting shared by the kernel (printk) and, later, libsys.
 * Supports %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '+' ' ', width and
 * precision (also '*'), length modifiers hh h l ll z t j. */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Format into buf (always NUL-terminated when size > 0). Returns the length
 * the full output would have, like C's vsnprintf. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
