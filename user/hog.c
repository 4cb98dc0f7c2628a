/* hog: map and touch memory until the pager kills it for running out of
 * memory, saying every 64 MiB how far it got and what moved: demand-zero
 * faults, frames the pager holds for processes, the kernel's free frames.
 * The pager's "pid N killed: out of memory" line ends it; the system
 * stays up. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "sys/test.h"
#include "sys/unistd.h"

/* One progress line: total touched, and the counters against a0/free0. */
static void report(uint64_t total, const struct pg_stats *a0, uint64_t free0)
{
	static struct pg_stats b;
	pager_stats(&b);
	printf("hog: %lu MiB touched; demand-zero faults +%lu, pager frames +%lu, "
	       "free frames %lu (-%lu)\n", total >> 20, b.faults_zero - a0->faults_zero,
	       b.frames_held - a0->frames_held, frames_available(),
	       free0 - frames_available());
}

int main(void)
{
	static struct pg_stats a;
	uint64_t total = 0, free0 = frames_available();
	pager_stats(&a);
	printf("hog: pid %d, %lu frames free; touching memory until the pager kills me\n",
	       getpid(), free0);
	for (;;) {
		/* MAP_NORESERVE: each mapping may be larger than RAM (lazy) */
		volatile char *p = mmap(NULL, PG_MMAP_MAX, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			printf("hog: mmap: %s after %lu MiB\n", strerror(errno), total >> 20);
			return 1;
		}
		for (uint64_t off = 0; off < PG_MMAP_MAX; off += 4096) {
			p[off] = 1;
			total += 4096;
			if ((total & ((64 << 20) - 1)) == 0)
				report(total, &a, free0);
		}
	}
}
