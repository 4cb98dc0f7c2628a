/* <error.h>: glibc's error messages (libsys/libc8.c).  error prints
 * "name: message" (name program_invocation_name, or what
 * error_print_progname prints), ": strerror(errnum)" when errnum is not
 * 0, and a newline on stderr (stdout flushed first), counts it in
 * error_message_count, and exits with status unless it is 0.
 * error_at_line puts "file:line: " before the message; with
 * error_one_per_line set a repeat for the same line is not printed. */
#ifndef _ERROR_H
#define _ERROR_H
void error(int status, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void error_at_line(int status, int errnum, const char *file, unsigned int line,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
extern unsigned int error_message_count;
extern int error_one_per_line;
extern void (*error_print_progname)(void);
#endif
