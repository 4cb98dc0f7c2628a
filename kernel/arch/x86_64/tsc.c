/* TSC calibration against PIT channel 2, and busy-wait delays. */
#include "arch.h"
#include "cpu.h"

uint64_t tsc_hz;

#define PIT_HZ 1193182
#define CAL_MS 10

/* PIT channel 2's count, latched between two TSC reads: *tsc = their
 * middle, *gap = their distance (large if this vCPU lost its host CPU
 * meanwhile). */
static uint16_t pit_read(uint64_t *tsc, uint64_t *gap)
{
	uint64_t a = rdtsc();
	outb(0x43, 0x80); /* latch channel 2 */
	uint16_t c = inb(0x42);
	c |= (uint16_t)(inb(0x42) << 8);
	uint64_t b = rdtsc();
	*tsc = a + (b - a) / 2;
	*gap = b - a;
	return c;
}

/* The tightest of 16 readings: a (TSC, count) pair taken close together. */
static uint16_t pit_sample(uint64_t *tsc)
{
	uint64_t best = ~0ull, t, gap;
	uint16_t bc = 0;
	for (int i = 0; i < 16; i++) {
		uint16_t c = pit_read(&t, &gap);
		if (gap < best)
			best = gap, bc = c, *tsc = t;
	}
	return bc;
}

/* One measurement: TSC ticks per second over at least CAL_MS of PIT
 * channel 2 counting down from 0xFFFF (mode 0, about 55 ms to wrap). */
static uint64_t tsc_measure(void)
{
	outb(0x43, 0xB0); /* channel 2, lo/hi, mode 0 */
	outb(0x42, 0xFF);
	outb(0x42, 0xFF);
	uint64_t t0, t1;
	uint16_t c0 = pit_sample(&t0), c1;
	do
		c1 = pit_sample(&t1);
	while ((uint16_t)(c0 - c1) < PIT_HZ * CAL_MS / 1000);
	return (t1 - t0) * PIT_HZ / (uint16_t)(c0 - c1);
}

/* tsc_calibrate: the median of three measurements against PIT channel 2
 * (gate via port 0x61), each from (TSC, count) pairs read close together.
 * Timing the OUT bit from a TSC read before the count started was off by
 * whatever time the vCPU lost meanwhile: 7,824 MHz for a 2,108 MHz TSC
 * once on a loaded host (so every sleep lasted almost 4x too long). */
void tsc_calibrate(void)
{
	uint8_t p61 = inb(0x61);
	outb(0x61, (p61 & ~0x02) | 0x01); /* gate on, speaker off */
	uint64_t m[3];
	for (int i = 0; i < 3; i++)
		m[i] = tsc_measure();
	outb(0x61, p61);
	uint64_t lo = m[0] < m[1] ? m[0] : m[1], hi = m[0] < m[1] ? m[1] : m[0];
	tsc_hz = m[2] < lo ? lo : m[2] > hi ? hi : m[2];
	if (tsc_hz == 0)
		tsc_hz = 1000000000; /* never divide by zero */
}

/* udelay: spin for at least us microseconds. */
void udelay(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_hz / 1000000 * us;
	while (rdtsc() < end)
		cpu_pause();
}
