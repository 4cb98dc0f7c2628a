/* Out of memory kills only the greedy process: a child (this program run
 * as "hog") maps and touches memory until the pager kills it; the parent
 * sees it killed, counted in oom_kills, and can still allocate.  The
 * memory comes back: a second hog ends with as many free frames as the
 * first (the first may leave node pools and page tables the pager keeps
 * for good, growing with the memory it has tracked). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "oom_kills_greedy"

static int hog(void)
{
	for (;;) {
		/* MAP_NORESERVE: each mapping may be larger than RAM (lazy) */
		volatile char *p = mmap(NULL, PG_MMAP_MAX, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			printf("hog: mmap: %s\n", strerror(errno));
			return 3;
		}
		for (uint64_t off = 0; off < PG_MMAP_MAX; off += 4096)
			p[off] = 1;
	}
}

/* Run a hog to its death; returns the free frames once things settle. */
static uint64_t run_hog(uint64_t before)
{
	static struct pg_stats a, b;
	int st = 0;
	uint32_t pid;
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	TEST_ERR(NAME, spawn("test_oom", "hog", &pid), E_OK);
	TEST_CHECK(NAME, waitpid((pid_t)pid, &st, 0) == (pid_t)pid);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	if (!WIFSIGNALED(st))
		test_fail(NAME, "hog ended with status 0x%x (exit %d), not killed", st,
			  WEXITSTATUS(st));
	TEST_CHECK(NAME, b.oom_kills - a.oom_kills == 1);
	uint64_t after = frames_settle(before, 3000);
	printf("oom: hog killed; %lu of %lu free frames back\n", after, before);
	return after;
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return hog();
	uint64_t before = frames_steady(2000);
	uint64_t first = run_hog(before);
	/* the first hog may leave what the pager keeps for good once grown:
	 * its node pools and window page tables, a few frames per 1000 */
	if (first + 256 + before / 256 < before)
		test_fail(NAME, "%lu frames not returned after the first kill",
			  before - first);
	uint64_t second = run_hog(first);
	if (second + 8 < first)
		test_fail(NAME, "%lu frames not returned after the second kill",
			  first - second);
	volatile char *p = mmap(NULL, 1 << 20,
				PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(NAME, p != MAP_FAILED);
	for (int i = 0; i < 256; i++)
		p[i * 4096] = 1;
	test_pass(NAME);
	return 0;
}
