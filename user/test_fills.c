/* Fills in the kernel (ARCHITECTURE.md "Fills in the kernel"): after a
 * demand fault the pager leaves fill marks on the rest of the page's
 * 2 MiB block, and the kernel fills those pages on their first fault with
 * no pager on the way, logging them until the pager takes them.  What a
 * program must see is exactly what it saw before, whatever the pager does
 * meanwhile:
 *   fills_used        the mechanism is on: most first touches of a fresh
 *                     region are the kernel's (faults_kernel moves)
 *   fills_same_page   threads first-touching the same pages at once on
 *                     several CPUs: no write lost (a second fill of one
 *                     page would replace the first's frame)
 *   fills_read_write  a page read first (the zero frame) then written:
 *                     the written bytes, zeros elsewhere
 *   fills_protect     mprotect(PROT_READ) right after fills: filled pages
 *                     keep their bytes, no page of the range, filled or
 *                     not, takes a write (SIGSEGV), and PROT_WRITE again
 *                     brings writes back
 *   fills_unmap       a page filled and never told to the pager, then
 *                     munmap and a new mapping at the same address: zeros
 *   fills_mremap      filled pages move with mremap, the old range faults
 *   fills_fork        writers fill pages while the main thread forks: a
 *                     child never sees a write its parent made after fork
 *                     returned, and what it sees does not change
 *   fills_frames      all of it, and children killed while filling, give
 *                     every frame back */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define PAGE 4096ul
#define REGION (8ul << 20) /* 2048 pages, four 2 MiB blocks */

static char *fresh(size_t size)
{
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		test_fail("fills", "mmap: out of memory");
	return p;
}

static uint64_t kernel_fills(void)
{
	static struct pg_stats s;
	return pager_stats(&s) == E_OK ? s.faults_kernel : 0;
}

static void test_used(void)
{
	const char *name = "fills_used";
	char *p = fresh(REGION);
	uint64_t k0 = kernel_fills();
	for (size_t i = 0; i < REGION / PAGE; i++)
		p[i * PAGE] = 1;
	uint64_t got = kernel_fills() - k0; /* our own request: taken first */
	munmap(p, REGION);
	if (got < REGION / PAGE / 2)
		test_fail(name, "%lu of %lu first touches filled by the kernel", got,
			  REGION / PAGE);
	test_pass(name);
}

/* ---- the same pages at once ---- */
#define SAME_THREADS 4
#define SAME_PAGES 1024
static char *same;
static pthread_barrier_t same_go;

static void *same_toucher(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	pthread_barrier_wait(&same_go);
	for (size_t i = 0; i < SAME_PAGES; i++)
		((volatile uint64_t *)(same + i * PAGE))[id] = i << 8 | id;
	return NULL;
}

static void test_same_page(void)
{
	const char *name = "fills_same_page";
	for (int round = 0; round < 4; round++) {
		same = fresh(SAME_PAGES * PAGE);
		same[0] = 1; /* a demand fault: the rest of the block marked */
		pthread_t t[SAME_THREADS];
		pthread_barrier_init(&same_go, NULL, SAME_THREADS);
		for (uintptr_t k = 0; k < SAME_THREADS; k++)
			TEST_CHECK(name, pthread_create(&t[k], NULL, same_toucher, (void *)k) == 0);
		for (int k = 0; k < SAME_THREADS; k++)
			pthread_join(t[k], NULL);
		pthread_barrier_destroy(&same_go);
		for (size_t i = 0; i < SAME_PAGES; i++)
			for (uint64_t k = 0; k < SAME_THREADS; k++) {
				uint64_t v = ((uint64_t *)(same + i * PAGE))[k];
				if (v != (i << 8 | k))
					test_fail(name, "round %d page %zu slot %lu holds %#lx", round,
						  i, k, v);
			}
		munmap(same, SAME_PAGES * PAGE);
	}
	test_pass(name);
}

static void test_read_write(void)
{
	const char *name = "fills_read_write";
	char *p = fresh(REGION);
	p[0] = 1;
	for (size_t i = 1; i < 512; i++)
		if (((volatile char *)p)[i * PAGE + 7])
			test_fail(name, "page %zu reads non-zero", i);
	for (size_t i = 1; i < 512; i += 2)
		p[i * PAGE + 7] = (char)i;
	for (size_t i = 1; i < 512; i++) {
		char want = i % 2 ? (char)i : 0;
		if (p[i * PAGE + 7] != want || p[i * PAGE + 8] || p[i * PAGE])
			test_fail(name, "page %zu: byte 7 %d (want %d), 8 %d, 0 %d", i,
				  p[i * PAGE + 7], want, p[i * PAGE + 8], p[i * PAGE]);
	}
	munmap(p, REGION);
	test_pass(name);
}

/* ---- writes that must fault ---- */
static sigjmp_buf jb;
static volatile int segv;

static void on_segv(int sig)
{
	(void)sig;
	segv++;
	siglongjmp(jb, 1);
}

/* 1 if a write of v at p faults (the SIGSEGV handler is in place). */
static int write_faults(volatile char *p, char v)
{
	if (sigsetjmp(jb, 1))
		return 1;
	*p = v;
	return 0;
}

static void test_protect(void)
{
	const char *name = "fills_protect";
	char *p = fresh(REGION);
	p[0] = 1;
	for (size_t i = 1; i < 256; i++) /* filled by the kernel, not told yet */
		p[i * PAGE] = (char)i;
	TEST_CHECK(name, mprotect(p, REGION, PROT_READ) == 0);
	for (size_t i = 1; i < 1024; i++) {
		if (p[i * PAGE] != (i < 256 ? (char)i : 0))
			test_fail(name, "page %zu reads %d after PROT_READ", i, p[i * PAGE]);
		if (!write_faults(p + i * PAGE + 1, 9))
			test_fail(name, "page %zu (%s) took a write after PROT_READ", i,
				  i < 256 ? "filled" : "never touched");
	}
	TEST_CHECK(name, mprotect(p, REGION, PROT_READ | PROT_WRITE) == 0);
	for (size_t i = 1; i < 1024; i += 7)
		if (write_faults(p + i * PAGE + 2, 3) || p[i * PAGE + 2] != 3)
			test_fail(name, "page %zu takes no write after PROT_WRITE again", i);
	munmap(p, REGION);
	test_pass(name);
}

static void test_unmap(void)
{
	const char *name = "fills_unmap";
	for (int round = 0; round < 8; round++) {
		char *p = fresh(REGION);
		p[0] = 1;
		for (size_t i = 1; i < 24; i++) /* fewer than the kernel's log holds */
			memset(p + i * PAGE, 0x5A, PAGE);
		TEST_CHECK(name, munmap(p, REGION) == 0);
		char *q = mmap(p, REGION, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		TEST_CHECK(name, q == p);
		for (size_t i = 0; i < 32; i++)
			for (size_t b = 0; b < PAGE; b += 512)
				if (q[i * PAGE + b])
					test_fail(name, "round %d: the new mapping's page %zu holds %#x",
						  round, i, q[i * PAGE + b]);
		munmap(q, REGION);
	}
	test_pass(name);
}

static void test_mremap(void)
{
	const char *name = "fills_mremap";
	char *p = fresh(REGION);
	p[0] = 1;
	for (size_t i = 1; i < 300; i++)
		p[i * PAGE + 5] = (char)(i * 3);
	char *q = mremap(p, REGION, 2 * REGION, MREMAP_MAYMOVE);
	TEST_CHECK(name, q != MAP_FAILED);
	for (size_t i = 1; i < 600; i++)
		if (q[i * PAGE + 5] != (i < 300 ? (char)(i * 3) : 0))
			test_fail(name, "page %zu holds %d after mremap", i, q[i * PAGE + 5]);
	if (q != p && !write_faults(p + PAGE, 1))
		test_fail(name, "the old range took a write after mremap moved it");
	munmap(q, 2 * REGION);
	test_pass(name);
}

/* ---- fork while writers fill ---- */
#define FORK_PAGES 8192
#define WRITERS 2
#define REWRITE 8
static uint64_t *fbase;
static volatile uint64_t epoch, cursor, writers_done;

static uint64_t *word(uint64_t page) { return fbase + page * (PAGE / 8); }

static void *writer(void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t i = __atomic_fetch_add(&cursor, 1, __ATOMIC_SEQ_CST);
		if (i >= FORK_PAGES)
			break;
		for (uint64_t j = i >= REWRITE ? i - REWRITE : 0; j <= i; j++)
			*(volatile uint64_t *)word(j) = epoch << 32 | j;
	}
	__atomic_fetch_add(&writers_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* In the child: no page holds an epoch after ours, before or after a
 * pause in which the parent's writers go on. */
static _Noreturn void child_check(void)
{
	uint64_t mine = epoch, top = cursor + 64;
	top = top < FORK_PAGES ? top : FORK_PAGES;
	static uint64_t seen[FORK_PAGES];
	for (uint64_t j = 0; j < top; j++)
		seen[j] = *(volatile uint64_t *)word(j);
	usleep(3000);
	for (uint64_t j = 0; j < top; j++) {
		uint64_t v = *(volatile uint64_t *)word(j);
		if (v >> 32 > mine || v != seen[j]) {
			printf("@@FAIL fills_fork: child of epoch %lu: page %lu held %#lx, now %#lx\n",
			       mine, j, seen[j], v);
			_exit(1);
		}
	}
	_exit(0);
}

static void test_fork(void)
{
	const char *name = "fills_fork";
	fbase = (uint64_t *)fresh(FORK_PAGES * PAGE);
	pthread_t t[WRITERS];
	for (int w = 0; w < WRITERS; w++)
		TEST_CHECK(name, pthread_create(&t[w], NULL, writer, NULL) == 0);
	int forks = 0;
	uint64_t last = 0;
	while (writers_done < WRITERS) {
		uint64_t at = cursor;
		if (at < last + 96 && at < FORK_PAGES) {
			sched_yield();
			continue;
		}
		pid_t pid = fork();
		if (pid == 0)
			child_check();
		epoch++;
		int st = 0;
		TEST_CHECK(name, pid > 0 && waitpid(pid, &st, 0) == pid);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			test_fail(name, "a child saw its parent's write made after fork");
		forks++;
		last = at;
	}
	for (int w = 0; w < WRITERS; w++)
		pthread_join(t[w], NULL);
	munmap(fbase, FORK_PAGES * PAGE);
	printf("fills_fork: %d forks while %d threads filled pages\n", forks, WRITERS);
	test_pass(name);
}

/* A child that fills pages for ever (killed) or 3000 of them (exits). */
static _Noreturn void filler(int forever)
{
	char *p = fresh(16ul << 20);
	p[0] = 1;
	for (size_t i = 1;; i = (i + 1) % 4096) {
		p[i * PAGE] = 1;
		if (!forever && i == 3000)
			_exit(0);
	}
}

/* Every test in a child, whose end gives back all it held (its page
 * tables too): the frames are counted around it. */
int main(void)
{
	uint64_t before = frames_steady(5000);
	pid_t tests = fork();
	if (tests == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_segv;
		sigaction(SIGSEGV, &sa, NULL);
		test_used();
		test_same_page();
		test_read_write();
		test_protect();
		test_unmap();
		test_mremap();
		test_fork();
		for (int k = 0; k < 6; k++) {
			pid_t pid = fork();
			if (pid == 0)
				filler(k % 2);
			if (k % 2) {
				usleep(2000 + 1500 * k);
				kill(pid, SIGKILL);
			}
			int st;
			TEST_CHECK("fills_frames", waitpid(pid, &st, 0) == pid);
		}
		_exit(0);
	}
	int st = 0;
	TEST_CHECK("fills_frames", tests > 0 && waitpid(tests, &st, 0) == tests);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		test_fail("fills_frames", "the tests ended with status %#x", st);
	uint64_t after = frames_settle(before, 10000);
	if (after != before) {
		frames_explain("fills_frames");
		test_fail("fills_frames", "%lu free frames before, %lu after", before, after);
	}
	test_pass("fills_frames");
	return 0;
}
