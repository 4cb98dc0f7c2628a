/* The pager's threads (issue 11, section 1): faults on every CPU at once.
 *   pager_mt_storm       4 processes (the scheduler spreads them over the
 *                        CPUs) fault, fork and exit at once for ROUNDS
 *                        rounds; every
 *                        page's contents checked in parent and child
 *   pager_mt_same_pages  two threads of one process on two CPUs fault the
 *                        same fresh pages at once: each page is filled
 *                        once (resident = pages) and holds both writes
 *   pager_mt_kill_storm  processes faulting on every CPU are killed in the
 *                        middle of it
 * and after each, the free frames are what they were before (no leak;
 * first a child fills memory once, so the tables that stay for good, like
 * the kernel's for the pager's window on every frame, are there before). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define PROCS  4
#define ROUNDS 6
#define PAGES  512
#define SAME   1024 /* pages both threads touch */

static uint64_t value(uint64_t who, uint64_t page, uint64_t round)
{
	return who << 40 | round << 24 | page;
}

/* Write every page of p (word 0 and the last word), in an order of our
 * own. */
static void fill(volatile uint64_t *p, uint64_t who, uint64_t round)
{
	for (uint64_t k = 0; k < PAGES; k++) {
		uint64_t i = (k * 37 + who) % PAGES;
		p[i * 512] = value(who, i, round);
		p[i * 512 + 511] = ~value(who, i, round);
	}
}

/* 1 + the first page of p not holding (who, round)'s values, or 0. */
static int check(volatile uint64_t *p, uint64_t who, uint64_t round)
{
	for (uint64_t i = 0; i < PAGES; i++)
		if (p[i * 512] != value(who, i, round) || p[i * 512 + 511] != ~value(who, i, round))
			return (int)i + 1;
	return 0;
}

/* One storm process: each round a fresh mapping,
 * filled, a fork whose child checks its copy, writes its own and checks
 * that, while we write ours again; both checked.  Exit status: 0, or the
 * round that went wrong + 1. */
static int storm(uint64_t who)
{
	for (uint64_t round = 0; round < ROUNDS; round++) {
		size_t len = PAGES * 4096;
		volatile uint64_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return (int)round + 1;
		fill(p, who, round);
		pid_t c = fork();
		if (c < 0)
			return (int)round + 1;
		if (c == 0) {
			if (check(p, who, round))
				_exit(1);
			fill(p, who + 100, round);
			_exit(check(p, who + 100, round) ? 2 : 0);
		}
		fill(p, who, round + 50);
		int st;
		if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
		    check(p, who, round + 50) || munmap((void *)p, len))
			return (int)round + 1;
	}
	return 0;
}

/* Start PROCS copies of us with mode and a number i each; their pids. */
static void start_all(const char *name, const char *mode, pid_t *pid, int n)
{
	for (int i = 0; i < n; i++) {
		char arg[8];
		fmt_snprintf(arg, sizeof arg, "%d", i);
		const char *argv[] = { "test_pager_mt", mode, arg, NULL };
		uint32_t p;
		if (spawnv(argv, &p))
			test_fail(name, "spawn %s %d failed", mode, i);
		pid[i] = (pid_t)p;
	}
}

/* The free frames once things settle must be before's: no frame leaked. */
static void no_leak(const char *name, uint64_t before)
{
	uint64_t after = frames_settle(before, 30000);
	if (after != before)
		test_fail(name, "free frames %lu before, %lu after", before, after);
}

static void test_storm(void)
{
	const char *name = "pager_mt_storm";
	pid_t pid[PROCS];
	uint64_t before = frames_steady(3000);
	start_all(name, "storm", pid, PROCS);
	for (int i = 0; i < PROCS; i++) {
		int st;
		if (waitpid(pid[i], &st, 0) != pid[i] || !WIFEXITED(st) || WEXITSTATUS(st))
			test_fail(name, "storm %d ended with status 0x%x", i, st);
	}
	no_leak(name, before);
	printf("%s: %d processes x %d rounds of %d pages, fork and exit: all checked\n",
	       name, PROCS, ROUNDS, PAGES);
	test_pass(name);
}

static volatile uint8_t *same;
static volatile int same_done;

/* Touch every page of same: read it, then write byte `which` of it. */
static void toucher(void *arg)
{
	uint64_t which = (uint64_t)(uintptr_t)arg;
	for (uint64_t i = 0; i < SAME; i++) {
		uint64_t k = which ? SAME - 1 - i : i; /* the two meet in the middle */
		(void)same[k * 4096 + 100];
		same[k * 4096 + which] = (uint8_t)(k * 2 + which + 1);
	}
	__atomic_fetch_add(&same_done, 1, __ATOMIC_SEQ_CST);
}

/* The same-pages child: 0, or 2 (a call failed), 3 (a write lost), 4 (a
 * page with no frame of its own: filled twice or not at all). */
static int same_pages(void)
{
	size_t len = SAME * 4096;
	same = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (same == MAP_FAILED || thread_start_on(1, toucher, (void *)1, 16384))
		return 2;
	toucher((void *)0);
	while (__atomic_load_n(&same_done, __ATOMIC_SEQ_CST) < 2)
		sleep_ms(1);
	for (uint64_t k = 0; k < SAME; k++)
		if (same[k * 4096] != (uint8_t)(k * 2 + 1) || same[k * 4096 + 1] != (uint8_t)(k * 2 + 2))
			return 3;
	static struct pg_page_info info[64];
	for (uint64_t k = 0; k < SAME; k += 64) {
		if (page_info((void *)(same + k * 4096), 64 * 4096, info))
			return 2;
		for (int j = 0; j < 64; j++)
			if (!(info[j].flags & PGI_PRESENT) || (info[j].flags & PGI_ZERO) ||
			    info[j].mapcount != 1)
				return 4;
	}
	return 0;
}

static void test_same_pages(void)
{
	const char *name = "pager_mt_same_pages";
	uint64_t before = frames_steady(3000);
	const char *argv[] = { "test_pager_mt", "same", NULL };
	uint32_t c;
	int st;
	if (spawnv(argv, &c) || waitpid((pid_t)c, &st, 0) != (pid_t)c)
		test_fail(name, "spawn failed");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		test_fail(name, "status 0x%x (exit 3: a write lost, 4: a page filled twice "
			  "or not at all)", st);
	no_leak(name, before);
	test_pass(name);
}

/* A kill-storm process: fault fresh pages forever. */
static int faulter(void)
{
	for (;;) {
		size_t len = 256 * 4096;
		volatile uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		for (size_t i = 0; i < len; i += 4096)
			p[i] = 1;
		if (fork() == 0) { /* COW faults too */
			for (size_t i = 0; i < len; i += 8192)
				p[i] = 2;
			_exit(0);
		}
		wait(NULL);
		munmap((void *)p, len);
	}
}

static void test_kill_storm(void)
{
	const char *name = "pager_mt_kill_storm";
	unsigned n = cpu_count() * 2;
	pid_t pid[16];
	if (n > 16)
		n = 16;
	uint64_t before = frames_steady(3000);
	for (int round = 0; round < 3; round++) {
		start_all(name, "fault", pid, (int)n);
		sleep_ms(200);
		for (unsigned i = 0; i < n; i++) {
			int st;
			if (kill(pid[i], SIGKILL))
				test_fail(name, "kill %d: still faulting? it ended", pid[i]);
			if (waitpid(pid[i], &st, 0) != pid[i] || !WIFSIGNALED(st))
				test_fail(name, "faulter %u ended with status 0x%x", i, st);
		}
	}
	no_leak(name, before);
	printf("%s: 3 rounds of %u faulting processes killed\n", name, n);
	test_pass(name);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "storm") == 0)
		return storm((uint64_t)atoi(argv[2]) + 1);
	if (argc == 3 && strcmp(argv[1], "fault") == 0)
		return faulter();
	if (argc == 2 && strcmp(argv[1], "warm") == 0)
		return touch_until_margin();
	if (argc == 2 && strcmp(argv[1], "same") == 0)
		return same_pages();
	const char *warm[] = { "test_pager_mt", "warm", NULL };
	uint32_t w;
	int st;
	if (spawnv(warm, &w) || waitpid((pid_t)w, &st, 0) != (pid_t)w || st)
		test_fail("pager_mt_storm", "the warm-up child failed (status 0x%x)", st);
	test_storm();
	if (cpu_count() < 2)
		test_skip("pager_mt_same_pages", "needs 2 CPUs");
	else
		test_same_pages();
	test_kill_storm();
	return 0;
}
