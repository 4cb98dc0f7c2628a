/* A null dereference and a write to the read-only program text kill only
 * the process that does it: the children (this program run as "null" and
 * "text") end PG_WAIT_KILLED with a page fault at the right address, an
 * ordinary child exits with its status, and the parent runs on. */
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "fault_kills_one"

int main(int argc, char **argv);

static int victim(const char *how)
{
	if (strcmp(how, "null") == 0)
		return *(volatile int *)0;
	if (strcmp(how, "text") == 0)
		*(volatile uint8_t *)(uint64_t)main = 0xC3;
	return strcmp(how, "exit7") == 0 ? 7 : 1;
}

/* Run this program as how; returns how it ended. */
static struct wait_status run(const char *how)
{
	struct wait_status st;
	uint32_t pid;
	TEST_ERR(NAME, spawn("test_fault_kill", how, &pid), E_OK);
	TEST_ERR(NAME, waitpid(pid, &st), E_OK);
	return st;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return victim(argv[1]);
	uint64_t before = frames_steady(2000);
	struct wait_status st = run("null");
	if (st.how != PG_WAIT_KILLED || st.code != FAULT_PAGE || st.addr != 0)
		test_fail(NAME, "null: how=%d code 0x%lx addr 0x%lx", st.how, st.code, st.addr);
	st = run("text");
	if (st.how != PG_WAIT_KILLED || st.code != FAULT_PAGE ||
	    st.addr != (uint64_t)main)
		test_fail(NAME, "text: how=%d code 0x%lx addr 0x%lx (main at %p)",
			  st.how, st.code, st.addr, (void *)main);
	st = run("exit7");
	if (st.how != PG_WAIT_EXITED || st.code != 7)
		test_fail(NAME, "exit7: how=%d code %lu", st.how, st.code);
	uint64_t after = frames_settle(before, 2000);
	if (after + 16 < before)
		test_fail(NAME, "%lu frames not returned", before - after);
	test_pass(NAME);
	return 0;
}
