/* TSC calibration against PIT channel 2, and busy-wait delays. */
#include "arch.h"
#include "cpu.h"

uint64_t tsc_hz;

#define PIT_HZ 1193182
#define CAL_MS 10

/* tsc_sample: the tightest of 16 readings of read(), each between two
 * TSC reads: *tsc = the middle of the pair closest together (a vCPU that
 * lost its host CPU, or waited for QEMU's device lock, meanwhile reads
 * far apart). */
uint32_t tsc_sample(uint32_t (*read)(void), uint64_t *tsc)
{
	uint64_t best = ~0ull;
	uint32_t bc = 0;
	*tsc = 0;
	for (int i = 0; i < 16; i++) {
		uint64_t a = rdtsc();
		uint32_t c = read();
		uint64_t b = rdtsc();
		if (b - a < best)
			best = b - a, bc = c, *tsc = a + (b - a) / 2;
	}
	return bc;
}

/* tsc_median3: the median of three measure()s. */
uint64_t tsc_median3(uint64_t (*measure)(void))
{
	uint64_t m[3];
	for (int i = 0; i < 3; i++)
		m[i] = measure();
	uint64_t lo = m[0] < m[1] ? m[0] : m[1], hi = m[0] < m[1] ? m[1] : m[0];
	return m[2] < lo ? lo : m[2] > hi ? hi : m[2];
}

/* PIT channel 2's count, latched. */
static uint32_t pit_count(void)
{
	outb(0x43, 0x80); /* latch channel 2 */
	uint16_t c = inb(0x42);
	return c | (uint16_t)(inb(0x42) << 8);
}

/* One measurement: TSC ticks per second over at least CAL_MS of PIT
 * channel 2 counting down from 0xFFFF (mode 0, about 55 ms to wrap). */
static uint64_t tsc_measure(void)
{
	outb(0x43, 0xB0); /* channel 2, lo/hi, mode 0 */
	outb(0x42, 0xFF);
	outb(0x42, 0xFF);
	uint64_t t0, t1;
	uint16_t c0 = (uint16_t)tsc_sample(pit_count, &t0), c1;
	do
		c1 = (uint16_t)tsc_sample(pit_count, &t1);
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
	tsc_hz = tsc_median3(tsc_measure);
	outb(0x61, p61);
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
