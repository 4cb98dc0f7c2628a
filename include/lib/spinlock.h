/* Ticket spinlock, pure C11 atomics, so the same code runs in the kernel and
 * on the host.  spin_lock_irqsave disables interrupts first, so a lock taken
 * by an interrupt handler can never deadlock against its own CPU. */
#ifndef LIB_SPINLOCK_H
#define LIB_SPINLOCK_H

#include <stdatomic.h>
#include <stdint.h>
#include "hooks.h"

struct spinlock {
	_Atomic uint32_t next;    /* next ticket to hand out */
	_Atomic uint32_t serving; /* ticket now holding the lock */
};

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(struct spinlock *l)
{
	uint32_t t = atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);
	while (atomic_load_explicit(&l->serving, memory_order_acquire) != t)
		arch_cpu_relax();
}

static inline void spin_unlock(struct spinlock *l)
{
	uint32_t s = atomic_load_explicit(&l->serving, memory_order_relaxed);
	atomic_store_explicit(&l->serving, s + 1, memory_order_release);
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
