/* The pager's locks: spin locks between its threads (one per CPU, each
 * pinned, at a priority above every program: a holder is never preempted
 * by a waiter, so waiting is spinning).  Pure (host-tested with pthreads).
 *
 * struct lock      mutual exclusion.
 * struct rwlock    many readers or one writer; a waiting writer holds new
 *                  readers back (requests are not starved by faults).  A
 *                  long wait naps (nap, if set) after RW_SPINS turns: a
 *                  thread spinning in the pager keeps the pager's space
 *                  loaded on its CPU, so every frame the writer frees would
 *                  cost that CPU a TLB shootdown.
 * Zeroed memory is an unlocked lock.  The rules (what each lock guards, the
 * order they nest in) are in docs/ARCHITECTURE.md, "The pager's threads". */
#ifndef PAGER_LOCK_H
#define PAGER_LOCK_H

#include <stdbool.h>

struct lock {
	int held;
};

struct rwlock {
	int state;   /* readers inside, or -1: a writer */
	int writers; /* writers waiting */
	int readers; /* readers waiting */
	void (*nap)(void); /* how a long wait gives the CPU up (NULL: spin) */
};

#define RW_SPINS 2048

static inline void lock_relax(void)
{
	__builtin_ia32_pause();
}

static inline void lock_take(struct lock *l)
{
	while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->held, __ATOMIC_RELAXED))
			lock_relax();
}

/* lock_take for a lock that may be held long (a process's lock across a
 * munmap of many pages): after RW_SPINS turns, nap (if not NULL) between
 * tries, as a long wait for a struct rwlock does. */
static inline void lock_take_nap(struct lock *l, void (*nap)(void))
{
	unsigned turns = 0;
	while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->held, __ATOMIC_RELAXED))
			if (++turns % RW_SPINS == 0 && nap)
				nap();
			else
				lock_relax();
}

static inline void lock_give(struct lock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}

/* One turn of waiting for l: a pause, or a nap every RW_SPINS turns. */
static inline void rw_wait(const struct rwlock *l, unsigned *turns)
{
	if (++*turns % RW_SPINS == 0 && l->nap)
		l->nap();
	else
		lock_relax();
}

static inline void rw_read(struct rwlock *l)
{
	__atomic_fetch_add(&l->readers, 1, __ATOMIC_RELAXED);
	for (unsigned turns = 0;; rw_wait(l, &turns)) {
		int s = __atomic_load_n(&l->state, __ATOMIC_RELAXED);
		if (s >= 0 && !__atomic_load_n(&l->writers, __ATOMIC_RELAXED) &&
		    __atomic_compare_exchange_n(&l->state, &s, s + 1, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			break;
	}
	__atomic_fetch_sub(&l->readers, 1, __ATOMIC_RELAXED);
}

static inline void rw_read_done(struct rwlock *l)
{
	__atomic_fetch_sub(&l->state, 1, __ATOMIC_RELEASE);
}

static inline void rw_write(struct rwlock *l)
{
	__atomic_fetch_add(&l->writers, 1, __ATOMIC_RELAXED);
	for (unsigned turns = 0;; rw_wait(l, &turns)) {
		int s = 0;
		if (__atomic_compare_exchange_n(&l->state, &s, -1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			break;
	}
	__atomic_fetch_sub(&l->writers, 1, __ATOMIC_RELAXED);
}

static inline void rw_write_done(struct rwlock *l)
{
	__atomic_store_n(&l->state, 0, __ATOMIC_RELEASE);
}

/* A writer in the middle of a long task lets the readers that wait now in
 * (for up to RW_SPINS turns: a napping one comes in at a later yield),
 * then writes again once they are done. */
static inline void rw_write_yield(struct rwlock *l)
{
	rw_write_done(l);
	for (unsigned turns = 0;
	     __atomic_load_n(&l->readers, __ATOMIC_RELAXED) && turns < RW_SPINS; turns++)
		lock_relax();
	rw_write(l);
}

/* Statistics counters bumped by several threads at once. */
#define STAT_ADD(counter, n) __atomic_fetch_add(&(counter), (n), __ATOMIC_RELAXED)
#define STAT_SUB(counter, n) __atomic_fetch_sub(&(counter), (n), __ATOMIC_RELAXED)

#endif
