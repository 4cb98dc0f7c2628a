/* FPU and SSE state is per thread: threads of two processes, all pinned to
 * one CPU, load their own values into x87 and XMM registers, yield to each
 * other many times, and must find their own values every time (and the
 * initial state first: empty x87 stack, control word 0x37F, MXCSR 0x1F80,
 * XMM zero).  Without per-thread saving one thread reads another's
 * registers; without SSE enabled the first movq traps. */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "fpu_per_thread"
#define THREADS 2
#define ROUNDS 300

struct shared {
	volatile int done, bad;
	volatile uint64_t why[4];
};

static struct shared *sh;

static void set_regs(uint64_t v)
{
	__asm__ volatile("movq %0, %%xmm0; movq %0, %%xmm7; movq %0, %%xmm15\n"
			 "fninit; fildq %1" :: "r"(v), "m"(v));
}

/* xmm0, xmm7, xmm15 and st(0) (left on the x87 stack) into out[0..3]. */
static void get_regs(uint64_t out[4])
{
	uint64_t a, b, c, d;
	__asm__ volatile("movq %%xmm0, %0; movq %%xmm7, %1; movq %%xmm15, %2\n"
			 "fld %%st(0); fistpq %3"
			 : "=r"(a), "=r"(b), "=r"(c), "=m"(d));
	out[0] = a, out[1] = b, out[2] = c, out[3] = d;
}

static void fail(uint64_t want, const uint64_t got[4])
{
	sh->why[0] = want, sh->why[1] = got[0], sh->why[2] = got[3];
	__atomic_fetch_add(&sh->bad, 1, __ATOMIC_SEQ_CST);
}

static void worker(void *arg)
{
	uint64_t want = (uint64_t)arg, got[4];
	uint16_t cw;
	uint32_t mxcsr;
	uint64_t x;
	__asm__ volatile("fnstcw %0; stmxcsr %1; movq %%xmm3, %2"
			 : "=m"(cw), "=m"(mxcsr), "=r"(x));
	if (cw != 0x37F || mxcsr != 0x1F80 || x != 0) {
		uint64_t g[4] = { cw, 0, 0, mxcsr };
		fail(0x37F, g);
	}
	set_regs(want);
	for (int i = 0; i < ROUNDS && !sh->bad; i++) {
		sys_yield();
		get_regs(got);
		if (got[0] != want || got[1] != want || got[2] != want || got[3] != want)
			fail(want, got);
	}
	__atomic_fetch_add(&sh->done, 1, __ATOMIC_SEQ_CST);
}

/* Start THREADS workers on CPU 0 with values from base; wait for them. */
static void run_workers(uint64_t base)
{
	for (uint64_t i = 0; i < THREADS; i++)
		TEST_ERR(NAME, thread_start_on(0, worker, (void *)(base + i), 16384), E_OK);
	while (sh->done < THREADS)
		usleep(5000);
}

int main(void)
{
	void *mem = mmap(NULL, 4096,
			 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(NAME, mem != MAP_FAILED);
	sh = mem;
	pid_t pid = fork();
	if (pid < 0)
		test_fail(NAME, "fork failed");
	run_workers(pid == 0 ? 0x1111000011110000ull : 0x2222000022220000ull);
	if (pid == 0)
		exit(sh->bad ? 1 : 0);
	int st = 0;
	TEST_CHECK(NAME, waitpid(pid, &st, 0) == pid);
	if (sh->bad)
		test_fail(NAME, "parent: want 0x%lx, found xmm0 0x%lx st0 0x%lx",
			  sh->why[0], sh->why[1], sh->why[2]);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(NAME, "the child's threads saw other registers (status 0x%x)", st);
	test_pass(NAME);
	return 0;
}
