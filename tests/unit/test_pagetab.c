/* pager/pagetab.c: a space's page table (virtual page -> frame, flags), a
 * radix tree: against a plain array model under random operations, walks
 * across holes, copies, and running out of pages with nothing leaked. */
#include <check.h>
#include "check_run.h"
#include <stdint.h>
#include <stdlib.h>
#include "abi/err.h"
#include "pagetab.h"
#include "pool.h"

#define P   4096ull
#define TOP (1ull << 47) /* the first page past the user half */

/* Pages one entry alone needs: the root, three nodes, a leaf. */
#define PATH 5
#define LEAF_SPAN (PAGETAB_LEAF * P) /* the bytes one leaf covers */

START_TEST(insert_lookup_remove)
{
	struct pagetab a, b;
	struct page out;
	pagetab_init(&a);
	pagetab_init(&b);
	ck_assert_int_eq(pagetab_insert(&a, 0x400000, 77, 5, 0), E_OK);
	ck_assert_int_eq(pagetab_insert(&b, 0x400000, 78, 6, PAGE_COW), E_OK);
	ck_assert_int_eq(pagetab_insert(&a, 0x400000, 79, 7, 0), E_BUSY);
	ck_assert_uint_eq(pagetab_lookup(&a, 0x400000)->pfn, 77);
	ck_assert_uint_eq(pagetab_lookup(&a, 0x400000)->va, 0x400000);
	ck_assert_uint_eq(pagetab_lookup(&b, 0x400000)->flags, PAGE_COW);
	ck_assert_ptr_null(pagetab_lookup(&a, 0x401000));
	ck_assert_ptr_null(pagetab_lookup(&a, 0x400800)); /* not a page start */
	ck_assert_uint_eq(pagetab_pages_used(), 2 * PATH);
	ck_assert(pagetab_remove(&a, 0x400000, &out));
	ck_assert_uint_eq(out.pfn, 77);
	ck_assert_uint_eq(out.gen, 5);
	ck_assert(!pagetab_remove(&a, 0x400000, &out));
	ck_assert_uint_eq(pagetab_count(&a), 0);
	ck_assert_uint_eq(pagetab_count(&b), 1);
	ck_assert_uint_eq(pagetab_pages_used(), PATH); /* a's went back */
	ck_assert(pagetab_remove(&b, 0x400000, &out));
	ck_assert_uint_eq(pagetab_pages_used(), 0);
}
END_TEST

/* The peak (getrusage's ru_maxrss) is the most entries held at once: it
 * stays when entries go, grows only past itself. */
START_TEST(peak_kept)
{
	struct pagetab t;
	struct page out;
	pagetab_init(&t);
	ck_assert_uint_eq(pagetab_peak(&t), 0);
	for (uint64_t i = 0; i < 10; i++)
		ck_assert_int_eq(pagetab_insert(&t, 0x400000 + i * P, i, 1, 0), E_OK);
	ck_assert_uint_eq(pagetab_peak(&t), 10);
	for (uint64_t i = 0; i < 6; i++)
		ck_assert(pagetab_remove(&t, 0x400000 + i * P, &out));
	ck_assert_uint_eq(pagetab_count(&t), 4);
	ck_assert_uint_eq(pagetab_peak(&t), 10);
	for (uint64_t i = 0; i < 5; i++)
		ck_assert_int_eq(pagetab_insert(&t, 0x400000 + i * P, i, 1, 0), E_OK);
	ck_assert_uint_eq(pagetab_peak(&t), 10);
	ck_assert_int_eq(pagetab_insert(&t, 0x400000 + 5 * P, 5, 1, 0), E_OK);
	ck_assert_int_eq(pagetab_insert(&t, 0x400000 + 10 * P, 10, 1, 0), E_OK);
	ck_assert_uint_eq(pagetab_peak(&t), 11);
	for (uint64_t i = 0; i <= 10; i++)
		ck_assert(pagetab_remove(&t, 0x400000 + i * P, &out));
	ck_assert_uint_eq(pagetab_pages_used(), 0);
}
END_TEST

/* Entries far apart (other roots' slots, other nodes) come out in order,
 * and the walk starts right at or after the address asked. */
START_TEST(walk_across_holes)
{
	static const uint64_t va[] = { 0, P, 0x7FFFF000, 0x80000000, 1ull << 40,
				       (1ull << 46) + 5 * P, TOP - P };
	struct pagetab t;
	pagetab_init(&t);
	for (int i = 6; i >= 0; i--)
		ck_assert_int_eq(pagetab_insert(&t, va[i], (uint64_t)i, 1, 0), E_OK);
	int i = 0;
	for (struct page *p = pagetab_from(&t, 0); p; p = pagetab_next(&t, p), i++)
		ck_assert_uint_eq(p->va, va[i]);
	ck_assert_int_eq(i, 7);
	ck_assert_uint_eq(pagetab_from(&t, 1)->va, P);          /* rounds up */
	ck_assert_uint_eq(pagetab_from(&t, 2 * P)->va, 0x7FFFF000);
	ck_assert_uint_eq(pagetab_from(&t, 0x80000001)->va, 1ull << 40);
	ck_assert_uint_eq(pagetab_from(&t, (1ull << 40) + P)->va, (1ull << 46) + 5 * P);
	ck_assert_ptr_null(pagetab_from(&t, TOP));
	ck_assert_ptr_null(pagetab_next(&t, pagetab_lookup(&t, TOP - P)));
	ck_assert_int_eq(pagetab_insert(&t, P + 1, 1, 1, 0), E_INVAL);
	ck_assert_int_eq(pagetab_insert(&t, TOP, 1, 1, 0), E_INVAL);
	struct page out;
	for (i = 0; i < 7; i++)
		ck_assert(pagetab_remove(&t, va[i], &out));
	ck_assert_uint_eq(pagetab_pages_used(), 0);
	ck_assert_ptr_null(pagetab_from(&t, 0));
}
END_TEST

/* With no pool_grow, the fixed pages are all there is: an insert that
 * needs more fails with E_NOMEM and leaves no half-built path behind. */
START_TEST(out_of_pages)
{
	struct pagetab t;
	struct page out;
	pagetab_init(&t);
	uint64_t i, leaf_span = 128 * P; /* one leaf each */
	for (i = 0; pagetab_insert(&t, i * leaf_span, i, 1, 0) == E_OK; i++)
		;
	ck_assert_uint_eq(pagetab_count(&t), i);
	ck_assert_uint_le(pagetab_pages_used(), PAGETAB_PAGES);
	size_t used = pagetab_pages_used();
	/* far away: needs a new node chain, none left */
	ck_assert_int_eq(pagetab_insert(&t, TOP - P, 1, 1, 0), E_NOMEM);
	ck_assert_uint_eq(pagetab_pages_used(), used);
	/* a page in an existing leaf needs none */
	ck_assert_int_eq(pagetab_insert(&t, P, 1, 1, 0), E_OK);
	ck_assert(pagetab_remove(&t, 5 * leaf_span, &out));
	ck_assert_uint_eq(pagetab_pages_used(), used - 1); /* its leaf */
	ck_assert_int_eq(pagetab_insert(&t, 5 * leaf_span + 3 * P, 1, 1, 0), E_OK);
	while (pagetab_from(&t, 0))
		ck_assert(pagetab_remove(&t, pagetab_from(&t, 0)->va, &out));
	ck_assert_uint_eq(pagetab_pages_used(), 0);
	ck_assert_uint_eq(pagetab_count(&t), 0);
}
END_TEST

/* The clone step: each entry of a leaf shared for the first time, once. */
static void mark(struct page *p, void *arg)
{
	(*(size_t *)arg)++;
	ck_assert_uint_eq(p->flags, 0);
	p->flags = PAGE_COW;
}

static size_t copied_n;
static void copied(struct page *p, void *arg)
{
	(void)arg;
	ck_assert_uint_eq(p->flags, PAGE_COW);
	copied_n++;
}

static size_t released_n;
static void released(const struct page *p, void *arg)
{
	(void)p;
	(void)arg;
	released_n++;
}

/* Fork's copy shares the leaves: same entries, no per-entry copying; a
 * shared leaf refuses changes until a table takes its own copy, which the
 * other does not see; destroying one table leaves the other whole. */
START_TEST(clone_shares_leaves)
{
	struct pagetab a, b, c;
	struct page out;
	size_t marked = 0;
	pagetab_init(&a);
	pagetab_init(&b);
	pagetab_init(&c);
	srand(11);
	for (int i = 0; i < 2000; i++)
		pagetab_insert(&a, (uint64_t)(rand() % 12000) * P, (uint64_t)i, 1, 0);
	size_t n = pagetab_count(&a), used = pagetab_pages_used();
	ck_assert_int_eq(pagetab_clone(&b, &a, mark, &marked), E_OK);
	ck_assert_uint_eq(marked, n);            /* every entry, once */
	ck_assert_uint_eq(pagetab_shared_entries(), n);
	ck_assert_uint_eq(pagetab_count(&b), n);
	ck_assert_uint_eq(pagetab_pages_used(), used + 4); /* nodes only */
	size_t k = 0;
	for (struct page *p = pagetab_from(&a, 0); p; p = pagetab_next(&a, p), k++) {
		ck_assert_ptr_eq(pagetab_lookup(&b, p->va), p); /* the same entry */
		ck_assert(pagetab_is_shared(&a, p->va) && pagetab_is_shared(&b, p->va));
	}
	ck_assert_uint_eq(k, n);
	/* a second copy of a shares the same leaves; nothing is marked again */
	marked = 0;
	ck_assert_int_eq(pagetab_clone(&c, &a, mark, &marked), E_OK);
	ck_assert_uint_eq(marked, 0);
	/* changes need an own copy */
	uint64_t key = pagetab_from(&b, 0)->va;
	ck_assert(!pagetab_remove(&b, key, &out));
	ck_assert_int_eq(pagetab_insert(&b, key + P, 1, 1, 0), E_BUSY);
	ck_assert_uint_eq(pagetab_sharers(&b, key), 3);
	copied_n = 0;
	ck_assert_int_eq(pagetab_own(&b, key, copied, NULL), E_OK);
	ck_assert_uint_gt(copied_n, 0);
	ck_assert(!pagetab_is_shared(&b, key));
	ck_assert(pagetab_is_shared(&a, key));     /* still with c */
	ck_assert(pagetab_remove(&b, key, &out));
	ck_assert_ptr_nonnull(pagetab_lookup(&a, key));
	ck_assert_ptr_nonnull(pagetab_lookup(&c, key));
	ck_assert_int_eq(pagetab_own(&b, key, copied, NULL), E_OK); /* no-op now */
	/* destroying c only drops its references; a's entries stay */
	released_n = 0;
	pagetab_destroy(&c, released, NULL);
	ck_assert_uint_eq(released_n, 0);
	ck_assert_uint_eq(pagetab_count(&a), n);
	/* b goes: its own leaf's entries are released, the shared ones not */
	pagetab_destroy(&b, released, NULL);
	ck_assert_uint_eq(released_n, copied_n - 1);
	ck_assert_uint_eq(pagetab_shared_entries(), 0); /* a alone now */
	ck_assert(!pagetab_is_shared(&a, key));
	int want = pagetab_lookup(&a, key + P) ? E_BUSY : E_OK;
	ck_assert_int_eq(pagetab_insert(&a, key + P, 1, 1, 0), want);
	ck_assert_uint_eq(pagetab_sharers(&a, key), 1);
	released_n = 0;
	pagetab_destroy(&a, released, NULL);
	ck_assert_uint_ge(released_n, n);
	ck_assert_uint_eq(pagetab_pages_used(), 0);
}
END_TEST

/* pagetab_table_pages: the pages a table's tree takes, nodes and leaves:
 * what pagetab_pages_used grows by for a table alone; a clone shares the
 * leaves (counted in both) and adds only nodes; empty, nothing. */
START_TEST(table_pages_counted)
{
	struct pagetab a, b;
	struct page out;
	size_t marked = 0;
	pagetab_init(&a);
	pagetab_init(&b);
	size_t used0 = pagetab_pages_used();
	ck_assert_uint_eq(pagetab_table_pages(&a), 0);
	ck_assert_int_eq(pagetab_insert(&a, 0x400000, 1, 1, 0), E_OK);
	ck_assert_uint_eq(pagetab_table_pages(&a), PATH);
	for (uint64_t i = 1; i < 150; i++) /* one page per leaf: a leaf each */
		ck_assert_int_eq(pagetab_insert(&a, 0x400000 + i * LEAF_SPAN, i, 1, 0), E_OK);
	size_t own = pagetab_pages_used() - used0;
	ck_assert_uint_eq(pagetab_table_pages(&a), own);
	ck_assert_uint_ge(own, 150 + PATH - 1);
	ck_assert_int_eq(pagetab_clone(&b, &a, mark, &marked), E_OK);
	ck_assert_uint_eq(pagetab_table_pages(&b), own);
	ck_assert_uint_lt(pagetab_pages_used() - used0, 2 * own - 140); /* leaves shared */
	pagetab_destroy(&b, released, NULL);
	for (uint64_t i = 0; i < 150; i++)
		ck_assert(pagetab_remove(&a, 0x400000 + i * LEAF_SPAN, &out));
	ck_assert_uint_eq(pagetab_table_pages(&a), 0);
	ck_assert_uint_eq(pagetab_pages_used(), used0);
}
END_TEST

/* pagetab_destroy a leaf at a time (a process's end beside other
 * threads): each step takes the first leaf, whose entries and only those
 * are released (a shared one only loses this table's reference), the
 * table left whole beyond it; pagetab_leaf_touches tells a shared leaf
 * or a flagged entry; every node goes with the last leaf. */
START_TEST(destroy_leaf_by_leaf)
{
	struct pagetab a, b;
	size_t marked = 0;
	pagetab_init(&a);
	pagetab_init(&b);
	/* leaves 0, 1 and 3 of a region, one far away (other nodes) */
	uint64_t at[] = { 0, LEAF_SPAN + 5 * P, LEAF_SPAN + 9 * P, 3 * LEAF_SPAN,
			  1ull << 40 };
	for (unsigned i = 0; i < sizeof at / sizeof at[0]; i++)
		ck_assert_int_eq(pagetab_insert(&a, at[i], i + 1, 1, i == 1 ? PAGE_COW : 0), E_OK);
	ck_assert_ptr_null(pagetab_first_leaf(&b));
	const void *l = pagetab_first_leaf(&a);
	ck_assert_ptr_nonnull(l);
	ck_assert(!pagetab_leaf_touches(l, PAGE_COW));
	released_n = 0;
	pagetab_drop_leaf(&a, l, released, NULL); /* page 0's leaf */
	ck_assert_uint_eq(released_n, 1);
	ck_assert_uint_eq(pagetab_count(&a), 4);
	ck_assert_ptr_null(pagetab_lookup(&a, 0));
	ck_assert_ptr_nonnull(pagetab_lookup(&a, at[1]));
	ck_assert(pagetab_leaf_touches(pagetab_first_leaf(&a), PAGE_COW));
	pagetab_drop_leaf(&a, pagetab_first_leaf(&a), released, NULL); /* two entries */
	ck_assert_uint_eq(released_n, 3);
	ck_assert_ptr_eq(pagetab_from(&a, 0), pagetab_lookup(&a, at[3]));
	ck_assert(!pagetab_leaf_touches(pagetab_first_leaf(&a), PAGE_COW));
	/* shared with a copy: the leaf loses a's reference only */
	ck_assert_int_eq(pagetab_clone(&b, &a, mark, &marked), E_OK);
	ck_assert(pagetab_leaf_touches(pagetab_first_leaf(&a), 0));
	pagetab_drop_leaf(&a, pagetab_first_leaf(&a), released, NULL);
	ck_assert_uint_eq(released_n, 3);
	ck_assert_uint_eq(pagetab_lookup(&b, at[3])->pfn, 4);
	ck_assert_uint_eq(pagetab_lookup(&b, at[4])->pfn, 5);
	ck_assert_uint_eq(pagetab_count(&a), 1);
	pagetab_drop_leaf(&a, pagetab_first_leaf(&a), released, NULL);
	ck_assert_ptr_null(pagetab_first_leaf(&a));
	ck_assert_uint_eq(pagetab_count(&a), 0);
	ck_assert_uint_eq(pagetab_shared_entries(), 0);
	ck_assert(!pagetab_is_shared(&b, at[3]));
	released_n = 0;
	pagetab_destroy(&b, released, NULL);
	ck_assert_uint_eq(released_n, 2);
	ck_assert_uint_eq(pagetab_pages_used(), 0); /* every node went */
}
END_TEST

/* The leaf hint: a lookup that finds nothing gives the leaf the entry
 * goes in (NULL if none yet); an insert with it lands where a plain one
 * would (the entry is found by a plain lookup, in the right leaf: a
 * neighbour of the same leaf is untouched), refuses a present entry or a
 * shared leaf as insert does, and NULL walks the whole way. */
START_TEST(leaf_hint)
{
	struct pagetab a, b;
	void *leaf, *leaf2;
	pagetab_init(&a);
	pagetab_init(&b);
	ck_assert_ptr_null(pagetab_lookup_leaf(&a, 0x400000, &leaf));
	ck_assert_ptr_null(leaf); /* an empty table has no leaf */
	ck_assert(!pagetab_leaf_shared(leaf));
	ck_assert_int_eq(pagetab_insert_hint(&a, leaf, 0x400000, 70, 1, 0), E_OK);
	ck_assert_ptr_null(pagetab_lookup_leaf(&a, 0x401000, &leaf));
	ck_assert_ptr_nonnull(leaf); /* 0x400000's leaf holds 0x401000 too */
	ck_assert_ptr_null(pagetab_lookup_leaf(&a, 0x400000 + LEAF_SPAN, &leaf2));
	ck_assert_ptr_null(leaf2); /* the next leaf does not exist yet */
	ck_assert_int_eq(pagetab_insert_hint(&a, leaf, 0x401000, 71, 2, 0), E_OK);
	ck_assert_uint_eq(pagetab_lookup(&a, 0x401000)->pfn, 71);
	ck_assert_uint_eq(pagetab_lookup(&a, 0x401000)->gen, 2);
	ck_assert_uint_eq(pagetab_lookup(&a, 0x401000)->va, 0x401000);
	ck_assert_uint_eq(pagetab_lookup(&a, 0x400000)->pfn, 70);
	ck_assert_ptr_null(pagetab_lookup(&a, 0x402000));
	ck_assert_uint_eq(pagetab_count(&a), 2);
	ck_assert_ptr_nonnull(pagetab_lookup_leaf(&a, 0x401000, &leaf2));
	ck_assert_ptr_eq(leaf2, leaf);
	ck_assert_int_eq(pagetab_insert_hint(&a, leaf, 0x401000, 72, 3, 0), E_BUSY);
	ck_assert_int_eq(pagetab_insert_hint(&a, leaf, 0x401800, 72, 3, 0), E_INVAL);
	ck_assert_uint_eq(pagetab_pages_used(), PATH);
	/* a fork shares the leaf: an insert through the hint is refused */
	ck_assert_int_eq(pagetab_clone(&b, &a, mark, &(size_t){ 0 }), E_OK);
	ck_assert(pagetab_leaf_shared(leaf));
	ck_assert_int_eq(pagetab_insert_hint(&a, leaf, 0x403000, 73, 4, 0), E_BUSY);
	ck_assert_ptr_null(pagetab_lookup(&b, 0x403000));
	pagetab_destroy(&b, released, NULL);
	ck_assert(!pagetab_leaf_shared(leaf));
	pagetab_destroy(&a, released, NULL);
	ck_assert_uint_eq(pagetab_pages_used(), 0);
}
END_TEST

/* pagetab_lookup_leaf's hint (the bottom node of its last walk) is
 * dropped when nodes go: the pages of a removed path, reused for another
 * 128 MiB, are not read as the old one's. */
START_TEST(lookup_hint_dropped)
{
	struct pagetab a;
	struct page out;
	void *leaf;
	const uint64_t far = 0x400000 + (128ull << 20); /* another bottom node */
	pagetab_init(&a);
	ck_assert_int_eq(pagetab_insert(&a, 0x400000, 70, 1, 0), E_OK);
	ck_assert_uint_eq(pagetab_lookup_leaf(&a, 0x400000, &leaf)->pfn, 70);
	ck_assert_ptr_nonnull(pagetab_lookup_leaf(&a, 0x400000, &leaf)); /* by the hint */
	ck_assert(pagetab_remove(&a, 0x400000, &out)); /* the whole path goes */
	ck_assert_uint_eq(pagetab_pages_used(), 0);
	ck_assert_int_eq(pagetab_insert(&a, far, 71, 2, 0), E_OK);
	ck_assert_ptr_null(pagetab_lookup_leaf(&a, 0x400000, &leaf));
	ck_assert_ptr_null(leaf);
	ck_assert_uint_eq(pagetab_lookup_leaf(&a, far, &leaf)->pfn, 71);
	ck_assert_int_eq(pagetab_insert_hint(&a, leaf, far + P, 72, 3, 0), E_OK);
	ck_assert_ptr_null(pagetab_lookup_leaf(&a, 0x400000, &leaf));
	ck_assert_int_eq(pagetab_insert_hint(&a, leaf, 0x400000, 73, 4, 0), E_OK);
	ck_assert_uint_eq(pagetab_lookup_leaf(&a, 0x400000, &leaf)->pfn, 73);
	ck_assert_uint_eq(pagetab_lookup_leaf(&a, far + P, &leaf)->pfn, 72);
	ck_assert_uint_eq(pagetab_lookup(&a, far)->pfn, 71);
	pagetab_destroy(&a, released, NULL);
	ck_assert_ptr_null(pagetab_lookup_leaf(&a, far, &leaf));
	ck_assert_uint_eq(pagetab_pages_used(), 0);
}
END_TEST

/* Out of pages for the copy's nodes: E_NOMEM, nothing shared or taken. */
START_TEST(clone_out_of_pages)
{
	struct pagetab a, b;
	struct page out;
	size_t marked = 0;
	pagetab_init(&a);
	pagetab_init(&b);
	uint64_t i, leaf_span = 128 * P;
	for (i = 0; pagetab_insert(&a, i * leaf_span, i, 1, 0) == E_OK; i++)
		;
	while (pagetab_pages_used() > PAGETAB_PAGES - 2) /* room for 2 */
		ck_assert(pagetab_remove(&a, pagetab_from(&a, 0)->va, &out));
	size_t used = pagetab_pages_used();
	ck_assert_int_eq(pagetab_clone(&b, &a, mark, &marked), E_NOMEM);
	ck_assert_uint_eq(marked, 0);
	ck_assert_uint_eq(pagetab_pages_used(), used);
	ck_assert_ptr_null(pagetab_from(&b, 0));
	ck_assert(!pagetab_is_shared(&a, pagetab_from(&a, 0)->va));
}
END_TEST

START_TEST(random_against_model)
{
	enum { N = 3000 };
	static uint64_t model[N]; /* pfn + 1, 0 = absent */
	struct pagetab t;
	struct page out;
	pagetab_init(&t);
	srand(7);
	for (int step = 0; step < 50000; step++) {
		int i = rand() % N;
		/* spread over many leaves and two root slots */
		uint64_t va = (i % 2 ? 0x10000000ull : 0x7F0000000000ull) + (uint64_t)i * 3 * P;
		if (rand() % 2) {
			int e = pagetab_insert(&t, va, (uint64_t)step, 1, 0);
			ck_assert_int_eq(e, model[i] ? E_BUSY : E_OK);
			if (!model[i])
				model[i] = (uint64_t)step + 1;
		} else {
			ck_assert(pagetab_remove(&t, va, &out) == (model[i] != 0));
			if (model[i])
				ck_assert_uint_eq(out.pfn, model[i] - 1);
			model[i] = 0;
		}
		struct page *p = pagetab_lookup(&t, va);
		ck_assert(model[i] ? p && p->pfn == model[i] - 1 : !p);
		/* the fault path's lookup, through its hint, agrees */
		int j = rand() % N;
		void *leaf;
		uint64_t vj = (j % 2 ? 0x10000000ull : 0x7F0000000000ull) + (uint64_t)j * 3 * P;
		p = pagetab_lookup_leaf(&t, vj, &leaf);
		ck_assert(model[j] ? p && p->pfn == model[j] - 1 : !p);
	}
	size_t n = 0, walked = 0;
	for (int i = 0; i < N; i++)
		n += model[i] != 0;
	ck_assert_uint_eq(pagetab_count(&t), n);
	uint64_t last = 0;
	for (struct page *p = pagetab_from(&t, 0); p; p = pagetab_next(&t, p), walked++) {
		ck_assert(walked == 0 || p->va > last);
		last = p->va;
	}
	ck_assert_uint_eq(walked, n);
	while (pagetab_from(&t, 0))
		ck_assert(pagetab_remove(&t, pagetab_from(&t, 0)->va, &out));
	ck_assert_uint_eq(pagetab_pages_used(), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pagetab");
	TCase *t = tcase_create("pagetab");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, insert_lookup_remove);
	tcase_add_test(t, peak_kept);
	tcase_add_test(t, walk_across_holes);
	tcase_add_test(t, out_of_pages);
	tcase_add_test(t, random_against_model);
	tcase_add_test(t, clone_shares_leaves);
	tcase_add_test(t, table_pages_counted);
	tcase_add_test(t, destroy_leaf_by_leaf);
	tcase_add_test(t, clone_out_of_pages);
	tcase_add_test(t, leaf_hint);
	tcase_add_test(t, lookup_hint_dropped);
	suite_add_tcase(s, t);
	return check_run(s);
}
