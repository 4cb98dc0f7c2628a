/* pager/cow.c and pager/tree.c: share counts and the AVL tree under them. */
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

/* cow_reserve: the static pool's nodes can be promised, one more cannot
 * without a page to grow into. */
START_TEST(reserve_static)
{
	ck_assert_int_eq(cow_reserve(COW_POOL), E_OK);
	ck_assert_int_eq(cow_reserve(COW_POOL + 1), E_NOMEM);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("cow");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, share_counts);
	tcase_add_test(tc, shared_frames_counted);
	tcase_add_test(tc, many_frames);
	tcase_add_test(tc, tree_random);
	tcase_add_test(tc, reserve_static);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
