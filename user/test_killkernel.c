/* Reading a kernel address from ring 3 must kill the reader: this program
 * runs itself as a child ("victim") that loads from 0xFFFF800000000000 (the
 * kernel's direct map), and one ("jump") that jumps to a kernel address;
 * the parent checks both were killed by page faults at those addresses. */
#include "sys/sys.h"
#include "sys/test.h"

#define NAME "kill_kernel_address"
#define KADDR 0xFFFF800000000000ull
#define KTEXT 0xFFFFFFFF80100000ull

static void victim(const char *how)
{
	if (strcmp(how, "victim") == 0) {
		uint64_t v = *(volatile uint64_t *)KADDR;
		printf("@@FAIL " NAME ": read 0x%lx from a kernel address\n", v);
	} else {
		((void (*)(void))KTEXT)();
		printf("@@FAIL " NAME ": ran kernel code\n");
	}
	exit(1);
}

/* Run argv0 with arg, which must be killed by a page fault at addr. */
static void expect_killed(const char *argv0, const char *arg, uint64_t addr)
{
	struct wait_status st;
	uint32_t pid;
	TEST_ERR(NAME, spawn(argv0, arg, &pid), E_OK);
	TEST_ERR(NAME, waitpid(pid, &st), E_OK);
	if (st.how != PG_WAIT_KILLED || st.code != FAULT_PAGE || st.addr != addr)
		test_fail(NAME, "%s: ended how=%d code 0x%lx addr 0x%lx, want a page "
			  "fault at 0x%lx", arg, st.how, st.code, st.addr, addr);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		victim(argv[1]);
	expect_killed(argv[0], "victim", KADDR);
	expect_killed(argv[0], "jump", KTEXT);
	void *p;
	TEST_ERR(NAME, mmap_anon(4096, &p), E_OK); /* we still work */
	*(volatile int *)p = 7;
	TEST_CHECK(NAME, *(volatile int *)p == 7);
	test_pass(NAME);
	return 0;
}
