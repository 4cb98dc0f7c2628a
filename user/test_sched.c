/* The scheduler: a sleep lasts at least what was asked (a lower bound, not
 * a timing measurement), and two threads spinning on one CPU both make
 * progress (ring 3 is preempted at the end of a time slice: without it the
 * first to run would starve the other for good). */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "sched"

struct spin {
	volatile uint64_t count[2];
	volatile int stop, done;
};

static struct spin *sp;

static void spinner(void *arg)
{
	int me = (int)(uint64_t)arg;
	while (!sp->stop)
		sp->count[me]++;
	__atomic_fetch_add(&sp->done, 1, __ATOMIC_SEQ_CST);
}

static uint64_t now_ms(void)
{
	static struct abi_sysinfo si;
	if (sys_sysinfo((uint64_t)&si, sizeof si) != E_OK)
		test_fail(NAME, "sysinfo failed");
	return si.ticks_ms;
}

int main(void)
{
	uint64_t t0 = now_ms();
	TEST_CHECK(NAME, usleep(50000) == 0);
	uint64_t slept = now_ms() - t0;
	if (slept < 50)
		test_fail(NAME, "usleep(50000) returned after %lu ms", slept);
	TEST_ERR(NAME, sys_sleep_ms(1ull << 40), E_INVAL); /* absurd */

	static struct abi_sysinfo si;
	TEST_ERR(NAME, sys_sysinfo((uint64_t)&si, sizeof si), E_OK);
	int cpu = si.ncpus > 1 ? 1 : 0; /* not the boot CPU, if there is another */
	void *mem = mmap(NULL, 4096,
			 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(NAME, mem != MAP_FAILED);
	sp = mem;
	TEST_ERR(NAME, thread_start_on(cpu, spinner, (void *)0, 64 * 1024), E_OK);
	TEST_ERR(NAME, thread_start_on(cpu, spinner, (void *)1, 64 * 1024), E_OK);
	/* wait until both have counted, for at most ~5 s of ticks */
	uint64_t start = now_ms();
	while ((!sp->count[0] || !sp->count[1]) && now_ms() - start < 5000)
		usleep(10000);
	uint64_t a = sp->count[0], b = sp->count[1];
	sp->stop = 1;
	while (sp->done != 2)
		usleep(1000);
	if (!a || !b)
		test_fail(NAME, "one of two threads on one CPU never ran (%lu, %lu)", a, b);
	printf("sched: slept %lu ms for 50; two spinners on cpu %d counted %lu and %lu\n",
	       slept, cpu, a, b);
	test_pass(NAME);
	return 0;
}
