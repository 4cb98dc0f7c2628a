/* What the kernel's portable code (main.c, the in-kernel tests and
 * benchmarks) needs from kernel/arch: the boot steps and a few services. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdbool.h>
#include <stdint.h>
#include "multiboot2.h"
#include "mm/memrange.h"
#include "hooks.h"

/* What the early boot learned. */
struct boot_info {
	struct mb2_info mb;            /* parsed multiboot2 information */
	struct memrange_set free_ram;  /* RAM nobody owns yet (page-aligned) */
	unsigned ncpus_found;          /* CPUs listed by ACPI, boot CPU first */
	unsigned apic_ids[MAX_CPUS];
	uint64_t entry_cycles;         /* TSC at the first instruction */
};

/* Console, descriptor tables, multiboot2, TSC, direct map of all RAM, local
 * APIC and the CPU list. Panics (with a reason) if the machine is unusable. */
void arch_early_init(struct boot_info *bi);

/* Start the other CPUs (needs the frame allocator for their stacks), then
 * drop the identity map everywhere. */
void arch_start_cpus(struct boot_info *bi);

/* Test and bench runs end QEMU on panic instead of halting. */
void arch_set_exit_on_panic(bool on);

unsigned arch_ncpus(void);
uint64_t arch_cycles(void);          /* TSC, ordered */
uint64_t arch_cycles_per_sec(void);  /* calibrated TSC rate */

/* Run fn(arg) on every CPU at once (the caller included) and wait for all. */
void smp_run_all(void (*fn)(void *), void *arg);

/* End the QEMU run with exit status code (isa-debug-exit); never returns. */
_Noreturn void arch_exit(unsigned code);

/* Halt this CPU forever, waking only for interrupts. */
_Noreturn void arch_idle(void);

/* In-kernel test and benchmark runs (ktest.c, kbench.c). */
void ktest_run(const struct boot_info *bi);
void kbench_run(const struct boot_info *bi);

#endif
