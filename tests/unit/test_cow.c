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

/* pool_grow and pool_shrink: 4 KiB-aligned pages from aligned_alloc,
 * at most `budget` at once; the cookie is the page's number. */
static int pages_given, pages_back, budget;
static void *pages[64];

static void *test_page(uint64_t *cookie)
{
	if (pages_given - pages_back == budget)
		return NULL;
	void *pg = aligned_alloc(4096, 4096);
	memset(pg, 0xEE, 4096); /* dirty: pool_get must zero */
	pages[pages_given] = pg;
	*cookie = (uint64_t)pages_given++;
	return pg;
}

static void test_page_back(void *page, uint64_t cookie)
{
	ck_assert_uint_lt(cookie, pages_given);
	ck_assert_ptr_eq(pages[cookie], page); /* the cookie it came with */
	pages[cookie] = NULL;
	pages_back++;
	free(page);
}

static void hooks(int pages_allowed)
{
	pool_grow = test_page;
	pool_shrink = test_page_back;
	budget = pages_allowed;
	pages_given = pages_back = 0;
}

static void unhook(void)
{
	pool_grow = NULL;
	pool_shrink = NULL;
	for (int i = 0; i < pages_given; i++)
		free(pages[i]);
}

/* Nodes of a 64-byte pool: the static two, then the grown pages'. */
#define PER_PAGE ((4096 - 48) / 64)

START_TEST(pool_grows_by_pages)
{
	static char mem[2][64];
	struct pool p;
	pool_init(&p, mem, 64, 2);
	hooks(2);
	unsigned char *got[2 + 2 * 64];
	unsigned n = 0;
	while (n < sizeof got / sizeof got[0] && (got[n] = pool_get(&p)))
		n++;
	ck_assert_uint_ge(PER_PAGE, 60);
	ck_assert_uint_eq(n, 2 + 2 * PER_PAGE); /* static ones, then 2 pages */
	ck_assert_ptr_null(pool_get(&p));       /* the grow hook ran dry */
	for (unsigned i = 0; i < n; i++) {
		for (unsigned b = 0; b < 64; b++)
			ck_assert_uint_eq(got[i][b], 0);
		for (unsigned j = 0; j < i; j++)
			ck_assert_ptr_ne(got[i], got[j]);
		memset(got[i], (int)i, 64);
	}
	pool_put(&p, got[5]);
	ck_assert_ptr_eq(pool_get(&p), got[5]); /* reuse before growing */
	ck_assert_int_eq(pages_back, 0);
	/* every node back: both grown pages go back, the static area stays */
	for (unsigned i = 0; i < n; i++)
		pool_put(&p, got[i]);
	ck_assert_int_eq(pages_back, 2);
	ck_assert_uint_eq(p.pages, 0);
	ck_assert_uint_eq(p.inuse, 0);
	ck_assert_uint_eq(p.avail, 2);
	ck_assert_ptr_nonnull(pool_get(&p));  /* and it grows again on demand */
	ck_assert_ptr_nonnull(pool_get(&p));
	ck_assert_ptr_nonnull(pool_get(&p));
	ck_assert_uint_eq(p.pages, 1);
	unhook();
}
END_TEST

/* A page goes back only when its last node does; the static nodes are
 * used first, so grown pages empty out when use falls. */
START_TEST(pool_shrinks_page_by_page)
{
	static char mem[2][64];
	struct pool p;
	pool_init(&p, mem, 64, 2);
	hooks(8);
	void *got[2 + 3 * PER_PAGE];
	unsigned n = 0;
	while (n < 2 + 3 * PER_PAGE)
		ck_assert_ptr_nonnull(got[n++] = pool_get(&p));
	ck_assert_uint_eq(p.pages, 3);
	for (unsigned i = 2; i < 2 + PER_PAGE - 1; i++)
		pool_put(&p, got[i]); /* all but one of the first page's */
	ck_assert_int_eq(pages_back, 0);
	pool_put(&p, got[2 + PER_PAGE - 1]);
	ck_assert_int_eq(pages_back, 1);
	pool_put(&p, got[0]);
	void *again = pool_get(&p);
	ck_assert_ptr_eq(again, got[0]); /* static first */
	ck_assert_uint_eq(p.pages, 2);
	unhook();
}
END_TEST

/* pool_reserve grows only as far as needed and says when it cannot;
 * pool_trim gives back what it did not use. */
START_TEST(pool_reserve_promises)
{
	static char mem[2][64];
	struct pool p;
	pool_init(&p, mem, 64, 2);
	hooks(2);
	ck_assert(pool_reserve(&p, 2));
	ck_assert_int_eq(pages_given, 0);      /* the static two suffice */
	ck_assert(pool_reserve(&p, 3));
	ck_assert_int_eq(pages_given, 1);      /* one page is enough */
	ck_assert(!pool_reserve(&p, 2 + 2 * PER_PAGE + 1));
	ck_assert_int_eq(pages_given, 2);      /* ran dry trying */
	ck_assert(pool_reserve(&p, 2 + 2 * PER_PAGE)); /* exactly what there is */
	void *a = pool_get(&p), *b = pool_get(&p), *c = pool_get(&p);
	ck_assert_ptr_nonnull(c);
	pool_trim(&p);                         /* c's page stays, the other goes */
	ck_assert_int_eq(pages_back, 1);
	ck_assert_uint_eq(p.pages, 1);
	pool_put(&p, c);
	ck_assert_int_eq(pages_back, 2);
	pool_put(&p, a);
	pool_put(&p, b);
	ck_assert_int_eq(cow_reserve(COW_POOL), E_OK); /* the static pool */
	pool_grow = NULL;
	ck_assert_int_eq(cow_reserve(COW_POOL + 1), E_NOMEM);
	unhook();
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
	tcase_add_test(tc, pool_grows_by_pages);
	tcase_add_test(tc, pool_shrinks_page_by_page);
	tcase_add_test(tc, pool_reserve_promises);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
