/* Kills land while threads block and wake on an endpoint: a child whose
 * two threads ping-pong on a shared endpoint is killed 150 times at varied
 * moments, so the pager's thread_destroy meets threads inside wait_on,
 * take and the reply path.  Every kill must end the child (waitpid
 * returns), and the frames come back.  (With a wider window, a kill
 * between a thread publishing its blocked state and queueing itself left
 * a freed thread on the endpoint's queue; a kill between take's unqueue
 * and its claim let the thread be freed under the taker: "kobj: get on
 * dead thread", caught only when the host pauses the taker's vCPU in
 * those few instructions, as a debug build that widened them did in
 * every 600-kill run.) */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "kill_during_ipc"
#define KILLS 150

static uint32_t ep;

static void sender(void *arg)
{
	(void)arg;
	struct sys_msg m = { .label = 0x100 };
	for (;;)
		ipc_send(ep, &m);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		struct sys_msg m;
		if (shared_ep(0x5EED0000ull, &ep) != E_OK)
			return 2;
		thread_start(sender, NULL, 16 * 1024);
		for (;;)
			ipc_recv(ep, &m);
	}
	uint64_t before = 0;
	for (unsigned i = 0; i <= KILLS; i++) {
		if (i == 1) /* after a first round has made what stays for good:
			     * the shared endpoint, the kernel's object slabs */
			before = frames_steady(2000);
		uint32_t pid;
		int st = 0;
		TEST_ERR(NAME, spawn(argv[0], "child", &pid), E_OK);
		usleep((1 + i % 13) * 700);
		TEST_CHECK(NAME, kill((pid_t)pid, SIGKILL) == 0);
		TEST_CHECK(NAME, waitpid((pid_t)pid, &st, 0) == (pid_t)pid);
		if (!WIFSIGNALED(st))
			test_fail(NAME, "child %u ended by itself (status 0x%x)", pid, st);
	}
	uint64_t after = frames_settle(before, 5000);
	if (after < before)
		test_fail(NAME, "free frames %lu before %d kills, %lu after", before, KILLS, after);
	test_pass(NAME);
	return 0;
}
