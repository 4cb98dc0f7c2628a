/* Futex wait queues (kernel/futex.c): threads sleeping at a 32-bit word of
 * their address space until another thread of that space wakes the word
 * (Linux's FUTEX_PRIVATE_FLAG: the key is the space and the address, so
 * a word shared between two processes is two different futexes).  Pure:
 * the queueing compiles on the host; the sleeping is syscall_futex.c's. */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/list.h"

/* One waiting thread; lives on the waiter's kernel stack from futex_enqueue
 * to futex_leave. `woken` is read and written under its bucket's lock. */
struct futex_waiter {
	struct list_link link;
	const void *space;
	uint64_t va;
	void *thread;
	bool woken;
};

/* Queue w (space, va and thread filled in) at the tail of its key's queue. */
void futex_enqueue(struct futex_waiter *w);

/* Take w out of its queue if a waker has not already; true if a waker took
 * it (then it was counted as woken).  After this returns no waker touches
 * w or its thread any more, so the waiter may return and end. */
bool futex_leave(struct futex_waiter *w);

/* Wake up to n waiters queued at (space, va), oldest first: each is taken
 * out of the queue, marked woken and passed to wake (under the bucket's
 * lock: wake must not take it again).  Returns how many. */
unsigned futex_wake(const void *space, uint64_t va, unsigned n,
		    void (*wake)(struct futex_waiter *w));

#endif
