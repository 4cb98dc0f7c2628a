/* kmain: bring the machine up, hand all free RAM to the frame allocator, start
 * the other CPUs, then run what the command line asks for. */
#include "arch_api.h"
#include "kernel.h"
#include "lib/cmdline.h"
#include "memlayout.h"
#include "mm/frame.h"
#include "printk.h"
#include "sched.h"

extern char _kernel_start[], _kernel_end[];

static struct boot_info boot;
uint64_t frames_ready_cycles; /* TSC when the allocator was ready (bench) */

static void set_purpose(uint64_t start, uint64_t end, enum frame_purpose p)
{
	struct meta_range_iter it;
	uint64_t pfn;
	struct meta_slot *s;
	meta_range_init(&it, start >> PAGE_SHIFT, (end - 1) >> PAGE_SHIFT);
	while (meta_range_next(&it, &pfn, &s))
		if (s->flags & META_RESERVED)
			s->purpose = (uint8_t)p;
}

/* mem_init: carve the MetaSlot array out of free RAM, set it up for every
 * frame up to the end of RAM, and free the rest into the buddy allocator. */
static void mem_init(struct boot_info *bi)
{
	uint64_t ram_end = bi->mb.ram_end;
	uint64_t size = meta_size_for(ram_end);
	uint64_t meta_pa = memrange_take(&bi->free_ram, size, PAGE_SIZE, ~0ull);
	if (!meta_pa)
		panic("no room for the %lu-byte MetaSlot array", size);
	meta_init_array(P2V(meta_pa), ram_end >> PAGE_SHIFT);
	frame_init(P2V(meta_pa), ram_end >> PAGE_SHIFT, &bi->free_ram, bi->ncpus_found);
	frame_set_reserve(FRAME_USER_RESERVE);
	set_purpose((uint64_t)_kernel_start - KERNEL_VMA,
		    (uint64_t)_kernel_end - KERNEL_VMA, PURPOSE_KERNEL);
	set_purpose(meta_pa, meta_pa + size, PURPOSE_KERNEL);
	for (size_t i = 0; i < bi->mb.nmodules; i++)
		set_purpose(bi->mb.modules[i].start, bi->mb.modules[i].end,
			    PURPOSE_KERNEL);
}

static void print_summary(const struct boot_info *bi)
{
	struct frame_stats st;
	frame_stats(&st);
	uint64_t us = (frames_ready_cycles - bi->entry_cycles) * 1000000 /
		      arch_cycles_per_sec();
	printk("mm: %lu MiB RAM (ends at %lu MiB), %lu frames managed, %lu free, %lu reserved; "
	       "frames ready %lu us after entry\n",
	       memrange_total(&bi->mb.avail) >> 20, bi->mb.ram_end >> 20, st.total,
	       st.free, st.reserved, us);
	printk("smp: %u of %u CPUs online\n", arch_ncpus(), bi->ncpus_found);
}

void kmain(void)
{
	arch_early_init(&boot);
	printk("kernel: booted by %s, command line \"%s\", %lu MHz TSC\n",
	       boot.mb.loader, boot.mb.cmdline, arch_cycles_per_sec() / 1000000);
	mem_init(&boot);
	frames_ready_cycles = arch_cycles();
	arch_start_cpus(&boot);
	print_summary(&boot);

	bool pager = pager_present(&boot);
	if (cmdline_has(boot.mb.cmdline, "test"))
		ktest_run(&boot, !pager);
	else if (cmdline_has(boot.mb.cmdline, "bench"))
		kbench_run(&boot, !pager);

	smp_start_scheduler();
	if (pager)
		pager_start(&boot);
	else
		printk("kernel: no pager module; nothing to run\n");
	sched_idle_loop();
}
