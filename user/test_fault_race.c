/* Fault answers are never overtaken (issue 9, item 2).  Threads on several
 * CPUs fault at once, so the pager always has other senders queued when it
 * answers one; an answer must take effect when the pager gives it, not
 * later when the faulting thread happens to run.
 *   fork:  writers first-touch fresh pages, then keep rewriting the last few
 *          with the current epoch; the main thread forks again and again and
 *          bumps the epoch after each fork returns.  A child must never see
 *          a value its parent wrote after fork returned (a page whose fault
 *          was in flight during the fork must still be copy-on-write).
 *   zero:  a reader and a writer on two CPUs touch the same fresh pages in
 *          lockstep; the writer must read back what it wrote (a late
 *          shared-zero-frame answer for the read must not replace it). */
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "fault_race"
#define PAGES 4096
#define FORK_EVERY 256
#define WRITERS 3
#define REWRITE 8

static uint64_t *base;          /* PAGES lazy pages */
static volatile uint64_t epoch;
static volatile uint64_t cursor, writers_done;

static uint64_t *word(uint64_t page) { return base + page * 512; }

static void writer(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t i = __atomic_fetch_add(&cursor, 1, __ATOMIC_SEQ_CST);
		if (i >= PAGES)
			break;
		for (uint64_t j = i >= REWRITE ? i - REWRITE : 0; j <= i; j++)
			*(volatile uint64_t *)word(j) = epoch << 32 | j;
	}
	__atomic_fetch_add(&writers_done, 1, __ATOMIC_SEQ_CST);
}

/* In the child: pages near the fork point hold no epoch after ours. */
static _Noreturn void child_check(uint64_t at)
{
	sleep_ms(5); /* let the parent's writers rewrite pages meanwhile */
	uint64_t mine = epoch, lo = at > 4 * FORK_EVERY ? at - 4 * FORK_EVERY : 0;
	for (uint64_t j = lo; j < at + 64 && j < PAGES; j++) {
		uint64_t v = *(volatile uint64_t *)word(j);
		if (v >> 32 > mine) {
			printf("@@FAIL %s: child of epoch %lu sees page %lu written in epoch %lu\n",
			       NAME, mine, j, v >> 32);
			exit(1);
		}
	}
	exit(0);
}

static void fork_race(void)
{
	int cpus = (int)cpu_count();
	for (int w = 0; w < WRITERS; w++)
		TEST_ERR(NAME, thread_start_on(cpus > 1 ? 1 + w % (cpus - 1) : 0, writer, NULL,
					       16384), E_OK);
	int forks = 0;
	while (writers_done < WRITERS) {
		uint64_t at = cursor;
		if (at < (uint64_t)(forks + 1) * FORK_EVERY && at < PAGES) {
			sys_yield();
			continue;
		}
		int pid = fork();
		if (pid == 0)
			child_check(at);
		epoch++;
		if (pid < 0)
			test_fail(NAME, "fork failed");
		struct wait_status st;
		TEST_ERR(NAME, waitpid((uint32_t)pid, &st), E_OK);
		if (st.how != PG_WAIT_EXITED || st.code != 0)
			test_fail(NAME, "a child saw its parent's write made after fork");
		forks++;
	}
	printf("%s: %d forks while %d threads faulted\n", NAME, forks, WRITERS);
}

static volatile uint64_t step[2];
static volatile int zero_bad;
static volatile uint64_t zero_page;

/* Both sides of the lockstep: wait until the other has reached page i. */
static void lockstep(int me, uint64_t i)
{
	step[me] = i;
	while (step[!me] < i)
		__asm__ volatile("pause");
}

static void zero_reader(void *arg)
{
	uint64_t *b = arg;
	for (uint64_t i = 1; i <= PAGES; i++) {
		lockstep(1, i);
		(void)*(volatile uint64_t *)(b + ((i * 37) % PAGES) * 512);
	}
	step[1] = PAGES + 1;
}

static void zero_race(void)
{
	uint64_t *b;
	TEST_ERR(NAME, mmap_anon(PAGES * 4096, (void **)&b), E_OK);
	int cpus = (int)cpu_count();
	TEST_ERR(NAME, thread_start_on(cpus > 2 ? 2 : cpus - 1, zero_reader, b, 16384), E_OK);
	for (uint64_t i = 1; i <= PAGES; i++) {
		lockstep(0, i);
		volatile uint64_t *p = b + ((i * 37) % PAGES) * 512;
		*p = i;
		if (*p != i) {
			zero_bad++;
			zero_page = (uint64_t)p;
		}
	}
	while (step[1] <= PAGES)
		sleep_ms(1);
	if (zero_bad)
		test_fail(NAME, "%d writes read back as other values (page 0x%lx)", zero_bad,
			  zero_page);
}

int main(void)
{
	if (cpu_count() < 2) {
		printf("@@SKIP %s: needs 2 CPUs\n", NAME);
		return 0;
	}
	TEST_ERR(NAME, mmap_anon(PAGES * 4096, (void **)&base), E_OK);
	zero_race();
	fork_race();
	test_pass(NAME);
	return 0;
}
