/* The pager-only kernel calls against bad arguments, and share_cow's
 * contract, checked from the one process allowed to make them (test boot
 * only, before init starts): "@@PASS pager_kernel_calls" or "@@FAIL ...".
 * Everything made here is given back, and the kernel's free frame count
 * must return to where it was. */
#include "abi/stats.h"
#include "pager.h"

#define USER_END 0x00007FFFFFFFF000ull /* first address never mapped */
#define VA       0x0000000000400000ull

static int failed;

static void expect(const char *what, int got, int want)
{
	if (got == want)
		return;
	printf("@@FAIL pager_kernel_calls: %s: %s, not %s\n", what, err_str(got),
	       err_str(want));
	failed = 1;
}

static uint64_t free_frames(void)
{
	static struct abi_frame_stats fs;
	return sys_frame_stats((uint64_t)&fs, sizeof fs) == E_OK ? fs.free : 0;
}

/* frame_alloc_map1 in space a (which maps VA): refusals taking nothing,
 * then a zeroed frame held in our window and mapped, which only a's end
 * gives back. */
static void check_alloc_map1(uint32_t a)
{
	struct sys_regs r;
	const uint64_t at = VA + 16 * PAGE_SIZE;
	expect("alloc_map1 bad rights", sys_frame_alloc_map1(a, at, 0x80, 0), E_INVAL);
	expect("alloc_map1 bad flags", sys_frame_alloc_map1(a, at, MAP_R, 0x100), E_INVAL);
	expect("alloc_map1 kernel va", sys_frame_alloc_map1(a, USER_END, MAP_R, 0), E_FAULT);
	expect("alloc_map1 unaligned va", sys_frame_alloc_map1(a, at + 8, MAP_R, 0), E_FAULT);
	expect("alloc_map1 bad handle", sys_frame_alloc_map1(0xBADBAD, at, MAP_R, 0), E_BADHANDLE);
	expect("alloc_map1 not a space", sys_frame_alloc_map1(pg.ep, at, MAP_R, 0), E_BADHANDLE);
	uint64_t before = free_frames();
	expect("alloc_map1 at a mapped page", sys_frame_alloc_map1(a, VA, MAP_R, 0), E_BUSY);
	if (free_frames() != before) {
		printf("@@FAIL pager_kernel_calls: a refused frame_alloc_map1 kept a frame\n");
		failed = 1;
	}
	expect("alloc_map1", sys_frame_alloc_map1_r(a, at, MAP_R | MAP_W, FRAME_ZEROED, &r), E_OK);
	const uint64_t *w = mem_window(r.rdi);
	for (int i = 0; i < 512; i++)
		if (w[i]) {
			printf("@@FAIL pager_kernel_calls: frame_alloc_map1 frame not zero\n");
			failed = 1;
			break;
		}
	struct sys_regs r2;
	expect("alloc_map1 again", sys_frame_alloc_map1_r(a, at, MAP_R, 0, &r2), E_BUSY);
	expect("alloc_map1 frame is ours", sys_frame_free(r.rdi, r.rsi), E_OK);
}

/* frame_alloc_copy: refusals taking nothing (a stale generation, a frame
 * we do not hold, a kernel frame), then a new frame, not the source,
 * held in our window, with every byte of the source (a pattern no
 * zeroed or stale frame has), and the source unchanged. */
static void check_alloc_copy(void)
{
	struct sys_regs r, c;
	expect("frame_alloc", sys_frame_alloc_r(FRAME_ZEROED, &r), E_OK);
	uint64_t *src = mem_window(r.rdi);
	for (int i = 0; i < 512; i++)
		src[i] = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
	uint64_t before = free_frames();
	expect("alloc_copy stale", sys_frame_alloc_copy(r.rdi, r.rsi + 1), E_STALE);
	expect("alloc_copy not held", sys_frame_alloc_copy(1, 0), E_STALE);
	expect("alloc_copy huge gen", sys_frame_alloc_copy(r.rdi, 1ull << 40), E_STALE);
	if (free_frames() != before) {
		printf("@@FAIL pager_kernel_calls: a refused frame_alloc_copy kept a frame\n");
		failed = 1;
	}
	expect("alloc_copy", sys_frame_alloc_copy_r(r.rdi, r.rsi, &c), E_OK);
	const uint64_t *dst = mem_window(c.rdi);
	if (c.rdi == r.rdi) {
		printf("@@FAIL pager_kernel_calls: frame_alloc_copy gave its source back\n");
		failed = 1;
	}
	for (int i = 0; i < 512 && c.rdi != r.rdi; i++)
		if (dst[i] != 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1) || src[i] != dst[i]) {
			printf("@@FAIL pager_kernel_calls: frame_alloc_copy word %d differs\n", i);
			failed = 1;
			break;
		}
	expect("alloc_copy frame is ours", sys_frame_free(c.rdi, c.rsi), E_OK);
	expect("alloc_copy source stays ours", sys_frame_free(r.rdi, r.rsi), E_OK);
}

static void want_merge(const struct abi_ksm_merge *m, const char *what, int err, unsigned how)
{
	expect(what, (int)m->err, err);
	if (m->how != how) {
		printf("@@FAIL pager_kernel_calls: %s: how %u, not %u\n", what, m->how, how);
		failed = 1;
	}
}

/* ksm_merge_many in space a: the call's refusals, then one batch of
 * entries each refused its own way (the space looked up again after a
 * bad handle), a page whose bytes differ, and a merge that frees the old
 * frame (KSM_MERGE_FREE); the stop word. */
static void check_merge_many(uint32_t a)
{
	static struct abi_ksm_merge m[8];
	struct sys_regs r;
	const uint64_t at = VA + 32 * PAGE_SIZE;
	uint64_t f[3], g[3];
	for (int i = 0; i < 3; i++) {
		expect("merge frame_alloc", sys_frame_alloc_r(FRAME_ZEROED, &r), E_OK);
		f[i] = r.rdi, g[i] = r.rsi;
	}
	((uint8_t *)mem_window(f[2]))[7] = 1; /* f[2] differs from f[0], f[1] */
	expect("merge map", sys_map(a, at, f[0], g[0], MAP_R | MAP_W), E_OK);
	expect("merge_many 0", sys_ksm_merge_many((uint64_t)m, 0, 0), E_INVAL);
	expect("merge_many too many", sys_ksm_merge_many((uint64_t)m, KSM_MERGE_MANY_MAX + 1, 0),
	       E_INVAL);
	expect("merge_many kernel buffer", sys_ksm_merge_many(USER_END, 1, 0), E_FAULT);
	for (int i = 0; i < 8; i++)
		m[i] = (struct abi_ksm_merge){ a, at, f[0], g[0], f[1], g[1], 99, 99 };
	m[0].va |= 0x100;       /* no such flag */
	m[1].va = USER_END;
	m[2].tpfn = f[0], m[2].tgen = g[0];
	m[3].gen = g[0] + 1;    /* stale */
	m[4].space = 0xBADBAD;
	m[5].va = at + PAGE_SIZE; /* nothing mapped there */
	m[6].tpfn = f[2], m[6].tgen = g[2];
	m[7].va |= KSM_MERGE_FREE;
	expect("merge_many", sys_ksm_merge_many_r((uint64_t)m, 8, 0, &r), E_OK);
	if (r.rdi != 1) {
		printf("@@FAIL pager_kernel_calls: merge_many merged %lu pages, not 1\n", r.rdi);
		failed = 1;
	}
	want_merge(&m[0], "merge bad flag", E_INVAL, KSM_MERGE_GONE);
	want_merge(&m[1], "merge kernel va", E_FAULT, KSM_MERGE_GONE);
	want_merge(&m[2], "merge into itself", E_STALE, KSM_MERGE_GONE);
	want_merge(&m[3], "merge stale", E_STALE, KSM_MERGE_GONE);
	want_merge(&m[4], "merge bad handle", E_BADHANDLE, KSM_MERGE_GONE);
	want_merge(&m[5], "merge no page", E_AGAIN, KSM_MERGE_GONE);
	want_merge(&m[6], "merge other bytes", E_AGAIN, KSM_MERGE_DIFFER);
	want_merge(&m[7], "merge", E_OK, KSM_MERGE_DONE);
	static uint32_t stop = 1; /* the rest not tried after the first */
	m[0].va = m[1].va = at | 0x100;
	expect("merge_many stopped", sys_ksm_merge_many((uint64_t)m, 2, (uint64_t)&stop), E_OK);
	want_merge(&m[0], "merge before the stop", E_INVAL, KSM_MERGE_GONE);
	want_merge(&m[1], "merge after the stop", E_BUSY, KSM_MERGE_GONE);
	expect("merge_many bad stop", sys_ksm_merge_many((uint64_t)m, 2, USER_END), E_OK);
	want_merge(&m[1], "merge, stop unreadable", E_INVAL, KSM_MERGE_GONE);
	expect("merged: the old frame freed", sys_frame_free(f[0], g[0]), E_STALE);
	expect("merged frame is ours", sys_frame_free(f[1], g[1]), E_OK);
	expect("other frame is ours", sys_frame_free(f[2], g[2]), E_OK);
}

/* frame_free_many: refusals that free nothing, then a batch with a stale
 * pair, a frame not ours and one listed twice: only the held ones go. */
static void check_free_many(void)
{
	static uint64_t pairs[2 * (FRAME_FREE_MANY_MAX + 1)];
	struct sys_regs r;
	for (int i = 0; i < 3; i++) {
		expect("free_many frame_alloc", sys_frame_alloc_r(FRAME_ZEROED, &r), E_OK);
		pairs[2 * i] = r.rdi, pairs[2 * i + 1] = r.rsi;
	}
	expect("free_many 0", sys_frame_free_many((uint64_t)pairs, 0), E_INVAL);
	expect("free_many too many", sys_frame_free_many((uint64_t)pairs, FRAME_FREE_MANY_MAX + 1),
	       E_INVAL);
	expect("free_many kernel buffer", sys_frame_free_many(USER_END, 1), E_FAULT);
	pairs[6] = pairs[0], pairs[7] = pairs[1] + 1; /* stale */
	pairs[8] = 1, pairs[9] = 0;                   /* not ours */
	pairs[10] = pairs[2], pairs[11] = pairs[3];   /* twice */
	expect("free_many", sys_frame_free_many_r((uint64_t)pairs, 6, &r), E_OK);
	if (r.rdi != 3) {
		printf("@@FAIL pager_kernel_calls: frame_free_many freed %lu frames, not 3\n", r.rdi);
		failed = 1;
	}
	for (int i = 0; i < 3; i++)
		expect("free_many: freed", sys_frame_free(pairs[2 * i], pairs[2 * i + 1]), E_STALE);
}

/* fill_setup (done once by mem_init), fill_mark and fill_take in space a
 * (nothing mapped from VA + 64 pages on): refusals, marks made only where
 * nothing is mapped, nothing logged (no thread runs in a), a mapping made
 * over a mark, marks cleared by fill_take's range, an unmap, a protect. */
static void check_fills(uint32_t a)
{
	struct sys_regs r, r2;
	static uint64_t mask[PROTECT_MASK_MAX / 64], recs[FILL_REC_WORDS * FILL_TAKE_MAX];
	const uint64_t at = VA + 64 * PAGE_SIZE;
	expect("fill_setup again", sys_fill_setup(1, 0), E_BUSY);
	mask[0] = ~0ull;
	expect("fill_mark 0 pages", sys_fill_mark(a, at, 0, MAP_R, (uint64_t)mask), E_INVAL);
	expect("fill_mark too many", sys_fill_mark(a, at, PROTECT_MASK_MAX + 1, MAP_R,
						   (uint64_t)mask), E_INVAL);
	expect("fill_mark no read", sys_fill_mark(a, at, 1, MAP_W, (uint64_t)mask), E_INVAL);
	expect("fill_mark bad rights", sys_fill_mark(a, at, 1, 0x81, (uint64_t)mask), E_INVAL);
	expect("fill_mark bad handle", sys_fill_mark(0xBADBAD, at, 1, MAP_R, (uint64_t)mask),
	       E_BADHANDLE);
	expect("fill_mark not a space", sys_fill_mark(pg.ep, at, 1, MAP_R, (uint64_t)mask),
	       E_BADHANDLE);
	expect("fill_mark kernel mask", sys_fill_mark(a, at, 1, MAP_R, USER_END), E_FAULT);
	expect("fill_mark kernel range", sys_fill_mark(a, USER_END - PAGE_SIZE, 2, MAP_R,
						       (uint64_t)mask), E_FAULT);
	expect("fill_mark unaligned", sys_fill_mark(a, at + 8, 1, MAP_R, (uint64_t)mask), E_FAULT);
	expect("a page", sys_frame_alloc_map1_r(a, at + 4 * PAGE_SIZE, MAP_R, 0, &r), E_OK);
	expect("fill_mark", sys_fill_mark_r(a, at, 8, MAP_R | MAP_W, (uint64_t)mask, &r2), E_OK);
	if (r2.rdi != 7) { /* all but the mapped one */
		printf("@@FAIL pager_kernel_calls: fill_mark made %lu marks, not 7\n", r2.rdi);
		failed = 1;
	}
	expect("its frame", sys_frame_free(r.rdi, r.rsi), E_OK);
	expect("fill_take 0", sys_fill_take(a, (uint64_t)recs, 0, 0, 0), E_INVAL);
	expect("fill_take too many", sys_fill_take(a, (uint64_t)recs, FILL_TAKE_MAX + 1, 0, 0),
	       E_INVAL);
	expect("fill_take kernel buffer", sys_fill_take(a, USER_END, 1, 0, 0), E_FAULT);
	expect("fill_take kernel range", sys_fill_take(a, (uint64_t)recs, 1, USER_END, 1), E_FAULT);
	expect("fill_take absurd range", sys_fill_take(a, (uint64_t)recs, 1, VA, ~0ull >> 1),
	       E_FAULT);
	expect("fill_take bad handle", sys_fill_take(0xBADBAD, (uint64_t)recs, 1, 0, 0),
	       E_BADHANDLE);
	expect("fill_take stop and go", sys_fill_take(a, (uint64_t)recs,
						      1 | FILL_TAKE_STOP | FILL_TAKE_GO, 0, 0), E_INVAL);
	expect("fill_take bad how", sys_fill_take(a, (uint64_t)recs, 1 | 0x40000, 0, 0), E_INVAL);
	expect("fill_take stop", sys_fill_take(a, (uint64_t)recs, 1 | FILL_TAKE_STOP, 0, 0), E_OK);
	expect("fill_take go", sys_fill_take(a, (uint64_t)recs, 1 | FILL_TAKE_GO, 0, 0), E_OK);
	expect("fill_take", sys_fill_take_r(a, (uint64_t)recs, FILL_TAKE_MAX, 0, 0, &r), E_OK);
	if (r.rdi != 0) {
		printf("@@FAIL pager_kernel_calls: fill_take gave %lu fills, no thread ran\n", r.rdi);
		failed = 1;
	}
	/* a mark is no mapping: a page is mapped over it */
	expect("map over a mark", sys_frame_alloc_map1_r(a, at + PAGE_SIZE, MAP_R, 0, &r), E_OK);
	expect("its frame", sys_frame_free(r.rdi, r.rsi), E_OK);
	/* cleared by a range, an unmap, a protect: only those are new again */
	expect("fill_take clears", sys_fill_take(a, (uint64_t)recs, 1, at, 2), E_OK);
	expect("unmap clears", sys_unmap(a, at + 2 * PAGE_SIZE, 1), E_OK);
	expect("protect clears", sys_protect_mask(a, at + 3 * PAGE_SIZE, 1, MAP_R, (uint64_t)mask),
	       E_OK);
	expect("fill_mark again", sys_fill_mark_r(a, at, 8, MAP_R, (uint64_t)mask, &r), E_OK);
	if (r.rdi != 3) { /* at, + 2, + 3; + 1 and + 4 mapped; + 5 .. + 7 marked still */
		printf("@@FAIL pager_kernel_calls: fill_mark again made %lu new marks, not 3\n",
		       r.rdi);
		failed = 1;
	}
	expect("unmap", sys_unmap(a, at, 8), E_OK);
	mask[0] = 0;
}

/* One round of every check; everything it makes is given back. */
static void check_round(void)
{
	struct sys_regs r;
	uint32_t a = 0, b = 0;
	expect("space_create", sys_space_create_r(pg.ep, 0, &r), E_OK);
	a = (uint32_t)r.rdi;
	expect("space_create", sys_space_create_r(pg.ep, 0, &r), E_OK);
	b = (uint32_t)r.rdi;
	expect("frame_alloc", sys_frame_alloc_r(FRAME_ZEROED, &r), E_OK);
	uint64_t pfn = r.rdi, gen = r.rsi;

	/* map: a stale generation, a frame that is not ours, a kernel address,
	 * a handle that is no space */
	expect("map stale", sys_map(a, VA, pfn, gen + 1, MAP_R), E_STALE);
	expect("map foreign frame", sys_map(a, VA, 1, 0, MAP_R), E_STALE);
	expect("map kernel va", sys_map(a, USER_END, pfn, gen, MAP_R), E_FAULT);
	expect("map bad handle", sys_map(0xBADBAD, VA, pfn, gen, MAP_R), E_BADHANDLE);
	expect("map bad rights", sys_map(a, VA, pfn, gen, 0x80), E_INVAL);
	expect("map", sys_map(a, VA, pfn, gen, MAP_R | MAP_W), E_OK);

	/* share_cow: refusals, then one page shared, then nothing more to do */
	expect("share into itself", sys_share_cow(a, a, VA, 1, 0), E_INVAL);
	expect("share bad dst", sys_share_cow(0xBADBAD, a, VA, 1, 0), E_BADHANDLE);
	expect("share bad src", sys_share_cow(b, pg.ep, VA, 1, 0), E_BADHANDLE);
	expect("share past USER_END", sys_share_cow(b, a, USER_END - PAGE_SIZE, 2, 0), E_FAULT);
	expect("share bad copy", sys_share_cow(b, a, VA, 1, 2), E_INVAL);
	expect("share absurd size", sys_share_cow(b, a, VA, ~0ull >> 1, 0), E_FAULT);
	expect("share", sys_share_cow_r(b, a, VA - 8 * PAGE_SIZE, 64, 0, &r), E_OK);
	if (r.rdi != 1) {
		printf("@@FAIL pager_kernel_calls: share_cow shared %lu pages, not 1\n", r.rdi);
		failed = 1;
	}
	expect("share again", sys_share_cow_r(b, a, VA, 1, 0, &r), E_OK);
	if (r.rdi != 0) {
		printf("@@FAIL pager_kernel_calls: a page b maps was shared again\n");
		failed = 1;
	}
	/* frame_alloc_map: refusals, then a run that stops at a mapped page */
	static uint64_t pairs[2 * FRAME_ALLOC_MAP_MAX];
	expect("alloc_map 0 pages", sys_frame_alloc_map(a, VA, 0, MAP_R, (uint64_t)pairs), E_INVAL);
	expect("alloc_map too many", sys_frame_alloc_map(a, VA, FRAME_ALLOC_MAP_MAX + 1, MAP_R,
							 (uint64_t)pairs), E_INVAL);
	expect("alloc_map bad rights", sys_frame_alloc_map(a, VA, 1, 0x80, (uint64_t)pairs), E_INVAL);
	expect("alloc_map bad handle", sys_frame_alloc_map(0xBADBAD, VA, 1, MAP_R,
							   (uint64_t)pairs), E_BADHANDLE);
	expect("alloc_map kernel buffer", sys_frame_alloc_map(a, VA - 4 * PAGE_SIZE, 1, MAP_R,
							      USER_END), E_FAULT);
	expect("alloc_map", sys_frame_alloc_map_r(a, VA - 4 * PAGE_SIZE, 8, MAP_R | MAP_W,
						  (uint64_t)pairs, &r), E_OK);
	if (r.rdi != 4) { /* VA is mapped: the run stops before it */
		printf("@@FAIL pager_kernel_calls: frame_alloc_map made %lu pages, not 4\n", r.rdi);
		failed = 1;
	}
	for (unsigned k = 0; k < r.rdi && k < 4; k++)
		expect("alloc_map frame is ours", sys_frame_free(pairs[2 * k], pairs[2 * k + 1]), E_OK);
	expect("alloc_map at a mapped page", sys_frame_alloc_map_r(a, VA, 2, MAP_R,
								   (uint64_t)pairs, &r), E_OK);
	if (r.rdi != 0) {
		printf("@@FAIL pager_kernel_calls: frame_alloc_map mapped over a page\n");
		failed = 1;
	}
	check_alloc_map1(a);
	check_fills(a);
	check_alloc_copy();
	expect("protect bad handle", sys_protect(0xBADBAD, VA, 1, MAP_R), E_BADHANDLE);
	/* protect_mask: refusals, then a range with holes (a maps 5 of 8) */
	static uint64_t mask[PROTECT_MASK_MAX / 64] = { 0x0F };
	expect("protect_mask 0 pages", sys_protect_mask(a, VA, 0, MAP_R, (uint64_t)mask), E_INVAL);
	expect("protect_mask too many", sys_protect_mask(a, VA, PROTECT_MASK_MAX + 1, MAP_R,
							 (uint64_t)mask), E_INVAL);
	expect("protect_mask bad rights", sys_protect_mask(a, VA, 1, 0x80, (uint64_t)mask), E_INVAL);
	expect("protect_mask bad handle", sys_protect_mask(0xBADBAD, VA, 1, MAP_R,
							   (uint64_t)mask), E_BADHANDLE);
	expect("protect_mask kernel mask", sys_protect_mask(a, VA, 1, MAP_R, USER_END), E_FAULT);
	expect("protect_mask kernel range", sys_protect_mask(a, USER_END, 1, MAP_R,
							     (uint64_t)mask), E_FAULT);
	expect("protect_mask", sys_protect_mask_r(a, VA - 4 * PAGE_SIZE, 8, MAP_R | MAP_W,
						  (uint64_t)mask, &r), E_OK);
	if (r.rdi != 5) {
		printf("@@FAIL pager_kernel_calls: protect_mask changed %lu pages, not 5\n", r.rdi);
		failed = 1;
	}
	expect("unmap kernel range", sys_unmap(a, USER_END, 1), E_FAULT);
	check_merge_many(a);
	check_free_many();

	/* give it all back: the frame leaves both spaces and our window */
	expect("frame_free", sys_frame_free(pfn, gen), E_OK);
	expect("frame_free again", sys_frame_free(pfn, gen), E_STALE);
	expect("space_destroy", sys_space_destroy(a), E_OK);
	expect("space_destroy", sys_space_destroy(b), E_OK);
	expect("space_destroy again", sys_space_destroy(a), E_BADHANDLE);
	/* no thread ran in them: each is gone now, and its notice waits on
	 * our endpoint (the space's memory until received) */
	for (int i = 0; i < 2; i++) {
		struct sys_msg m;
		expect("space-end notice", ipc_poll(pg.ep, &m), E_OK);
		if (IPC_LABEL_TAG(m.label) != FAULT_SPACE_END || m.badge != 0) {
			printf("@@FAIL pager_kernel_calls: not a space-end notice: label %lx badge %lx\n",
			       m.label, m.badge);
			failed = 1;
		}
	}
	struct sys_msg m;
	expect("no third notice", ipc_poll(pg.ep, &m), E_AGAIN);
}

/* Two rounds: the first also warms what the kernel keeps for good once
 * grown (the pages of its small-object classes; our window's page tables
 * are all there from the start); free frames must come back exactly over
 * the second. */
void selftest_run(void)
{
	check_round();
	uint64_t before = free_frames();
	check_round();
	uint64_t after = free_frames();
	if (after != before) {
		printf("@@FAIL pager_kernel_calls: free frames %lu before, %lu after\n",
		       before, after);
		failed = 1;
	}
	if (!failed)
		printf("@@PASS pager_kernel_calls\n");
}
