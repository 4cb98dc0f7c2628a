/* What kernel/arch gives the portable kernel: the boot steps, CPUs and
 * time, user page tables, thread switching and FPU state, and a few
 * services.  The calls the other way, from arch into the portable kernel,
 * are in kernel.h; the hooks the pure modules use are in hooks.h. */
#ifndef KERNEL_ARCH_API_H
#define KERNEL_ARCH_API_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdatomic.h>
#include "multiboot2.h"
#include "mm/memrange.h"
#include "hooks.h"

/* What the early boot learned. */
struct boot_info {
	struct mb2_info mb;            /* parsed multiboot2 information */
	struct memrange_set free_ram;  /* RAM nobody owns yet (page-aligned) */
	unsigned ncpus_found;          /* CPUs listed by ACPI, boot CPU first */
	unsigned apic_ids[MAX_CPUS];
	uint64_t entry_cycles;         /* TSC at the first instruction */
};

/* Console, descriptor tables, multiboot2, TSC, direct map of all RAM, local
 * APIC and the CPU list. Panics (with a reason) if the machine is unusable. */
void arch_early_init(struct boot_info *bi);

/* Start the other CPUs (needs the frame allocator for their stacks), then
 * drop the identity map everywhere. */
void arch_start_cpus(struct boot_info *bi);

/* Every other CPU enters its scheduler idle loop; then this CPU's scheduler
 * is set up and the call returns (interrupts still off). */
void smp_start_scheduler(void);

unsigned arch_ncpus(void);
uint64_t arch_cycles(void);          /* TSC, ordered */
uint64_t arch_cycles_per_sec(void);  /* calibrated TSC rate */

/* Run fn(arg) on every CPU at once (the caller included) and wait for all. */
void smp_run_all(void (*fn)(void *), void *arg);

/* End the QEMU run with exit status code (isa-debug-exit); never returns. */
_Noreturn void arch_exit(unsigned code);

/* The VGA text row `back` rows above the cursor (1 = the last finished
 * line), without trailing blanks: for checking the mirror. */
void arch_vga_row(unsigned back, char *out, size_t n);

/* Reset the machine; never returns. */
_Noreturn void arch_reboot(void);

/* User page tables (arch/x86_64/pt.c).  root is a PML4's physical address;
 * the caller serialises changes to one root and invalidates TLBs. */
uint64_t arch_pt_create(void);
int arch_pt_map(uint64_t root, uint64_t va, uint64_t pa, unsigned rights, uint64_t *old);
/* arch_pt_map where nothing is mapped yet: E_BUSY (nothing changed) if va
 * is mapped, E_NOMEM if a table could not be allocated. */
int arch_pt_map_new(uint64_t root, uint64_t va, uint64_t pa, unsigned rights);
int arch_pt_unmap(uint64_t root, uint64_t va, uint64_t *old);
int arch_pt_protect(uint64_t root, uint64_t va, unsigned rights);
/* If va maps pa: newpa there instead, rights less clear (*rights: the old
 * ones); else E_NOENT, nothing changed.  One walk (KSM's merge). */
int arch_pt_replace_if(uint64_t root, uint64_t va, uint64_t pa, uint64_t newpa, unsigned clear,
		       unsigned *rights);
bool arch_pt_lookup(uint64_t root, uint64_t va, uint64_t *pa, unsigned *rights);
/* Fill marks (space_fill): set one at an unmapped va (E_AGAIN: one was
 * there, E_BUSY if mapped, E_NOMEM); clear those of a range; read one's rights (0: none); map pa
 * at a mark that allows rights (E_BUSY if none). */
int arch_pt_fill_mark(uint64_t root, uint64_t va, unsigned rights);
void arch_pt_fill_clear(uint64_t root, uint64_t va, uint64_t npages);
unsigned arch_pt_fill_rights(uint64_t root, uint64_t va);
int arch_pt_fill_map(uint64_t root, uint64_t va, uint64_t pa, unsigned rights);
/* Copy marks (space_fill): the rights and frame of va's copy-marked
 * read-only mapping (0: none); replace it by newpa, writable, if va still
 * maps pa so marked (E_BUSY if not). */
unsigned arch_pt_copy_rights(uint64_t root, uint64_t va, uint64_t *pa);
int arch_pt_set_empty(uint64_t root, uint64_t va, uint64_t pa, unsigned rights);
int arch_pt_copy_map(uint64_t root, uint64_t va, uint64_t pa, uint64_t newpa, unsigned rights);
uint64_t arch_pt_hole(uint64_t root, uint64_t va);
int arch_pt_prepare(uint64_t root, uint64_t va);
int arch_pt_share_cow(uint64_t src, uint64_t dst, uint64_t va, uint64_t npages,
		      bool (*take)(uint64_t pa, void *arg), void *arg, bool copy,
		      uint64_t *shared, bool *wrprotected);
void arch_pt_destroy(uint64_t root, void (*leaf)(uint64_t pa, void *arg), void *arg);
int arch_copy_from_user(uint64_t root, void *dst, uint64_t src, size_t n);
int arch_copy_to_user(uint64_t root, uint64_t dst, const void *src, size_t n);
void arch_tlb_shootdown(uint64_t root, uint64_t cpus, uint64_t va, uint64_t npages);

/* Kernel stacks with an unmapped guard page below (arch/x86_64/kstack.c):
 * arch_kstack_map maps npages frames from pfn and returns the stack's top
 * (0: no slot or memory; it may wait for a TLB shootdown, so the caller
 * holds no spinlock); arch_kstack_unmap undoes it before the frames are
 * freed. */
uint64_t arch_kstack_map(uint64_t pfn, unsigned npages);
void arch_kstack_unmap(uint64_t top, unsigned npages);
/* arch_load_root(root): load root on this CPU (0: the kernel-only
 * tables); inline (arch_inline.h). */

/* Threads, arch side (arch/x86_64/thread.c, entry.asm). */
/* Lay out a new kernel stack ending at top so that switching to the returned
 * rsp enters ring 3 at entry with rsp = stack and rdi = arg; *uframe is the
 * user register frame. */
uint64_t arch_thread_stack_init(uint64_t top, uint64_t entry, uint64_t stack,
				uint64_t arg, void **uframe);
/* The user registers in a thread's frame as abi/signal.h's gregs (REG_*
 * order; also TRAPNO and ERR), and back (rip, rsp, rflags and the fifteen
 * others; rflags is cut to what ring 3 may hold on the way out). */
void arch_uregs_get(const void *uframe, uint64_t *gregs);
void arch_uregs_set(void *uframe, const uint64_t *gregs);
/* Leave the kernel for ring 3 with every register of uframe, the current
 * thread's frame (iretq, not sysret: rcx and r11 come back too). */
_Noreturn void arch_user_return(void *uframe);
/* Save this thread's kernel context in *save, clear *prev_on_cpu, wait for
 * *next_on_cpu to be 0 and set it, continue on the context in *next. */
void arch_switch(uint64_t *save, const uint64_t *next, _Atomic int *prev_on_cpu,
		 _Atomic int *next_on_cpu);
/* The IPC fast path's switch, which never returns.  This thread (blocked,
 * its user frame at uframe) is left so that a later switch to it goes on
 * at arch_resume_syscall (how = THREAD_RESUME_SYSCALL) or
 * arch_resume_fault (THREAD_RESUME_FAULT) on its own stack, which returns
 * to ring 3 from that frame: nothing of its kernel stack but the frame is
 * kept.  *save gets that context; then *prev_on_cpu is cleared and
 * *next_on_cpu claimed as arch_switch does, and the next thread goes on:
 * if next_how is 0, from its saved context (next = &its ksp, read after the
 * claim); else it blocked here too and goes on from its user frame (next),
 * at the function next_how names, without unwinding anything. */
_Noreturn void arch_switch_fast(uint64_t *save, void *uframe, _Atomic int *prev_on_cpu,
				_Atomic int *next_on_cpu, const void *next, uint64_t how_next_how);
#define ARCH_SWITCH_HOWS(how, next_how) ((uint64_t)(how) | (uint64_t)(next_how) << 8)
/* FPU/SSE state of a thread: an opaque ARCH_FPU_SIZE-byte area in the
 * thread, aligned to ARCH_FPU_ALIGN (arch/x86_64/fpu.c: saved at switch-out,
 * restored lazily at the thread's first FPU instruction).  arch_fpu_init
 * gives an area the initial state; arch_fpu_leave(area) (before switching
 * away from the thread owning area; inline, arch_inline.h) saves it if it
 * is live on this CPU. */
#define ARCH_FPU_SIZE  512
#define ARCH_FPU_ALIGN 16
void arch_fpu_init(void *area);
/* The calendar time read from the RTC at boot (seconds since 1970 UTC; 0
 * if unreadable) and the cycle counter (arch_cycles) at that moment. */
void arch_rtc_time(uint64_t *epoch, uint64_t *cycles);
/* arch_set_fs_base(base): load this CPU's FS base (the ring-3 thread
 * pointer: set_fs_base); inline (arch_inline.h). */

/* The data selectors ring 3 left loaded (ds, es, fs, gs: 16 bits each,
 * from bit 0: arch_segs_get, inline, arch_inline.h), and loading such a
 * set back (fs_base then written: loading fs clears the FS base).  The
 * context switch keeps them per thread. */
void arch_segs_set(uint64_t segs, uint64_t fs_base);
/* arch_set_kstack(top): kernel stack top for entries from ring 3 on this
 * CPU; inline (arch_inline.h). */
/* Enable interrupts, halt until one arrives, disable them again. */
void arch_idle_wait(void);
/* With interrupts off: let any pending interrupt in, then off again (an
 * idle CPU between two pieces of background work). */
void arch_irq_window(void);
/* Send this CPU's wake/reschedule interrupt to cpu. */
void arch_wake_cpu(unsigned cpu);
/* One pointer per CPU for the portable kernel (the scheduler's per-CPU
 * state), reached in one load (arch_cpu_local, inline: arch_inline.h):
 * NULL until set on that CPU. */
void arch_set_cpu_local(void *p);
/* Storage for the portable kernel's part of CPU cpu (the scheduler's),
 * ARCH_CPU_AREA_SIZE bytes (arch_inline.h), 64-byte aligned, zero at
 * boot, in the page of the arch's own per-CPU data that every switch
 * touches. */
void *arch_cpu_area(unsigned cpu);
/* True if console input raises interrupts (else CPU 0's tick polls it). */
bool arch_console_interrupts(void);
/* Queue the console input the devices held back while the queue was full
 * (a reader has just made room). */
void arch_console_poll(void);
/* Start this CPU's periodic scheduler tick (SCHED_HZ). */
void arch_timer_start(void);
/* Instead of the tick: one timer interrupt after us microseconds (0: none
 * at all), for an idle CPU. */
void arch_timer_oneshot(uint64_t us);

/* In-kernel check of the arch entry code: an interrupt taken in ring 0
 * with a user GS base still finds this CPU's data (arch/x86_64/trap.c). */
bool arch_selftest_foreign_gs(void);
/* kstack.c: two kernel stacks mapped, their guards unmapped, both unmapped
 * again; true if right. */
bool arch_selftest_kstack(void);

/* The calls every switch and fast IPC makes, inline (kernel/arch/<arch>/
 * include/, on the kernel's include path): arch_cpu_local,
 * arch_set_kstack, arch_fpu_leave, arch_segs_get, arch_load_root,
 * arch_set_fs_base. */
#include "arch_inline.h"

#endif
