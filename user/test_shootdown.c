/* TLB shootdown: thread A writes a value to a page and reads it, so its CPU
 * caches the translation; thread B, kept on another CPU, asks the pager to
 * drop the page (madvise MADV_DONTNEED: unmapped, the region stays).  Once
 * B's madvise has returned, A's next read must fault and find a fresh zero
 * frame: a stale TLB entry on A's CPU would still show the old value.
 * Repeated ROUNDS times.  Both threads are pinned (THREAD_PIN), so every
 * round really crosses CPUs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME   "tlb_shootdown"
#define ROUNDS 200
#define OLD    0xDEADBEEF00000000ull

struct shared {
	volatile uint64_t go;     /* round A asks B to unmap */
	volatile uint64_t done;   /* round whose madvise has returned */
	volatile uint64_t err;    /* B's madvise errno */
	volatile int finished;    /* A is through (1) or failed (2) */
	volatile uint64_t *page;  /* the page A reads */
	char why[160];
};

/* Thread B: unmap the page for each new round, spinning in between. */
static void unmapper(void *arg)
{
	struct shared *s = arg;
	while (!s->finished) {
		uint64_t round = s->go;
		if (round == s->done)
			continue;
		if (madvise((void *)s->page, 4096, MADV_DONTNEED))
			s->err = (uint64_t)errno;
		s->done = round;
	}
}

/* Thread A: write, ask for the unmap, read back zero. */
static void reader(void *arg)
{
	struct shared *s = arg;
	for (uint64_t round = 1; round <= ROUNDS && s->finished == 0; round++) {
		*s->page = OLD + round;
		uint64_t v = *s->page;
		if (v != OLD + round)
			snprintf(s->why, sizeof s->why, "round %lu: page lost the write", round);
		s->go = round;
		while (s->done != round)
			;
		if (s->err)
			snprintf(s->why, sizeof s->why, "madvise: %s", strerror((int)s->err));
		v = *s->page;
		if (v != 0)
			snprintf(s->why, sizeof s->why, "round %lu: read 0x%lx after madvise "
				 "returned (a stale TLB entry)", round, v);
		if (s->why[0])
			s->finished = 2;
	}
	if (!s->finished)
		s->finished = 1;
}

int main(void)
{
	static struct abi_sysinfo si;
	TEST_ERR(NAME, sys_sysinfo((uint64_t)&si, sizeof si), E_OK);
	if (si.ncpus < 2) {
		test_skip(NAME, "needs 2 CPUs, has %u", si.ncpus);
		return 0;
	}
	/* a: the page; b: the flags, never dropped */
	void *a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *b = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(NAME, a != MAP_FAILED && b != MAP_FAILED);
	struct shared *s = b;
	s->page = a;
	int cpu_a = 1 % (int)si.ncpus, cpu_b = 2 % (int)si.ncpus;
	if (cpu_a == cpu_b)
		cpu_b = 0;
	TEST_ERR(NAME, thread_start_on(cpu_b, unmapper, s, 64 * 1024), E_OK);
	TEST_ERR(NAME, thread_start_on(cpu_a, reader, s, 64 * 1024), E_OK);
	while (!s->finished)
		usleep(5000);
	if (s->finished != 1)
		test_fail(NAME, "%s", s->why);
	printf("shootdown: %d rounds, reader on cpu %d, unmapper on cpu %d\n", ROUNDS,
	       cpu_a, cpu_b);
	test_pass(NAME);
	return 0;
}
