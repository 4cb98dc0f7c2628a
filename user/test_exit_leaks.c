/* Exit without leaks: 200 children (this program with argument "child",
 * each touching a little heap, stack and anonymous memory) spawn and exit;
 * afterwards the kernel's free frames and the pager's held frames are what
 * they were before. */
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME   "exit_no_leaks"
#define ROUNDS 200

static int child(void)
{
	void *p;
	char *h = malloc(20000);
	if (!h || mmap_anon(8 * 4096, &p))
		return 1;
	for (int i = 0; i < 8; i++)
		((volatile char *)p)[i * 4096] = (char)i;
	memset(h, 1, 20000);
	return 0;
}

/* Spawn and reap n children; fail on any that did not exit 0. */
static void rounds(int n)
{
	struct wait_status st;
	uint32_t pid;
	for (int i = 0; i < n; i++) {
		TEST_ERR(NAME, spawn("test_exit_leaks", "child", &pid), E_OK);
		TEST_ERR(NAME, waitpid(pid, &st), E_OK);
		if (st.how != PG_WAIT_EXITED || st.code != 0)
			test_fail(NAME, "child %d ended how=%d code 0x%lx", i, st.how, st.code);
	}
}

int main(int argc, char **argv)
{
	static struct pg_stats a, b;
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child();
	rounds(3); /* warm up: whatever the pager keeps for good */
	uint64_t before = frames_steady(2000);
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	rounds(ROUNDS);
	uint64_t after = frames_settle(before, 3000);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	if (after != before)
		test_fail(NAME, "kernel free frames %lu before, %lu after %d exits",
			  before, after, ROUNDS);
	if (b.frames_held != a.frames_held)
		test_fail(NAME, "pager holds %lu frames, held %lu", b.frames_held,
			  a.frames_held);
	TEST_CHECK(NAME, b.exits - a.exits == ROUNDS && b.processes == a.processes);
	printf("exit_no_leaks: %d processes, %lu free frames before and after\n",
	       ROUNDS, after);
	test_pass(NAME);
	return 0;
}
