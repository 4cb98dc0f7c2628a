/* KSM against the rest of the system:
 *   ksm_concurrent_writer  a thread on another CPU rewrites pages (often
 *                          identical, so merged again and again) while the
 *                          scanner runs flat out: every page ends holding
 *                          what was last written to it
 *   ksm_concurrent_requests  a thread on another CPU makes requests that
 *                          change what the scanner walks (fork, a child's
 *                          new domain and exit, stats, run 0 and 1; a few
 *                          madvise, mmap, munmap) while it runs flat out,
 *                          those served alone let in mid-batch: every page
 *                          ends holding its bytes, every frame comes back
 *   ksm_process_inherit    ksm_process(1): every anonymous region merges
 *                          without madvise, and a forked child inherits it
 *   ksm_oom_greedy         memory runs out while KSM runs: the OOM kill
 *                          still picks the greedy process; the merged one
 *                          lives with its bytes */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdbool.h>
#include "sys/sys.h"
#include "sys/ksm.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define PAGES 128
#define ROUNDS 20000

static volatile uint64_t *buf;
static volatile uint64_t last[PAGES];
static volatile int writer_done;
static volatile uint64_t lost; /* writes the writer did not read back */

static struct ksm_stats ks;
static struct ksm_stats *stats(uint32_t pid)
{
	if (ksm_stats(pid, &ks))
		test_fail("ksm", "ksm_stats failed");
	return &ks;
}

static void set(unsigned key, uint64_t v)
{
	TEST_ERR("ksm", ksm_ctl(key, v, 0, NULL), E_OK);
}

static void fill_page(int i, uint64_t v)
{
	for (int w = 0; w < 512; w++)
		buf[i * 512 + w] = v;
}

/* The writer: on the upper half of the pages, over and over, make a page
 * equal to the merged lower half (word 0 back to 0), and eight steps
 * (random moments) later write a new word 0; each time it comes back to
 * a page it checks the page still holds its last write.  The scanner, running flat out, merges such a page
 * while it is equal; a write landing between its compare and its remap
 * must fault and be copied after the merge, never lost. */
static void writer(void *arg)
{
	(void)arg;
	for (uint32_t c = 1; c <= ROUNDS; c++) {
		int i = PAGES / 2 + (int)(c % 64), j = PAGES / 2 + (int)((c + 56) % 64);
		lost += buf[i * 512] != last[i]; /* every write seen when next here */
		buf[i * 512] = 0; /* equal to the merged half now */
		last[i] = 0;
		for (uint64_t t = rdtsc(), d = (c * 2654435761u) % 400000; rdtsc() - t < d;)
			;
		lost += buf[j * 512] != last[j];
		buf[j * 512] = c; /* set to 0 eight steps ago: maybe being merged */
		last[j] = c;
	}
	writer_done = 1;
}

static void test_writer(void)
{
	const char *name = "ksm_concurrent_writer";
	static struct abi_sysinfo si;
	TEST_ERR(name, sys_sysinfo((uint64_t)&si, sizeof si), E_OK);
	if (si.ncpus < 2) {
		test_skip(name, "needs 2 CPUs");
		return;
	}
	buf = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_CHECK(name, buf != MAP_FAILED);
	for (int i = 0; i < PAGES; i++)
		fill_page(i, 0x5a5a5a5a5a5a5a5aull);
	for (int i = 0; i < PAGES; i++)
		buf[i * 512] = last[i] = 0;
	TEST_CHECK(name, madvise((void *)buf, PAGES * 4096, MADV_MERGEABLE) == 0);
	set(KSM_CTL_PAGES_TO_SCAN, 64);
	set(KSM_CTL_RUN, 1);
	for (int t = 0; t < 6000 && stats(0)->pages_sharing < PAGES - 1; t++)
		usleep(10000);
	uint64_t merged0 = ks.pages_merged;
	TEST_ERR(name, thread_start_on(1, writer, NULL, 16384), E_OK);
	for (int t = 0; t < 120000 && !writer_done; t++)
		usleep(1000);
	TEST_CHECK(name, writer_done);
	uint64_t merged = stats(0)->pages_merged - merged0;
	set(KSM_CTL_RUN, 0);
	if (lost)
		test_fail(name, "%lu writes lost while pages merged", lost);
	for (int i = 0; i < PAGES; i++)
		for (int w = 0; w < 512; w++) {
			uint64_t want = w ? 0x5a5a5a5a5a5a5a5aull : last[i];
			if (buf[i * 512 + w] != want)
				test_fail(name, "page %d word %d: 0x%lx, last written 0x%lx", i,
					  w, buf[i * 512 + w], want);
		}
	printf("test_ksm_race: %lu merges while the writer ran\n", merged);
	TEST_CHECK(name, merged > 0);
	set(KSM_CTL_RUN, 2);
	munmap((void *)buf, PAGES * 4096);
	test_pass(name);
}

/* ksm_concurrent_requests: a child's 256 pages of 8 contents and its
 * churn thread's requests, which the scanner lets in mid-batch. */
#define RQ_PAGES 256
#define RQ_ITERS 3000
static volatile uint64_t *rq_a;
static uint64_t rq_word1[RQ_PAGES]; /* word 1 of each page of rq_a */
static volatile int rq_bad, rq_done;

static uint64_t rq_want(int i, unsigned w)
{
	return w == 1 ? rq_word1[i] : (uint64_t)(i % 8 + 1) << 32 | w;
}

/* 0 if pages [from, from + n) of p hold their bytes (as page k of rq_a:
 * p[k] for page from + k), else the first bad page + 1. */
static int rq_check(volatile uint64_t *p, int from, int n)
{
	for (int i = from; i < from + n; i++)
		for (unsigned w = 0; w < 512; w++)
			if (p[(i - from) * 512 + w] != rq_want(i, w))
				return i + 1;
	return 0;
}

static void rq_fill(volatile uint64_t *p, int from, int n)
{
	for (int i = from; i < from + n; i++)
		for (unsigned w = 0; w < 512; w++)
			p[(i - from) * 512 + w] = rq_want(i, w);
}

/* A forked child of the churn: its own domain (its merged pages unmerged
 * by that request: the scanner merges them again meanwhile), forks of its
 * own while that goes on, each checking its bytes, then it exits. */
static int rq_grandchild(int k)
{
	int status = 0;
	if (ksm_new_domain() == 0 || rq_check(rq_a, 0, RQ_PAGES))
		return 1;
	for (int f = 0; f < 8; f++) {
		pid_t pid = fork();
		if (pid == 0)
			exit(rq_check(rq_a, 0, RQ_PAGES) ? 1 : 0);
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			return 3;
	}
	return rq_check(rq_a + k * 512, k, 8) ? 2 : 0;
}

/* Mostly requests served alone (they wait for the batch's lock for
 * writing and are let in mid-batch): stats, fork, a child's new domain and
 * exit, wait, run 0 and 1; a few served beside faults (madvise, mmap,
 * munmap) and writes. */
static void churn(void *arg)
{
	(void)arg;
	struct ksm_stats st;
	for (int it = 0; it < RQ_ITERS && !rq_bad; it++) {
		int k = it % (RQ_PAGES / 8) * 8, status = 0;
		if (ksm_stats(0, &st))
			rq_bad = 1;
		if (it % 128 == 0) {
			pid_t pid = fork();
			if (pid == 0)
				exit(rq_grandchild(k));
			if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
			    WEXITSTATUS(status))
				rq_bad = 2;
		}
		if (it % 256 == 64) {
			void *slice = (void *)(rq_a + k * 512);
			if (madvise(slice, 8 * 4096, MADV_UNMERGEABLE) || rq_check(rq_a + k * 512, k, 8))
				rq_bad = 3;
			if (madvise(slice, 8 * 4096, MADV_MERGEABLE))
				rq_bad = 4;
		}
		if (it % 256 == 128) { /* merged copies that go away soon after */
			volatile uint64_t *b = mmap(NULL, 16 * 4096, PROT_READ | PROT_WRITE,
						    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (b == MAP_FAILED) {
				rq_bad = 5;
				break;
			}
			rq_fill(b, k, 16);
			madvise((void *)b, 16 * 4096, MADV_MERGEABLE);
			munmap((void *)b, 16 * 4096);
		}
		if (it % 256 == 192) { /* a write to a page that may be merged */
			int i = (it * 7) % RQ_PAGES;
			rq_word1[i] = (uint64_t)it << 8 | 1;
			rq_a[i * 512 + 1] = rq_word1[i];
		}
		if (it % 500 == 250) { /* ksmd ended and started again */
			if (ksm_ctl(KSM_CTL_RUN, 0, 0, NULL) || ksm_ctl(KSM_CTL_RUN, 1, 0, NULL))
				rq_bad = 6;
		}
	}
	rq_done = 1;
}

static int requests_child(void)
{
	rq_a = mmap(NULL, RQ_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (rq_a == MAP_FAILED)
		return 1;
	for (int i = 0; i < RQ_PAGES; i++)
		rq_word1[i] = 1;
	rq_fill(rq_a, 0, RQ_PAGES);
	madvise((void *)rq_a, RQ_PAGES * 4096, MADV_MERGEABLE);
	for (int t = 0; t < 6000 && stats(0)->ksm_merging_pages < RQ_PAGES; t++)
		usleep(10000);
	if (ks.ksm_merging_pages != RQ_PAGES)
		return 2;
	uint64_t scanned0 = ks.pages_scanned, merged0 = ks.pages_merged;
	if (thread_start_on(1, churn, NULL, 16384))
		return 3;
	for (int t = 0; t < 600000 && !rq_done; t++)
		usleep(1000);
	if (!rq_done)
		return 4;
	if (rq_bad)
		return 10 + rq_bad;
	int bad = rq_check(rq_a, 0, RQ_PAGES);
	if (bad) {
		printf("test_ksm_race: page %d: word 1 0x%lx, want 0x%lx\n", bad - 1,
		       rq_a[(bad - 1) * 512 + 1], rq_word1[bad - 1]);
		return 5;
	}
	stats(0);
	printf("test_ksm_race: %lu pages scanned, %lu merged during the requests\n",
	       ks.pages_scanned - scanned0, ks.pages_merged - merged0);
	/* the scanner ran and merged meanwhile (some of it while requests
	 * waited) */
	return ks.pages_scanned - scanned0 > RQ_PAGES && ks.pages_merged > merged0 ? 0 : 6;
}

static void test_requests(void)
{
	const char *name = "ksm_concurrent_requests";
	static struct abi_sysinfo si;
	static struct pg_stats a, b;
	int st = 0;
	TEST_ERR(name, sys_sysinfo((uint64_t)&si, sizeof si), E_OK);
	if (si.ncpus < 2) {
		test_skip(name, "needs 2 CPUs");
		return;
	}
	set(KSM_CTL_PAGES_TO_SCAN, 1000);
	for (int round = 0; round < 2; round++) { /* the first warms the calls up */
		set(KSM_CTL_RUN, 2);
		TEST_ERR(name, pager_stats(&a), E_OK);
		TEST_ERR(name, pager_stats(&a), E_OK);
		set(KSM_CTL_RUN, 1);
		pid_t pid = fork();
		if (pid == 0)
			exit(round ? requests_child() : 0);
		TEST_CHECK(name, pid > 0);
		TEST_CHECK(name, waitpid(pid, &st, 0) == pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			test_fail(name, "child ended with status 0x%x (exit %d)", st, WEXITSTATUS(st));
	}
	set(KSM_CTL_RUN, 2);
	TEST_ERR(name, pager_stats(&b), E_OK);
	if (b.frames_held != a.frames_held)
		test_fail(name, "frames_held %lu, %lu before", b.frames_held, a.frames_held);
	test_pass(name);
}

/* A child with ksm_process(1) and its forked child: 64 identical pages
 * each, never madvised. */
static int inherit_child(void)
{
	if (ksm_process(1) != 0)
		return 1;
	pid_t pid = fork();
	volatile uint64_t *p = mmap(NULL, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 2;
	for (int i = 0; i < 64 * 512; i++)
		p[i] = 7;
	if (pid == 0) {
		if (ksm_process(2) != 1)
			exit(3);
		for (int t = 0; t < 6000 && stats(0)->ksm_merging_pages < 64; t++)
			usleep(10000);
		exit(ks.ksm_merging_pages == 64 && ks.ksm_process ? 0 : 4);
	}
	int st = 0;
	for (int t = 0; t < 6000 && stats(0)->ksm_merging_pages < 64; t++)
		usleep(10000);
	if (ks.ksm_merging_pages != 64)
		return 5;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return 6;
	for (int i = 0; i < 64 * 512; i++)
		if (p[i] != 7)
			return 7;
	return WEXITSTATUS(st);
}

static void test_inherit(void)
{
	const char *name = "ksm_process_inherit";
	int st = 0;
	set(KSM_CTL_PAGES_TO_SCAN, 1000);
	set(KSM_CTL_RUN, 1);
	pid_t pid = fork();
	if (pid == 0)
		exit(inherit_child());
	TEST_CHECK(name, pid > 0);
	TEST_CHECK(name, waitpid(pid, &st, 0) == pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		test_fail(name, "child ended with status 0x%x (exit %d)", st, WEXITSTATUS(st));
	TEST_CHECK(name, ksm_process(2) == 0); /* the parent never asked */
	set(KSM_CTL_RUN, 2);
	test_pass(name);
}

static void test_oom(void)
{
	const char *name = "ksm_oom_greedy";
	static struct pg_stats a, b;
	int st = 0;
	uint32_t hog;
	pid_t pid = fork();
	if (pid == 0) { /* 1024 pages of 4 contents, merged, then checked */
		volatile uint64_t *p = mmap(NULL, 1024 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			exit(1);
		for (int i = 0; i < 1024 * 512; i++)
			p[i] = (uint64_t)(i / 512 % 4) << 32 | (uint64_t)(i % 512);
		madvise((void *)p, 1024 * 4096, MADV_MERGEABLE);
		for (int t = 0; t < 6000 && stats(0)->ksm_merging_pages < 1024; t++)
			usleep(10000);
		if (ks.ksm_merging_pages != 1024)
			exit(2);
		uint32_t ep;
		struct sys_msg m;
		if (shared_ep(0x6b736d99, &ep) || sys_send(ep, 0, 0, 0, 0, 0) || ipc_recv(ep, &m))
			exit(3);
		for (int i = 0; i < 1024 * 512; i++)
			if (p[i] != ((uint64_t)(i / 512 % 4) << 32 | (uint64_t)(i % 512)))
				exit(4);
		exit(0);
	}
	uint32_t ep;
	struct sys_msg m;
	TEST_ERR(name, shared_ep(0x6b736d99, &ep), E_OK);
	set(KSM_CTL_RUN, 1);
	TEST_ERR(name, ipc_recv(ep, &m), E_OK); /* merged */
	TEST_ERR(name, pager_stats(&a), E_OK);
	TEST_ERR(name, spawn("test_oom", "hog", &hog), E_OK);
	TEST_CHECK(name, waitpid((pid_t)hog, &st, 0) == (pid_t)hog);
	TEST_ERR(name, pager_stats(&b), E_OK);
	if (!WIFSIGNALED(st) || b.oom_kills != a.oom_kills + 1)
		test_fail(name, "hog ended with status 0x%x; oom_kills +%lu", st,
			  b.oom_kills - a.oom_kills);
	sys_send(ep, 0, 0, 0, 0, 0);
	TEST_CHECK(name, waitpid(pid, &st, 0) == pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		test_fail(name, "merged child ended with status 0x%x", st);
	set(KSM_CTL_RUN, 2);
	test_pass(name);
}

int main(void)
{
	set(KSM_CTL_RUN, 2);
	set(KSM_CTL_DOMAINS, 1);
	set(KSM_CTL_MAX_PAGE_SHARING, 256);
	set(KSM_CTL_USE_ZERO_PAGES, 0);
	set(KSM_CTL_SLEEP_MS, 0);
	test_writer();
	test_requests();
	test_inherit();
	test_oom();
	set(KSM_CTL_RUN, 0);
	set(KSM_CTL_PAGES_TO_SCAN, 100);
	set(KSM_CTL_SLEEP_MS, 20);
	return 0;
}
