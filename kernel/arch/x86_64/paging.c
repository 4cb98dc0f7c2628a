/* The kernel's own page tables at boot: extend the direct map to all RAM and
 * drop the identity map.  (User address spaces: pt.c.) */
#include "arch.h"
#include "cpu.h"
#include "memlayout.h"
#include "lib/string.h"
#include "printk.h"

#define PTE_P    0x001ull
#define PTE_W    0x002ull
#define PTE_PWT  0x008ull
#define PTE_PCD  0x010ull
#define PTE_PS   0x080ull
#define PTE_G    0x100ull
#define PTE_NX   (1ull << 63)

#define GIB (1ull << 30)
#define MIB2 (1ull << 21)

extern uint64_t boot_pml4[512], boot_pdpt_phys[512];

/* 2 MiB mapping flags for physical address pa in the direct map: uncached
 * for the APIC/IOAPIC window, no-execute everywhere if NX is on. */
static uint64_t direct_flags(uint64_t pa)
{
	uint64_t f = PTE_P | PTE_W | PTE_PS | PTE_G;
	if (pa >= 0xFEC00000ull && pa < 0xFF000000ull)
		f |= PTE_PCD | PTE_PWT;
	if (rdmsr(MSR_EFER) & (1u << 11))
		f |= PTE_NX;
	return f;
}

/* paging_extend_direct_map: map physical [1 GiB, limit) at PHYS_MAP_BASE with
 * 2 MiB pages. take_page returns a free page below BOOT_MAP_LIMIT for each
 * page directory. The first GiB is boot.asm's. At most 512 GiB. */
void paging_extend_direct_map(uint64_t limit, uint64_t (*take_page)(void))
{
	if (limit > 512 * GIB) {
		printk("paging: direct map limited to 512 GiB\n");
		limit = 512 * GIB;
	}
	for (uint64_t g = 1; g * GIB < limit; g++) {
		if (boot_pdpt_phys[g] & PTE_P)
			continue;
		uint64_t pd_pa = take_page();
		if (!pd_pa)
			panic("paging: no page for the direct map");
		uint64_t *pd = P2V(pd_pa);
		for (uint64_t i = 0; i < 512; i++) {
			uint64_t pa = g * GIB + i * MIB2;
			pd[i] = pa | direct_flags(pa);
		}
		boot_pdpt_phys[g] = pd_pa | PTE_P | PTE_W;
	}
	write_cr3(read_cr3());
}

/* paging_drop_identity: remove the first-GiB identity map (PML4[0]) and flush
 * this CPU's TLB; other CPUs must flush their own. */
void paging_drop_identity(void)
{
	boot_pml4[0] = 0;
	write_cr3(read_cr3());
}
