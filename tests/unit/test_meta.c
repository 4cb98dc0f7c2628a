/* MetaSlot array: layout, set-up, lookup, iterator, snapshots, generations,
 * poison guard queries and the vtable registry. */
#include <check.h>
#include "check_run.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "mm/frame.h"
#include "shim.h"

#define MIB (1ull << 20)

static struct frame_alloc_options opts(unsigned order)
{
	return (struct frame_alloc_options){ order, false, PURPOSE_KERNEL_DATA };
}

static uint64_t alloc_ok(unsigned order)
{
	struct frame_alloc_options o = opts(order);
	uint64_t pfn = ~0ull;
	ck_assert_int_eq(frame_alloc(&o, &pfn), E_OK);
	return pfn;
}

/* 8 MiB of RAM, frames from 1 MiB up free. */
static void setup(void)
{
	shim_set_cpu(0);
	shim_mm_init(8 * MIB, 1 * MIB, 8 * MIB, 2);
	shim_console_clear();
}

static void teardown(void)
{
	shim_mm_fini();
}

START_TEST(slot_layout)
{
	ck_assert_uint_eq(sizeof(struct meta_slot), 64);
	ck_assert_uint_eq(_Alignof(struct meta_slot), 64);
	ck_assert_uint_eq(offsetof(struct meta_slot, free_list_link), 0);
	ck_assert_uint_eq(offsetof(struct meta_slot, refcount), 16);
	ck_assert_uint_eq(offsetof(struct meta_slot, generation), 20);
	ck_assert_uint_eq(offsetof(struct meta_slot, flags), 24);
	ck_assert_uint_eq(offsetof(struct meta_slot, purpose), 26);
	ck_assert_uint_eq(offsetof(struct meta_slot, order), 27);
	ck_assert_uint_eq(offsetof(struct meta_slot, guard), 28);
	ck_assert_uint_eq(offsetof(struct meta_slot, vtable), 32);
	ck_assert_uint_eq(offsetof(struct meta_slot, owner), 40);
	ck_assert_uint_eq(offsetof(struct meta_slot, private_), 48);
	ck_assert_uint_eq(sizeof(((struct meta_slot *)0)->private_), 16);
}
END_TEST

START_TEST(size_for_ram)
{
	ck_assert_uint_eq(meta_size_for(0), 0);
	ck_assert_uint_eq(meta_size_for(4095), 0);      /* no whole frame */
	ck_assert_uint_eq(meta_size_for(4096), 4096);   /* 64 B -> a page */
	ck_assert_uint_eq(meta_size_for(64 * 4096), 4096);
	ck_assert_uint_eq(meta_size_for(65 * 4096), 8192);
	ck_assert_uint_eq(meta_size_for(1ull << 30), 16 * MIB);
	ck_assert_uint_eq(meta_size_for((1ull << 30) + 4096), 16 * MIB + 4096);
	ck_assert_uint_eq(meta_size_for(512 * MIB + 123), 8 * MIB);
}
END_TEST

START_TEST(init_marks_every_slot_reserved)
{
	uint64_t n = 100;
	struct meta_slot *a = aligned_alloc(4096, meta_size_for(n * 4096));
	memset(a, 0xAB, meta_size_for(n * 4096));
	meta_init_array(a, n);
	ck_assert_uint_eq(meta_frame_count(), n);
	for (uint64_t i = 0; i < n; i++) {
		struct meta_slot *s = meta_get(i);
		ck_assert_ptr_eq(s, &a[i]);
		ck_assert_uint_eq(s->flags, META_RESERVED);
		ck_assert_uint_eq(s->purpose, PURPOSE_FIRMWARE);
		ck_assert_uint_eq(s->refcount, 0);
		ck_assert_uint_eq(s->guard, 0);
		ck_assert_uint_eq(s->vtable, 0);
		ck_assert_uint_eq(s->generation, 0);
		ck_assert_uint_eq(s->owner, 0);
		ck_assert_uint_eq(s->private_[0] | s->private_[1], 0);
	}
	ck_assert_ptr_null(meta_get(n));
	ck_assert_ptr_null(meta_get(UINT64_MAX));
	free(a);
}
END_TEST

static unsigned iter_count(uint64_t first, uint64_t last, uint64_t *lo,
			   uint64_t *hi)
{
	struct meta_range_iter it;
	struct meta_slot *s;
	uint64_t pfn, expect = first;
	unsigned n = 0;
	meta_range_init(&it, first, last);
	while (meta_range_next(&it, &pfn, &s)) {
		ck_assert_uint_eq(pfn, expect++);
		ck_assert_ptr_eq(s, meta_get(pfn));
		if (n++ == 0)
			*lo = pfn;
		*hi = pfn;
	}
	ck_assert(!meta_range_next(&it, &pfn, &s)); /* stays done */
	return n;
}

START_TEST(range_iterator_inclusive)
{
	uint64_t lo = 0, hi = 0, n = meta_frame_count();
	ck_assert_uint_eq(iter_count(10, 20, &lo, &hi), 11);
	ck_assert_uint_eq(lo, 10);
	ck_assert_uint_eq(hi, 20);
	ck_assert_uint_eq(iter_count(7, 7, &lo, &hi), 1);
	ck_assert_uint_eq(iter_count(8, 7, &lo, &hi), 0);
	ck_assert_uint_eq(iter_count(n - 3, n + 50, &lo, &hi), 3);
	ck_assert_uint_eq(hi, n - 1);
	ck_assert_uint_eq(iter_count(n - 1, UINT64_MAX, &lo, &hi), 1);
	ck_assert_uint_eq(iter_count(n, UINT64_MAX, &lo, &hi), 0);
	ck_assert_uint_eq(iter_count(0, UINT64_MAX, &lo, &hi), n);
}
END_TEST

START_TEST(snapshot_fields)
{
	struct meta_snapshot snap;
	ck_assert_int_eq(meta_debug_snapshot(meta_frame_count(), &snap),
			 E_RANGE);
	ck_assert_int_eq(meta_debug_snapshot(0, &snap), E_OK);
	ck_assert_uint_eq(snap.flags, META_RESERVED);
	ck_assert_uint_eq(snap.purpose, PURPOSE_FIRMWARE);

	struct frame_alloc_options o = { 2, false, PURPOSE_USER_DATA };
	uint64_t pfn;
	ck_assert_int_eq(frame_alloc(&o, &pfn), E_OK);
	ck_assert_int_eq(meta_debug_snapshot(pfn, &snap), E_OK);
	ck_assert_uint_eq(snap.pfn, pfn);
	ck_assert_uint_eq(snap.refcount, 1);
	ck_assert_uint_eq(snap.flags, META_HEAD);
	ck_assert_uint_eq(snap.order, 2);
	ck_assert_uint_eq(snap.purpose, PURPOSE_USER_DATA);
	ck_assert_uint_eq(snap.generation, 1);
	ck_assert_uint_eq(snap.guard, 0);
	ck_assert_int_eq(meta_debug_snapshot(pfn + 3, &snap), E_OK);
	ck_assert_uint_eq(snap.flags, META_TAIL);
	ck_assert_uint_eq(snap.refcount, 0);
	ck_assert_int_eq(frame_free(pfn, 2), E_OK);
	ck_assert_int_eq(meta_debug_snapshot(pfn, &snap), E_OK);
	ck_assert_uint_eq(snap.refcount, REFCOUNT_UNUSED);
	ck_assert_uint_eq(snap.purpose, PURPOSE_NONE);
}
END_TEST

START_TEST(generation_bumps_and_stales)
{
	uint64_t pfn = alloc_ok(0);
	uint32_t g = meta_get(pfn)->generation;
	ck_assert_uint_eq(g, 1);
	ck_assert(meta_generation_matches(pfn, g));
	ck_assert(!meta_generation_matches(pfn, g + 1));
	ck_assert_int_eq(frame_free(pfn, 0), E_OK);
	ck_assert(!meta_generation_matches(pfn, g)); /* free: no handle matches */
	uint64_t again = alloc_ok(0);
	ck_assert_uint_eq(again, pfn); /* the per-CPU cache is LIFO */
	ck_assert_uint_eq(meta_get(pfn)->generation, g + 1);
	ck_assert(!meta_generation_matches(pfn, g)); /* the stale handle */
	ck_assert(meta_generation_matches(pfn, g + 1));

	uint64_t blk = alloc_ok(3);
	for (uint64_t p = blk; p < blk + 8; p++) /* tails bumped too */
		ck_assert(meta_generation_matches(p, 1));
	ck_assert(!meta_generation_matches(0, 0)); /* reserved */
	ck_assert(!meta_generation_matches(meta_frame_count(), 0));
	ck_assert(!meta_generation_matches(blk + 8, 0)); /* free, gen 0 */
}
END_TEST

START_TEST(poison_guard_query)
{
	uint64_t p = 256 + 37; /* some free frame */
	ck_assert(!meta_block_has_poison_guard(256, 10));
	atomic_fetch_or(&meta_get(p)->guard, GUARD_POISONED);
	for (unsigned k = 0; k <= FRAME_MAX_ORDER; k++) {
		uint64_t head = p & ~((1ull << k) - 1);
		ck_assert(meta_block_has_poison_guard(head, k));
	}
	ck_assert(!meta_block_has_poison_guard(p + 1, 0));
	ck_assert(!meta_block_has_poison_guard(p - 1, 0));
	ck_assert(!meta_block_has_poison_guard(256 + 64, 6));
	ck_assert(!meta_block_has_poison_guard(meta_frame_count() - 1, 4));
}
END_TEST

/* ---- vtables ---- */

static unsigned last_ref_calls, unmap_calls;
static uint64_t last_ref_pfn;
static struct meta_slot *last_ref_slot;

static void rec_last_ref(uint64_t pfn, struct meta_slot *slot)
{
	last_ref_calls++;
	last_ref_pfn = pfn;
	last_ref_slot = slot;
	ck_assert_uint_eq(slot->refcount, 0); /* called after the last put */
}

static void rec_unmap(uint64_t pfn, struct meta_slot *slot)
{
	(void)pfn;
	(void)slot;
	unmap_calls++;
}

static const struct frame_vtable rec_vt = { rec_unmap, rec_last_ref };
static const struct frame_vtable unregistered_vt = { rec_unmap, rec_last_ref };

START_TEST(vtable_default_for_zero_word)
{
	uint64_t pfn = alloc_ok(0);
	struct meta_slot *s = meta_get(pfn);
	ck_assert_uint_eq(s->vtable, 0);
	const struct frame_vtable *vt = meta_vtable(s);
	ck_assert_ptr_nonnull(vt);
	ck_assert_ptr_nonnull(vt->on_unmap);
	ck_assert_ptr_nonnull(vt->on_last_ref);
	vt->on_unmap(pfn, s); /* the default hooks are safe no-ops */
	ck_assert_int_eq(frame_free(pfn, 0), E_OK);
	ck_assert_uint_eq(last_ref_calls, 0);
}
END_TEST

START_TEST(vtable_registered_called_on_last_ref)
{
	ck_assert_int_eq(meta_register_vtable(&rec_vt), E_OK);
	uint64_t pfn = alloc_ok(2);
	ck_assert_int_eq(meta_set_vtable(pfn, &rec_vt), E_OK);
	ck_assert_ptr_eq(meta_vtable(meta_get(pfn)), &rec_vt);
	ck_assert_int_eq(frame_get(pfn), E_OK);
	ck_assert_int_eq(frame_free(pfn, 2), E_OK);
	ck_assert_uint_eq(last_ref_calls, 0); /* not the last reference */
	ck_assert_int_eq(frame_free(pfn, 2), E_OK);
	ck_assert_uint_eq(last_ref_calls, 1);
	ck_assert_uint_eq(last_ref_pfn, pfn);
	ck_assert_ptr_eq(last_ref_slot, meta_get(pfn));
	ck_assert_uint_eq(meta_get(pfn)->vtable, 0); /* not inherited */
	ck_assert_uint_eq(unmap_calls, 0);

	uint64_t q = alloc_ok(0); /* order 0, per-CPU path */
	ck_assert_int_eq(meta_set_vtable(q, &rec_vt), E_OK);
	ck_assert_int_eq(frame_free(q, 0), E_OK);
	ck_assert_uint_eq(last_ref_calls, 2);
	ck_assert_uint_eq(last_ref_pfn, q);
	ck_assert_uint_eq(alloc_ok(0), q);
	ck_assert_uint_eq(meta_get(q)->vtable, 0);
}
END_TEST

START_TEST(vtable_garbage_word_never_called)
{
	ck_assert_int_eq(meta_register_vtable(&rec_vt), E_OK);
	uint64_t a = alloc_ok(0), b = alloc_ok(0);
	meta_get(a)->vtable = (uintptr_t)&unregistered_vt; /* plausible */
	meta_get(b)->vtable = 0xdeadbeefcafef00dull;     /* wild */
	ck_assert_ptr_ne(meta_vtable(meta_get(a)), &unregistered_vt);
	ck_assert_ptr_ne(meta_vtable(meta_get(a)), &rec_vt);
	ck_assert_ptr_nonnull(meta_vtable(meta_get(b))->on_last_ref);
	ck_assert_int_eq(frame_free(a, 0), E_OK);
	ck_assert_int_eq(frame_free(b, 0), E_OK);
	ck_assert_uint_eq(last_ref_calls, 0);
}
END_TEST

START_TEST(vtable_set_refuses_unregistered)
{
	uint64_t pfn = alloc_ok(0);
	ck_assert_int_eq(meta_set_vtable(pfn, &unregistered_vt), E_INVAL);
	ck_assert_uint_eq(meta_get(pfn)->vtable, 0);
	ck_assert_int_eq(meta_register_vtable(&rec_vt), E_OK);
	ck_assert_int_eq(meta_set_vtable(pfn, &rec_vt), E_OK);
	ck_assert_int_eq(meta_set_vtable(pfn, &unregistered_vt), E_INVAL);
	ck_assert_uint_eq(meta_get(pfn)->vtable, (uintptr_t)&rec_vt);
	ck_assert_int_eq(meta_set_vtable(pfn, NULL), E_OK);
	ck_assert_uint_eq(meta_get(pfn)->vtable, 0);
	ck_assert_int_eq(meta_set_vtable(meta_frame_count(), &rec_vt), E_RANGE);
}
END_TEST

START_TEST(vtable_registry_full)
{
	static struct frame_vtable vts[META_MAX_VTABLES + 1];
	for (int i = 0; i <= META_MAX_VTABLES; i++)
		vts[i] = rec_vt;
	ck_assert_int_eq(meta_register_vtable(NULL), E_INVAL);
	struct frame_vtable half = { rec_unmap, NULL };
	ck_assert_int_eq(meta_register_vtable(&half), E_INVAL);
	for (int i = 0; i < META_MAX_VTABLES; i++)
		ck_assert_int_eq(meta_register_vtable(&vts[i]), E_OK);
	ck_assert_int_eq(meta_register_vtable(&vts[0]), E_OK); /* again: fine */
	ck_assert_int_eq(meta_register_vtable(&vts[META_MAX_VTABLES]), E_NOMEM);
	uint64_t pfn = alloc_ok(0);
	ck_assert_int_eq(meta_set_vtable(pfn, &vts[META_MAX_VTABLES]), E_INVAL);
	ck_assert_int_eq(meta_set_vtable(pfn, &vts[META_MAX_VTABLES - 1]), E_OK);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("meta");
	TCase *plain = tcase_create("plain");
	tcase_add_test(plain, slot_layout);
	tcase_add_test(plain, size_for_ram);
	tcase_add_test(plain, init_marks_every_slot_reserved);
	suite_add_tcase(s, plain);

	TCase *mm = tcase_create("with-allocator");
	tcase_add_checked_fixture(mm, setup, teardown);
	tcase_add_test(mm, range_iterator_inclusive);
	tcase_add_test(mm, snapshot_fields);
	tcase_add_test(mm, generation_bumps_and_stales);
	tcase_add_test(mm, poison_guard_query);
	tcase_add_test(mm, vtable_default_for_zero_word);
	tcase_add_test(mm, vtable_registered_called_on_last_ref);
	tcase_add_test(mm, vtable_garbage_word_never_called);
	tcase_add_test(mm, vtable_set_refuses_unregistered);
	tcase_add_test(mm, vtable_registry_full);
	suite_add_tcase(s, mm);

	return check_run(s);
}
