/* pager/region.c: adding, finding, removing and placing regions. */
#include <check.h>
#include "check_run.h"
#include <stdint.h>
#include <stdlib.h>
#include "pool.h"
#include "abi/err.h"
#include "region.h"
#include "rng.h"

#define P 4096ull

START_TEST(add_find_remove)
{
	struct region_set s;
	region_init(&s);
	ck_assert_int_eq(region_add(&s, 10 * P, 20 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert_int_eq(region_add(&s, 0x400000, 0x401000, PG_BACK_FILE, 5), E_OK);
	ck_assert_int_eq(region_add(&s, 30 * P, 31 * P, PG_BACK_STACK, 3), E_OK);
	ck_assert_uint_eq(s.t.count, 3);
	ck_assert(tree_check(&s.t));
	ck_assert_uint_eq(region_from(&s, 0)->start, 10 * P); /* sorted */
	ck_assert_uint_eq(region_next(&s, region_from(&s, 0))->start, 30 * P);
	ck_assert_ptr_null(region_find(&s, 10 * P - 1));
	ck_assert_uint_eq(region_find(&s, 10 * P)->kind, PG_BACK_ANON);
	ck_assert_uint_eq(region_find(&s, 20 * P - 1)->kind, PG_BACK_ANON);
	ck_assert_ptr_null(region_find(&s, 20 * P));
	ck_assert_uint_eq(region_find(&s, 0x400fff)->kind, PG_BACK_FILE);
	ck_assert_int_eq(region_remove(&s, 11 * P), E_NOENT);
	ck_assert_int_eq(region_remove(&s, 10 * P), E_OK);
	ck_assert_ptr_null(region_find(&s, 15 * P));
	ck_assert_int_eq(region_remove(&s, 10 * P), E_NOENT);
	ck_assert_uint_eq(s.t.count, 2);
}
END_TEST

START_TEST(add_refuses_bad_ranges)
{
	struct region_set s;
	region_init(&s);
	ck_assert_int_eq(region_add(&s, 1, P, PG_BACK_ANON, 3), E_INVAL);
	ck_assert_int_eq(region_add(&s, P, P + 1, PG_BACK_ANON, 3), E_INVAL);
	ck_assert_int_eq(region_add(&s, P, P, PG_BACK_ANON, 3), E_INVAL);
	ck_assert_int_eq(region_add(&s, 2 * P, P, PG_BACK_ANON, 3), E_INVAL);
	ck_assert_int_eq(region_add(&s, 10 * P, 20 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert_int_eq(region_add(&s, 19 * P, 21 * P, PG_BACK_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 9 * P, 11 * P, PG_BACK_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 12 * P, 13 * P, PG_BACK_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 0, 30 * P, PG_BACK_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 20 * P, 21 * P, PG_BACK_ANON, 3), E_OK); /* adjacent */
	ck_assert_int_eq(region_add(&s, 9 * P, 10 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert_uint_eq(s.t.count, 3);
}
END_TEST

START_TEST(set_fills_up)
{
	struct region_set s;
	region_init(&s);
	for (unsigned i = 0; i < REGION_POOL; i++)
		ck_assert_int_eq(region_add(&s, (2 * i + 1) * P, (2 * i + 2) * P,
					    PG_BACK_ANON, 3), E_OK);
	ck_assert(tree_check(&s.t));
	ck_assert_int_eq(region_add(&s, 100000 * P, 100001 * P, PG_BACK_ANON, 3), E_NOMEM);
	ck_assert_int_eq(region_remove(&s, 5 * P), E_OK);
	ck_assert_int_eq(region_add(&s, 100000 * P, 100001 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert_uint_eq(region_find(&s, (2 * 4000 + 1) * P)->start, (2 * 4000 + 1) * P);
	ck_assert_ptr_null(region_find(&s, (2 * 4000 + 2) * P));
}
END_TEST

/* Pool pages from the host's allocator (the pager's come from its window). */
static void *host_page(uint64_t *cookie)
{
	*cookie = 0;
	return aligned_alloc(POOL_PAGE, POOL_PAGE);
}

static void host_page_free(void *page, uint64_t cookie)
{
	(void)cookie;
	free(page);
}

/* A set stops at REGION_SET_MAX regions, however much memory the pool could
 * grow into: a further add or a split is E_NOMEM and changes nothing; a
 * second set is not limited by the first; a region removed (or two merged)
 * makes room again.  Every node goes back. */
START_TEST(set_stops_at_max)
{
	pool_grow = host_page;
	pool_shrink = host_page_free;
	size_t used0 = region_nodes_used();
	static struct region_set s, o;
	region_init(&s);
	region_init(&o);
	for (unsigned i = 0; i < REGION_SET_MAX; i++)
		ck_assert_int_eq(region_add(&s, (2 * i + 1) * P, (2 * i + 2) * P,
					    PG_BACK_ANON, 3), E_OK);
	ck_assert_uint_eq(region_set_count(&s), REGION_SET_MAX);
	ck_assert_uint_eq(region_pages(&s),
			  (REGION_SET_MAX * sizeof(struct region) + P - 1) / P);
	ck_assert_int_eq(region_add(&s, (1ull << 30), (1ull << 30) + P, PG_BACK_ANON, 3),
			 E_NOMEM);
	uint64_t big = 1ull << 32;
	ck_assert_int_eq(region_add(&o, big, big + 4 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert_int_eq(region_add(&s, 0, P, PG_BACK_ANON, 3), E_NOMEM);
	ck_assert_uint_eq(region_set_count(&s), REGION_SET_MAX);
	/* remove one, and the add goes; then the split of a big one does not */
	ck_assert_int_eq(region_remove(&s, 3 * P), E_OK);
	ck_assert_int_eq(region_add(&s, 3 * P, 4 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert_int_eq(region_remove(&s, 1 * P), E_OK);
	ck_assert_int_eq(region_add(&s, big, big + 4 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert_int_eq(region_split(&s, big + 2 * P), E_NOMEM);
	ck_assert_uint_eq(region_find(&s, big + 3 * P)->start, big);
	ck_assert_uint_eq(region_find(&s, big)->end, big + 4 * P);
	ck_assert_int_eq(region_split(&s, big), E_OK); /* no split needed */
	ck_assert_int_eq(region_split(&o, big + 2 * P), E_OK); /* the other set's */
	/* two neighbours merged: a node free, and the split goes */
	ck_assert_int_eq(region_add(&s, 1 * P, 2 * P, PG_BACK_ANON, 3), E_NOMEM);
	ck_assert_int_eq(region_remove(&s, 5 * P), E_OK);
	ck_assert_int_eq(region_add(&s, 4 * P, 5 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert(region_merge_next(&s, region_find(&s, 3 * P)));
	ck_assert_uint_eq(region_set_count(&s), REGION_SET_MAX - 1);
	ck_assert_int_eq(region_split(&s, big + 2 * P), E_OK);
	ck_assert_uint_eq(region_set_count(&s), REGION_SET_MAX);
	ck_assert(region_check(&s));
	struct region *r;
	while ((r = region_from(&s, 0)))
		ck_assert_int_eq(region_remove(&s, r->start), E_OK);
	while ((r = region_from(&o, 0)))
		ck_assert_int_eq(region_remove(&o, r->start), E_OK);
	ck_assert_uint_eq(region_set_count(&s), 0);
	ck_assert_uint_eq(region_nodes_used(), used0);
	pool_grow = NULL;
	pool_shrink = NULL;
}
END_TEST

START_TEST(overlap_split_resize)
{
	struct region_set s;
	region_init(&s);
	ck_assert_int_eq(region_add(&s, 10 * P, 20 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert_int_eq(region_add(&s, 19 * P, 21 * P, PG_BACK_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 5 * P, 11 * P, PG_BACK_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 5 * P, 30 * P, PG_BACK_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 12 * P, 13 * P, PG_BACK_ANON, 3), E_BUSY);
	ck_assert_int_eq(region_add(&s, 20 * P, 21 * P, PG_BACK_STACK, 3), E_OK);
	ck_assert_int_eq(region_add(&s, 9 * P, 10 * P, PG_BACK_HEAP, 3), E_OK);
	/* split inside, at a start (no-op), and where nothing is */
	ck_assert_int_eq(region_split(&s, 14 * P), E_OK);
	ck_assert_uint_eq(region_find(&s, 14 * P - 1)->end, 14 * P);
	ck_assert_uint_eq(region_find(&s, 14 * P)->start, 14 * P);
	ck_assert_uint_eq(region_find(&s, 14 * P)->end, 20 * P);
	ck_assert_uint_eq(region_find(&s, 14 * P)->kind, PG_BACK_ANON);
	ck_assert_int_eq(region_split(&s, 14 * P), E_OK);
	ck_assert_int_eq(region_split(&s, 50 * P), E_OK);
	ck_assert_int_eq(region_split(&s, 14 * P + 1), E_INVAL);
	ck_assert_uint_eq(s.t.count, 4);
	/* resize: grow into a neighbour refused, shrink and grow back */
	ck_assert_int_eq(region_resize(&s, 14 * P, 21 * P), E_BUSY);
	ck_assert_int_eq(region_resize(&s, 14 * P, 16 * P), E_OK);
	ck_assert_ptr_null(region_find(&s, 16 * P));
	ck_assert_int_eq(region_resize(&s, 14 * P, 20 * P), E_OK);
	ck_assert_int_eq(region_resize(&s, 14 * P, 14 * P), E_INVAL);
	ck_assert_int_eq(region_resize(&s, 15 * P, 16 * P), E_NOENT);
	ck_assert_uint_eq(region_find(&s, 20 * P)->kind, PG_BACK_STACK);
	ck_assert_uint_eq(region_find(&s, 10 * P - 1)->kind, PG_BACK_HEAP);
	ck_assert(tree_check(&s.t));
}
END_TEST

START_TEST(split_then_merge)
{
	struct region_set s;
	region_init(&s);
	size_t used = region_nodes_used();
	ck_assert_int_eq(region_add(&s, 10 * P, 20 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert_int_eq(region_split(&s, 12 * P), E_OK);
	ck_assert_int_eq(region_split(&s, 15 * P), E_OK);
	ck_assert_uint_eq(s.t.count, 3);
	struct region *r = region_find(&s, 12 * P);
	r->rights = 1;
	/* unlike neighbours stay apart */
	ck_assert(!region_merge_next(&s, region_find(&s, 10 * P)));
	ck_assert(!region_merge_next(&s, r));
	r->rights = 3;
	ck_assert(region_merge_next(&s, region_find(&s, 10 * P)));
	ck_assert_uint_eq(s.t.count, 2);
	ck_assert_uint_eq(region_find(&s, 10 * P)->end, 15 * P);
	ck_assert(region_check(&s));
	ck_assert(region_merge_next(&s, region_find(&s, 10 * P)));
	ck_assert_uint_eq(s.t.count, 1);
	ck_assert_uint_eq(region_find(&s, 19 * P)->start, 10 * P);
	ck_assert(region_check(&s));
	/* not adjacent, or another kind: no merge */
	ck_assert_int_eq(region_add(&s, 21 * P, 22 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert(!region_merge_next(&s, region_find(&s, 10 * P)));
	ck_assert_int_eq(region_add(&s, 20 * P, 21 * P, PG_BACK_HEAP, 3), E_OK);
	ck_assert(!region_merge_next(&s, region_find(&s, 10 * P)));
	ck_assert(!region_merge_next(&s, region_find(&s, 21 * P)));
	ck_assert_ptr_null(region_next(&s, region_find(&s, 21 * P)));
	while (region_from(&s, 0))
		region_remove(&s, region_from(&s, 0)->start);
	ck_assert_uint_eq(region_nodes_used(), used);
}
END_TEST

START_TEST(place_first_fit_with_guards)
{
	struct region_set s;
	uint64_t a;
	region_init(&s);
	const uint64_t lo = 100 * P, hi = 200 * P;
	ck_assert_int_eq(region_place(&s, 10 * P, lo, hi, &a), E_OK);
	ck_assert_uint_eq(a, lo);
	ck_assert_int_eq(region_add(&s, a, a + 10 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert_int_eq(region_place(&s, 10 * P, lo, hi, &a), E_OK);
	ck_assert_uint_eq(a, lo + 11 * P); /* one guard page */
	ck_assert_int_eq(region_add(&s, a, a + 10 * P, PG_BACK_ANON, 3), E_OK);
	/* a region below lo, and one leaving a gap too small for size+guard */
	ck_assert_int_eq(region_add(&s, 10 * P, 20 * P, PG_BACK_FILE, 5), E_OK);
	ck_assert_int_eq(region_add(&s, 125 * P, 130 * P, PG_BACK_ANON, 3), E_OK);
	ck_assert_int_eq(region_place(&s, 3 * P, lo, hi, &a), E_OK);
	ck_assert_uint_eq(a, 131 * P);  /* 122..124 would touch 125 */
	ck_assert_int_eq(region_place(&s, 2 * P, lo, hi, &a), E_OK);
	ck_assert_uint_eq(a, 122 * P);  /* 122,123 + guard 124 */
	ck_assert_int_eq(region_place(&s, 69 * P, lo, hi, &a), E_OK);
	ck_assert_uint_eq(a, 131 * P);
	ck_assert_int_eq(region_place(&s, 70 * P, lo, hi, &a), E_NOMEM);
	/* removing frees the space for reuse */
	ck_assert_int_eq(region_remove(&s, lo), E_OK);
	ck_assert_int_eq(region_place(&s, 10 * P, lo, hi, &a), E_OK);
	ck_assert_uint_eq(a, lo);
}
END_TEST

START_TEST(place_refuses_bad_sizes)
{
	struct region_set s;
	uint64_t a = 7;
	region_init(&s);
	ck_assert_int_eq(region_place(&s, 0, P, 10 * P, &a), E_INVAL);
	ck_assert_int_eq(region_place(&s, 100, P, 10 * P, &a), E_INVAL);
	ck_assert_int_eq(region_place(&s, P, 1, 10 * P, &a), E_INVAL);
	ck_assert_int_eq(region_place(&s, 20 * P, P, 10 * P, &a), E_INVAL);
	ck_assert_int_eq(region_place(&s, 10 * P, P, 10 * P, &a), E_NOMEM);
	ck_assert_int_eq(region_place(&s, 9 * P, P, 10 * P, &a), E_OK);
	ck_assert_uint_eq(a, P);
	ck_assert_int_eq(region_place(&s, ~0ull & ~(P - 1), P, 10 * P, &a), E_INVAL);
}
END_TEST

/* The placement rule walked region by region (what region_place did
 * before its gap search): the model the search must agree with. */
static int place_linear(const struct region_set *s, uint64_t size, uint64_t lo,
			uint64_t hi, uint64_t *out)
{
	uint64_t a = lo;
	for (struct region *r = region_from(s, 0); r; r = region_next(s, r)) {
		if (r->end + P <= a)
			continue;
		if (r->start >= a && r->start - a >= size + P)
			break;
		a = r->end + P;
	}
	if (a >= hi || hi - a < size)
		return E_NOMEM;
	*out = a;
	return E_OK;
}

/* Random places, adds, removes, splits and resizes (some regions outside
 * [lo, hi), some over lo): after each, the subtree data is right and the
 * search finds what the walk finds. */
START_TEST(place_agrees_with_walk)
{
	struct region_set s;
	region_init(&s);
	rng_state = rng_env_seed(0x9E3779B97F4A7C15ull);
	const uint64_t lo = 1000 * P, hi = 9000 * P;
	for (int i = 0; i < 20000; i++) {
		uint64_t size = (1 + rnd() % (rnd() % 4 ? 4 : 300)) * P, a = 0, b = 0;
		uint64_t k = rnd() % 8, at = (rnd() % 10000) * P;
		struct region *r = region_from(&s, at);
		if (k < 4) {
			int e = region_place(&s, size, lo, hi, &a);
			ck_assert_int_eq(place_linear(&s, size, lo, hi, &b), e);
			if (e == E_OK) {
				ck_assert_uint_eq(a, b);
				ck_assert_int_eq(region_add(&s, a, a + size, PG_BACK_ANON, 3), E_OK);
			}
		} else if (k == 4) {
			region_add(&s, at, at + size, PG_BACK_ANON, 3); /* may be E_BUSY */
		} else if (k == 5 && r) {
			ck_assert_int_eq(region_remove(&s, r->start), E_OK);
		} else if (k == 6) {
			ck_assert_int_eq(region_split(&s, at), E_OK);
		} else if (r) {
			struct region *n = region_next(&s, r);
			uint64_t end = r->start + size;
			ck_assert_int_eq(region_resize(&s, r->start, end),
					 n && n->start < end ? E_BUSY : E_OK);
		}
		ck_assert(region_check(&s));
	}
}
END_TEST

/* Tree steps (tree_steps: nodes visited) of n mmaps of one page each into
 * one area, then of as many again after every other region is freed (the
 * holes are found, not walked to): within c * n log2 n each (here ~64
 * and ~73 steps per mmap: 5.9 and 6.6 n log2 n).  The region-by-region walk
 * took 20.7 million steps for the first 2000 (~n^2/2 * log2 n). */
START_TEST(mmap_costs_n_log_n_steps)
{
	struct region_set s;
	region_init(&s);
	const unsigned n = 2000, log2n = 11;
	const uint64_t lo = 1000 * P, hi = 1ull << 40;
	uint64_t a, starts[2000];
	region_add(&s, 10 * P, 20 * P, PG_BACK_FILE, 5); /* program, below */
	region_add(&s, hi, hi + 256 * P, PG_BACK_STACK, 3); /* stack, above */
	uint64_t before = tree_steps;
	for (unsigned i = 0; i < n; i++) {
		ck_assert_int_eq(region_place(&s, P, lo, hi, &a), E_OK);
		ck_assert_int_eq(region_add(&s, a, a + P, PG_BACK_ANON, 3), E_OK);
		starts[i] = a;
	}
	uint64_t fill = tree_steps - before;
	ck_assert_uint_eq(starts[n - 1], lo + (n - 1) * 2 * P); /* packed, guards */
	for (unsigned i = 0; i < n; i += 2)
		ck_assert_int_eq(region_remove(&s, starts[i]), E_OK);
	before = tree_steps;
	for (unsigned i = 0; i < n; i++) { /* n/2 into holes, n/2 at the end */
		ck_assert_int_eq(region_place(&s, P, lo, hi, &a), E_OK);
		ck_assert_uint_eq(a, i < n / 2 ? starts[2 * i] :
					       starts[n - 1] + (i - n / 2 + 1) * 2 * P);
		ck_assert_int_eq(region_add(&s, a, a + P, PG_BACK_ANON, 3), E_OK);
	}
	uint64_t refill = tree_steps - before;
	ck_assert(region_check(&s));
	ck_assert_msg(fill <= 12ull * n * log2n, "fill: %lu steps for %u mmaps", fill, n);
	ck_assert_msg(refill <= 12ull * n * log2n, "refill: %lu steps for %u mmaps", refill, n);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("region");
	TCase *t = tcase_create("region");
	tcase_add_test(t, add_find_remove);
	tcase_add_test(t, split_then_merge);
	tcase_add_test(t, add_refuses_bad_ranges);
	tcase_add_test(t, set_fills_up);
	tcase_add_test(t, set_stops_at_max);
	tcase_add_test(t, overlap_split_resize);
	tcase_add_test(t, place_first_fit_with_guards);
	tcase_add_test(t, place_refuses_bad_sizes);
	tcase_add_test(t, place_agrees_with_walk);
	tcase_add_test(t, mmap_costs_n_log_n_steps);
	tcase_set_timeout(t, 60);
	suite_add_tcase(s, t);
	return check_run(s);
}
