/* The hooks of kernel/include/hooks.h, and the per-CPU area they read. */
#include "arch.h"
#include "arch_api.h"
#include "cpu.h"
#include "memlayout.h"
#include "spinlock.h"

struct percpu percpu_area[MAX_CPUS];
unsigned ncpus = 1;
/* GS base is valid on the BSP; in .data (not .bss): arch_cpu_id reads it
 * on every fault that takes a frame, and .data's page is read anyway */
static __attribute__((section(".data"))) bool percpu_ready;

/* percpu_init: set this CPU's GS base to its per-CPU area. */
void percpu_init(unsigned cpu_id, unsigned apic_id)
{
	struct percpu *c = &percpu_area[cpu_id];
	c->self = c;
	c->cpu_id = cpu_id;
	c->apic_id = apic_id;
	wrmsr(MSR_GS_BASE, (uint64_t)c);
	wrmsr(MSR_KERNEL_GS, 0);
	percpu_ready = true;
}

void *arch_phys_to_virt(uint64_t pa)
{
	return P2V(pa);
}

uint64_t arch_virt_to_phys(const void *va)
{
	return V2P(va);
}

/* arch_inline.h's gs-relative loads and stores (arch_cpu_local: every CPU
 * sets its GS base, percpu_init, before anything asks: the BSP third in
 * arch_early_init, an AP first thing in ap_entry; cpu_local is NULL until
 * the scheduler sets it). */
_Static_assert(__builtin_offsetof(struct percpu, kstack_top) == ARCH_PCPU_KSTACK, "kstack_top");
_Static_assert(__builtin_offsetof(struct percpu, fpu_live) == ARCH_PCPU_FPU_LIVE, "fpu_live");
_Static_assert(__builtin_offsetof(struct percpu, cpu_local) == ARCH_PCPU_CPU_LOCAL, "cpu_local");
_Static_assert(__builtin_offsetof(struct percpu, tss) + 4 == ARCH_PCPU_RSP0, "tss.rsp[0]");
_Static_assert(ARCH_KERNEL_VMA == KERNEL_VMA, "KERNEL_VMA");

_Static_assert(__builtin_offsetof(struct percpu, cpu_area) + ARCH_CPU_AREA_SIZE <= 1024,
	       "the hot head of struct percpu fits its first KiB");

void *arch_cpu_area(unsigned cpu)
{
	return percpu_area[cpu].cpu_area;
}

void arch_set_cpu_local(void *p)
{
	this_cpu()->cpu_local = p;
}

unsigned arch_cpu_id(void)
{
	return percpu_ready ? this_cpu()->cpu_id : 0;
}

unsigned long arch_irq_save(void)
{
	unsigned long f = read_rflags();
	cpu_cli();
	return f;
}

void arch_irq_restore(unsigned long f)
{
	if (f & RFLAGS_IF)
		cpu_sti();
}

void arch_cpu_relax(void)
{
	cpu_pause();
}

/* Serial and VGA under one lock, so each printk line stays whole.  A CPU that
 * panics while holding it would deadlock: the owner check lets the same CPU
 * write through. */
static struct spinlock console_lock = SPINLOCK_INIT;
static volatile int console_owner = -1;

void arch_console_write(const char *s, size_t n)
{
	unsigned long f = arch_irq_save();
	int me = (int)arch_cpu_id();
	bool nested = console_owner == me;
	if (!nested) {
		spin_lock(&console_lock);
		console_owner = me;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
		vga_putc(s[i]);
	}
	vga_flush_cursor();
	if (!nested) {
		console_owner = -1;
		spin_unlock(&console_lock);
	}
	arch_irq_restore(f);
}
