/* The pager's out-of-memory policy (pager/oompolicy.c): scores, the victim
 * choice (largest, never protected or -1000, +1000 first, ties to the
 * younger) and the wait for a victim's frames (back, pending, timed out). */
#include <check.h>
#include "check_run.h"
#include "oompolicy.h"

#define TOTAL 100000 /* frames managed: adj 1 = 100 frames */

START_TEST(score_resident_plus_adj)
{
	struct oom_cand c = { 5, 3000, 0, false };
	ck_assert_uint_eq(oom_score(&c, TOTAL), 3000);
	c.adj = 10;
	ck_assert_uint_eq(oom_score(&c, TOTAL), 4000);
	c.adj = -20;
	ck_assert_uint_eq(oom_score(&c, TOTAL), 1000);
	c.adj = -999; /* below zero: still a candidate, the least likely */
	ck_assert_uint_eq(oom_score(&c, TOTAL), 1);
	c.adj = -1000;
	ck_assert_uint_eq(oom_score(&c, TOTAL), 0);
	c.adj = 0;
	c.protect = true;
	ck_assert_uint_eq(oom_score(&c, TOTAL), 0);
	c = (struct oom_cand){ 5, 0, 1000, false };
	ck_assert_uint_eq(oom_score(&c, TOTAL), TOTAL);
}
END_TEST

START_TEST(pick_largest_not_faulter)
{
	struct oom_cand c[] = {
		{ 1, 200, 0, true },    /* init */
		{ 2, 300, 0, true },    /* sh */
		{ 7, 50000, 0, false }, /* greedy */
		{ 9, 100, 0, false },   /* small, faulted last */
	};
	ck_assert_int_eq(oom_pick(c, 4, TOTAL), 2);
}
END_TEST

START_TEST(pick_never_protected_or_min)
{
	struct oom_cand c[] = {
		{ 1, 90000, 0, true },
		{ 7, 50000, -1000, false },
		{ 9, 100, 0, false },
	};
	ck_assert_int_eq(oom_pick(c, 3, TOTAL), 2);
	c[2].adj = -1000;
	ck_assert_int_eq(oom_pick(c, 3, TOTAL), -1);
	ck_assert_int_eq(oom_pick(c, 0, TOTAL), -1);
}
END_TEST

START_TEST(pick_max_adj_first)
{
	struct oom_cand c[] = {
		{ 7, 90000, 0, false },
		{ 9, 10, 1000, false },
	};
	ck_assert_int_eq(oom_pick(c, 2, TOTAL), 1);
}
END_TEST

START_TEST(pick_tie_younger)
{
	struct oom_cand c[] = {
		{ 12, 500, 0, false },
		{ 8, 500, 0, false },
		{ 15, 500, 0, false },
		{ 3, 400, 0, false },
	};
	ck_assert_int_eq(oom_pick(c, 4, TOTAL), 2);
}
END_TEST

START_TEST(wait_until_back)
{
	struct oom_wait w = { 0 };
	bool to;
	ck_assert_int_eq(oom_wait_step(&w, 10, 0, &to), OOM_CHOOSE);
	ck_assert(!to);
	ck_assert(!oom_wait_back(&w, 0));
	oom_wait_start(&w, 7, 100, 1000);
	ck_assert_int_eq(oom_wait_step(&w, 5000, 1001, &to), OOM_WAIT);
	ck_assert_int_eq(oom_wait_step(&w, 101, 1000 + OOM_WAIT_MS - 1, &to), OOM_WAIT);
	ck_assert(!oom_wait_back(&w, 101));
	ck_assert(w.waiting);
	ck_assert_int_eq(oom_wait_step(&w, 100, 1002, &to), OOM_RETRY);
	ck_assert(!to && !w.waiting);
	/* once back, the next shortage chooses again */
	ck_assert_int_eq(oom_wait_step(&w, 100, 1003, &to), OOM_CHOOSE);
	oom_wait_start(&w, 8, 100, 2000);
	ck_assert(oom_wait_back(&w, 90)); /* others came back too */
	ck_assert(!w.waiting);
}
END_TEST

START_TEST(wait_extends_while_frames_come_back)
{
	struct oom_wait w = { 0 };
	bool to;
	oom_wait_start(&w, 7, 100, 1000);
	ck_assert_int_eq(oom_wait_step(&w, 5000, 1001, &to), OOM_WAIT);
	/* frames coming back just before the deadline: it moves on */
	ck_assert_int_eq(oom_wait_step(&w, 4000, 1000 + OOM_WAIT_MS - 1, &to), OOM_WAIT);
	ck_assert_int_eq(oom_wait_step(&w, 4000, 1000 + OOM_WAIT_MS + 10, &to), OOM_WAIT);
	/* no progress for OOM_WAIT_MS: another victim */
	ck_assert_int_eq(oom_wait_step(&w, 4000, 1000 + 2 * OOM_WAIT_MS, &to), OOM_CHOOSE);
	ck_assert(to && !w.waiting);
}
END_TEST

START_TEST(wait_bounded)
{
	struct oom_wait w = { 0 };
	bool to;
	oom_wait_start(&w, 7, 100, 1000);
	ck_assert_int_eq(oom_wait_step(&w, 500, 1000 + OOM_WAIT_MS, &to), OOM_CHOOSE);
	ck_assert(to && !w.waiting);
	ck_assert_uint_eq(w.victim, 7); /* still named for the console line */
	ck_assert_int_eq(oom_wait_step(&w, 500, 1000 + OOM_WAIT_MS + 1, &to), OOM_CHOOSE);
	ck_assert(!to);
}
END_TEST

/* A wait no fault stepped for a whole OOM_WAIT_MS (its shortage ended;
 * the victim's frames were used again since) is over: a later shortage
 * chooses without a time-out (no console line blaming the old victim). */
START_TEST(stale_wait_is_not_a_timeout)
{
	struct oom_wait w = { 0 };
	bool to;
	oom_wait_start(&w, 7, 100, 1000);
	ck_assert_int_eq(oom_wait_step(&w, 5000, 1000 + 10 * OOM_WAIT_MS, &to), OOM_CHOOSE);
	ck_assert(!to && !w.waiting);
	/* stepped meanwhile: past the deadline is a time-out */
	oom_wait_start(&w, 7, 100, 1000);
	ck_assert_int_eq(oom_wait_step(&w, 5000, 1000 + OOM_WAIT_MS / 2, &to), OOM_WAIT);
	ck_assert_int_eq(oom_wait_step(&w, 5000, 1000 + OOM_WAIT_MS * 5 / 4, &to), OOM_CHOOSE);
	ck_assert(to);
}
END_TEST

/* While the pager still gives the victim's memory back (owed does not
 * show it yet), held steps keep the wait on for as long as that takes,
 * neither stale nor timed out; then owed decides as before.  A hold with
 * no wait on starts none. */
START_TEST(wait_held_while_memory_goes)
{
	struct oom_wait w = { 0 };
	bool to;
	oom_wait_hold(&w, 5);
	ck_assert(!w.waiting);
	oom_wait_start(&w, 7, 100, 1000);
	for (uint64_t t = 1000; t <= 1000 + 3 * OOM_WAIT_MS; t += OOM_WAIT_MS / 2)
		oom_wait_hold(&w, t);
	uint64_t now = 1000 + 3 * OOM_WAIT_MS + 1;
	ck_assert_int_eq(oom_wait_step(&w, 900, now, &to), OOM_WAIT);
	ck_assert(!to && w.waiting);
	ck_assert_int_eq(oom_wait_step(&w, 100, now + 1, &to), OOM_RETRY);
	ck_assert(!w.waiting);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("oom");
	TCase *t = tcase_create("policy");
	tcase_add_test(t, score_resident_plus_adj);
	tcase_add_test(t, pick_largest_not_faulter);
	tcase_add_test(t, pick_never_protected_or_min);
	tcase_add_test(t, pick_max_adj_first);
	tcase_add_test(t, pick_tie_younger);
	tcase_add_test(t, wait_until_back);
	tcase_add_test(t, wait_bounded);
	tcase_add_test(t, wait_extends_while_frames_come_back);
	tcase_add_test(t, stale_wait_is_not_a_timeout);
	tcase_add_test(t, wait_held_while_memory_goes);
	suite_add_tcase(s, t);
	return check_run(s);
}
