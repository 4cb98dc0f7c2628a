/* The main stack grows on demand: a deep recursion uses ~800 KiB of the 8 MiB
 * stack (faults_stack rises by its pages) and every frame keeps its bytes;
 * a recursion without end (this program run as "overflow") hits the guard
 * page and is killed, alone. */
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "stack_grows"

/* Use about depth KiB of stack; returns depth + 1 if every frame held. */
static int deep(int depth)
{
	volatile char buf[1000];
	for (unsigned i = 0; i < sizeof buf; i += 100)
		buf[i] = (char)(depth ^ i);
	int n = depth > 0 ? deep(depth - 1) : 0;
	for (unsigned i = 0; i < sizeof buf; i += 100)
		if (buf[i] != (char)(depth ^ i))
			return -1000000;
	return n + 1;
}

static int forever(int n)
{
	volatile char buf[4000];
	buf[0] = (char)n;
	if (n > 1 << 30) /* never: the guard page comes first */
		return 0;
	return forever(n + 1) + buf[0];
}

int main(int argc, char **argv)
{
	(void)argv;
	static struct pg_stats a, b;
	if (argc > 1)
		return forever(0);
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	int n = deep(800);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	if (n != 801)
		test_fail(NAME, "a stack frame lost its bytes (%d)", n);
	if (b.faults_stack - a.faults_stack < 150)
		test_fail(NAME, "%lu stack-growth faults for ~800 KiB",
			  b.faults_stack - a.faults_stack);
	struct wait_status st;
	uint32_t pid;
	TEST_ERR(NAME, spawn("test_stack_grow", "overflow", &pid), E_OK);
	TEST_ERR(NAME, waitpid(pid, &st), E_OK);
	if (st.how != PG_WAIT_KILLED || st.code != FAULT_PAGE ||
	    st.addr >= PG_STACK_TOP - PG_STACK_SIZE ||
	    st.addr < PG_STACK_TOP - PG_STACK_SIZE - 65536)
		test_fail(NAME, "overflow: how=%d code 0x%lx addr 0x%lx", st.how,
			  st.code, st.addr);
	printf("stack: %lu pages grown\n", b.faults_stack - a.faults_stack);
	test_pass(NAME);
	return 0;
}
