/* Starting the application processors (INIT-SIPI-SIPI through the trampoline)
 * and running work on every CPU at once. */
#include <stdatomic.h>
#include "arch.h"
#include "cpu.h"
#include "memlayout.h"
#include "mm/frame.h"
#include "lib/string.h"
#include "printk.h"
#include "sched.h"
#include "arch_api.h"

struct tramp_params { /* matches tramp_params in trampoline.asm */
	uint32_t cr3, efer;
	uint64_t stack, entry;
	uint32_t cpu, pad;
} __attribute__((packed));

extern char _trampoline_start[], _trampoline_end[], tramp_params[];

#define AP_STACK_ORDER 2 /* 16 KiB kernel stack per AP */
#define ICR_INIT  0x4500
#define ICR_SIPI  0x4600
#define ICR_FIXED_OTHERS ((3u << 18) | (1u << 14))

/* Work for smp_run_all: published by bumping gen, finished when done counts
 * every other CPU.  Only one smp_run_all runs at a time (the BSP's). */
static struct {
	void (*fn)(void *);
	void *arg;
	_Atomic unsigned gen, done;
} work;

static _Atomic bool go_sched;       /* APs leave ap_loop for the scheduler */
static _Atomic unsigned in_sched;  /* APs that did */

void syscall_init_cpu(void);

/* This CPU joins the scheduler: its run queue, the tick, its idle loop. */
static _Noreturn void enter_scheduler(void)
{
	sched_init_cpu(arch_cpu_id());
	arch_timer_start();
	atomic_fetch_add(&in_sched, 1);
	sched_idle_loop();
}

/* The loop every AP waits in until the scheduler starts: halt until
 * smp_run_all posts work, run it. */
static _Noreturn void ap_loop(void)
{
	unsigned seen = 0;
	for (;;) {
		cpu_cli();
		if (atomic_load(&go_sched))
			enter_scheduler();
		if (atomic_load(&work.gen) == seen) {
			__asm__ volatile("sti; hlt" ::: "memory"); /* no lost wake-up */
			continue;
		}
		seen = atomic_load(&work.gen);
		work.fn(work.arg);
		atomic_fetch_add(&work.done, 1);
	}
}

/* ap_entry: first C code on an AP (from the trampoline, on its own stack). */
_Noreturn void ap_entry(unsigned cpu)
{
	percpu_init(cpu, 0);
	struct percpu *c = this_cpu();
	gdt_init_cpu(c);
	idt_load();
	syscall_init_cpu();
	fpu_init_cpu();
	lapic_init();
	c->apic_id = lapic_id();
	atomic_thread_fence(memory_order_seq_cst);
	c->online = true;
	ap_loop();
}

/* Start CPU cpu (APIC id apic) and wait up to 1 s for it. Returns success. */
static bool start_one(unsigned cpu, unsigned apic)
{
	uint64_t pfn;
	struct frame_alloc_options opt = { AP_STACK_ORDER, false, PURPOSE_KERNEL_DATA };
	if (frame_alloc(&opt, &pfn) != E_OK)
		return false;
	struct tramp_params *p = P2V(AP_TRAMPOLINE_PA + (tramp_params - _trampoline_start));
	p->cr3 = (uint32_t)read_cr3();
	p->efer = (uint32_t)(rdmsr(MSR_EFER) & ((1u << 8) | (1u << 11)));
	p->stack = arch_kstack_map(pfn, 1u << AP_STACK_ORDER); /* a guard below */
	if (!p->stack) {
		frame_free(pfn, AP_STACK_ORDER);
		return false;
	}
	p->entry = (uint64_t)ap_entry;
	p->cpu = cpu;
	percpu_area[cpu].kstack_top = p->stack;
	atomic_thread_fence(memory_order_seq_cst);

	lapic_send_ipi(apic, ICR_INIT);
	udelay(10000);
	for (int i = 0; i < 2; i++) {
		lapic_send_ipi(apic, ICR_SIPI | (AP_TRAMPOLINE_PA >> 12));
		udelay(200);
	}
	for (int ms = 0; ms < 1000 && !percpu_area[cpu].online; ms++)
		udelay(1000);
	return percpu_area[cpu].online;
}

/* smp_start_aps: start the n-1 APs in apic_ids[1..n) one at a time; ncpus
 * becomes the number that came online. */
void smp_start_aps(const unsigned apic_ids[], unsigned n)
{
	memcpy(P2V(AP_TRAMPOLINE_PA), _trampoline_start,
	       (size_t)(_trampoline_end - _trampoline_start));
	percpu_area[0].online = true;
	for (unsigned i = 1; i < n && i < MAX_CPUS; i++) {
		if (!start_one(ncpus, apic_ids[i])) {
			printk("smp: cpu with APIC id %u did not start\n", apic_ids[i]);
			continue;
		}
		ncpus++;
	}
}

/* smp_run_all: run fn(arg) on every online CPU at once and wait for all. */
void smp_run_all(void (*fn)(void *), void *arg)
{
	work.fn = fn;
	work.arg = arg;
	atomic_store(&work.done, 0);
	atomic_fetch_add(&work.gen, 1);
	if (ncpus > 1) {
		/* wake the halted APs: a fixed IPI to all but self */
		lapic_send_ipi(0, ICR_FIXED_OTHERS | VEC_WAKE);
	}
	fn(arg);
	while (atomic_load(&work.done) < ncpus - 1)
		cpu_pause();
}

/* smp_start_scheduler: every AP enters its scheduler; then this CPU (the
 * BSP) sets up its own and returns, to start the first threads. */
void smp_start_scheduler(void)
{
	atomic_store(&go_sched, true);
	if (ncpus > 1)
		lapic_send_ipi(0, ICR_FIXED_OTHERS | VEC_WAKE);
	while (atomic_load(&in_sched) < ncpus - 1)
		cpu_pause();
	sched_init_cpu(0);
	arch_timer_start();
}
