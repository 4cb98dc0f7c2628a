/* pager/pool.c: pools of small nodes (the static ones first, then grown
 * pages that go back when their last node does) and of whole pages (the
 * pool's word kept), reserve and trim, and random use against a model. */
#include <check.h>
#include "check_run.h"
#include <stdlib.h>
#include <string.h>
#include "pool.h"
#include "rng.h"

/* pool_grow and pool_shrink: 4 KiB-aligned pages from aligned_alloc,
 * at most `budget` at once; the cookie is the page's number. */
static int pages_given, pages_back, budget;
static void *pages[1 << 16];

static void *test_page(uint64_t *cookie)
{
	if (pages_given - pages_back == budget || pages_given == 1 << 16)
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

/* The small-node pool of most tests: 64-byte nodes, two of them static,
 * then grown pages of PER_PAGE nodes, at most pages_allowed at once. */
#define PER_PAGE ((POOL_PAGE - 48) / 64)

static void small_pool(struct pool *p, int pages_allowed)
{
	static char mem[2][64];
	pool_init(p, mem, 64, 2);
	hooks(pages_allowed);
}

START_TEST(pool_grows_by_pages)
{
	struct pool p;
	small_pool(&p, 2);
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
	struct pool p;
	small_pool(&p, 8);
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
	struct pool p;
	small_pool(&p, 2);
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
	unhook();
}
END_TEST

/* Whole pages: the static ones first, then one grown page per node, its
 * cookie kept in the pool's word and handed back with it; the rest of a
 * page comes zeroed. */
START_TEST(whole_pages)
{
	static _Alignas(4096) unsigned char mem[2][POOL_PAGE];
	struct pool p;
	pool_init(&p, mem, POOL_PAGE, 2);
	hooks(3);
	unsigned char *got[6];
	unsigned n = 0;
	while (n < 6 && (got[n] = pool_get(&p)))
		n++;
	ck_assert_uint_eq(n, 5);                /* two static, three grown */
	ck_assert_ptr_eq(got[0], mem[0]);
	ck_assert_ptr_eq(got[1], mem[1]);
	for (unsigned i = 2; i < 5; i++) {
		ck_assert_ptr_eq(got[i], pages[i - 2]);
		ck_assert_uint_eq(*(uint64_t *)got[i], i - 2); /* the cookie */
	}
	for (unsigned i = 0; i < 5; i++) {
		for (unsigned b = POOL_WORD; b < POOL_PAGE; b++)
			ck_assert_uint_eq(got[i][b], 0);
		memset(got[i] + POOL_WORD, 0xAB, POOL_PAGE - POOL_WORD);
	}
	ck_assert_uint_eq(p.pages, 3);
	ck_assert_uint_eq(pool_pages_held, 3);
	pool_put(&p, got[3]);                   /* back to the kernel at once */
	ck_assert_int_eq(pages_back, 1);
	ck_assert_ptr_null(pages[1]);
	pool_put(&p, got[0]);
	ck_assert_ptr_eq(pool_get(&p), mem[0]); /* static first */
	ck_assert_uint_eq(mem[0][POOL_PAGE - 1], 0);
	for (unsigned i = 0; i < 5; i++)
		if (i != 3)
			pool_put(&p, got[i]);
	ck_assert_int_eq(pages_back, 3);
	ck_assert_uint_eq(p.pages, 0);
	ck_assert_uint_eq(pool_pages_held, 0);
	ck_assert_uint_eq(p.inuse, 0);
	ck_assert_uint_eq(p.avail, 2);
	unhook();
}
END_TEST

/* pool_nodes_inuse counts the nodes in use, static or grown: a node taken
 * from a grown page while the static part was full, whose static sibling
 * then goes back, leaves one page held and no more nodes than before the
 * pair was taken (hunt4_pool_move: a move, not a leak). */
START_TEST(nodes_counted_across_a_move)
{
	static _Alignas(4096) unsigned char mem[1][POOL_PAGE];
	struct pool p;
	hooks(4);
	pool_init(&p, mem, POOL_PAGE, 1);
	size_t base = pool_nodes_inuse, held = pool_pages_held;
	void *a = pool_get(&p), *b = pool_get(&p);
	ck_assert_ptr_eq(a, mem[0]);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(pool_nodes_inuse, base + 2);
	ck_assert_uint_eq(pool_pages_held, held + 1);
	pool_put(&p, a);
	ck_assert_uint_eq(pool_nodes_inuse, base + 1);
	ck_assert_uint_eq(pool_pages_held, held + 1); /* b stays where it is */
	pool_put(&p, b);
	ck_assert_uint_eq(pool_nodes_inuse, base);
	ck_assert_uint_eq(pool_pages_held, held);
	unhook();
}
END_TEST

/* Whole pages: reserve grows spare pages, which a get takes before growing
 * again and trim gives back; without pool_shrink a page put back stays. */
START_TEST(whole_pages_reserve)
{
	static _Alignas(4096) unsigned char mem[1][POOL_PAGE];
	struct pool p;
	pool_init(&p, mem, POOL_PAGE, 1);
	hooks(3);
	ck_assert(pool_reserve(&p, 3));
	ck_assert_int_eq(pages_given, 2);
	ck_assert(!pool_reserve(&p, 5));
	ck_assert_int_eq(pages_given, 3);       /* ran dry trying */
	void *a = pool_get(&p), *b = pool_get(&p);
	ck_assert_ptr_eq(a, mem[0]);
	ck_assert_int_eq(pages_given, 3);       /* b was a spare */
	pool_trim(&p);                          /* the two spares left go */
	ck_assert_int_eq(pages_back, 2);
	ck_assert_uint_eq(p.pages, 1);
	ck_assert_uint_eq(p.avail, 0);
	pool_shrink = NULL;
	pool_put(&p, b);                        /* kept as a spare */
	ck_assert_int_eq(pages_back, 2);
	ck_assert_ptr_eq(pool_get(&p), b);
	ck_assert_uint_eq(*(uint64_t *)b, 2);  /* its cookie kept */
	pool_put(&p, b);
	pool_shrink = test_page_back;
	pool_trim(&p);
	ck_assert_int_eq(pages_back, 3);
	pool_put(&p, a);
	ck_assert_uint_eq(p.inuse, 0);
	ck_assert_uint_eq(pool_pages_held, 0);
	unhook();
}
END_TEST

/* Random gets and puts on a small-node and a whole-page pool, with a
 * budget of pages: no node is handed out twice, the counts agree with a
 * model, and every grown page is back at the end. */
static void random_use(size_t size, unsigned cap, int steps)
{
	static _Alignas(4096) unsigned char mem[4][POOL_PAGE];
	enum { MAX = 400 };
	static unsigned char *held[MAX];
	unsigned nheld = 0;
	struct pool p;
	pool_init(&p, mem, size, cap);
	hooks(16);
	for (int step = 0; step < steps; step++) {
		if (rnd() % 2 && nheld < MAX) {
			unsigned char *n = pool_get(&p);
			if (!n) {
				ck_assert_int_eq(pages_given - pages_back, 16);
				continue;
			}
			size_t from = size == POOL_PAGE ? POOL_WORD : 0, dirty = 0;
			for (size_t b = from; b < size; b++)
				dirty += n[b] != 0;
			for (unsigned i = 0; i < nheld; i++)
				dirty += held[i] == n; /* handed out twice */
			ck_assert_uint_eq(dirty, 0);
			memset(n + from, 0x5A, size - from);
			held[nheld++] = n;
		} else if (nheld) {
			unsigned k = (unsigned)(rnd() % nheld);
			pool_put(&p, held[k]);
			held[k] = held[--nheld];
		}
		ck_assert_uint_eq(p.inuse, nheld);
		ck_assert_uint_eq(p.pages, (size_t)(pages_given - pages_back));
		ck_assert_uint_eq(pool_pages_held, p.pages);
	}
	while (nheld)
		pool_put(&p, held[--nheld]);
	ck_assert_int_eq(pages_back, pages_given);
	ck_assert_uint_eq(p.avail, cap);
	unhook();
}

START_TEST(random_small)
{
	random_use(96, 7, 20000);
}
END_TEST

START_TEST(random_whole)
{
	random_use(POOL_PAGE, 4, 4000);
}
END_TEST

static void setup(void)
{
	rng_state = rng_env_seed(0x9E3779B97F4A7C15ull);
}

int main(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pool_grows_by_pages);
	tcase_add_test(tc, pool_shrinks_page_by_page);
	tcase_add_test(tc, pool_reserve_promises);
	tcase_add_test(tc, whole_pages);
	tcase_add_test(tc, whole_pages_reserve);
	tcase_add_test(tc, nodes_counted_across_a_move);
	tcase_add_test(tc, random_small);
	tcase_add_test(tc, random_whole);
	suite_add_tcase(s, tc);
	return check_run(s);
}
