/* Exceptions and interrupts: every exception prints vector, error code, RIP,
 * CR2 and all registers, then panics; nothing is ever a silent triple fault. */
#include <stdatomic.h>
#include "arch.h"
#include "cpu.h"
#include "printk.h"
#include "arch_api.h"
#include "kernel.h"
#include "sched.h"
#include "abi/fault.h"
#include "console.h"
#include "ksignal.h"

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD error", "#VE virtualization",
	"#CP control protection", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

static _Atomic int panicking;
bool exit_on_panic; /* test and bench runs end QEMU instead of hanging */

#define VEC_SPURIOUS 0xFF

/* trap_dump: print every register of tf, one fixed format. */
static void trap_dump(const struct trap_frame *tf)
{
	printk("  rip %016lx  cs %04lx  rflags %016lx\n", tf->rip, tf->cs, tf->rflags);
	printk("  rsp %016lx  ss %04lx  cr2 %016lx  cr3 %016lx\n", tf->rsp, tf->ss,
	       read_cr2(), read_cr3());
	printk("  rax %016lx  rbx %016lx  rcx %016lx\n", tf->rax, tf->rbx, tf->rcx);
	printk("  rdx %016lx  rsi %016lx  rdi %016lx\n", tf->rdx, tf->rsi, tf->rdi);
	printk("  rbp %016lx  r8  %016lx  r9  %016lx\n", tf->rbp, tf->r8, tf->r9);
	printk("  r10 %016lx  r11 %016lx  r12 %016lx\n", tf->r10, tf->r11, tf->r12);
	printk("  r13 %016lx  r14 %016lx  r15 %016lx\n", tf->r13, tf->r14, tf->r15);
}

static _Noreturn void halt_forever(void)
{
	for (;;) {
		cpu_cli();
		cpu_hlt();
	}
}

void tlb_poll(void);

#define PF_PRESENT 0x01 /* #PF error code: a protection fault */
#define PF_WRITE   0x02
#define PF_FETCH   0x10

/* The portable kernel's label (abi/fault.h FAULT_*) for an exception. */
static uint64_t fault_label(uint64_t vector)
{
	switch (vector) {
	case 14: return FAULT_PAGE;
	case 13: return FAULT_GP;
	case 6: return FAULT_UD;
	case 0: return FAULT_DE;
	default: return FAULT_OTHER;
	}
}

/* FAULT_ACC_* bits for a #PF error code; 0 for #GP, #UD, #DE; the vector
 * itself for any other (FAULT_OTHER). */
static uint64_t fault_access(uint64_t vector, uint64_t error)
{
	if (vector != 14)
		return vector == 13 || vector == 6 || vector == 0 ? 0 : vector;
	uint64_t a = (error & PF_WRITE) ? FAULT_ACC_WRITE : FAULT_ACC_READ;
	if (error & PF_FETCH)
		a = FAULT_ACC_EXEC;
	if (error & PF_PRESENT)
		a |= FAULT_ACC_PRESENT;
	return a;
}

/* An exception: ring 3 faults go to the pager as messages; anything in ring
 * 0, or in the pager itself, is fatal with a full dump. */
static void exception(struct trap_frame *tf)
{
	uint64_t cr2 = tf->vector == 14 ? read_cr2() : 0;
	if ((tf->cs & 3) && fault_user_exception(fault_label(tf->vector),
						  fault_access(tf->vector, tf->error), cr2, tf->rip))
		return;
	uint64_t top;
	if (!(tf->cs & 3) && (tf->vector == 8 || tf->vector == 14) &&
	    (arch_kstack_guard_at(read_cr2(), &top) || arch_kstack_guard_at(tf->rsp, &top))) {
		/* a #PF in the guard cannot push its frame there: #DF, on its IST */
		printk("EXCEPTION %s (vector %lu) rip 0x%lx rsp 0x%lx cr2 0x%lx cpu %u\n",
		       exc_names[tf->vector], tf->vector, tf->rip, tf->rsp, read_cr2(),
		       arch_cpu_id());
		panic("kernel stack overflow: the stack below 0x%lx ran into its guard page", top);
	}
	printk("EXCEPTION %s (vector %lu) error 0x%lx rip 0x%lx cr2 0x%lx cpu %u%s\n",
	       exc_names[tf->vector], tf->vector, tf->error, tf->rip, read_cr2(),
	       arch_cpu_id(), (tf->cs & 3) ? " in the pager" : "");
	trap_dump(tf);
	panic("unhandled exception %lu in ring %lu", tf->vector, tf->cs & 3);
}

/* trap_handler: called by entry.asm for every vector. */
void trap_handler(struct trap_frame *tf)
{
	bool user = tf->cs & 3;
	/* ring 3's page faults first: the IPC fast path's delivery (fastpath.c) */
	if (tf->vector == 14 && user &&
	    fault_user_page(fault_access(14, tf->error), read_cr2(), tf->rip)) {
		thread_check_kill();
		/* the fast path's fault_resume took a signal already; the slow
		 * path's answer (fault_user_exception) comes back here: a signal
		 * or a stop posted meanwhile is taken now, not at the next entry */
		signal_on_return(sched_current(), tf);
		return;
	}
	switch (tf->vector) {
	case 2: /* on its IST stack: never blocks, never goes to a pager */
		if (atomic_load(&panicking))
			halt_forever(); /* another CPU panicked and stopped us */
		printk("NMI on cpu %u\n", arch_cpu_id());
		trap_dump(tf);
		panic("NMI");
	case 7: /* #NM: a thread's first FPU/SSE instruction since it ran */
		if (!user)
			exception(tf);
		arch_fpu_trap(sched_current()->fpu);
		return;
	case 14:
		exception(tf); /* in ring 0, or in a space with no pager */
		break;
	case VEC_SPURIOUS:
		return;
	case VEC_TIMER:
		lapic_eoi();
		if (arch_cpu_id() == 0 && !console_by_irq) { /* no I/O APIC: polled */
			arch_console_poll();
			console_input_notify();
		}
		if (sched_tick() && user)
			sched_yield();
		break;
	case VEC_WAKE:
		lapic_eoi();
		if (user && sched_should_yield())
			sched_yield();
		break;
	case VEC_TLB:
		lapic_eoi();
		tlb_poll();
		break;
	case VEC_COM1:
		serial_poll_input();
		lapic_eoi();
		console_input_notify();
		if (user && sched_should_yield())
			sched_yield();
		break;
	case VEC_KBD:
		keyboard_poll_input();
		lapic_eoi();
		console_input_notify();
		if (user && sched_should_yield())
			sched_yield();
		break;
	default:
		if (tf->vector < 32) {
			exception(tf);
		} else {
			printk("unexpected interrupt %lu on cpu %u\n", tf->vector, arch_cpu_id());
			lapic_eoi();
		}
	}
	if (user) {
		thread_check_kill();
		signal_on_return(sched_current(), tf);
	}
}

/* arch_selftest_foreign_gs: take an interrupt in ring 0 while the GS base
 * is a user value, as an NMI can between a swapgs and the iretq or sysret
 * after it: the entry must still reach this CPU's data (the VEC_TLB
 * handler reads it).  True if it did and GS is the kernel's afterwards. */
bool arch_selftest_foreign_gs(void)
{
	unsigned long f = arch_irq_save();
	struct percpu *want = this_cpu();
	uint64_t kernel_gs = rdmsr(MSR_KERNEL_GS);
	wrmsr(MSR_KERNEL_GS, 0x1000); /* an unmapped user address */
	__asm__ volatile("swapgs; int %0; swapgs" :: "i"(VEC_TLB) : "memory");
	bool ok = this_cpu() == want && rdmsr(MSR_KERNEL_GS) == 0x1000;
	wrmsr(MSR_KERNEL_GS, kernel_gs);
	arch_irq_restore(f);
	return ok;
}

/* Print the frame-pointer chain from rbp. */
static void backtrace(uint64_t rbp)
{
	extern char _kernel_start[], _kernel_end[];
	printk("  backtrace:");
	uint64_t top;
	for (int i = 0; i < 16 && rbp >= (uint64_t)_kernel_start &&
			!arch_kstack_guard_at(rbp, &top) && !arch_kstack_guard_at(rbp + 8, &top) &&
			rbp < 0xFFFFFFFFFFFFF000 && (rbp & 7) == 0; i++) {
		uint64_t *fp = (uint64_t *)rbp;
		if (fp[1] < (uint64_t)_kernel_start || fp[1] >= (uint64_t)_kernel_end)
			break;
		printk(" %lx", fp[1]);
		rbp = fp[0];
	}
	printk("\n");
}

/* arch_halt_all: dump this CPU's state, stop the others with an NMI, and
 * halt (or end QEMU in test and bench runs). */
_Noreturn void arch_halt_all(void)
{
	cpu_cli();
	uint64_t rsp, rbp;
	__asm__ volatile("mov %%rsp, %0; mov %%rbp, %1" : "=r"(rsp), "=r"(rbp));
	if (atomic_exchange(&panicking, 1))
		halt_forever(); /* someone else is already stopping the machine */
	printk("  cpu %u rsp %016lx rbp %016lx cr0 %lx cr3 %lx cr4 %lx\n",
	       arch_cpu_id(), rsp, rbp, read_cr0(), read_cr3(), read_cr4());
	backtrace(rbp);
	if (ncpus > 1)
		lapic_broadcast_nmi();
	if (exit_on_panic)
		qemu_exit(3);
	halt_forever();
	__builtin_unreachable();
}

/* qemu_exit: leave QEMU through isa-debug-exit (status = code * 2 + 1). */
_Noreturn void qemu_exit(uint8_t code)
{
	outl(0xF4, code);
	halt_forever(); /* no debug-exit device: stay halted */
	__builtin_unreachable();
}
