/* Balancing: as many CPU-bound threads as CPUs (at most SPINNERS_MAX), all
 * gathered onto one CPU first, must spread so that each keeps a CPU busy:
 * over a window, that many CPUs must each have run something for at least
 * half of their ticks (sysinfo's per-CPU idle tick counts), and every
 * spinner must have counted.  A behaviour bound, not a timing: balanced,
 * the CPUs are idle for a few ticks of the window, unbalanced for all of it.
 *
 * The gathering: each spinner waits in recv; a gatherer pinned to CPU 0
 * calls them one by one, and an IPC call runs a waiting receiver on the
 * caller's CPU.  The spinner answers with a poll (a receive gives up the
 * unanswered call) and spins there.  Without balancing they stay there. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "balance_idle_cpus"
#define SPINNERS_MAX 12 /* the old 16-thread limit less main, gatherer, room */
#define WINDOW_MS 500

struct shared {
	uint32_t ep, empty;
	volatile int stop, ready, gathered, done;
	volatile uint64_t count[SPINNERS_MAX];
};

static struct shared *sh;

static void spinner(void *arg)
{
	unsigned me = (unsigned)(uint64_t)arg;
	struct sys_msg m;
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_SEQ_CST);
	if (ipc_recv(sh->ep, &m) == E_OK) {
		sys_poll(sh->empty); /* the gatherer's call ends: E_DEAD */
		while (!sh->stop)
			sh->count[me]++;
	}
	__atomic_fetch_add(&sh->done, 1, __ATOMIC_SEQ_CST);
}

static void gatherer(void *arg)
{
	unsigned n = (unsigned)(uint64_t)arg;
	for (unsigned i = 0; i < n; i++) {
		struct sys_msg m = { .label = 1 };
		ipc_call(sh->ep, &m);
	}
	sh->gathered = 1;
	__atomic_fetch_add(&sh->done, 1, __ATOMIC_SEQ_CST);
}

static void snapshot(struct abi_sysinfo *si, uint64_t *count, unsigned n)
{
	TEST_ERR(NAME, sys_sysinfo((uint64_t)si, sizeof *si), E_OK);
	for (unsigned i = 0; i < n; i++)
		count[i] = sh->count[i];
}

/* Start n spinners, wait until they wait in recv, gather them on CPU 0. */
static void start(unsigned n)
{
	struct sys_regs r;
	void *mem = mmap(NULL, 4096,
			 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(NAME, mem != MAP_FAILED);
	sh = mem;
	TEST_ERR(NAME, sys_endpoint_create_r(&r), E_OK);
	sh->ep = (uint32_t)r.rdi;
	TEST_ERR(NAME, sys_endpoint_create_r(&r), E_OK);
	sh->empty = (uint32_t)r.rdi;
	for (unsigned i = 0; i < n; i++)
		TEST_ERR(NAME, thread_start(spinner, (void *)(uint64_t)i, 16 * 1024), E_OK);
	while (sh->ready != (int)n)
		usleep(1000);
	usleep(50000); /* from ready to blocked in recv */
	TEST_ERR(NAME, thread_start_on(0, gatherer, (void *)(uint64_t)n, 16 * 1024), E_OK);
	while (!sh->gathered)
		usleep(1000);
}

int main(void)
{
	static struct abi_sysinfo a, b;
	uint64_t ca[SPINNERS_MAX], cb[SPINNERS_MAX];
	TEST_ERR(NAME, sys_sysinfo((uint64_t)&a, sizeof a), E_OK);
	if (a.ncpus < 2) {
		test_skip(NAME, "needs 2 CPUs");
		return 0;
	}
	unsigned n = a.ncpus < SPINNERS_MAX ? a.ncpus : SPINNERS_MAX;
	start(n);
	usleep(200000);
	snapshot(&a, ca, n);
	usleep(WINDOW_MS * 1000);
	snapshot(&b, cb, n);
	sh->stop = 1;
	while (sh->done != (int)n + 1)
		usleep(1000);
	unsigned busy = 0, stalled = 0;
	printf("%s: %u spinners; per cpu idle/ticks over the window:", NAME, n);
	for (unsigned c = 0; c < a.ncpus; c++) {
		uint64_t idle = b.cpu[c].idle_ticks - a.cpu[c].idle_ticks;
		uint64_t ticks = b.cpu[c].ticks - a.cpu[c].ticks;
		busy += 2 * idle <= ticks && ticks;
		printf(" %lu/%lu", idle, ticks);
	}
	for (unsigned i = 0; i < n; i++)
		stalled += cb[i] == ca[i];
	printf("\n");
	if (busy < n || stalled)
		test_fail(NAME, "%u spinners kept only %u cpus busy; %u made no progress",
			  n, busy, stalled);
	test_pass(NAME);
	return 0;
}
