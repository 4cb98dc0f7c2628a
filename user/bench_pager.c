/* The pager's costs, as median cycles (rdtsc): a demand-zero write fault,
 * the same right after an idle spell (frames zeroed ahead ready), a read of
 * a never-touched page, the per-page cost of touching 4096 fresh
 * pages in order (where the pager's fault-around helps), a copy-on-write
 * fault, fork of a process with 16 MiB resident (also in microseconds; the
 * child waits until the parent has its figure, so that its exit is not
 * counted: the same fork plus the child's exit and the wait is reported
 * apart), and spawn-to-exit of a small program (this one run as "nop"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define PAGES  4096
#define PASSES 3
#define PROFILE_PASSES 200 /* "bench_pager profile zero|read": a long loop */
#define FORKS  10
#define SPAWNS 20
#define FORK_KEY 0xF0F0

static uint64_t t[PAGES * PASSES];
static int passes = PASSES;

/* Median cycles of one access per page of fresh lazy pages (write or
 * read), in a scattered order (page i*1031 mod 4096) so that each access
 * is a real fault, not one the pager's fault-around already served. */
static uint64_t fault_median(int write)
{
	volatile char *p = mmap(NULL, PAGES * 4096ull, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	for (int pass = 0; pass < passes; pass++) {
		for (int i = 0; i < PAGES; i++) {
			uint64_t at = (uint64_t)i * 1031 % PAGES * 4096, t0 = rdtsc();
			if (write)
				p[at] = 1;
			else
				(void)p[at];
			t[pass % PASSES * PAGES + i] = rdtsc() - t0;
		}
		madvise((void *)p, PAGES * 4096ull, MADV_DONTNEED); /* fresh again */
	}
	munmap((void *)p, PAGES * 4096ull);
	return median_u64(t, PAGES * PASSES);
}

/* Median cycles of a demand-zero write fault right after the CPU idled
 * (it zeroes frames ahead then, up to 64): IDLE_ROUNDS rounds of a 20 ms
 * sleep and IDLE_FAULTS scattered faults on a fresh mapping.  Beside
 * pager_zero_fault, whose 12,288 faults in a row use up the ready frames
 * at once and so measure the steady state (zeroing on the fault path). */
#define IDLE_ROUNDS 16
#define IDLE_FAULTS 32
static uint64_t fault_after_idle_median(void)
{
	const uint64_t n = IDLE_FAULTS * 4;
	for (int round = 0; round < IDLE_ROUNDS; round++) {
		volatile char *p = mmap(NULL, n * 4096, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 0;
		p[0] = 1; /* the page tables, before the idle spell */
		sys_sleep_ms(20);
		for (int i = 0; i < IDLE_FAULTS; i++) {
			uint64_t at = (uint64_t)(i * 4 + 2) * 4096, t0 = rdtsc();
			p[at] = 1;
			t[round * IDLE_FAULTS + i] = rdtsc() - t0;
		}
		munmap((void *)p, n * 4096);
	}
	return median_u64(t, IDLE_ROUNDS * IDLE_FAULTS);
}

/* Median over 5 passes of (cycles to touch 4096 fresh pages in order) / 4096. */
static uint64_t touch_per_page(void)
{
	volatile char *p = mmap(NULL, PAGES * 4096ull, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	for (int pass = 0; pass < 5; pass++) {
		uint64_t t0 = rdtsc();
		for (int i = 0; i < PAGES; i++)
			p[i * 4096ull] = 1;
		t[pass] = (rdtsc() - t0) / PAGES;
		madvise((void *)p, PAGES * 4096ull, MADV_DONTNEED); /* fresh again */
	}
	munmap((void *)p, PAGES * 4096ull);
	return median_u64(t, 5);
}

/* Fork with 16 MiB resident: the child times a COW write per page (and
 * reports it) the first time, then the parent times FORKS forks. */
static void fork_benches(uint64_t hz)
{
	volatile char *p = mmap(NULL, PAGES * 4096ull, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	for (int i = 0; i < PAGES; i++)
		p[i * 4096ull] = 1;
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < PAGES; i++) {
			uint64_t t0 = rdtsc();
			p[i * 4096ull] = 2;
			t[i] = rdtsc() - t0;
		}
		bench_result("pager_cow_fault", median_u64(t, PAGES));
		exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	uint64_t f[FORKS], w[FORKS];
	uint32_t ep;
	struct sys_msg go = { .label = 1 };
	if (shared_ep(FORK_KEY, &ep))
		return;
	for (int k = 0; k < FORKS; k++) {
		uint64_t t0 = rdtsc();
		pid = fork();
		if (pid == 0) { /* the parent's endpoint handle is not ours */
			if (shared_ep(FORK_KEY, &ep) == E_OK)
				ipc_recv(ep, &go);
			exit(0);
		}
		f[k] = rdtsc() - t0;
		ipc_send(ep, &go);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		w[k] = rdtsc() - t0;
	}
	uint64_t m = median_u64(f, FORKS);
	bench_result("pager_fork_16m", m);
	bench_result_unit("pager_fork_16m_us", hz ? m * 1000000 / hz : 0, "us");
	bench_result("pager_fork_exit_wait_16m", median_u64(w, FORKS));
	munmap((void *)p, PAGES * 4096ull);
}

/* Median cycles from spawn to the child's exit being seen (polled). */
static uint64_t spawn_exit(void)
{
	uint64_t s[SPAWNS];
	struct wait_status st;
	for (int k = 0; k < SPAWNS; k++) {
		uint32_t pid;
		uint64_t t0 = rdtsc();
		if (spawn("bench_pager", "nop", &pid))
			return 0;
		while (wait_poll(pid, &st) == E_AGAIN)
			sys_yield();
		s[k] = rdtsc() - t0;
	}
	return median_u64(s, SPAWNS);
}

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "profile") == 0) {
		/* one kind of fault for a long time, for a host profile of QEMU */
		passes = PROFILE_PASSES;
		bench_result(argv[2], fault_median(strcmp(argv[2], "zero") == 0));
		return 0;
	}
	if (argc > 1)
		return 0; /* "nop" */
	uint64_t hz = tsc_hz();
	bench_result("pager_zero_fault", fault_median(1));
	bench_result("pager_zero_fault_after_idle", fault_after_idle_median());
	bench_result("pager_zero_read", fault_median(0));
	bench_result("pager_touch_per_page", touch_per_page());
	fork_benches(hz);
	bench_result("pager_spawn_exit", spawn_exit());
	return 0;
}
