/* No process sees another's bytes: a child (this program run as "dirty")
 * fills 2000 pages with 0xA5 and exits; then this process takes 3000
 * fresh pages, which must all read zero, however many of the child's
 * frames it got.  Same for frames freed by madvise(MADV_DONTNEED) and by
 * a forked child's COW copies. */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME  "freed_pages_zeroed"
#define DIRTY 2000
#define FRESH 3000

/* Map pages new pages and fill them with 0xA5; MAP_FAILED if mmap failed. */
static volatile uint64_t *dirty(uint64_t pages)
{
	volatile uint64_t *p = mmap(NULL, pages * 4096,
				    PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		for (uint64_t i = 0; i < pages * 512; i++)
			p[i] = 0xA5A5A5A5A5A5A5A5ull;
	return p;
}

/* Write the first word of FRESH new pages; the rest must be zero. */
static void check_fresh(const char *after)
{
	volatile uint64_t *p = mmap(NULL, FRESH * 4096ull,
				    PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(NAME, p != MAP_FAILED);
	for (uint64_t pg = 0; pg < FRESH; pg++) {
		p[pg * 512] = 1;
		for (int i = 1; i < 512; i++)
			if (p[pg * 512 + i] != 0)
				test_fail(NAME, "after %s: fresh page %lu word %d is 0x%lx",
					  after, pg, i, p[pg * 512 + i]);
	}
	TEST_CHECK(NAME, munmap((void *)p, FRESH * 4096ull) == 0);
}

int main(int argc, char **argv)
{
	(void)argv;
	int st = 0;
	uint32_t pid;
	if (argc > 1)
		return dirty(DIRTY) == MAP_FAILED ? 2 : 0;
	TEST_ERR(NAME, spawn("test_zero_reuse", "dirty", &pid), E_OK);
	TEST_CHECK(NAME, waitpid((pid_t)pid, &st, 0) == (pid_t)pid);
	TEST_CHECK(NAME, WIFEXITED(st) && WEXITSTATUS(st) == 0);
	frames_steady(2000);
	check_fresh("another process's exit");

	volatile uint64_t *p = dirty(DIRTY);
	TEST_CHECK(NAME, p != MAP_FAILED);
	TEST_CHECK(NAME, madvise((void *)p, DIRTY * 4096ull, MADV_DONTNEED) == 0);
	check_fresh("MADV_DONTNEED");

	pid_t child = fork();
	if (child == 0)
		exit(dirty(DIRTY / 2) == MAP_FAILED ? 2 : 0);
	TEST_CHECK(NAME, child > 0);
	TEST_CHECK(NAME, waitpid(child, &st, 0) == child);
	TEST_CHECK(NAME, WIFEXITED(st) && WEXITSTATUS(st) == 0);
	frames_steady(2000);
	check_fresh("a forked child's exit");
	test_pass(NAME);
	return 0;
}
