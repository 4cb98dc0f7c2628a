/* Per-CPU run queue: priorities 0 .. PRIO_MAX (higher runs first), FIFO
 * within a priority (round robin), O(1) push, pop and remove; the turns
 * (time slices) of the round robin; and stealing by an idle CPU.
 *
 * No locking inside: the caller holds its CPU's run-queue lock (with
 * interrupts off) around every call that takes a struct runq, and around
 * any read of a node's queue fields while it may be queued.  Exceptions,
 * read and written with relaxed atomics: runq_count and runq_movable may be
 * read without the lock (a hint: another CPU deciding whether to look
 * closer), and a node's turn (slice, charged_at) may be charged by a CPU
 * other than the one holding it (the CPU of a server working on the node's
 * call, see kernel/sched.c).
 *
 * struct runq
 *   level[p]  the queued nodes of priority p, oldest first (intrusive)
 *   bitmap    bit p set iff level[p] is non-empty
 *   count     number of queued nodes
 *   movable   number of queued nodes that are not pinned
 * struct runq_node (embedded in the caller's thread struct)
 *   on        the run queue holding the node, NULL when not queued
 *   prio      0 .. PRIO_MAX, set by runq_node_init
 *   pinned    runq_steal never takes it; changed only while not queued
 *   slice     ticks left in the node's turn, 0 .. RUNQ_SLICE
 *   charged_at  the tick of the turn's last charge
 *
 * Turns: a node pushed to the tail of its level starts a new turn of
 * RUNQ_SLICE ticks; anything else (a direct switch outside the queue)
 * keeps what is left.  A turn not charged for RUNQ_SLICE ticks (its
 * owner blocked that long) is whole again; "ticks" are the clock's ms,
 * so a charge tells a block from a long gap between two ticks of its CPU
 * by whether the node was charged at the earlier one (runq_charge). */
#ifndef RUNQ_H
#define RUNQ_H

#include <stdbool.h>
#include <stdint.h>
#include "abi/err.h"
#include "abi/syscall.h"
#include "lib/list.h"

#define RUNQ_LEVELS (PRIO_MAX + 1)
_Static_assert(RUNQ_LEVELS <= 32, "the bitmap is 32 bits");

#define RUNQ_SLICE 10 /* ticks in a turn */

struct runq_node {
	struct list_link link;
	struct runq *on;
	uint8_t prio;
	bool pinned;
	uint32_t slice;
	uint64_t charged_at;
};

struct runq {
	struct list_link level[RUNQ_LEVELS];
	uint32_t bitmap;
	unsigned count, movable;
};

/* Empty run queue. */
void runq_init(struct runq *rq);

/* Make n an unqueued, unpinned node of priority prio (clamped to PRIO_MAX)
 * with a whole turn.  Never on a node that is queued. */
void runq_node_init(struct runq_node *n, unsigned prio);

/* Mark n pinned (runq_steal leaves it) or not.  E_BUSY if n is queued. */
int runq_node_pin(struct runq_node *n, bool pinned);

/* Queue n at the tail of its level (it runs after its equals) with a new
 * turn.  E_BUSY if n is already on a run queue. */
int runq_push(struct runq *rq, struct runq_node *n);

/* Dequeue and return the oldest node of the highest non-empty level;
 * NULL if rq is empty. */
struct runq_node *runq_pop(struct runq *rq);

/* Dequeue and return the node runq_pop would return if pinned nodes were
 * not there (an idle CPU taking work); NULL if no queued node is movable. */
struct runq_node *runq_steal(struct runq *rq);

/* Highest non-empty priority, or -1 if rq is empty. */
int runq_peek_prio(const struct runq *rq);

/* Number of queued nodes (may be read without the lock: a hint).  Inline:
 * the IPC fast path asks it on every direct switch. */
static inline unsigned runq_count(const struct runq *rq)
{
	return __atomic_load_n(&rq->count, __ATOMIC_RELAXED);
}

/* Number of queued nodes runq_steal could take (a hint without the lock). */
static inline unsigned runq_movable(const struct runq *rq)
{
	return __atomic_load_n(&rq->movable, __ATOMIC_RELAXED);
}

/* Ticks left in n's turn at tick now: whole again if the turn was not
 * charged for RUNQ_SLICE ticks.  Inline: asked on direct switches. */
static inline uint32_t runq_turn_left(const struct runq_node *n, uint64_t now)
{
	if (now >= __atomic_load_n(&n->charged_at, __ATOMIC_RELAXED) + RUNQ_SLICE)
		return RUNQ_SLICE; /* blocked a whole turn's length: whole again */
	return __atomic_load_n(&n->slice, __ATOMIC_RELAXED);
}

/* Charge one tick (at tick now) to n's turn; true if the turn is used up.
 * prev is the charging CPU's tick before this one (0: none).  A node
 * charged at or after prev ran (or had its call worked on) from that tick
 * to this one, however far apart they are: that gap is no block, and its
 * turn is not whole again; one last charged before prev is judged by
 * runq_turn_left's rule.  (With only that rule, ticks RUNQ_SLICE or more
 * apart, a LAPIC timer calibrated slow on a loaded host, found a running
 * thread's turn whole again at every tick: it was never preempted by its
 * equals, and a program whose thread spun waiting for another hung.) */
bool runq_charge(struct runq_node *n, uint64_t now, uint64_t prev);

#endif
