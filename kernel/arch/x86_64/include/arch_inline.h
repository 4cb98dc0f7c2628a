/* x86_64's inline part of arch_api.h (included at its end): the per-CPU
 * reads and writes, the selector read and the root load that every switch
 * and every fast IPC or fault makes, as a gs-relative load or store in the caller instead
 * of a call.  The ARCH_PCPU_* offsets are struct percpu's (arch.h; checked
 * in hooks.c). */
#ifndef ARCH_X86_64_ARCH_INLINE_H
#define ARCH_X86_64_ARCH_INLINE_H

#include <stdint.h>

#define ARCH_PCPU_KSTACK    0x08 /* kstack_top */
#define ARCH_PCPU_FPU_LIVE  0x28 /* fpu_live */
#define ARCH_PCPU_CPU_LOCAL 0x30 /* cpu_local */
#define ARCH_PCPU_RSP0      0x84 /* tss.rsp[0] */
#define ARCH_KERNEL_VMA     0xFFFFFFFF80000000ull /* memlayout.h's KERNEL_VMA */
/* arch_cpu_area's size: struct percpu's cpu_area, right after its TSS */
#define ARCH_CPU_AREA_SIZE  768

/* One pointer per CPU for the portable kernel (the scheduler's per-CPU
 * state): NULL until set on that CPU.  Every CPU sets its GS base
 * (percpu_init) before anything asks. */
static inline void *arch_cpu_local(void)
{
	void *p;
	__asm__ volatile("mov %%gs:%c1, %0" : "=r"(p) : "i"(ARCH_PCPU_CPU_LOCAL));
	return p;
}

/* Kernel stack top for entries from ring 3 on this CPU: the syscall
 * entry's and the TSS's (interrupts). */
static inline void arch_set_kstack(uint64_t top)
{
	__asm__ volatile("mov %0, %%gs:%c1\n\tmov %0, %%gs:%c2"
			 :: "r"(top), "i"(ARCH_PCPU_KSTACK), "i"(ARCH_PCPU_RSP0) : "memory");
}

/* Load this CPU's FS base (the ring-3 thread pointer): a switch to a
 * program's thread whose base is not live makes it. */
static inline void arch_set_fs_base(uint64_t base)
{
	__asm__ volatile("wrmsr" :: "c"(0xC0000100u), "a"((uint32_t)base),
			 "d"((uint32_t)(base >> 32)) : "memory");
}

/* arch_fpu_leave's save, when area is live on this CPU (fpu.c). */
void arch_fpu_save_live(void *area);

/* Before switching away from the thread owning FPU area `area`: its state
 * saved if it is live on this CPU. */
static inline void arch_fpu_leave(void *area)
{
	void *live;
	__asm__ volatile("mov %%gs:%c1, %0" : "=r"(live) : "i"(ARCH_PCPU_FPU_LIVE));
	if (live == area)
		arch_fpu_save_live(area);
}

/* The data selectors ring 3 left loaded (ds, es, fs, gs: 16 bits each,
 * from bit 0): read at every switch away from a program's thread. */
static inline uint64_t arch_segs_get(void)
{
	uint64_t segs, t;
	/* a 32-bit mov from a segment register zeroes the upper bits */
	__asm__ volatile("mov %%ds, %k0\n\tmov %%es, %k1\n\tshl $16, %k1\n\tor %k1, %k0\n\t"
			 "mov %%gs, %k1\n\tshl $16, %k1\n\tmov %%fs, %w1\n\tshl $32, %1\n\t"
			 "or %1, %0"
			 : "=&r"(segs), "=&r"(t));
	return segs;
}

extern uint64_t boot_pml4[512];

/* Load root on this CPU (0: the kernel-only tables); no CR3 write if it is
 * loaded already. */
static inline void arch_load_root(uint64_t root)
{
	uint64_t want = root ? root : (uint64_t)boot_pml4 - ARCH_KERNEL_VMA, cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	if ((cr3 & ~0xFFFull) != want)
		__asm__ volatile("mov %0, %%cr3" :: "r"(want) : "memory");
}

#endif
