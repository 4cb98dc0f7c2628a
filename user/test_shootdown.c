/* TLB shootdown: thread A (main) writes a value to a page and reads it, so
 * its CPU caches the translation; thread B, on another CPU, asks the pager
 * to munmap the page.  Once B's munmap has returned, A's next read must
 * fault and find a fresh zero frame: a stale TLB entry on A's CPU would
 * still show the old value.  Repeated ROUNDS times.
 *
 * The kernel places new threads round-robin over CPUs but gives no way to
 * pin one, and a thread may move to the pager's CPU when the pager answers
 * it late; so B is started again until the per-CPU idle counts show A and B
 * spinning on two CPUs, A waits for munmap without touching the page (a
 * fault then could move it), and the placement is checked again at the end. */
#include "sys/sys.h"
#include "sys/test.h"

#define NAME   "tlb_shootdown"
#define ROUNDS 200
#define OLD    0xDEADBEEF00000000ull

struct shared {
	volatile uint64_t go;     /* round A asks B to unmap */
	volatile uint64_t done;   /* round whose munmap has returned */
	volatile uint64_t err;    /* B's munmap error */
	volatile int quit, running;
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

/* Thread B: unmap the page for each new round, spinning in between. */
static void unmapper(void *arg)
{
	struct shared *s = arg;
	s->running = 1;
	while (!s->quit) {
		uint64_t round = s->go;
		if (round == s->done)
			continue;
		int e = munmap((void *)s->page, 4096);
		if (e)
			s->err = (uint64_t)e;
		s->done = round;
	}
	s->running = 0;
}

/* Start B until it spins on another CPU than ours (busy CPUs: alone + 1). */
static void start_unmapper(struct shared *s, int alone)
{
	for (int tries = 0; tries < 8; tries++) {
		s->quit = 0;
		TEST_ERR(NAME, thread_start(unmapper, s, 64 * 1024), E_OK);
		while (!s->running)
			;
		if (busy_cpus(30) > alone)
			return;
		s->quit = 1; /* same CPU as ours: end it, try the next one */
		while (s->running)
			;
	}
	test_fail(NAME, "8 threads in a row shared our CPU");
}

int main(void)
{
	void *a, *b;
	TEST_ERR(NAME, mmap_anon(4096, &a), E_OK);   /* the page */
	TEST_ERR(NAME, mmap_anon(4096, &b), E_OK);   /* the flags, never unmapped */
	struct shared *s = b;
	s->page = a;
	int alone = busy_cpus(30);
	start_unmapper(s, alone);
	for (uint64_t round = 1; round <= ROUNDS; round++) {
		*s->page = OLD + round;
		if (*s->page != OLD + round)
			test_fail(NAME, "round %lu: page lost the write", round);
		s->go = round;
		while (s->done != round)
			;
		if (s->err)
			test_fail(NAME, "munmap: %s", err_str((int)s->err));
		uint64_t v = *s->page;
		if (v != 0)
			test_fail(NAME, "round %lu: read 0x%lx after munmap returned "
				  "(a stale TLB entry)", round, v);
	}
	int busy = busy_cpus(30);
	if (busy <= alone)
		test_fail(NAME, "A and B ended on one CPU (%d busy): rounds not "
			  "cross-CPU", busy);
	s->quit = 1;
	printf("shootdown: %d rounds on 2 CPUs (%d busy)\n", ROUNDS, busy);
	test_pass(NAME);
	return 0;
}
