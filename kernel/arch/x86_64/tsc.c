/* TSC calibration against PIT channel 2, and busy-wait delays. */
#include "arch.h"
#include "cpu.h"

uint64_t tsc_hz;

#define PIT_HZ 1193182
#define CAL_MS 10

/* tsc_calibrate: count TSC ticks over CAL_MS of PIT channel 2 (gate via port
 * 0x61, one-shot mode, poll the OUT bit). */
void tsc_calibrate(void)
{
	uint16_t count = PIT_HZ * CAL_MS / 1000;
	uint8_t p61 = inb(0x61);
	outb(0x61, (p61 & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xB0);                 /* channel 2, lo/hi, mode 0 */
	outb(0x42, (uint8_t)count);
	outb(0x42, (uint8_t)(count >> 8));
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		;
	uint64_t t1 = rdtsc();
	outb(0x61, p61);
	tsc_hz = (t1 - t0) * (1000 / CAL_MS);
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
