/* The pager's locks between its threads (one per CPU, each pinned, at a
 * priority above every program: a holder is never preempted by a
 * waiter).  Pure (host-tested with pthreads and Linux futexes).
 *
 * struct lock      mutual exclusion.
 * struct brlock    many readers or one writer, each reader counted in a
 *                  slot of its own; a waiting writer holds new readers
 *                  back (requests are not starved by faults).
 * A wait spins RW_SPINS turns, then sleeps (lock_sleep, a futex wait) until
 * the holder's release wakes it: a thread spinning in the pager keeps the
 * pager's space loaded on its CPU, so every frame the holder frees (its
 * window mapping goes) would cost that CPU a TLB shootdown, and under TCG
 * on a busy host each one waits for that vCPU's host time slice.  A
 * sleeping thread leaves its CPU (the idle loop loads no space).
 * Zeroed memory is an unlocked lock.  The rules (what each lock guards, the
 * order they nest in) are in docs/ARCHITECTURE.md, "The pager's threads". */
#ifndef PAGER_LOCK_H
#define PAGER_LOCK_H

#include <stdbool.h>

/* How a long wait leaves the CPU: sleep while *word == val (may return
 * early or spuriously), and wake n of the sleepers at word.  Set once,
 * before a second thread runs; NULL (the default): waits only spin. */
extern void (*lock_sleep)(int *word, int val);
extern void (*lock_wake)(int *word, int n);

struct lock {
	int held; /* 0 free, 1 held, 2 held and someone may sleep on it */
};

#define RW_SPINS 2048

static inline void lock_relax(void)
{
	__builtin_ia32_pause();
}

static inline void lock_take(struct lock *l)
{
	int v = 0;
	if (__atomic_compare_exchange_n(&l->held, &v, 1, false, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED))
		return;
	for (unsigned turns = 0; turns < RW_SPINS || !lock_sleep; turns++) {
		v = 0;
		if (!__atomic_load_n(&l->held, __ATOMIC_RELAXED) &&
		    __atomic_compare_exchange_n(&l->held, &v, 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		lock_relax();
	}
	/* Taken with 2 from here on (other sleepers are not known): our give
	 * then wakes the next one. */
	while (__atomic_exchange_n(&l->held, 2, __ATOMIC_ACQUIRE))
		lock_sleep(&l->held, 2);
}

static inline void lock_give(struct lock *l)
{
	if (__atomic_exchange_n(&l->held, 0, __ATOMIC_RELEASE) == 2)
		lock_wake(&l->held, 1);
}

/* ---- struct brlock: a reader-writer lock whose readers each count in a
 * slot of their own (a cache line each), so that readers on different
 * CPUs never write one line: a reader's way in and out is an atomic add
 * to its own slot and a look at wr, which only writers write (the
 * "big-reader" lock).  A writer raises wr (one writer at a time), which
 * holds new readers back (a reader that finds it up takes its count back
 * and waits), then waits until every slot reads 0.  Both sides add or set
 * first and look after (sequentially consistent), so a reader and a
 * writer never both go in.  Waiting is rw_wait's: spin, then sleep on
 * seq, woken by every release that might open the lock. ---- */

#define BR_SLOTS 72

struct brlock {
	int wr;       /* 1: a writer holds the lock or waits for the readers */
	int writers;  /* writers waiting for wr */
	int readers;  /* readers waiting (held back by a writer) */
	int sleepers; /* waiters asleep or about to be */
	int seq;      /* bumped by a release that finds sleepers */
	unsigned nslots;
	struct {
		int n;
	} __attribute__((aligned(64))) slot[BR_SLOTS];
};

/* Before first use: readers will use slots 0..nslots-1 (at most
 * BR_SLOTS). */
static inline void br_init(struct brlock *l, unsigned nslots)
{
	l->nslots = nslots < BR_SLOTS ? nslots : BR_SLOTS;
}

static inline bool br_readers_out(const struct brlock *l)
{
	for (unsigned i = 0; i < l->nslots; i++)
		if (__atomic_load_n(&l->slot[i].n, __ATOMIC_SEQ_CST))
			return false;
	return true;
}

/* Whether a held-back reader (writer false: wr down) or the writer
 * (every slot 0) could go on now. */
static inline bool br_open(const struct brlock *l, bool writer)
{
	return writer ? br_readers_out(l) : !__atomic_load_n(&l->wr, __ATOMIC_SEQ_CST);
}

static inline void br_wait(struct brlock *l, unsigned *turns, bool writer)
{
	if (++*turns < RW_SPINS || !lock_sleep) {
		lock_relax();
		return;
	}
	__atomic_fetch_add(&l->sleepers, 1, __ATOMIC_SEQ_CST);
	int seq = __atomic_load_n(&l->seq, __ATOMIC_SEQ_CST);
	if (!br_open(l, writer))
		lock_sleep(&l->seq, seq);
	__atomic_fetch_sub(&l->sleepers, 1, __ATOMIC_SEQ_CST);
}

static inline void br_wake(struct brlock *l)
{
	if (__atomic_load_n(&l->sleepers, __ATOMIC_SEQ_CST)) {
		__atomic_fetch_add(&l->seq, 1, __ATOMIC_SEQ_CST);
		lock_wake(&l->seq, __INT_MAX__);
	}
}

static inline void br_read(struct brlock *l, unsigned slot)
{
	int *n = &l->slot[slot].n;
	__atomic_fetch_add(n, 1, __ATOMIC_SEQ_CST);
	if (__builtin_expect(!__atomic_load_n(&l->wr, __ATOMIC_SEQ_CST), 1))
		return;
	__atomic_fetch_add(&l->readers, 1, __ATOMIC_RELAXED);
	do {
		__atomic_fetch_sub(n, 1, __ATOMIC_SEQ_CST);
		br_wake(l); /* the writer may sleep waiting for this slot */
		for (unsigned turns = 0; !br_open(l, false); br_wait(l, &turns, false))
			;
		__atomic_fetch_add(n, 1, __ATOMIC_SEQ_CST);
	} while (__atomic_load_n(&l->wr, __ATOMIC_SEQ_CST));
	__atomic_fetch_sub(&l->readers, 1, __ATOMIC_RELAXED);
}

static inline void br_read_done(struct brlock *l, unsigned slot)
{
	__atomic_fetch_sub(&l->slot[slot].n, 1, __ATOMIC_SEQ_CST);
	if (__builtin_expect(__atomic_load_n(&l->wr, __ATOMIC_SEQ_CST), 0))
		br_wake(l);
}

static inline void br_write(struct brlock *l)
{
	__atomic_fetch_add(&l->writers, 1, __ATOMIC_RELAXED);
	for (unsigned turns = 0;; br_wait(l, &turns, false)) {
		int v = 0;
		if (__atomic_compare_exchange_n(&l->wr, &v, 1, false, __ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED))
			break;
	}
	__atomic_fetch_sub(&l->writers, 1, __ATOMIC_RELAXED);
	for (unsigned turns = 0; !br_readers_out(l); br_wait(l, &turns, true))
		;
}

static inline void br_write_done(struct brlock *l)
{
	__atomic_store_n(&l->wr, 0, __ATOMIC_SEQ_CST);
	br_wake(l);
}

/* rw_write_yield's: the readers held back now go in first. */
static inline void br_write_yield(struct brlock *l)
{
	br_write_done(l);
	for (unsigned turns = 0;
	     __atomic_load_n(&l->readers, __ATOMIC_RELAXED) && turns < RW_SPINS; turns++)
		lock_relax();
	br_write(l);
}

/* Statistics counters bumped by several threads at once. */
#define STAT_ADD(counter, n) __atomic_fetch_add(&(counter), (n), __ATOMIC_RELAXED)
#define STAT_SUB(counter, n) __atomic_fetch_sub(&(counter), (n), __ATOMIC_RELAXED)

#endif
