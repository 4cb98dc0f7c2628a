/* Buddy allocator: set-up, split and coalesce at every order, exhaustion and
 * recovery, zeroing, reference counts, poisoning, and every misuse refused
 * with the state unchanged. */
#include <check.h>
#include "check_run.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mm/frame.h"
#include "mm/pcp.h"
#include "shim.h"

#define MIB (1ull << 20)

static struct frame_alloc_options opts(unsigned order)
{
	return (struct frame_alloc_options){ order, false, PURPOSE_KERNEL_DATA };
}

static uint64_t balloc(unsigned order) /* buddy path */
{
	struct frame_alloc_options o = opts(order);
	uint64_t pfn = ~0ull;
	ck_assert_int_eq(buddy_alloc(&o, &pfn), E_OK);
	ck_assert_uint_eq(pfn & ((1ull << order) - 1), 0);
	return pfn;
}

static uint64_t falloc(unsigned order) /* frame_alloc */
{
	struct frame_alloc_options o = opts(order);
	uint64_t pfn = ~0ull;
	ck_assert_int_eq(frame_alloc(&o, &pfn), E_OK);
	ck_assert_uint_eq(pfn & ((1ull << order) - 1), 0);
	return pfn;
}

static void audit(void)
{
	char why[200];
	bool ok = shim_mm_audit(why, sizeof why);
	ck_assert_msg(ok, "audit: %s", why);
	ck_assert(shim_irqs_enabled());
}

static struct frame_stats stats(void)
{
	struct frame_stats s;
	frame_stats(&s);
	return s;
}

static void drain_cpu0(void)
{
	struct pcp_cache *c = pcp_of(0);
	pcp_batch_drain(c, pcp_cached_count(c));
}

/* One 4 MiB block: frames [0, 1024) of 8 MiB RAM. */
static void setup_one_block(void)
{
	shim_set_cpu(0);
	shim_mm_init(8 * MIB, 0, 4 * MIB, 1);
	shim_console_clear();
}

/* 16 MiB of RAM, [1 MiB, 16 MiB) free. */
static void setup_16m(void)
{
	shim_set_cpu(0);
	shim_mm_init(16 * MIB, 1 * MIB, 16 * MIB, 2);
	shim_console_clear();
}

static void teardown(void)
{
	shim_mm_fini();
}

START_TEST(init_greedy_largest_aligned_blocks)
{
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.total, 4096 - 256);
	ck_assert_uint_eq(s.free, 4096 - 256);
	ck_assert_uint_eq(s.reserved, 256);
	ck_assert_uint_eq(s.poisoned, 0);
	uint64_t want[FRAME_MAX_ORDER + 1] = { [8] = 1, [9] = 1, [10] = 3 };
	for (int k = 0; k <= FRAME_MAX_ORDER; k++)
		ck_assert_uint_eq(s.free_blocks[k], want[k]);
	ck_assert_uint_eq(meta_get(255)->flags, META_RESERVED);
	ck_assert_uint_eq(meta_get(256)->flags, META_FREE_HEAD);
	ck_assert_uint_eq(meta_get(256)->order, 8);
	audit();
}
END_TEST

START_TEST(init_unaligned_and_multiple_ranges)
{
	shim_set_cpu(0);
	shim_arena_init(8 * MIB);
	uint64_t n = 2048;
	struct meta_slot *m = aligned_alloc(4096, meta_size_for(n * 4096));
	meta_init_array(m, n);
	struct memrange_set fr = { 0 };
	memrange_add(&fr, 0x1234, 0x5010);          /* frames 2, 3, 4 */
	memrange_add(&fr, 0x7000, 0x8000);          /* frame 7 */
	memrange_add(&fr, 0x10800, 0x11000);        /* no whole frame */
	memrange_add(&fr, 4 * MIB, 64 * MIB);       /* clamped at 8 MiB */
	frame_init(m, n, &fr, 1);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.total, 3 + 1 + 1024);
	ck_assert_uint_eq(s.reserved, n - s.total);
	ck_assert_uint_eq(s.free_blocks[0], 2);     /* frames 4 and 7 */
	ck_assert_uint_eq(s.free_blocks[1], 1);     /* frames 2-3 */
	ck_assert_uint_eq(s.free_blocks[10], 1);
	ck_assert_uint_eq(m[2].flags, META_FREE_HEAD);
	ck_assert_uint_eq(m[2].order, 1);
	ck_assert_uint_eq(m[5].flags, META_RESERVED);
	ck_assert_uint_eq(m[16].flags, META_RESERVED);
	audit();
	free(m);
	shim_arena_free();
}
END_TEST

/* frame_give_range: the reserved frames inside the range join the lists
 * (merging with free neighbours); frames already managed or partly inside
 * are left alone, and giving twice gives nothing more. */
START_TEST(give_range_frees_reserved_only)
{
	shim_set_cpu(0);
	shim_arena_init(8 * MIB);
	uint64_t n = 2048;
	struct meta_slot *m = aligned_alloc(4096, meta_size_for(n * 4096));
	meta_init_array(m, n);
	struct memrange_set fr = { 0 };
	memrange_add(&fr, 0x0000, 0x4000);          /* frames 0-3 */
	memrange_add(&fr, 0x8000, 0x10000);         /* frames 8-15 */
	frame_init(m, n, &fr, 1);
	ck_assert_uint_eq(stats().total, 12);
	/* frames 2-3 managed already, 4-7 reserved, 8 managed, 16 partial */
	ck_assert_uint_eq(frame_give_range(0x2000, 0x9000), 4);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.total, 16);
	ck_assert_uint_eq(s.reserved, n - 16);
	ck_assert_uint_eq(s.free_blocks[4], 1);     /* frames 0-15 merged */
	ck_assert_uint_eq(m[0].flags, META_FREE_HEAD);
	ck_assert_uint_eq(m[0].order, 4);
	ck_assert_uint_eq(frame_give_range(0x0, 0x10000), 0);
	ck_assert_uint_eq(frame_give_range(0x10000, 0x10fff), 0);
	ck_assert_uint_eq(m[16].flags, META_RESERVED);
	audit();
	free(m);
	shim_arena_free();
}
END_TEST

START_TEST(split_at_every_order)
{
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++) {
		uint64_t pfn = balloc(k);
		ck_assert_uint_eq(pfn, 0);
		struct frame_stats s = stats();
		for (unsigned j = 0; j <= FRAME_MAX_ORDER; j++)
			ck_assert_uint_eq(s.free_blocks[j], j >= k && j < 10);
		ck_assert_uint_eq(s.free, 1024 - (1u << k));
		ck_assert_uint_eq(s.by_purpose[PURPOSE_KERNEL_DATA], 1u << k);
		audit();
		ck_assert_int_eq(buddy_free(pfn, k), E_OK);
		s = stats();
		ck_assert_uint_eq(s.free_blocks[10], 1); /* merged all the way */
		ck_assert_uint_eq(s.free, 1024);
		audit();
	}
}
END_TEST

START_TEST(coalesce_at_every_order)
{
	for (unsigned k = 0; k < FRAME_MAX_ORDER; k++) {
		uint64_t a = balloc(k), b = balloc(k);
		ck_assert_uint_eq(a ^ b, 1ull << k); /* buddies */
		ck_assert_int_eq(buddy_free(a, k), E_OK);
		struct frame_stats s = stats();
		ck_assert_uint_eq(s.free_blocks[k], 1); /* b still held */
		ck_assert_uint_eq(s.free_blocks[10], 0);
		audit();
		ck_assert_int_eq(buddy_free(b, k), E_OK);
		s = stats();
		ck_assert_uint_eq(s.free_blocks[10], 1);
		for (unsigned j = 0; j < 10; j++)
			ck_assert_uint_eq(s.free_blocks[j], 0);
	}
}
END_TEST

START_TEST(coalesce_after_scattered_frees)
{
	uint64_t pfns[1024];
	for (int i = 0; i < 1024; i++)
		pfns[i] = balloc(0);
	ck_assert_uint_eq(stats().free, 0);
	struct frame_alloc_options o = opts(0);
	uint64_t x;
	ck_assert_int_eq(buddy_alloc(&o, &x), E_NOMEM);
	srand(7);
	for (int i = 1023; i > 0; i--) { /* shuffle */
		int j = rand() % (i + 1);
		uint64_t t = pfns[i];
		pfns[i] = pfns[j];
		pfns[j] = t;
	}
	for (int i = 0; i < 1024; i++) {
		ck_assert_int_eq(buddy_free(pfns[i], 0), E_OK);
		if (i % 97 == 0)
			audit();
	}
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.free_blocks[10], 1);
	ck_assert_uint_eq(s.free, 1024);
	ck_assert_uint_eq(s.allocs, 1024);
	ck_assert_uint_eq(s.frees, 1024);
	audit();
}
END_TEST

static unsigned exhaust(unsigned order, uint64_t *out, unsigned max)
{
	struct frame_alloc_options o = opts(order);
	unsigned n = 0;
	uint64_t pfn;
	int e;
	while ((e = frame_alloc(&o, &pfn)) == E_OK) {
		ck_assert_uint_lt(n, max);
		out[n++] = pfn;
	}
	ck_assert_int_eq(e, E_NOMEM);
	return n;
}

START_TEST(exhaustion_and_recovery)
{
	static uint64_t held[4096];
	struct frame_stats s0 = stats();
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k += 3) {
		unsigned n = exhaust(k, held, 4096);
		struct frame_stats s = stats();
		ck_assert_uint_eq(s.free_blocks[k], 0);
		ck_assert_uint_eq((uint64_t)n << k, s0.total - s.free);
		if (k == 0)
			ck_assert_uint_eq(s.free, 0);
		audit();
		for (unsigned i = 0; i < n; i++)
			ck_assert_int_eq(frame_free(held[i], k), E_OK);
		s = stats();
		ck_assert_uint_eq(s.free, s0.free);
		ck_assert_uint_eq(s.total, s0.total);
		ck_assert_uint_eq(s.by_purpose[PURPOSE_KERNEL_DATA], 0);
		ck_assert_uint_eq(s.allocs - s.frees, 0);
		audit();
		uint64_t big = falloc(FRAME_MAX_ORDER); /* drains the cache */
		ck_assert_int_eq(frame_free(big, FRAME_MAX_ORDER), E_OK);
	}
	drain_cpu0();
	struct frame_stats s = stats();
	ck_assert_mem_eq(s.free_blocks, s0.free_blocks, sizeof s.free_blocks);
	audit();
}
END_TEST

START_TEST(order_out_of_range_and_bad_options)
{
	struct frame_stats s0 = stats();
	uint64_t pfn = 77;
	struct frame_alloc_options o = opts(FRAME_MAX_ORDER + 1);
	ck_assert_int_eq(frame_alloc(&o, &pfn), E_BADORDER);
	ck_assert_int_eq(buddy_alloc(&o, &pfn), E_BADORDER);
	int bad[] = { PURPOSE_NONE, PURPOSE_FIRMWARE, PURPOSE_KERNEL,
		      PURPOSE_COUNT, 200 };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o = opts(0);
		o.purpose = bad[i];
		ck_assert_int_eq(frame_alloc(&o, &pfn), E_INVAL);
		ck_assert_int_eq(buddy_alloc(&o, &pfn), E_INVAL);
	}
	o = opts(0);
	ck_assert_int_eq(frame_alloc(NULL, &pfn), E_INVAL);
	ck_assert_int_eq(frame_alloc(&o, NULL), E_INVAL);
	ck_assert_uint_eq(pfn, 77);
	struct frame_stats s = stats();
	ck_assert_mem_eq(&s, &s0, sizeof s);
}
END_TEST

START_TEST(purposes_counted)
{
	enum frame_purpose ps[] = { PURPOSE_PAGE_TABLE, PURPOSE_KERNEL_DATA,
				    PURPOSE_USER_DATA, PURPOSE_CUSTOM };
	uint64_t pfn[4];
	for (int i = 0; i < 4; i++) {
		struct frame_alloc_options o = { (unsigned)i, false, ps[i] };
		ck_assert_int_eq(frame_alloc(&o, &pfn[i]), E_OK);
		ck_assert_uint_eq(meta_get(pfn[i])->purpose, ps[i]);
	}
	struct frame_stats s = stats();
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(s.by_purpose[ps[i]], 1u << i);
	ck_assert_uint_eq(s.by_purpose[PURPOSE_NONE], 0);
	ck_assert_uint_eq(s.allocs, 4);
	audit();
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(frame_free(pfn[i], (unsigned)i), E_OK);
	s = stats();
	for (int i = 0; i < PURPOSE_COUNT; i++)
		ck_assert_uint_eq(s.by_purpose[i], 0);
	ck_assert_uint_eq(s.frees, 4);
}
END_TEST

/* Frame bytes hold no allocator data: after any amount of allocating and
 * freeing, RAM still has the pattern written at the start, except where a
 * zeroed allocation asked for zeros. */
START_TEST(frame_bytes_untouched_unless_zeroed)
{
	unsigned char *ram = arch_phys_to_virt(0);
	memset(ram, 0xA5, 8 * MIB);
	uint64_t held[64];
	for (int round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 64; i++)
			held[i] = falloc(i % 4);
		for (unsigned i = 0; i < 64; i += 2)
			ck_assert_int_eq(frame_free(held[i], i % 4), E_OK);
		for (unsigned i = 1; i < 64; i += 2)
			ck_assert_int_eq(buddy_free(held[i], i % 4), E_OK);
		mark_poisoned(900 + round);
	}
	for (uint64_t i = 0; i < 8 * MIB; i++)
		if (ram[i] != 0xA5)
			ck_abort_msg("byte 0x%lx changed", (unsigned long)i);

	struct frame_alloc_options o = { 2, true, PURPOSE_USER_DATA };
	uint64_t pfn;
	ck_assert_int_eq(frame_alloc(&o, &pfn), E_OK);
	for (uint64_t i = 0; i < 4 * 4096; i++)
		ck_assert_uint_eq(ram[pfn * 4096 + i], 0);
	ck_assert_uint_eq(ram[pfn * 4096 + 4 * 4096], 0xA5); /* not beyond */
	if (pfn)
		ck_assert_uint_eq(ram[pfn * 4096 - 1], 0xA5);
	o.order = 0;
	uint64_t q;
	ck_assert_int_eq(frame_alloc(&o, &q), E_OK);
	for (uint64_t i = 0; i < 4096; i++)
		ck_assert_uint_eq(ram[q * 4096 + i], 0);
	memset(&ram[q * 4096], 0x5A, 4096);
	ck_assert_int_eq(buddy_alloc(&o, &pfn), E_OK);
	for (uint64_t i = 0; i < 4096; i++)
		ck_assert_uint_eq(ram[pfn * 4096 + i], 0);
}
END_TEST

START_TEST(refcount_get_put)
{
	uint64_t pfn = falloc(1);
	ck_assert_int_eq(frame_get(pfn), E_OK);
	ck_assert_int_eq(frame_get(pfn), E_OK);
	ck_assert_uint_eq(meta_get(pfn)->refcount, 3);
	struct frame_stats s0 = stats();
	ck_assert_int_eq(frame_free(pfn, 1), E_OK);
	ck_assert_int_eq(frame_free(pfn, 1), E_OK);
	struct frame_stats s = stats();
	ck_assert_mem_eq(&s, &s0, sizeof s); /* still allocated */
	ck_assert_uint_eq(meta_get(pfn)->refcount, 1);
	ck_assert_int_eq(frame_free(pfn, 1), E_OK);
	s = stats();
	ck_assert_uint_eq(s.free, s0.free + 2);
	ck_assert_uint_eq(meta_get(pfn)->refcount, REFCOUNT_UNUSED);
	ck_assert_uint_eq(meta_get(pfn + 1)->refcount, REFCOUNT_UNUSED);
	ck_assert_uint_eq(shim_console_len(), 0);
	audit();
}
END_TEST

/* ---- misuse: refused, reported once, nothing changed ---- */

struct before {
	struct frame_stats st;
	struct meta_snapshot snap[4];
	uint64_t pfn;
};

static void take_before(struct before *b, uint64_t pfn)
{
	frame_stats(&b->st);
	b->pfn = pfn;
	for (int i = 0; i < 4; i++)
		if (meta_debug_snapshot(pfn + i, &b->snap[i]) != E_OK)
			memset(&b->snap[i], 0, sizeof b->snap[i]);
	shim_console_clear();
}

static void expect_unchanged(const struct before *b, const char *line)
{
	struct frame_stats s = stats();
	ck_assert_mem_eq(&s, &b->st, sizeof s);
	for (int i = 0; i < 4; i++) {
		struct meta_snapshot now;
		if (meta_debug_snapshot(b->pfn + i, &now) != E_OK)
			memset(&now, 0, sizeof now);
		ck_assert_mem_eq(&now, &b->snap[i], sizeof now);
	}
	ck_assert_msg(shim_console_has(line), "console: '%s', want '%s'",
		      shim_console(), line);
	ck_assert_uint_eq(shim_console_lines(), 1);
	audit();
}

static void refuse_free(uint64_t pfn, unsigned order, int err, bool buddy,
			const char *line)
{
	struct before b;
	take_before(&b, pfn);
	int e = buddy ? buddy_free(pfn, order) : frame_free(pfn, order);
	ck_assert_int_eq(e, err);
	expect_unchanged(&b, line);
}

START_TEST(refuse_double_free)
{
	uint64_t a = falloc(0), b = falloc(2), c = balloc(0);
	ck_assert_int_eq(frame_free(a, 0), E_OK); /* into the cache */
	ck_assert_int_eq(frame_free(b, 2), E_OK);
	ck_assert_int_eq(buddy_free(c, 0), E_OK);
	char line[80];
	snprintf(line, sizeof line, "frame: refused free of pfn 0x%lx: double free",
		 (unsigned long)a);
	refuse_free(a, 0, E_DOUBLEFREE, false, line);
	refuse_free(a, 0, E_DOUBLEFREE, true, "double free");
	refuse_free(b, 2, E_DOUBLEFREE, false, "double free");
	refuse_free(b + 1, 0, E_DOUBLEFREE, false, "double free");
	refuse_free(c, 0, E_DOUBLEFREE, false, "double free");
	refuse_free(c, 0, E_DOUBLEFREE, true, "double free");
}
END_TEST

START_TEST(refuse_never_allocated_reserved_tail)
{
	refuse_free(5, 0, E_NOTALLOC, false, "pfn 0x5: frame not allocated");
	refuse_free(255, 0, E_NOTALLOC, true, "frame not allocated");
	refuse_free(3000, 0, E_DOUBLEFREE, false, "pfn 0xbb8: double free");
	refuse_free(2048, 10, E_DOUBLEFREE, false, "double free");
	uint64_t b = falloc(3);
	refuse_free(b + 1, 0, E_NOTALLOC, false, "frame not allocated");
	refuse_free(b + 4, 2, E_NOTALLOC, false, "frame not allocated");
	refuse_free(b + 7, 0, E_NOTALLOC, true, "frame not allocated");
	ck_assert_int_eq(frame_free(b, 3), E_OK);
}
END_TEST

START_TEST(refuse_wrong_order)
{
	uint64_t b = falloc(2), z = falloc(0);
	refuse_free(b, 1, E_BADORDER, false, "bad order");
	refuse_free(b, 3, E_BADORDER, false, "bad order");
	refuse_free(b, 0, E_BADORDER, false, "bad order");
	refuse_free(b, 0, E_BADORDER, true, "bad order");
	refuse_free(b, FRAME_MAX_ORDER + 1, E_BADORDER, false, "bad order");
	refuse_free(b, 200, E_BADORDER, true, "bad order");
	refuse_free(z, 1, E_BADORDER, false, "bad order");
	ck_assert_int_eq(frame_free(b, 2), E_OK);
	ck_assert_int_eq(frame_free(z, 0), E_OK);
}
END_TEST

START_TEST(refuse_out_of_range)
{
	uint64_t n = meta_frame_count();
	refuse_free(n, 0, E_RANGE, false, "pfn 0x1000: out of range");
	refuse_free(n + 12345, 3, E_RANGE, true, "out of range");
	refuse_free(UINT64_MAX, 0, E_RANGE, false, "out of range");
	refuse_free(UINT64_MAX, 99, E_RANGE, false, "out of range");
	struct before b;
	take_before(&b, n);
	ck_assert_int_eq(frame_get(n), E_RANGE);
	expect_unchanged(&b, "refused get of pfn 0x1000: out of range");
	take_before(&b, n);
	ck_assert_int_eq(mark_poisoned(n), E_RANGE);
	expect_unchanged(&b, "refused poison of pfn 0x1000: out of range");
}
END_TEST

START_TEST(refuse_refcount_overflow)
{
	uint64_t pfn = falloc(0);
	struct meta_slot *s = meta_get(pfn);
	atomic_store(&s->refcount, REFCOUNT_MAX - 1);
	ck_assert_int_eq(frame_get(pfn), E_OK);
	ck_assert_uint_eq(s->refcount, REFCOUNT_MAX);
	struct before b;
	take_before(&b, pfn);
	ck_assert_int_eq(frame_get(pfn), E_OVERFLOW);
	expect_unchanged(&b, "refused get of pfn");
	ck_assert_uint_eq(s->refcount, REFCOUNT_MAX);
	ck_assert(shim_console_has("reference count overflow"));
	atomic_store(&s->refcount, 1);
	ck_assert_int_eq(frame_free(pfn, 0), E_OK);
}
END_TEST

START_TEST(refuse_get_of_unallocated)
{
	uint64_t b = falloc(1), f = falloc(0);
	ck_assert_int_eq(frame_free(f, 0), E_OK);
	struct before bf;
	take_before(&bf, f);
	ck_assert_int_eq(frame_get(f), E_DOUBLEFREE);
	expect_unchanged(&bf, "refused get");
	take_before(&bf, b + 1);
	ck_assert_int_eq(frame_get(b + 1), E_NOTALLOC);
	expect_unchanged(&bf, "frame not allocated");
	take_before(&bf, 10);
	ck_assert_int_eq(frame_get(10), E_NOTALLOC);
	expect_unchanged(&bf, "frame not allocated");
}
END_TEST

/* ---- poisoning ---- */

START_TEST(poison_free_frame_in_buddy)
{
	struct frame_stats s0 = stats();
	ck_assert_int_eq(mark_poisoned(5), E_OK);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.poisoned, 1);
	ck_assert_uint_eq(s.total, s0.total - 1);
	ck_assert_uint_eq(s.free, s0.free - 1);
	for (unsigned k = 0; k < FRAME_MAX_ORDER; k++) /* the carved pieces */
		ck_assert_uint_eq(s.free_blocks[k], 1);
	ck_assert_uint_eq(s.free_blocks[FRAME_MAX_ORDER], 0);
	ck_assert_uint_eq(meta_get(5)->flags, META_QUARANTINE);
	ck_assert(meta_block_has_poison_guard(4, 1));
	audit();
	ck_assert_int_eq(mark_poisoned(5), E_OK); /* idempotent */
	ck_assert_uint_eq(stats().poisoned, 1);
	refuse_free(5, 0, E_NOTALLOC, false, "frame not allocated");

	static uint64_t held[1024];
	unsigned n = exhaust(0, held, 1024);
	ck_assert_uint_eq(n, 1023);
	for (unsigned i = 0; i < n; i++)
		ck_assert_uint_ne(held[i], 5);
	for (unsigned i = 0; i < n; i++)
		ck_assert_int_eq(frame_free(held[i], 0), E_OK);
	drain_cpu0();
	s = stats();
	ck_assert_uint_eq(s.free, 1023);
	ck_assert_uint_eq(s.free_blocks[FRAME_MAX_ORDER], 0);
	audit();
	struct frame_alloc_options o = opts(FRAME_MAX_ORDER);
	uint64_t pfn;
	ck_assert_int_eq(frame_alloc(&o, &pfn), E_NOMEM);
	pfn = falloc(FRAME_MAX_ORDER - 1); /* the clean half still is */
	ck_assert_uint_eq(pfn, 512);
}
END_TEST

START_TEST(poison_allocated_block_rest_returns)
{
	uint64_t b = falloc(3);
	ck_assert_int_eq(mark_poisoned(b + 2), E_OK);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.poisoned, 0); /* still in use */
	ck_assert(meta_get(b + 2)->guard & GUARD_POISONED);
	ck_assert_uint_eq(meta_get(b + 2)->flags, META_TAIL);
	audit();
	uint64_t free_before = s.free;
	ck_assert_int_eq(frame_free(b, 3), E_OK);
	s = stats();
	ck_assert_uint_eq(s.poisoned, 1);
	ck_assert_uint_eq(s.free, free_before + 7);
	ck_assert_uint_eq(s.total, 1023);
	ck_assert_uint_eq(meta_get(b + 2)->flags, META_QUARANTINE);
	ck_assert(meta_get(b + 2)->guard & GUARD_POISONED); /* sticky */
	audit();
	static uint64_t held[1024];
	unsigned n = exhaust(0, held, 1024);
	ck_assert_uint_eq(n, 1023);
	for (unsigned i = 0; i < n; i++)
		ck_assert_uint_ne(held[i], b + 2);
}
END_TEST

START_TEST(poison_allocated_order0_via_cache_path)
{
	uint64_t a = falloc(0);
	ck_assert_int_eq(mark_poisoned(a), E_OK);
	ck_assert_int_eq(frame_get(a), E_OK); /* still a live frame */
	ck_assert_int_eq(frame_free(a, 0), E_OK);
	ck_assert_uint_eq(stats().poisoned, 0);
	unsigned cached = pcp_cached_count(pcp_of(0));
	ck_assert_int_eq(frame_free(a, 0), E_OK);
	ck_assert_uint_eq(pcp_cached_count(pcp_of(0)), cached); /* not cached */
	ck_assert_uint_eq(stats().poisoned, 1);
	ck_assert_uint_eq(meta_get(a)->flags, META_QUARANTINE);
	ck_assert_uint_ne(falloc(0), a);
	audit();
}
END_TEST

START_TEST(poison_reserved_frame_stays_reserved)
{
	struct frame_stats s0 = stats();
	ck_assert_int_eq(mark_poisoned(2000), E_OK); /* reserved (> 4 MiB) */
	struct frame_stats s = stats();
	ck_assert_mem_eq(&s, &s0, sizeof s);
	ck_assert_uint_eq(meta_get(2000)->flags, META_RESERVED);
	ck_assert(meta_get(2000)->guard & GUARD_POISONED);
	audit();
}
END_TEST

START_TEST(poison_before_init_is_quarantined)
{
	shim_set_cpu(0);
	shim_arena_init(8 * MIB);
	struct meta_slot *m = aligned_alloc(4096, meta_size_for(8 * MIB));
	meta_init_array(m, 2048);
	atomic_fetch_or(&m[700].guard, GUARD_POISONED);
	struct memrange_set fr = { 0 };
	memrange_add(&fr, 0, 8 * MIB);
	frame_init(m, 2048, &fr, 1);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.poisoned, 1);
	ck_assert_uint_eq(s.total, 2047);
	ck_assert_uint_eq(s.free, 2047);
	ck_assert_uint_eq(m[700].flags, META_QUARANTINE);
	audit();
	free(m);
	shim_arena_free();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("buddy");
	TCase *one = tcase_create("one-block");
	tcase_add_checked_fixture(one, setup_one_block, teardown);
	tcase_add_test(one, split_at_every_order);
	tcase_add_test(one, coalesce_at_every_order);
	tcase_add_test(one, coalesce_after_scattered_frees);
	tcase_add_test(one, poison_free_frame_in_buddy);
	tcase_add_test(one, poison_allocated_block_rest_returns);
	tcase_add_test(one, poison_allocated_order0_via_cache_path);
	tcase_add_test(one, poison_reserved_frame_stays_reserved);
	tcase_add_test(one, frame_bytes_untouched_unless_zeroed);
	suite_add_tcase(s, one);

	TCase *big = tcase_create("16MiB");
	tcase_add_checked_fixture(big, setup_16m, teardown);
	tcase_add_test(big, init_greedy_largest_aligned_blocks);
	tcase_add_test(big, exhaustion_and_recovery);
	tcase_add_test(big, order_out_of_range_and_bad_options);
	tcase_add_test(big, purposes_counted);
	tcase_add_test(big, refcount_get_put);
	tcase_add_test(big, refuse_double_free);
	tcase_add_test(big, refuse_never_allocated_reserved_tail);
	tcase_add_test(big, refuse_wrong_order);
	tcase_add_test(big, refuse_out_of_range);
	tcase_add_test(big, refuse_refcount_overflow);
	tcase_add_test(big, refuse_get_of_unallocated);
	suite_add_tcase(s, big);

	TCase *own = tcase_create("own-setup");
	tcase_add_test(own, init_unaligned_and_multiple_ranges);
	tcase_add_test(own, give_range_frees_reserved_only);
	tcase_add_test(own, poison_before_init_is_quarantined);
	suite_add_tcase(s, own);

	return check_run(s);
}
