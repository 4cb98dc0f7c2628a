/* Bringing the machine up, in the order main.c calls it. */
#include "arch.h"
#include "lib/cmdline.h"
#include "cpu.h"
#include "memlayout.h"
#include "arch_api.h"
#include "printk.h"

extern uint64_t boot_tsc, boot_mb2_magic, boot_mb2_info;
extern char _kernel_start[], _kernel_end[];
extern bool exit_on_panic;
void syscall_init_cpu(void);

static struct memrange_set *early_pool; /* where take_low_page carves from */

/* A zeroed page below BOOT_MAP_LIMIT for the direct map's page tables. */
static uint64_t take_low_page(void)
{
	return memrange_take(early_pool, PAGE_SIZE, PAGE_SIZE, BOOT_MAP_LIMIT);
}

/* Free RAM: available minus below 1 MiB, the kernel image, the multiboot2
 * information and the modules. */
static void find_free_ram(struct boot_info *bi, uint64_t mbi_pa)
{
	struct memrange_set *f = &bi->free_ram;
	*f = bi->mb.avail;
	memrange_remove(f, 0, 0x100000);
	memrange_remove(f, (uint64_t)_kernel_start - KERNEL_VMA,
			(uint64_t)_kernel_end - KERNEL_VMA);
	memrange_remove(f, mbi_pa, mbi_pa + bi->mb.total_size);
	for (size_t i = 0; i < bi->mb.nmodules; i++)
		memrange_remove(f, bi->mb.modules[i].start, bi->mb.modules[i].end);
	memrange_align(f, PAGE_SIZE);
}

void arch_early_init(struct boot_info *bi)
{
	bi->entry_cycles = boot_tsc;
	serial_init();
	vga_init();
	percpu_init(0, 0);
	gdt_init_cpu(&percpu_area[0]);
	idt_init();
	idt_load();
	kstack_init();
	syscall_init_cpu();
	fpu_init_cpu();
	if (boot_mb2_magic != MB2_MAGIC)
		panic("not started by a multiboot2 loader (magic 0x%lx)", boot_mb2_magic);
	uint64_t mbi = boot_mb2_info;
	if (mbi + 4096 > BOOT_MAP_LIMIT)
		panic("multiboot2 information above the boot map at 0x%lx", mbi);
	if (!mb2_parse(P2V(mbi), BOOT_MAP_LIMIT - mbi, &bi->mb))
		panic("malformed multiboot2 information");
	exit_on_panic = cmdline_has(bi->mb.cmdline, "test") ||
			cmdline_has(bi->mb.cmdline, "bench");
	tsc_calibrate();
	find_free_ram(bi, mbi);
	early_pool = &bi->free_ram;
	uint64_t top = bi->mb.ram_end > 0x100000000ull ? bi->mb.ram_end : 0x100000000ull;
	paging_extend_direct_map(top, take_low_page);
	lapic_init();
	lapic_timer_calibrate();
	if (cmdline_has(bi->mb.cmdline, "slowtick")) { /* a test: ticks 20 ms apart */
		lapic_timer_slow(20);
		printk("kernel: slowtick: the timer ticks every 20 ms\n");
	}
	rtc_init();
	bi->ncpus_found = acpi_find_cpus(bi->mb.rsdp, bi->apic_ids, MAX_CPUS);
	if (!console_irqs_start(bi->mb.rsdp))
		printk("console: no I/O APIC, input polled\n");
	percpu_area[0].apic_id = bi->apic_ids[0];
}

static void flush_tlb(void *unused)
{
	(void)unused;
	write_cr3(read_cr3());
}

void arch_start_cpus(struct boot_info *bi)
{
	kstack_tables();
	smp_start_aps(bi->apic_ids, bi->ncpus_found);
	paging_drop_identity();
	smp_run_all(flush_tlb, NULL);
}

unsigned arch_ncpus(void) { return ncpus; }
uint64_t arch_cycles(void) { return rdtsc_ordered(); }
uint64_t arch_cycles_per_sec(void) { return tsc_hz; }
_Noreturn void arch_exit(unsigned code) { qemu_exit((uint8_t)code); __builtin_unreachable(); }

/* arch_reboot: pulse the reset line through the keyboard controller; if that
 * does not take, triple-fault with an empty IDT. */
_Noreturn void arch_reboot(void)
{
	cpu_cli();
	for (int i = 0; i < 100000 && (inb(0x64) & 0x02); i++)
		cpu_pause();
	outb(0x64, 0xFE);
	udelay(100000);
	struct { uint16_t limit; uint64_t base; } __attribute__((packed)) none = { 0, 0 };
	__asm__ volatile("lidt %0; int3" :: "m"(none));
	for (;;)
		cpu_hlt();
}
