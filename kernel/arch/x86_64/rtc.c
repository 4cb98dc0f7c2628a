/* The CMOS real-time clock, read once at boot: the calendar time (UTC, as
 * QEMU and PCs set up for Linux keep it) and the cycle counter at that
 * moment, which ring 3 adds the cycles since to (sysinfo: CLOCK_REALTIME). */
#include "arch.h"
#include "cpu.h"
#include "arch_api.h"
#include "printk.h"

static uint64_t rtc_epoch, rtc_cycles;

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

/* Days from 1970-01-01 to y-m-d (m 1..12). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

struct rtc_regs {
	uint8_t sec, min, hour, day, mon, year;
};

static void read_regs(struct rtc_regs *r)
{
	for (int i = 0; i < 1000000 && (cmos(0x0A) & 0x80); i++)
		cpu_pause(); /* an update is in progress */
	r->sec = cmos(0x00);
	r->min = cmos(0x02);
	r->hour = cmos(0x04);
	r->day = cmos(0x07);
	r->mon = cmos(0x08);
	r->year = cmos(0x09);
}

static unsigned from_bcd(uint8_t v, int binary)
{
	return binary ? v : (v & 15u) + (v >> 4) * 10u;
}

/* rtc_init: read the clock (twice alike, so no update fell between the
 * registers); a clock that reads nonsense leaves the epoch 0. */
void rtc_init(void)
{
	struct rtc_regs a, b;
	read_regs(&a);
	for (int tries = 0; tries < 5; tries++) {
		read_regs(&b);
		if (!__builtin_memcmp(&a, &b, sizeof a))
			break;
		a = b;
	}
	rtc_cycles = rdtsc();
	uint8_t regb = cmos(0x0B);
	int binary = regb & 4, pm = !(regb & 2) && (a.hour & 0x80);
	unsigned hour = from_bcd(a.hour & 0x7f, binary) % 24;
	if (!(regb & 2))
		hour = hour % 12 + (pm ? 12 : 0);
	unsigned sec = from_bcd(a.sec, binary), min = from_bcd(a.min, binary);
	unsigned day = from_bcd(a.day, binary), mon = from_bcd(a.mon, binary);
	unsigned year = 2000 + from_bcd(a.year, binary);
	if (sec > 59 || min > 59 || day < 1 || day > 31 || mon < 1 || mon > 12 || year > 2099) {
		printk("rtc: unreadable (%u-%u-%u); CLOCK_REALTIME counts from boot\n",
		       year, mon, day);
		return;
	}
	rtc_epoch = (uint64_t)(days_from_civil(year, mon, day) * 86400) + hour * 3600u +
		    min * 60u + sec;
}

void arch_rtc_time(uint64_t *epoch, uint64_t *cycles)
{
	*epoch = rtc_epoch;
	*cycles = rtc_cycles;
}
