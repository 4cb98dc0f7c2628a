/* Test-and-test-and-set spinlock, pure C11 atomics, so the same code runs in
 * the kernel and on the host.  Not a ticket lock on purpose: under QEMU the
 * virtual CPUs are host threads that the host may deschedule, and a fair
 * lock then stalls every waiter behind a descheduled next-in-line; here any
 * running waiter can take a free lock.  spin_lock_irqsave disables
 * interrupts first, so a lock taken by an interrupt handler can never
 * deadlock against its own CPU. */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "hooks.h"

struct spinlock {
	_Atomic uint32_t held; /* 1 while someone holds the lock */
};

#define SPINLOCK_INIT { 0 }

static inline bool spin_trylock(struct spinlock *l)
{
	return !atomic_exchange_explicit(&l->held, 1, memory_order_acquire);
}

static inline void spin_lock(struct spinlock *l)
{
	while (!spin_trylock(l))
		while (atomic_load_explicit(&l->held, memory_order_relaxed))
			arch_cpu_relax();
}

static inline void spin_unlock(struct spinlock *l)
{
	atomic_store_explicit(&l->held, 0, memory_order_release);
}

static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long f = arch_irq_save();
	spin_lock(l);
	return f;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, unsigned long f)
{
	spin_unlock(l);
	arch_irq_restore(f);
}

#endif
