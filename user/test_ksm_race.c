/* KSM against the rest of the system:
 *   ksm_concurrent_writer  a thread on another CPU rewrites pages (often
 *                          identical, so merged again and again) while the
 *                          scanner runs flat out: every page ends holding
 *                          what was last written to it
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
	test_inherit();
	test_oom();
	set(KSM_CTL_RUN, 0);
	set(KSM_CTL_PAGES_TO_SCAN, 100);
	set(KSM_CTL_SLEEP_MS, 20);
	return 0;
}
