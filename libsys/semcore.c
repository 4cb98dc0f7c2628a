/* The pure core of a System V semaphore set: values, SEM_UNDO records and
 * the journal (semcore.h). */
#include "semcore.h"

size_t semc_stride(int nsems)
{
	return (sizeof(struct semundo) + (size_t)nsems * sizeof(int16_t) + 3) & ~(size_t)3;
}

int semc_cap(const struct semcore *c)
{
	return (int)(SEMC_UNDO_BYTES / semc_stride(c->nsems));
}

struct semundo *semc_rec(struct semcore *c, int i)
{
	return (struct semundo *)(void *)(c->undo + (size_t)i * semc_stride(c->nsems));
}

static uint32_t state_of(struct semundo *u)
{
	return __atomic_load_n(&u->state, __ATOMIC_ACQUIRE);
}

int semc_try(struct semcore *c, const struct semc_op *ops, size_t n, int rec, int *wait_on,
	     int *zero)
{
	struct semundo *u = rec >= 0 ? semc_rec(c, rec) : NULL;
	for (int k = 0; k < c->nsems; k++) {
		c->sem[k].jval = c->sem[k].val;
		c->sem[k].jadj = u ? u->adj[k] : 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct semcell *x = &c->sem[ops[i].num];
		int v = x->jval, op = ops[i].op;
		if ((op < 0 && v < -op) || (op == 0 && v != 0)) {
			*wait_on = ops[i].num;
			*zero = op == 0;
			return 0;
		}
		if (v + op > SEMC_VMX)
			return -1;
		x->jval = (uint16_t)(v + op);
		if (op && u && (ops[i].flg & SEMC_UNDO)) {
			int a = x->jadj - op;
			if (a < -SEMC_VMX - 1 || a > SEMC_VMX)
				return -1;
			x->jadj = (int16_t)a;
		}
	}
	return 1;
}

void semc_commit(struct semcore *c, uint32_t op, int rec, int owner)
{
	c->jrec = rec;
	c->jowner = owner;
	__atomic_store_n(&c->jop, op, __ATOMIC_RELEASE);
	semc_redo(c);
}

/* Every record's adjustment of semaphore num (all of them: num -1) 0. */
static void adj_clear(struct semcore *c, int num)
{
	for (int i = 0; i < c->nundo; i++) {
		struct semundo *u = semc_rec(c, i);
		for (int k = num < 0 ? 0 : num; k < (num < 0 ? c->nsems : num + 1); k++)
			u->adj[k] = 0;
	}
}

/* SEMJ_FREE: the values the record's adjustments made (jval), the record
 * free; trailing free records leave [0, nundo). */
static void redo_free(struct semcore *c, struct semundo *u)
{
	for (int k = 0; k < c->nsems; k++) {
		c->sem[k].val = c->sem[k].jval;
		if (u->adj[k])
			c->sem[k].pid = c->jowner;
		u->adj[k] = 0;
	}
	u->owner = 0;
	__atomic_store_n(&u->state, 0, __ATOMIC_RELEASE);
	while (c->nundo > 0 && !semc_rec(c, c->nundo - 1)->owner &&
	       !state_of(semc_rec(c, c->nundo - 1)))
		c->nundo--;
}

void semc_redo(struct semcore *c)
{
	uint32_t op = __atomic_load_n(&c->jop, __ATOMIC_ACQUIRE);
	struct semundo *u = c->jrec >= 0 ? semc_rec(c, c->jrec) : NULL;
	switch (op) {
	case SEMJ_OP:
		for (int k = 0; k < c->nsems; k++) {
			c->sem[k].val = c->sem[k].jval;
			if (u)
				u->adj[k] = c->sem[k].jadj;
		}
		break;
	case SEMJ_CLAIM:
		for (int k = 0; k < c->nsems; k++)
			u->adj[k] = 0;
		u->owner = c->jowner;
		__atomic_store_n(&u->state, SEMC_RESERVED, __ATOMIC_RELEASE);
		if (c->nundo <= c->jrec)
			c->nundo = c->jrec + 1;
		break;
	case SEMJ_LIVE: /* (an OR: the pager's mark, if made, stays) */
		__atomic_fetch_or(&u->state, SEMC_LIVE, __ATOMIC_ACQ_REL);
		break;
	case SEMJ_FREE:
		redo_free(c, u);
		break;
	case SEMJ_SETVAL:
		c->sem[c->jnum].val = c->sem[c->jnum].jval;
		adj_clear(c, c->jnum);
		break;
	case SEMJ_SETALL:
		for (int k = 0; k < c->nsems; k++)
			c->sem[k].val = c->sem[k].jval;
		adj_clear(c, -1);
		break;
	default:
		return;
	}
	__atomic_store_n(&c->jop, SEMJ_NONE, __ATOMIC_RELEASE);
}

int semc_find(struct semcore *c, int owner)
{
	for (int i = 0; i < c->nundo; i++) {
		struct semundo *u = semc_rec(c, i);
		if (u->owner == owner && state_of(u) == (SEMC_RESERVED | SEMC_LIVE))
			return i;
	}
	return -1;
}

int semc_free_slot(struct semcore *c)
{
	int cap = semc_cap(c);
	for (int i = 0; i < cap; i++) {
		struct semundo *u = semc_rec(c, i);
		if (!u->owner && !state_of(u))
			return i;
	}
	return -1;
}

int semc_dead(struct semcore *c)
{
	for (int i = 0; i < c->nundo; i++)
		if (state_of(semc_rec(c, i)) & SEMC_DEAD)
			return i;
	return -1;
}

void semc_release(struct semcore *c, int i)
{
	struct semundo *u = semc_rec(c, i);
	for (int k = 0; k < c->nsems; k++) {
		int v = c->sem[k].val + u->adj[k];
		c->sem[k].jval = (uint16_t)(v < 0 ? 0 : v > SEMC_VMX ? SEMC_VMX : v);
	}
	semc_commit(c, SEMJ_FREE, i, u->owner);
}

void semc_setval(struct semcore *c, int num, int v)
{
	c->sem[num].jval = (uint16_t)v;
	c->jnum = num;
	semc_commit(c, SEMJ_SETVAL, -1, 0);
}

void semc_setall(struct semcore *c, const unsigned short *v)
{
	for (int k = 0; k < c->nsems; k++)
		c->sem[k].jval = v[k];
	semc_commit(c, SEMJ_SETALL, -1, 0);
}
