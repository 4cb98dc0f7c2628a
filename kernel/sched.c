/* Per-CPU scheduling: run queues, switching, time slices, sleeping, idle. */
#include "sched.h"
#include "space.h"
#include "kernel.h"
#include "printk.h"

/* One per CPU, cache-line aligned.
 *   lock      guards rq and sleepers (taken by other CPUs to wake threads).
 *   current   written only by this CPU.
 *   prev      the thread we just switched away from, for sched_finish_switch. */
struct cpu_sched {
	struct spinlock lock;
	struct runq rq;
	struct timerq sleepers;
	struct thread *current, *idle, *prev;
	uint64_t ticks, idle_ticks, switches;
} __attribute__((aligned(64)));

static struct cpu_sched cpus[MAX_CPUS];

static inline struct cpu_sched *me(void) { return &cpus[arch_cpu_id()]; }

struct thread *sched_current(void) { return me()->current; }

/* The system clock: CPU 0's tick count.  Sleep deadlines use it too, not
 * the sleeper's CPU's own count: the CPUs' timers drift apart (under TCG
 * by whole ticks), and a sleep must last at least what was asked by the
 * clock everyone reads. */
uint64_t sched_ticks(void) { return __atomic_load_n(&cpus[0].ticks, __ATOMIC_RELAXED); }

void sched_init_cpu(unsigned cpu)
{
	struct cpu_sched *c = &cpus[cpu];
	runq_init(&c->rq);
	timerq_init(&c->sleepers);
	c->idle = thread_create_idle(cpu);
	c->current = c->idle;
}

/* Switch from the current thread to next (not on any run queue). */
static void switch_to(struct thread *next)
{
	struct cpu_sched *c = me();
	struct thread *prev = c->current;
	if (next == prev) {
		atomic_store(&prev->state, TS_RUNNING);
		return;
	}
	arch_fpu_leave(prev->fpu);
	next->cpu = arch_cpu_id();
	next->slice = SCHED_SLICE;
	next->runs++;
	atomic_store(&next->state, TS_RUNNING);
	c->current = next;
	/* Decide now: once arch_switch clears prev->on_cpu, prev may run on
	 * another CPU (a direct switch), die and be freed there before
	 * sched_finish_switch runs here. */
	c->prev = atomic_load(&prev->state) == TS_DEAD ? prev : NULL;
	c->switches++;
	arch_set_kstack(next->kstack_pfn ? (uint64_t)arch_phys_to_virt(
		(next->kstack_pfn << 12) + KSTACK_SIZE) : 0);
	if (next->space != prev->space)
		space_switch(prev->space, next->space);
	arch_switch(&prev->ksp, &next->ksp, &prev->on_cpu, &next->on_cpu);
	sched_finish_switch();
}

/* sched_finish_switch: first thing on the new thread after a switch: drop
 * the running reference of a thread that died. (Also reached from
 * thread_first_entry for a thread's very first run.) */
void sched_finish_switch(void)
{
	struct cpu_sched *c = me();
	struct thread *prev = c->prev;
	c->prev = NULL;
	if (prev)
		kobj_put(&prev->obj);
}

/* The best runnable thread of this CPU, dequeued; idle if none. */
static struct thread *pick_next(struct cpu_sched *c)
{
	spin_lock(&c->lock);
	struct runq_node *n = runq_pop(&c->rq);
	spin_unlock(&c->lock);
	return n ? container_of(n, struct thread, rq) : c->idle;
}

void sched_block(struct thread *next)
{
	unsigned long f = arch_irq_save();
	switch_to(next ? next : pick_next(me()));
	arch_irq_restore(f);
}

void sched_yield(void)
{
	unsigned long f = arch_irq_save();
	struct cpu_sched *c = me();
	struct thread *cur = c->current;
	if (cur != c->idle) {
		spin_lock(&c->lock);
		atomic_store(&cur->state, TS_RUNNABLE);
		runq_push(&c->rq, &cur->rq);
		spin_unlock(&c->lock);
	}
	switch_to(pick_next(c));
	arch_irq_restore(f);
}

void sched_wake(struct thread *t)
{
	unsigned long f = arch_irq_save();
	unsigned cpu = t->cpu;
	struct cpu_sched *c = &cpus[cpu];
	spin_lock(&c->lock);
	atomic_store(&t->state, TS_RUNNABLE);
	runq_push(&c->rq, &t->rq);
	bool kick = c->current == c->idle ||
		    c->current->rq.prio < t->rq.prio;
	spin_unlock(&c->lock);
	if (kick && cpu != arch_cpu_id())
		arch_wake_cpu(cpu);
	arch_irq_restore(f);
}

void sched_sleep_ms(uint64_t ms)
{
	unsigned long f = arch_irq_save();
	struct cpu_sched *c = me();
	struct thread *cur = c->current;
	spin_lock(&c->lock);
	atomic_store(&cur->state, TS_SLEEPING);
	if (atomic_load(&cur->kill) && thread_claim(cur, TS_SLEEPING)) {
		/* a kill raced with us: it saw us running, so do not sleep */
		atomic_store(&cur->state, TS_RUNNING);
		spin_unlock(&c->lock);
		arch_irq_restore(f);
		return;
	}
	timerq_insert(&c->sleepers, &cur->sleep, sched_ticks() + (ms ? ms : 1));
	spin_unlock(&c->lock);
	switch_to(pick_next(c));
	arch_irq_restore(f);
}

/* Move every expired sleeper of c to its run queue (c->lock held). */
static void wake_sleepers(struct cpu_sched *c)
{
	struct timerq_node *n;
	while ((n = timerq_pop_expired(&c->sleepers, sched_ticks()))) {
		struct thread *t = container_of(n, struct thread, sleep);
		if (thread_claim(t, TS_SLEEPING))
			runq_push(&c->rq, &t->rq);
	}
}

bool sched_should_yield(void)
{
	struct cpu_sched *c = me();
	spin_lock(&c->lock);
	int best = runq_peek_prio(&c->rq);
	spin_unlock(&c->lock);
	return c->current == c->idle ? best >= 0 : best > (int)c->current->rq.prio;
}

bool sched_tick(void)
{
	struct cpu_sched *c = me();
	c->ticks++;
	spin_lock(&c->lock);
	wake_sleepers(c);
	int best = runq_peek_prio(&c->rq);
	spin_unlock(&c->lock);
	struct thread *cur = c->current;
	if (cur == c->idle) {
		c->idle_ticks++;
		return best >= 0;
	}
	if (cur->slice)
		cur->slice--;
	return best > (int)cur->rq.prio || (best == (int)cur->rq.prio && !cur->slice);
}

/* Remove a killed sleeper from its CPU's sleep queue (thread.c). */
void sched_cancel_sleep(struct thread *t)
{
	struct cpu_sched *c = &cpus[t->cpu];
	unsigned long f = spin_lock_irqsave(&c->lock);
	if (timerq_queued(&t->sleep))
		timerq_remove(&c->sleepers, &t->sleep);
	spin_unlock_irqrestore(&c->lock, f);
}

_Noreturn void sched_idle_loop(void)
{
	struct cpu_sched *c = me();
	for (;;) {
		arch_irq_save();
		spin_lock(&c->lock);
		bool empty = runq_count(&c->rq) == 0;
		spin_unlock(&c->lock);
		if (empty) {
			arch_idle_wait();
			continue;
		}
		switch_to(pick_next(c));
	}
}

void sched_cpu_stats(unsigned cpu, struct sched_cpu_stats *out)
{
	out->idle_ticks = cpus[cpu].idle_ticks;
	out->ticks = cpus[cpu].ticks;
	out->switches = cpus[cpu].switches;
}
