/* Futex wait queues (kernel/futex.c): threads sleeping at a 32-bit word
 * until another thread wakes the word.  A key is two words, (space, va):
 * for a private futex (Linux's FUTEX_PRIVATE_FLAG, or any word outside
 * shared memory) the address space and the virtual address, so the same
 * word of two processes is two futexes; for a word in a frame of shared
 * memory (futex_key_shared) the frame's generation (tagged odd: no space
 * pointer is) and the word's physical address, the same in every process
 * mapping the frame, at whatever address.  Pure: the queueing compiles on
 * the host; the sleeping is syscall_futex.c's. */
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

/* The key of the word at physical address pa in a shared frame of
 * generation gen: *space (odd, never a space's address) and *va.  A frame
 * freed and handed out again has another generation, so its old waiters
 * are never woken by the frame's next owner. */
void futex_key_shared(uint64_t pa, uint32_t gen, const void **space, uint64_t *va);

/* True if (space, va) is a key futex_key_shared made. */
bool futex_key_is_shared(const void *space);

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
