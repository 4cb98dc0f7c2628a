/* TLB shootdown: thread A (main) writes a value to a page and keeps reading
 * it; thread B (created next, so on another CPU: the kernel spreads new
 * threads round-robin) asks the pager to munmap the page.  Once B's munmap
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
	TEST_ERR(NAME, thread_start(unmapper, s, 64 * 1024), E_OK);
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
