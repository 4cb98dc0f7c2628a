/* hunt2_raw_exit_signal: a signal sent to the process while the thread the
 * pager picks for it is ending through a raw sys_thread_exit (no libsys
 * signals_off before it) must not be lost: Linux gives a process-directed
 * signal to another thread when the one it was queued on exits.  The main
 * thread blocks SIGUSR1, so the pager posts each kill(getpid(), SIGUSR1)
 * to a second thread, started for the round, that calls sys_thread_exit
 * at once (after a varying spin); once the pager counts one thread again
 * the signal must have been handled by that thread or be pending for the
 * main thread (delivered when it unblocks). */
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"
#include "sys/proc.h"

#define T "hunt2_raw_exit_signal"
#define ROUNDS 300
#define WAIT_MS 20000

static volatile int handled, started;
static volatile unsigned spin;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static int my_threads(void)
{
	struct pg_procinfo v;
	size_t n = 0;
	if (pager_ps(sys_pid, &v, 1, &n) != E_OK || n != 1 || v.pid != sys_pid)
		return -1;
	return (int)v.threads;
}

static void raw_end(void *arg)
{
	(void)arg;
	started = 1;
	for (volatile unsigned i = 0; i < spin; i++)
		;
	sys_thread_exit();
}

int main(void)
{
	struct sigaction sa = { 0 };
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	int lost = 0;
	for (int r = 0; r < ROUNDS; r++) {
		sigprocmask(SIG_BLOCK, &usr1, NULL);
		handled = 0;
		started = 0;
		spin = (unsigned)(r % 50) * 40;
		if (thread_start(raw_end, NULL, 8192))
			test_fail(T, "thread_start (round %d)", r);
		while (!started)
			sched_yield();
		for (volatile unsigned i = 0; i < (unsigned)(r % 3) * 100; i++)
			;
		kill(getpid(), SIGUSR1);
		for (int t = 0; my_threads() != 1; t++)
			if (t > WAIT_MS)
				test_fail(T, "the thread does not end (round %d)", r);
			else
				sleep_ms(1);
		sigset_t pend;
		sigpending(&pend);
		bool pending = sigismember(&pend, SIGUSR1);
		sigprocmask(SIG_UNBLOCK, &usr1, NULL);
		if (!handled && !pending) {
			printf(T ": round %d: the signal is lost\n", r);
			lost++;
		}
	}
	if (lost)
		test_fail(T, "%d of %d signals lost with their raw-exiting thread", lost, ROUNDS);
	test_pass(T);
	return 0;
}
