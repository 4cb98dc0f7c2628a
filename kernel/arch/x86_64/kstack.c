/* Kernel stacks in their own virtual area, each with an unmapped guard
 * below it (memlayout.h: KSTACK_BASE .. KSTACK_END, KSTACK_SLOT bytes a
 * slot, the lower KSTACK_GUARD bytes never mapped).  A stack that overflows
 * writes into its guard: the #PF cannot push its frame there either, so the
 * CPU raises #DF, which runs on its own IST stack, and trap.c reports
 * "kernel stack overflow" and panics.
 *
 * The area's PDPT and page directory are static and hooked into boot_pml4
 * by kstack_init before any space copies the kernel half, so every space
 * sees every later change.  The page tables are all made at boot
 * (kstack_tables), so no frame moves when the number of threads peaks.
 *
 * A freed slot's entries are cleared at once, but another CPU may still
 * hold them in its TLB: the slot is "dirty" and is not handed out again
 * until one shootdown of every CPU (done by arch_kstack_map, in the
 * creating thread's system call, never under a lock) has made all dirty
 * slots "ready".  Nothing touches a dead thread's stack, so a stale entry
 * meanwhile is never used. */
#include <stdatomic.h>
#include "arch.h"
#include "cpu.h"
#include "memlayout.h"
#include "arch_api.h"
#include "spinlock.h"
#include "mm/frame.h"
#include "printk.h"

#define PTE_P    0x001ull
#define PTE_W    0x002ull
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

#define NSLOTS      ((KSTACK_END - KSTACK_BASE) / KSTACK_SLOT)
#define NONE        0xFFFFu
#define FLUSH_BATCH 64 /* dirty slots gathered before one shootdown */
_Static_assert(NSLOTS < NONE, "slot numbers fit 16 bits");
_Static_assert(KSTACK_END - KSTACK_BASE == 512ull << 21, "one page directory");

extern uint64_t boot_pml4[512];
static uint64_t kstack_pdpt[512] __attribute__((aligned(4096)));
static uint64_t kstack_pd[512] __attribute__((aligned(4096)));

static struct spinlock slot_lock;
static uint16_t next_slot[NSLOTS];   /* list links of the two lists below */
static uint16_t ready_head = NONE;   /* freed and flushed everywhere */
static uint16_t dirty_head = NONE;   /* freed, maybe still in some TLB */
static unsigned dirty_count;
static unsigned fresh;               /* slots below this were used once */
static unsigned slot_limit;          /* slots with a page table (kstack_tables) */
static uint64_t leaf_nx;             /* the leaves' NX bit, if the CPU has NX on */

/* kstack_init: hook the area into the kernel half (boot CPU, before any
 * space exists). */
void kstack_init(void)
{
	kstack_pdpt[(KSTACK_BASE >> 30) & 511] = ((uint64_t)kstack_pd - KERNEL_VMA) | PTE_P | PTE_W;
	boot_pml4[(KSTACK_BASE >> 39) & 511] = ((uint64_t)kstack_pdpt - KERNEL_VMA) | PTE_P | PTE_W;
}


/* The page-table entry of slot's first page (its table is there: slots
 * stop at slot_limit). */
static uint64_t *slot_table(unsigned slot)
{
	uint64_t va = KSTACK_BASE + (uint64_t)slot * KSTACK_SLOT;
	return (uint64_t *)P2V(kstack_pd[(va >> 21) & 511] & PTE_ADDR) + ((va >> 12) & 511);
}

/* kstack_tables: the area's page tables, all made now (after mem_init,
 * before the APs' stacks): enough for a 16 KiB stack in every fourth frame
 * of RAM (one table per 64 slots: RAM / 256, 2 MiB at most), so the
 * frames they take are counted at boot and never move afterwards. */
void kstack_tables(void)
{
	struct frame_stats st;
	frame_stats(&st);
	uint64_t n = st.total / 256 + 1;
	if (n > 512)
		n = 512;
	for (uint64_t i = 0; i < n; i++) {
		struct frame_alloc_options o = { 0, true, PURPOSE_PAGE_TABLE };
		uint64_t pfn;
		if (frame_alloc(&o, &pfn) != E_OK)
			panic("kstack: no memory for the kernel stacks' page tables");
		kstack_pd[i] = (pfn << PAGE_SHIFT) | PTE_P | PTE_W;
	}
	leaf_nx = (rdmsr(MSR_EFER) & (1u << 11)) ? PTE_NX : 0;
	slot_limit = (unsigned)(n * (2u << 20) / KSTACK_SLOT);
}

/* A slot to use: a ready one, or after a shootdown the dirty ones once
 * FLUSH_BATCH have gathered (or no fresh slot is left), or a fresh one;
 * NONE if every slot is in use. */
static unsigned take_slot(void)
{
	unsigned long f = spin_lock_irqsave(&slot_lock);
	if (ready_head == NONE && dirty_head != NONE &&
	    (dirty_count >= FLUSH_BATCH || fresh == slot_limit)) {
		uint16_t list = dirty_head;
		dirty_head = NONE;
		dirty_count = 0;
		spin_unlock_irqrestore(&slot_lock, f);
		uint64_t all = ncpus >= 64 ? ~0ull : (1ull << ncpus) - 1;
		arch_tlb_shootdown(0, all, 0, ~0ull); /* root 0: the kernel half */
		f = spin_lock_irqsave(&slot_lock);
		while (list != NONE) {
			uint16_t n = next_slot[list];
			next_slot[list] = ready_head;
			ready_head = list;
			list = n;
		}
	}
	unsigned slot = NONE;
	if (ready_head != NONE) {
		slot = ready_head;
		ready_head = next_slot[slot];
	} else if (fresh < slot_limit) {
		slot = fresh++;
	}
	spin_unlock_irqrestore(&slot_lock, f);
	return slot;
}

/* Put slot on the dirty list. */
static void put_slot(unsigned slot)
{
	unsigned long f = spin_lock_irqsave(&slot_lock);
	next_slot[slot] = dirty_head;
	dirty_head = (uint16_t)slot;
	dirty_count++;
	spin_unlock_irqrestore(&slot_lock, f);
}

/* arch_kstack_map: map the npages frames from pfn (npages * 4 KiB at most
 * KSTACK_SLOT - KSTACK_GUARD) as a kernel stack with an unmapped guard
 * below; its top (the highest address + 1), or 0 if no slot or memory.
 * Takes no lock the caller could hold; may wait for a TLB shootdown. */
uint64_t arch_kstack_map(uint64_t pfn, unsigned npages)
{
	if ((uint64_t)npages * PAGE_SIZE > KSTACK_SLOT - KSTACK_GUARD)
		return 0;
	unsigned slot = take_slot();
	if (slot == NONE)
		return 0;
	uint64_t *pte = slot_table(slot);
	uint64_t top = KSTACK_BASE + (uint64_t)(slot + 1) * KSTACK_SLOT;
	unsigned first = (KSTACK_SLOT - (uint64_t)npages * PAGE_SIZE) / PAGE_SIZE;
	for (unsigned i = 0; i < npages; i++)
		pte[first + i] = ((pfn + i) << PAGE_SHIFT) | PTE_P | PTE_W | leaf_nx;
	return top;
}

/* arch_kstack_unmap: undo arch_kstack_map(pfn, npages) == top; the frames
 * stay the caller's (free them after this). */
void arch_kstack_unmap(uint64_t top, unsigned npages)
{
	unsigned slot = (unsigned)((top - KSTACK_BASE) / KSTACK_SLOT) - 1;
	uint64_t *pte = slot_table(slot);
	unsigned first = (KSTACK_SLOT - (uint64_t)npages * PAGE_SIZE) / PAGE_SIZE;
	for (unsigned i = 0; i < npages; i++) {
		pte[first + i] = 0;
		__asm__ volatile("invlpg (%0)" :: "r"(top - (uint64_t)(npages - i) * PAGE_SIZE) : "memory");
	}
	put_slot(slot);
}

/* arch_kstack_guard_at: true if va lies in some slot's guard, and then the
 * top of the stack it guards in *top. */
bool arch_kstack_guard_at(uint64_t va, uint64_t *top)
{
	if (va < KSTACK_BASE || va >= KSTACK_END)
		return false;
	uint64_t off = (va - KSTACK_BASE) % KSTACK_SLOT;
	*top = va - off + KSTACK_SLOT;
	return off < KSTACK_GUARD;
}

/* arch_selftest_kstack: two stacks mapped at once get distinct slots; each
 * stack's bytes are its frames' bytes, the page below it is an unmapped
 * guard, and after the unmap no entry is left.  True if all of that holds. */
bool arch_selftest_kstack(void)
{
	struct frame_alloc_options o = { 2, true, PURPOSE_KERNEL_DATA };
	uint64_t pfn[2], top[2];
	bool ok = true;
	for (int i = 0; i < 2; i++) {
		if (frame_alloc(&o, &pfn[i]) != E_OK)
			return false;
		top[i] = arch_kstack_map(pfn[i], 4);
		ok &= top[i] != 0;
	}
	ok &= top[0] != top[1];
	for (int i = 0; ok && i < 2; i++) {
		uint64_t *low = (uint64_t *)(top[i] - 4 * PAGE_SIZE);
		uint64_t *high = (uint64_t *)(top[i] - 8);
		*low = 0x1234 + i;
		*high = 0x5678 + i;
		uint64_t *frames = P2V(pfn[i] << PAGE_SHIFT);
		ok &= frames[0] == 0x1234u + i && frames[4 * PAGE_SIZE / 8 - 1] == 0x5678u + i;
		uint64_t t, *pte = slot_table((unsigned)((top[i] - KSTACK_BASE) / KSTACK_SLOT) - 1);
		ok &= arch_kstack_guard_at(top[i] - 4 * PAGE_SIZE - 1, &t) && t == top[i];
		ok &= !arch_kstack_guard_at(top[i] - 4 * PAGE_SIZE, &t);
		for (unsigned p = 0; p < (KSTACK_SLOT - 4 * PAGE_SIZE) / PAGE_SIZE; p++)
			ok &= pte[p] == 0; /* the guard */
		for (unsigned p = 4; p < 8; p++)
			ok &= (pte[p] & PTE_ADDR) == (pfn[i] + p - 4) << PAGE_SHIFT;
	}
	for (int i = 0; i < 2; i++) {
		if (!top[i])
			continue;
		uint64_t *pte = slot_table((unsigned)((top[i] - KSTACK_BASE) / KSTACK_SLOT) - 1);
		arch_kstack_unmap(top[i], 4);
		for (unsigned p = 0; p < 8; p++)
			ok &= pte[p] == 0;
		frame_free(pfn[i], 2);
	}
	return ok;
}
