/* A page fault served by the pager: median cycles from the first touch of
 * a lazy page until the write completes (fault, IPC to the pager, a zeroed
 * frame, map, resume).  Pages are touched in a scattered order (stride
 * 1021 pages) so the pager's fault-around never maps one ahead of time:
 * every touch is one whole round trip. */
#include <stdio.h>
#include <sys/mman.h>
#include "sys/test.h"

#define PAGES  4096
#define PASSES 3

static uint64_t t[PAGES * PASSES];

int main(void)
{
	void *base = mmap(NULL, PAGES * 4096ull, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		printf("bench_fault: mmap failed\n");
		return 1;
	}
	for (int pass = 0; pass < PASSES; pass++) {
		for (int i = 0; i < PAGES; i++) {
			uint64_t page = (uint64_t)i * 1021 % PAGES;
			volatile char *p = (volatile char *)base + page * 4096ull;
			uint64_t t0 = rdtsc();
			*p = 1;
			t[pass * PAGES + i] = rdtsc() - t0;
		}
		madvise(base, PAGES * 4096ull, MADV_DONTNEED); /* fresh again */
	}
	munmap(base, PAGES * 4096ull);
	bench_result("page_fault_roundtrip", median_u64(t, PAGES * PASSES));
	return 0;
}
