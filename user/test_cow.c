/* Copy-on-write fork: a child sees the parent's bytes and its writes stay
 * its own, and the reverse; only written pages are copied (cow_copies);
 * once the child is gone the parent's pages are shared by one again and a
 * write makes them writable without a copy (cow_reuses); forks chain three
 * deep; frames come back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME  "cow_fork"
#define PAGES 64
#define DIRTY 4

static volatile uint8_t *buf;
static volatile int level = 100;
static struct pg_stats a, b;

static void fill(uint8_t v, int from, int to)
{
	for (int p = from; p < to; p++)
		for (int i = 0; i < 4096; i += 64)
			buf[p * 4096 + i] = v;
}

/* True if pages [from, to) hold v. */
static int holds(uint8_t v, int from, int to)
{
	for (int p = from; p < to; p++)
		for (int i = 0; i < 4096; i += 64)
			if (buf[p * 4096 + i] != v)
				return 0;
	return 1;
}

/* Fork, run child() in the child (its value is the exit status), wait;
 * fails the test unless the child exited 0. */
static void fork_run(int (*child)(void), const char *what)
{
	int st = 0;
	pid_t pid = fork();
	if (pid < 0)
		test_fail(NAME, "%s: fork: %s", what, strerror(errno));
	if (pid == 0)
		exit(child());
	TEST_CHECK(NAME, waitpid(pid, &st, 0) == pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(NAME, "%s: child ended with status 0x%x (signal %d, exit %d)",
			  what, st, WTERMSIG(st), WEXITSTATUS(st));
}

static int child_writes(void)
{
	if (!holds('P', 0, PAGES))
		return printf("child: parent's bytes missing\n"), 1;
	fill('C', 0, DIRTY);
	return holds('C', 0, DIRTY) && holds('P', DIRTY, PAGES) ? 0 : 2;
}

static int child_reads_late(void)
{
	usleep(50000); /* the parent writes meanwhile */
	return holds('P', 0, PAGES) ? 0 : 3;
}

/* Fork a chain: each level sets its own value and checks it survived its
 * child's change. */
static int chain(void)
{
	int me = level + 1;
	level = me;
	if (me < 103)
		fork_run(chain, "chain");
	return level == me ? 0 : 4;
}

int main(void)
{
	uint64_t frames0 = frames_steady(2000);
	buf = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	TEST_CHECK(NAME, buf != MAP_FAILED);
	fill('P', 0, PAGES);
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	fork_run(child_writes, "child writes");
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	TEST_CHECK(NAME, holds('P', 0, PAGES));
	if (b.cow_copies - a.cow_copies < DIRTY || b.forks - a.forks != 1)
		test_fail(NAME, "%lu COW copies, %lu forks", b.cow_copies - a.cow_copies,
			  b.forks - a.forks);
	uint64_t copies1 = b.cow_copies - a.cow_copies;

	/* the child is gone: our pages are ours alone, a write copies nothing */
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	fill('R', DIRTY, PAGES);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	if (b.cow_reuses - a.cow_reuses < PAGES - DIRTY || b.cow_copies != a.cow_copies)
		test_fail(NAME, "after the child: %lu reuses, %lu copies",
			  b.cow_reuses - a.cow_reuses, b.cow_copies - a.cow_copies);
	fill('P', 0, PAGES);

	/* the reverse: the parent writes, the child keeps the old bytes */
	int st = 0;
	pid_t pid = fork();
	if (pid == 0)
		exit(child_reads_late());
	TEST_CHECK(NAME, pid > 0);
	fill('Q', 0, PAGES);
	TEST_CHECK(NAME, waitpid(pid, &st, 0) == pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(NAME, "child saw the parent's later writes (status 0x%x)", st);
	TEST_CHECK(NAME, holds('Q', 0, PAGES));

	fork_run(chain, "chain");
	TEST_CHECK(NAME, level == 100);
	TEST_CHECK(NAME, munmap((void *)buf, PAGES * 4096) == 0);
	uint64_t frames1 = frames_settle(frames0, 2000);
	if (frames1 + 16 < frames0)
		test_fail(NAME, "%lu frames not returned", frames0 - frames1);
	printf("cow: %lu pages copied for %d written by the child\n", copies1, DIRTY);
	test_pass(NAME);
	return 0;
}
