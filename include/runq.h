/* Per-CPU run queue: priorities 0 .. PRIO_MAX (higher runs first), FIFO
 * within a priority (round robin), O(1) push, pop and remove.
 *
 * No locking inside: the caller holds its CPU's run-queue lock (with
 * interrupts off) around every call that takes a struct runq, and around
 * any read of a node's fields while it may be queued.
 *
 * struct runq
 *   level[p]  the queued nodes of priority p, oldest first (intrusive)
 *   bitmap    bit p set iff level[p] is non-empty
 *   count     number of queued nodes
 * struct runq_node (embedded in the caller's thread struct)
 *   on        the run queue holding the node, NULL when not queued
 *   prio      0 .. PRIO_MAX; changed only through runq_set_prio */
#ifndef RUNQ_H
#define RUNQ_H

#include <stdint.h>
#include "abi/err.h"
#include "abi/syscall.h"
#include "lib/list.h"

#define RUNQ_LEVELS (PRIO_MAX + 1)
_Static_assert(RUNQ_LEVELS <= 32, "the bitmap is 32 bits");

struct runq_node {
	struct list_link link;
	struct runq *on;
	uint8_t prio;
};

struct runq {
	struct list_link level[RUNQ_LEVELS];
	uint32_t bitmap;
	unsigned count;
};

/* Empty run queue. */
void runq_init(struct runq *rq);

/* Make n an unqueued node of priority prio (clamped to PRIO_MAX).
 * Never on a node that is queued. */
void runq_node_init(struct runq_node *n, unsigned prio);

/* Queue n at the tail of its level (it runs after its equals).
 * E_BUSY if n is already on a run queue. */
int runq_push(struct runq *rq, struct runq_node *n);

/* Queue n at the head of its level (it runs before its equals: a thread
 * preempted before its time slice ended).  E_BUSY if already queued. */
int runq_push_front(struct runq *rq, struct runq_node *n);

/* Dequeue and return the oldest node of the highest non-empty level;
 * NULL if rq is empty. */
struct runq_node *runq_pop(struct runq *rq);

/* The node runq_pop would return, left queued; NULL if empty. */
struct runq_node *runq_peek(struct runq *rq);

/* Dequeue n.  E_NOENT if n is not on rq. */
int runq_remove(struct runq *rq, struct runq_node *n);

/* Change n's priority (clamped to PRIO_MAX); a queued n moves to the tail
 * of its new level.  E_INVAL if n is queued on a run queue other than rq. */
int runq_set_prio(struct runq *rq, struct runq_node *n, unsigned prio);

/* Highest non-empty priority, or -1 if rq is empty. */
int runq_peek_prio(const struct runq *rq);

/* Number of queued nodes. */
unsigned runq_count(const struct runq *rq);

#endif
