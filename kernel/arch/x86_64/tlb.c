/* TLB invalidation across CPUs.  Without PCIDs a CR3 load flushes every
 * non-global entry, so only CPUs that have a space loaded right now can hold
 * stale entries for it: struct space tracks them in a CPU mask, set before
 * the CR3 load and cleared after switching away.
 *
 * A shootdown posts one request in each target's mailbox and sends VEC_TLB;
 * the initiator waits for every target to acknowledge.  Initiators are
 * serialised by shootdown_lock and, while waiting for it or for acks, they
 * serve their own mailbox, so two CPUs shooting at each other never
 * deadlock.  The caller must hold no spinlock another CPU could be spinning
 * on with interrupts off. */
#include <stdatomic.h>
#include "arch.h"
#include "cpu.h"
#include "spinlock.h"

struct tlb_req {
	uint64_t root;            /* the space's PML4 */
	uint64_t va, npages;      /* npages > 32 means "flush everything" */
	_Atomic unsigned pending; /* targets that have not acknowledged */
};

static struct tlb_req *_Atomic mailbox[MAX_CPUS];
static _Atomic int shootdown_busy;

static void flush_local(uint64_t root, uint64_t va, uint64_t npages)
{
	if (root && (read_cr3() & ~0xFFFull) != root)
		return;
	if (npages > 32) {
		write_cr3(read_cr3());
		return;
	}
	for (uint64_t i = 0; i < npages; i++)
		__asm__ volatile("invlpg (%0)" :: "r"(va + i * 4096) : "memory");
}

/* tlb_poll: serve this CPU's mailbox (from the VEC_TLB handler, or while
 * waiting). */
void tlb_poll(void)
{
	struct tlb_req *r = atomic_exchange(&mailbox[arch_cpu_id()], NULL);
	if (!r)
		return;
	flush_local(r->root, r->va, r->npages);
	atomic_fetch_sub(&r->pending, 1);
}

/* arch_tlb_shootdown: invalidate [va, va + npages pages) of the space at root
 * on this CPU and on every other CPU in cpus; returns when all are done.
 * Root 0: the kernel half's non-global entries, whatever space is loaded
 * (kstack.c). */
void arch_tlb_shootdown(uint64_t root, uint64_t cpus, uint64_t va, uint64_t npages)
{
	unsigned long f = arch_irq_save();
	unsigned me = arch_cpu_id();
	flush_local(root, va, npages);
	cpus &= ~(1ull << me);
	if (cpus) {
		int expected = 0;
		while (!atomic_compare_exchange_weak(&shootdown_busy, &expected, 1)) {
			expected = 0;
			tlb_poll();
			cpu_pause();
		}
		unsigned n = 0;
		for (uint64_t m = cpus; m; m &= m - 1)
			n++;
		struct tlb_req req = { root, va, npages, n };
		for (unsigned c = 0; c < ncpus; c++) {
			if (!(cpus & (1ull << c)))
				continue;
			atomic_store(&mailbox[c], &req);
			lapic_ipi(percpu_area[c].apic_id, VEC_TLB);
		}
		while (atomic_load(&req.pending)) {
			tlb_poll();
			cpu_pause();
		}
		atomic_store(&shootdown_busy, 0);
	}
	arch_irq_restore(f);
}
