/* Fault answers are never overtaken (issue 9, item 2).  Writer threads on
 * several CPUs first-touch fresh pages, then keep rewriting the last few
 * with the current epoch, so the pager always has other senders queued
 * when it answers a fault; the main thread forks again and again and bumps
 * the epoch after each fork returns.  A child must never see a value its
 * parent wrote after fork returned: a page whose fault answer was still in
 * flight during the fork must be copy-on-write like any other.  (When the
 * faulting thread installed its answer itself whenever it next ran, the
 * answer landed after the fork, writable, on a frame the child shared.) */
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "fault_race"
#define PAGES 4096
#define FORK_EVERY 64 /* pages first touched between two forks, at least */
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
	uint64_t mine = epoch, lo = at > 1024 ? at - 1024 : 0;
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
	uint64_t last = 0;
	while (writers_done < WRITERS) {
		uint64_t at = cursor;
		if (at < last + FORK_EVERY && at < PAGES) {
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
		last = at;
	}
	printf("%s: %d forks while %d threads faulted\n", NAME, forks, WRITERS);
}

int main(void)
{
	if (cpu_count() < 2) {
		test_skip(NAME, "needs 2 CPUs");
		return 0;
	}
	TEST_ERR(NAME, mmap_anon(PAGES * 4096, (void **)&base), E_OK);
	fork_race();
	test_pass(NAME);
	return 0;
}
