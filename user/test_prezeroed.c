/* Frames zeroed ahead by idle CPUs read zero, and so does every frame that
 * was in use and freed since: this process fills 2000 pages with 0xA5 and
 * unmaps them (their frames go back to the per-CPU caches, where idle CPUs
 * zero some of them ahead), sleeps, and takes fresh pages, until some were
 * served pre-zeroed (frame_stats' zero_hits grows); then more than any
 * CPU keeps ready (so the rest were zeroed on the spot): every byte of
 * every page must be zero; the same in a forked child. */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "abi/stats.h"
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME    "prezeroed_frames"
#define DIRTY   2000
#define BATCH   128   /* pages touched after each idle spell */
#define MORE    1024  /* then without a pause: past what is ready */
#define TRIES   100   /* idle spells of 20 ms at most: 2 s, very generous */

static struct abi_frame_stats fs;

static void stats(void)
{
	TEST_ERR(NAME, sys_frame_stats((uint64_t)&fs, sizeof fs), E_OK);
}

/* Fill pages new pages with 0xA5 and unmap them: their frames go back
 * to the cache of the CPU whose pager thread served the munmap, this
 * one's (dirty, on top of its stack); 1 if a call failed. */
static int dirty(uint64_t pages)
{
	volatile uint64_t *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (uint64_t i = 0; i < pages * 512; i++)
		p[i] = 0xA5A5A5A5A5A5A5A5ull;
	return munmap((void *)p, pages * 4096) != 0;
}

/* Write the first word of n fresh pages of a new mapping (kept: no frame
 * goes back before the end) and check that the other words read zero. */
static void touch_fresh(uint64_t n)
{
	volatile uint64_t *p = mmap(NULL, n * 4096, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(NAME, p != MAP_FAILED);
	for (uint64_t pg = 0; pg < n; pg++) {
		/* scattered, so that each page is a fault of its own */
		uint64_t at = pg * 7 % n * 512;
		p[at] = 1; /* a write fault: a frame of its own, not the zero frame */
		for (int i = 1; i < 512; i++)
			if (p[at + i] != 0)
				test_fail(NAME, "fresh page %lu word %d is 0x%lx (hits %lu)",
					  at / 512, i, p[at + i], fs.zero_hits);
	}
}

int main(void)
{
	int st = 0;
	frames_steady(2000); /* the frames of the tests before are back */
	stats();
	uint64_t hits0 = fs.zero_hits, made0 = fs.zero_made;
	int k;
	for (k = 0; k < TRIES; k++) {
		TEST_CHECK(NAME, dirty(DIRTY) == 0);
		sys_sleep_ms(20); /* the CPUs idle: they zero ahead */
		touch_fresh(BATCH);
		stats();
		if (fs.zero_hits > hits0)
			break;
	}
	if (k == TRIES)
		test_fail(NAME, "no fault served pre-zeroed after %d idle spells "
			  "(made %lu, ready %lu)", TRIES, fs.zero_made - made0, fs.zero_ready);
	uint64_t hits1 = fs.zero_hits;
	TEST_CHECK(NAME, dirty(DIRTY) == 0);
	touch_fresh(MORE); /* past what is ready: zeroed on the spot */
	stats();
	TEST_CHECK(NAME, fs.zero_misses > 0);
	pid_t c = fork(); /* the same in a child */
	if (c == 0) {
		if (dirty(DIRTY))
			exit(2);
		sys_sleep_ms(20);
		touch_fresh(MORE);
		exit(0);
	}
	TEST_CHECK(NAME, c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) &&
			 WEXITSTATUS(st) == 0);
	printf("%s: %d idle spells; zeroed ahead %lu, hits %lu (first spell's %lu), "
	       "ready %lu\n", NAME, k + 1, fs.zero_made - made0, fs.zero_hits - hits0,
	       hits1 - hits0, fs.zero_ready);
	test_pass(NAME);
	return 0;
}
