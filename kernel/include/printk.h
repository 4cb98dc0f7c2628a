/* Kernel console output.  printk formats like printf (%d %i %u %x %X %p %s %c
 * %%, flags '-' '0', width, precision for %s, length l ll z) and writes the
 * whole line to the console through arch_console_write, one line at a time so
 * lines from different CPUs do not interleave. */
#ifndef PRINTK_H
#define PRINTK_H

#include <stddef.h>

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "PANIC: <message>" and stop every CPU (arch_halt_all). */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
