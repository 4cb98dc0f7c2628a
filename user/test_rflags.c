/* Flags ring 3 may set must not reach the kernel: on every CPU a thread
 * sets NT, AC and DF and calls the kernel (yield, a pager request, console
 * output) again and again while spinning threads, preempted by the timer,
 * wait on the same CPU to be resumed through iretq.  Before syscall entry
 * masked NT, the kernel's next iretq faulted in ring 0 with the user's GS
 * base and took the machine down.  The flags come back to ring 3 as set.
 * A child that sets TF is killed by its first single-step trap (the trap
 * comes in ring 3, after sysret), and the system goes on; so is a child
 * whose stack pointer is not canonical while it makes system calls and is
 * interrupted (sysret and iretq load it without faulting in ring 0). */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "rflags_user_bits"
#define CALLS 400
#define F_DF 0x400ul
#define F_NT 0x4000ul
#define F_AC 0x40000ul

static volatile int stop, callers_done, spinners_done, bad;
static volatile uint64_t bad_flags;

static void spinner(void *arg)
{
	(void)arg;
	while (!stop)
		__asm__ volatile("pause");
	__atomic_fetch_add(&spinners_done, 1, __ATOMIC_SEQ_CST);
}

/* System call nr with `set` or'ed into RFLAGS; returns RFLAGS as ring 3
 * sees it right after the call (DF, NT and AC cleared again after). */
static uint64_t call_with_flags(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t set)
{
	uint64_t flags;
	__asm__ volatile("pushfq; orq %[set], (%%rsp); popfq\n"
			 "syscall\n"
			 "pushfq; popq %[flags]\n"
			 "pushfq; andq %[clear], (%%rsp); popfq"
			 : [flags] "=&r"(flags), "+a"(nr), "+D"(a0), "+S"(a1)
			 : [set] "r"(set), [clear] "r"(~(F_DF | F_NT | F_AC))
			 : "rcx", "r11", "rdx", "r10", "r8", "r9", "memory", "cc");
	return flags;
}

static void caller(void *arg)
{
	static const char msg[] = "";
	uint64_t set = (uint64_t)arg;
	for (int i = 0; i < CALLS; i++) {
		uint64_t f;
		switch (i % 3) {
		case 0: f = call_with_flags(SYSNR_yield, 0, 0, set); break;
		case 1: f = call_with_flags(SYSNR_debug_write, (uint64_t)msg, 0, set); break;
		default: f = call_with_flags(SYSNR_sleep_ms, 1, 0, set); break;
		}
		if ((f & set) != set) {
			bad_flags = f;
			bad = 1;
		}
	}
	__atomic_fetch_add(&callers_done, 1, __ATOMIC_SEQ_CST);
}

/* Set TF and make a system call: the single-step trap must kill only us. */
static void trap_flag_child(void)
{
	pid_t pid = fork();
	if (pid < 0)
		test_fail(NAME, "fork failed");
	if (pid == 0) {
		call_with_flags(SYSNR_yield, 0, 0, 0x100);
		exit(0); /* not reached: the trap came first */
	}
	int st = 0;
	TEST_CHECK(NAME, waitpid(pid, &st, 0) == pid);
	if (!WIFSIGNALED(st))
		test_fail(NAME, "a child with TF set was not killed by its trap (status 0x%x)",
			  st);
}

/* A child spinning in system calls with a non-canonical rsp, killed. */
static void bad_rsp_child(void)
{
	pid_t pid = fork();
	if (pid < 0)
		test_fail(NAME, "fork failed");
	if (pid == 0)
		__asm__ volatile("mov %0, %%rsp\n"
				 "1: mov %1, %%eax; syscall; jmp 1b"
				 :: "r"(0x8000000000001000ul), "i"(SYSNR_yield));
	usleep(50000);
	TEST_CHECK(NAME, kill(pid, SIGKILL) == 0);
	TEST_CHECK(NAME, waitpid(pid, NULL, 0) == pid);
}

int main(void)
{
	static const uint64_t sets[] = { F_NT, F_NT | F_AC, F_NT | F_DF, F_AC | F_DF };
	int cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	for (int c = 0; c < cpus && c < 4; c++) {
		TEST_ERR(NAME, thread_start_on(c, spinner, NULL, 16384), E_OK);
		TEST_ERR(NAME, thread_start_on(c, spinner, NULL, 16384), E_OK);
		TEST_ERR(NAME, thread_start_on(c, caller, (void *)sets[c], 16384), E_OK);
	}
	int n = cpus < 4 ? cpus : 4;
	while (callers_done < n)
		usleep(10000);
	stop = 1;
	while (spinners_done < 2 * n)
		usleep(1000);
	if (bad)
		test_fail(NAME, "flags after a system call were 0x%lx", bad_flags);
	trap_flag_child();
	bad_rsp_child();
	test_pass(NAME);
	return 0;
}
