/* TLB shootdown: thread A (main) writes a value to a page and keeps reading
 * it; thread B (created next, so on another CPU: the kernel spreads new
 * threads round-robin; checked with the per-CPU idle counts) asks the pager
 * to munmap the page.  Once B's munmap
 * has returned, A's next read must fault and find a fresh zero frame: a
 * stale TLB entry would still show the old value.  Repeated ROUNDS times. */
#include "sys/sys.h"
#include "sys/test.h"

#define NAME   "tlb_shootdown"
#define ROUNDS 200
#define OLD    0xDEADBEEF00000000ull

struct shared {
	volatile uint64_t go;     /* round A asks B to unmap */
	volatile uint64_t done;   /* round whose munmap has returned */
	volatile uint64_t err;    /* B's munmap error */
	volatile uint64_t *page;  /* the page A reads */
};

/* CPUs that were busy (idle less than a tenth of the time) over the next
 * ms milliseconds, while we spin here asking. */
static int busy_cpus(unsigned ms)
{
	static struct abi_sysinfo a, b;
	TEST_ERR(NAME, sys_sysinfo((uint64_t)&a, sizeof a), E_OK);
	do
		TEST_ERR(NAME, sys_sysinfo((uint64_t)&b, sizeof b), E_OK);
	while (b.ticks_ms - a.ticks_ms < ms);
	int n = 0;
	for (uint32_t c = 0; c < b.ncpus && c < ABI_MAX_CPUS; c++) {
		uint64_t ticks = b.cpu[c].ticks - a.cpu[c].ticks;
		uint64_t idle = b.cpu[c].idle_ticks - a.cpu[c].idle_ticks;
		n += ticks > 0 && idle * 10 < ticks;
	}
	return n;
}

static void unmapper(void *arg)
{
	struct shared *s = arg;
	for (uint64_t round = 1; round <= ROUNDS; round++) {
		while (s->go != round)
			;
		int e = munmap((void *)s->page, 4096);
		if (e)
			s->err = (uint64_t)e;
		s->done = round;
	}
}

int main(void)
{
	void *a, *b;
	TEST_ERR(NAME, mmap_anon(4096, &a), E_OK);   /* the page */
	TEST_ERR(NAME, mmap_anon(4096, &b), E_OK);   /* the flags, never unmapped */
	struct shared *s = b;
	s->page = a;
	int idle_busy = busy_cpus(50);
	TEST_ERR(NAME, thread_start(unmapper, s, 64 * 1024), E_OK);
	/* B spins waiting for round 1: with A, two busy CPUs, or the test
	 * proves nothing */
	int both_busy = busy_cpus(50);
	if (both_busy < idle_busy + 1)
		test_fail(NAME, "threads share a CPU (%d busy CPUs alone, %d with B)",
			  idle_busy, both_busy);
	uint64_t spins = 0, zero_seen_early = 0;
	for (uint64_t round = 1; round <= ROUNDS; round++) {
		*s->page = OLD + round;
		TEST_CHECK(NAME, *s->page == OLD + round);
		s->go = round;
		while (s->done != round) {
			uint64_t v = *s->page;
			if (v == 0)
				zero_seen_early++;
			else if (v != OLD + round)
				test_fail(NAME, "round %lu: read 0x%lx while unmapping", round, v);
			spins++;
		}
		if (s->err)
			test_fail(NAME, "munmap: %s", err_str((int)s->err));
		uint64_t v = *s->page;
		if (v != 0)
			test_fail(NAME, "round %lu: read 0x%lx after munmap returned "
				  "(a stale TLB entry)", round, v);
	}
	printf("shootdown: %d rounds, %lu reads while unmapping, %lu of them already zero\n",
	       ROUNDS, spins, zero_seen_early);
	test_pass(NAME);
	return 0;
}
