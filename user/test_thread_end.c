/* Thread ends (issue 9, item 5): the kernel tells the pager when a thread
 * ends (FAULT_THREAD_END), the pager gives its slot back and ends the
 * process with its last thread.
 *
 *   thread_slots_reused   100 threads (more than a chunk of slots) started
 *                         and ended one at a time: no E_NOMEM, the pager
 *                         counts one thread again after each, and the free
 *                         frames come back to where they were (slot, kernel
 *                         stack, IPC buffer page, libsys's thread stack)
 *   thread_exit_reaped    a child whose only thread calls sys_thread_exit
 *                         (not exit) is reaped with status 0; a child whose
 *                         main thread ends first lives on until its last
 *                         thread exits with its own status
 *   threads_end_together  15 threads end at the same moment, 5 rounds,
 *                         free frames back after them; a child whose 16
 *                         threads all end at once is reaped with status 0;
 *                         children killed while their threads end (notices
 *                         under way) leave no frame behind
 *
 * Waits are bounded at WAIT_MS (far beyond the milliseconds they take), so
 * a missing notice fails with a line instead of hanging the run. */
#include <stdbool.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define ROUNDS     100
#define TOGETHER   15
#define STACK      (16 * 1024)
#define WAIT_MS    20000

static volatile int go, started, finished;

static uint64_t now_ms(void)
{
	static struct abi_sysinfo si;
	return sys_sysinfo((uint64_t)&si, sizeof si) == E_OK ? si.ticks_ms : 0;
}

/* How many threads the pager counts for this process (-1 on error). */
static int my_threads(void)
{
	struct pg_procinfo v;
	size_t n = 0;
	if (pager_ps(sys_pid, &v, 1, &n) != E_OK || n != 1 || v.pid != sys_pid)
		return -1;
	return (int)v.threads;
}

/* Wait until the pager counts want threads here; false after WAIT_MS. */
static bool threads_become(int want)
{
	uint64_t t0 = now_ms();
	while (my_threads() != want)
		if (now_ms() - t0 > WAIT_MS)
			return false;
		else
			sleep_ms(1);
	return true;
}

/* Wait for child pid's end into *st; false after WAIT_MS. */
static bool reap(uint32_t pid, struct wait_status *st)
{
	uint64_t t0 = now_ms();
	int e;
	while ((e = wait_poll(pid, st)) == E_AGAIN)
		if (now_ms() - t0 > WAIT_MS)
			return false;
		else
			sleep_ms(1);
	return e == E_OK;
}

static void touch_and_return(void *arg)
{
	volatile char buf[2048]; /* a page of the stack gets a frame */
	buf[0] = (char)(uint64_t)arg;
	__atomic_fetch_add(&finished, buf[0], __ATOMIC_SEQ_CST);
}

/* Start one thread, wait until it ended and the pager freed its slot. */
static void one_round(const char *name, int i)
{
	int before = finished;
	int e = thread_start(touch_and_return, (void *)1, STACK);
	if (e)
		test_fail(name, "thread %d of %d: thread_start: %s", i, ROUNDS, err_str(e));
	while (finished == before)
		sleep_ms(1);
	if (!threads_become(1))
		test_fail(name, "thread %d ended but the pager still counts %d threads "
			  "(no thread-end notice?)", i, my_threads());
}

/* Make what stays for good before counting frames: the page tables for
 * the addresses TOGETHER thread stacks get (mmap_anon places them there
 * again once freed), our globals' page, and the pages of libsys's
 * statics a thread start touches (its slot table: where the linker puts
 * it depends on what else libsys has, so one thread runs first). */
static void warm_up(const char *name)
{
	volatile char *at;
	size_t size = TOGETHER * (STACK + 4096);
	TEST_ERR(name, mmap_anon(size, (void **)&at), E_OK);
	for (size_t off = 0; off < size; off += 4096)
		at[off] = 1;
	TEST_ERR(name, mfree((void *)at), E_OK);
	one_round(name, -1);
	finished = started = go = 0;
}

static void slots_reused(void)
{
	const char *name = "thread_slots_reused";
	_Static_assert(ROUNDS > 64, "more threads than a chunk of slots");
	/* a request can never pass for the kernel's notice: it carries
	 * PG_BADGE_CALL, so it is an unknown request */
	struct sys_msg m = { .label = FAULT_THREAD_END, .w = { [FAULT_MSG_TID] = 1 } };
	TEST_ERR(name, ipc_call(sys_pager, &m), E_OK);
	TEST_ERR(name, (int)IPC_LABEL_TAG(m.label), E_NOSYS);
	TEST_CHECK(name, my_threads() == 1);
	warm_up(name);
	uint64_t before = frames_steady(2000);
	for (int i = 0; i < ROUNDS; i++)
		one_round(name, i);
	uint64_t after = frames_settle(before, 5000);
	if (after != before)
		test_fail(name, "free frames %lu before %d threads, %lu after", before,
			  ROUNDS, after);
	printf("%s: %d threads one at a time, %lu free frames before and after\n",
	       name, ROUNDS, after);
	test_pass(name);
}

/* Child "lone": its only thread ends without exit. */
static int child_lone(void)
{
	sys_thread_exit();
	return 1; /* not reached */
}

static void late_exit(void *arg)
{
	sleep_ms(20);
	exit((int)(uint64_t)arg);
}

/* Child "late": the main thread ends first; a thread exits 42 later. */
static int child_late(void)
{
	if (thread_start(late_exit, (void *)42, STACK))
		return 1;
	sys_thread_exit();
	return 1;
}

static void wait_for_go(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
	while (!go)
		sleep_ms(1);
}

/* Child "all": 16 threads (main included) end at the same moment. */
static int child_all(void)
{
	for (int i = 0; i < TOGETHER; i++)
		if (thread_start(wait_for_go, NULL, STACK))
			return 1;
	while (started != TOGETHER)
		sleep_ms(1);
	go = 1;
	sys_thread_exit();
	return 1;
}

static void nothing(void *arg)
{
	(void)arg;
}

/* Child "storm": start threads that end at once, for ever (waiting a
 * little whenever every slot is taken), until its parent kills it. */
static int child_storm(void)
{
	for (;;)
		if (thread_start(nothing, NULL, STACK) != E_OK)
			sleep_ms(1);
	return 1;
}

/* Kill a "storm" child while its threads are ending (notices under way
 * as the pager destroys its threads); it must be reaped as killed. */
static void storm(const char *name)
{
	struct wait_status st;
	uint32_t pid;
	TEST_ERR(name, spawn("test_thread_end", "storm", &pid), E_OK);
	sleep_ms(30);
	TEST_ERR(name, kill(pid), E_OK);
	if (!reap(pid, &st) || st.how != PG_WAIT_KILLED)
		test_fail(name, "killed storm child: how=%d", st.how);
}

/* Spawn this program with arg, reap it, check how it ended. */
static void run_child(const char *name, const char *arg, int how, uint64_t code)
{
	struct wait_status st;
	uint32_t pid;
	TEST_ERR(name, spawn("test_thread_end", arg, &pid), E_OK);
	if (!reap(pid, &st))
		test_fail(name, "child \"%s\" (pid %u) was never reaped: its threads "
			  "ended, the process did not", arg, pid);
	if (st.how != how || st.code != code)
		test_fail(name, "child \"%s\" ended how=%d code %lu, want how=%d code %lu",
			  arg, st.how, st.code, how, code);
}

static void exit_reaped(void)
{
	const char *name = "thread_exit_reaped";
	run_child(name, "lone", PG_WAIT_EXITED, 0);
	run_child(name, "late", PG_WAIT_EXITED, 42);
	test_pass(name);
}

static void end_together(void)
{
	const char *name = "threads_end_together";
	warm_up(name);
	uint64_t before = frames_steady(2000);
	for (int round = 0; round < 5; round++) {
		go = 0;
		started = 0;
		for (int i = 0; i < TOGETHER; i++) {
			int e = thread_start(wait_for_go, NULL, STACK);
			if (e)
				test_fail(name, "round %d: thread %d: %s", round, i, err_str(e));
		}
		while (started != TOGETHER)
			sleep_ms(1);
		go = 1;
		if (!threads_become(1))
			test_fail(name, "round %d: %d threads ended at once; the pager "
				  "still counts %d", round, TOGETHER, my_threads());
	}
	uint64_t after = frames_settle(before, 5000);
	if (after != before)
		test_fail(name, "free frames %lu before, %lu after", before, after);
	run_child(name, "all", PG_WAIT_EXITED, 0);
	storm(name); /* warm-up: what the pager keeps for good */
	before = frames_steady(2000);
	for (int i = 0; i < 5; i++)
		storm(name);
	after = frames_settle(before, 5000);
	if (after != before)
		test_fail(name, "free frames %lu before 5 killed storms, %lu after",
			  before, after);
	test_pass(name);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "lone") == 0)
		return child_lone();
	if (argc > 1 && strcmp(argv[1], "late") == 0)
		return child_late();
	if (argc > 1 && strcmp(argv[1], "all") == 0)
		return child_all();
	if (argc > 1 && strcmp(argv[1], "storm") == 0)
		return child_storm();
	touch_image(); /* our own first touches (libsys's tls[] page) are not frames lost */
	slots_reused();
	exit_reaped();
	end_together();
	return 0;
}
