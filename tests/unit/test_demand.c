/* pager/demand.c with its backings: faults of each kind, COW after fork,
 * release, and a randomized model test, on the fake machine of
 * fake_machine.h. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "abi/err.h"
#include "abi/fault.h"
#include "abi/syscall.h"
#include "cow.h"
#include "demand.h"
#include "filecache.h"
#include "pool.h"
#include <stdio.h>

#define NF     512
#define NSPACE 8
#define NVA    64
#include "fake_machine.h"

static uint64_t zpfn;

static void setup(void)
{
	memset(fr, 0, sizeof fr);
	memset(pt, 0, sizeof pt);
	memset(mark, 0, sizeof mark);
	memset(nflog, 0, sizeof nflog);
	memset(fills_stopped, 0, sizeof fills_stopped);
	fm_on_share = NULL;
	memset(&dp_stats, 0, sizeof dp_stats);
	frames_left = -1;
	uint32_t zgen;
	f_alloc(&zpfn, &zgen);
	frames_left = 100000;
	ck_assert_int_eq(cow_init(NF, fm_cow_page), E_OK);
	dp_init(&fm_ops, zpfn, zgen);
	fm_zero_pfn = zpfn;
	fm_zero_gen = zgen;
}

/* The machine's access: fault until the mapping allows it (like the CPU
 * and kernel), then read or write the page's first byte.  E_OK, or the
 * fault's error (the process would be killed). */
static int access_page(struct dp_space *s, uint64_t va, bool write, uint8_t *val)
{
	int i = slot(va);
	for (int tries = 0; tries < 3; tries++) {
		unsigned need = write ? MAP_W : MAP_R;
		if (pt[s->space][i].on && (pt[s->space][i].rights & need) == need) {
			uint8_t *b = fr[pt[s->space][i].pfn].data;
			if (write)
				b[0] = *val;
			else
				*val = b[0];
			return E_OK;
		}
		struct dp_map m;
		unsigned acc = (write ? FAULT_ACC_WRITE : FAULT_ACC_READ) |
			       (pt[s->space][i].on ? FAULT_ACC_PRESENT : 0);
		int e = dp_fault(s, va + 5, acc, &m);
		if (e)
			return e;
		ck_assert_uint_eq(m.va, va);
		f_map(s->space, m.va, m.pfn, m.gen, m.rights);
	}
	ck_abort_msg("fault loop at 0x%lx", (unsigned long)va);
	return E_INVAL;
}

/* A space dies: the kernel drops its mappings, the pager its pages. */
static void space_gone(struct dp_space *s)
{
	for (int i = 0; i < NVA; i++)
		fm_drop(s->space, i);
	dp_destroy(s);
}

/* Every frame but the zero frame is back; no table entry is left. */
static void assert_no_leaks(void)
{
	for (int i = 1; i < NF; i++)
		if ((uint64_t)i != zpfn)
			ck_assert_msg(fr[i].refs == 0, "frame %d refs %d", i, fr[i].refs);
	ck_assert_uint_eq(cow_entries(), 0);
	ck_assert_uint_eq(filecache_entries(), 0);
	ck_assert_uint_eq(pagetab_pages_used(), 0);
	ck_assert_uint_eq(region_nodes_used(), 0);
}

/* Space id with an anonymous read-write region of pages pages at BASE. */
static void anon_space(struct dp_space *s, uint32_t id, uint64_t pages)
{
	dp_space_init(s, id);
	ck_assert_int_eq(dp_register_lazy(s, BASE, pages * P, MAP_R | MAP_W, &backing_anon,
					  NULL), E_OK);
}

START_TEST(zero_read_then_write)
{
	setup();
	struct dp_space s;
	uint8_t v = 0;
	anon_space(&s, 1, 4);
	ck_assert_int_eq(access_page(&s, BASE, false, &v), E_OK);
	ck_assert_uint_eq(pt[1][0].pfn, zpfn); /* the shared zero frame, read-only */
	ck_assert_uint_eq(pt[1][0].rights, MAP_R);
	ck_assert_uint_eq(dp_stats.faults_zero_read, 1);
	v = 9;
	ck_assert_int_eq(access_page(&s, BASE, true, &v), E_OK);
	ck_assert_uint_ne(pt[1][0].pfn, zpfn);
	ck_assert_uint_eq(fr[zpfn].data[0], 0);
	ck_assert_uint_eq(dp_stats.faults_zero, 1);
	ck_assert_uint_eq(dp_stats.frames_held, 1);
	/* outside the region, and a write to a read-only region */
	ck_assert_int_eq(access_page(&s, BASE + 4 * P, false, &v), E_FAULT);
	ck_assert_int_eq(dp_register_lazy(&s, BASE + 8 * P, P, MAP_R, &backing_anon, NULL), E_OK);
	ck_assert_int_eq(access_page(&s, BASE + 8 * P, true, &v), E_FAULT);
	space_gone(&s);
	assert_no_leaks();
}
END_TEST

/* dp_fault_reply: a read that gets the zero frame is left to the caller's
 * answer (nothing mapped, *reply set, the record made); asked again (the
 * kernel refused the answer) the recorded page is mapped here; a
 * sequential read (fault-around maps beside it) and a write map as
 * dp_fault does. */
START_TEST(zero_read_in_reply)
{
	setup();
	struct dp_space s;
	struct dp_map m;
	bool reply = false;
	anon_space(&s, 1, 8);
	ck_assert_int_eq(dp_fault_reply(&s, BASE + 2 * P + 8, FAULT_ACC_READ, &m, &reply), E_OK);
	ck_assert(reply);
	ck_assert(!pt[1][2].on);
	ck_assert_uint_eq(m.va, BASE + 2 * P);
	ck_assert_uint_eq(m.pfn, zpfn);
	ck_assert_uint_eq(m.rights, MAP_R);
	ck_assert_uint_eq(dp_stats.faults_zero_read, 1);
	ck_assert_int_eq(dp_fault_reply(&s, BASE + 2 * P, FAULT_ACC_READ, &m, &reply), E_OK);
	ck_assert(!reply);
	ck_assert(pt[1][2].on);
	ck_assert_uint_eq(pt[1][2].pfn, zpfn);
	ck_assert_int_eq(dp_fault_reply(&s, BASE + 3 * P, FAULT_ACC_READ, &m, &reply), E_OK);
	ck_assert(!reply); /* sequential after the last demand fault */
	ck_assert(pt[1][3].on);
	ck_assert_int_eq(dp_fault_reply(&s, BASE + 6 * P, FAULT_ACC_WRITE, &m, &reply), E_OK);
	ck_assert(!reply);
	ck_assert(pt[1][6].on);
	ck_assert_uint_ne(pt[1][6].pfn, zpfn);
	space_gone(&s);
	assert_no_leaks();
}
END_TEST

START_TEST(file_pages_and_bss)
{
	setup();
	static uint8_t file[3 * P];
	for (size_t i = 0; i < sizeof file; i++)
		file[i] = (uint8_t)(i * 7 + 1);
	struct dp_space s;
	struct region *r;
	dp_space_init(&s, 2);
	/* segment at BASE + 0x100, 5000 file bytes, memsz 3 pages */
	ck_assert_int_eq(dp_register_lazy(&s, BASE, 4 * P, MAP_R | MAP_W, &backing_file, &r), E_OK);
	r->fdata = file + 0x100;
	r->fvaddr = BASE + 0x100;
	r->filesz = 5000;
	struct dp_map m;
	ck_assert_int_eq(dp_fault(&s, BASE + P, FAULT_ACC_WRITE, &m), E_OK);
	uint8_t *pg = fr[m.pfn].data;
	uint64_t end = 0x100 + 5000 - P; /* file bytes in page 1 */
	ck_assert_uint_eq(pg[0], file[P]);
	ck_assert_uint_eq(pg[end - 1], file[P + end - 1]);
	ck_assert_uint_eq(pg[end], 0);
	ck_assert_uint_eq(m.rights, MAP_R | MAP_W);
	ck_assert_int_eq(dp_fault(&s, BASE + 0x10, FAULT_ACC_READ, &m), E_OK);
	pg = fr[m.pfn].data;
	ck_assert_uint_eq(pg[0xff], 0);
	ck_assert_uint_eq(pg[0x100], file[0x100]);
	ck_assert_uint_eq(pg[P - 1], file[P - 1]);
	ck_assert_int_eq(dp_fault(&s, BASE + 3 * P, FAULT_ACC_READ, &m), E_OK);
	for (size_t i = 0; i < P; i++)
		ck_assert_uint_eq(fr[m.pfn].data[i], 0); /* .bss */
	ck_assert_uint_eq(dp_stats.faults_file, 3);
	ck_assert_int_eq(dp_fault(&s, BASE, FAULT_ACC_EXEC, &m), E_FAULT); /* not X */
	space_gone(&s);
	assert_no_leaks();
}
END_TEST

/* A program's read-only segments as the loader registers them in s: text
 * at BASE (file bytes [0, 0x2800)), rodata starting in the same file page
 * (bytes [0x2900, 0x2f00) at BASE + 0x8900). */
static uint8_t text_file[3 * P];

static void program(struct dp_space *s, uint32_t space)
{
	struct region *r;
	dp_space_init(s, space);
	ck_assert_int_eq(dp_register_lazy(s, BASE, 3 * P, MAP_R | MAP_X, &backing_file, &r), E_OK);
	r->fdata = text_file;
	r->fvaddr = BASE;
	r->filesz = 0x2800;
	ck_assert_int_eq(dp_register_lazy(s, BASE + 8 * P, P, MAP_R, &backing_file, &r), E_OK);
	r->fdata = text_file + 0x2900;
	r->fvaddr = BASE + 0x8900;
	r->filesz = 0x600;
}

static int frames_in_use(void)
{
	int n = 0;
	for (int i = 1; i < NF; i++)
		n += fr[i].refs > 0;
	return n;
}

/* Read-only program pages: one frame for every process running the
 * program, kept while any maps it; a write after mprotect copies (or, for
 * the last sharer, takes the frame out of the cache). */
START_TEST(text_pages_shared)
{
	setup();
	for (size_t i = 0; i < sizeof text_file; i++)
		text_file[i] = (uint8_t)(i * 13 + 5);
	struct dp_space a, b, c;
	struct dp_map m;
	program(&a, 2);
	program(&b, 3);
	ck_assert_int_eq(dp_fault(&a, BASE + 2 * P, FAULT_ACC_EXEC, &m), E_OK);
	uint64_t x = m.pfn;
	int used = frames_in_use();
	ck_assert_int_eq(dp_fault(&b, BASE + 2 * P + 8, FAULT_ACC_READ, &m), E_OK);
	ck_assert_uint_eq(m.pfn, x);                /* shared, not read again */
	ck_assert_uint_eq(m.rights, MAP_R | MAP_X);
	ck_assert_int_eq(frames_in_use(), used);
	ck_assert_uint_eq(dp_stats.text_shared, 1);
	ck_assert_uint_eq(dp_stats.faults_file, 1);
	ck_assert_uint_eq(fr[x].data[0x7ff], text_file[0x27ff]);
	ck_assert_uint_eq(fr[x].data[0x800], 0);      /* past the text's bytes */
	/* rodata's first page starts at the same file page: its own frame */
	ck_assert_int_eq(dp_fault(&b, BASE + 8 * P, FAULT_ACC_READ, &m), E_OK);
	ck_assert_uint_ne(m.pfn, x);
	ck_assert_uint_eq(fr[m.pfn].data[0x8ff], 0);
	ck_assert_uint_eq(fr[m.pfn].data[0x900], text_file[0x2900]);
	/* the first process ends: the frame stays for the other, and a third
	 * process still finds it */
	space_gone(&a);
	ck_assert(fr[x].held);
	program(&c, 4);
	ck_assert_int_eq(dp_fault(&c, BASE + 2 * P, FAULT_ACC_READ, &m), E_OK);
	ck_assert_uint_eq(m.pfn, x);
	/* c makes its text writable and writes: a private copy */
	ck_assert_int_eq(dp_protect(&c, BASE, BASE + 3 * P, MAP_R | MAP_W), E_OK);
	ck_assert_int_eq(dp_fault(&c, BASE + 2 * P, FAULT_ACC_WRITE | FAULT_ACC_PRESENT, &m), E_OK);
	ck_assert_uint_ne(m.pfn, x);
	fr[m.pfn].data[0] = 0xAA;
	ck_assert_uint_eq(fr[x].data[0], text_file[0x2000]);
	/* b, now alone, does the same: it keeps the frame, which leaves the
	 * cache, so a new process reads the file again */
	ck_assert_int_eq(dp_protect(&b, BASE, BASE + 3 * P, MAP_R | MAP_W), E_OK);
	ck_assert_int_eq(dp_fault(&b, BASE + 2 * P, FAULT_ACC_WRITE | FAULT_ACC_PRESENT, &m), E_OK);
	ck_assert_uint_eq(m.pfn, x);
	fr[x].data[0] = 0xBB;
	program(&a, 2);
	ck_assert_int_eq(dp_fault(&a, BASE + 2 * P, FAULT_ACC_READ, &m), E_OK);
	ck_assert_uint_ne(m.pfn, x);
	ck_assert_uint_eq(fr[m.pfn].data[0], text_file[0x2000]);
	space_gone(&a);
	space_gone(&b);
	space_gone(&c);
	assert_no_leaks();
}
END_TEST

/* Writes in order: after the second, the next DP_AROUND pages come from
 * one alloc_map call, zeroed and writable, stopping at the region's end
 * and when frames run out; reads in order map the zero frame instead. */
START_TEST(sequential_writes_map_ahead)
{
	setup();
	struct dp_space s, t;
	struct dp_map m;
	anon_space(&s, 2, 40);
	alloc_map_calls = 0;
	ck_assert_int_eq(dp_fault(&s, BASE, FAULT_ACC_WRITE, &m), E_OK);
	ck_assert_int_eq(alloc_map_calls, 0); /* not sequential yet */
	ck_assert_int_eq(dp_fault(&s, BASE + P, FAULT_ACC_WRITE, &m), E_OK);
	ck_assert_int_eq(alloc_map_calls, 1);
	for (int i = 2; i < 2 + DP_AROUND; i++) {
		ck_assert(pt[2][i].on);
		ck_assert_uint_eq(pt[2][i].rights, MAP_R | MAP_W);
		ck_assert_uint_eq(fr[pt[2][i].pfn].data[P - 1], 0);
		ck_assert_ptr_nonnull(pagetab_lookup(&s.pages, BASE + (uint64_t)i * P));
	}
	ck_assert(!pt[2][2 + DP_AROUND].on);
	ck_assert_uint_eq(dp_stats.faults_zero, 2 + DP_AROUND);
	ck_assert_uint_eq(dp_stats.frames_held, 2 + DP_AROUND);
	/* the next fault goes on from there, up to the region's end */
	ck_assert_int_eq(dp_fault(&s, BASE + (2 + DP_AROUND) * P, FAULT_ACC_WRITE, &m), E_OK);
	ck_assert_int_eq(dp_fault(&s, BASE + (3 + 2 * DP_AROUND) * P, FAULT_ACC_WRITE, &m), E_OK);
	ck_assert_uint_eq(pagetab_count(&s.pages), 40);
	ck_assert_int_eq(alloc_map_calls, 3);
	/* reads in order map the zero frame, one by one */
	anon_space(&t, 3, 8);
	ck_assert_int_eq(dp_fault(&t, BASE, FAULT_ACC_READ, &m), E_OK);
	ck_assert_int_eq(dp_fault(&t, BASE + P, FAULT_ACC_READ, &m), E_OK);
	ck_assert_int_eq(alloc_map_calls, 3);
	ck_assert_uint_eq(pt[3][5].pfn, zpfn);
	ck_assert_uint_eq(pt[3][5].rights, MAP_R);
	space_gone(&t);
	/* frames run out inside a run: what was mapped is recorded, no more */
	anon_space(&t, 4, 8);
	frames_left = 3;
	ck_assert_int_eq(dp_fault(&t, BASE, FAULT_ACC_WRITE, &m), E_OK);
	ck_assert_int_eq(dp_fault(&t, BASE + P, FAULT_ACC_WRITE, &m), E_OK);
	ck_assert_uint_eq(pagetab_count(&t.pages), 3);
	ck_assert(pt[4][2].on && !pt[4][3].on);
	ck_assert_int_eq(dp_fault(&t, BASE + 3 * P, FAULT_ACC_WRITE, &m), E_NOMEM);
	frames_left = 100000;
	space_gone(&t);
	space_gone(&s);
	assert_no_leaks();
}
END_TEST

START_TEST(stack_guard)
{
	setup();
	struct dp_space s;
	struct dp_map m;
	dp_space_init(&s, 3);
	ck_assert_int_eq(dp_register_lazy(&s, BASE, 8 * P, MAP_R | MAP_W, &backing_stack, NULL), E_OK);
	ck_assert_int_eq(dp_fault(&s, BASE + 8 * P - 8, FAULT_ACC_WRITE, &m), E_OK);
	ck_assert_int_eq(dp_fault(&s, BASE + P, FAULT_ACC_READ, &m), E_OK);
	ck_assert_int_eq(dp_fault(&s, BASE + 10, FAULT_ACC_WRITE, &m), E_FAULT);
	ck_assert_int_eq(dp_fault(&s, BASE - 8, FAULT_ACC_WRITE, &m), E_FAULT);
	ck_assert_uint_eq(dp_stats.faults_stack, 2);
	space_gone(&s);
	assert_no_leaks();
}
END_TEST

START_TEST(fork_cow_copy_then_reuse)
{
	setup();
	struct dp_space a, b;
	uint8_t v = 5;
	anon_space(&a, 1, 4);
	dp_space_init(&b, 2);
	ck_assert_int_eq(access_page(&a, BASE, true, &v), E_OK);
	uint64_t f = pt[1][0].pfn;
	memset(fr[f].data + 1, 0xA7, P - 1); /* the rest of the page: the copy's too */
	ck_assert_int_eq(dp_fork(&a, &b), E_OK);
	ck_assert_uint_eq(pt[1][0].rights, MAP_R); /* parent write-protected */
	ck_assert_uint_eq(pt[2][0].pfn, f);
	ck_assert_uint_eq(dp_share_count(&a, BASE), 2);
	ck_assert_uint_eq(dp_share_count(&b, BASE), 2);
	ck_assert_int_eq(fr[f].refs, 3); /* pager + two mappings */
	v = 6;
	alloc_copy_calls = 0;
	ck_assert_int_eq(access_page(&b, BASE, true, &v), E_OK); /* child copies */
	ck_assert_uint_ne(pt[2][0].pfn, f);
	ck_assert_int_eq(alloc_copy_calls, 1); /* frame and copy in one call */
	for (uint64_t i = 1; i < P; i++)
		ck_assert_uint_eq(fr[pt[2][0].pfn].data[i], 0xA7);
	ck_assert_uint_eq(dp_stats.cow_copies, 1);
	ck_assert_uint_eq(dp_share_count(&a, BASE), 1); /* the parent's alone */
	ck_assert_uint_eq(dp_share_count(&b, BASE), 1);
	ck_assert_int_eq(access_page(&a, BASE, false, &v), E_OK);
	ck_assert_uint_eq(v, 5);
	v = 7;
	ck_assert_int_eq(access_page(&a, BASE, true, &v), E_OK); /* last sharer: reuse */
	ck_assert_uint_eq(pt[1][0].pfn, f);
	ck_assert_uint_eq(dp_stats.cow_reuses, 1);
	ck_assert(!cow_is_cow(f));
	ck_assert_int_eq(access_page(&b, BASE, false, &v), E_OK);
	ck_assert_uint_eq(v, 6);
	space_gone(&a);
	space_gone(&b);
	assert_no_leaks();
}
END_TEST

/* madvise's fork advice (dp_set_fork): a DONTFORK page is not in the
 * child (no region, no mapping, its frame the parent's alone), a
 * WIPEONFORK one is there unmapped and faults in zeros; the parent's
 * write takes its frame back without a copy; nothing leaks. */
START_TEST(fork_advice_dontfork_wipeonfork)
{
	setup();
	struct dp_space a, b;
	struct dp_map m;
	uint8_t v = 5;
	anon_space(&a, 1, 4);
	dp_space_init(&b, 2);
	for (uint64_t i = 0; i < 3; i++)
		ck_assert_int_eq(access_page(&a, BASE + i * P, true, &v), E_OK);
	uint64_t f0 = pt[1][0].pfn, f1 = pt[1][1].pfn;
	ck_assert_int_eq(dp_set_fork(&a, BASE, BASE + P, REGION_DONTFORK, 0), E_OK);
	ck_assert_int_eq(dp_set_fork(&a, BASE + P, BASE + 2 * P, REGION_WIPEONFORK, 0), E_OK);
	ck_assert_int_eq(dp_fork(&a, &b), E_OK);
	ck_assert_ptr_null(region_find(&b.regions, BASE));       /* DONTFORK: none */
	ck_assert_ptr_nonnull(region_find(&b.regions, BASE + P)); /* WIPEONFORK: empty */
	ck_assert_uint_eq(region_find(&b.regions, BASE + P)->fork, REGION_WIPEONFORK);
	ck_assert_uint_eq(pt[2][0].pfn, 0);
	ck_assert_uint_eq(pt[2][1].pfn, 0);
	ck_assert_uint_eq(dp_share_count(&a, BASE), 1);
	ck_assert_uint_eq(dp_share_count(&a, BASE + P), 1);
	ck_assert_int_eq(fr[f0].refs, 2); /* the pager and the parent's mapping */
	ck_assert_int_eq(fr[f1].refs, 2);
	ck_assert_int_eq(dp_fault(&b, BASE, FAULT_ACC_READ, &m), E_FAULT);
	ck_assert_int_eq(access_page(&b, BASE + P, false, &v), E_OK);
	ck_assert_uint_eq(v, 0); /* wiped */
	ck_assert_uint_ne(pt[2][1].pfn, f1);
	v = 8;
	alloc_copy_calls = 0;
	ck_assert_int_eq(access_page(&a, BASE + P, true, &v), E_OK);
	ck_assert_uint_eq(pt[1][1].pfn, f1); /* the parent's again, no copy */
	ck_assert_int_eq(alloc_copy_calls, 0);
	ck_assert_uint_eq(dp_share_count(&a, BASE + 2 * P), 2); /* plain: shared */
	ck_assert_int_eq(dp_set_fork(&a, BASE, BASE + 2 * P, 0,
				     REGION_DONTFORK | REGION_WIPEONFORK), E_OK);
	ck_assert_uint_eq(region_find(&a.regions, BASE)->end, BASE + 4 * P); /* merged */
	space_gone(&a);
	space_gone(&b);
	assert_no_leaks();
}
END_TEST

START_TEST(last_share_freed_on_exit)
{
	setup();
	struct dp_space a, b;
	uint8_t v = 1;
	anon_space(&a, 1, 4);
	dp_space_init(&b, 2);
	access_page(&a, BASE, true, &v);
	uint64_t f = pt[1][0].pfn;
	ck_assert_int_eq(dp_fork(&a, &b), E_OK);
	space_gone(&a);
	ck_assert_int_eq(fr[f].refs, 2); /* child's mapping and the pager */
	space_gone(&b);
	ck_assert_int_eq(fr[f].refs, 0);
	assert_no_leaks();
}
END_TEST

/* KSM's side (ksmd.c): dp_merge_page puts a merged frame (KSM holding
 * one share) in place of a page's frame; writes copy; when the last page
 * lets go, dp_ksm_last hands the frame back. */
static int ksm_last_calls;
static uint32_t ksm_gen;
static void ksm_last(uint64_t pfn, uint32_t gen)
{
	ck_assert_uint_eq(gen, ksm_gen);
	ck_assert_uint_eq(cow_count(pfn), 1);
	ksm_last_calls++;
	ck_assert(cow_release(pfn));
	f_free(pfn, gen);
}

START_TEST(ksm_merged_frame)
{
	setup();
	struct dp_space a, b, c;
	uint8_t v = 9;
	uint64_t k;
	anon_space(&a, 1, 4);
	anon_space(&b, 2, 4);
	dp_space_init(&c, 3);
	dp_ksm_last = ksm_last;
	ksm_last_calls = 0;
	access_page(&a, BASE, true, &v);
	access_page(&b, BASE, true, &v);
	uint64_t fa = pt[1][0].pfn, fb = pt[2][0].pfn;
	ck_assert_int_eq(f_alloc(&k, &ksm_gen), E_OK);
	memcpy(fr[k].data, fr[fa].data, P);
	ck_assert_int_eq(dp_merge_page(&a, BASE, fb, k, ksm_gen, PAGE_COW | PAGE_KSM), E_AGAIN);
	ck_assert_int_eq(dp_merge_page(&a, BASE, fa, k, ksm_gen, PAGE_COW | PAGE_KSM), E_OK);
	ck_assert_int_eq(dp_merge_page(&b, BASE, fb, k, ksm_gen, PAGE_COW | PAGE_KSM), E_OK);
	ck_assert_int_eq(fr[fa].refs, 0); /* the old frames are free */
	ck_assert_int_eq(fr[fb].refs, 0);
	ck_assert_int_eq(fr[k].refs, 3);  /* KSM's hold and two mappings */
	ck_assert_uint_eq(cow_count(k), 3);
	ck_assert_uint_eq(pt[1][0].rights, MAP_R);
	v = 10;
	ck_assert_int_eq(access_page(&a, BASE, true, &v), E_OK); /* a copy */
	ck_assert_uint_ne(pt[1][0].pfn, k);
	ck_assert_int_eq(ksm_last_calls, 0);
	ck_assert_int_eq(dp_fork(&b, &c), E_OK); /* the leaf shared: no count yet */
	ck_assert_int_eq(access_page(&c, BASE, false, &v), E_OK);
	ck_assert_uint_eq(v, 9);
	v = 11;
	ck_assert_int_eq(access_page(&c, BASE, true, &v), E_OK); /* c copies */
	ck_assert_int_eq(ksm_last_calls, 0);
	space_gone(&b);                   /* the last page of k */
	ck_assert_int_eq(ksm_last_calls, 1);
	ck_assert_int_eq(fr[k].refs, 0);
	/* the zero frame, KSM's: a write gives a private page */
	access_page(&c, BASE + P, true, &v);
	memset(fr[pt[3][1].pfn].data, 0, P);
	ck_assert_int_eq(dp_merge_page(&c, BASE + P, pt[3][1].pfn, 0, 0, PAGE_ZERO | PAGE_KSM), E_OK);
	ck_assert_uint_eq(pt[3][1].pfn, zpfn);
	ck_assert_int_eq(access_page(&c, BASE + P, true, &v), E_OK);
	ck_assert_uint_ne(pt[3][1].pfn, zpfn);
	ck_assert_int_eq(access_page(&a, BASE, false, &v), E_OK);
	ck_assert_uint_eq(v, 10);
	space_gone(&a);
	space_gone(&c);
	dp_ksm_last = NULL;
	assert_no_leaks();
}
END_TEST

/* Merges batched (ksmd.c, ksm_merge_many): every page prepared first,
 * then the kernel's merges, then the commits.  A frame shared by fork
 * has two pages in the batch: neither is its last share when prepared
 * (no KSM_MERGE_FREE), so the second commit frees it; a merge that fails
 * gives the target's share back; no frame leaks. */
START_TEST(ksm_merges_batched)
{
	setup();
	struct dp_space a, b, c;
	struct dp_merge m[3];
	uint8_t v = 9;
	uint64_t k;
	anon_space(&a, 1, 4);
	anon_space(&b, 2, 4);
	dp_space_init(&c, 3);
	dp_ksm_last = ksm_last;
	ksm_last_calls = 0;
	access_page(&a, BASE, true, &v);
	access_page(&b, BASE, true, &v);
	ck_assert_int_eq(dp_fork(&a, &c), E_OK);
	uint64_t fa = pt[1][0].pfn, fb = pt[2][0].pfn;
	ck_assert_int_eq(f_alloc(&k, &ksm_gen), E_OK);
	memcpy(fr[k].data, fr[fa].data, P);
	fr[fb].data[7] ^= 1; /* b's page differs: its merge fails */
	ck_assert_int_eq(dp_merge_prepare(&a, BASE, fa, k, ksm_gen, PAGE_COW | PAGE_KSM, &m[0]), E_OK);
	ck_assert_int_eq(dp_merge_prepare(&c, BASE, fa, k, ksm_gen, PAGE_COW | PAGE_KSM, &m[1]), E_OK);
	ck_assert_int_eq(dp_merge_prepare(&b, BASE, fb, k, ksm_gen, PAGE_COW | PAGE_KSM, &m[2]), E_OK);
	ck_assert_uint_eq(m[0].how & KSM_MERGE_FREE, 0); /* c shares fa */
	ck_assert_uint_eq(m[1].how & KSM_MERGE_FREE, 0);
	ck_assert_uint_eq(m[2].how & KSM_MERGE_FREE, KSM_MERGE_FREE);
	struct dp_space *sp[3] = { &a, &c, &b };
	int e[3];
	for (int i = 0; i < 3; i++)
		e[i] = f_merge(sp[i]->space, m[i].va, m[i].old_pfn, m[i].old_gen, m[i].pfn, m[i].gen,
			       m[i].how);
	ck_assert_int_eq(e[0], E_OK);
	ck_assert_int_eq(e[1], E_OK);
	ck_assert_int_eq(e[2], E_AGAIN);
	for (int i = 0; i < 3; i++)
		dp_merge_commit(sp[i], &m[i], e[i]);
	ck_assert_int_eq(fr[fa].refs, 0); /* freed by the second commit */
	ck_assert_uint_eq(cow_count(k), 3); /* KSM's share and a's and c's */
	ck_assert_uint_eq(pt[2][0].pfn, fb);
	space_gone(&a);
	space_gone(&c);
	ck_assert_int_eq(ksm_last_calls, 1);
	space_gone(&b);
	dp_ksm_last = NULL;
	assert_no_leaks();
}
END_TEST

/* A write to a new anonymous page: one alloc_map1 call takes the frame and
 * maps it (no separate alloc and map); where the kernel maps the page
 * already (E_BUSY), the long way replaces that mapping. */
/* fills_in_the_kernel's parent thread while the fork shares: no fill nor
 * copy of the parent's may happen (the pager stopped them). */
static void fill_during_fork(void)
{
	ck_assert(!fm_fill(1, BASE + 8 * P + 15 * P, true));
	ck_assert(!fm_copy(1, BASE + 8 * P + 3 * P));
}

/* Fills in the kernel: a demand fault marks the rest of its block in the
 * region; the kernel's fills are the pager's pages once taken (dp_settle),
 * a write to a read fill copies the zero frame as the pager's own would; a
 * fork takes them first and stops the parent's fills and copies while it
 * shares (the child sees the bytes filled before, not a page filled
 * after); share_cow's copy marks let the kernel copy a written page, the
 * old share given up once taken; munmap and mprotect take their range's
 * fills and marks; nothing leaks. */
START_TEST(fills_in_the_kernel)
{
	setup();
	struct dp_space s, c;
	const uint64_t r0 = BASE + 8 * P;
	uint8_t v = 7;
	dp_fills_on();
	dp_space_init(&s, 1);
	ck_assert_int_eq(dp_register_lazy(&s, r0, 32 * P, MAP_R | MAP_W, &backing_anon, NULL),
			 E_OK);
	ck_assert_int_eq(access_page(&s, r0, true, &v), E_OK); /* the pager's */
	ck_assert_uint_eq(mark[1][slot(r0)], 0);
	ck_assert_uint_eq(mark[1][slot(r0) - 1], 0); /* outside the region */
	for (int i = 1; i < 32; i++)
		ck_assert_uint_eq(mark[1][slot(r0 + i * P)], MAP_R | MAP_W);
	for (int i = 1; i <= 10; i++) {
		ck_assert(fm_fill(1, r0 + i * P, true));
		fr[pt[1][slot(r0 + i * P)].pfn].data[0] = (uint8_t)i;
	}
	ck_assert(fm_fill(1, r0 + 11 * P, false));
	ck_assert_uint_eq(pt[1][slot(r0 + 11 * P)].pfn, zpfn);
	ck_assert_uint_eq(pt[1][slot(r0 + 11 * P)].rights, MAP_R);
	ck_assert(!fm_fill(1, r0 + P, true)); /* mapped: no mark left */
	ck_assert_ptr_null(dp_page(&s, r0 + P));
	dp_settle(&s, 0, 0);
	for (int i = 1; i <= 10; i++) {
		const struct page *p = dp_page(&s, r0 + i * P);
		ck_assert(p && p->pfn == pt[1][slot(r0 + i * P)].pfn && !p->flags);
	}
	ck_assert(dp_page(&s, r0 + 11 * P)->flags & PAGE_ZERO);
	ck_assert_uint_eq(dp_stats.faults_kernel, 11);
	ck_assert_uint_eq(dp_stats.frames_held, 11);
	v = 9; /* the read fill written: the pager copies the zero frame */
	ck_assert_int_eq(access_page(&s, r0 + 11 * P, true, &v), E_OK);
	ck_assert_uint_ne(pt[1][slot(r0 + 11 * P)].pfn, zpfn);
	/* fork: a fill not yet taken goes to the child too; none after */
	ck_assert(fm_fill(1, r0 + 12 * P, true));
	fr[pt[1][slot(r0 + 12 * P)].pfn].data[0] = 0x42;
	dp_space_init(&c, 2);
	fm_on_share = fill_during_fork;
	ck_assert_int_eq(dp_fork(&s, &c), E_OK);
	fm_on_share = NULL;
	ck_assert(fm_fill(1, r0 + 13 * P, true)); /* after it: the parent's alone */
	fr[pt[1][slot(r0 + 13 * P)].pfn].data[0] = 0x13;
	ck_assert_int_eq(access_page(&c, r0 + 12 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 0x42);
	v = 55;
	ck_assert_int_eq(access_page(&s, r0 + 5 * P, true, &v), E_OK);
	ck_assert_int_eq(access_page(&c, r0 + 5 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 5);
	ck_assert_int_eq(access_page(&c, r0 + 13 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 0);
	/* a write to a page share_cow marked: the kernel's copy, the child's
	 * own once taken, its old share given up (the parent's page stays) */
	ck_assert(pt[2][slot(r0 + 6 * P)].copy && pt[1][slot(r0 + 6 * P)].copy);
	uint64_t shared6 = pt[1][slot(r0 + 6 * P)].pfn;
	ck_assert(fm_copy(2, r0 + 6 * P));
	ck_assert_uint_ne(pt[2][slot(r0 + 6 * P)].pfn, shared6);
	ck_assert_uint_eq(fr[pt[2][slot(r0 + 6 * P)].pfn].data[0], 6);
	fr[pt[2][slot(r0 + 6 * P)].pfn].data[0] = 66;
	dp_settle(&c, 0, 0);
	const struct page *cp = dp_page(&c, r0 + 6 * P);
	ck_assert(cp && !cp->flags && cp->pfn == pt[2][slot(r0 + 6 * P)].pfn);
	ck_assert_uint_eq(dp_stats.cow_copies, 2); /* page 5 by the pager, 6 by the kernel */
	ck_assert_int_eq(access_page(&s, r0 + 6 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 6);
	v = 67; /* the parent, last sharer now: the pager's reuse, no copy */
	ck_assert_int_eq(access_page(&s, r0 + 6 * P, true, &v), E_OK);
	ck_assert_uint_eq(pt[1][slot(r0 + 6 * P)].pfn, shared6);
	/* marked again by a demand fault; munmap takes and frees the fills */
	ck_assert_int_eq(access_page(&s, r0 + 20 * P, true, &v), E_OK);
	ck_assert(fm_fill(1, r0 + 21 * P, true));
	ck_assert(fm_fill(1, r0 + 14 * P, true));
	ck_assert_int_eq(dp_unmap(&s, r0 + 16 * P, r0 + 32 * P), E_OK);
	ck_assert(!pt[1][slot(r0 + 21 * P)].on);
	ck_assert_uint_eq(mark[1][slot(r0 + 22 * P)], 0);
	/* mprotect: its range's fills recorded and read-only, no mark left */
	ck_assert_int_eq(dp_protect_range(&s, r0, r0 + 16 * P, MAP_R), E_OK);
	ck_assert(dp_page(&s, r0 + 14 * P));
	ck_assert_uint_eq(pt[1][slot(r0 + 14 * P)].rights, MAP_R);
	ck_assert(!fm_fill(1, r0 + 15 * P, false));
	space_gone(&c);
	space_gone(&s);
	assert_no_leaks();
}
END_TEST

START_TEST(zero_write_one_call)
{
	setup();
	struct dp_space s;
	uint8_t v = 7;
	anon_space(&s, 1, 8);
	alloc_map1_calls = 0;
	struct dp_map m;
	ck_assert_int_eq(dp_fault(&s, BASE + 2 * P, FAULT_ACC_WRITE, &m), E_OK);
	ck_assert_int_eq(alloc_map1_calls, 1);
	ck_assert(pt[1][2].on);
	ck_assert_uint_eq(pt[1][2].pfn, m.pfn);
	ck_assert_uint_eq(pt[1][2].rights, MAP_R | MAP_W);
	ck_assert_uint_eq(fr[m.pfn].refs, 2); /* the pager's hold and the mapping */
	ck_assert_uint_eq(dp_stats.frames_held, 1);
	ck_assert_int_eq(access_page(&s, BASE + 2 * P, true, &v), E_OK);
	ck_assert_int_eq(alloc_map1_calls, 1); /* present now */
	uint64_t stray;
	uint32_t sgen;
	ck_assert_int_eq(f_alloc(&stray, &sgen), E_OK); /* a mapping without a record */
	f_map(1, BASE + 5 * P, stray, sgen, MAP_R);
	f_free(stray, sgen);
	ck_assert_int_eq(dp_fault(&s, BASE + 5 * P, FAULT_ACC_WRITE, &m), E_OK);
	ck_assert_int_eq(alloc_map1_calls, 2);
	ck_assert_uint_eq(pt[1][5].pfn, m.pfn);
	ck_assert_uint_ne(m.pfn, stray);
	ck_assert_uint_eq(fr[stray].refs, 0);
	frames_left = 0; /* no frame: nothing recorded, nothing mapped */
	ck_assert_int_eq(dp_fault(&s, BASE + 7 * P, FAULT_ACC_WRITE, &m), E_NOMEM);
	ck_assert(!pt[1][7].on);
	ck_assert_uint_eq(dp_stats.frames_held, 2);
	frames_left = 100000;
	space_gone(&s);
	assert_no_leaks();
}
END_TEST

START_TEST(out_of_memory)
{
	setup();
	struct dp_space a, b;
	uint8_t v = 1;
	anon_space(&a, 1, 8);
	dp_space_init(&b, 2);
	access_page(&a, BASE, true, &v);
	ck_assert_int_eq(dp_fork(&a, &b), E_OK);
	frames_left = 0;
	ck_assert_int_eq(access_page(&a, BASE, true, &v), E_NOMEM); /* must copy */
	ck_assert_int_eq(access_page(&b, BASE + P, true, &v), E_NOMEM);
	ck_assert_int_eq(access_page(&b, BASE + P, false, &v), E_OK); /* zero frame */
	space_gone(&b);
	ck_assert_int_eq(access_page(&a, BASE, true, &v), E_OK); /* reuse: no frame */
	ck_assert_uint_eq(dp_stats.cow_reuses, 1);
	dp_stats.cow_reuses = 0;
	frames_left = 100000;
	space_gone(&a);
	assert_no_leaks();
}
END_TEST

START_TEST(munmap_protect_unregister)
{
	setup();
	struct dp_space s;
	uint8_t v = 3;
	anon_space(&s, 1, 8);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(access_page(&s, BASE + i * P, true, &v), E_OK);
	dp_release_range(&s, BASE + 2 * P, BASE + 4 * P);
	ck_assert(!pt[1][2].on && !pt[1][3].on && pt[1][4].on);
	ck_assert_int_eq(access_page(&s, BASE + 2 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(dp_protect(&s, BASE + 4 * P, BASE + 6 * P, MAP_R), E_OK);
	ck_assert_uint_eq(pt[1][4].rights, MAP_R);
	ck_assert_uint_eq(pt[1][6].rights, MAP_R | MAP_W);
	ck_assert_int_eq(access_page(&s, BASE + 5 * P, true, &v), E_FAULT);
	ck_assert_int_eq(access_page(&s, BASE + 6 * P, true, &v), E_OK);
	ck_assert_int_eq(dp_protect(&s, BASE + 7 * P, BASE + 9 * P, MAP_R), E_INVAL);
	ck_assert_int_eq(dp_unregister_lazy(&s, BASE + 4 * P), E_OK);
	ck_assert_int_eq(access_page(&s, BASE + 4 * P, false, &v), E_FAULT);
	ck_assert_int_eq(dp_unregister_lazy(&s, BASE), E_OK);
	ck_assert_int_eq(dp_unregister_lazy(&s, BASE + 6 * P), E_OK);
	ck_assert_uint_eq(pagetab_count(&s.pages), 0);
	space_gone(&s);
	assert_no_leaks();
}
END_TEST

/* dp_resize (the brk heap): a lower end releases the pages past it, a
 * higher one lets faults in again, the start itself removes the region. */
START_TEST(resize_moves_the_end)
{
	setup();
	struct dp_space s;
	uint8_t v = 5;
	dp_space_init(&s, 1);
	dp_register_lazy(&s, BASE, 4 * P, MAP_R | MAP_W, &backing_heap, NULL);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(access_page(&s, BASE + i * P, true, &v), E_OK);
	ck_assert_uint_eq(dp_pages(&s), 4);
	ck_assert_int_eq(dp_resize(&s, BASE, BASE + 2 * P), E_OK);
	ck_assert(pt[1][1].on && !pt[1][2].on && !pt[1][3].on);
	ck_assert_uint_eq(dp_pages(&s), 2);
	ck_assert_ptr_null(dp_page(&s, BASE + 2 * P));
	ck_assert_ptr_nonnull(dp_page(&s, BASE + P));
	ck_assert_int_eq(access_page(&s, BASE + 2 * P, false, &v), E_FAULT);
	ck_assert_int_eq(dp_resize(&s, BASE, BASE + 6 * P), E_OK);
	ck_assert_int_eq(access_page(&s, BASE + 5 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(dp_resize(&s, BASE + P, BASE + 3 * P), E_NOENT);
	ck_assert_ptr_eq(dp_region(&s, BASE + 5 * P), dp_region(&s, BASE));
	ck_assert_int_eq(dp_resize(&s, BASE, BASE), E_OK);
	ck_assert_ptr_null(dp_region(&s, BASE));
	ck_assert_uint_eq(dp_pages(&s), 0);
	space_gone(&s);
	assert_no_leaks();
}
END_TEST

/* No mapping lets a space write a frame another mapping or the zero frame
 * also shows (refs: the pager's hold plus one per mapping). */
static void assert_no_shared_writable(void)
{
	for (int s = 0; s < NSPACE; s++)
		for (int i = 0; i < NVA; i++)
			if (pt[s][i].on && (pt[s][i].rights & MAP_W))
				ck_assert_msg(pt[s][i].pfn != zpfn && fr[pt[s][i].pfn].refs == 2,
					      "space %d page %d writable, frame refs %d", s, i,
					      fr[pt[s][i].pfn].refs);
}

/* mprotect of a range with private, COW and zero-frame pages and holes
 * makes one kernel call (not one per page), and only private pages get
 * MAP_W back; none, then rights again: one unmap, and faults remap. */
START_TEST(protect_one_call_cow_stays_read_only)
{
	setup();
	struct dp_space a, b;
	uint8_t v;
	anon_space(&a, 1, NVA);
	dp_space_init(&b, 2);
	for (int i = 0; i < 48; i++) { /* 0..31 written, 32..47 read (zero frame) */
		v = (uint8_t)(i + 1);
		ck_assert_int_eq(access_page(&a, BASE + i * P, i < 32, &v), E_OK);
	}
	ck_assert_int_eq(dp_fork(&a, &b), E_OK);
	for (int i = 0; i < 16; i += 2) { /* private again: 0, 2, .. 14 */
		v = (uint8_t)(100 + i);
		ck_assert_int_eq(access_page(&a, BASE + i * P, true, &v), E_OK);
	}
	protect_calls = unmap_calls = 0;
	ck_assert_int_eq(dp_protect(&a, BASE, BASE + NVA * P, MAP_R), E_OK);
	ck_assert_int_eq(protect_calls, 1);
	for (int i = 0; i < 48; i++)
		ck_assert_uint_eq(pt[1][i].rights, MAP_R);
	ck_assert_int_eq(dp_protect(&a, BASE, BASE + NVA * P, MAP_R | MAP_W), E_OK);
	ck_assert_int_eq(protect_calls, 2);
	for (int i = 0; i < 48; i++)
		ck_assert_uint_eq(pt[1][i].rights, i < 16 && i % 2 == 0 ? MAP_R | MAP_W : MAP_R);
	assert_no_shared_writable();
	ck_assert_int_eq(dp_protect(&a, BASE + 8 * P, BASE + 40 * P, 0), E_OK);
	ck_assert_int_eq(unmap_calls, 1);
	ck_assert(pt[1][7].on && !pt[1][8].on && !pt[1][39].on && pt[1][40].on);
	ck_assert_int_eq(access_page(&a, BASE + 9 * P, false, &v), E_FAULT);
	ck_assert_int_eq(dp_protect(&a, BASE + 8 * P, BASE + 40 * P, MAP_R | MAP_W), E_OK);
	ck_assert_int_eq(protect_calls, 3); /* the rest is unmapped: no pages to change */
	for (int i = 0; i < 48; i++) { /* every page writes right, b keeps its bytes */
		v = (uint8_t)(200 + i);
		ck_assert_int_eq(access_page(&a, BASE + i * P, true, &v), E_OK);
		ck_assert_int_eq(access_page(&b, BASE + i * P, false, &v), E_OK);
		ck_assert_uint_eq(v, i < 32 ? i + 1 : 0);
	}
	assert_no_shared_writable();
	space_gone(&a);
	space_gone(&b);
	assert_no_leaks();
}
END_TEST

/* Thousands of random reads, writes, forks, munmaps, mprotects and exits
 * against a model of each space's bytes and rights; no mapping ever lets
 * a shared frame be written; at the end no frame or entry is left. */
START_TEST(random_model)
{
	setup();
	static struct dp_space sp[NSPACE];
	static bool live[NSPACE];
	static uint8_t model[NSPACE][NVA], rights[NSPACE][NVA];
	srand(1234);
	for (int step = 0; step < 20000; step++) {
		int s = rand() % NSPACE, i = rand() % NVA, op = rand() % 100;
		uint64_t va = BASE + (uint64_t)i * P;
		uint8_t v;
		if (!live[s]) {
			anon_space(&sp[s], (uint32_t)s, NVA);
			memset(model[s], 0, NVA);
			memset(rights[s], MAP_R | MAP_W, NVA);
			live[s] = true;
		} else if (op < 40) {
			v = (uint8_t)(rand() | 1);
			bool ok = (rights[s][i] & (MAP_R | MAP_W)) == (MAP_R | MAP_W);
			ck_assert_int_eq(access_page(&sp[s], va, true, &v), ok ? E_OK : E_FAULT);
			if (ok)
				model[s][i] = v;
		} else if (op < 80) {
			bool ok = rights[s][i] & MAP_R;
			ck_assert_int_eq(access_page(&sp[s], va, false, &v), ok ? E_OK : E_FAULT);
			if (ok)
				ck_assert_uint_eq(v, model[s][i]);
		} else if (op < 84) {
			static const unsigned to[] = { MAP_R | MAP_W, MAP_R | MAP_W, MAP_R, 0 };
			unsigned r = to[rand() % 4], n = 1 + (unsigned)rand() % 16;
			struct region *rg = region_find(&sp[s].regions, va);
			if (va + n * P > rg->end) /* one region (earlier ones split it) */
				n = (unsigned)((rg->end - va) / P);
			ck_assert_int_eq(dp_protect(&sp[s], va, va + n * P, r), E_OK);
			memset(&rights[s][i], (int)r, n);
		} else if (op < 88) {
			int c = rand() % NSPACE;
			if (live[c])
				continue;
			dp_space_init(&sp[c], (uint32_t)c);
			ck_assert_int_eq(dp_fork(&sp[s], &sp[c]), E_OK);
			memcpy(model[c], model[s], NVA);
			memcpy(rights[c], rights[s], NVA);
			live[c] = true;
		} else if (op < 95) {
			int n = 1 + rand() % 4;
			if (i + n > NVA)
				n = NVA - i;
			dp_release_range(&sp[s], va, va + (uint64_t)n * P);
			memset(&model[s][i], 0, (size_t)n);
		} else {
			space_gone(&sp[s]);
			live[s] = false;
		}
		assert_no_shared_writable();
	}
	for (int s = 0; s < NSPACE; s++)
		if (live[s])
			space_gone(&sp[s]);
	assert_no_leaks();
	ck_assert_uint_gt(dp_stats.cow_copies, 8);
	ck_assert_uint_gt(dp_stats.cow_reuses, 5);
}
END_TEST

/* Regions of s (for split/merge checks). */
static int region_count(struct dp_space *s)
{
	int n = 0;
	for (struct region *r = region_from(&s->regions, 0); r; r = region_next(&s->regions, r))
		n++;
	return n;
}

START_TEST(shared_fork_never_cow)
{
	setup();
	struct dp_space a, b;
	uint8_t v = 5;
	dp_space_init(&a, 1);
	dp_space_init(&b, 2);
	struct shm *o = shm_new();
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(dp_register_shared(&a, BASE, 4 * P, MAP_R | MAP_W, o, BASE), E_OK);
	dp_shm_put(o); /* the region's reference is the one left */
	ck_assert_int_eq(access_page(&a, BASE, true, &v), E_OK);
	ck_assert_int_eq(dp_fork(&a, &b), E_OK);
	ck_assert_uint_eq(shm_users(o), 2);
	/* the parent keeps writing without a fault; the child sees it */
	ck_assert_uint_eq(pt[1][0].rights, MAP_R | MAP_W);
	v = 6;
	ck_assert_int_eq(access_page(&a, BASE, true, &v), E_OK);
	ck_assert_int_eq(access_page(&b, BASE, false, &v), E_OK);
	ck_assert_uint_eq(v, 6);
	ck_assert_uint_eq(pt[2][0].pfn, pt[1][0].pfn);
	v = 7; /* the child writes: the same frame, no copy */
	ck_assert_int_eq(access_page(&b, BASE, true, &v), E_OK);
	ck_assert_uint_eq(pt[2][0].pfn, pt[1][0].pfn);
	ck_assert_int_eq(access_page(&a, BASE, false, &v), E_OK);
	ck_assert_uint_eq(v, 7);
	ck_assert_uint_eq(dp_stats.cow_copies, 0);
	/* a page the child faults in first is the parent's too */
	v = 8;
	ck_assert_int_eq(access_page(&b, BASE + 2 * P, true, &v), E_OK);
	ck_assert_int_eq(access_page(&a, BASE + 2 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 8);
	struct pg_page_info pi;
	dp_page_info(&b, BASE, &pi);
	ck_assert_uint_eq(pi.flags & (PGI_SHARED | PGI_COW | PGI_WRITABLE), PGI_SHARED | PGI_WRITABLE);
	ck_assert_uint_eq(pi.mapcount, 2);
	/* a split gives the new part its own reference; unmapping the
	 * parent's keeps the frames for the child */
	ck_assert_int_eq(dp_unmap(&a, BASE + P, BASE + 2 * P), E_OK);
	ck_assert_uint_eq(shm_users(o), 3);
	f_unmap(1, BASE, NVA);
	dp_destroy(&a);
	ck_assert_uint_eq(shm_users(o), 1);
	ck_assert_int_eq(access_page(&b, BASE, false, &v), E_OK);
	ck_assert_uint_eq(v, 7);
	space_gone(&b);
	ck_assert_uint_eq(shm_objects_used(), 0);
	ck_assert_uint_eq(dp_stats.frames_held, 0);
	assert_no_leaks();
}
END_TEST

/* MAP_PRIVATE of an object (shm_private): an unwritten page is the
 * object's frame, read-only, so the object's later bytes show through it;
 * a write copies it (the object's frame untouched, not freed); fork shares
 * the written page copy-on-write and the unwritten ones with the object;
 * nothing leaks. */
START_TEST(shm_private_cow)
{
	setup();
	struct dp_space a, b;
	uint8_t v = 1;
	dp_space_init(&a, 1);
	dp_space_init(&b, 2);
	struct shm *o = dp_shm_new();
	ck_assert_ptr_nonnull(o);
	const uint64_t PRIV = BASE + 16 * P;
	ck_assert_int_eq(dp_register_shared(&a, BASE, 2 * P, MAP_R | MAP_W, o, BASE), E_OK);
	ck_assert_int_eq(dp_register_shared(&a, PRIV, 2 * P, MAP_R | MAP_W, o, PRIV), E_OK);
	dp_region(&a, PRIV)->shm_private = 1;
	dp_shm_put(o); /* the regions' references are the ones left */
	ck_assert_int_eq(access_page(&a, BASE, true, &v), E_OK);
	v = 0;
	ck_assert_int_eq(access_page(&a, PRIV, false, &v), E_OK);
	ck_assert_uint_eq(v, 1);
	ck_assert_uint_eq(pt[1][16].pfn, pt[1][0].pfn);
	ck_assert_uint_eq(pt[1][16].rights, MAP_R); /* the object's: read-only here */
	v = 2; /* the object changes: seen through the unwritten page */
	ck_assert_int_eq(access_page(&a, BASE, true, &v), E_OK);
	ck_assert_int_eq(access_page(&a, PRIV, false, &v), E_OK);
	ck_assert_uint_eq(v, 2);
	uint64_t obj_pfn = pt[1][0].pfn, held = dp_stats.frames_held;
	v = 3; /* our write: a private copy */
	ck_assert_int_eq(access_page(&a, PRIV, true, &v), E_OK);
	ck_assert_uint_ne(pt[1][16].pfn, obj_pfn);
	ck_assert_uint_eq(pt[1][16].rights, MAP_R | MAP_W);
	ck_assert_uint_eq(dp_stats.cow_copies, 1);
	ck_assert_uint_eq(dp_stats.frames_held, held + 1);
	ck_assert_int_eq(access_page(&a, BASE, false, &v), E_OK);
	ck_assert_uint_eq(v, 2);
	/* fork: the written page copy-on-write, the unwritten one the object's */
	ck_assert_int_eq(dp_fork(&a, &b), E_OK);
	ck_assert_uint_eq(shm_users(o), 4);
	ck_assert_int_eq(access_page(&b, PRIV, false, &v), E_OK);
	ck_assert_uint_eq(v, 3);
	v = 4;
	ck_assert_int_eq(access_page(&b, PRIV, true, &v), E_OK);
	ck_assert_int_eq(access_page(&a, PRIV, false, &v), E_OK);
	ck_assert_uint_eq(v, 3);
	v = 5;
	ck_assert_int_eq(access_page(&a, BASE + P, true, &v), E_OK);
	v = 0;
	ck_assert_int_eq(access_page(&b, PRIV + P, false, &v), E_OK);
	ck_assert_uint_eq(v, 5);
	ck_assert_uint_eq(pt[2][17].pfn, pt[1][1].pfn);
	v = 6; /* the child's copy of the page it had not written */
	ck_assert_int_eq(access_page(&b, PRIV + P, true, &v), E_OK);
	ck_assert_uint_ne(pt[2][17].pfn, pt[1][1].pfn);
	ck_assert_int_eq(access_page(&a, BASE + P, false, &v), E_OK);
	ck_assert_uint_eq(v, 5);
	space_gone(&a);
	ck_assert_int_eq(access_page(&b, PRIV + P, false, &v), E_OK);
	ck_assert_uint_eq(v, 6);
	space_gone(&b);
	ck_assert_uint_eq(shm_objects_used(), 0);
	ck_assert_uint_eq(dp_stats.frames_held, 0);
	assert_no_leaks();
}
END_TEST

/* A shrink (ftruncate) zeroes the bytes cut off in the frames the object
 * holds and makes no frame for a page it has none of (review 11: libsys
 * zeroed through the mapping, which made one for every page). */
START_TEST(shm_shrink_zeroes_held_frames)
{
	setup();
	struct dp_space a;
	uint8_t v = 1;
	dp_space_init(&a, 1);
	struct shm *o = dp_shm_new();
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(dp_register_shared(&a, BASE, 8 * P, MAP_R | MAP_W, o, BASE), E_OK);
	dp_shm_put(o); /* the region's reference is the one left */
	ck_assert_int_eq(access_page(&a, BASE, true, &v), E_OK);
	ck_assert_int_eq(access_page(&a, BASE + 5 * P, true, &v), E_OK);
	uint8_t *p0 = fr[pt[1][0].pfn].data, *p5 = fr[pt[1][5].pfn].data;
	memset(p0, 0xAA, P);
	memset(p5, 0xBB, P);
	uint64_t held = dp_stats.frames_held;
	ck_assert_uint_eq(held, 2);
	dp_shm_zero_from(o, 100);
	ck_assert_uint_eq(dp_stats.frames_held, held); /* none made, none lost */
	for (uint64_t i = 0; i < P; i++) {
		ck_assert_uint_eq(p0[i], i < 100 ? 0xAA : 0);
		ck_assert_uint_eq(p5[i], 0);
	}
	dp_shm_zero_from(o, 0);
	ck_assert_uint_eq(p0[0], 0);
	ck_assert_uint_eq(dp_stats.frames_held, held);
	space_gone(&a);
	ck_assert_uint_eq(shm_objects_used(), 0);
	ck_assert_uint_eq(dp_stats.frames_held, 0);
	assert_no_leaks();
}
END_TEST

static void *page_grow(uint64_t *cookie)
{
	*cookie = 0;
	return aligned_alloc(4096, 4096);
}

static void page_shrink(void *page, uint64_t cookie)
{
	(void)cookie;
	free(page);
}

/* shm_open's namespace: one for all spaces (two unrelated ones here find
 * the same object by name and share its frames, marked shared for the
 * kernel's futex keys); a name is a reference, so an unlinked object
 * lives while mapped; names and objects past the pools' own arrays. */
START_TEST(shm_names_global)
{
	setup();
	struct dp_space a, b;
	uint8_t v = 9;
	dp_space_init(&a, 1);
	dp_space_init(&b, 2);
	struct shm *o = dp_shm_new();
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(dp_shm_link("obj", o), E_OK);
	dp_shm_put(o); /* the name's reference is the one left */
	ck_assert_int_eq(dp_shm_link("obj", o), E_BUSY);
	ck_assert_int_eq(dp_shm_link("", o), E_INVAL);
	ck_assert_ptr_null(dp_shm_lookup("other"));
	ck_assert_ptr_eq(dp_shm_lookup("obj"), o);
	ck_assert_int_eq(dp_register_shared(&a, BASE, 2 * P, MAP_R | MAP_W, o, BASE), E_OK);
	ck_assert_int_eq(access_page(&a, BASE + P, true, &v), E_OK);
	ck_assert(fr[pt[1][1].pfn].shared); /* futexes in it: the frame's */
	/* b, not a's child, finds it by name, at another address */
	ck_assert_int_eq(dp_register_shared(&b, BASE + 8 * P, 2 * P, MAP_R | MAP_W,
					    dp_shm_lookup("obj"), BASE + 8 * P), E_OK);
	ck_assert_uint_eq(shm_users(o), 3);
	ck_assert_int_eq(dp_shm_unlink("obj"), E_OK);
	ck_assert_int_eq(dp_shm_unlink("obj"), E_NOENT);
	ck_assert_ptr_null(dp_shm_lookup("obj"));
	ck_assert_uint_eq(shm_users(o), 2); /* alive while mapped */
	v = 0;
	ck_assert_int_eq(access_page(&b, BASE + 9 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 9);
	ck_assert_uint_eq(pt[2][9].pfn, pt[1][1].pfn);
	space_gone(&a);
	space_gone(&b);
	ck_assert_uint_eq(shm_objects_used(), 0);
	/* more names and objects than the pools' own arrays */
	pool_grow = page_grow;
	pool_shrink = page_shrink;
	enum { MANY = 300 };
	static struct shm *many[MANY];
	char n[16];
	for (int i = 0; i < MANY; i++) {
		snprintf(n, sizeof n, "o%d", i);
		ck_assert_ptr_nonnull(many[i] = dp_shm_new());
		ck_assert_int_eq(dp_shm_link(n, many[i]), E_OK);
		dp_shm_put(many[i]);
	}
	ck_assert_uint_eq(shm_names_used(), MANY);
	ck_assert_uint_eq(shm_objects_used(), MANY);
	for (int i = MANY - 1; i >= 0; i--) {
		snprintf(n, sizeof n, "o%d", i);
		ck_assert_ptr_eq(dp_shm_lookup(n), many[i]);
		ck_assert_int_eq(dp_shm_unlink(n), E_OK);
	}
	ck_assert_uint_eq(shm_names_used(), 0);
	ck_assert_uint_eq(shm_objects_used(), 0);
	pool_grow = NULL;
	pool_shrink = NULL;
	ck_assert_uint_eq(dp_stats.frames_held, 0);
	assert_no_leaks();
}
END_TEST

/* tmpfs's calls on the namespace: a list walk by prefix with sizes and
 * a cursor, objects' numbers and name counts, and rename (in place; a name the new one had is dropped with
 * its reference, so its object goes when nothing maps it: its frames
 * come back). */
/* A shrink's frames: shm_free_from gives back the object's frames from a
 * page on and keeps the ones before (their bytes too); shm_zero_range
 * zeroes only its range. */
START_TEST(shm_free_from_pages)
{
	setup();
	struct dp_space a;
	uint8_t v = 9, got = 0;
	dp_space_init(&a, 1);
	struct shm *o = dp_shm_new();
	ck_assert_int_eq(dp_register_shared(&a, BASE, 3 * P, MAP_R | MAP_W, o, BASE), E_OK);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(access_page(&a, BASE + i * P, true, &v), E_OK);
	space_gone(&a); /* our reference keeps o */
	ck_assert_uint_eq(dp_stats.frames_held, 3);
	dp_shm_zero_range(o, P + 1, 2 * P);
	dp_shm_free_from(o, 2 * P);
	ck_assert_uint_eq(dp_stats.frames_held, 2);
	dp_space_init(&a, 1);
	ck_assert_int_eq(dp_register_shared(&a, BASE, 3 * P, MAP_R | MAP_W, o, BASE), E_OK);
	ck_assert_int_eq(access_page(&a, BASE, false, &got), E_OK);
	ck_assert_uint_eq(got, 9);
	ck_assert_int_eq(access_page(&a, BASE + P, false, &got), E_OK);
	ck_assert_uint_eq(got, 9); /* byte 0 of page 1: before the zeroed range */
	ck_assert_int_eq(access_page(&a, BASE + 2 * P, false, &got), E_OK);
	ck_assert_uint_eq(got, 0); /* a new frame */
	space_gone(&a);
	dp_shm_put(o);
	ck_assert_uint_eq(dp_stats.frames_held, 0);
	ck_assert_uint_eq(shm_objects_used(), 0);
}
END_TEST

/* The files' total (dp_stats.tmpfs_limit): an fs object's frames count,
 * another object's do not; past the total a fill stops at the first page
 * with no room (E_NOSPC, done there) and a fault in a mapping is E_NOSPC;
 * frames freed by a shrink or the last reference make room again. */
START_TEST(shm_files_total)
{
	setup();
	dp_stats.tmpfs_limit = 3;
	struct dp_space a;
	uint8_t v = 7;
	uint64_t done;
	struct shm *o = dp_shm_new(), *q = dp_shm_new();
	o->fs = true;
	ck_assert_int_eq(dp_shm_fill(o, P / 2, 5 * P, &done), E_NOSPC);
	ck_assert_uint_eq(done, 3 * P);
	ck_assert_uint_eq(dp_stats.tmpfs_frames, 3);
	ck_assert_int_eq(dp_shm_fill(o, 0, 2 * P, &done), E_OK); /* all there */
	ck_assert_uint_eq(done, 2 * P);
	ck_assert_int_eq(dp_shm_fill(q, 0, 4 * P, &done), E_OK); /* not a file */
	ck_assert_uint_eq(dp_stats.tmpfs_frames, 3);
	dp_space_init(&a, 1);
	ck_assert_int_eq(dp_register_shared(&a, BASE, 8 * P, MAP_R | MAP_W, o, BASE), E_OK);
	ck_assert_int_eq(access_page(&a, BASE + 2 * P, true, &v), E_OK);
	ck_assert_int_eq(access_page(&a, BASE + 6 * P, true, &v), E_NOSPC);
	dp_shm_free_from(o, P);
	ck_assert_uint_eq(dp_stats.tmpfs_frames, 1);
	ck_assert_int_eq(access_page(&a, BASE + 6 * P, true, &v), E_OK);
	ck_assert_int_eq(dp_shm_fill(o, P + 10, 4 * P, &done), E_NOSPC);
	ck_assert_uint_eq(done, 2 * P); /* page 1 made, page 2 no room */
	space_gone(&a);
	dp_shm_put(o);
	ck_assert_uint_eq(dp_stats.tmpfs_frames, 0);
	dp_shm_put(q);
	ck_assert_uint_eq(dp_stats.frames_held, 0);
	ck_assert_uint_eq(shm_objects_used(), 0);
}
END_TEST

/* A walk of the namespace in name order that goes on past the name it
 * got: unlinking every name it gives (rm -rf) skips none, a name linked
 * ahead of it is seen, one behind it is not, and a rename moves a name to
 * its new place in the order. */
START_TEST(shm_names_walk_unlink)
{
	setup();
	char nm[SHM_NAME_MAX + 1], name[SHM_NAME_MAX + 1] = "";
	uint64_t size;
	for (int i = 0; i < 10; i++) {
		struct shm *o = dp_shm_new();
		snprintf(nm, sizeof nm, "/tmp/d/f%d", (i * 7) % 10);
		ck_assert_int_eq(dp_shm_link(nm, o), E_OK);
		dp_shm_put(o);
	}
	struct shm *o = dp_shm_new();
	ck_assert_int_eq(dp_shm_link("/tmp/e", o), E_OK);
	dp_shm_put(o);
	static const char *const want[] = { "f0", "f1", "f2", "f3", "f4", "f4x", "f5", "f6",
					    "f7", "f8", "f9" };
	int seen = 0;
	while (dp_shm_name_next(name, "/tmp/d/", name, &size) == E_OK) {
		ck_assert_int_lt(seen, 11);
		snprintf(nm, sizeof nm, "/tmp/d/%s", want[seen]);
		ck_assert_str_eq(name, nm); /* in order, none skipped */
		if (seen != 5)
			ck_assert_int_eq(dp_shm_unlink(name), E_OK);
		if (seen == 4) { /* one behind, one ahead */
			struct shm *a = dp_shm_new(), *b = dp_shm_new();
			ck_assert_int_eq(dp_shm_link("/tmp/d/f0x", a), E_OK);
			ck_assert_int_eq(dp_shm_link("/tmp/d/f4x", b), E_OK);
			dp_shm_put(a), dp_shm_put(b);
		}
		seen++;
	}
	ck_assert_int_eq(seen, 11);
	name[0] = '\0';
	ck_assert_int_eq(dp_shm_name_next(name, "/tmp/d/", name, &size), E_OK);
	ck_assert_str_eq(name, "/tmp/d/f0x");
	ck_assert_int_eq(dp_shm_name_next(name, "/tmp/d/", name, &size), E_OK);
	ck_assert_str_eq(name, "/tmp/d/f4x");
	ck_assert_int_eq(dp_shm_name_next(name, "/tmp/d/", name, &size), E_NOENT);
	ck_assert_int_eq(dp_shm_rename("/tmp/d/f4x", "/tmp/a"), E_OK);
	name[0] = '\0';
	ck_assert_int_eq(dp_shm_name_next(name, "", name, &size), E_OK);
	ck_assert_str_eq(name, "/tmp/a");
	ck_assert_int_eq(dp_shm_unlink("/tmp/a"), E_OK);
	ck_assert_int_eq(dp_shm_unlink("/tmp/d/f0x"), E_OK);
	ck_assert_int_eq(dp_shm_unlink("/tmp/e"), E_OK);
	ck_assert_uint_eq(shm_names_used(), 0);
	ck_assert_uint_eq(shm_objects_used(), 0);
}
END_TEST

START_TEST(shm_names_list_rename)
{
	setup();
	struct dp_space a;
	uint8_t v = 5;
	dp_space_init(&a, 1);
	struct shm *x = dp_shm_new(), *y = dp_shm_new(), *z = dp_shm_new();
	ck_assert_int_eq(dp_shm_link("/tmp/x", x), E_OK);
	ck_assert_int_eq(dp_shm_link("/tmp/d/", y), E_OK);
	ck_assert_int_eq(dp_shm_link("shmobj", z), E_OK);
	dp_shm_put(x), dp_shm_put(y), dp_shm_put(z);
	ck_assert(x->ino != y->ino && y->ino != z->ino && x->ino != z->ino);
	ck_assert_uint_eq(x->names, 1);
	x->size = 77;
	char name[SHM_NAME_MAX + 1] = "";
	uint64_t size;
	int seen = 0;
	while (dp_shm_name_next(name, "/tmp/", name, &size) == E_OK) {
		ck_assert(!strncmp(name, "/tmp/", 5));
		if (!strcmp(name, "/tmp/x"))
			ck_assert_uint_eq(size, 77);
		seen++;
	}
	ck_assert_int_eq(seen, 2);
	name[0] = '\0';
	seen = 0;
	while (dp_shm_name_next(name, "", name, &size) == E_OK)
		seen++;
	ck_assert_int_eq(seen, 3);
	/* y's frame, mapped nowhere: renaming x onto its name frees it */
	ck_assert_int_eq(dp_register_shared(&a, BASE, P, MAP_R | MAP_W, y, BASE), E_OK);
	ck_assert_int_eq(access_page(&a, BASE, true, &v), E_OK);
	space_gone(&a);
	ck_assert_uint_eq(dp_stats.frames_held, 1); /* the name keeps y */
	ck_assert_int_eq(dp_shm_rename("/tmp/none", "/tmp/q"), E_NOENT);
	ck_assert_int_eq(dp_shm_rename("/tmp/x", "/tmp/d/"), E_OK);
	ck_assert_uint_eq(dp_stats.frames_held, 0);
	ck_assert_ptr_eq(dp_shm_lookup("/tmp/d/"), x);
	ck_assert_uint_eq(x->names, 1);
	ck_assert_ptr_null(dp_shm_lookup("/tmp/x"));
	ck_assert_int_eq(dp_shm_rename("/tmp/d/", "/tmp/d/"), E_OK);
	ck_assert_int_eq(dp_shm_rename("/tmp/d/", ""), E_INVAL);
	ck_assert_int_eq(dp_shm_unlink("/tmp/d/"), E_OK);
	ck_assert_int_eq(dp_shm_unlink("shmobj"), E_OK);
	ck_assert_uint_eq(shm_names_used(), 0);
	ck_assert_uint_eq(shm_objects_used(), 0);
	assert_no_leaks();
}
END_TEST

/* System V segments: one table for all spaces (a key found by an
 * unrelated space, the same frames); EXCL, no key, a larger size, a
 * private key making a new one each time; nattch is the attachments of
 * every space; a removed segment's key is free at once and its id lives
 * until the last attachment goes, then is stale (and so are its frames:
 * none held).  A sized object's page past its size is E_RANGE. */
START_TEST(shm_segs_global)
{
	setup();
	struct dp_space a, b;
	uint8_t v = 5;
	int32_t id, id2, id3;
	dp_space_init(&a, 1);
	dp_space_init(&b, 2);
	ck_assert_int_eq(dp_seg_get(42, 2 * P, 0, 0600, 1, 0, &id), E_NOENT);
	ck_assert_int_eq(dp_seg_get(42, 2 * P - 10, SHM_SEG_CREAT, 0600, 1, 7, &id), E_OK);
	ck_assert_int_eq(dp_seg_get(42, P, SHM_SEG_CREAT | SHM_SEG_EXCL, 0, 2, 0, &id2), E_BUSY);
	ck_assert_int_eq(dp_seg_get(42, 2 * P, 0, 0, 2, 0, &id2), E_INVAL);
	ck_assert_int_eq(dp_seg_get(42, 0, 0, 0, 2, 0, &id2), E_OK);
	ck_assert_int_eq(id2, id);
	ck_assert_int_eq(dp_seg_get(0, 0, SHM_SEG_CREAT, 0, 2, 0, &id2), E_INVAL);
	ck_assert_int_eq(dp_seg_get(0, P, 0, 0, 2, 0, &id2), E_OK);
	ck_assert_int_eq(dp_seg_get(0, P, 0, 0, 2, 0, &id3), E_OK);
	ck_assert_int_ne(id2, id3);
	ck_assert_uint_eq(shm_segs_used(), 3);
	struct shm *o = dp_seg_find(id);
	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_null(dp_seg_find(-1));
	ck_assert_ptr_null(dp_seg_find(id + SHM_SEG_MAX)); /* another generation */
	ck_assert_uint_eq(o->seg->segsz, 2 * P - 10);
	ck_assert_uint_eq(o->seg->cpid, 1);
	ck_assert_uint_eq(shm_seg_nattch(o), 0);
	ck_assert_int_eq(dp_register_shared(&a, BASE, 2 * P, MAP_R | MAP_W, o, BASE), E_OK);
	ck_assert_int_eq(dp_register_shared(&b, BASE + 4 * P, 2 * P, MAP_R, o, BASE + 4 * P), E_OK);
	ck_assert_uint_eq(shm_seg_nattch(o), 2);
	ck_assert_int_eq(access_page(&a, BASE + P, true, &v), E_OK);
	v = 0;
	ck_assert_int_eq(access_page(&b, BASE + 5 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 5);
	dp_seg_remove(o);
	ck_assert_uint_eq(shm_seg_nattch(o), 2);
	ck_assert_int_eq(dp_seg_get(42, 0, 0, 0, 2, 0, &id2), E_NOENT); /* the key went */
	ck_assert_ptr_eq(dp_seg_find(id), o);
	space_gone(&a);
	ck_assert_uint_eq(shm_seg_nattch(o), 1);
	space_gone(&b);
	ck_assert_ptr_null(dp_seg_find(id)); /* gone with its last attachment */
	ck_assert_uint_eq(shm_segs_used(), 2);
	dp_seg_remove(dp_seg_find(id2));
	dp_seg_remove(dp_seg_find(id3));
	ck_assert_uint_eq(shm_segs_used(), 0);
	ck_assert_uint_eq(shm_objects_used(), 0);
	/* a sized object (shm_open's): a whole page past its size is E_RANGE */
	dp_space_init(&a, 1);
	o = dp_shm_new();
	o->sized = true;
	o->size = P + 1;
	ck_assert_int_eq(dp_register_shared(&a, BASE, 3 * P, MAP_R | MAP_W, o, BASE), E_OK);
	dp_shm_put(o);
	ck_assert_int_eq(access_page(&a, BASE + P, true, &v), E_OK);
	ck_assert_int_eq(access_page(&a, BASE + 2 * P, false, &v), E_RANGE);
	o->size = 3 * P;
	ck_assert_int_eq(access_page(&a, BASE + 2 * P, false, &v), E_OK);
	space_gone(&a);
	ck_assert_uint_eq(shm_objects_used(), 0);
	ck_assert_uint_eq(dp_stats.frames_held, 0);
	assert_no_leaks();
}
END_TEST

/* mremap's move of private memory: the entries go to the new range with
 * their frames (nothing copied, no frame taken), a fork's COW shares
 * kept (a write then copies, the child keeps its bytes), the old range's
 * mappings and region gone (keep_old: the region stays, empty, reading
 * zero); a KSM region is refused with nothing changed. */
START_TEST(move_keeps_frames)
{
	setup();
	struct dp_space a, b;
	uint8_t v;
	anon_space(&a, 1, 4);
	dp_space_init(&b, 2);
	for (int i = 0; i < 3; i++) {
		v = (uint8_t)(i + 1);
		ck_assert_int_eq(access_page(&a, BASE + i * P, true, &v), E_OK);
	}
	uint64_t f0 = pt[1][0].pfn, f2 = pt[1][2].pfn;
	ck_assert_int_eq(dp_fork(&a, &b), E_OK);
	uint64_t held = dp_stats.frames_held;
	ck_assert_int_eq(dp_move(&a, BASE, 4 * P, BASE + 16 * P, 6 * P, false), E_OK);
	ck_assert_ptr_null(dp_region(&a, BASE));
	ck_assert_ptr_null(dp_page(&a, BASE));
	ck_assert(!pt[1][0].on && !pt[1][2].on); /* the old mappings went */
	ck_assert_uint_eq(dp_page(&a, BASE + 16 * P)->pfn, f0);
	ck_assert_uint_eq(dp_page(&a, BASE + 18 * P)->pfn, f2);
	ck_assert_uint_eq(dp_share_count(&a, BASE + 16 * P), 2);
	ck_assert_uint_eq(dp_stats.frames_held, held);
	struct region *r = dp_region(&a, BASE + 21 * P);
	ck_assert(r && r->start == BASE + 16 * P && r->end == BASE + 22 * P);
	ck_assert_int_eq(access_page(&a, BASE + 16 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 1);
	v = 9;
	ck_assert_int_eq(access_page(&a, BASE + 17 * P, true, &v), E_OK); /* COW: a copy */
	ck_assert_int_eq(access_page(&b, BASE + P, false, &v), E_OK);
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(access_page(&a, BASE + 21 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 0);
	/* keep_old (MREMAP_DONTUNMAP): the old range stays, empty */
	ck_assert_int_eq(dp_move(&a, BASE + 16 * P, 6 * P, BASE + 32 * P, 6 * P, true), E_OK);
	ck_assert_ptr_nonnull(dp_region(&a, BASE + 16 * P));
	ck_assert_ptr_null(dp_page(&a, BASE + 16 * P));
	ck_assert_int_eq(access_page(&a, BASE + 16 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(access_page(&a, BASE + 33 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 9);
	/* KSM's: refused, nothing changed */
	dp_region(&a, BASE + 32 * P)->mergeable = 1;
	ck_assert_int_eq(dp_move(&a, BASE + 32 * P, 6 * P, BASE + 48 * P, 6 * P, false), E_NOMEM);
	ck_assert_ptr_null(dp_region(&a, BASE + 48 * P));
	ck_assert_ptr_nonnull(dp_page(&a, BASE + 32 * P));
	space_gone(&a);
	space_gone(&b);
	assert_no_leaks();
}
END_TEST

START_TEST(unmap_protect_across_regions)
{
	setup();
	struct dp_space s;
	uint8_t v = 1;
	anon_space(&s, 1, 8);
	ck_assert_int_eq(dp_register_lazy(&s, BASE + 8 * P, 4 * P, MAP_R, &backing_anon, NULL), E_OK);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(access_page(&s, BASE + i * P, true, &v), E_OK);
	/* the middle of the first: two left, its frames back */
	ck_assert_int_eq(dp_unmap(&s, BASE + 2 * P, BASE + 4 * P), E_OK);
	ck_assert_int_eq(region_count(&s), 3);
	ck_assert_ptr_null(region_find(&s.regions, BASE + 3 * P));
	ck_assert(!pt[1][2].on && !pt[1][3].on && pt[1][4].on);
	ck_assert_uint_eq(dp_stats.frames_held, 6);
	/* mprotect over the hole: E_NOMEM, nothing changed */
	ck_assert_int_eq(dp_protect_range(&s, BASE, BASE + 6 * P, MAP_R), E_NOMEM);
	ck_assert_uint_eq(pt[1][0].rights, MAP_R | MAP_W);
	/* across the second and third: [4,6) RW [6,12) R; then all RW merges */
	ck_assert_int_eq(dp_protect_range(&s, BASE + 6 * P, BASE + 10 * P, MAP_R), E_OK);
	ck_assert_int_eq(region_count(&s), 3);
	ck_assert_uint_eq(pt[1][6].rights, MAP_R);
	ck_assert_int_eq(access_page(&s, BASE + 7 * P, true, &v), E_FAULT);
	ck_assert_int_eq(dp_protect_range(&s, BASE + 4 * P, BASE + 12 * P, MAP_R | MAP_W), E_OK);
	ck_assert_int_eq(region_count(&s), 2);
	ck_assert_int_eq(access_page(&s, BASE + 11 * P, true, &v), E_OK);
	/* munmap across both and a hole */
	ck_assert_int_eq(dp_unmap(&s, BASE + P, BASE + 11 * P), E_OK);
	ck_assert_int_eq(region_count(&s), 2);
	ck_assert_uint_eq(dp_stats.frames_held, 2);
	/* a fixed region is refused whole */
	ck_assert_int_eq(dp_register_fixed(&s, BASE + 20 * P, P, MAP_R), E_OK);
	ck_assert_int_eq(dp_unmap(&s, BASE, BASE + 21 * P), E_INVAL);
	ck_assert_int_eq(region_count(&s), 3);
	space_gone(&s);
	assert_no_leaks();
}
END_TEST

START_TEST(dontneed_populate_page_info)
{
	setup();
	struct dp_space s, c;
	uint8_t v = 3;
	struct pg_page_info pi;
	anon_space(&s, 1, 40);
	dp_space_init(&c, 2);
	dp_page_info(&s, BASE, &pi);
	ck_assert_uint_eq(pi.flags, PGI_MAPPED);
	ck_assert_int_eq(dp_populate(&s, BASE, BASE + 40 * P), E_OK);
	for (int i = 0; i < 40; i++)
		ck_assert(pt[1][i].on && (pt[1][i].rights & MAP_W));
	ck_assert_int_eq(access_page(&s, BASE + 5 * P, true, &v), E_OK);
	dp_dontneed(&s, BASE + 4 * P, BASE + 6 * P);
	ck_assert(!pt[1][4].on && !pt[1][5].on && pt[1][6].on);
	ck_assert_int_eq(access_page(&s, BASE + 5 * P, false, &v), E_OK);
	ck_assert_uint_eq(v, 0);
	dp_page_info(&s, BASE + 5 * P, &pi);
	ck_assert_uint_eq(pi.flags, PGI_MAPPED | PGI_PRESENT | PGI_ZERO);
	/* fork: a COW share with two mappings; a write splits it */
	v = 9;
	ck_assert_int_eq(access_page(&s, BASE, true, &v), E_OK);
	uint64_t pfn = pt[1][0].pfn;
	ck_assert_int_eq(dp_fork(&s, &c), E_OK);
	dp_page_info(&c, BASE, &pi);
	ck_assert_uint_eq(pi.flags, PGI_MAPPED | PGI_PRESENT | PGI_COW);
	ck_assert_uint_eq(pi.pfn, pfn);
	ck_assert_uint_eq(pi.mapcount, 2);
	ck_assert_int_eq(access_page(&c, BASE, true, &v), E_OK);
	dp_page_info(&c, BASE, &pi);
	ck_assert_uint_eq(pi.flags, PGI_MAPPED | PGI_PRESENT | PGI_WRITABLE);
	ck_assert_uint_ne(pi.pfn, pfn);
	ck_assert_uint_eq(pi.mapcount, 1);
	dp_page_info(&s, BASE, &pi);
	ck_assert_uint_eq(pi.mapcount, 1);
	ck_assert(dp_covered(&s, BASE, BASE + 40 * P));
	ck_assert(!dp_covered(&s, BASE, BASE + 41 * P));
	space_gone(&c);
	space_gone(&s);
	assert_no_leaks();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("demand");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, zero_read_then_write);
	tcase_add_test(tc, zero_read_in_reply);
	tcase_add_test(tc, file_pages_and_bss);
	tcase_add_test(tc, stack_guard);
	tcase_add_test(tc, fork_cow_copy_then_reuse);
	tcase_add_test(tc, fork_advice_dontfork_wipeonfork);
	tcase_add_test(tc, last_share_freed_on_exit);
	tcase_add_test(tc, out_of_memory);
	tcase_add_test(tc, zero_write_one_call);
	tcase_add_test(tc, fills_in_the_kernel);
	tcase_add_test(tc, ksm_merged_frame);
	tcase_add_test(tc, ksm_merges_batched);
	tcase_add_test(tc, munmap_protect_unregister);
	tcase_add_test(tc, resize_moves_the_end);
	tcase_add_test(tc, protect_one_call_cow_stays_read_only);
	tcase_add_test(tc, random_model);
	tcase_add_test(tc, text_pages_shared);
	tcase_add_test(tc, sequential_writes_map_ahead);
	tcase_add_test(tc, shared_fork_never_cow);
	tcase_add_test(tc, shm_names_global);
	tcase_add_test(tc, shm_names_list_rename);
	tcase_add_test(tc, shm_names_walk_unlink);
	tcase_add_test(tc, shm_free_from_pages);
	tcase_add_test(tc, shm_files_total);
	tcase_add_test(tc, shm_segs_global);
	tcase_add_test(tc, move_keeps_frames);
	tcase_add_test(tc, shm_shrink_zeroes_held_frames);
	tcase_add_test(tc, shm_private_cow);
	tcase_add_test(tc, unmap_protect_across_regions);
	tcase_add_test(tc, dontneed_populate_page_info);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
