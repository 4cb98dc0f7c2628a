/* Issue 9, item 3: a thread calling a server in a loop must not starve an
 * equal thread on its CPU.  Liveness bounds, not timings: each is 20x what
 * the scheduler needs (one 10 ms time slice after a 100 ms sleep).
 *
 * starve_ipc_loop: a server, a looper calling it without pause, and a
 * sleeper, all three pinned to one CPU at the same priority: the sleeper's
 * usleep(100 ms) must end within 2 s while the looper still loops (every
 * direct switch used to start a new time slice, so the sleeper waited
 * until the looper gave up, after 10 s).
 * starve_pager_loop: the report, as it came: a child calling the
 * pager (getppid: a pager request) in a loop while the parent sleeps 100 ms and kills it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define BOUND_MS   2000  /* a 100 ms sleep must be over by then */
#define GIVE_UP_MS 10000 /* the looper stops by itself after this */
#define STOP       2

struct shared {
	uint32_t ep;
	volatile uint64_t calls;
	volatile int stop, looper_gave_up, done;
	volatile uint64_t slept_ms;
};

static struct shared *sh;

static uint64_t now_ms(void)
{
	static struct abi_sysinfo si; /* only the sleeper and main read it */
	if (sys_sysinfo((uint64_t)&si, sizeof si) != E_OK)
		test_fail("starve_ipc_loop", "sysinfo failed");
	return si.ticks_ms;
}

static void server(void *arg)
{
	(void)arg;
	struct sys_msg m, r = { .label = 1 };
	if (ipc_recv(sh->ep, &m) != E_OK)
		return;
	while (IPC_LABEL_TAG(m.label) != STOP)
		if (ipc_reply_recv(sh->ep, &r, &m) != E_OK)
			break;
	__atomic_fetch_add(&sh->done, 1, __ATOMIC_SEQ_CST);
}

static void looper(void *arg)
{
	uint64_t give_up = (uint64_t)arg;
	struct abi_sysinfo *si = (struct abi_sysinfo *)(sh + 1);
	while (!sh->stop) {
		struct sys_msg m = { .label = 1 };
		if (ipc_call(sh->ep, &m) != E_OK)
			break;
		if (++sh->calls % 256 == 0 &&
		    (sys_sysinfo((uint64_t)si, sizeof *si) != E_OK || si->ticks_ms > give_up)) {
			sh->looper_gave_up = 1;
			break;
		}
	}
	struct sys_msg m = { .label = STOP };
	ipc_send(sh->ep, &m);
	__atomic_fetch_add(&sh->done, 1, __ATOMIC_SEQ_CST);
}

static void sleeper(void *arg)
{
	uint64_t t0 = (uint64_t)arg;
	while (sh->calls < 1000 && !sh->looper_gave_up)
		usleep(1000);
	usleep(100000);
	sh->slept_ms = now_ms() - t0;
	sh->stop = 1;
	__atomic_fetch_add(&sh->done, 1, __ATOMIC_SEQ_CST);
}

static void ipc_loop(void)
{
	const char *name = "starve_ipc_loop";
	struct sys_regs r;
	void *mem = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(name, mem != MAP_FAILED);
	sh = mem;
	TEST_ERR(name, sys_endpoint_create_r(&r), E_OK);
	sh->ep = (uint32_t)r.rdi;
	struct abi_sysinfo si;
	TEST_ERR(name, sys_sysinfo((uint64_t)&si, sizeof si), E_OK);
	int cpu = (int)si.ncpus - 1;
	uint64_t t0 = si.ticks_ms;
	TEST_ERR(name, thread_start_on(cpu, server, NULL, 64 * 1024), E_OK);
	TEST_ERR(name, thread_start_on(cpu, looper, (void *)(t0 + GIVE_UP_MS), 64 * 1024), E_OK);
	TEST_ERR(name, thread_start_on(cpu, sleeper, (void *)t0, 64 * 1024), E_OK);
	while (sh->done != 3)
		usleep(10000);
	printf("starve_ipc_loop: the sleeper's wait and 100 ms sleep took %lu ms "
	       "on cpu %d; the looper made %lu calls meanwhile\n", sh->slept_ms, cpu, sh->calls);
	if (sh->looper_gave_up)
		test_fail(name, "the sleeper ran only after the looper gave up (%lu ms)",
			  sh->slept_ms);
	if (sh->slept_ms > BOUND_MS)
		test_fail(name, "a 100 ms sleep took %lu ms next to an IPC loop", sh->slept_ms);
	test_pass(name);
}

static void pager_loop(void)
{
	const char *name = "starve_pager_loop";
	pid_t pid = fork();
	if (pid < 0)
		test_fail(name, "fork: %s", strerror(errno));
	if (pid == 0)
		for (;;)
			getppid(); /* asks the pager (getpid reads the startup page) */
	uint64_t t0 = now_ms();
	TEST_CHECK(name, usleep(100000) == 0);
	uint64_t slept = now_ms() - t0;
	TEST_CHECK(name, kill(pid, SIGKILL) == 0);
	TEST_CHECK(name, waitpid(pid, NULL, 0) == pid);
	uint64_t all = now_ms() - t0;
	printf("starve_pager_loop: usleep(100 ms) next to a getppid loop took %lu ms, "
	       "with kill and wait %lu ms\n", slept, all);
	if (slept > BOUND_MS || all > 2 * BOUND_MS)
		test_fail(name, "sleep %lu ms, sleep+kill+wait %lu ms", slept, all);
	test_pass(name);
}

int main(void)
{
	ipc_loop();
	pager_loop();
	return 0;
}
