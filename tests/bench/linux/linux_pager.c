/* Linux's side of bench_pager's single-fault figures, built static and run
 * as /init of an initramfs under a Debian Linux 6.1 kernel in the same QEMU
 * (tests/bench/linux/run.sh).  The same accesses in the same order as
 * user/bench_pager.c: median cycles (rdtsc) of a demand-zero write fault, of
 * a read of a never-touched page, per page of 4096 fresh pages in order,
 * of a copy-on-write fault after fork, and fork with 16 MiB resident.
 * Prints RESULT lines as ours do, then powers the machine off. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGES  4096
#define PASSES 3
#define FORKS  10

static uint64_t t[PAGES * PASSES];

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static uint64_t median(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_u64);
	return v[n / 2];
}

static void result(const char *name, uint64_t v)
{
	printf("RESULT name=linux_%s value=%llu unit=cycles\n", name,
	       (unsigned long long)v);
	fflush(stdout);
}

/* As bench_pager's fault_median: page i*1031 mod 4096, PASSES passes. */
static uint64_t fault_median(int write)
{
	volatile char *p = mmap(NULL, PAGES * 4096ull, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	for (int pass = 0; pass < PASSES; pass++) {
		for (int i = 0; i < PAGES; i++) {
			uint64_t at = (uint64_t)i * 1031 % PAGES * 4096, t0 = rdtsc();
			if (write)
				p[at] = 1;
			else
				(void)p[at];
			t[pass * PAGES + i] = rdtsc() - t0;
		}
		madvise((void *)p, PAGES * 4096ull, MADV_DONTNEED);
	}
	munmap((void *)p, PAGES * 4096ull);
	return median(t, PAGES * PASSES);
}

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
		madvise((void *)p, PAGES * 4096ull, MADV_DONTNEED);
	}
	munmap((void *)p, PAGES * 4096ull);
	return median(t, 5);
}

/* The child times a COW write per page of 16 MiB; then FORKS forks timed
 * until the parent runs on (the child exits at once, after the time). */
static void fork_benches(void)
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
		result("cow_fault", median(t, PAGES));
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	uint64_t f[FORKS];
	for (int k = 0; k < FORKS; k++) {
		int go[2];
		if (pipe(go))
			return;
		uint64_t t0 = rdtsc();
		pid = fork();
		if (pid == 0) {
			char c;
			close(go[1]);
			(void)!read(go[0], &c, 1);
			_exit(0);
		}
		f[k] = rdtsc() - t0;
		close(go[0]);
		close(go[1]);
		waitpid(pid, NULL, 0);
	}
	result("fork_16m", median(f, FORKS));
	munmap((void *)p, PAGES * 4096ull);
}

int main(void)
{
	result("zero_fault", fault_median(1));
	result("zero_read", fault_median(0));
	result("touch_per_page", touch_per_page());
	fork_benches();
	if (getpid() == 1)
		reboot(RB_POWER_OFF);
	return 0;
}
