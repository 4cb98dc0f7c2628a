/* A REPRODUCER, not yet a test (not test_*: init does not run it; it
 * FAILS today, see below; rename it test_hostile18_pin.c and add
 * hostile18_pin to tests/qemu/user.tests once fixed).  Run it alone:
 * sh /tmp/lead-wt.sh WORKTREE 128M 2 LOG hostile18_pin
 *
 * hostile18_pin: a server keeps the calls of other processes (reply_save:
 * a handle to the calling thread), and those processes are killed.  A
 * thread object holds its address space, so each kept handle held a
 * whole dead process's memory (page tables, frames) for as long as the
 * server pleased: up to 256 handles, 256 dead processes, none of it the
 * server's for the OOM killer.  A killed process's memory must come back
 * when it ends, kept calls or not; the server still answers (E_DEAD) or
 * closes each handle without harm.
 * Today: 4 killed callers of 2,000 pages each keep 8,110 frames while
 * the server keeps their calls, and no wait sees them end (the pager
 * answers a wait at FAULT_SPACE_END, which needs the space's last
 * reference, which each caller thread holds, which the server's
 * RIGHT_REPLY handle holds); all comes back once the server lets go. */
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/ipc.h"
#include "sys/proc.h"
#include "sys/unistd.h"

#define NAME "hostile18_pin"
#define KEY 0x4831385049ull /* "H18PI" */
#define PAGES 2000
#define CALLERS 4

/* A caller: PAGES pages of its own, then a call on the shared endpoint
 * that nobody answers.  Never returns by itself. */
static int caller(void)
{
	void *mem;
	uint32_t ep;
	if (mmap_anon(PAGES * 4096ul, &mem) || shared_ep(KEY, &ep)) {
		printf(NAME ": caller: no memory or endpoint\n");
		return 2;
	}
	for (unsigned i = 0; i < PAGES; i++)
		((volatile char *)mem)[i * 4096ul] = (char)i;
	struct sys_msg m = { .label = 77 };
	printf(NAME ": caller calls\n");
	ipc_call(ep, &m); /* kept by the server until it is killed */
	for (;;)
		sleep_ms(1000);
}

int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return caller();
	touch_image();
	uint32_t ep, pid[CALLERS], h[CALLERS];
	TEST_ERR(NAME, shared_ep(KEY, &ep), E_OK);
	uint64_t before = frames_steady(3000);
	for (int i = 0; i < CALLERS; i++) {
		TEST_ERR(NAME, spawn("hostile18_pin", "caller", &pid[i]), E_OK);
		printf(NAME ": caller %u started\n", pid[i]);
		struct sys_msg m;
		TEST_ERR(NAME, ipc_recv(ep, &m), E_OK);
		TEST_CHECK(NAME, IPC_LABEL_TAG(m.label) == 77);
		struct sys_regs r;
		TEST_ERR(NAME, sys_reply_save_r(0, &r), E_OK);
		h[i] = (uint32_t)r.rdi;
	}
	uint64_t held = frames_available();
	for (int i = 0; i < CALLERS; i++)
		TEST_ERR(NAME, kill(pid[i]), E_OK);
	sleep_ms(2000);
	int ended = 0;
	for (int i = 0; i < CALLERS; i++) {
		struct wait_status st;
		ended += wait_poll(pid[i], &st) == E_OK;
	}
	printf(NAME ": %d of %d killed callers seen ended by wait while their calls "
	       "are kept\n", ended, CALLERS);
	/* the callers are gone: their memory must be back though we keep
	 * their calls */
	uint64_t after = frames_settle(before, 5000);
	printf(NAME ": %lu free frames before, %lu with %d callers, %lu once they were "
	       "killed (their calls kept)\n", (unsigned long)before, (unsigned long)held,
	       CALLERS, (unsigned long)after);
	int kept_back = after + 64 >= before; /* their threads' kernel stacks may stay */
	/* the kept calls answered or given up: no harm either way */
	for (int i = 0; i < CALLERS; i++) {
		int e = i % 2 ? sys_reply_send(h[i], 1, 0, 0, 0, 0) : sys_handle_close(h[i]);
		if (e != E_OK && e != E_DEAD)
			test_fail(NAME, "answer %d: %s", i, err_str(e));
	}
	for (int i = 0; i < CALLERS; i++) {
		struct wait_status st;
		TEST_ERR(NAME, waitpid(pid[i], &st), E_OK);
	}
	uint64_t last = frames_settle(before, 5000);
	printf(NAME ": %lu once the calls were let go\n", (unsigned long)last);
	if (!kept_back)
		test_fail(NAME, "%lu frames of killed processes held by the calls kept",
			  (unsigned long)(before - after));
	if (last < before) {
		frames_explain(NAME);
		test_fail(NAME, "%lu frames lost", (unsigned long)(before - last));
	}
	test_pass(NAME);
	return 0;
}
