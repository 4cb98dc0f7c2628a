/* Host stand-ins for the hooks in include/hooks.h, plus helpers the unit
 * tests and the host benchmark use to set up a simulated machine.
 *
 * Physical memory is one mmap'd, page-aligned arena: physical address pa is
 * arena + pa.  The CPU id is thread-local (a pthread plays one CPU).
 * "Interrupts" are a thread-local flag, so tests can check every path
 * restores them.  Console output is appended to a capture buffer. */
#ifndef SHIM_H
#define SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mm/meta_slot.h"

/* Map bytes of simulated RAM at physical 0 (replaces any earlier arena). */
void shim_arena_init(uint64_t bytes);
void shim_arena_free(void);
uint64_t shim_arena_size(void);

/* Simulate a machine: ram_bytes of RAM (arena), a MetaSlot array for all of
 * it (malloc'd, outside the arena), and frame_init over the free ranges
 * [free_start, free_end) bytes, with ncpus per-CPU caches. */
void shim_mm_init(uint64_t ram_bytes, uint64_t free_start, uint64_t free_end,
		  unsigned ncpus);
void shim_mm_fini(void);
struct meta_slot *shim_meta(void);

/* This thread plays CPU cpu. */
void shim_set_cpu(unsigned cpu);

/* True while this thread's simulated interrupts are enabled. */
bool shim_irqs_enabled(void);

/* fn runs at every arch_irq_restore of this thread (so right after each
 * spin_unlock_irqrestore: between a lock's release and what the code does
 * next), not within itself; NULL: none. */
void shim_on_irq_restore(void (*fn)(void));

/* Captured console text (NUL-terminated), its length, and a reset. */
const char *shim_console(void);
size_t shim_console_len(void);
void shim_console_clear(void);
/* True if the capture contains needle. */
bool shim_console_has(const char *needle);
/* Number of '\n'-terminated lines captured. */
unsigned shim_console_lines(void);
/* Also copy console output to stderr (default off). */
void shim_console_echo(bool on);

/* Walk the whole MetaSlot array and check it against frame_stats and the
 * per-CPU caches: every state in mm/meta_slot.h well formed, free blocks
 * aligned and fully coalesced, counts equal.  No other thread may use the
 * allocator meanwhile.  True if consistent; else why (<= n bytes) says what. */
bool shim_mm_audit(char *why, size_t n);

#endif
