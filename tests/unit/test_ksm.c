/* pager/ksm*.c: the KSM scanner on a fake machine.  Owners (processes)
 * map pages to frames with reference counts; a write to a read-only or
 * shared page copies it first (COW), as the pager does; a merged frame
 * whose last page goes is given back through ksm_frame_gone.  A model
 * keeps what every page must hold. */
#include <check.h>
#include "check_run.h"
#include "rng.h"
#include <stdlib.h>
#include <string.h>
#include "abi/err.h"
#include "ksm.h"
#include "ksm_int.h"

#define OWNERS 4
#define PAGES  48
#define FRAMES 512
#define ZERO   (FRAMES + 1)

struct fpage { int frame; bool present, wp, mergeable; };
static struct fpage pages[OWNERS][PAGES];
static bool alive[OWNERS];
static uint8_t mem[FRAMES][KSM_PAGE];
static int refs[FRAMES];
static bool used[FRAMES], merged[FRAMES];
static uint8_t model[OWNERS][PAGES][KSM_PAGE];
static const uint8_t zero_page[KSM_PAGE];
static int armed_owner = -1, armed_page, armed_when; /* 0 before protect, 1 after */
static uint64_t forced_hash_on;

static uint64_t va_of(int p) { return (uint64_t)(p + 1) * KSM_PAGE; }
static int page_of(uint64_t va) { return (int)(va / KSM_PAGE) - 1; }

static int frame_alloc(void)
{
	for (int f = 0; f < FRAMES; f++)
		if (!used[f]) {
			used[f] = true;
			refs[f] = 0;
			merged[f] = false;
			return f;
		}
	ck_abort_msg("out of fake frames");
	return -1;
}

static void unref(int f)
{
	if (f == ZERO)
		return;
	ck_assert_int_gt(refs[f], 0);
	if (--refs[f])
		return;
	if (merged[f])
		ksm_frame_gone((uint64_t)f);
	used[f] = false;
}

static const uint8_t *bytes_of(int f) { return f == ZERO ? zero_page : mem[f]; }

/* A user write of byte v at off of (o, p), with COW as the pager does. */
static void write_byte(int o, int p, unsigned off, uint8_t v)
{
	struct fpage *pg = &pages[o][p];
	if (!pg->present) {
		pg->frame = frame_alloc();
		memset(mem[pg->frame], 0, KSM_PAGE);
		refs[pg->frame] = 1;
		pg->present = true;
	} else if (pg->wp || pg->frame == ZERO || refs[pg->frame] > 1 || merged[pg->frame]) {
		int f = frame_alloc();
		memcpy(mem[f], bytes_of(pg->frame), KSM_PAGE);
		refs[f] = 1;
		unref(pg->frame);
		pg->frame = f;
	}
	pg->wp = false;
	mem[pg->frame][off] = v;
	model[o][p][off] = v;
}

static void fill(int o, int p, uint8_t v)
{
	write_byte(o, p, 0, v);
	memset(mem[pages[o][p].frame], v, KSM_PAGE);
	memset(model[o][p], v, KSM_PAGE);
}

static bool in_flush, armed_later; /* f_flush runs; an armed write waits for it */

/* True if a write to (o, p) needs the pager (a fault: COW or a new page). */
static bool needs_pager(int o, int p)
{
	struct fpage *pg = &pages[o][p];
	return !pg->present || pg->wp || pg->frame == ZERO || refs[pg->frame] > 1 ||
	       merged[pg->frame];
}

/* The armed write, by "another CPU".  During a flush (the pager in its
 * batch) a write that faults waits for the pager: it lands after the
 * flush, as the system serves it. */
static void fire_armed(int when)
{
	if (armed_owner >= 0 && armed_when == when) {
		int o = armed_owner;
		if (in_flush && alive[o] && needs_pager(o, armed_page)) {
			armed_later = true;
			return;
		}
		armed_owner = -1;
		if (alive[o] && pages[o][armed_page].present)
			write_byte(o, armed_page, 100, 0xEE);
	}
}

static bool f_page(uint32_t o, uint64_t va, struct ksm_page *out);

static bool f_next(uint32_t *owner, uint64_t *va, struct ksm_page *pg)
{
	for (uint32_t o = *owner; o < OWNERS; o++, *va = 0)
		for (int p = *va ? page_of(*va) : 0; p >= 0 && p < PAGES && alive[o]; p++)
			if (pages[o][p].present && pages[o][p].mergeable) {
				*owner = o;
				*va = va_of(p);
				return f_page(o, *va, pg);
			}
	return false;
}

static bool f_page(uint32_t o, uint64_t va, struct ksm_page *out)
{
	struct fpage *pg = &pages[o][page_of(va)];
	if (o >= OWNERS || !alive[o] || !pg->present || !pg->mergeable)
		return false;
	out->frame = (uint64_t)pg->frame;
	out->bytes = pg->frame == ZERO ? NULL : mem[pg->frame];
	out->kind = pg->frame == ZERO ? KSM_PG_ZERO :
		    merged[pg->frame] ? KSM_PG_MERGED : KSM_PG_PRIVATE;
	return true;
}

/* ksm_merge as the kernel does it: write-protect (a write armed for
 * "before" lands in the bytes, one armed for "after" copies), then the
 * frame and the bytes checked, then the remap. */
static bool fail_merges; /* every merge fails (E_AGAIN), as if each page changed */

static int f_merge(uint32_t o, uint64_t va, uint64_t expect, uint64_t frame)
{
	struct fpage *pg = &pages[o][page_of(va)];
	if (fail_merges)
		return E_AGAIN;
	fire_armed(0);
	pg->wp = true;
	fire_armed(1);
	if ((uint64_t)pg->frame != expect)
		return E_AGAIN;
	int nf = frame == KSM_ZERO_FRAME ? ZERO : (int)frame;
	ck_assert(nf == ZERO || merged[nf]);
	if (memcmp(bytes_of(pg->frame), bytes_of(nf), KSM_PAGE) != 0)
		return E_AGAIN;
	if (nf != ZERO)
		refs[nf]++;
	unref(pg->frame);
	pg->frame = nf;
	return E_OK;
}

static int f_frame_new(const uint8_t *bytes, uint64_t *frame)
{
	int f = frame_alloc();
	memcpy(mem[f], bytes, KSM_PAGE);
	merged[f] = true;
	*frame = (uint64_t)f;
	return E_OK;
}

static const uint8_t *f_frame_bytes(uint64_t f) { return mem[f]; }

static void f_frame_put(uint64_t f)
{
	ck_assert_int_eq(refs[f], 0);
	used[f] = false;
}

static uint64_t hashes; /* checksums taken */

static uint64_t f_hash(const void *page)
{
	hashes++;
	return forced_hash_on ? 42 : ksm_hash(page);
}

/* Queued merges (the pager's ksm_merge_many): checked as the pager's
 * dp_merge_prepare does, done in order by f_flush. */
static struct { uint32_t o; uint64_t va, expect, frame; } fq[KSM_QUEUE];
static unsigned nfq, flushes, flushed, most_flushed;

static int f_queue(uint32_t o, uint64_t va, uint64_t expect, uint64_t frame)
{
	struct fpage *pg = &pages[o][page_of(va)];
	ck_assert_uint_lt(nfq, KSM_QUEUE);
	if (!pg->present || (uint64_t)pg->frame != expect)
		return E_AGAIN;
	fq[nfq].o = o, fq[nfq].va = va, fq[nfq].expect = expect, fq[nfq++].frame = frame;
	return E_OK;
}

static unsigned stop_after; /* the next flush tries this many (0: all), E_BUSY for the rest */

static void f_flush(int *res, unsigned n, bool cancel)
{
	ck_assert_uint_eq(n, nfq);
	if (stop_after && !cancel) {
		for (unsigned i = stop_after; i < n; i++)
			res[i] = E_BUSY;
		n = n < stop_after ? n : stop_after;
		stop_after = 0;
	}
	if (cancel) {
		for (unsigned i = 0; i < n; i++)
			res[i] = E_AGAIN;
		nfq = 0;
		return;
	}
	in_flush = true;
	for (unsigned i = 0; i < n; i++)
		res[i] = f_merge(fq[i].o, fq[i].va, fq[i].expect, fq[i].frame);
	in_flush = false;
	nfq = 0;
	flushes++;
	flushed += n;
	most_flushed = n > most_flushed ? n : most_flushed;
	if (armed_later) { /* the fault served after the batch */
		armed_later = false;
		fire_armed(armed_when);
	}
}

static const struct ksm_ops fops = {
	f_next, f_page, f_merge, f_frame_new, f_frame_bytes, f_frame_put, f_hash, NULL, NULL,
};

static const struct ksm_ops fops_queued = {
	f_next, f_page, f_merge, f_frame_new, f_frame_bytes, f_frame_put, f_hash,
	f_queue, f_flush,
};

/* Every test runs twice (a loop test): _i 0 merges one by one, _i 1
 * queues them (ops->queue, ops->flush), as the pager does. */
#define setup() setup_mode(_i)
static void setup_mode(int queued)
{
	nfq = flushes = flushed = most_flushed = stop_after = 0;
	fail_merges = in_flush = armed_later = false;
	memset(pages, 0, sizeof pages);
	memset(used, 0, sizeof used);
	memset(model, 0, sizeof model);
	armed_owner = -1;
	forced_hash_on = 0;
	for (int o = 0; o < OWNERS; o++)
		alive[o] = true;
	ksm_init(queued ? &fops_queued : &fops);
}

static void mergeable(int o, int from, int to)
{
	for (int p = from; p < to; p++)
		pages[o][p].mergeable = true;
}

/* Owners 0 .. owners - 1: pages 0 .. n - 1 mergeable, page p filled with
 * the byte base + p % period. */
static void mergeable_filled(int owners, int n, int base, int period)
{
	for (int o = 0; o < owners; o++) {
		mergeable(o, 0, n);
		for (int p = 0; p < n; p++)
			fill(o, p, (uint8_t)(base + p % period));
	}
}

static int frames_used(void)
{
	int n = 0;
	for (int f = 0; f < FRAMES; f++)
		n += used[f];
	return n;
}

static void check_model(void)
{
	for (int o = 0; o < OWNERS; o++)
		for (int p = 0; p < PAGES; p++)
			if (alive[o] && pages[o][p].present)
				ck_assert_msg(!memcmp(bytes_of(pages[o][p].frame), model[o][p], KSM_PAGE),
					      "owner %d page %d differs from the model", o, p);
	ck_assert(ksm_check());
}

static struct ksm_stats stats(void);

/* Scan until n more full scans have ended. */
static void scan_passes(int n)
{
	uint64_t end = stats().full_scans + (uint64_t)n;
	while (stats().full_scans < end)
		ksm_scan(7);
}

static void owner_exit(int o)
{
	for (int p = 0; p < PAGES; p++)
		if (pages[o][p].present)
			unref(pages[o][p].frame);
	memset(pages[o], 0, sizeof pages[o]);
	memset(model[o], 0, sizeof model[o]);
	alive[o] = false;
	ksm_owner_gone((uint32_t)o);
}

static void unmerge_page(int o, int p)
{
	struct fpage *pg = &pages[o][p];
	if (pg->present && (pg->frame == ZERO || merged[pg->frame]))
		write_byte(o, p, 0, model[o][p][0]); /* a private copy, same bytes */
}

static void fork_owner(int parent, int child)
{
	for (int p = 0; p < PAGES; p++) {
		pages[child][p] = pages[parent][p];
		if (pages[parent][p].present) {
			pages[parent][p].wp = pages[child][p].wp = true;
			if (pages[parent][p].frame != ZERO)
				refs[pages[parent][p].frame]++;
		}
		memcpy(model[child][p], model[parent][p], KSM_PAGE);
	}
	alive[child] = true;
	ksm_set_domain((uint32_t)child, ksm_domain((uint32_t)parent));
}

static struct ksm_stats stats(void)
{
	struct ksm_stats s;
	ksm_get_stats(&s, KSM_OWNERS);
	return s;
}

/* 4 owners x 16 pages of 4 contents: 4 frames, 60 pages sharing. */
START_TEST(merges_identical_pages)
{
	setup();
	mergeable_filled(OWNERS, 16, 1, 4);
	ck_assert_int_eq(frames_used(), 64);
	scan_passes(1);
	ck_assert_uint_eq(stats().pages_shared, 0); /* first pass: checksums only */
	scan_passes(1);
	struct ksm_stats s = stats();
	ck_assert_uint_eq(s.pages_shared, 4);
	ck_assert_uint_eq(s.pages_sharing, 60);
	ck_assert_uint_eq(s.pages_unshared, 0);
	ck_assert_int_eq(frames_used(), 4);
	ck_assert_int_gt(s.general_profit, 0);
	struct ksm_stats po;
	ksm_get_stats(&po, 1);
	ck_assert_uint_eq(po.ksm_merging_pages, 16);
	ck_assert_uint_eq(po.ksm_rmap_items, 16);
	check_model();
}
END_TEST

/* Pages not marked mergeable are never touched. */
START_TEST(only_mergeable_pages)
{
	setup();
	for (int o = 0; o < 2; o++)
		for (int p = 0; p < 8; p++)
			fill(o, p, 7);
	mergeable(0, 0, 4);
	scan_passes(3);
	ck_assert_uint_eq(stats().pages_shared, 1);
	ck_assert_uint_eq(stats().pages_sharing, 3);
	ck_assert_int_eq(frames_used(), 1 + 12);
	check_model();
}
END_TEST

/* A page rewritten before every scan is volatile: never merged. */
START_TEST(volatile_never_merged)
{
	setup();
	mergeable_filled(1, 4, 9, 1);
	for (int round = 0; round < 30; round++) {
		write_byte(0, 0, 5, (uint8_t)round);
		write_byte(0, 0, 6, 9);
		fill(0, 0, 9);
		write_byte(0, 0, 7, (uint8_t)(round + 1)); /* changed since the last scan */
		scan_passes(1);
		ck_assert(!merged[pages[0][0].frame]);
	}
	ck_assert_uint_ge(stats().pages_volatile, 1);
	ck_assert_uint_eq(stats().pages_sharing, 2); /* the other three merged */
	check_model();
}
END_TEST

/* Pages that differ only in their last byte never merge. */
START_TEST(last_byte_differs)
{
	setup();
	mergeable(0, 0, 2);
	mergeable(1, 0, 2);
	fill(0, 0, 5);
	fill(1, 0, 5);
	write_byte(1, 0, KSM_PAGE - 1, 6);
	scan_passes(6);
	ck_assert_uint_eq(stats().pages_shared, 0);
	ck_assert_int_ne(pages[0][0].frame, pages[1][0].frame);
	check_model();
}
END_TEST

/* Every checksum equal: the bytes still decide (no wrong merge), the
 * same contents still merge, and the trees stay ordered by bytes. */
START_TEST(forced_hash_collision)
{
	setup();
	forced_hash_on = 1;
	mergeable_filled(2, 40, 0, 20);
	write_byte(1, 3, KSM_PAGE - 1, 0x77); /* differs in its last byte */
	scan_passes(3);
	struct ksm_stats s = stats();
	ck_assert_uint_eq(s.pages_shared, 20);
	ck_assert_uint_eq(s.pages_sharing, 80 - 20 - 1);
	ck_assert(!merged[pages[1][3].frame]);
	check_model();
	/* one more lookup costs O(log n) full compares */
	uint64_t before = stats().page_compares;
	mergeable(2, 0, 1);
	fill(2, 0, 200);
	scan_passes(1);
	ck_assert_uint_le(stats().page_compares - before, 2 * 12 * 80);
}
END_TEST

/* A checksum only one stable node has: the pager does not compare the
 * bytes, the merge does (f_merge, as the kernel), so a page colliding
 * with that node (other bytes outside the sample the pager looks at, the
 * same forced checksum) is turned away
 * by the merge, and a third page of the node's contents still joins. */
START_TEST(collision_with_single_stable_node)
{
	setup();
	forced_hash_on = 1;
	mergeable(0, 0, 3);
	fill(0, 0, 1);
	fill(0, 1, 1);
	fill(0, 2, 9);
	scan_passes(2);
	ck_assert_uint_eq(stats().pages_shared, 1);
	uint64_t failed = stats().merges_failed, compares = stats().page_compares;
	mergeable(1, 0, 2);
	fill(1, 0, 1);
	write_byte(1, 0, 64 + 5, 2); /* collides; the same sample (block 1 is not in it) */
	fill(1, 1, 1); /* the node's contents */
	scan_passes(2);
	ck_assert(!merged[pages[1][0].frame]);
	ck_assert(merged[pages[1][1].frame] && pages[1][1].frame == pages[0][0].frame);
	ck_assert_uint_gt(stats().merges_failed, failed);
	ck_assert_uint_eq(stats().pages_sharing, 2);
	ck_assert_uint_lt(stats().page_compares - compares, 12);
	check_model();
}
END_TEST

/* max_page_sharing: more pages of one content get a chain of frames. */
START_TEST(chains_past_max_page_sharing)
{
	setup();
	ck_assert_int_eq(ksm_set(KSM_CTL_MAX_PAGE_SHARING, 4, 0), E_OK);
	mergeable_filled(1, 10, 3, 1);
	scan_passes(4);
	struct ksm_stats s = stats();
	ck_assert_uint_eq(s.pages_shared, 3);
	ck_assert_uint_eq(s.pages_sharing, 7);
	ck_assert_uint_eq(s.stable_node_chains, 1);
	ck_assert_int_eq(frames_used(), 3);
	for (int f = 0; f < FRAMES; f++)
		ck_assert_int_le(used[f] ? refs[f] : 0, 4);
	check_model();
	for (int p = 0; p < 10; p++)
		write_byte(0, p, 1, 1);
	scan_passes(1);
	ck_assert_uint_eq(stats().pages_shared, 0);
	ck_assert_uint_eq(stats().stable_node_chains, 0);
	check_model();
}
END_TEST

/* A write after a merge: the writer's copy is new, the others keep the
 * frame; the frame goes with its last sharer. */
START_TEST(write_after_merge)
{
	setup();
	mergeable_filled(3, 1, 0x41, 1);
	scan_passes(2);
	ck_assert_uint_eq(stats().pages_sharing, 2);
	write_byte(1, 0, 10, 0x42);
	scan_passes(1);
	ck_assert_uint_eq(stats().pages_sharing, 1);
	ck_assert_int_eq(mem[pages[0][0].frame][10], 0x41);
	ck_assert_int_eq(mem[pages[1][0].frame][10], 0x42);
	write_byte(0, 0, 10, 0x43);
	write_byte(2, 0, 10, 0x44);
	ck_assert_uint_eq(stats().pages_shared, 0); /* the last sharer wrote */
	ck_assert_int_eq(frames_used(), 3);
	check_model();
}
END_TEST

/* Unmerging every page (run 2) leaves private copies, the same bytes,
 * no merged frame. */
START_TEST(unmerge_everything)
{
	setup();
	mergeable_filled(OWNERS, 8, 0, 2);
	ksm_set(KSM_CTL_USE_ZERO_PAGES, 1, 0);
	scan_passes(2);
	ck_assert_uint_eq(stats().pages_shared, 1);
	ck_assert_uint_eq(stats().ksm_zero_pages, 16);
	for (int o = 0; o < OWNERS; o++)
		for (int p = 0; p < 8; p++)
			unmerge_page(o, p);
	ksm_reset();
	struct ksm_stats s = stats();
	ck_assert_uint_eq(s.pages_shared, 0);
	ck_assert_uint_eq(s.ksm_zero_pages, 0);
	ck_assert_uint_eq(s.rmap_items, 0);
	ck_assert_int_eq(frames_used(), 32);
	check_model();
}
END_TEST

/* Smart scan: unique pages are skipped for growing numbers of passes,
 * and one that gets a twin still merges. */
START_TEST(smart_scan_backoff)
{
	setup();
	mergeable_filled(1, 8, 10, 8);
	scan_passes(12);
	struct ksm_stats s = stats();
	ck_assert_uint_gt(s.pages_skipped, 8);
	ck_assert_uint_lt(s.pages_scanned, 12 * 8);
	ksm_scan(3);
	ksm_owner_gone(0); /* its items in the unstable tree: dead until it goes */
	ksm_stop();
	ck_assert(ksm_check());
	ck_assert_uint_eq(stats().rmap_items, 0);
	alive[0] = true;
	mergeable(1, 0, 1);
	fill(1, 0, 13);
	scan_passes(20);
	ck_assert_uint_eq(stats().pages_shared, 1);
	check_model();
}
END_TEST

/* Domains: identical pages of two domains never share a frame; with
 * domains off they do (after an unmerge, switching is refused while
 * frames are merged). */
START_TEST(domains_apart)
{
	setup();
	ksm_set_domain(0, 1);
	ksm_set_domain(1, 2);
	mergeable_filled(2, 2, 0x55, 1);
	scan_passes(3);
	ck_assert_uint_eq(stats().pages_shared, 2);
	ck_assert_int_ne(pages[0][0].frame, pages[1][0].frame);
	ck_assert_int_eq(ksm_set(KSM_CTL_DOMAINS, 0, 0), E_BUSY);
	for (int o = 0; o < 2; o++)
		for (int p = 0; p < 2; p++)
			unmerge_page(o, p);
	ksm_reset();
	ck_assert_int_eq(ksm_set(KSM_CTL_DOMAINS, 0, 0), E_OK);
	scan_passes(3);
	ck_assert_uint_eq(stats().pages_shared, 1);
	ck_assert_int_eq(pages[0][0].frame, pages[1][0].frame);
	check_model();
}
END_TEST

/* A write racing the merge, before or after the write-protect: never
 * lost; a page written after its protect keeps its copy. */
START_TEST(write_during_merge)
{
	for (int when = 0; when < 2; when++) {
		setup();
		mergeable_filled(2, 1, 0x30, 1);
		scan_passes(1);
		armed_owner = 1;
		armed_page = 0;
		armed_when = when;
		scan_passes(1);
		ck_assert_int_eq(armed_owner, -1); /* it fired */
		ck_assert_int_eq(mem[pages[1][0].frame][100], 0xEE);
		ck_assert_int_eq(mem[pages[0][0].frame][100], 0x30);
		check_model();
	}
}
END_TEST

/* Fork of an owner with merged pages, then exits: every frame back. */
START_TEST(fork_and_exit_return_frames)
{
	setup();
	alive[2] = alive[3] = false;
	mergeable_filled(2, 6, 0, 3);
	scan_passes(2);
	ck_assert_int_eq(frames_used(), 3);
	fork_owner(0, 2);
	scan_passes(2);
	ck_assert_uint_eq(stats().pages_sharing, 18 - 3);
	write_byte(2, 0, 9, 9);
	check_model();
	owner_exit(0);
	owner_exit(2);
	owner_exit(1);
	scan_passes(1);
	ck_assert_int_eq(frames_used(), 0);
	ck_assert_uint_eq(stats().pages_shared, 0);
	ck_assert_uint_eq(stats().rmap_items, 0);
	ck_assert(ksm_check());
}
END_TEST

/* Random writes, merges, unmerges, forks and exits against the model:
 * every page always holds what the model says; no frame leaks. */
START_TEST(random_model)
{
	rng_state = rng_env_seed(0x5EEDull);
	setup();
	ksm_set(KSM_CTL_MAX_PAGE_SHARING, 3, 0);
	ksm_set(KSM_CTL_USE_ZERO_PAGES, 1, 0);
	uint64_t most = 0;
	for (int step = 0; step < 20000; step++) {
		int o = (int)(rnd() % OWNERS), p = (int)(rnd() % PAGES), r = (int)(rnd() % 100);
		if (!alive[o]) {
			if (r < 5) { /* respawn */
				alive[o] = true;
				ksm_set_domain((uint32_t)o, (uint32_t)(rnd() % 2));
			}
			continue;
		}
		if (r < 40)
			write_byte(o, p, (unsigned)(rnd() % 4) * 1365, (uint8_t)(rnd() % 3));
		else if (r < 50)
			pages[o][p].mergeable = !pages[o][p].mergeable;
		else if (r < 55)
			unmerge_page(o, p);
		else if (r < 85) {
			ksm_scan((unsigned)(rnd() % 64) + 1);
			ksm_flush(); /* before any page changes, as the pager */
		}
		else if (r < 87) {
			int c = (int)(rnd() % OWNERS);
			if (!alive[c])
				fork_owner(o, c);
		} else if (r < 88)
			owner_exit(o);
		else if (r < 89) {
			armed_owner = o, armed_page = p, armed_when = (int)(rnd() % 2);
			if (!pages[o][p].present)
				armed_owner = -1;
		}
		if (step % 97 == 0) {
			check_model();
			if (stats().pages_sharing + stats().ksm_zero_pages > most)
				most = stats().pages_sharing + stats().ksm_zero_pages;
		}
	}
	ck_assert_uint_gt(most, 4); /* merges happened */
	check_model();
	ck_assert_uint_gt(stats().full_scans, 10);
	for (int o = 0; o < OWNERS; o++)
		if (alive[o])
			owner_exit(o);
	ksm_scan(10);
	ck_assert_int_eq(frames_used(), 0);
	ck_assert_uint_eq(stats().pages_shared, 0);
	ck_assert(ksm_check());
}
END_TEST

START_TEST(advisor)
{
	/* 10,000 pages in 10 s, 20 ms sleeps, 1 us a page, 50% CPU: */
	uint32_t n = ksm_advise(10000, 1000, 20, 10000, 50);
	ck_assert_uint_ge(n, 20);  /* 500 batches of >= 20 fit */
	ck_assert_uint_le(n, 25);
	/* a tight CPU budget caps it: 1% of (20 ms + n us) -> ~202 pages */
	n = ksm_advise(1000000, 1000, 20, 1000, 1);
	ck_assert_uint_le(n, 203);
	ck_assert_uint_ge(ksm_advise(1, 1, 20, 100000, 100), KSM_ADV_MIN);
	ck_assert_uint_eq(ksm_advise(1000000, 100000, 0, 1000, 100), KSM_PAGES_MAX);
	setup();
	ck_assert_int_eq(ksm_set(KSM_CTL_ADVISOR, 1, 0), E_INVAL);
	ck_assert_int_eq(ksm_set(KSM_CTL_ADVISOR, 1, 25), E_OK);
	mergeable_filled(1, 40, 0, 40);
	ksm_account(1000, ksm_scan(100));
	ck_assert_uint_ne(stats().pages_to_scan, 100);
}
END_TEST

START_TEST(settings_checked)
{
	setup();
	ck_assert_int_eq(ksm_set(KSM_CTL_RUN, 3, 0), E_INVAL);
	ck_assert_int_eq(ksm_set(KSM_CTL_PAGES_TO_SCAN, 0, 0), E_INVAL);
	ck_assert_int_eq(ksm_set(KSM_CTL_MAX_PAGE_SHARING, 1, 0), E_INVAL);
	ck_assert_int_eq(ksm_set(99, 0, 0), E_INVAL);
	struct ksm_stats s = stats();
	ck_assert_uint_eq(s.pages_to_scan, 100);
	ck_assert_uint_eq(s.sleep_ms, 20);
	ck_assert_uint_eq(s.max_page_sharing, 256);
}
END_TEST

/* The second pass: a page whose last checksum is now a stable node's
 * joins it without a new checksum (only the pair that made the node, in
 * the unstable tree, take one). */
START_TEST(stable_join_without_checksum)
{
	setup();
	mergeable(0, 0, 2);
	mergeable(1, 0, 1);
	fill(0, 0, 3);
	fill(0, 1, 3);
	fill(1, 0, 3);
	scan_passes(1);
	uint64_t h = hashes;
	scan_passes(1);
	ck_assert_uint_eq(hashes - h, 2);
	ck_assert_uint_eq(stats().pages_shared, 1);
	ck_assert_uint_eq(stats().pages_sharing, 2);
	ck_assert_uint_eq(stats().merges_failed, 0);
	check_model();
}
END_TEST

/* That join looks at a sample of the bytes only; a page that changed
 * elsewhere since its checksum is turned away by the merge's full
 * compare, keeps its bytes, and merges once its twin comes. */
START_TEST(stable_join_changed_outside_sample)
{
	setup();
	mergeable(0, 0, 2);
	mergeable(1, 0, 2);
	fill(0, 0, 3);
	fill(0, 1, 3);
	fill(1, 0, 3);
	fill(1, 1, 8);
	scan_passes(1);
	write_byte(1, 0, 64 + 5, 0x5A); /* block 1: outside the sample */
	scan_passes(1);
	ck_assert(!merged[pages[1][0].frame]);
	ck_assert_uint_eq(stats().merges_failed, 1);
	ck_assert_uint_eq(stats().pages_sharing, 1);
	check_model();
	for (unsigned i = 0; i < KSM_PAGE; i++)
		write_byte(1, 1, i, model[1][0][i]); /* its twin */
	scan_passes(3);
	ck_assert(merged[pages[1][0].frame] && pages[1][0].frame == pages[1][1].frame);
	check_model();
}
END_TEST

/* The checksum sees a change in any one byte, the last included. */
START_TEST(hash_sees_every_byte)
{
	static uint8_t a[KSM_PAGE] __attribute__((aligned(8)));
	uint64_t h0 = ksm_hash(a);
	for (unsigned i = 0; i < KSM_PAGE; i += 61) {
		a[i] = 1;
		ck_assert_uint_ne(ksm_hash(a), h0);
		a[i] = 0;
	}
	a[KSM_PAGE - 1] = 1;
	ck_assert_uint_ne(ksm_hash(a), h0);
}
END_TEST

/* Queued merges that all fail (every page changed before its
 * write-protect) are undone at the flush: no page counted merged, the new
 * frames made for the pairs given back, the trees consistent; the next
 * passes merge them. */
START_TEST(queued_merges_undone)
{
	setup();
	mergeable_filled(OWNERS, 16, 1, 4);
	scan_passes(1);
	fail_merges = true;
	scan_passes(1);
	struct ksm_stats s = stats();
	ck_assert_uint_eq(s.pages_shared, 0);
	ck_assert_uint_eq(s.pages_sharing, 0);
	ck_assert_uint_gt(s.merges_failed, 0);
	ck_assert_int_eq(frames_used(), 64);
	check_model();
	fail_merges = false;
	scan_passes(12);
	ck_assert_uint_eq(stats().pages_shared, 4);
	ck_assert_uint_eq(stats().pages_sharing, 60);
	ck_assert_int_eq(frames_used(), 4);
	check_model();
}
END_TEST

/* With ops->queue the merges of a pass go in batches (one flush for many
 * pages), and a write that lands between a batch's merges (before the
 * write-protect of its page) fails that merge alone. */
START_TEST(queued_merges_batched)
{
	setup();
	mergeable_filled(OWNERS, 16, 1, 4);
	scan_passes(1);
	armed_owner = 3, armed_page = 15, armed_when = 0;
	scan_passes(1);
	if (_i) {
		ck_assert_uint_gt(flushes, 0);
		ck_assert_uint_ge(most_flushed, KSM_QUEUE - 2);
		ck_assert_uint_lt(flushes, flushed);
	}
	ck_assert_int_eq(armed_owner, -1);
	ck_assert_uint_eq(stats().pages_sharing, 59);
	ck_assert(!merged[pages[3][15].frame]);
	ck_assert_int_eq(mem[pages[3][15].frame][100], 0xEE);
	check_model();
}
END_TEST

/* Queued merges dropped (ksm_cancel: a fault waits) are undone without
 * a merge: nothing counted merged or failed, the new frames given back;
 * the next pass merges them. */
START_TEST(queued_merges_cancelled)
{
	setup();
	mergeable_filled(OWNERS, 16, 1, 4);
	scan_passes(1);
	ksm_scan(10); /* 10 merges queued, fewer than a flush takes */
	if (_i)
		ck_assert_uint_gt(ksm.nq, 0);
	ksm_cancel();
	ck_assert_uint_eq(ksm.nq, 0);
	ck_assert_uint_eq(stats().merges_failed, 0);
	if (_i) { /* no merge was done */
		ck_assert_uint_eq(stats().pages_shared, 0);
		ck_assert_uint_eq(stats().pages_sharing, 0);
		ck_assert_int_eq(frames_used(), 64);
	}
	check_model();
	scan_passes(3);
	ck_assert_uint_eq(stats().pages_shared, 4);
	ck_assert_uint_eq(stats().pages_sharing, 60);
	ck_assert_int_eq(frames_used(), 4);
	ck_assert_uint_eq(stats().merges_failed, 0);
	check_model();
}
END_TEST

/* A flush stopped early (a fault waits: the kernel's stop word) leaves
 * the rest undone, not failed; they merge at their next scan. */
START_TEST(queued_merges_stopped)
{
	setup();
	mergeable_filled(OWNERS, 16, 1, 4);
	scan_passes(1);
	stop_after = 3;
	scan_passes(1);
	ck_assert_uint_eq(stats().merges_failed, 0);
	if (_i)
		ck_assert_uint_lt(stats().pages_sharing, 60);
	check_model();
	scan_passes(3);
	ck_assert_uint_eq(stats().pages_shared, 4);
	ck_assert_uint_eq(stats().pages_sharing, 60);
	ck_assert_int_eq(frames_used(), 4);
	ck_assert_uint_eq(stats().merges_failed, 0);
	check_model();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("ksm");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, merges_identical_pages, 0, 2);
	tcase_add_loop_test(tc, only_mergeable_pages, 0, 2);
	tcase_add_loop_test(tc, volatile_never_merged, 0, 2);
	tcase_add_loop_test(tc, last_byte_differs, 0, 2);
	tcase_add_loop_test(tc, forced_hash_collision, 0, 2);
	tcase_add_loop_test(tc, collision_with_single_stable_node, 0, 2);
	tcase_add_loop_test(tc, chains_past_max_page_sharing, 0, 2);
	tcase_add_loop_test(tc, write_after_merge, 0, 2);
	tcase_add_loop_test(tc, unmerge_everything, 0, 2);
	tcase_add_loop_test(tc, smart_scan_backoff, 0, 2);
	tcase_add_loop_test(tc, domains_apart, 0, 2);
	tcase_add_loop_test(tc, write_during_merge, 0, 2);
	tcase_add_loop_test(tc, fork_and_exit_return_frames, 0, 2);
	tcase_add_loop_test(tc, random_model, 0, 2);
	tcase_add_loop_test(tc, advisor, 0, 2);
	tcase_add_loop_test(tc, settings_checked, 0, 2);
	tcase_add_loop_test(tc, hash_sees_every_byte, 0, 2);
	tcase_add_loop_test(tc, stable_join_without_checksum, 0, 2);
	tcase_add_loop_test(tc, stable_join_changed_outside_sample, 0, 2);
	tcase_add_loop_test(tc, queued_merges_undone, 0, 2);
	tcase_add_loop_test(tc, queued_merges_batched, 0, 2);
	tcase_add_loop_test(tc, queued_merges_cancelled, 0, 2);
	tcase_add_loop_test(tc, queued_merges_stopped, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
