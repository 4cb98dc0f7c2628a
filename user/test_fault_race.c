/* Fault answers are never overtaken (issue 9, item 2).  Writer threads on
 * several CPUs first-touch fresh pages, then keep rewriting the last few
 * with the current epoch, so the pager always has other senders queued
 * when it answers a fault; the main thread forks again and again and bumps
 * the epoch after each fork returns.  A child must never see a value its
 * parent wrote after fork returned: a page whose fault answer was still in
 * flight during the fork must be copy-on-write like any other.  (When the
 * faulting thread installed its answer itself whenever it next ran, the
 * answer landed after the fork, writable, on a frame the child shared.) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
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
	usleep(5000); /* let the parent's writers rewrite pages meanwhile */
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
	int cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
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
		pid_t pid = fork();
		if (pid == 0)
			child_check(at);
		epoch++;
		if (pid < 0)
			test_fail(NAME, "fork failed");
		int st = 0;
		TEST_CHECK(NAME, waitpid(pid, &st, 0) == pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			test_fail(NAME, "a child saw its parent's write made after fork");
		forks++;
		last = at;
	}
	printf("%s: %d forks while %d threads faulted\n", NAME, forks, WRITERS);
}

int main(void)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		test_skip(NAME, "needs 2 CPUs");
		return 0;
	}
	base = mmap(NULL, PAGES * 4096,
		    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(NAME, base != MAP_FAILED);
	fork_race();
	test_pass(NAME);
	return 0;
}
