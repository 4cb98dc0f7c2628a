/* Per-CPU page caches: layout, watermarks and batches, counters, per-CPU
 * separation, LIFO reuse, poisoned frames inside caches, and draining the
 * other CPUs' caches when memory runs out (also against a running owner). */
#include <check.h>
#include "check_run.h"
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "mm/frame.h"
#include "mm/pcp.h"
#include "shim.h"

#define MIB (1ull << 20)

static uint64_t falloc(void)
{
	struct frame_alloc_options o = { 0, false, PURPOSE_USER_DATA };
	uint64_t pfn = ~0ull;
	ck_assert_int_eq(frame_alloc(&o, &pfn), E_OK);
	ck_assert(shim_irqs_enabled());
	return pfn;
}

static void ffree(uint64_t pfn)
{
	ck_assert_int_eq(frame_free(pfn, 0), E_OK);
	ck_assert(shim_irqs_enabled());
}

static void audit(void)
{
	char why[200];
	ck_assert_msg(shim_mm_audit(why, sizeof why), "audit: %s", why);
}

static struct frame_stats stats(void)
{
	struct frame_stats s;
	frame_stats(&s);
	return s;
}

static unsigned cached(unsigned cpu)
{
	return pcp_cached_count(pcp_of(cpu));
}

/* 16 MiB, [1 MiB, 16 MiB) free: 3840 frames; 4 CPUs. */
static void setup(void)
{
	shim_set_cpu(0);
	shim_mm_init(16 * MIB, 1 * MIB, 16 * MIB, 4);
	shim_console_clear();
}

static void teardown(void)
{
	shim_mm_fini();
}

START_TEST(layout_cache_line_aligned)
{
	ck_assert_uint_eq(_Alignof(struct pcp_cache), 64);
	ck_assert_uint_eq(sizeof(struct pcp_cache) % 64, 0);
	for (unsigned c = 0; c < MAX_CPUS; c++) {
		ck_assert_uint_eq((uintptr_t)pcp_of(c) % 64, 0);
		if (c)
			ck_assert_uint_eq((uintptr_t)pcp_of(c) -
						  (uintptr_t)pcp_of(c - 1),
					  sizeof(struct pcp_cache));
	}
	ck_assert_uint_le(PCP_HIGH + 1, PCP_CAPACITY);
	ck_assert_uint_lt(PCP_LOW, PCP_HIGH);
}
END_TEST

START_TEST(refill_at_low_mark_by_one_batch)
{
	struct frame_stats s0 = stats();
	ck_assert_uint_eq(cached(0), 0);
	ck_assert(pcp_needs_refill(pcp_of(0)));
	uint64_t first = falloc();
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.pcp_refills, 1);
	ck_assert_uint_eq(cached(0), PCP_BATCH - 1);
	ck_assert_uint_eq(s.pcp_cached[0], PCP_BATCH - 1);
	ck_assert_uint_eq(s.free, s0.free - 1);
	ck_assert_uint_eq(meta_get(first)->flags, META_HEAD);
	for (unsigned i = 0; i < cached(0); i++)
		ck_assert_uint_eq(meta_get(pcp_of(0)->pfn[i])->flags, META_PCP);
	audit();
	for (unsigned i = 1; i < PCP_BATCH; i++) /* empty it: no refill */
		falloc();
	s = stats();
	ck_assert_uint_eq(cached(0), PCP_LOW);
	ck_assert_uint_eq(s.pcp_refills, 1);
	falloc(); /* at the low mark: one more batch */
	s = stats();
	ck_assert_uint_eq(s.pcp_refills, 2);
	ck_assert_uint_eq(cached(0), PCP_BATCH - 1);
	ck_assert_uint_eq(s.allocs, PCP_BATCH + 1);
	ck_assert_uint_eq(s.free, s0.free - PCP_BATCH - 1);
	ck_assert_uint_eq(s.pcp_drains, 0);
	audit();
}
END_TEST

START_TEST(drain_above_high_mark_by_one_batch)
{
	static uint64_t held[PCP_HIGH + 8];
	unsigned n = PCP_HIGH + 8;
	for (unsigned i = 0; i < n; i++)
		held[i] = falloc();
	struct frame_stats s0 = stats();
	unsigned i = 0;
	while (cached(0) < PCP_HIGH)
		ffree(held[i++]);
	ck_assert_uint_eq(stats().pcp_drains, 0);
	ck_assert(!pcp_needs_drain(pcp_of(0)));
	uint64_t top = held[i - 1];
	ffree(held[i++]); /* now above high */
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.pcp_drains, 1);
	ck_assert_uint_eq(cached(0), PCP_HIGH + 1 - PCP_BATCH);
	ck_assert_uint_eq(s.frees, i);
	ck_assert_uint_eq(s.free, s0.free + i);
	/* the cold bottom went; the warm top stayed */
	ck_assert_uint_eq(pcp_of(0)->pfn[cached(0) - 1], held[i - 1]);
	ck_assert_uint_eq(pcp_of(0)->pfn[cached(0) - 2], top);
	audit();
	while (i < n)
		ffree(held[i++]);
	ck_assert_uint_eq(stats().pcp_drains, 1);
	audit();
}
END_TEST

START_TEST(lifo_reuse)
{
	uint64_t a = falloc(), b = falloc();
	ffree(a);
	ffree(b);
	ck_assert_uint_eq(falloc(), b);
	ck_assert_uint_eq(falloc(), a);
}
END_TEST

START_TEST(caches_are_per_cpu)
{
	uint64_t a = falloc();
	ck_assert_uint_eq(cached(0), PCP_BATCH - 1);
	ck_assert_uint_eq(cached(1), 0);
	shim_set_cpu(1);
	uint64_t b = falloc();
	ck_assert_uint_ne(a, b);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.pcp_refills, 2);
	ck_assert_uint_eq(s.pcp_cached[0], PCP_BATCH - 1);
	ck_assert_uint_eq(s.pcp_cached[1], PCP_BATCH - 1);
	ck_assert_uint_eq(s.ncpus, 4);
	ffree(a); /* a frame allocated on CPU 0 freed on CPU 1 */
	ck_assert_uint_eq(cached(1), PCP_BATCH);
	ck_assert_uint_eq(cached(0), PCP_BATCH - 1);
	ck_assert_uint_eq(pcp_of(1)->pfn[PCP_BATCH - 1], a);
	s = stats();
	ck_assert_uint_eq(s.allocs, 2);
	ck_assert_uint_eq(s.frees, 1);
	ck_assert_uint_eq(s.by_purpose[PURPOSE_USER_DATA], 1);
	ck_assert_uint_eq(pcp_of(0)->allocs, 1);
	ck_assert_uint_eq(pcp_of(1)->allocs, 1);
	ck_assert_uint_eq(pcp_of(1)->frees, 1);
	audit();
}
END_TEST

START_TEST(batch_calls_direct)
{
	struct pcp_cache *c = pcp_of(2);
	struct frame_stats s0 = stats();
	ck_assert_uint_eq(pcp_batch_refill(c, 10), 10);
	ck_assert_uint_eq(pcp_batch_refill(c, 1000), PCP_CAPACITY - 10);
	ck_assert_uint_eq(pcp_cached_count(c), PCP_CAPACITY);
	ck_assert_uint_eq(pcp_batch_refill(c, 1), 0); /* full: no batch */
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.pcp_refills, 2);
	ck_assert_uint_eq(s.free, s0.free); /* cached frames are free */
	ck_assert_uint_eq(s.pcp_cached[2], PCP_CAPACITY);
	audit();
	uint64_t keep = c->pfn[PCP_CAPACITY - 1];
	ck_assert_uint_eq(pcp_batch_drain(c, 100), 100);
	ck_assert_uint_eq(c->pfn[PCP_CAPACITY - 101], keep);
	ck_assert_uint_eq(pcp_batch_drain(c, 1000), PCP_CAPACITY - 100);
	ck_assert_uint_eq(pcp_batch_drain(c, 5), 0);
	s = stats();
	ck_assert_uint_eq(s.pcp_drains, 2);
	ck_assert_mem_eq(s.free_blocks, s0.free_blocks, sizeof s.free_blocks);
	audit();
}
END_TEST

START_TEST(nomem_when_dry)
{
	static uint64_t held[3840];
	struct frame_alloc_options o = { 0, false, PURPOSE_USER_DATA };
	unsigned n = 0;
	uint64_t pfn;
	while (frame_alloc(&o, &pfn) == E_OK)
		held[n++] = pfn;
	ck_assert_uint_eq(n, 3840);
	ck_assert_int_eq(frame_alloc(&o, &pfn), E_NOMEM);
	ck_assert(shim_irqs_enabled());
	ck_assert_uint_eq(stats().free, 0);
	for (unsigned i = 0; i < n; i++)
		ffree(held[i]);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.free, 3840);
	ck_assert_uint_eq(s.allocs, s.frees);
	ck_assert_uint_eq(s.pcp_refills, 3840 / PCP_BATCH);
	audit();
}
END_TEST

START_TEST(big_alloc_drains_local_cache)
{
	/* Hold every frame as order 0, free them all into the cache: the
	 * biggest blocks only exist again once the cache is drained. */
	static uint64_t held[3840];
	for (unsigned i = 0; i < 3840; i++)
		held[i] = falloc();
	for (unsigned i = 0; i < 3840; i++)
		ffree(held[i]);
	ck_assert_uint_gt(cached(0), 0);
	struct frame_alloc_options o = { FRAME_MAX_ORDER, false, PURPOSE_USER_DATA };
	uint64_t pfn[3];
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(frame_alloc(&o, &pfn[i]), E_OK);
	ck_assert_uint_eq(cached(0), 0);
	audit();
}
END_TEST

/* ---- running out: the other CPUs' caches ---- */

/* CPUs 1..3 hold PCP_HIGH frames each, the lists are empty (held[] took
 * them through buddy_alloc): *n frames held. */
static void fill_remote_empty_lists(uint64_t *held, unsigned *n)
{
	for (unsigned c = 1; c < 4; c++) {
		shim_set_cpu(c);
		ck_assert_uint_eq(pcp_batch_refill(pcp_of(c), PCP_HIGH), PCP_HIGH);
	}
	shim_set_cpu(0);
	struct frame_alloc_options o = { 0, false, PURPOSE_USER_DATA };
	*n = 0;
	while (buddy_alloc(&o, &held[*n]) == E_OK)
		++*n;
	ck_assert_uint_eq(*n, 3840 - 3 * PCP_HIGH);
	ck_assert_uint_eq(stats().free, 3 * PCP_HIGH);
}

START_TEST(dry_cpu_drains_the_others)
{
	static uint64_t held[3840];
	unsigned n;
	fill_remote_empty_lists(held, &n);
	struct frame_stats s0 = stats();
	ck_assert_uint_eq(s0.oom_drains, 0);
	held[n++] = falloc(); /* CPU 0: own cache and lists dry */
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.oom_drains, 1);
	ck_assert_uint_eq(s.oom_drained, 3 * PCP_HIGH);
	ck_assert_uint_eq(s.nomem, 0);
	for (unsigned c = 1; c < 4; c++)
		ck_assert_uint_eq(cached(c), 0);
	ck_assert_uint_eq(cached(0), PCP_BATCH - 1);
	audit();
	struct frame_alloc_options o = { 0, false, PURPOSE_USER_DATA };
	while (frame_alloc(&o, &held[n]) == E_OK)
		n++;
	ck_assert_uint_eq(n, 3840); /* every frame handed out */
	s = stats();
	ck_assert_uint_eq(s.nomem, 1);
	ck_assert_uint_eq(s.oom_drains, 1); /* nothing cached: no drain counted */
	ck_assert(shim_irqs_enabled());
	audit();
	for (unsigned i = 0; i < n; i++)
		ck_assert_int_eq(frame_free(held[i], 0), E_OK);
	ck_assert_uint_eq(stats().free, 3840);
	audit();
}
END_TEST

START_TEST(dry_block_alloc_drains_the_others)
{
	static uint64_t held[3840];
	unsigned n;
	fill_remote_empty_lists(held, &n);
	ck_assert_int_eq(frame_free(held[--n], 0), E_OK); /* a lone frame back */
	struct frame_alloc_options o = { 2, false, PURPOSE_USER_DATA };
	uint64_t pfn;
	ck_assert_int_eq(frame_alloc(&o, &pfn), E_OK);
	ck_assert_uint_eq(stats().oom_drains, 1);
	ck_assert_int_eq(frame_free(pfn, 2), E_OK);
	for (unsigned i = 0; i < n; i++)
		ck_assert_int_eq(buddy_free(held[i], 0), E_OK);
	audit();
}
END_TEST

/* User data leaves the reserve alone, on every CPU; the kernel may take it. */
START_TEST(user_data_leaves_the_reserve)
{
	static uint64_t held[3840];
	struct frame_alloc_options user = { 0, false, PURPOSE_USER_DATA };
	struct frame_alloc_options pt = { 0, false, PURPOSE_PAGE_TABLE };
	unsigned n = 0;
	frame_set_reserve(100);
	shim_set_cpu(2);
	held[n++] = falloc(); /* CPU 2's cache holds 63 */
	shim_set_cpu(0);
	while (frame_alloc(&user, &held[n]) == E_OK)
		n++;
	ck_assert_uint_eq(n, 3840 - 100); /* CPU 2's cache drained for it too */
	ck_assert_uint_eq(stats().free, 100);
	ck_assert_uint_eq(stats().nomem, 1);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(frame_alloc(&pt, &held[n++]), E_OK);
	ck_assert_int_eq(frame_alloc(&pt, &held[n]), E_NOMEM);
	audit();
	for (unsigned i = 0; i < n; i++)
		ck_assert_int_eq(frame_free(held[i], 0), E_OK);
	ck_assert_uint_eq(stats().free, 3840);
	audit();
}
END_TEST

/* pcp_drain_all from CPU 0 while CPU 1's owner allocates and frees on its
 * own cache: no frame is lost or handed out twice. */
static _Atomic int owner_stop;
static _Atomic unsigned owner_rounds;

static void *owner_main(void *arg)
{
	(void)arg;
	shim_set_cpu(1);
	uint64_t mine[300];
	struct frame_alloc_options o = { 0, false, PURPOSE_USER_DATA };
	while (!atomic_load(&owner_stop)) {
		atomic_fetch_add(&owner_rounds, 1);
		unsigned n = 0;
		while (n < 300 && frame_alloc(&o, &mine[n]) == E_OK)
			n++;
		for (unsigned i = 0; i < n; i++)
			if (frame_free(mine[i], 0) != E_OK)
				return (void *)1;
	}
	return NULL;
}

START_TEST(remote_drain_races_owner)
{
	pthread_t t;
	atomic_store(&owner_stop, 0);
	atomic_store(&owner_rounds, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, owner_main, NULL), 0);
	unsigned moved = 0;
	while (atomic_load(&owner_rounds) < 300)
		moved += pcp_drain_all(pcp_of(1));
	atomic_store(&owner_stop, 1);
	void *r;
	ck_assert_int_eq(pthread_join(t, &r), 0);
	ck_assert_ptr_null(r);
	ck_assert(shim_irqs_enabled());
	ck_assert_uint_gt(moved, 0);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.free, 3840);
	ck_assert_uint_eq(s.allocs, s.frees);
	audit();
}
END_TEST

/* A batch moving between the lists and a cache is counted in one place
 * at every instant: frame_stats, called at every release of a lock by
 * CPU 1's refills and drains (the shim's irq-restore hook), and from CPU 0
 * meanwhile, always sees all 3840 frames free (the cache's count used to
 * move after the buddy lock was let go: a reader in between saw a drained
 * batch twice, a refilled one not at all). */
static _Atomic unsigned wrong_reads;
static _Atomic uint64_t wrong_seen;

static void check_free(void)
{
	uint64_t f = stats().free;
	if (f != 3840) {
		atomic_fetch_add(&wrong_reads, 1);
		atomic_store(&wrong_seen, f);
	}
}

static void *mover_main(void *arg)
{
	(void)arg;
	shim_set_cpu(1);
	shim_on_irq_restore(check_free);
	struct pcp_cache *c = pcp_of(1);
	for (unsigned i = 0; i < 200; i++) {
		atomic_fetch_add(&owner_rounds, 1);
		unsigned long f = spin_lock_irqsave(&c->lock);
		pcp_batch_refill(c, PCP_BATCH);
		spin_unlock_irqrestore(&c->lock, f);
		f = spin_lock_irqsave(&c->lock);
		pcp_batch_drain(c, c->count);
		spin_unlock_irqrestore(&c->lock, f);
	}
	shim_on_irq_restore(NULL);
	atomic_store(&owner_stop, 1);
	return NULL;
}

START_TEST(moving_batch_counted_once)
{
	pthread_t t;
	atomic_store(&owner_stop, 0);
	atomic_store(&owner_rounds, 0);
	atomic_store(&wrong_reads, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, mover_main, NULL), 0);
	while (!atomic_load(&owner_stop))
		check_free();
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_msg(atomic_load(&wrong_reads) == 0, "%u reads wrong (e.g. %lu free)",
		      atomic_load(&wrong_reads), (unsigned long)atomic_load(&wrong_seen));
	ck_assert_uint_eq(stats().free, 3840);
	audit();
}
END_TEST

/* ---- poison and the caches ---- */

START_TEST(poison_frame_in_local_cache)
{
	falloc(); /* cache now holds PCP_BATCH - 1 */
	struct pcp_cache *c = pcp_of(0);
	uint64_t victim = c->pfn[10], top = c->pfn[c->count - 1];
	struct frame_stats s0 = stats();
	ck_assert_int_eq(mark_poisoned(victim), E_OK);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.poisoned, 1);
	ck_assert_uint_eq(s.free, s0.free - 1);
	ck_assert_uint_eq(s.total, s0.total - 1);
	ck_assert_uint_eq(meta_get(victim)->flags, META_QUARANTINE);
	audit();
	ck_assert_uint_eq(falloc(), top);
	static uint64_t held[3840];
	unsigned n = 0;
	struct frame_alloc_options o = { 0, false, PURPOSE_USER_DATA };
	while (frame_alloc(&o, &held[n]) == E_OK)
		ck_assert_uint_ne(held[n++], victim);
	ck_assert_uint_eq(n, s0.free - 2);
	s = stats();
	ck_assert_uint_eq(s.free, 0);
	audit();
	for (unsigned i = 0; i < n; i++)
		ffree(held[i]);
	audit();
}
END_TEST

START_TEST(poison_frame_in_remote_cache)
{
	shim_set_cpu(3);
	falloc();
	uint64_t victim = pcp_of(3)->pfn[0]; /* coldest: goes on a drain */
	shim_set_cpu(0);
	struct frame_stats s0 = stats();
	ck_assert_int_eq(mark_poisoned(victim), E_OK);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.poisoned, 1);
	ck_assert_uint_eq(s.free, s0.free - 1);
	ck_assert_uint_eq(s.pcp_cached[3], PCP_BATCH - 1); /* entry still there */
	audit();
	shim_set_cpu(3);
	ck_assert_uint_eq(pcp_batch_drain(pcp_of(3), PCP_BATCH), PCP_BATCH - 1);
	s = stats();
	ck_assert_uint_eq(s.free, s0.free - 1);
	ck_assert_uint_eq(s.poisoned, 1);
	ck_assert_uint_eq(meta_get(victim)->flags, META_QUARANTINE);
	audit();
}
END_TEST

/* A frame poisoned while on its way into a cache (mark_poisoned saw it in
 * use) carries the guard bit into the cache: the pop must not hand it out. */
START_TEST(poisoned_entry_skipped_on_pop)
{
	uint64_t a = falloc(), b = falloc();
	ffree(a);
	ffree(b); /* b on top */
	atomic_fetch_or(&meta_get(b)->guard, GUARD_POISONED);
	struct frame_stats s0 = stats();
	ck_assert_uint_eq(falloc(), a);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.poisoned, 1);
	ck_assert_uint_eq(s.free, s0.free - 2);
	ck_assert_uint_eq(s.allocs, s0.allocs + 1);
	ck_assert_uint_eq(meta_get(b)->flags, META_QUARANTINE);
	audit();
}
END_TEST

START_TEST(poisoned_entry_quarantined_on_drain)
{
	uint64_t a = falloc();
	ffree(a);
	atomic_fetch_or(&meta_get(a)->guard, GUARD_POISONED);
	struct pcp_cache *c = pcp_of(0);
	pcp_batch_drain(c, pcp_cached_count(c));
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.poisoned, 1);
	ck_assert_uint_eq(s.free, s.total);
	ck_assert_uint_eq(meta_get(a)->flags, META_QUARANTINE);
	audit();
}
END_TEST

/* ---- pre-zeroed frames (an idle CPU's work) ---- */

static uint64_t zalloc(void)
{
	struct frame_alloc_options o = { 0, true, PURPOSE_USER_DATA };
	uint64_t pfn = ~0ull;
	ck_assert_int_eq(frame_alloc(&o, &pfn), E_OK);
	ck_assert(shim_irqs_enabled());
	return pfn;
}

static uint8_t *bytes(uint64_t pfn)
{
	return arch_phys_to_virt(pfn << 12);
}

static bool all_zero(uint64_t pfn)
{
	for (int i = 0; i < 4096; i++)
		if (bytes(pfn)[i])
			return false;
	return true;
}

/* Allocate n frames, fill each with 0xA5, free them all: the cache then
 * holds dirty frames. */
static void dirty_frames(unsigned n)
{
	static uint64_t held[512];
	ck_assert_uint_le(n, 512);
	for (unsigned i = 0; i < n; i++) {
		held[i] = falloc();
		memset(bytes(held[i]), 0xA5, 4096);
	}
	for (unsigned i = 0; i < n; i++)
		ffree(held[i]);
}

/* Zero frames the way an idle CPU does, until it stops; returns how many. */
static unsigned idle_zero_all(void)
{
	unsigned n = 0;
	while (frame_idle_zero())
		n++;
	ck_assert(shim_irqs_enabled());
	return n;
}

START_TEST(idle_zeroing_is_bounded_and_counts_stay_exact)
{
	dirty_frames(100);
	struct frame_stats s0 = stats();
	ck_assert_uint_eq(idle_zero_all(), PCP_ZERO_MAX);
	ck_assert(!frame_idle_zero()); /* enough ready: the CPU may halt */
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.free, s0.free); /* still free frames */
	ck_assert_uint_eq(s.pcp_cached[0], s0.pcp_cached[0]);
	ck_assert_uint_eq(s.zero_ready, PCP_ZERO_MAX);
	ck_assert_uint_eq(s.zero_made, PCP_ZERO_MAX);
	ck_assert_uint_eq(pcp_zeroed_count(pcp_of(0)), PCP_ZERO_MAX);
	audit(); /* every marked frame's bytes are zero */
}
END_TEST

START_TEST(idle_zeroing_refills_an_empty_cache)
{
	ck_assert_uint_eq(cached(0), 0);
	ck_assert_uint_eq(idle_zero_all(), PCP_ZERO_MAX);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.free, 3840);
	ck_assert_uint_eq(cached(0), PCP_ZERO_MAX);
	ck_assert_uint_eq(s.zero_ready, PCP_ZERO_MAX);
	audit();
}
END_TEST

START_TEST(zeroed_request_takes_a_ready_frame)
{
	dirty_frames(PCP_ZERO_MAX);
	idle_zero_all();
	struct frame_stats s0 = stats();
	uint64_t p = zalloc();
	ck_assert(all_zero(p));
	ck_assert_uint_eq(meta_get(p)->flags, META_HEAD); /* the mark is gone */
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.zero_hits, s0.zero_hits + 1);
	ck_assert_uint_eq(s.zero_misses, s0.zero_misses);
	ck_assert_uint_eq(s.zero_ready, PCP_ZERO_MAX - 1);
	ck_assert_uint_eq(s.free, s0.free - 1);
	audit();
	ffree(p);
	audit();
}
END_TEST

/* The frame a program wrote and freed goes back dirty: it is never taken
 * for a zeroed one, and a zeroed request that finds none ready zeroes it. */
START_TEST(freed_frame_is_dirty_again)
{
	idle_zero_all();
	static uint64_t ready[PCP_ZERO_MAX];
	for (unsigned i = 0; i < PCP_ZERO_MAX; i++) {
		ready[i] = zalloc();
		ck_assert(all_zero(ready[i]));
	}
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.zero_hits, PCP_ZERO_MAX);
	ck_assert_uint_eq(s.zero_ready, 0);
	for (unsigned i = 0; i < PCP_ZERO_MAX; i++) {
		memset(bytes(ready[i]), 0x5A, 4096);
		ffree(ready[i]);
		ck_assert_uint_eq(meta_get(ready[i])->flags, META_PCP);
	}
	ck_assert_uint_eq(stats().zero_ready, 0);
	audit();
	for (unsigned i = 0; i < PCP_ZERO_MAX; i++) {
		uint64_t p = zalloc();
		ck_assert_msg(all_zero(p), "frame 0x%lx handed out dirty", (unsigned long)p);
	}
	s = stats();
	ck_assert_uint_eq(s.zero_misses, PCP_ZERO_MAX);
	ck_assert_uint_eq(s.zero_hits, PCP_ZERO_MAX);
	audit();
}
END_TEST

START_TEST(dirty_request_leaves_ready_frames)
{
	dirty_frames(PCP_ZERO_MAX + 10);
	idle_zero_all();
	for (unsigned i = 0; i < 10 + PCP_BATCH; i++)
		falloc(); /* the dirty ones, then a refill */
	ck_assert_uint_eq(stats().zero_ready, PCP_ZERO_MAX);
	audit();
}
END_TEST

START_TEST(drain_gives_dirty_frames_back_first)
{
	dirty_frames(PCP_ZERO_MAX);
	idle_zero_all();
	static uint64_t held[PCP_HIGH];
	for (unsigned i = 0; i < PCP_HIGH; i++)
		held[i] = falloc(); /* dirty ones from refills */
	for (unsigned i = 0; i < PCP_HIGH; i++)
		ffree(held[i]); /* above the high mark: a drain */
	struct frame_stats s = stats();
	ck_assert_uint_gt(s.pcp_drains, 0);
	ck_assert_uint_eq(s.zero_ready, PCP_ZERO_MAX);
	audit();
	pcp_batch_drain(pcp_of(0), cached(0)); /* everything */
	s = stats();
	ck_assert_uint_eq(s.zero_ready, 0);
	ck_assert_uint_eq(s.free, 3840);
	audit(); /* the lists keep no mark */
}
END_TEST

START_TEST(remote_drain_takes_ready_frames)
{
	shim_set_cpu(2);
	idle_zero_all();
	shim_set_cpu(0);
	static uint64_t held[3840];
	unsigned n = 0;
	struct frame_alloc_options o = { 0, false, PURPOSE_USER_DATA };
	while (frame_alloc(&o, &held[n]) == E_OK)
		n++;
	ck_assert_uint_eq(n, 3840); /* CPU 2's ready frames too */
	ck_assert_uint_eq(stats().zero_ready, 0);
	for (unsigned i = 0; i < n; i++)
		ffree(held[i]);
	audit();
}
END_TEST

START_TEST(poisoned_ready_frame_never_handed_out)
{
	idle_zero_all();
	uint64_t victim = pcp_of(0)->pfn[3];
	ck_assert_uint_eq(meta_get(victim)->flags, META_PCP | META_ZEROED);
	struct frame_stats s0 = stats();
	ck_assert_int_eq(mark_poisoned(victim), E_OK);
	ck_assert_uint_eq(meta_get(victim)->flags, META_QUARANTINE);
	ck_assert_uint_eq(stats().free, s0.free - 1);
	audit();
	for (unsigned i = 0; i < PCP_ZERO_MAX - 1; i++)
		ck_assert_uint_ne(zalloc(), victim);
	struct frame_stats s = stats();
	ck_assert_uint_eq(s.zero_hits, PCP_ZERO_MAX - 1);
	ck_assert_uint_eq(s.zero_ready, 0); /* the ghost was dropped on a pop */
	ck_assert_uint_ne(zalloc(), victim);
	ck_assert_uint_eq(stats().zero_misses, 1);
	audit();
}
END_TEST

/* The idle CPU takes no frame user data may not have. */
START_TEST(idle_zeroing_leaves_the_reserve)
{
	frame_set_reserve(3840 - 10);
	ck_assert_uint_eq(idle_zero_all(), 10);
	frame_set_reserve(0);
	audit();
}
END_TEST

/* Zeroed requests larger than a page, and from the buddy allocator, are
 * zeroed as before. */
START_TEST(block_zeroed_requests_still_zeroed)
{
	struct frame_alloc_options o = { 2, false, PURPOSE_KERNEL_DATA };
	uint64_t p;
	ck_assert_int_eq(frame_alloc(&o, &p), E_OK);
	memset(bytes(p), 0xA5, 4 * 4096);
	ck_assert_int_eq(frame_free(p, 2), E_OK);
	o.zeroed = true;
	uint64_t q;
	ck_assert_int_eq(frame_alloc(&o, &q), E_OK);
	for (int i = 0; i < 4; i++)
		ck_assert(all_zero(q + i));
	ck_assert_int_eq(frame_free(q, 2), E_OK);
	audit();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pcp");
	TCase *t = tcase_create("pcp");
	tcase_set_timeout(t, 120); /* threaded cases on a loaded host */
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, layout_cache_line_aligned);
	tcase_add_test(t, refill_at_low_mark_by_one_batch);
	tcase_add_test(t, drain_above_high_mark_by_one_batch);
	tcase_add_test(t, lifo_reuse);
	tcase_add_test(t, caches_are_per_cpu);
	tcase_add_test(t, batch_calls_direct);
	tcase_add_test(t, nomem_when_dry);
	tcase_add_test(t, big_alloc_drains_local_cache);
	tcase_add_test(t, poison_frame_in_local_cache);
	tcase_add_test(t, poison_frame_in_remote_cache);
	tcase_add_test(t, poisoned_entry_skipped_on_pop);
	tcase_add_test(t, poisoned_entry_quarantined_on_drain);
	tcase_add_test(t, dry_cpu_drains_the_others);
	tcase_add_test(t, dry_block_alloc_drains_the_others);
	tcase_add_test(t, remote_drain_races_owner);
	tcase_add_test(t, moving_batch_counted_once);
	tcase_add_test(t, user_data_leaves_the_reserve);
	tcase_add_test(t, idle_zeroing_is_bounded_and_counts_stay_exact);
	tcase_add_test(t, idle_zeroing_refills_an_empty_cache);
	tcase_add_test(t, zeroed_request_takes_a_ready_frame);
	tcase_add_test(t, freed_frame_is_dirty_again);
	tcase_add_test(t, dirty_request_leaves_ready_frames);
	tcase_add_test(t, drain_gives_dirty_frames_back_first);
	tcase_add_test(t, remote_drain_takes_ready_frames);
	tcase_add_test(t, poisoned_ready_frame_never_handed_out);
	tcase_add_test(t, idle_zeroing_leaves_the_reserve);
	tcase_add_test(t, block_zeroed_requests_still_zeroed);
	suite_add_tcase(s, t);

	return check_run(s);
}
