/* Out of memory kills only the greedy process: a child (this program run
 * as "hog") maps and touches memory until the pager kills it; the parent
 * sees it killed, counted in oom_kills, and can still allocate.  The
 * memory comes back: a second hog ends with as many free frames as the
 * first (the first may leave node pools and page tables the pager keeps
 * for good, growing with the memory it has tracked). */
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "oom_kills_greedy"

static int hog(void)
{
	for (;;) {
		volatile char *p;
		int e = mmap_anon(PG_MMAP_MAX, (void **)&p);
		if (e) {
			printf("hog: mmap_anon: %s\n", err_str(e));
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
	struct wait_status st;
	uint32_t pid;
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	TEST_ERR(NAME, spawn("test_oom", "hog", &pid), E_OK);
	TEST_ERR(NAME, waitpid(pid, &st), E_OK);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	if (st.how != PG_WAIT_KILLED)
		test_fail(NAME, "hog ended how=%d code %lu, not killed", st.how, st.code);
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
	volatile char *p;
	TEST_ERR(NAME, mmap_anon(1 << 20, (void **)&p), E_OK);
	for (int i = 0; i < 256; i++)
		p[i * 4096] = 1;
	test_pass(NAME);
	return 0;
}
