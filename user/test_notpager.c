/* Every pager-only system call (marked in SYSCALL_TABLE) made by an
 * ordinary process returns E_PERM, whatever its arguments, and changes
 * nothing: the machine is still running after halt, we are still here. */
#include "sys/sys.h"
#include "sys/test.h"

#define NAME "notpager_eperm"

int main(void)
{
	static const struct sys_call_info calls[] = SYS_CALL_INFO_INIT;
	uint64_t args[][6] = {
		{ 0, 0, 0, 0, 0, 0 },
		{ 1, 1, 1, 1, 1, 1 },
		{ 0x400000, 0x400000, 1, 1, 7, 7 },
		{ ~0ull, ~0ull, ~0ull, ~0ull, ~0ull, ~0ull },
	};
	int checked = 0;
	for (unsigned i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		if (!calls[i].pager_only)
			continue;
		for (unsigned k = 0; k < sizeof args / sizeof args[0]; k++) {
			uint64_t *a = args[k];
			a[0] = k == 1 ? sys_pager : a[0]; /* a real handle, too */
			int e = (int)sys_raw(calls[i].nr, a[0], a[1], a[2], a[3], a[4],
					     a[5], NULL);
			if (e != E_PERM)
				test_fail(NAME, "%s(args set %u) returned %d (%s)",
					  calls[i].name, k, e, err_str(e));
		}
		checked++;
	}
	TEST_CHECK(NAME, checked >= 13);
	TEST_ERR(NAME, sys_halt(0), E_PERM);
	TEST_CHECK(NAME, getpid(NULL) == (int)sys_pid);
	printf("notpager: %d pager-only calls refused\n", checked);
	test_pass(NAME);
	return 0;
}
