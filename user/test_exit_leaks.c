/* Exit without leaks: after a warm-up (one child that fills memory, 20
 * small ones), 200 children (this program with argument "child",
 * each touching a little heap, stack and anonymous memory) spawn and exit;
 * afterwards the kernel's free frames and the pager's held frames are what
 * they were before.  The filling child makes the pager's tables grow past
 * their fixed part; once it is gone they must have shrunk back, and the
 * kernel's page tables must be what they were: the pager's window onto
 * every frame has its tables from boot, so holding frames it never held
 * before costs none (one made later would stay for good, and count as a
 * leak wherever a workload first reaches a new 2 MiB of frames). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME   "exit_no_leaks"
#define ROUNDS 200

static int child(void)
{
	char *h = malloc(20000);
	void *p = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!h || p == MAP_FAILED)
		return 1;
	for (int i = 0; i < 8; i++)
		((volatile char *)p)[i * 4096] = (char)i;
	memset(h, 1, 20000);
	return 0;
}

/* A child, "fill": touch pages until only a margin of frames is left. */
static int fill(void)
{
	if (touch_until_margin())
		return 1;
	static struct pg_stats st;
	if (pager_stats(&st) == E_OK)
		printf("exit_no_leaks: filled memory; the pager's tables grew by %lu frames\n",
		       st.pool_frames);
	return 0;
}

static void fill_memory(void)
{
	int st = 0;
	uint32_t pid;
	TEST_ERR(NAME, spawn("test_exit_leaks", "fill", &pid), E_OK);
	TEST_CHECK(NAME, waitpid((pid_t)pid, &st, 0) == (pid_t)pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(NAME, "filling child ended with status 0x%x", st);
}

static struct abi_frame_stats fs[2];

/* The kernel's frame counters into *st (static: touched before counting). */
static void frame_stats(struct abi_frame_stats *st)
{
	TEST_ERR(NAME, sys_frame_stats((uint64_t)st, sizeof *st), E_OK);
}

/* Page-table frames once they are back to want (a child's go when its
 * space ends, a moment after it is reaped), or after ms milliseconds. */
static uint64_t page_tables_settle(uint64_t want, unsigned ms)
{
	frame_stats(&fs[1]);
	for (unsigned t = 0; fs[1].by_purpose[ABI_PURPOSE_PAGE_TABLE] > want && t < ms; t += 5) {
		sleep_ms(5);
		frame_stats(&fs[1]);
	}
	return fs[1].by_purpose[ABI_PURPOSE_PAGE_TABLE];
}

/* Why the free counts differ: the frames of each purpose, before -> after. */
static void print_purposes(void)
{
	static const char *const name[ABI_PURPOSES] = {
		"free", "firmware", "kernel", "page tables", "kernel data", "user data", "custom"
	};
	for (int p = 0; p < ABI_PURPOSES; p++)
		if (fs[0].by_purpose[p] != fs[1].by_purpose[p])
			printf("exit_no_leaks: %s %lu -> %lu\n", name[p], fs[0].by_purpose[p],
			       fs[1].by_purpose[p]);
}

/* Spawn and reap n children; fail on any that did not exit 0. */
static void rounds(int n)
{
	int st = 0;
	uint32_t pid;
	for (int i = 0; i < n; i++) {
		TEST_ERR(NAME, spawn("test_exit_leaks", "child", &pid), E_OK);
		TEST_CHECK(NAME, waitpid((pid_t)pid, &st, 0) == (pid_t)pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			test_fail(NAME, "child %d ended with status 0x%x", i, st);
	}
}

int main(int argc, char **argv)
{
	static struct pg_stats a, b;
	if (argc > 1)
		return strcmp(argv[1], "fill") == 0 ? fill() : child();
	/* warm up what the kernel keeps for good once grown (the pages of its
	 * small-object classes); page tables must not be among it */
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	frame_stats(&fs[1]);
	frame_stats(&fs[0]);
	fill_memory();
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	uint64_t pt = page_tables_settle(fs[0].by_purpose[ABI_PURPOSE_PAGE_TABLE], 30000);
	if (pt > fs[0].by_purpose[ABI_PURPOSE_PAGE_TABLE]) /* (fewer: a space ended) */
		test_fail(NAME, "%lu page-table frames after a child held nearly every frame, "
			  "%lu before (the pager's window grew its tables?)", pt,
			  fs[0].by_purpose[ABI_PURPOSE_PAGE_TABLE]);
	if (b.pool_frames != a.pool_frames)
		test_fail(NAME, "the pager's tables hold %lu frames after a big process "
			  "ended, %lu before", b.pool_frames, a.pool_frames);
	rounds(20);
	/* a and b live in .bss: touch their pages now, or the first use below
	 * would fault in a frame between the two counts */
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	uint64_t before = frames_steady(5000);
	frame_stats(&fs[0]);
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	rounds(ROUNDS);
	uint64_t after = frames_settle(before, 30000); /* generous: 8 CPUs under TCG */
	frame_stats(&fs[1]);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	if (after != before) {
		print_purposes();
		test_fail(NAME, "kernel free frames %lu before, %lu after %d exits "
			  "(pager holds %lu, held %lu)", before, after, ROUNDS,
			  b.frames_held, a.frames_held);
	}
	if (b.frames_held != a.frames_held)
		test_fail(NAME, "pager holds %lu frames, held %lu", b.frames_held,
			  a.frames_held);
	TEST_CHECK(NAME, b.exits - a.exits == ROUNDS && b.processes == a.processes);
	printf("exit_no_leaks: %d processes, %lu free frames before and after\n",
	       ROUNDS, after);
	test_pass(NAME);
	return 0;
}
