/* printf for ring 3: format with lib/fmt.c into a stack buffer, write it
 * with one sys_debug_write. */
#include "sys/sys.h"

int vprintf(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	if (n < 0)
		return n;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	sys_debug_write((uint64_t)buf, (uint64_t)n);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	return printf("%s\n", s);
}

int console_read(char *buf, size_t len, unsigned flags)
{
	struct sys_regs r;
	int e = sys_console_read_r((uint64_t)buf, len, flags, &r);
	return e ? -e : (int)r.rdi;
}

int console_write(const char *buf, size_t len)
{
	int e = sys_debug_write((uint64_t)buf, len);
	return e ? -e : (int)len;
}
