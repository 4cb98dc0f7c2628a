/* Lazy zero-fill memory: 2500 pages of an anonymous mmap region read zero
 * at the first touch, keep a pattern, and go back to the allocator on
 * madvise(MADV_DONTNEED) (reading zero again after); the lazy main stack
 * grows on demand. */
#include <stdio.h>
#include <sys/mman.h>
#include "sys/test.h"

#define NAME  "lazy_zero_fill"
#define PAGES 2500
#define WORDS (4096 / 8)

static uint64_t pattern(volatile uint64_t *p)
{
	return (uint64_t)p * 0x9E3779B97F4A7C15ull ^ 0x5A5A;
}

/* Use depth * 16 KiB of the lazy stack, writing and checking each frame. */
static int deep(int depth)
{
	volatile char buf[16384];
	for (unsigned i = 0; i < sizeof buf; i += 512)
		buf[i] = (char)(depth + i);
	int sum = depth > 0 ? deep(depth - 1) : 0;
	for (unsigned i = 0; i < sizeof buf; i += 512)
		if (buf[i] != (char)(depth + i))
			test_fail(NAME, "stack frame %d changed", depth);
	return sum + 1;
}

int main(void)
{
	uint64_t before = frames_steady(2000);
	void *base = mmap(NULL, PAGES * 4096ull, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(NAME, base != MAP_FAILED);
	volatile uint64_t *w = base;
	for (uint64_t i = 0; i < PAGES * WORDS; i++)
		if (w[i] != 0)
			test_fail(NAME, "word %lu of a fresh page is 0x%lx", i, w[i]);
	for (uint64_t i = 0; i < PAGES * WORDS; i++)
		w[i] = pattern(&w[i]);
	for (uint64_t i = 0; i < PAGES * WORDS; i++)
		if (w[i] != pattern(&w[i]))
			test_fail(NAME, "word %lu reads 0x%lx after the write", i, w[i]);
	uint64_t during = frames_available();
	if (before - during < PAGES)
		test_fail(NAME, "only %lu frames in use for %d pages", before - during, PAGES);

	TEST_CHECK(NAME, madvise(base, PAGES * 4096ull, MADV_DONTNEED) == 0);
	uint64_t after = frames_available();
	if (after + 64 < before)
		test_fail(NAME, "%lu frames not returned by MADV_DONTNEED", before - after);
	for (uint64_t i = 0; i < PAGES * WORDS; i += WORDS / 4)
		if (w[i] != 0)
			test_fail(NAME, "word %lu is 0x%lx after MADV_DONTNEED", i, w[i]);
	TEST_CHECK(NAME, munmap(base, PAGES * 4096ull) == 0);
	TEST_CHECK(NAME, deep(40) == 41);
	printf("lazy: %d pages, %lu frames in use while touched, %lu back after MADV_DONTNEED\n",
	       PAGES, before - during, after - during);
	test_pass(NAME);
	return 0;
}
