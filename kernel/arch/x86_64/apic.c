/* Local APIC (xAPIC, memory-mapped at its physical base, through the direct map). */
#include "arch.h"
#include "cpu.h"
#include "memlayout.h"

#define LAPIC_ID      0x020
#define LAPIC_EOI     0x0B0
#define LAPIC_SVR     0x0F0
#define LAPIC_ICR_LO  0x300
#define LAPIC_ICR_HI  0x310
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3E0
#define LVT_MASKED    (1u << 16)
#define LVT_PERIODIC  (1u << 17)
#define ICR_PENDING   (1u << 12)

#define ICR_NMI            (4u << 8)
#define ICR_DEST_OTHERS    (3u << 18)
#define ICR_ASSERT         (1u << 14)

static volatile uint32_t *lapic;

static inline uint32_t rd(unsigned reg) { return lapic[reg / 4]; }
static inline void wr(unsigned reg, uint32_t v) { lapic[reg / 4] = v; }

static void pic_disable(void)
{
	/* Remap the legacy PICs away from the exception vectors, then mask all. */
	outb(0x20, 0x11); outb(0xA0, 0x11);
	outb(0x21, 0x20); outb(0xA1, 0x28);
	outb(0x21, 0x04); outb(0xA1, 0x02);
	outb(0x21, 0x01); outb(0xA1, 0x01);
	outb(0x21, 0xFF); outb(0xA1, 0xFF);
}

/* lapic_init: enable this CPU's local APIC with spurious vector 0xFF. The BSP
 * also masks the legacy PIC. */
void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	if (!lapic) {
		pic_disable();
		lapic = P2V(base & ~0xFFFull);
	}
	wrmsr(MSR_APIC_BASE, base | (1u << 11));
	wr(LAPIC_SVR, 0x100 | 0xFF);
}

unsigned lapic_id(void)
{
	return lapic ? rd(LAPIC_ID) >> 24 : 0;
}

void lapic_eoi(void)
{
	if (lapic)
		wr(LAPIC_EOI, 0);
}

/* lapic_send_ipi: send icr_low to apic_id and wait until it is delivered. */
void lapic_send_ipi(unsigned apic_id, uint32_t icr_low)
{
	wr(LAPIC_ICR_HI, apic_id << 24);
	wr(LAPIC_ICR_LO, icr_low);
	while (rd(LAPIC_ICR_LO) & ICR_PENDING)
		cpu_pause();
}

/* lapic_broadcast_nmi: NMI every other CPU (used by panic to stop them). */
void lapic_broadcast_nmi(void)
{
	if (!lapic)
		return;
	wr(LAPIC_ICR_HI, 0);
	wr(LAPIC_ICR_LO, ICR_DEST_OTHERS | ICR_ASSERT | ICR_NMI);
}

/* ---- I/O APIC: the legacy device interrupts, to the boot CPU ---- */

#define IOAPIC_REDIR(n) (0x10 + 2 * (n))
#define REDIR_LOW_ACTIVE (1u << 13)
#define REDIR_LEVEL      (1u << 15)

static volatile uint32_t *ioapic;
static uint32_t isa_gsi[16];
static uint16_t isa_flags[16];

static void ioapic_write(unsigned reg, uint32_t v)
{
	ioapic[0] = reg;
	ioapic[4] = v;
}

/* ioapic_init: find the I/O APIC (MADT); false if there is none. */
bool ioapic_init(const void *rsdp)
{
	uint64_t pa = acpi_find_ioapic(rsdp, isa_gsi, isa_flags);
	if (!pa)
		return false;
	ioapic = P2V(pa);
	return true;
}

/* ioapic_route_isa: deliver ISA IRQ irq as vector vec to the CPU with
 * apic_id (fixed, physical), with the polarity and trigger the MADT gives
 * it (ISA default: edge, active high). */
void ioapic_route_isa(unsigned irq, unsigned vec, unsigned apic_id)
{
	unsigned pol = isa_flags[irq] & 3, trig = (isa_flags[irq] >> 2) & 3;
	uint32_t low = vec | (pol == 3 ? REDIR_LOW_ACTIVE : 0) | (trig == 3 ? REDIR_LEVEL : 0);
	ioapic_write(IOAPIC_REDIR(isa_gsi[irq]) + 1, apic_id << 24);
	ioapic_write(IOAPIC_REDIR(isa_gsi[irq]), low);
}

static uint32_t timer_ticks_per_ms; /* LAPIC timer counts per ms, divide by 16 */

/* The timer's current count. */
static uint32_t timer_count(void)
{
	return rd(LAPIC_TIMER_CUR);
}

/* One measurement: timer counts per ms of TSC over at least 10 ms, from
 * (TSC, count) pairs at both ends (tsc_calibrate has run). */
static uint64_t timer_measure(void)
{
	wr(LAPIC_TIMER_INIT, 0xFFFFFFFF);
	uint64_t t0, t1;
	uint32_t c0 = tsc_sample(timer_count, &t0);
	udelay(10000);
	uint32_t c1 = tsc_sample(timer_count, &t1);
	return t1 > t0 ? (uint64_t)(c0 - c1) * (tsc_hz / 1000) / (t1 - t0) : 0;
}

/* lapic_timer_calibrate: LAPIC timer counts per ms (divide by 16) against
 * the TSC (BSP): the median of three measurements, each timed by TSC
 * reads taken close around the count's reads (as tsc_calibrate's against
 * the PIT).  Timing a udelay(10000) from the count's start to one plain
 * read counted whatever time the vCPU lost before that read: on a loaded
 * host 1.3 to 60 times too many counts per ms (initial counts of 80,325
 * to 3,791,992 where QEMU's 1 GHz timer gives 62,500), so the 1 ms tick
 * came every 1.3 to 60 ms (sleeps that much coarser; and runq's turns,
 * which took gaps of 10 ms or more for blocks, never ended: sched_tick). */
void lapic_timer_calibrate(void)
{
	wr(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
	wr(LAPIC_LVT_TIMER, LVT_MASKED);
	uint64_t per_ms = tsc_median3(timer_measure);
	wr(LAPIC_TIMER_INIT, 0);
	timer_ticks_per_ms = per_ms > 0xFFFFFFFFull / 1000 ? 0xFFFFFFFFu / 1000 :
			     per_ms ? (uint32_t)per_ms : 1;
}

static unsigned tick_slow = 1; /* lapic_timer_slow's n */

/* lapic_timer_slow: the periodic tick n times as far apart as calibrated
 * (the "slowtick" boot of tests/qemu/run.sh: ticks 20 ms apart, as a host
 * that delays them gives); an idle CPU's one-shot still comes on time
 * (slowed too, every 100 ms sleep on an idle CPU took 2 s, the bound of
 * test_starve's starve_pager_loop: it failed now and then). */
void lapic_timer_slow(unsigned n)
{
	tick_slow = n ? n : 1;
}

/* lapic_timer_start: periodic interrupt on VEC_TIMER every 1000/hz ms.
 * The count first, then the mode: the other order made the timer periodic
 * with the count a one-shot had left (as little as 1 us) until the next
 * write, and QEMU's main loop, which delivers timer expiries holding the
 * lock every CPU needs for that write, then fell behind for good on a
 * loaded host: every CPU stopped (test_oomkill hung now and then). */
void lapic_timer_start(unsigned hz)
{
	uint64_t count = (uint64_t)timer_ticks_per_ms * tick_slow * 1000 / hz;
	wr(LAPIC_TIMER_DIV, 0x3);
	wr(LAPIC_TIMER_INIT, count > 0xFFFFFFFFull ? 0xFFFFFFFFu : (uint32_t)count);
	wr(LAPIC_LVT_TIMER, VEC_TIMER | LVT_PERIODIC);
}

/* lapic_timer_oneshot: one interrupt on VEC_TIMER after `us` microseconds
 * (at least one timer count; capped at what the 32-bit count holds); 0
 * stops the timer. */
void lapic_timer_oneshot(uint64_t us)
{
	if (!us) {
		wr(LAPIC_TIMER_INIT, 0);
		return;
	}
	uint64_t max = 0xFFFFFFFFull / timer_ticks_per_ms * 1000;
	uint64_t count = (us < max ? us : max) * timer_ticks_per_ms / 1000;
	wr(LAPIC_TIMER_DIV, 0x3);
	wr(LAPIC_LVT_TIMER, VEC_TIMER); /* one-shot first: never periodic with count */
	wr(LAPIC_TIMER_INIT, count ? (uint32_t)count : 1);
}

/* lapic_ipi: send a fixed interrupt with vector vec to the CPU with apic_id. */
void lapic_ipi(unsigned apic_id, unsigned vec)
{
	unsigned long f = arch_irq_save();
	lapic_send_ipi(apic_id, (1u << 14) | vec);
	arch_irq_restore(f);
}
