/* Internal interface of kernel/arch/x86_64: everything that touches hardware.
 * Nothing outside this folder includes this header except kernel/main.c and
 * the in-kernel tests, which drive the boot. */
#ifndef ARCH_X86_64_ARCH_H
#define ARCH_X86_64_ARCH_H

#include <stdbool.h>
#include <stdint.h>
#include "hooks.h"
#include "arch_inline.h"

/* Segment selectors (gdt.c); the order suits syscall/sysret. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE32 0x18
#define SEL_UDATA 0x20
#define SEL_UCODE 0x28
#define SEL_TSS   0x30

#define VEC_TIMER 0x20 /* local APIC timer tick */
#define VEC_WAKE  0xF0 /* IPI: wake a halted CPU / reschedule */
#define VEC_TLB   0xF1 /* IPI: TLB shootdown request in this CPU's mailbox */
#define VEC_KBD   0x31 /* I/O APIC: PS/2 keyboard, ISA IRQ 1 */
#define VEC_COM1  0x34 /* I/O APIC: COM1, ISA IRQ 4 */
#define VEC_SYSCALL 0x100 /* trap_frame.vector of a frame built by syscall */

#define IST_DOUBLE_FAULT 1
#define IST_NMI          2
#define IST_SIZE         4096

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* Per-CPU area, reached through GS base (gs:0 holds its own address).
 * Its fields are written only by its own CPU after boot, except `online`,
 * which the BSP reads while starting the CPU; the scheduler's part that
 * follows it (arch_cpu_area) is any CPU's to touch under its lock. */
struct percpu {
	struct percpu *self;       /* gs:0  (PCPU_SELF in entry.asm) */
	uint64_t kstack_top;       /* gs:8  kernel stack of the running thread */
	uint64_t user_rsp;         /* gs:16 scratch for syscall entry */
	unsigned cpu_id;           /* 0 .. ncpus-1, 0 is the BSP */
	unsigned apic_id;
	volatile bool online;
	void *fpu_live;            /* FPU area whose state is in the FPU (fpu.c) */
	void *cpu_local;           /* arch_cpu_local: the scheduler's per-CPU part */
	uint64_t gdt[8] __attribute__((aligned(16)));
	struct tss tss __attribute__((aligned(16)));
	/* arch_cpu_area: the scheduler's part, in the page of the fields
	 * above (the fast path touches both at every switch) */
	uint8_t cpu_area[ARCH_CPU_AREA_SIZE] __attribute__((aligned(64)));
	uint8_t ist_df[IST_SIZE] __attribute__((aligned(16)));
	uint8_t ist_nmi[IST_SIZE] __attribute__((aligned(16)));
} __attribute__((aligned(1024))); /* its first 1 KiB never straddles two pages */

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* serial.c, vga.c, console.c */
void serial_init(void);
void serial_putc(char c);
void serial_poll_input(void);
void keyboard_poll_input(void);
void vga_init(void);
void vga_putc(char c);
void vga_flush_cursor(void);

/* fpu.c */
void fpu_init_cpu(void);
void arch_fpu_trap(void *area);

/* gdt.c, idt.c, trap.c */
void gdt_init_cpu(struct percpu *c);
void idt_init(void);
void idt_load(void);

/* percpu.c */
extern struct percpu percpu_area[MAX_CPUS];
extern unsigned ncpus;
void percpu_init(unsigned cpu_id, unsigned apic_id);
static inline struct percpu *this_cpu(void)
{
	struct percpu *c;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

/* rtc.c: read the CMOS clock once (boot) */
void rtc_init(void);

/* tsc.c */
extern uint64_t tsc_hz;
void tsc_calibrate(void);
/* Calibration helpers (tsc.c): the tightest of 16 readings of read()
 * between two TSC reads (*tsc: their middle); the median of three
 * measure()s. */
uint32_t tsc_sample(uint32_t (*read)(void), uint64_t *tsc);
uint64_t tsc_median3(uint64_t (*measure)(void));
void udelay(uint64_t us);

/* apic.c, acpi.c, smp.c */
void lapic_init(void);
unsigned lapic_id(void);
void lapic_send_ipi(unsigned apic_id, uint32_t icr_low);
void lapic_broadcast_nmi(void);
void lapic_timer_calibrate(void);
void lapic_timer_start(unsigned hz);
void lapic_timer_oneshot(uint64_t us);
void lapic_timer_slow(unsigned n);
uint64_t acpi_find_ioapic(const void *rsdp, uint32_t gsi[16], uint16_t flags[16]);
bool ioapic_init(const void *rsdp);
void ioapic_route_isa(unsigned irq, unsigned vec, unsigned apic_id);
bool console_irqs_start(const void *rsdp);
extern bool console_by_irq;
void lapic_ipi(unsigned apic_id, unsigned vec);
void lapic_eoi(void);
unsigned acpi_find_cpus(const void *rsdp, unsigned apic_ids[], unsigned max);
void smp_start_aps(const unsigned apic_ids[], unsigned n);
/* Run fn(arg) on every online CPU at once, the caller included; returns when
 * all have finished. */
void smp_run_all(void (*fn)(void *), void *arg);

/* paging.c */
void paging_extend_direct_map(uint64_t limit, uint64_t (*take_page)(void));

/* kstack.c: the kernel-stack area (hooked into boot_pml4 at boot), and
 * whether va lies in a stack's guard (then *top: that stack's top). */
void kstack_init(void);
void kstack_tables(void);
bool arch_kstack_guard_at(uint64_t va, uint64_t *top);
void paging_drop_identity(void);

/* Exit QEMU through isa-debug-exit with status (code << 1) | 1. */
_Noreturn void qemu_exit(uint8_t code);

#endif
