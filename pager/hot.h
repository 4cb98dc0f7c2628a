/* PG_HOT marks a function of the pager's fault path (the receive loop, the
 * fault handler, the demand manager's lookups and inserts, the kernel calls
 * a fault makes): libsys/user.ld puts them together at the start of the
 * text, on as few pages as possible.  Under QEMU's TCG the CR3 write that
 * switches to the pager flushes the soft TLB, and every page the pager
 * touches after it is a refill (BENCHMARKS.md, "Fewer pages per fault"). */
#ifndef PAGER_HOT_H
#define PAGER_HOT_H

#define PG_HOT __attribute__((section(".text.hot")))

/* PG_HOT_DATA: a small global the fault path reads or writes: together at
 * the start of the data (libsys/user.ld), with the same aim. */
#define PG_HOT_DATA __attribute__((section(".data.hot")))
/* The same for a constant one (its own input section: GCC keeps constant
 * and writable objects apart; both go to the start of the data). */
#define PG_HOT_CONST __attribute__((section(".data.hot.const")))

#endif
