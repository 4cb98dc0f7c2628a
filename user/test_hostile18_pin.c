/* hostile18_pin: a server keeps the calls of other processes (reply_save:
 * a handle to the calling thread), and those processes end: two are
 * killed, two exit while a thread of theirs waits in a kept call.  A
 * killed or exited process's memory must come back when it ends, and its
 * parent's wait must see it end, however many of its calls some server
 * keeps; the server may still answer each kept call (E_DEAD: the caller
 * is gone, and the handle is closed) or close its handle (E_OK), without
 * harm.
 * Before the fix a thread object held its address space, so each kept
 * handle held a whole dead process (page tables, frames) for as long as
 * the server pleased (up to 256 handles, 256 dead processes, none of it
 * the server's for the OOM killer): 4 ended callers of 2,000 pages each
 * kept 8,110 frames, and no wait saw them end (the pager answers a wait
 * at FAULT_SPACE_END, which needed the space's last reference, which each
 * caller thread held).  Now a thread gives up its space when it dies
 * (thread_let_go): what a kept call still holds is the dead thread's
 * kernel stack and IPC buffer, 5 frames (ARCHITECTURE.md, "Kernel
 * objects and handles"). */
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/ipc.h"
#include "sys/proc.h"
#include "sys/unistd.h"
#include <string.h>

#define NAME "hostile18_pin"
#define KEY 0x4831385049ull /* "H18PI" */
#define PAGES 2000
#define CALLERS 4        /* even: killed; odd: exit with a thread's call kept */
#define KEPT 77          /* the call the server keeps */
#define GO 78            /* an exiting caller's call, answered to let it exit */
#define KEPT_FRAMES 8    /* a dead thread's stack and IPC buffer (5), and slack */
#define WAIT_TRIES 600   /* 100 ms each: a wait that never comes fails, not hangs */

static uint32_t ep;

/* A call on the shared endpoint that the server keeps: never answered,
 * it ends with its process. */
static void call_kept(void *arg)
{
	(void)arg;
	struct sys_msg m = { .label = KEPT };
	ipc_call(ep, &m);
	for (;;)
		sleep_ms(1000);
}

/* A caller: PAGES pages of its own, then a call that the server keeps;
 * how "exit": from a second thread, while the first calls GO and exits
 * once the server answers it (the kept call's thread ends with the
 * process).  "kill": waits in the kept call until killed. */
static int caller(const char *how)
{
	void *mem;
	if (mmap_anon(PAGES * 4096ul, &mem) || shared_ep(KEY, &ep)) {
		printf(NAME ": caller: no memory or endpoint\n");
		return 2;
	}
	for (unsigned i = 0; i < PAGES; i++)
		((volatile char *)mem)[i * 4096ul] = (char)i;
	if (strcmp(how, "exit") != 0)
		call_kept(NULL);
	if (thread_start(call_kept, NULL, 16384) != E_OK) {
		printf(NAME ": caller: no thread\n");
		return 2;
	}
	struct sys_msg m = { .label = GO };
	return ipc_call(ep, &m) == E_OK ? 0 : 3;
}

/* Receive one call on ep and keep it: its reply handle, *tag its label's. */
static uint32_t keep_call(unsigned *tag)
{
	struct sys_msg m;
	TEST_ERR(NAME, ipc_recv(ep, &m), E_OK);
	*tag = IPC_LABEL_TAG(m.label);
	struct sys_regs r;
	TEST_ERR(NAME, sys_reply_save_r(0, &r), E_OK);
	return (uint32_t)r.rdi;
}

/* Wait for child pid to end, polling: WAIT_TRIES at most, then fail (a
 * kernel that pins its space never tells). */
static void wait_end(uint32_t pid, int how)
{
	struct wait_status st;
	int e = E_AGAIN;
	for (int i = 0; i < WAIT_TRIES && (e = wait_poll(pid, &st)) == E_AGAIN; i++)
		sleep_ms(100);
	if (e != E_OK)
		test_fail(NAME, "no wait saw caller %u end while its call is kept: %s", pid,
			  err_str(e));
	if (st.how != how)
		test_fail(NAME, "caller %u ended as %d, want %d", pid, st.how, how);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return caller(argv[1]);
	touch_image();
	uint32_t pid[CALLERS], kept[CALLERS], go[CALLERS];
	TEST_ERR(NAME, shared_ep(KEY, &ep), E_OK);
	uint64_t before = frames_steady(3000);
	for (int i = 0; i < CALLERS; i++) {
		const char *how = i % 2 ? "exit" : "kill";
		TEST_ERR(NAME, spawn("test_hostile18_pin", how, &pid[i]), E_OK);
		for (int n = 0; n < 1 + i % 2; n++) {
			unsigned tag;
			uint32_t h = keep_call(&tag);
			TEST_CHECK(NAME, tag == KEPT || (tag == GO && i % 2));
			*(tag == KEPT ? &kept[i] : &go[i]) = h;
		}
	}
	uint64_t held = frames_available();
	for (int i = 0; i < CALLERS; i++) {
		if (i % 2)
			TEST_ERR(NAME, sys_reply_send(go[i], 0, 0, 0, 0, 0), E_OK);
		else
			TEST_ERR(NAME, kill(pid[i]), E_OK);
	}
	/* the callers end, their kept calls still ours: their waits come,
	 * and their memory is back */
	for (int i = 0; i < CALLERS; i++)
		wait_end(pid[i], i % 2 ? PG_WAIT_EXITED : PG_WAIT_KILLED);
	uint64_t after = frames_settle(before, 5000);
	printf(NAME ": %lu free frames before, %lu with %d callers, %lu once they ended "
	       "(their calls kept)\n", (unsigned long)before, (unsigned long)held, CALLERS,
	       (unsigned long)after);
	if (after + CALLERS * KEPT_FRAMES < before) {
		frames_explain(NAME);
		test_fail(NAME, "%lu frames of ended processes held by the calls kept",
			  (unsigned long)(before - after));
	}
	/* the kept calls answered or given up: an error code or nothing */
	for (int i = 0; i < CALLERS; i++) {
		if (i % 2)
			TEST_ERR(NAME, sys_handle_close(kept[i]), E_OK);
		else
			TEST_ERR(NAME, sys_reply_send(kept[i], 1, 0, 0, 0, 0), E_DEAD);
		TEST_ERR(NAME, sys_reply_send(kept[i], 1, 0, 0, 0, 0), E_BADHANDLE);
	}
	uint64_t last = frames_settle(before, 5000);
	printf(NAME ": %lu once the calls were let go\n", (unsigned long)last);
	if (last < before) {
		frames_explain(NAME);
		test_fail(NAME, "%lu frames lost", (unsigned long)(before - last));
	}
	test_pass(NAME);
	return 0;
}
