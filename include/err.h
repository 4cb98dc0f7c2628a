/* <err.h>: BSD's error messages on stderr, "name: message: strerror"
 * (warn, err) or without the errno text (warnx, errx); err and errx then
 * exit(status).  name is program_invocation_short_name (argv[0]'s last
 * part). */
#ifndef _ERR_H
#define _ERR_H
#include <stdarg.h>
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vwarn(const char *fmt, va_list ap);
void vwarnx(const char *fmt, va_list ap);
_Noreturn void err(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void errx(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void verr(int status, const char *fmt, va_list ap);
_Noreturn void verrx(int status, const char *fmt, va_list ap);
#endif
