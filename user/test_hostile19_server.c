/* hostile19_server: a server process ends while it holds its clients'
 * calls: some kept with reply_save, the last one taken and not answered
 * (its implicit reply).  It ends by exit, by a kill of itself from another
 * of its threads, by a fault (ud2), and by a kill from the client.
 *   hostile19_server  every client thread's call returns E_DEAD (none
 *                     hangs, none gets an answer nobody sent); the server's
 *                     end is seen by wait as its kind says; every frame
 *                     comes back */
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/ipc.h"
#include "sys/proc.h"
#include "sys/unistd.h"

#define NAME "hostile19_server"
#define KEY 0x4831395356ull /* "H19SV" */
#define CLIENTS 4
#define MODES 4 /* 0 exit, 1 self-kill by a thread, 2 ud2, 3 killed by us */

static volatile uint32_t ep;
static volatile int results[CLIENTS], returned;

static void killer(void *arg)
{
	(void)arg;
	kill((uint32_t)getpid(NULL));
	for (;;)
		sleep_ms(1000);
}

/* The server: takes CLIENTS calls, keeps all but the last, then ends as
 * mode says. */
static int server(int mode)
{
	uint32_t h;
	if (shared_ep(KEY, &h))
		return 2;
	for (int i = 0; i < CLIENTS; i++) {
		struct sys_msg m;
		if (ipc_recv(h, &m) != E_OK)
			return 3;
		struct sys_regs r;
		if (i < CLIENTS - 1 && sys_reply_save_r(0, &r) != E_OK)
			return 4;
	}
	switch (mode) {
	case 0:
		return 0;
	case 1:
		thread_start(killer, NULL, 16384);
		for (;;)
			sleep_ms(1000);
	case 2:
		__asm__ volatile("ud2");
		return 5;
	default:
		for (;;)
			sleep_ms(1000); /* the client kills it */
	}
}

static void client(void *arg)
{
	int k = (int)(uint64_t)arg;
	struct sys_msg m = { .label = 9, .w = { (uint64_t)k, 1, 2, 3 } };
	int e = ipc_call(ep, &m);
	results[k] = e == E_OK ? 1000 + (int)m.label : e;
	__atomic_fetch_add(&returned, 1, __ATOMIC_SEQ_CST);
}

/* One round: CLIENTS threads call, the server (mode) takes them and
 * ends; every call must come back E_DEAD.  The server's wait status to
 * *st. */
static void round_of(int mode, struct wait_status *st)
{
	char arg[8] = "server0";
	arg[6] = (char)('0' + mode);
	uint32_t pid;
	TEST_ERR(NAME, spawn("test_hostile19_server", arg, &pid), E_OK);
	returned = 0;
	for (int k = 0; k < CLIENTS; k++) {
		results[k] = -1;
		TEST_ERR(NAME, thread_start(client, (void *)(uint64_t)k, 16384), E_OK);
	}
	if (mode == 3) { /* kill it once it holds every call: all 4 taken
			  * is when it sleeps; a kill before is as good */
		sleep_ms(100);
		TEST_ERR(NAME, kill(pid), E_OK);
	}
	TEST_ERR(NAME, waitpid(pid, st), E_OK);
	while (returned < CLIENTS) /* a hang here is the bug: the run's time-out */
		sleep_ms(5);
	for (int k = 0; k < CLIENTS; k++)
		if (results[k] != E_DEAD)
			test_fail(NAME, "mode %d: client %d's call ended %d, not E_DEAD", mode, k,
				  results[k]);
}

int main(int argc, char **argv)
{
	if (argc > 1 && argv[1][0] == 's')
		return server(argv[1][6] - '0');
	touch_image();
	uint32_t h;
	TEST_ERR(NAME, shared_ep(KEY, &h), E_OK);
	ep = h;
	struct wait_status st;
	round_of(0, &st); /* the client threads' stacks, once before the count */
	uint64_t before = frames_steady(3000);
	for (int r = 0; r < 2; r++)
		for (int mode = 0; mode < MODES; mode++) {
			round_of(mode, &st);
			int want_how = mode == 0 ? PG_WAIT_EXITED : PG_WAIT_KILLED;
			if (st.how != want_how)
				test_fail(NAME, "mode %d: the server ended how %d code 0x%lx", mode,
					  st.how, (unsigned long)st.code);
		}
	uint64_t after = frames_settle(before, 5000);
	printf(NAME ": %lu free frames before, %lu after\n", (unsigned long)before,
	       (unsigned long)after);
	if (after < before) {
		frames_explain(NAME);
		test_fail(NAME, "%lu frames lost", (unsigned long)(before - after));
	}
	test_pass(NAME);
	return 0;
}
