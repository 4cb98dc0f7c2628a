/* printf-style formatting shared by the kernel (printk) and libsys.
 * Supports %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '+' ' ', width and
 * precision (also '*'), numbered arguments (%N$, *N$, up to 64, as
 * glibc's), %n, length modifiers hh h l ll z t j (L: a long
 * double); %f %F %e %E %g %G %a %A where fmt_float is set (libsys does, for programs: the kernel and the
 * pager have no floating-point registers to spare). */
#ifndef LIB_FMT_H
#define LIB_FMT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Format into buf (always NUL-terminated when size > 0). Returns the length
 * the full output would have, like C's vsnprintf. */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The floating-point conversions: format the double taken from *ap for
 * conversion conv (f F e E g G a A; with bit 7 set, the argument is a
 * long double) with precision prec (-1: none) into
 * buf[0..cap), without sign (*neg tells it); returns the length.  NULL:
 * such a conversion prints verbatim and takes no argument. */
extern int (*fmt_float)(char *buf, size_t cap, char conv, int prec, bool alt, bool *neg,
			va_list *ap);

/* glibc's %m: the text for errno (libsys sets it for programs); NULL: %m
 * prints verbatim. */
extern const char *(*fmt_errstr)(void);

#endif
