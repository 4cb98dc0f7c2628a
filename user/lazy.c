/* lazy N [SECS]: map N MiB (default 16) of lazy memory, touch every page,
 * and show which pager counters moved; then keep it SECS seconds (default
 * 0) before exiting, to look at it with ps, meminfo or memmap. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "sys/test.h"
#include "sys/unistd.h"

static uint64_t number(const char *s, uint64_t dflt)
{
	uint64_t n = 0;
	if (!s || !*s)
		return dflt;
	for (; *s >= '0' && *s <= '9'; s++)
		n = n * 10 + (uint64_t)(*s - '0');
	return n;
}

int main(int argc, char **argv)
{
	static struct pg_stats a, b;
	uint64_t mib = number(argc > 1 ? argv[1] : NULL, 16), left = mib << 20;
	uint64_t free0 = frames_available(), t0;
	pager_stats(&a);
	t0 = rdtsc();
	while (left) {
		uint64_t n = left < PG_MMAP_MAX ? left : PG_MMAP_MAX;
		volatile char *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			printf("lazy: mmap: %s\n", strerror(errno));
			return 1;
		}
		printf("lazy: mapped %lu MiB at %p, nothing resident yet\n", n >> 20, (void *)p);
		for (uint64_t off = 0; off < n; off += 4096)
			p[off] = 1;
		left -= n;
	}
	uint64_t cycles = rdtsc() - t0;
	pager_stats(&b);
	printf("lazy: touched %lu pages (%lu MiB) in %lu cycles (%lu per page)\n",
	       mib * 256, mib, cycles, mib ? cycles / (mib * 256) : 0);
	printf("lazy: faults +%lu (demand-zero +%lu), pager frames +%lu, "
	       "kernel free frames -%lu\n", b.faults_total - a.faults_total,
	       b.faults_zero - a.faults_zero, b.frames_held - a.frames_held,
	       free0 - frames_available());
	uint64_t hold = number(argc > 2 ? argv[2] : NULL, 0);
	if (hold) {
		printf("lazy: keeping it for %lu s\n", hold);
		sleep((unsigned)(hold > 3600 ? 3600 : hold));
	}
	return 0;
}
