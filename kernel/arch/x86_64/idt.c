/* The interrupt descriptor table: 256 gates to the stubs in entry.asm. */
#include "arch.h"

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
extern const uint64_t isr_stub_table[256];

static void set_gate(unsigned v, uint64_t handler, unsigned ist)
{
	idt[v] = (struct idt_gate){
		.off_lo = (uint16_t)handler,
		.sel = SEL_KCODE,
		.ist = (uint8_t)ist,
		.type = 0x8E, /* present, ring 0, 64-bit interrupt gate */
		.off_mid = (uint16_t)(handler >> 16),
		.off_hi = (uint32_t)(handler >> 32),
	};
}

/* idt_init: fill the table once (BSP); double fault and NMI run on their own
 * IST stacks so a broken kernel stack still gets a dump.  int3 (#BP) and
 * into (#OF) may be used from ring 3, as Linux lets them (DPL 3): a
 * program's breakpoint is a #BP the pager turns into SIGTRAP, not a #GP
 * (SIGSEGV). */
void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, isr_stub_table[v], 0);
	idt[3].type = idt[4].type = 0xEE; /* present, ring 3, interrupt gate */
	idt[8].ist = IST_DOUBLE_FAULT;
	idt[2].ist = IST_NMI;
}

/* idt_load: load the table on this CPU. */
void idt_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) ptr = { sizeof idt - 1, (uint64_t)idt };
	__asm__ volatile("lidt %0" :: "m"(ptr));
}
