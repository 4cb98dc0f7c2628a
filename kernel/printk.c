/* printk and panic: format a line, hand it to the console hook whole. */
#include <stdarg.h>
#include <stdbool.h>
#include "printk.h"
#include "lib/fmt.h"
#include "hooks.h"

#define PRINTK_LINE 512

static int vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_LINE];
	int n = fmt_vsnprintf(buf, sizeof buf, fmt, ap);
	size_t len = n < (int)sizeof buf ? (size_t)n : sizeof buf - 1;
	arch_console_write(buf, len);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

/* panic: print the reason and stop every CPU. The register dump, where there
 * is a trap frame, is printed by the arch trap handler before it calls here. */
_Noreturn void panic(const char *fmt, ...)
{
	va_list ap;
	printk("PANIC: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	arch_halt_all();
}
