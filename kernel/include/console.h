/* Console input: bytes from the serial line and the PS/2 keyboard, queued
 * for console_read.  The queue and the scancode translation are pure. */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONSOLE_BUF 1024 /* bytes queued */

/* A byte typed or received: queued (dropped when the queue is full). */
void console_input(char c);

/* Bytes the queue has room for.  The devices that can hold input back (the
 * UART, the PS/2 controller) hand over no more than this, so input typed
 * ahead of a reader waits in them instead of being dropped. */
size_t console_room(void);

/* Move up to n queued bytes to dst; returns how many (0 if none). */
size_t console_take(char *dst, size_t n);

/* True if a byte is queued. */
bool console_has_input(void);
/* Kernel only (console_wait.c): wait until a byte is queued, then take up
 * to n; with nowait 0 at once if none.  Wakes for input (interrupts) or
 * after a while anyway. */
size_t console_wait_take(char *dst, size_t n, bool nowait);
/* Kernel only (console_wait.c): wait up to ms (FUTEX_FOREVER: for good)
 * until a byte is queued, taking none: 1 if one is, 0 when ms passed, -1
 * when a signal to take came first. */
int console_wait_input(uint64_t ms);
/* Kernel only: input was queued (interrupt handlers): wake the readers. */
void console_input_notify(void);
/* Bytes dropped because the queue was full. */
uint64_t console_dropped(void);

/* PS/2 set-1 scancode to the bytes a terminal would send (out, up to 4;
 * arrows up/down are ESC [ A / ESC [ B); key releases, shift and ctrl are
 * tracked here. Returns how many bytes (0 for keys that type nothing). */
int console_scancode(uint8_t sc, char out[4]);

#endif
