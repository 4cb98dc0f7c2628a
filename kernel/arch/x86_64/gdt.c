/* Per-CPU GDT and TSS. */
#include "arch.h"
#include "lib/string.h"

static void tss_descriptor(uint64_t *gdt, struct tss *tss)
{
	uint64_t base = (uint64_t)tss, limit = sizeof *tss - 1;
	gdt[0] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
		 (0x89ull << 40) /* present, 64-bit available TSS */ |
		 (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	gdt[1] = base >> 32;
}

/* gdt_init_cpu: build and load c's GDT and TSS (with IST stacks for double
 * fault and NMI), reload the segment registers. */
void gdt_init_cpu(struct percpu *c)
{
	c->gdt[0] = 0;
	c->gdt[1] = 0x00AF9A000000FFFF; /* kernel code 64 */
	c->gdt[2] = 0x00CF92000000FFFF; /* kernel data */
	/* 0x18: the slot sysret's layout puts a 32-bit user code segment in
	 * (STAR), left null: sysret to 64-bit mode never reads it, and a
	 * usable one let ring 3 far-return into compatibility mode, where
	 * `syscall` enters ring 0 at CSTAR (the user's stack, GS unswapped) */
	c->gdt[3] = 0;
	c->gdt[4] = 0x00CFF2000000FFFF; /* user data */
	c->gdt[5] = 0x00AFFA000000FFFF; /* user code 64 */
	memset(&c->tss, 0, sizeof c->tss);
	c->tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)(c->ist_df + IST_SIZE);
	c->tss.ist[IST_NMI - 1] = (uint64_t)(c->ist_nmi + IST_SIZE);
	c->tss.iomap_base = sizeof c->tss;
	tss_descriptor(&c->gdt[6], &c->tss);

	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = { sizeof c->gdt - 1, (uint64_t)c->gdt };
	__asm__ volatile(
		"lgdt %0\n"
		"pushq %1\n"
		"leaq 1f(%%rip), %%rax\n"
		"pushq %%rax\n"
		"lretq\n"
		"1:\n"
		"mov %2, %%ds\n"
		"mov %2, %%es\n"
		"mov %2, %%ss\n"
		"ltr %w3\n"
		:: "m"(ptr), "i"((uint64_t)SEL_KCODE), "r"((uint64_t)SEL_KDATA),
		   "r"((uint64_t)SEL_TSS) : "rax", "memory");
}
