/* KSM benchmarks (RESULT lines; they report, never judge):
 *   ksm_time_to_steady_us   run 1 until 4 processes' 4096 pages of 64
 *                           contents are merged (pages_to_scan 1000, KSM
 *                           sleep 0 ms): from run 1 to the last merge (the
 *                           pager's clock of it, ksm_stats.last_merge_tsc),
 *                           microseconds, median of STEADY_ROUNDS rounds;
 *                           _min and _max; _seen: when the bench, looking
 *                           every 10 ms, saw it (the older figure, which
 *                           moves in steps of the look)
 *   ksm_merged_write        a write to a merged page (a COW fault), cycles,
 *                           median of 256
 *   ksm_plain_cow_write     for scale: a write to a page shared by fork
 *                           (an ordinary COW fault), the same layout,
 *                           cycles, median of 256; each such write comes
 *                           right after a merged one, so that a busy host
 *                           weighs on both alike
 *   ksm_scan_per_page       scanner cost per page scanned (4096 unique
 *                           pages, two full scans), cycles
 *   ksm_fault_idle / ksm_fault_idle_p99 / ksm_fault_scanning /
 *   ksm_fault_scanning_p99  demand-zero fault round trip, median and 99th
 *                           percentile, with KSM off and while it scans
 *                           flat out, cycles: FAULT_ROUNDS rounds, each
 *                           FAULTS faults idle and then FAULTS faults
 *                           scanning (so that a busy host weighs on both
 *                           alike), the median over the rounds
 *   ksm_fault_ratio_p50_pct / ksm_fault_ratio_p99_pct  scanning / idle of
 *                           each round, percent, median over the rounds;
 *                           _max: the worst round
 *   ksm_scanned_while_faulting  pages the scanner scanned meanwhile, median
 *                           of the rounds (it gives way to faults: ksmd's
 *                           backoff) */
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
#define FAULT_ROUNDS 7
#define STEADY_ROUNDS 3

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

struct lat {
	uint64_t p50, p99;
};

static struct lat faults(void);
static struct ksm_stats ks;
static struct ksm_stats *stats(void)
{
	ksm_stats(0, &ks);
	return &ks;
}

static void time_to_steady(void)
{
	uint64_t last[STEADY_ROUNDS], seen[STEADY_ROUNDS];
	for (int r = 0; r < STEADY_ROUNDS; r++) {
		start(64);
		uint64_t t0 = rdtsc();
		ksm_ctl(KSM_CTL_RUN, 1, 0, NULL);
		while (stats()->pages_sharing < 4032 && rdtsc() - t0 < 60 * tsc_hz())
			usleep(10000); /* each look ends a batch: not too often */
		uint64_t t1 = rdtsc();
		uint64_t at = ks.last_merge_tsc > t0 && ks.last_merge_tsc < t1 ? ks.last_merge_tsc : t1;
		last[r] = (at - t0) * 1000000 / tsc_hz();
		seen[r] = (t1 - t0) * 1000000 / tsc_hz();
		printf("bench_ksm: round %d: last merge %lu us, seen %lu us, %lu full scans, %lu sharing\n",
		       r, last[r], seen[r], ks.full_scans, ks.pages_sharing);
		ksm_ctl(KSM_CTL_RUN, 2, 0, NULL);
		stop();
	}
	uint64_t lo = last[0], hi = last[0];
	for (int r = 1; r < STEADY_ROUNDS; r++) {
		lo = last[r] < lo ? last[r] : lo;
		hi = last[r] > hi ? last[r] : hi;
	}
	bench_result_unit("ksm_time_to_steady_us", median_u64(last, STEADY_ROUNDS), "us");
	bench_result_unit("ksm_time_to_steady_min_us", lo, "us");
	bench_result_unit("ksm_time_to_steady_max_us", hi, "us");
	bench_result_unit("ksm_time_to_steady_seen_us", median_u64(seen, STEADY_ROUNDS), "us");
}

static volatile uint64_t *fill256(void)
{
	volatile uint64_t *p = mmap(NULL, 256 * 4096,
				    PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	for (int i = 0; i < 256 * 512; i++)
		p[i] = (uint64_t)(i / 512 % 4) << 32 | (uint64_t)(i % 512);
	return p;
}

/* 256 pages of 4 contents merged, and 256 pages a forked child shares:
 * a write to each, in turns. */
static void merged_write(void)
{
	static uint64_t tp[256];
	struct sys_msg m;
	volatile uint64_t *c = fill256(), *p;
	if (!c)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		if (shared_ep(KEY + 1, &cmd))
			exit(1);
		exit(ipc_recv(cmd, &m) ? 2 : 0);
	}
	p = fill256();
	if (p && pid > 0) {
		madvise((void *)p, 256 * 4096, MADV_MERGEABLE);
		ksm_ctl(KSM_CTL_RUN, 1, 0, NULL);
		for (uint64_t t0 = rdtsc(); stats()->pages_sharing < 252 && rdtsc() - t0 < 60 * tsc_hz();)
			usleep(1000);
		ksm_ctl(KSM_CTL_RUN, 0, 0, NULL);
		for (int i = 0; i < 256; i++) {
			uint64_t t0 = rdtsc();
			p[i * 512 + 1] = 1;
			uint64_t t1 = rdtsc();
			c[i * 512 + 1] = 1;
			uint64_t t2 = rdtsc();
			t[i] = t1 - t0, tp[i] = t2 - t1;
		}
		bench_result("ksm_merged_write", median_u64(t, 256));
		bench_result("ksm_plain_cow_write", median_u64(tp, 256));
		ksm_ctl(KSM_CTL_RUN, 2, 0, NULL);
	}
	if (pid > 0) {
		sys_send(cmd, 0, 0, 0, 0, 0);
		waitpid(pid, NULL, 0);
	}
	if (p)
		munmap((void *)p, 256 * 4096);
	munmap((void *)c, 256 * 4096);
}

/* Wait until the scanner has scanned again (ksmd started, scanning). */
static void scanner_going(void)
{
	uint64_t s0 = stats()->pages_scanned;
	for (uint64_t t0 = rdtsc(); stats()->pages_scanned == s0 && rdtsc() - t0 < 10 * tsc_hz();)
		usleep(1000);
}

/* FAULT_ROUNDS rounds of faults with KSM off, then with the scanner on
 * (started afresh: every page new to it, so it scans at full price). */
static void fault_rounds(void)
{
	static uint64_t i50[FAULT_ROUNDS], i99[FAULT_ROUNDS], s50[FAULT_ROUNDS],
		s99[FAULT_ROUNDS], r50[FAULT_ROUNDS], r99[FAULT_ROUNDS], scanned[FAULT_ROUNDS];
	uint64_t m50 = 0, m99 = 0;
	for (int r = 0; r < FAULT_ROUNDS; r++) {
		ksm_ctl(KSM_CTL_RUN, 2, 0, NULL);
		struct lat idle = faults();
		ksm_ctl(KSM_CTL_RUN, 1, 0, NULL);
		scanner_going();
		uint64_t s1 = stats()->pages_scanned;
		struct lat busy = faults(); /* the scanner keeps running meanwhile */
		scanned[r] = stats()->pages_scanned - s1;
		i50[r] = idle.p50, i99[r] = idle.p99, s50[r] = busy.p50, s99[r] = busy.p99;
		r50[r] = busy.p50 * 100 / (idle.p50 ? idle.p50 : 1);
		r99[r] = busy.p99 * 100 / (idle.p99 ? idle.p99 : 1);
		m50 = r50[r] > m50 ? r50[r] : m50;
		m99 = r99[r] > m99 ? r99[r] : m99;
	}
	bench_result("ksm_fault_idle", median_u64(i50, FAULT_ROUNDS));
	bench_result("ksm_fault_idle_p99", median_u64(i99, FAULT_ROUNDS));
	bench_result("ksm_fault_scanning", median_u64(s50, FAULT_ROUNDS));
	bench_result("ksm_fault_scanning_p99", median_u64(s99, FAULT_ROUNDS));
	bench_result_unit("ksm_fault_ratio_p50_pct", median_u64(r50, FAULT_ROUNDS), "%");
	bench_result_unit("ksm_fault_ratio_p99_pct", median_u64(r99, FAULT_ROUNDS), "%");
	bench_result_unit("ksm_fault_ratio_p50_max_pct", m50, "%");
	bench_result_unit("ksm_fault_ratio_p99_max_pct", m99, "%");
	bench_result_unit("ksm_scanned_while_faulting", median_u64(scanned, FAULT_ROUNDS), "pages");
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
	fault_rounds();
	ksm_ctl(KSM_CTL_RUN, 2, 0, NULL);
	stop();
}

/* Demand-zero faults in a scattered order (no fault-around): median and
 * 99th percentile. */
static struct lat faults(void)
{
	struct lat l = { 0, 0 };
	void *base = mmap(NULL, FAULTS * 4096ull,
			  PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return l;
	for (int i = 0; i < FAULTS; i++) {
		volatile char *p = (volatile char *)base + (uint64_t)i * 1021 % FAULTS * 4096;
		uint64_t t0 = rdtsc();
		*p = 1;
		t[i] = rdtsc() - t0;
	}
	munmap(base, FAULTS * 4096ull);
	l.p50 = median_u64(t, FAULTS); /* sorts t */
	l.p99 = t[FAULTS * 99 / 100];
	return l;
}

int main(void)
{
	if (shared_ep(KEY, &ep) || shared_ep(KEY + 1, &cmd))
		return 1;
	ksm_ctl(KSM_CTL_PAGES_TO_SCAN, 1000, 0, NULL);
	ksm_ctl(KSM_CTL_SLEEP_MS, 0, 0, NULL);
	time_to_steady();
	merged_write();
	scan_cost();
	ksm_ctl(KSM_CTL_RUN, 0, 0, NULL);
	ksm_ctl(KSM_CTL_PAGES_TO_SCAN, 100, 0, NULL);
	ksm_ctl(KSM_CTL_SLEEP_MS, 20, 0, NULL);
	return 0;
}
