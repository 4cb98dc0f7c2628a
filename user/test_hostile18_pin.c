/* hostile18_pin: a server keeps the calls of other processes, and those
 * processes end.  Four callers, one of each: killed, or exiting while a
 * thread of theirs waits in the call; the call saved by the server
 * (reply_save: a handle to the calling thread), or simply never answered
 * (a server thread that received it and does nothing more).  A killed or
 * exited process's memory must come back when it ends, and its parent's
 * wait must see it end, however many of its calls some server keeps; the
 * server may still answer each kept call or give it up, without harm:
 * reply_send on a saved one is E_DEAD (the caller is gone; the handle is
 * closed), closing it E_OK; a reply_recv answering an unsaved one goes
 * nowhere, a receive gives it up.
 * Before the fix a thread object held its address space, so each kept
 * call held a whole dead process (page tables, frames) for as long as the
 * server pleased (up to 256 handles, 256 dead processes, none of it the
 * server's for the OOM killer): 4 ended callers of 2,000 pages each kept
 * 8,110 frames, and no wait saw them end (the pager answers a wait at
 * FAULT_SPACE_END, which needed the space's last reference, which each
 * caller thread held).  Now a dead thread lets go of its space once it is
 * off its CPU and only other servers hold it: what a kept call still
 * holds is the dead thread's kernel stack and IPC buffer, 5 frames
 * (ARCHITECTURE.md, "Kernel objects and handles"). */
#include <string.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/ipc.h"
#include "sys/proc.h"
#include "sys/unistd.h"

#define NAME "hostile18_pin"
#define KEY_SAVED 0x4831385049ull /* "H18PI": calls the server saves */
#define KEY_HELD 0x4831385048ull  /* calls a server thread holds, unsaved */
#define KEY_LET 0x483138504cull   /* a holder's own: told to let go */
#define PAGES 2000
#define KEPT 77          /* the call the server keeps */
#define GO 78            /* an exiting caller's call, answered to let it exit */
#define KEPT_FRAMES 8    /* a dead thread's stack and IPC buffer (5), and slack */
#define TRIES 600        /* 100 ms each: what never comes fails, not hangs */

enum kind { KILL_SAVED, EXIT_SAVED, KILL_HELD, EXIT_HELD, KINDS };
static const char *const kinds[KINDS] = { "kill-saved", "exit-saved", "kill-held",
					  "exit-held" };

static uint32_t kept_ep; /* the caller's endpoint for its kept call */

/* A call that the server keeps: never answered, it ends with its
 * process. */
static void call_kept(void *arg)
{
	(void)arg;
	struct sys_msg m = { .label = KEPT };
	ipc_call(kept_ep, &m);
	for (;;)
		sleep_ms(1000);
}

/* A caller of kind k: PAGES pages of its own, then a call that the server
 * keeps (on KEY_SAVED or KEY_HELD); an exiting kind makes it from a
 * second thread, while the first calls GO on KEY_SAVED and exits once the
 * server answers (the kept call's thread ends with the process); a
 * killed kind waits in the kept call until killed. */
static int caller(const char *how)
{
	int k = 0;
	while (k < KINDS && strcmp(how, kinds[k]) != 0)
		k++;
	void *mem;
	uint32_t go_ep;
	if (k == KINDS || mmap_anon(PAGES * 4096ul, &mem) ||
	    shared_ep(k == KILL_HELD || k == EXIT_HELD ? KEY_HELD : KEY_SAVED, &kept_ep) ||
	    shared_ep(KEY_SAVED, &go_ep)) {
		printf(NAME ": caller: no memory or endpoint\n");
		return 2;
	}
	for (unsigned i = 0; i < PAGES; i++)
		((volatile char *)mem)[i * 4096ul] = (char)i;
	if (k == KILL_SAVED || k == KILL_HELD)
		call_kept(NULL);
	if (thread_start(call_kept, NULL, 16384) != E_OK) {
		printf(NAME ": caller: no thread\n");
		return 2;
	}
	struct sys_msg m = { .label = GO };
	return ipc_call(go_ep, &m) == E_OK ? 0 : 3;
}

/* A server thread that receives one call on KEY_HELD and holds it
 * unanswered, receiving nothing more (a receive would give it up), until
 * let_go says so; then the one with arg 0 gives it up (a poll on KEY_LET:
 * E_AGAIN), and after it the one with arg 1 answers it (reply_recv: the
 * answer goes nowhere, and it receives main's word on KEY_LET).  held
 * and done count them. */
static _Atomic int held, let_go, done;
static _Atomic int holder_err;

static void holder(void *arg)
{
	uint32_t ep, let;
	struct sys_msg m, in;
	if (shared_ep(KEY_HELD, &ep) || shared_ep(KEY_LET, &let) || ipc_recv(ep, &m) ||
	    IPC_LABEL_TAG(m.label) != KEPT) {
		holder_err = 1;
		done++;
		return;
	}
	held++;
	while (let_go <= (arg ? 1 : 0))
		sleep_ms(20);
	struct sys_msg answer = { .label = 1 };
	int e = arg ? ipc_reply_recv(let, &answer, &in) : ipc_poll(let, &in);
	if (e != (arg ? E_OK : E_AGAIN))
		holder_err = e;
	done++;
}

/* Receive one call on ep and keep it: its reply handle, *tag its label's. */
static uint32_t keep_call(uint32_t ep, unsigned *tag)
{
	struct sys_msg m;
	TEST_ERR(NAME, ipc_recv(ep, &m), E_OK);
	*tag = IPC_LABEL_TAG(m.label);
	struct sys_regs r;
	TEST_ERR(NAME, sys_reply_save_r(0, &r), E_OK);
	return (uint32_t)r.rdi;
}

/* Wait until *v reaches n: TRIES naps at most, then fail. */
static void await(_Atomic int *v, int n, const char *what)
{
	for (int i = 0; i < TRIES && *v < n; i++)
		sleep_ms(100);
	if (*v < n)
		test_fail(NAME, "%s: %d of %d", what, *v, n);
}

/* Wait for child pid to end, polling: TRIES at most, then fail (a kernel
 * that pins its space never tells). */
static void wait_end(uint32_t pid, int how)
{
	struct wait_status st;
	int e = E_AGAIN;
	for (int i = 0; i < TRIES && (e = wait_poll(pid, &st)) == E_AGAIN; i++)
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
	uint32_t ep, let, pid[KINDS], kept[KINDS] = { 0 }, go[KINDS] = { 0 };
	TEST_ERR(NAME, shared_ep(KEY_SAVED, &ep), E_OK);
	TEST_ERR(NAME, shared_ep(KEY_LET, &let), E_OK);
	TEST_ERR(NAME, thread_start(holder, (void *)1, 16384), E_OK);
	TEST_ERR(NAME, thread_start(holder, NULL, 16384), E_OK);
	uint64_t before = frames_steady(3000);
	for (int k = 0; k < KINDS; k++) {
		TEST_ERR(NAME, spawn("test_hostile18_pin", kinds[k], &pid[k]), E_OK);
		int saved = k == KILL_SAVED ? 1 : k == EXIT_SAVED ? 2 : k == EXIT_HELD;
		for (int n = 0; n < saved; n++) {
			unsigned tag;
			uint32_t h = keep_call(ep, &tag);
			TEST_CHECK(NAME, tag == KEPT || (tag == GO && (k == EXIT_SAVED ||
								       k == EXIT_HELD)));
			*(tag == KEPT ? &kept[k] : &go[k]) = h;
		}
		if (k == KILL_HELD)
			await(&held, 1, "calls held");
	}
	await(&held, 2, "calls held");
	uint64_t with = frames_available();
	for (int k = 0; k < KINDS; k++) {
		if (k == EXIT_SAVED || k == EXIT_HELD)
			TEST_ERR(NAME, sys_reply_send(go[k], 0, 0, 0, 0, 0), E_OK);
		else
			TEST_ERR(NAME, kill(pid[k]), E_OK);
	}
	/* the callers end, their calls still kept: their waits come, and
	 * their memory is back */
	for (int k = 0; k < KINDS; k++)
		wait_end(pid[k], k == EXIT_SAVED || k == EXIT_HELD ? PG_WAIT_EXITED
								    : PG_WAIT_KILLED);
	uint64_t after = frames_settle(before, 5000);
	printf(NAME ": %lu free frames before, %lu with the callers, %lu once they ended "
	       "(their calls kept)\n", (unsigned long)before, (unsigned long)with,
	       (unsigned long)after);
	if (after + KINDS * KEPT_FRAMES < before) {
		frames_explain(NAME);
		test_fail(NAME, "%lu frames of ended processes held by the calls kept",
			  (unsigned long)(before - after));
	}
	/* the kept calls answered or given up: an error code or nothing */
	TEST_ERR(NAME, sys_reply_send(kept[KILL_SAVED], 1, 0, 0, 0, 0), E_DEAD);
	TEST_ERR(NAME, sys_handle_close(kept[EXIT_SAVED]), E_OK);
	TEST_ERR(NAME, sys_reply_send(kept[KILL_SAVED], 1, 0, 0, 0, 0), E_BADHANDLE);
	TEST_ERR(NAME, sys_reply_send(kept[EXIT_SAVED], 1, 0, 0, 0, 0), E_BADHANDLE);
	let_go = 1;
	await(&done, 1, "holder giving up");
	let_go = 2;
	struct sys_msg word = { .label = 2 };
	TEST_ERR(NAME, ipc_send(let, &word), E_OK); /* to the holder that answered */
	await(&done, 2, "holder answering");
	if (holder_err)
		test_fail(NAME, "a holder: %s", err_str(holder_err));
	uint64_t last = frames_settle(before, 5000);
	printf(NAME ": %lu once the calls were let go\n", (unsigned long)last);
	if (last < before) {
		frames_explain(NAME);
		test_fail(NAME, "%lu frames lost", (unsigned long)(before - last));
	}
	test_pass(NAME);
	return 0;
}
