/* Waiting costs nothing (issue 11): a parent in waitpid uses no CPU while
 * its child runs.  The pager keeps the PG_WAIT call (reply_save) and
 * answers it when the child ends; before, libsys asked every millisecond.
 * Measured by the pager's request count (pg_stats.requests) across a wait
 * for a child that sleeps 500 ms: a handful with the kept call, hundreds
 * when polled.  Also: a kept call answered later (reply_send) and one
 * given up (handle_close: the caller gets E_DEAD); reply_save with no
 * call to keep is E_INVAL; with REPLY_SAVE_INTR a call whose caller has a
 * signal pending (posted while the call was on its way) is not kept
 * (E_INTR) and stays ours to answer (the pager's pipe, poll and wait
 * calls, which a signal must interrupt, are saved so).  wait_any_uses_no_cpu: the same for a wait for
 * any child (waitpid(-1): the pager's PG_WAIT_ANY): two children, each pid
 * comes back once, then ECHILD (no child left). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "wait_uses_no_cpu"
#define NAME_SAVE "reply_save_later"
#define NAME_ANY "wait_any_uses_no_cpu"
#define CHILD_MS 500
#define MAX_REQUESTS 50 /* polling every ms makes >= CHILD_MS / 2 */

static uint32_t ep;
static volatile int got, label_seen = -1, handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static void caller(void *arg)
{
	(void)arg;
	for (int i = 0; i < 4; i++) {
		struct sys_msg m = { .label = 1 };
		int e = ipc_call(ep, &m);
		label_seen = e ? -e : (int)IPC_LABEL_TAG(m.label);
		__atomic_fetch_add(&got, 1, __ATOMIC_SEQ_CST);
	}
}

static void wait_got(int n)
{
	while (got < n)
		usleep(1000);
}

static void saved_calls(void)
{
	struct sys_regs r;
	struct sys_msg m;
	TEST_ERR(NAME_SAVE, sys_reply_save_r(0, &r), E_INVAL); /* no call to keep */
	TEST_ERR(NAME_SAVE, sys_reply_send(12345, 0, 0, 0, 0, 0), E_BADHANDLE);
	TEST_ERR(NAME_SAVE, sys_endpoint_create_r(&r), E_OK);
	ep = (uint32_t)r.rdi;
	TEST_ERR(NAME_SAVE, thread_start(caller, NULL, 16 * 1024), E_OK);
	/* the first call is kept, then given up: the caller gets E_DEAD */
	TEST_ERR(NAME_SAVE, ipc_recv(ep, &m), E_OK);
	TEST_ERR(NAME_SAVE, sys_reply_save_r(0, &r), E_OK);
	uint32_t h = (uint32_t)r.rdi;
	TEST_ERR(NAME_SAVE, sys_reply_save_r(0, &r), E_INVAL); /* nothing left */
	TEST_ERR(NAME_SAVE, sys_handle_close(h), E_OK);
	wait_got(1);
	TEST_CHECK(NAME_SAVE, label_seen == -E_DEAD);
	/* the second is kept across another receive, then answered */
	TEST_ERR(NAME_SAVE, ipc_recv(ep, &m), E_OK);
	TEST_ERR(NAME_SAVE, sys_reply_save_r(0, &r), E_OK);
	h = (uint32_t)r.rdi;
	TEST_ERR(NAME_SAVE, sys_poll(ep), E_AGAIN); /* does not give it up */
	TEST_CHECK(NAME_SAVE, got == 1);
	TEST_ERR(NAME_SAVE, sys_reply_send(h, 9, 0, 0, 0, 0), E_OK);
	wait_got(2);
	TEST_CHECK(NAME_SAVE, label_seen == 9);
	TEST_ERR(NAME_SAVE, sys_reply_send(h, 9, 0, 0, 0, 0), E_BADHANDLE);
	/* the third: REPLY_SAVE_INTR keeps a caller with no signal pending */
	TEST_ERR(NAME_SAVE, ipc_recv(ep, &m), E_OK);
	TEST_ERR(NAME_SAVE, sys_reply_save_r(2, &r), E_INVAL); /* no such flag */
	TEST_ERR(NAME_SAVE, sys_reply_save_r(REPLY_SAVE_INTR, &r), E_OK);
	TEST_ERR(NAME_SAVE, sys_reply_send((uint32_t)r.rdi, 10, 0, 0, 0, 0), E_OK);
	wait_got(3);
	TEST_CHECK(NAME_SAVE, label_seen == 10 && handled == 0);
	/* the fourth: a signal reaches the caller while its call is ours (we
	 * block it, the caller does not: kill posts it there) */
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	TEST_CHECK(NAME_SAVE, sigaction(SIGUSR1, &sa, NULL) == 0);
	TEST_CHECK(NAME_SAVE, sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);
	TEST_ERR(NAME_SAVE, ipc_recv(ep, &m), E_OK);
	TEST_CHECK(NAME_SAVE, kill(getpid(), SIGUSR1) == 0);
	TEST_ERR(NAME_SAVE, sys_reply_save_r(REPLY_SAVE_INTR, &r), E_INTR);
	TEST_ERR(NAME_SAVE, sys_reply_save_r(REPLY_SAVE_INTR, &r), E_INTR); /* still ours */
	TEST_CHECK(NAME_SAVE, handled == 0 && got == 3);
	TEST_ERR(NAME_SAVE, sys_reply_save_r(0, &r), E_OK);
	TEST_ERR(NAME_SAVE, sys_reply_send((uint32_t)r.rdi, 11, 0, 0, 0, 0), E_OK);
	wait_got(4);
	TEST_CHECK(NAME_SAVE, label_seen == 11 && handled == 1);
	test_pass(NAME_SAVE);
}

/* Two children sleeping CHILD_MS and 2 * CHILD_MS; wait for any, twice. */
static void wait_any(void)
{
	struct pg_stats a, b;
	uint32_t pid[2];
	char ms[2][16];
	int st;
	for (int i = 0; i < 2; i++) {
		snprintf(ms[i], sizeof ms[i], "%u", (i + 1) * CHILD_MS);
		TEST_ERR(NAME_ANY, spawn("test_waitidle", ms[i], &pid[i]), E_OK);
	}
	TEST_ERR(NAME_ANY, pager_stats(&a), E_OK);
	for (int i = 0; i < 2; i++) {
		pid_t w = waitpid(-1, &st, 0);
		if (w != (pid_t)pid[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 7)
			test_fail(NAME_ANY, "wait %d: pid %d status 0x%x, want pid %u exited 7",
				  i, w, st, pid[i]);
	}
	TEST_ERR(NAME_ANY, pager_stats(&b), E_OK);
	TEST_CHECK(NAME_ANY, waitpid(-1, &st, 0) == -1 && errno == ECHILD);
	uint64_t n = b.requests - a.requests;
	printf("%s: %lu pager requests while waiting for two children\n", NAME_ANY, n);
	if (n > MAX_REQUESTS)
		test_fail(NAME_ANY, "%lu pager requests during two waits (at most %u)", n,
			  MAX_REQUESTS);
	test_pass(NAME_ANY);
}

int main(int argc, char **argv)
{
	if (argc > 1) { /* the child: sleep argv[1] ms, then exit 7 */
		unsigned ms = 0;
		for (const char *c = argv[1]; *c >= '0' && *c <= '9'; c++)
			ms = ms * 10 + (unsigned)(*c - '0');
		usleep(ms * 1000);
		return 7;
	}
	(void)argv;
	struct pg_stats a, b;
	int st = 0;
	uint32_t pid;
	char ms[16];
	saved_calls();
	snprintf(ms, sizeof ms, "%u", CHILD_MS);
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	TEST_ERR(NAME, spawn("test_waitidle", ms, &pid), E_OK);
	TEST_CHECK(NAME, waitpid((pid_t)pid, &st, 0) == (pid_t)pid);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	TEST_CHECK(NAME, WIFEXITED(st) && WEXITSTATUS(st) == 7);
	uint64_t n = b.requests - a.requests;
	printf("%s: %lu pager requests while waiting %u ms\n", NAME, n, CHILD_MS);
	if (n > MAX_REQUESTS)
		test_fail(NAME, "%lu pager requests during one waitpid (at most %u)",
			  n, MAX_REQUESTS);
	test_pass(NAME);
	wait_any();
	return 0;
}
