/* Futex wait queues: a fixed table of buckets, each a spinlock and a FIFO
 * list of waiters, chosen by a hash of the key (space, address, or for
 * shared memory tagged generation, physical address: futex.h).  Waiters
 * of different keys may share a bucket; futex_wake compares the whole key. */
#include "futex.h"
#include "spinlock.h"

#define FUTEX_HASH_SHIFT 6
#define FUTEX_BUCKETS (1u << FUTEX_HASH_SHIFT)

/* q.next is NULL until the bucket is first used (the table is static). */
static struct bucket {
	struct spinlock lock;
	struct list_link q;
} buckets[FUTEX_BUCKETS];

/* Lock the bucket of (space, va); the caller unlocks b->lock with *f. */
static struct bucket *lock_bucket(const void *space, uint64_t va, unsigned long *f)
{
	uint64_t h = ((uintptr_t)space ^ (va >> 2)) * 0x9e3779b97f4a7c15ull;
	struct bucket *b = &buckets[h >> (64 - FUTEX_HASH_SHIFT)];
	*f = spin_lock_irqsave(&b->lock);
	if (!b->q.next)
		list_init(&b->q);
	return b;
}

void futex_key_shared(uint64_t pa, uint32_t gen, const void **space, uint64_t *va)
{
	*space = (const void *)(((uintptr_t)gen << 1) | 1);
	*va = pa;
}

bool futex_key_is_shared(const void *space)
{
	return (uintptr_t)space & 1;
}

void futex_enqueue(struct futex_waiter *w)
{
	unsigned long f;
	struct bucket *b = lock_bucket(w->space, w->va, &f);
	w->woken = false;
	list_add(b->q.prev, &w->link);
	spin_unlock_irqrestore(&b->lock, f);
}

bool futex_leave(struct futex_waiter *w)
{
	unsigned long f;
	struct bucket *b = lock_bucket(w->space, w->va, &f);
	bool woken = w->woken;
	if (!woken)
		list_del(&w->link);
	spin_unlock_irqrestore(&b->lock, f);
	return woken;
}

unsigned futex_wake(const void *space, uint64_t va, unsigned n,
		    void (*wake)(struct futex_waiter *w))
{
	unsigned long f;
	struct bucket *b = lock_bucket(space, va, &f);
	unsigned done = 0;
	struct list_link *l = b->q.next;
	while (l != &b->q && done < n) {
		struct futex_waiter *w = container_of(l, struct futex_waiter, link);
		l = l->next;
		if (w->space != space || w->va != va)
			continue;
		list_del(&w->link);
		w->woken = true;
		wake(w);
		done++;
	}
	spin_unlock_irqrestore(&b->lock, f);
	return done;
}
