/* pager/cow.c and pager/tree.c: the share-count table, and the AVL tree
 * (regions and other tables use it). */
#include <check.h>
#include "check_run.h"
#include <stdlib.h>
#include <string.h>
#include "abi/err.h"
#include "cow.h"
#include "tree.h"

START_TEST(share_counts)
{
	ck_assert(!cow_is_cow(7));
	ck_assert_uint_eq(cow_count(7), 1);
	ck_assert_int_eq(cow_mark(7), E_OK);
	ck_assert(cow_is_cow(7));
	ck_assert_uint_eq(cow_count(7), 2);
	ck_assert_int_eq(cow_mark(7), E_OK);
	ck_assert_uint_eq(cow_count(7), 3);
	ck_assert(!cow_release(7));
	ck_assert(!cow_release(7));
	ck_assert_uint_eq(cow_count(7), 1);
	ck_assert(cow_is_cow(7));
	ck_assert(cow_release(7)); /* the last share */
	ck_assert(!cow_is_cow(7));
	ck_assert(!cow_release(7)); /* not in the table */
	ck_assert_uint_eq(cow_entries(), 0);
}
END_TEST

/* cow_shared_frames counts frames with two or more shares, not entries. */
START_TEST(shared_frames_counted)
{
	ck_assert_uint_eq(cow_shared_frames(), 0);
	ck_assert_int_eq(cow_mark(7), E_OK);
	ck_assert_int_eq(cow_mark(9), E_OK);
	ck_assert_int_eq(cow_mark(9), E_OK);
	ck_assert_uint_eq(cow_shared_frames(), 2);
	ck_assert(!cow_release(7));             /* 2 -> 1: no longer shared */
	ck_assert_uint_eq(cow_shared_frames(), 1);
	ck_assert_uint_eq(cow_entries(), 2);
	ck_assert(!cow_release(9));             /* 3 -> 2: still shared */
	ck_assert_uint_eq(cow_shared_frames(), 1);
	ck_assert_int_eq(cow_mark(7), E_OK);    /* 1 -> 2 again */
	ck_assert_uint_eq(cow_shared_frames(), 2);
	while (!cow_release(7))
		;
	while (!cow_release(9))
		;
	ck_assert_uint_eq(cow_shared_frames(), 0);
	ck_assert_uint_eq(cow_entries(), 0);
}
END_TEST

START_TEST(many_frames)
{
	for (uint64_t f = 1; f <= 5000; f++)
		ck_assert_int_eq(cow_mark(f * 3), E_OK);
	ck_assert_uint_eq(cow_entries(), 5000);
	ck_assert(!cow_is_cow(4));
	for (uint64_t f = 1; f <= 5000; f++) {
		ck_assert(!cow_release(f * 3));
		ck_assert(cow_release(f * 3));
	}
	ck_assert_uint_eq(cow_entries(), 0);
}
END_TEST

/* Random inserts and removes against a bitmap model; the tree stays
 * balanced and floor/ceil agree with the model. */
START_TEST(tree_random)
{
	enum { N = 2000 };
	static struct tnode nodes[N];
	static bool in[N];
	struct tree t;
	tree_init(&t);
	srand(42);
	for (int step = 0; step < 20000; step++) {
		int k = rand() % N;
		nodes[k].key = (uint64_t)k * 16;
		if (in[k]) {
			ck_assert_ptr_eq(tree_remove(&t, (uint64_t)k * 16), &nodes[k]);
		} else {
			ck_assert_int_eq(tree_insert(&t, &nodes[k]), E_OK);
			ck_assert_int_eq(tree_insert(&t, &nodes[k]), E_BUSY);
		}
		in[k] = !in[k];
		if (step % 500 == 0)
			ck_assert(tree_check(&t));
		uint64_t q = (uint64_t)(rand() % (N * 16));
		int f = (int)(q / 16), c = (int)((q + 15) / 16);
		while (f >= 0 && !in[f])
			f--;
		while (c < N && !in[c])
			c++;
		struct tnode *fl = tree_floor(&t, q), *ce = tree_ceil(&t, q);
		ck_assert_ptr_eq(fl, f >= 0 ? &nodes[f] : NULL);
		ck_assert_ptr_eq(ce, c < N ? &nodes[c] : NULL);
	}
	ck_assert(tree_check(&t));
	size_t n = 0;
	for (struct tnode *x = tree_ceil(&t, 0); x; x = tree_next(&t, x))
		n++;
	ck_assert_uint_eq(n, t.count);
}
END_TEST

/* The table's pages: zeroed, page-aligned; pages_left of them (negative:
 * no limit). */
static int pages_left = -1, pages_given;
static void *page(uint64_t *cookie)
{
	*cookie = 0;
	if (pages_left == 0)
		return NULL;
	pages_left -= pages_left > 0;
	pages_given++;
	void *p = aligned_alloc(4096, 4096);
	ck_assert_ptr_nonnull(p);
	memset(p, 0, 4096);
	return p;
}

#define LIMIT (1u << 16)
static void setup(void)
{
	ck_assert_int_eq(cow_init(LIMIT, page), E_OK);
}

/* Frame numbers beyond the table: a mark refused, nothing counted, and
 * the last covered frame counted like any other. */
START_TEST(beyond_the_table)
{
	ck_assert_int_eq(cow_mark(LIMIT), E_RANGE);
	ck_assert_int_eq(cow_mark(~0ull), E_RANGE);
	ck_assert(!cow_is_cow(LIMIT));
	ck_assert_uint_eq(cow_count(LIMIT), 1);
	ck_assert(!cow_release(LIMIT));
	ck_assert_uint_eq(cow_entries(), 0);
	ck_assert_int_eq(cow_mark(LIMIT - 1), E_OK);
	ck_assert_uint_eq(cow_count(LIMIT - 1), 2);
	ck_assert(!cow_release(LIMIT - 1));
	ck_assert(cow_release(LIMIT - 1));
}
END_TEST

/* The size: a 4 KiB leaf per 1,024 frames plus a middle page per 2^19
 * frames; a second call for fewer frames takes nothing; a call past what
 * is there grows it; a limit above COW_PFN_MAX is refused.  (Each test
 * runs in a process of its own: the table starts empty here.) */
START_TEST(size_and_growth)
{
	ck_assert_int_eq(cow_init((1u << 19) + 1, page), E_OK);
	ck_assert_int_eq(pages_given, 513 + 2); /* leaves, and two middle pages */
	ck_assert_int_eq(cow_init(1000, page), E_OK);
	ck_assert_int_eq(pages_given, 515);
	ck_assert_int_eq(cow_mark(1u << 19), E_OK);
	ck_assert_int_eq(cow_mark((1u << 19) + 1023), E_OK); /* the leaf's last frame */
	ck_assert_int_eq(cow_mark((1u << 19) + 1024), E_RANGE);
	ck_assert_int_eq(cow_init(COW_PFN_MAX + 1, page), E_RANGE);
}
END_TEST

/* Out of pages part way: E_NOMEM, and the frames of the leaves made are
 * counted, the others refused (never a count in a missing leaf). */
START_TEST(init_out_of_pages)
{
	pages_left = 3; /* a middle page and two leaves */
	ck_assert_int_eq(cow_init(10000, page), E_NOMEM);
	ck_assert_int_eq(cow_mark(2047), E_OK);
	ck_assert_int_eq(cow_mark(2048), E_RANGE);
	pages_left = -1;
	ck_assert_int_eq(cow_init(10000, page), E_OK); /* grows on */
	ck_assert_int_eq(cow_mark(9999), E_OK);
	ck_assert_uint_eq(cow_count(2047), 2);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cow");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, share_counts);
	tcase_add_test(tc, shared_frames_counted);
	tcase_add_test(tc, many_frames);
	tcase_add_test(tc, beyond_the_table);
	tcase_add_test(tc, tree_random);
	suite_add_tcase(s, tc);
	TCase *init = tcase_create("init");
	tcase_add_test(init, size_and_growth);
	tcase_add_test(init, init_out_of_pages);
	suite_add_tcase(s, init);
	return s;
}

int main(void)
{
	return check_run(suite());
}
