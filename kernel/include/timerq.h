/* Sleep queue: nodes ordered by deadline (in ticks), earliest first, equal
 * deadlines in insertion order.
 *
 * A sorted intrusive list, not a heap: the per-tick check (next deadline,
 * pop the expired) and removal of a woken or killed sleeper are O(1) with no
 * index bookkeeping; insertion is O(n) but scans from the latest deadline,
 * where "now + delay" usually lands, and sleepers per CPU are few.
 *
 * No locking inside: the caller holds the queue's lock (the CPU's timer
 * lock, interrupts off) around every call.
 *
 * struct timerq      head: the queued nodes, deadline non-decreasing from
 *                    head.next; count: how many
 * struct timerq_node (embedded in the sleeper) on: the queue holding it,
 *                    NULL when not queued; deadline: valid while queued */
#ifndef TIMERQ_H
#define TIMERQ_H

#include <stdbool.h>
#include <stdint.h>
#include "abi/err.h"
#include "lib/list.h"

struct timerq_node {
	struct list_link link;
	struct timerq *on;
	uint64_t deadline;
};

struct timerq {
	struct list_link head;
	unsigned count;
};

/* Empty queue. */
void timerq_init(struct timerq *q);

/* Make n an unqueued node.  Never on a node that is queued. */
void timerq_node_init(struct timerq_node *n);

/* Queue n to expire at deadline, after every node with a deadline <= it.
 * E_BUSY if n is already queued (on any timer queue). */
int timerq_insert(struct timerq *q, struct timerq_node *n, uint64_t deadline);

/* Dequeue n (a sleeper woken early).  E_NOENT if n is not on q. */
int timerq_remove(struct timerq *q, struct timerq_node *n);

/* Dequeue and return the earliest node whose deadline <= now (the oldest of
 * equals); NULL if none has expired. */
struct timerq_node *timerq_pop_expired(struct timerq *q, uint64_t now);

/* Earliest queued deadline; UINT64_MAX if q is empty. */
uint64_t timerq_next_deadline(const struct timerq *q);

/* True while n is on a timer queue. */
bool timerq_queued(const struct timerq_node *n);

#endif
