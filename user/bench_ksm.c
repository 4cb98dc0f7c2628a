/* KSM benchmarks (RESULT lines; they report, never judge):
 *   ksm_time_to_steady_us   run 1 until 4 processes' 4096 pages of 64
 *                           contents are merged (pages_to_scan 1000,
 *                           KSM sleep 0 ms), microseconds (looked at every
 *                           10 ms)
 *   ksm_merged_write        a write to a merged page (a COW fault), cycles,
 *                           median of 256
 *   ksm_scan_per_page       scanner cost per page scanned (4096 unique
 *                           pages, two full scans), cycles
 *   ksm_fault_idle / ksm_fault_idle_p99 / ksm_fault_scanning /
 *   ksm_fault_scanning_p99  demand-zero fault round trip, median and 99th
 *                           percentile, with KSM off and while it scans
 *                           flat out, cycles
 *   ksm_scanned_while_faulting  pages the scanner scanned meanwhile (it
 *                           gives way to faults: ksmd's backoff) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/ksm.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define KEY 0x6b736d62656e6368ull
#define FAULTS 2048

static uint32_t ep, cmd;
static uint64_t t[FAULTS];

/* A child: pages pages, distinct contents (0: all unique), then wait. */
static int child(uint64_t pages, uint64_t distinct, uint64_t salt)
{
	volatile uint64_t *p;
	struct sys_msg m;
	if (shared_ep(KEY, &ep) || shared_ep(KEY + 1, &cmd))
		return 1;
	p = mmap(NULL, pages * 4096,
		 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (uint64_t i = 0; i < pages * 512; i++) {
		uint64_t c = distinct ? i / 512 % distinct : i / 512 + (salt << 20);
		p[i] = (c + 1) * 0x9E3779B97F4A7C15ull + i % 512;
	}
	madvise((void *)p, pages * 4096, MADV_MERGEABLE);
	sys_send(ep, 0, 0, 0, 0, 0);
	return ipc_recv(cmd, &m) ? 2 : 0;
}

static uint32_t kids[4];

static void start(uint64_t distinct)
{
	struct sys_msg m;
	for (int k = 0; k < 4; k++) {
		pid_t pid = fork();
		if (pid == 0)
			exit(child(1024, distinct, (uint64_t)k));
		kids[k] = (uint32_t)pid;
	}
	for (int k = 0; k < 4; k++)
		ipc_recv(ep, &m);
}

static void stop(void)
{
	for (int k = 0; k < 4; k++)
		sys_send(cmd, 0, 0, 0, 0, 0);
	for (int k = 0; k < 4; k++)
		waitpid((pid_t)kids[k], NULL, 0);
}

static void faults(const char *name);
static struct ksm_stats ks;
static struct ksm_stats *stats(void)
{
	ksm_stats(0, &ks);
	return &ks;
}

static void time_to_steady(void)
{
	start(64);
	uint64_t t0 = rdtsc();
	ksm_ctl(KSM_CTL_RUN, 1, 0, NULL);
	while (stats()->pages_sharing < 4032 && rdtsc() - t0 < 60 * tsc_hz())
		usleep(10000); /* each look ends a batch: not too often */
	bench_result_unit("ksm_time_to_steady_us", (rdtsc() - t0) * 1000000 / tsc_hz(), "us");
	ksm_ctl(KSM_CTL_RUN, 2, 0, NULL);
	stop();
}

static void merged_write(void)
{
	volatile uint64_t *p = mmap(NULL, 256 * 4096,
				    PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return;
	for (int i = 0; i < 256 * 512; i++)
		p[i] = (uint64_t)(i / 512 % 4) << 32 | (uint64_t)(i % 512);
	madvise((void *)p, 256 * 4096, MADV_MERGEABLE);
	ksm_ctl(KSM_CTL_RUN, 1, 0, NULL);
	for (uint64_t t0 = rdtsc(); stats()->pages_sharing < 252 && rdtsc() - t0 < 60 * tsc_hz();)
		usleep(1000);
	ksm_ctl(KSM_CTL_RUN, 0, 0, NULL);
	for (int i = 0; i < 256; i++) {
		uint64_t t0 = rdtsc();
		p[i * 512 + 1] = 1;
		t[i] = rdtsc() - t0;
	}
	bench_result("ksm_merged_write", median_u64(t, 256));
	ksm_ctl(KSM_CTL_RUN, 2, 0, NULL);
	munmap((void *)p, 256 * 4096);
}

static void scan_cost(void)
{
	start(0);
	uint64_t s0 = stats()->pages_scanned, f0 = ks.full_scans, t0 = rdtsc();
	ksm_ctl(KSM_CTL_RUN, 1, 0, NULL);
	while (stats()->full_scans < f0 + 2 && rdtsc() - t0 < 60 * tsc_hz())
		usleep(1000);
	uint64_t cycles = rdtsc() - t0, pages = ks.pages_scanned - s0;
	bench_result("ksm_scan_per_page", pages ? cycles / pages : 0);
	uint64_t s1 = stats()->pages_scanned;
	faults("ksm_fault_scanning"); /* the scanner keeps running meanwhile */
	bench_result_unit("ksm_scanned_while_faulting", stats()->pages_scanned - s1, "pages");
	ksm_ctl(KSM_CTL_RUN, 2, 0, NULL);
	stop();
}

/* Demand-zero faults in a scattered order (no fault-around): median and
 * 99th percentile. */
static void faults(const char *name)
{
	char p99[64];
	void *base = mmap(NULL, FAULTS * 4096ull,
			  PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return;
	for (int i = 0; i < FAULTS; i++) {
		volatile char *p = (volatile char *)base + (uint64_t)i * 1021 % FAULTS * 4096;
		uint64_t t0 = rdtsc();
		*p = 1;
		t[i] = rdtsc() - t0;
	}
	munmap(base, FAULTS * 4096ull);
	uint64_t med = median_u64(t, FAULTS); /* sorts t */
	bench_result(name, med);
	snprintf(p99, sizeof p99, "%s_p99", name);
	bench_result(p99, t[FAULTS * 99 / 100]);
}

int main(void)
{
	if (shared_ep(KEY, &ep) || shared_ep(KEY + 1, &cmd))
		return 1;
	ksm_ctl(KSM_CTL_PAGES_TO_SCAN, 1000, 0, NULL);
	ksm_ctl(KSM_CTL_SLEEP_MS, 0, 0, NULL);
	faults("ksm_fault_idle");
	time_to_steady();
	merged_write();
	scan_cost();
	ksm_ctl(KSM_CTL_RUN, 0, 0, NULL);
	ksm_ctl(KSM_CTL_PAGES_TO_SCAN, 100, 0, NULL);
	ksm_ctl(KSM_CTL_SLEEP_MS, 20, 0, NULL);
	return 0;
}
