/* pager/pagetab.c: the (pid, page) -> frame map, against a plain array
 * model under random operations, plus its limits. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include "abi/err.h"
#include "pagetab.h"

#define CAP 1024
static struct pt_entry mem[CAP];

START_TEST(insert_lookup_remove)
{
	struct pagetab t;
	uint64_t pfn;
	uint32_t gen;
	pagetab_init(&t, mem, CAP);
	ck_assert_int_eq(pagetab_insert(&t, 1, 0x400000, 77, 5), E_OK);
	ck_assert_int_eq(pagetab_insert(&t, 2, 0x400000, 78, 6), E_OK);
	ck_assert_int_eq(pagetab_insert(&t, 1, 0x400000, 79, 7), E_BUSY);
	ck_assert(pagetab_lookup(&t, 1, 0x400fff, &pfn, &gen)); /* same page */
	ck_assert_uint_eq(pfn, 77);
	ck_assert_uint_eq(gen, 5);
	ck_assert(pagetab_lookup(&t, 2, 0x400000, &pfn, &gen));
	ck_assert_uint_eq(pfn, 78);
	ck_assert(!pagetab_lookup(&t, 3, 0x400000, &pfn, &gen));
	ck_assert(!pagetab_lookup(&t, 1, 0x401000, &pfn, &gen));
	ck_assert(pagetab_remove(&t, 1, 0x400000, &pfn, &gen));
	ck_assert_uint_eq(pfn, 77);
	ck_assert(!pagetab_remove(&t, 1, 0x400000, &pfn, &gen));
	ck_assert_uint_eq(t.count, 1);
}
END_TEST

START_TEST(limits)
{
	struct pagetab t;
	pagetab_init(&t, mem, CAP);
	ck_assert_int_eq(pagetab_insert(&t, 0, 0x1000, 1, 1), E_INVAL);
	ck_assert_int_eq(pagetab_insert(&t, 1u << 28, 0x1000, 1, 1), E_INVAL);
	ck_assert_int_eq(pagetab_insert(&t, 1, 1ull << 47, 1, 1), E_INVAL);
	ck_assert_int_eq(pagetab_insert(&t, 1, 0xFFFF800000000000ull, 1, 1), E_INVAL);
	ck_assert_int_eq(pagetab_insert(&t, 1, 0x1000, 1ull << 32, 1), E_RANGE);
	ck_assert_int_eq(pagetab_insert(&t, (1u << 28) - 1, (1ull << 47) - 4096,
					0xFFFFFFFF, 0xFFFFFFFF), E_OK);
	uint64_t pfn;
	uint32_t gen;
	ck_assert(pagetab_lookup(&t, (1u << 28) - 1, (1ull << 47) - 1, &pfn, &gen));
	ck_assert_uint_eq(pfn, 0xFFFFFFFF);
	ck_assert_uint_eq(gen, 0xFFFFFFFF);
	/* fills to 3/4, then refuses */
	unsigned n = 1;
	while (pagetab_insert(&t, 5, (uint64_t)n * 4096, n, n) == E_OK)
		n++;
	ck_assert_uint_eq(t.count, CAP * 3 / 4);
	ck_assert_int_eq(pagetab_insert(&t, 5, (uint64_t)n * 4096, n, n), E_NOMEM);
}
END_TEST

static size_t freed;
static void count_free(uint64_t pfn, uint32_t gen, void *ctx)
{
	ck_assert_uint_eq(pfn, gen);
	ck_assert_ptr_eq(ctx, &freed);
	freed++;
}

/* Random inserts and removes for several pids, checked against a model;
 * then remove_pid empties exactly one pid and keeps every other entry. */
START_TEST(random_against_model)
{
	enum { PIDS = 4, PAGES = 300 };
	static uint32_t model[PIDS + 1][PAGES]; /* pfn, 0 = none */
	struct pagetab t;
	uint64_t pfn;
	uint32_t gen;
	pagetab_init(&t, mem, CAP);
	memset(model, 0, sizeof model);
	srand(12345);
	for (int step = 0; step < 200000; step++) {
		uint32_t pid = 1 + rand() % PIDS, pg = rand() % PAGES;
		uint64_t va = 0x10000000ull + pg * 4096ull;
		if (rand() % 3) {
			uint32_t v = 1 + rand() % 100000;
			int e = pagetab_insert(&t, pid, va, v, v);
			if (model[pid][pg])
				ck_assert_int_eq(e, E_BUSY);
			else if (e == E_OK)
				model[pid][pg] = v;
			else
				ck_assert_int_eq(e, E_NOMEM);
		} else {
			bool had = pagetab_remove(&t, pid, va, &pfn, &gen);
			ck_assert_int_eq(had, model[pid][pg] != 0);
			if (had)
				ck_assert_uint_eq(pfn, model[pid][pg]);
			model[pid][pg] = 0;
		}
	}
	for (uint32_t pid = 1; pid <= PIDS; pid++)
		for (uint32_t pg = 0; pg < PAGES; pg++) {
			bool has = pagetab_lookup(&t, pid, 0x10000000ull + pg * 4096ull, &pfn, &gen);
			ck_assert_int_eq(has, model[pid][pg] != 0);
		}
	size_t want = 0;
	for (uint32_t pg = 0; pg < PAGES; pg++)
		want += model[2][pg] != 0;
	freed = 0;
	ck_assert_uint_eq(pagetab_remove_pid(&t, 2, count_free, &freed), want);
	ck_assert_uint_eq(freed, want);
	for (uint32_t pid = 1; pid <= PIDS; pid++)
		for (uint32_t pg = 0; pg < PAGES; pg++) {
			bool has = pagetab_lookup(&t, pid, 0x10000000ull + pg * 4096ull, &pfn, &gen);
			ck_assert_int_eq(has, pid != 2 && model[pid][pg] != 0);
		}
	ck_assert_uint_eq(pagetab_remove_pid(&t, 2, NULL, NULL), 0);
}
END_TEST

/* remove_pid on a full table whose runs wrap around the end. */
START_TEST(remove_pid_full_table)
{
	struct pagetab t;
	pagetab_init(&t, mem, CAP);
	unsigned n = 0;
	for (uint32_t i = 0; n < CAP * 3 / 4; i++)
		if (pagetab_insert(&t, 1 + i % 2, 0x1000ull * (i / 2 + 1), i, i) == E_OK)
			n++;
	freed = 0;
	size_t removed = pagetab_remove_pid(&t, 1, count_free, &freed);
	ck_assert_uint_eq(removed, CAP * 3 / 8);
	ck_assert_uint_eq(t.count, CAP * 3 / 8);
	for (size_t i = 0; i < CAP; i++)
		ck_assert(mem[i].key == 0 || (mem[i].key >> 36) == 2);
	ck_assert_uint_eq(pagetab_remove_pid(&t, 2, NULL, NULL), CAP * 3 / 8);
	ck_assert_uint_eq(t.count, 0);
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
	tcase_add_test(t, remove_pid_full_table);
	suite_add_tcase(s, t);
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? 1 : 0;
}
