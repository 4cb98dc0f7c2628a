/* A privileged instruction in ring 3 must kill the process that runs it,
 * and only that one: this program runs itself as a child with argument
 * "victim", which executes hlt; the parent checks the pager killed it for
 * a general-protection fault, that all it held came back, and that the
 * parent itself runs on. */
#include "sys/sys.h"
#include "sys/test.h"

#define NAME "kill_privileged"

static void victim(void)
{
	void *p;
	mmap_anon(64 * 4096, &p); /* hold some memory when killed */
	for (int i = 0; i < 64; i++)
		((volatile char *)p)[i * 4096] = 1;
	__asm__ volatile("hlt");
	printf("@@FAIL " NAME ": hlt ran in ring 3\n");
	exit(1);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "victim") == 0)
		victim();
	struct wait_status st;
	uint32_t pid;
	for (int round = 0; round < 3; round++) {
		uint64_t before = frames_steady(2000);
		TEST_ERR(NAME, spawn(argv[0], "victim", &pid), E_OK);
		TEST_ERR(NAME, waitpid(pid, &st), E_OK);
		if (st.how != PG_WAIT_KILLED || st.code != FAULT_GP)
			test_fail(NAME, "child ended how=%d code 0x%lx, want killed by #GP",
				  st.how, st.code);
		if (st.rip < PG_IMAGE_BASE || st.rip >= PG_MMAP_BASE)
			test_fail(NAME, "fault rip 0x%lx is not in the program", st.rip);
		uint64_t after = frames_settle(before - 32, 2000);
		if (after + 32 < before)
			test_fail(NAME, "round %d: %lu frames not returned", round,
				  before - after);
	}
	TEST_ERR(NAME, waitpid(pid, &st), E_NOENT); /* reaped */
	TEST_CHECK(NAME, getpid(NULL) == (int)sys_pid);
	test_pass(NAME);
	return 0;
}
