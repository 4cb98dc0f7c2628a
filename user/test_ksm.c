/* KSM in the running system (issue 10), one @@PASS per item:
 *   ksm_merge_4x1024      4 processes x 1024 pages, 64 contents: pages_shared
 *                         64, pages_sharing 4032, ~4032 frames free again
 *   ksm_write_after_merge a write gives the writer new bytes, the others
 *                         keep theirs, pages_sharing goes down by one
 *   ksm_exit_frees        every sharer exits: no merged frame, every frame
 *                         held before is back (frames_held exactly)
 *   ksm_volatile          two pages rewritten (the same) every full scan
 *                         never merge
 *   ksm_unmerge_run2      run 2 unmerges everything: private copies, bytes
 *                         unchanged, the frames taken again
 *   ksm_fork_merged       fork of a process with merged pages: both sides
 *                         read their bytes, writes stay their own
 *   ksm_domains           identical pages of two domains never share a frame
 *   ksm_madvise_bad       bad madvise requests are refused
 *   ksm_memmap_merged     memmap shows the 8 merged frames of the run 2
 *                         test as merged (one frame per cell: at 128M),
 *                         none after run 2
 *   ksm_madvise_range     MADV_MERGEABLE on half a mapping merges only that
 *                         half (the region is split there); UNMERGEABLE on
 *                         a part of it unmerges exactly that part
 *   ksm_madvise_heap      MADV_MERGEABLE on the middle of the brk heap
 *                         splits it; brk still grows it and shrinks it
 *   ksm_unmerge_readonly  merged pages of a region made read-only after the
 *                         merge: UNMERGEABLE and run 2 give them private
 *                         copies (read-only, bytes kept)
 * Children get commands on their own shared endpoint and answer on one. */
#include <stdbool.h>
#include "sys/sys.h"
#include "sys/ksm.h"
#include "sys/test.h"
#include "sys/unistd.h"

int page_info(const void *addr, size_t len, struct pg_page_info *out); /* sys/mman.h's */

#define KEY_ACK  0x6b736d00ull
#define KEY_CMD  0x6b736d10ull /* + child index */
#define MAXKIDS  4

enum { CMD_VERIFY = 1, CMD_WRITE, CMD_FORK };

static uint32_t ack_ep, cmd_ep[MAXKIDS];
static int kid_pages, kid_distinct, kid_domain;
static uint64_t kid_salt;
static volatile uint64_t *kid_mem;
static uint64_t override[1024 + 1]; /* word 0 of page i if nonzero */

static uint64_t word_of(uint64_t content, uint64_t salt, unsigned w)
{
	return (content + 1) * 0x9E3779B97F4A7C15ull ^ salt << 40 ^ w;
}

static void fill(volatile uint64_t *p, int pages, int distinct, uint64_t salt)
{
	for (int i = 0; i < pages; i++)
		for (unsigned w = 0; w < 512; w++)
			p[i * 512 + w] = word_of((uint64_t)(i % distinct), salt, w);
}

/* True if every page holds its contents (with its written word). */
static bool verify(volatile uint64_t *p, int pages, int distinct, uint64_t salt)
{
	for (int i = 0; i < pages; i++)
		for (unsigned w = 0; w < 512; w++) {
			uint64_t want = w == 0 && override[i] ? override[i] :
					word_of((uint64_t)(i % distinct), salt, w);
			if (p[i * 512 + w] != want) {
				printf("test_ksm: pid %u page %d word %u: 0x%lx, want 0x%lx\n",
				       sys_pid, i, w, p[i * 512 + w], want);
				return false;
			}
		}
	return true;
}

static void ack(uint64_t v)
{
	sys_send(ack_ep, 0, v, 0, 0, 0);
}

/* A forked grandchild: check, write its own word, check again. */
static int grandchild(void)
{
	if (!verify(kid_mem, kid_pages, kid_distinct, kid_salt))
		return 1;
	kid_mem[3 * 512] = override[3] = 0x6772616e64ull;
	return verify(kid_mem, kid_pages, kid_distinct, kid_salt) ? 0 : 2;
}

static uint64_t kid_fork(void)
{
	struct wait_status st;
	int pid = fork();
	if (pid == 0)
		exit(grandchild());
	if (pid < 0 || waitpid((uint32_t)pid, &st) || st.how != PG_WAIT_EXITED)
		return 100;
	return st.code ? st.code : verify(kid_mem, kid_pages, kid_distinct, kid_salt) ? 0 : 3;
}

/* Child index k: fill, opt in, say ready, obey commands. */
static int kid(int k)
{
	void *mem;
	struct sys_msg m;
	if (shared_ep(KEY_ACK, &ack_ep) || shared_ep(KEY_CMD + (uint64_t)k, &cmd_ep[k]))
		return 10;
	if (kid_domain && ksm_new_domain() <= 0)
		return 11;
	if (mmap_anon((size_t)kid_pages * 4096, &mem))
		return 12;
	kid_mem = mem;
	fill(kid_mem, kid_pages, kid_distinct, kid_salt);
	if (pg_madvise(mem, (size_t)kid_pages * 4096, MADV_MERGEABLE))
		return 13;
	ack(0);
	for (;;) {
		if (ipc_recv(cmd_ep[k], &m))
			return 14;
		if (m.label == CMD_VERIFY)
			return verify(kid_mem, kid_pages, kid_distinct, kid_salt) ? 0 : 1;
		if (m.label == CMD_WRITE) {
			kid_mem[m.w[0] * 512] = override[m.w[0]] = m.w[1];
			ack(0);
		} else if (m.label == CMD_FORK) {
			ack(kid_fork());
		}
	}
}

static uint32_t kids[MAXKIDS];
static int nkids;

static void start_kids(const char *name, int n, int pages, int distinct, uint64_t salt,
		       int domain_from)
{
	struct sys_msg m;
	kid_pages = pages, kid_distinct = distinct, kid_salt = salt;
	for (int k = 0; k < n; k++) {
		kid_domain = k >= domain_from;
		int pid = fork();
		if (pid == 0)
			exit(kid(k));
		if (pid < 0)
			test_fail(name, "fork: %s", err_str(-pid));
		kids[k] = (uint32_t)pid;
	}
	nkids = n;
	for (int k = 0; k < n; k++)
		TEST_ERR(name, ipc_recv(ack_ep, &m), E_OK);
}

static uint64_t command(int k, unsigned cmd, uint64_t a, uint64_t b)
{
	struct sys_msg m;
	sys_send(cmd_ep[k], cmd, a, b, 0, 0);
	return ipc_recv(ack_ep, &m) ? 999 : m.w[0];
}

/* Every child checks its bytes and exits 0. */
static void end_kids(const char *name)
{
	struct wait_status st;
	for (int k = 0; k < nkids; k++) {
		sys_send(cmd_ep[k], CMD_VERIFY, 0, 0, 0, 0);
		TEST_ERR(name, waitpid(kids[k], &st), E_OK);
		if (st.how != PG_WAIT_EXITED || st.code)
			test_fail(name, "child %d ended how %d code %lu", k, st.how, st.code);
	}
	nkids = 0;
}

static struct ksm_stats ks;

static struct ksm_stats *stats(void)
{
	if (ksm_stats(0, &ks))
		test_fail("ksm", "ksm_stats failed");
	return &ks;
}

/* Wait (60 s at most: a liveness bound, 10x and more what it takes) until
 * pages_shared and pages_sharing are what they should be. */
static void wait_merged(const char *name, uint64_t shared, uint64_t sharing)
{
	for (int t = 0; t < 6000; t++) {
		if (stats()->pages_shared == shared && ks.pages_sharing == sharing)
			return;
		sleep_ms(10);
	}
	test_fail(name, "pages_shared %lu pages_sharing %lu, want %lu %lu (full_scans %lu)",
		  ks.pages_shared, ks.pages_sharing, shared, sharing, ks.full_scans);
}

static void set(unsigned key, uint64_t v)
{
	TEST_ERR("ksm", ksm_ctl(key, v, 0, NULL), E_OK);
}

static struct pg_stats pst;
static struct pg_region_info own_v[64];
static struct pg_page_info own_pi[64];

/* Frames of this process's own: its present pages, less the zero frame. */
static uint64_t own_frames(void)
{
	uint64_t own = 0;
	size_t n = 0;
	if (pager_pmap(sys_pid, own_v, 64, &n))
		test_fail("ksm", "pager_pmap failed");
	for (size_t k = 0; k < n; k++)
		for (uint64_t va = own_v[k].start; va < own_v[k].end; va += 64 * 4096) {
			uint64_t pages = (own_v[k].end - va) / 4096;
			pages = pages < 64 ? pages : 64;
			if (page_info((void *)va, pages * 4096, own_pi))
				test_fail("ksm", "page_info failed");
			for (uint64_t i = 0; i < pages; i++)
				own += (own_pi[i].flags & (PGI_PRESENT | PGI_ZERO)) == PGI_PRESENT;
		}
	return own;
}

/* The frames the pager holds less this process's own: the test's own
 * text, data and stack pages come in when first touched (a function first
 * run between two looks faults its text page in: no leak, but
 * frames_held counts it).  Looked at twice: the first look brings in the
 * pages of the answers themselves. */
static uint64_t held(void)
{
	uint64_t own = 0;
	for (int i = 0; i < 2; i++) {
		pager_stats(&pst);
		own = own_frames();
	}
	return pst.frames_held - own;
}

static void test_merge_write_exit(void)
{
	uint64_t held0 = held(), pool0 = pst.pool_frames, free0 = frames_steady(2000);
	start_kids("ksm_merge_4x1024", 4, 1024, 64, 1, MAXKIDS);
	uint64_t free1 = frames_steady(2000);
	set(KSM_CTL_RUN, 1);
	wait_merged("ksm_merge_4x1024", 64, 4032);
	uint64_t free2 = frames_steady(2000);
	printf("test_ksm: 4x1024 pages, 64 contents: %lu frames freed, %lu full scans\n",
	       free2 - free1, ks.full_scans);
	/* ksmd's own pages and KSM's items take a few frames of the 4032 */
	if (free2 < free1 + 4032 - 256)
		test_fail("ksm_merge_4x1024", "only %lu frames freed", free2 - free1);
	struct ksm_stats one;
	TEST_ERR("ksm_merge_4x1024", ksm_stats(kids[2], &one), E_OK);
	TEST_CHECK("ksm_merge_4x1024", one.ksm_merging_pages == 1024);
	TEST_CHECK("ksm_merge_4x1024", one.ksm_rmap_items == 1024);
	test_pass("ksm_merge_4x1024");

	TEST_CHECK("ksm_write_after_merge", command(0, CMD_WRITE, 5, 0xABCDEF) == 0);
	wait_merged("ksm_write_after_merge", 64, 4031);
	set(KSM_CTL_RUN, 0);
	end_kids("ksm_write_after_merge");
	test_pass("ksm_write_after_merge");

	TEST_CHECK("ksm_exit_frees", stats()->pages_shared == 0);
	TEST_CHECK("ksm_exit_frees", ks.pages_sharing == 0);
	if (held() != held0)
		test_fail("ksm_exit_frees", "frames_held %lu, %lu before", held(), held0);
	if (pst.pool_frames != pool0) /* KSM's items and nodes too */
		test_fail("ksm_exit_frees", "pool_frames %lu, %lu before", pst.pool_frames, pool0);
	/* the kernel's count too; the page tables of the pager's window onto
	 * frames it never held before stay (one per 512 frames) */
	uint64_t free3 = frames_settle(free0, 3000);
	if (free3 + 24 < free0)
		test_fail("ksm_exit_frees", "free frames %lu, %lu before", free3, free0);
	test_pass("ksm_exit_frees");
}

/* Two pages of a child get the same new word after every full scan: at
 * each scan they differ from their last one, so never join the unstable
 * tree.  Without the check they would merge. */
static void test_volatile(void)
{
	volatile uint64_t *p;
	const char *name = "ksm_volatile";
	TEST_ERR(name, mmap_anon(2 * 4096, (void **)&p), E_OK);
	p[0] = p[512] = 1;
	TEST_ERR(name, pg_madvise((void *)p, 2 * 4096, MADV_MERGEABLE), E_OK);
	set(KSM_CTL_SLEEP_MS, 30);
	uint64_t merged0 = stats()->pages_merged, scans = ks.full_scans;
	set(KSM_CTL_RUN, 1);
	for (int round = 0; round < 20; round++) {
		for (int t = 0; t < 5000 && stats()->full_scans == scans; t++)
			sleep_ms(1);
		scans = ks.full_scans;
		p[0] = p[512] = (uint64_t)round + 2;
	}
	TEST_CHECK(name, stats()->pages_merged == merged0);
	TEST_CHECK(name, ks.pages_volatile >= 2);
	set(KSM_CTL_RUN, 0);
	set(KSM_CTL_SLEEP_MS, 0);
	/* the same two pages, left alone, merge */
	set(KSM_CTL_RUN, 1);
	wait_merged(name, 1, 1);
	TEST_CHECK(name, p[0] == 21 && p[512] == 21);
	set(KSM_CTL_RUN, 2);
	mfree((void *)p);
	test_pass(name);
}

/* Frames memmap shows as merged (KSM), one frame per cell; UINT64_MAX
 * when the machine has too many frames for that. */
static uint64_t memmap_merged(void)
{
	uint8_t *cells;
	struct sys_regs r;
	uint64_t n = UINT64_MAX;
	if (mmap_anon(MEMMAP_MAX_CELLS, (void **)&cells))
		return n;
	if (sys_memmap_r((uint64_t)cells, MEMMAP_MAX_CELLS, 1, &r) == E_OK) /* E_INVAL: */
		for (uint64_t i = n = 0; i < r.rdi; i++)                    /* too many */
			n += cells[i] == MEMMAP_MERGED;
	mfree(cells);
	return n;
}

static void test_run2(void)
{
	const char *name = "ksm_unmerge_run2";
	start_kids(name, 2, 256, 8, 2, MAXKIDS);
	set(KSM_CTL_RUN, 1);
	wait_merged(name, 8, 512 - 8);
	uint64_t free1 = frames_steady(2000), m1 = memmap_merged();
	if (m1 != UINT64_MAX && m1 != 8) /* at 128M: one cell per frame */
		test_fail("ksm_memmap_merged", "%lu merged frames in memmap, not 8", m1);
	set(KSM_CTL_RUN, 2);
	uint64_t m2 = memmap_merged();
	if (m2 != UINT64_MAX && m2 != 0)
		test_fail("ksm_memmap_merged", "%lu merged frames in memmap after run 2", m2);
	printf("test_ksm: memmap merged frames %ld, after run 2 %ld\n", (long)m1, (long)m2);
	test_pass("ksm_memmap_merged");
	TEST_CHECK(name, stats()->pages_shared == 0 && ks.pages_sharing == 0);
	TEST_CHECK(name, ks.run == 2 && ks.rmap_items == 0);
	uint64_t free2 = frames_steady(2000);
	if (free2 + 512 - 8 - 64 > free1)
		test_fail(name, "frames free %lu -> %lu: not unmerged", free1, free2);
	end_kids(name);
	test_pass(name);
}

static void test_fork(void)
{
	const char *name = "ksm_fork_merged";
	start_kids(name, 1, 256, 4, 3, MAXKIDS);
	set(KSM_CTL_RUN, 1);
	wait_merged(name, 4, 252);
	TEST_CHECK(name, command(0, CMD_FORK, 0, 0) == 0);
	set(KSM_CTL_RUN, 0);
	end_kids(name);
	set(KSM_CTL_RUN, 2);
	test_pass(name);
}

static void test_domains(void)
{
	const char *name = "ksm_domains";
	start_kids(name, 2, 64, 1, 4, 1); /* child 1 in a new domain */
	set(KSM_CTL_RUN, 1);
	wait_merged(name, 2, 126); /* one frame per domain */
	TEST_ERR(name, ksm_ctl(KSM_CTL_DOMAINS, 0, 0, NULL), E_BUSY);
	struct ksm_stats a, b;
	TEST_ERR(name, ksm_stats(kids[0], &a), E_OK);
	TEST_ERR(name, ksm_stats(kids[1], &b), E_OK);
	TEST_CHECK(name, a.domain != b.domain);
	TEST_CHECK(name, a.ksm_merging_pages == 64 && b.ksm_merging_pages == 64);
	set(KSM_CTL_RUN, 2);
	set(KSM_CTL_DOMAINS, 0);
	set(KSM_CTL_RUN, 1);
	wait_merged(name, 1, 127); /* domains off: one frame */
	set(KSM_CTL_RUN, 2);
	set(KSM_CTL_DOMAINS, 1);
	end_kids(name);
	test_pass(name);
}

static void test_bad(void)
{
	const char *name = "ksm_madvise_bad";
	void *p;
	TEST_ERR(name, mmap_anon(4 * 4096, &p), E_OK);
	TEST_ERR(name, pg_madvise((char *)p + 1, 4096, MADV_MERGEABLE), E_INVAL);
	/* as Linux: an empty range is no error, a hole is ENOMEM */
	TEST_ERR(name, pg_madvise(p, 0, MADV_MERGEABLE), E_OK);
	TEST_ERR(name, pg_madvise(p, 4096, 77), E_INVAL);
	TEST_ERR(name, pg_madvise((void *)0x1000, 4096, MADV_MERGEABLE), E_NOMEM);
	TEST_ERR(name, pg_madvise(p, PG_USER_END, MADV_MERGEABLE), E_INVAL); /* past the user half */
	static struct pg_region_info v[64];
	size_t n0, n1;
	TEST_ERR(name, pager_pmap(sys_pid, v, 64, &n0), E_OK);
	TEST_ERR(name, pg_madvise((char *)p + 4096, 4096, MADV_MERGEABLE), E_OK);
	TEST_ERR(name, pager_pmap(sys_pid, v, 64, &n1), E_OK);
	TEST_CHECK(name, n1 == n0 + 2); /* split at both ends of the range */
	TEST_ERR(name, pg_madvise(p, 4 * 4096, MADV_UNMERGEABLE), E_OK);
	TEST_ERR(name, pager_pmap(sys_pid, v, 64, &n1), E_OK);
	TEST_CHECK(name, n1 == n0); /* one region again */
	TEST_ERR(name, ksm_ctl(KSM_CTL_RUN, 3, 0, NULL), E_INVAL);
	TEST_ERR(name, ksm_ctl(0, 1, 0, NULL), E_INVAL);
	TEST_ERR(name, ksm_ctl(KSM_CTL_PAGES_TO_SCAN, 0, 0, NULL), E_INVAL);
	struct sys_msg m = { .label = PG_KSM_SCAN };
	TEST_CHECK(name, ipc_call(sys_pager, &m) == E_OK && IPC_LABEL_TAG(m.label) == E_PERM);
	TEST_ERR(name, ksm_stats(99999, &ks), E_NOENT);
	mfree(p);
	test_pass(name);
}

/* Wait (60 s at most, a liveness bound) for n more full scans. */
static void wait_scans(const char *name, uint64_t n)
{
	uint64_t f0 = stats()->full_scans;
	for (int t = 0; t < 6000 && stats()->full_scans < f0 + n; t++)
		sleep_ms(10);
	if (ks.full_scans < f0 + n)
		test_fail(name, "full_scans %lu, want %lu", ks.full_scans, f0 + n);
}

static struct pg_page_info pinfo[64];

/* Bit i set if page i of the n (<= 64) from p is merged (PGI_KSM). */
static uint64_t ksm_pages(const char *name, volatile void *p, unsigned n)
{
	uint64_t bits = 0;
	TEST_ERR(name, page_info((const void *)p, n * 4096ul, pinfo), 0);
	for (unsigned i = 0; i < n; i++)
		bits |= (uint64_t)((pinfo[i].flags & PGI_KSM) != 0) << i;
	return bits;
}

/* The regions of this process inside [p, p + n pages): how many; *merge =
 * bit i set if page i is in a mergeable region. */
static size_t regions_in(const char *name, volatile void *p, unsigned n, uint64_t *merge)
{
	static struct pg_region_info v[64];
	size_t nv, in = 0;
	uint64_t lo = (uint64_t)p, hi = lo + n * 4096ul;
	TEST_ERR(name, pager_pmap(sys_pid, v, 64, &nv), E_OK);
	*merge = 0;
	for (size_t i = 0; i < nv; i++) {
		if (v[i].end <= lo || v[i].start >= hi)
			continue;
		in++;
		for (uint64_t va = v[i].start; va < v[i].end; va += 4096)
			if (v[i].mergeable && va >= lo && va < hi)
				*merge |= 1ull << ((va - lo) / 4096);
	}
	return in;
}

/* 64 pages of 8 contents, page i holding content i % 8 (salt s). */
static volatile uint64_t *pages64(const char *name, uint64_t s)
{
	void *p;
	TEST_ERR(name, mmap_anon(64 * 4096, &p), E_OK);
	fill(p, 64, 8, s);
	return p;
}

#define LOW32 0xFFFFFFFFull

/* Only the advised half of one mapping merges; unmerging pages 8-15
 * unmerges exactly those. */
static void test_range(void)
{
	const char *name = "ksm_madvise_range";
	volatile uint64_t *p = pages64(name, 5);
	uint64_t mm;
	TEST_ERR(name, pg_madvise((void *)p, 32 * 4096, MADV_MERGEABLE), E_OK);
	TEST_CHECK(name, regions_in(name, p, 64, &mm) == 2 && mm == LOW32);
	set(KSM_CTL_RUN, 1);
	wait_scans(name, 3); /* two to merge, one more to see the rest */
	if (stats()->pages_shared != 8 || ks.pages_sharing != 24)
		test_fail(name, "pages_shared %lu pages_sharing %lu, want 8 24",
			  ks.pages_shared, ks.pages_sharing);
	TEST_CHECK(name, ksm_pages(name, p, 64) == LOW32);
	struct ksm_stats me;
	TEST_ERR(name, ksm_stats(0, &me), E_OK);
	TEST_CHECK(name, me.ksm_merging_pages == 32);
	set(KSM_CTL_RUN, 0);
	TEST_ERR(name, pg_madvise((char *)p + 8 * 4096, 8 * 4096, MADV_UNMERGEABLE), E_OK);
	TEST_CHECK(name, ksm_pages(name, p, 64) == (LOW32 & ~0xFF00ull));
	/* [0, 8) and [16, 32) mergeable, [8, 16) and [32, 64) not */
	TEST_CHECK(name, regions_in(name, p, 64, &mm) == 4 && mm == (LOW32 & ~0xFF00ull));
	TEST_CHECK(name, verify(p, 64, 8, 5));
	set(KSM_CTL_RUN, 2);
	TEST_CHECK(name, ksm_pages(name, p, 64) == 0);
	TEST_ERR(name, pg_madvise((void *)p, 64 * 4096, MADV_UNMERGEABLE), E_OK);
	TEST_CHECK(name, regions_in(name, p, 64, &mm) == 1 && mm == 0); /* one again */
	mfree((void *)p);
	test_pass(name);
}

/* The heap split by madvise still moves with brk (its last part grows,
 * a shrink goes across the parts). */
static void test_heap(void)
{
	const char *name = "ksm_madvise_heap";
	uint64_t b0, b1, mm;
	TEST_ERR(name, pgreq_brk(0, &b0), E_OK);
	uint64_t base = (b0 + 4095) & ~4095ull;
	TEST_ERR(name, pgreq_brk(base + 8 * 4096, &b1), E_OK);
	TEST_ERR(name, pg_madvise((void *)(base + 2 * 4096), 4 * 4096, MADV_MERGEABLE), E_OK);
	TEST_CHECK(name, regions_in(name, (void *)base, 8, &mm) == 3 && mm == 0x3C);
	TEST_ERR(name, pgreq_brk(base + 16 * 4096, &b1), E_OK);
	((volatile char *)base)[15 * 4096] = 1;
	TEST_CHECK(name, regions_in(name, (void *)base, 16, &mm) == 3 && mm == 0x3C);
	TEST_ERR(name, pgreq_brk(b0, &b1), E_OK);
	TEST_CHECK(name, b1 == b0 && regions_in(name, (void *)base, 16, &mm) == 0);
	test_pass(name);
}

/* Merge, make the region read-only, unmerge: private read-only copies. */
static void test_readonly(void)
{
	const char *name = "ksm_unmerge_readonly";
	volatile uint64_t *p = pages64(name, 6);
	TEST_ERR(name, pg_madvise((void *)p, 64 * 4096, MADV_MERGEABLE), E_OK);
	set(KSM_CTL_RUN, 1);
	wait_merged(name, 8, 56);
	set(KSM_CTL_RUN, 0);
	TEST_ERR(name, pgreq_mprotect((void *)p, 32 * 4096, MAP_R), E_OK);
	TEST_ERR(name, pg_madvise((void *)p, 16 * 4096, MADV_UNMERGEABLE), E_OK);
	TEST_CHECK(name, ksm_pages(name, p, 64) == ~0xFFFFull);
	for (unsigned i = 0; i < 16; i++)
		TEST_CHECK(name, (pinfo[i].flags & (PGI_PRESENT | PGI_WRITABLE | PGI_COW)) ==
				 PGI_PRESENT);
	set(KSM_CTL_RUN, 2); /* the rest, the read-only half too */
	TEST_CHECK(name, ksm_pages(name, p, 64) == 0);
	TEST_CHECK(name, stats()->pages_shared == 0);
	TEST_CHECK(name, verify(p, 64, 8, 6));
	TEST_ERR(name, pgreq_mprotect((void *)p, 16 * 4096, MAP_R | MAP_W), E_OK); /* two */
	TEST_ERR(name, pgreq_mprotect((char *)p + 16 * 4096, 16 * 4096, MAP_R | MAP_W), E_OK);
	p[0] = override[0] = 0x726f;
	TEST_CHECK(name, verify(p, 64, 8, 6));
	override[0] = 0;
	uint64_t mm;
	TEST_ERR(name, pg_madvise((void *)p, 64 * 4096, MADV_UNMERGEABLE), E_OK);
	TEST_CHECK(name, regions_in(name, p, 64, &mm) == 1 && mm == 0); /* for mfree */
	mfree((void *)p);
	test_pass(name);
}

int main(void)
{
	TEST_ERR("ksm", shared_ep(KEY_ACK, &ack_ep), E_OK);
	for (int k = 0; k < MAXKIDS; k++)
		TEST_ERR("ksm", shared_ep(KEY_CMD + (uint64_t)k, &cmd_ep[k]), E_OK);
	set(KSM_CTL_RUN, 2);
	set(KSM_CTL_DOMAINS, 1);
	set(KSM_CTL_MAX_PAGE_SHARING, 256);
	set(KSM_CTL_USE_ZERO_PAGES, 0);
	set(KSM_CTL_PAGES_TO_SCAN, 1000);
	set(KSM_CTL_SLEEP_MS, 0);
	test_bad();
	test_range();
	test_heap();
	test_readonly();
	test_merge_write_exit();
	test_volatile();
	test_run2();
	test_fork();
	test_domains();
	set(KSM_CTL_RUN, 0);
	set(KSM_CTL_PAGES_TO_SCAN, 100);
	set(KSM_CTL_SLEEP_MS, 20);
	return 0;
}
