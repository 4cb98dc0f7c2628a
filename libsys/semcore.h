/* The pure core of a System V semaphore set (sysvsem.c): its values, its
 * SEM_UNDO records and the journal every change goes through, so that a
 * process killed at any instruction inside a change leaves it to the next
 * lock holder to finish (semc_redo), never half made.  Host-tested
 * (tests/unit/test_semcore.c); the caller holds the set's lock across
 * every call here.
 *
 * A SEM_UNDO record is a process's adjustments on the set (Linux's
 * semadj): owner (its pid) and state, then one short per semaphore.
 * States: 0 free (owner 0, every adjustment 0); SEMC_RESERVED (claimed,
 * adjustments still 0: the owner has not yet asked the pager to mark it
 * at its end); SEMC_RESERVED | SEMC_LIVE (the pager will mark it: only
 * then may adjustments be made).  SEMC_DEAD is ORed in by the pager when
 * the owner has ended (PG_SHM_NOTE); nothing here ever clears it but the
 * freeing of the record, so a dead record is seen dead by every later
 * holder. */
#ifndef LIBSYS_SEMCORE_H
#define LIBSYS_SEMCORE_H

#include <stddef.h>
#include <stdint.h>

#define SEMC_MAX   250    /* semaphores in a set (SEMMSL) */
#define SEMC_VMX   32767  /* a value's largest (SEMVMX); an adjustment's
			   * range is -SEMC_VMX - 1 .. SEMC_VMX, as Linux's */
#define SEMC_UNDO  0x1000 /* sem_flg's SEM_UNDO */
#define SEMC_UNDO_BYTES (14 * 4096) /* the records' room in a set */

#define SEMC_RESERVED 1u
#define SEMC_LIVE     2u
#define SEMC_DEAD     0x80000000u /* PG_SHM_NOTE_DEAD */

/* The journal's kinds (semcore.jop). */
enum { SEMJ_NONE, SEMJ_OP, SEMJ_CLAIM, SEMJ_LIVE, SEMJ_FREE, SEMJ_SETVAL, SEMJ_SETALL };

/* One operation, as struct sembuf. */
struct semc_op {
	unsigned short num;
	short op;
	short flg;
};

struct semcell {
	uint16_t val;
	uint16_t jval;  /* the journal: the value to be */
	int16_t jadj;   /* the journal: jrec's adjustment to be */
	uint16_t pad;
	int32_t pid;    /* the last to change it */
	int32_t ncnt, zcnt; /* waiting for it to grow, to be 0 */
};

struct semundo {
	int32_t owner;
	uint32_t state;
	int16_t adj[]; /* nsems of them */
};

struct semcore {
	int32_t nsems;
	int32_t nundo;  /* records [0, nundo) may be in use */
	uint32_t jop;   /* SEMJ_NONE, or the change logged, stored last */
	int32_t jrec;   /* the record it touches (-1: none) */
	int32_t jowner; /* SEMJ_CLAIM's owner, SEMJ_OP's pid */
	int32_t jnum;   /* SEMJ_SETVAL's semaphore */
	struct semcell sem[SEMC_MAX];
	_Alignas(8) unsigned char undo[SEMC_UNDO_BYTES];
};

/* Bytes of one record of a set of nsems; records that fit. */
size_t semc_stride(int nsems);
int semc_cap(const struct semcore *c);
/* Record i of c. */
struct semundo *semc_rec(struct semcore *c, int i);

/* Whether ops[0..n) can all be made now, with record rec's adjustments
 * (rec -1: no SEM_UNDO among them): 1 and the journal's jval (and jadj)
 * filled; 0 would wait (*wait_on the semaphore, *zero if for 0); -1 the
 * result (value past SEMC_VMX, adjustment out of range) is ERANGE.
 * sem_num is already checked. */
int semc_try(struct semcore *c, const struct semc_op *ops, size_t n, int rec, int *wait_on,
	     int *zero);

/* Log change op (jval, jadj, jnum filled as it needs) on record rec with
 * owner (or pid), then make it: semc_redo. */
void semc_commit(struct semcore *c, uint32_t op, int rec, int owner);
/* Make the logged change, if any, and clear the log; the same when run
 * again over a change made in part (a holder killed inside it). */
void semc_redo(struct semcore *c);

/* Owner's live record, or -1. */
int semc_find(struct semcore *c, int owner);
/* A free record, or -1 (every one in use). */
int semc_free_slot(struct semcore *c);
/* A record the pager marked dead (its owner ended), or -1. */
int semc_dead(struct semcore *c);
/* Apply record i's adjustments to the values (each kept in 0..SEMC_VMX,
 * as Linux at exit: clamped, never waiting) and free it. */
void semc_release(struct semcore *c, int i);
/* SETVAL: semaphore num is v, its adjustment in every record 0. */
void semc_setval(struct semcore *c, int num, int v);
/* SETALL: the values are v[0..nsems), every adjustment 0. */
void semc_setall(struct semcore *c, const unsigned short *v);

#endif
