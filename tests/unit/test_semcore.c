/* libsys/semcore.c: SEM_UNDO adjustments summed as Linux's semadj (only
 * SEM_UNDO operations, range checked), applied at the end clamped to
 * 0..SEMVMX, cleared by SETVAL (one semaphore) and SETALL (all); the
 * pager's dead mark kept through the owner's own changes; and every
 * journalled change made whole by a redo after a holder killed inside it
 * (part of its stores made, or all but the log's clearing). */
#include <check.h>
#include <string.h>
#include "check_run.h"
#include "../../libsys/semcore.h"

static struct semcore a, b;

/* c as a set of n semaphores with values v, no records. */
static void fresh(struct semcore *c, int n, const unsigned short *v)
{
	memset(c, 0, sizeof *c);
	c->nsems = n;
	c->jrec = -1;
	for (int k = 0; k < n; k++)
		c->sem[k].val = v[k];
}

/* A live record of owner in c: its index. */
static int live(struct semcore *c, int owner)
{
	int i = semc_free_slot(c);
	ck_assert_int_ge(i, 0);
	semc_commit(c, SEMJ_CLAIM, i, owner);
	ck_assert_int_eq(semc_find(c, owner), -1); /* reserved: not yet */
	semc_commit(c, SEMJ_LIVE, i, owner);
	ck_assert_int_eq(semc_find(c, owner), i);
	return i;
}

/* ops on c with record rec: semc_try's answer, committed if 1. */
static int run(struct semcore *c, int rec, const struct semc_op *ops, size_t n)
{
	int w = -1, z = -1;
	int r = semc_try(c, ops, n, rec, &w, &z);
	if (r == 1)
		semc_commit(c, SEMJ_OP, rec, 9);
	return r;
}

START_TEST(accumulates)
{
	fresh(&a, 2, (unsigned short[]){ 5, 4 });
	int i = live(&a, 7);
	struct semc_op one = { 0, -2, SEMC_UNDO }, two[2] = { { 0, -1, SEMC_UNDO }, { 1, 3, SEMC_UNDO } },
		       up = { 0, 1, SEMC_UNDO }, plain = { 0, -1, 0 };
	ck_assert_int_eq(run(&a, i, &one, 1), 1);
	ck_assert_int_eq(run(&a, i, two, 2), 1);
	ck_assert_int_eq(run(&a, i, &up, 1), 1);
	ck_assert_int_eq(run(&a, i, &plain, 1), 1);
	ck_assert_int_eq(a.sem[0].val, 2);
	ck_assert_int_eq(a.sem[1].val, 7);
	ck_assert_int_eq(semc_rec(&a, i)->adj[0], 2);
	ck_assert_int_eq(semc_rec(&a, i)->adj[1], -3);
	semc_release(&a, i);
	ck_assert_int_eq(a.sem[0].val, 4);
	ck_assert_int_eq(a.sem[1].val, 4);
	ck_assert_int_eq(a.sem[0].pid, 7);
	ck_assert_int_eq(a.nundo, 0);
	ck_assert_int_eq(semc_rec(&a, i)->owner, 0);
	ck_assert_uint_eq(semc_rec(&a, i)->state, 0);
}
END_TEST

START_TEST(waits_and_ranges)
{
	fresh(&a, 2, (unsigned short[]){ 1, SEMC_VMX });
	int i = live(&a, 7);
	struct semc_op take2 = { 0, -2, SEMC_UNDO }, zero = { 0, 0, 0 }, past = { 1, 1, 0 };
	int w = -1, z = -1;
	ck_assert_int_eq(semc_try(&a, &take2, 1, i, &w, &z), 0);
	ck_assert_int_eq(w, 0);
	ck_assert_int_eq(z, 0);
	ck_assert_int_eq(semc_try(&a, &zero, 1, i, &w, &z), 0);
	ck_assert_int_eq(z, 1);
	ck_assert_int_eq(semc_try(&a, &past, 1, i, &w, &z), -1);
	/* an adjustment past SEMC_VMX: ERANGE, nothing changed */
	struct semc_op down = { 1, -SEMC_VMX, SEMC_UNDO }, more = { 1, -1, SEMC_UNDO };
	ck_assert_int_eq(run(&a, i, &down, 1), 1);
	ck_assert_int_eq(semc_rec(&a, i)->adj[1], SEMC_VMX);
	a.sem[1].val = 5;
	ck_assert_int_eq(run(&a, i, &more, 1), -1);
	ck_assert_int_eq(a.sem[1].val, 5);
	ck_assert_int_eq(semc_rec(&a, i)->adj[1], SEMC_VMX);
}
END_TEST

START_TEST(clamps)
{
	fresh(&a, 2, (unsigned short[]){ 0, 10 });
	int i = live(&a, 3);
	struct semc_op ops[2] = { { 0, 5, SEMC_UNDO }, { 1, -5, SEMC_UNDO } };
	ck_assert_int_eq(run(&a, i, ops, 2), 1);
	a.sem[0].val = 1;        /* 4 taken by another */
	a.sem[1].val = SEMC_VMX; /* raised by another */
	semc_release(&a, i);
	ck_assert_int_eq(a.sem[0].val, 0);
	ck_assert_int_eq(a.sem[1].val, SEMC_VMX);
}
END_TEST

START_TEST(set_clears)
{
	fresh(&a, 2, (unsigned short[]){ 2, 2 });
	int i = live(&a, 3), j = live(&a, 4);
	struct semc_op x[2] = { { 0, -1, SEMC_UNDO }, { 1, -1, SEMC_UNDO } };
	ck_assert_int_eq(run(&a, i, x, 2), 1);
	ck_assert_int_eq(run(&a, j, x, 2), 1);
	semc_setval(&a, 0, 5);
	ck_assert_int_eq(a.sem[0].val, 5);
	ck_assert_int_eq(semc_rec(&a, i)->adj[0], 0);
	ck_assert_int_eq(semc_rec(&a, j)->adj[0], 0);
	ck_assert_int_eq(semc_rec(&a, i)->adj[1], 1);
	ck_assert_int_eq(semc_rec(&a, j)->adj[1], 1);
	semc_setall(&a, (unsigned short[]){ 7, 8 });
	ck_assert_int_eq(a.sem[1].val, 8);
	ck_assert_int_eq(semc_rec(&a, i)->adj[1], 0);
	ck_assert_int_eq(semc_rec(&a, j)->adj[1], 0);
	semc_release(&a, i);
	semc_release(&a, j);
	ck_assert_int_eq(a.sem[0].val, 7);
	ck_assert_int_eq(a.sem[1].val, 8);
}
END_TEST

START_TEST(dead_mark_kept)
{
	fresh(&a, 1, (unsigned short[]){ 1 });
	int i = semc_free_slot(&a);
	semc_commit(&a, SEMJ_CLAIM, i, 3);
	ck_assert_int_eq(semc_dead(&a), -1);
	/* the owner ended inside SEMJ_LIVE, the pager marked it, a taker
	 * redoes the change: the mark stays */
	a.jop = SEMJ_LIVE;
	__atomic_fetch_or(&semc_rec(&a, i)->state, SEMC_DEAD, __ATOMIC_SEQ_CST);
	semc_redo(&a);
	ck_assert_uint_eq(semc_rec(&a, i)->state, SEMC_DEAD | SEMC_RESERVED | SEMC_LIVE);
	ck_assert_int_eq(semc_find(&a, 3), -1);
	ck_assert_int_eq(semc_dead(&a), i);
	ck_assert_int_eq(semc_free_slot(&a), i + 1);
	semc_release(&a, i);
	ck_assert_int_eq(semc_dead(&a), -1);
	ck_assert_int_eq(semc_free_slot(&a), i);
}
END_TEST

/* b made as a after a change c: a holder killed after the log, with the
 * first of the change's stores undone (part made), redone twice. */
static void crash_redo(uint32_t op, void (*undo_part)(struct semcore *))
{
	uint32_t jop = a.jop;
	ck_assert_uint_eq(jop, SEMJ_NONE);
	b.jop = op;
	undo_part(&b);
	semc_redo(&b);
	b.jop = op;
	semc_redo(&b); /* and again: the same */
	ck_assert_uint_eq(b.jop, SEMJ_NONE);
	ck_assert_int_eq(memcmp(&a, &b, sizeof a), 0);
}

static int part_rec;
static short part_old[2];

static void undo_op(struct semcore *c)
{
	c->sem[1].val = (uint16_t)part_old[0];
	semc_rec(c, part_rec)->adj[1] = part_old[1];
}

static void undo_free(struct semcore *c)
{
	c->sem[0].val = 2; /* not yet applied */
	semc_rec(c, part_rec)->owner = 5;
	semc_rec(c, part_rec)->state = SEMC_RESERVED | SEMC_LIVE | SEMC_DEAD;
	c->nundo = part_rec + 1;
}

static void undo_setall(struct semcore *c)
{
	semc_rec(c, part_rec)->adj[0] = 1;
}

START_TEST(redo_whole)
{
	fresh(&a, 2, (unsigned short[]){ 3, 3 });
	part_rec = live(&a, 5);
	struct semc_op x[2] = { { 0, -1, SEMC_UNDO }, { 1, 2, SEMC_UNDO } };
	memcpy(&b, &a, sizeof a);
	part_old[0] = (short)a.sem[1].val;
	part_old[1] = semc_rec(&a, part_rec)->adj[1];
	ck_assert_int_eq(run(&a, part_rec, x, 2), 1);
	memcpy(&b, &a, sizeof a);
	crash_redo(SEMJ_OP, undo_op);
	ck_assert_int_eq(a.sem[1].val, 5);

	/* SEMJ_FREE: the dead owner's adjustments (+1, -2) applied, freed */
	__atomic_fetch_or(&semc_rec(&a, part_rec)->state, SEMC_DEAD, __ATOMIC_SEQ_CST);
	semc_release(&a, part_rec);
	ck_assert_int_eq(a.sem[0].val, 3);
	ck_assert_int_eq(a.sem[1].val, 3);
	memcpy(&b, &a, sizeof a);
	semc_rec(&b, part_rec)->adj[0] = 1; /* its adjustments as they were */
	semc_rec(&b, part_rec)->adj[1] = -2;
	crash_redo(SEMJ_FREE, undo_free);

	/* SEMJ_SETALL over a live record */
	part_rec = live(&a, 6);
	struct semc_op y = { 0, -1, SEMC_UNDO };
	ck_assert_int_eq(run(&a, part_rec, &y, 1), 1);
	semc_setall(&a, (unsigned short[]){ 9, 9 });
	memcpy(&b, &a, sizeof a);
	crash_redo(SEMJ_SETALL, undo_setall);
}
END_TEST

START_TEST(geometry)
{
	ck_assert_uint_eq(semc_stride(1), 12);
	ck_assert_uint_eq(semc_stride(SEMC_MAX), 508);
	fresh(&a, SEMC_MAX, (unsigned short[SEMC_MAX]){ 0 });
	int cap = semc_cap(&a);
	ck_assert_int_ge(cap, 100);
	ck_assert((char *)semc_rec(&a, cap - 1) + semc_stride(SEMC_MAX) <=
		  (char *)a.undo + sizeof a.undo);
	for (int k = 0; k < cap; k++)
		live(&a, 100 + k);
	ck_assert_int_eq(semc_free_slot(&a), -1);
	ck_assert_int_eq(a.nundo, cap);
	/* the last freed: nundo comes down past every free record behind */
	__atomic_fetch_or(&semc_rec(&a, cap - 2)->state, SEMC_DEAD, __ATOMIC_SEQ_CST);
	semc_release(&a, cap - 2);
	ck_assert_int_eq(a.nundo, cap);
	__atomic_fetch_or(&semc_rec(&a, cap - 1)->state, SEMC_DEAD, __ATOMIC_SEQ_CST);
	semc_release(&a, cap - 1);
	ck_assert_int_eq(a.nundo, cap - 2);
	ck_assert_int_eq(semc_free_slot(&a), cap - 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("semcore");
	TCase *t = tcase_create("semcore");
	tcase_add_test(t, accumulates);
	tcase_add_test(t, waits_and_ranges);
	tcase_add_test(t, clamps);
	tcase_add_test(t, set_clears);
	tcase_add_test(t, dead_mark_kept);
	tcase_add_test(t, redo_whole);
	tcase_add_test(t, geometry);
	suite_add_tcase(s, t);
	return check_run(s);
}
