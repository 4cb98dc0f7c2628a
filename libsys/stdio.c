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
