/* pager/pagetab.c: a space's page tree (virtual page -> frame, flags),
 * against a plain array model under random operations, plus its limits. */
#include <check.h>
#include "check_run.h"
#include <stdint.h>
#include <stdlib.h>
#include "abi/err.h"
#include "pagetab.h"

#define P 4096ull

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
	ck_assert_uint_eq(pagetab_lookup(&b, 0x400000)->flags, PAGE_COW);
	ck_assert_ptr_null(pagetab_lookup(&a, 0x401000));
	ck_assert(pagetab_remove(&a, 0x400000, &out));
	ck_assert_uint_eq(out.pfn, 77);
	ck_assert_uint_eq(out.gen, 5);
	ck_assert(!pagetab_remove(&a, 0x400000, &out));
	ck_assert_uint_eq(pagetab_count(&a), 0);
	ck_assert_uint_eq(pagetab_count(&b), 1);
	ck_assert_uint_eq(pagetab_nodes_used(), 1);
}
END_TEST

START_TEST(limits)
{
	struct pagetab t;
	pagetab_init(&t);
	ck_assert_int_eq(pagetab_insert(&t, 0x400001, 1, 1, 0), E_INVAL);
	ck_assert_int_eq(pagetab_insert(&t, 1ull << 47, 1, 1, 0), E_INVAL);
	ck_assert_int_eq(pagetab_insert(&t, (1ull << 47) - P, 1, 1, 0), E_OK);
	for (uint64_t i = 1; i < PAGETAB_POOL; i++)
		ck_assert_int_eq(pagetab_insert(&t, i * P, i, 1, 0), E_OK);
	ck_assert_int_eq(pagetab_insert(&t, 0, 1, 1, 0), E_NOMEM);
	struct page out;
	ck_assert(pagetab_remove(&t, 5 * P, &out));
	ck_assert_int_eq(pagetab_insert(&t, 0, 1, 1, 0), E_OK);
	ck_assert_uint_eq(pagetab_from(&t, 5 * P)->node.key, 6 * P);
	ck_assert_ptr_null(pagetab_next(&t, pagetab_lookup(&t, (1ull << 47) - P)));
}
END_TEST

struct seen {
	uint64_t last;
	size_t n;
};

/* The clone step: pairs arrive in address order, copy equal to original
 * but a different entry; the copy may be changed. */
static void check_pair(struct page *orig, struct page *copy, void *arg)
{
	struct seen *s = arg;
	ck_assert_ptr_ne(orig, copy);
	ck_assert_uint_eq(orig->node.key, copy->node.key);
	ck_assert_uint_eq(orig->pfn, copy->pfn);
	ck_assert_uint_eq(orig->gen, copy->gen);
	ck_assert(s->n == 0 || orig->node.key > s->last);
	s->last = orig->node.key;
	s->n++;
	copy->flags = PAGE_COW;
}

START_TEST(clone_copies_every_entry)
{
	struct pagetab a, b, c;
	struct seen s = { 0, 0 };
	pagetab_init(&a);
	pagetab_init(&b);
	pagetab_init(&c);
	srand(11);
	for (int i = 0; i < 2000; i++)
		pagetab_insert(&a, (uint64_t)(rand() % 100000) * P, (uint64_t)i, 1, 0);
	size_t n = pagetab_count(&a), used = pagetab_nodes_used();
	ck_assert_int_eq(pagetab_clone(&b, &a, check_pair, &s), E_OK);
	ck_assert_uint_eq(s.n, n);
	ck_assert_uint_eq(pagetab_count(&b), n);
	ck_assert_uint_eq(pagetab_nodes_used(), used + n);
	ck_assert(tree_check(&b.t));
	for (struct page *p = pagetab_from(&a, 0); p; p = pagetab_next(&a, p)) {
		struct page *q = pagetab_lookup(&b, p->node.key);
		ck_assert_ptr_nonnull(q);
		ck_assert_uint_eq(q->pfn, p->pfn);
		ck_assert_uint_eq(q->flags, PAGE_COW); /* the step's change */
		ck_assert_uint_eq(p->flags, 0);        /* the original's kept */
	}
	/* The copy is a table of its own: changing it leaves a alone. */
	struct page out;
	struct page *first = pagetab_from(&b, 0);
	uint64_t key = first->node.key;
	ck_assert(pagetab_remove(&b, key, &out));
	ck_assert_ptr_nonnull(pagetab_lookup(&a, key));
	ck_assert_int_eq(pagetab_insert(&b, key, 1, 1, 0), E_OK);
	/* Too big for the pool: E_NOMEM and nothing taken. */
	while (pagetab_nodes_used() + n <= PAGETAB_POOL) { /* fill the pool */
		s.n = 0;
		ck_assert_int_eq(pagetab_clone(&c, &a, check_pair, &s), E_OK);
		pagetab_init(&c);
	}
	used = pagetab_nodes_used();
	ck_assert_int_eq(pagetab_clone(&c, &a, check_pair, &s), E_NOMEM);
	ck_assert_uint_eq(pagetab_count(&c), 0);
	ck_assert_uint_eq(pagetab_nodes_used(), used);
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
		uint64_t va = 0x10000000ull + (uint64_t)i * P;
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
	}
	size_t n = 0;
	for (int i = 0; i < N; i++)
		n += model[i] != 0;
	ck_assert_uint_eq(pagetab_count(&t), n);
	ck_assert(tree_check(&t.t));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pagetab");
	TCase *t = tcase_create("pagetab");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, insert_lookup_remove);
	tcase_add_test(t, limits);
	tcase_add_test(t, random_against_model);
	tcase_add_test(t, clone_copies_every_entry);
	suite_add_tcase(s, t);
	return check_run(s);
}
