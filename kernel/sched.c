/* Per-CPU scheduling: run queues, switching, time slices, sleeping, idle,
 * and balancing (idle CPUs take queued threads; wakes go to idle CPUs).
 *
 * Time slices are the run queue's turns (runq.h): a thread starts a turn of
 * SCHED_SLICE ticks when it is queued at the back of its level, and keeps
 * what is left across the IPC fast path's direct switches.  A tick is
 * charged to the running thread's turn, or, while it works on a call, to
 * its caller's: a thread calling a server in a loop uses up its turn as
 * fast as a thread spinning, and then an equal waiting on its CPU runs.
 *
 * Locks: one run-queue lock per CPU; no code holds two at once. */
#include "sched.h"
#include "space.h"
#include "arch_api.h"
#include "printk.h"

/* One per CPU, cache-line aligned.
 *   lock      guards rq and sleepers (taken by other CPUs to wake threads
 *             and to steal).
 *   current   written only by this CPU (atomically: others read it as a
 *             hint of whether this CPU is idle).
 *   prev      the thread we just switched away from, for sched_finish_switch. */
struct cpu_sched {
	struct spinlock lock;
	struct runq rq;
	struct timerq sleepers;
	struct thread *current, *idle, *prev;
	uint64_t ticks, idle_ticks, switches, steals;
} __attribute__((aligned(64)));

static struct cpu_sched cpus[MAX_CPUS];

static inline struct cpu_sched *me(void) { return &cpus[arch_cpu_id()]; }

struct thread *sched_current(void) { return me()->current; }

/* True if cpu looks idle: running its idle thread with nothing queued
 * (read without its lock: a hint). */
static bool cpu_idle(unsigned cpu)
{
	struct cpu_sched *c = &cpus[cpu];
	struct thread *idle = __atomic_load_n(&c->idle, __ATOMIC_RELAXED);
	return idle && __atomic_load_n(&c->current, __ATOMIC_RELAXED) == idle &&
	       runq_count(&c->rq) == 0;
}

/* Queue t at the back of c's level (a new turn) and make it c's (c->lock
 * held; t claimed, on no queue). */
static void enqueue(struct cpu_sched *c, struct thread *t)
{
	t->cpu = (unsigned)(c - cpus);
	runq_node_pin(&t->rq, t->pinned);
	runq_push(&c->rq, &t->rq);
}

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
	struct thread *idle = thread_create_idle(cpu);
	__atomic_store_n(&c->current, idle, __ATOMIC_RELAXED);
	__atomic_store_n(&c->idle, idle, __ATOMIC_RELEASE);
}

/* Switch from the current thread of c (this CPU's) to next (not on any run
 * queue). */
static void switch_to(struct cpu_sched *c, struct thread *next)
{
	struct thread *prev = c->current;
	if (next == prev) {
		atomic_store(&prev->state, TS_RUNNING);
		return;
	}
	arch_fpu_leave(prev->fpu);
	next->cpu = (unsigned)(c - cpus);
	next->runs++;
	atomic_store(&next->state, TS_RUNNING);
	__atomic_store_n(&c->current, next, __ATOMIC_RELAXED);
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

/* True if claimed thread t may run on c at once (a direct switch): its turn
 * is not used up, or nothing of its priority or above waits on c.  The
 * caller has seen something queued on c (without the lock: a thread queued
 * a moment ago and missed waits for the next tick). */
static bool may_run_now(struct cpu_sched *c, struct thread *t)
{
	if (runq_turn_left(&t->rq, sched_ticks()))
		return true;
	spin_lock(&c->lock);
	int best = runq_peek_prio(&c->rq);
	spin_unlock(&c->lock);
	return best < (int)t->rq.prio;
}

void sched_block(struct thread *next)
{
	unsigned long f = arch_irq_save();
	struct cpu_sched *c = me();
	if (next && runq_count(&c->rq) && !may_run_now(c, next)) {
		sched_wake(next); /* its turn is over: behind its equals */
		next = NULL;
	}
	switch_to(c, next ? next : pick_next(c));
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
		enqueue(c, cur);
		spin_unlock(&c->lock);
	}
	switch_to(c, pick_next(c));
	arch_irq_restore(f);
}

/* The CPU whose queue woken thread t joins: its own if pinned or idle, else
 * the first idle CPU after it, else its own. */
static unsigned wake_target(const struct thread *t)
{
	unsigned prev = t->cpu, n = arch_ncpus();
	if (t->pinned || cpu_idle(prev))
		return prev;
	for (unsigned i = 1; i < n; i++) {
		unsigned cpu = (prev + i) % n;
		if (cpu_idle(cpu))
			return cpu;
	}
	return prev;
}

void sched_wake(struct thread *t)
{
	unsigned long f = arch_irq_save();
	unsigned cpu = wake_target(t);
	struct cpu_sched *c = &cpus[cpu];
	spin_lock(&c->lock);
	atomic_store(&t->state, TS_RUNNABLE);
	enqueue(c, t);
	struct thread *cur = __atomic_load_n(&c->current, __ATOMIC_RELAXED);
	bool kick = cur == c->idle || cur->rq.prio < t->rq.prio;
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
	if (thread_killed_meanwhile(cur, TS_SLEEPING)) {
		spin_unlock(&c->lock);
		arch_irq_restore(f);
		return;
	}
	timerq_insert(&c->sleepers, &cur->sleep, sched_ticks() + (ms ? ms : 1));
	spin_unlock(&c->lock);
	switch_to(c, pick_next(c));
	arch_irq_restore(f);
}

/* Move every expired sleeper of c to its run queue (c->lock held); idle
 * CPUs take them from there. */
static void wake_sleepers(struct cpu_sched *c)
{
	struct timerq_node *n;
	while ((n = timerq_pop_expired(&c->sleepers, sched_ticks()))) {
		struct thread *t = container_of(n, struct thread, sleep);
		if (thread_claim(t, TS_SLEEPING))
			enqueue(c, t);
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

/* The tick is charged to the running thread's turn, or to its caller's
 * while it works on a call (the caller holds its reference till the reply;
 * only the running thread changes its caller, and the tick came from ring
 * 3).  The thread yields to a better one, or to an equal once the turn is
 * used up. */
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
	struct thread *payer = cur->caller ? cur->caller : cur;
	bool spent = runq_charge(&payer->rq, sched_ticks());
	return best > (int)cur->rq.prio || (best == (int)cur->rq.prio && spent);
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

/* A thread taken from the queue of the first CPU after this one that has
 * an unpinned thread waiting; NULL if none has.  Holds one lock at a time;
 * the thread was TS_RUNNABLE in a queue, so nobody else can run it now. */
static struct thread *steal(struct cpu_sched *c)
{
	unsigned self = arch_cpu_id(), n = arch_ncpus();
	for (unsigned i = 1; i < n; i++) {
		struct cpu_sched *v = &cpus[(self + i) % n];
		if (!runq_movable(&v->rq))
			continue;
		spin_lock(&v->lock);
		struct runq_node *node = runq_steal(&v->rq);
		spin_unlock(&v->lock);
		if (node) {
			c->steals++;
			return container_of(node, struct thread, rq);
		}
	}
	return NULL;
}

/* Run this CPU's queue, else take work from a busy CPU, else halt until
 * the next interrupt (the tick, or a wake IPI) and look again. */
_Noreturn void sched_idle_loop(void)
{
	struct cpu_sched *c = me();
	for (;;) {
		arch_irq_save();
		struct thread *t = pick_next(c);
		if (t == c->idle)
			t = steal(c);
		if (t)
			switch_to(c, t);
		else
			arch_idle_wait();
	}
}

void sched_cpu_stats(unsigned cpu, struct sched_cpu_stats *out)
{
	out->idle_ticks = cpus[cpu].idle_ticks;
	out->ticks = cpus[cpu].ticks;
	out->switches = cpus[cpu].switches;
	out->steals = cpus[cpu].steals;
}
