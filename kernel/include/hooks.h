/* The few hooks through which pure kernel logic (kernel/mm, printk, ...)
 * reaches the machine.  kernel/arch/x86_64/ implements them for the real
 * kernel; tests/shim/ implements them for the host unit tests.  Nothing else
 * in the pure code may touch hardware or include arch headers. */
#ifndef HOOKS_H
#define HOOKS_H

#include <stddef.h>
#include <stdint.h>

/* Kernel-virtual address of physical address pa (the direct map). */
void *arch_phys_to_virt(uint64_t pa);

/* Physical address of va, a kernel-virtual address arch_phys_to_virt gave. */
uint64_t arch_virt_to_phys(const void *va);

/* Index of the CPU running the caller, 0 .. MAX_CPUS-1. */
unsigned arch_cpu_id(void);

/* Disable interrupts on this CPU; returns the state to restore. */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);

/* Spin-wait hint (pause). */
void arch_cpu_relax(void);

/* Write n bytes to the console(s). Must be safe to call from any CPU. */
void arch_console_write(const char *s, size_t n);

/* Stop everything after a fatal error; never returns. */
_Noreturn void arch_halt_all(void);

#define MAX_CPUS 64

#endif
