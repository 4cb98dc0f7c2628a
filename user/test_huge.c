/* Huge lazy ranges cost what is in them, not their size.
 *
 *   huge_lazy_fork   a 64 TiB anonymous mapping with three pages touched
 *                    (first, middle, last) is forked: the child sees the
 *                    parent's bytes and its own writes stay its own; then
 *                    the range is unmapped whole and every frame comes
 *                    back.  Walking such a range 2 MiB at a time (fork's
 *                    share, munmap's unmap) took minutes under TCG: the
 *                    kernel now passes a missing table in one step.  (The
 *                    fuzzer found it: a worker forked after a huge mmap
 *                    and stalled every process for two minutes.) */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/test.h"

#define NAME "huge_lazy_fork"
#define SIZE (64ull << 40)

/* The test proper, in a child (page tables stay until a space ends). */
static void run(void)
{
	volatile uint64_t *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		test_fail(NAME, "mmap of %llu bytes failed", SIZE);
	size_t last = SIZE / 8 - 512, mid = SIZE / 16;
	p[0] = 1, p[mid] = 2, p[last] = 3;
	pid_t pid = fork();
	if (pid == 0) {
		int ok = p[0] == 1 && p[mid] == 2 && p[last] == 3;
		p[0] = 10, p[mid] = 20, p[last] = 30;
		_exit(ok ? 0 : 1);
	}
	int st = -1;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		test_fail(NAME, "fork or waitpid failed");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(NAME, "the child did not see the parent's bytes (status 0x%x)", st);
	if (p[0] != 1 || p[mid] != 2 || p[last] != 3)
		test_fail(NAME, "the child's writes reached the parent");
	if (munmap((void *)p, SIZE))
		test_fail(NAME, "munmap failed");
	_exit(0);
}

/* run() in a child; fails unless it exits 0. */
static void run_child(void)
{
	int st = -1;
	pid_t pid = fork();
	if (pid == 0)
		run();
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		test_fail(NAME, "the test's process failed (status 0x%x)", st);
}

int main(void)
{
	run_child(); /* once first: the pager's tables grow for good */
	uint64_t before = frames_steady(2000);
	run_child();
	uint64_t after = frames_settle(before, 30000);
	if (after != before)
		test_fail(NAME, "free frames %lu before, %lu after", (unsigned long)before,
			  (unsigned long)after);
	test_pass(NAME);
	return 0;
}
