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
#include "mm/frame.h"

/* CPU i's part (struct cpu_sched: sched.h), kept by the arch beside its
 * own per-CPU data (arch_cpu_area). */
static inline struct cpu_sched *cpu_at(unsigned i)
{
	return arch_cpu_area(i);
}
_Static_assert(sizeof(struct cpu_sched) <= ARCH_CPU_AREA_SIZE, "fits arch_cpu_area");

/* This CPU's part: one load through the CPU-local pointer once the CPU has
 * joined the scheduler, by CPU number before. */
static inline struct cpu_sched *me(void)
{
	struct cpu_sched *c = arch_cpu_local();
	return c ? c : cpu_at(arch_cpu_id());
}

_Static_assert(__builtin_offsetof(struct cpu_sched, current) == 0,
	       "sched_current reads the first word");

/* True if cpu looks idle: running its idle thread with nothing queued
 * (read without its lock: a hint). */
static bool cpu_idle(unsigned cpu)
{
	struct cpu_sched *c = cpu_at(cpu);
	struct thread *idle = __atomic_load_n(&c->idle, __ATOMIC_RELAXED);
	return idle && __atomic_load_n(&c->current, __ATOMIC_RELAXED) == idle &&
	       runq_count(&c->rq) == 0;
}

/* Queue t at the back of c's level (a new turn) and make it c's (c->lock
 * held; t claimed, on no queue). */
static void enqueue(struct cpu_sched *c, struct thread *t)
{
	t->cpu = c->id;
	runq_node_pin(&t->rq, t->pinned);
	if (runq_push(&c->rq, &t->rq) != E_OK) /* a wake with no claim: a kernel bug */
		printk("kobj: thread %lu woken while in use (on a run queue)\n", t->tid);
}

/* The system clock, in ms: the TSC (one clock for every CPU, also under
 * QEMU) since the boot CPU's scheduler started.  Sleep deadlines and time
 * slices use it; it runs on while every timer is stopped (idle CPUs have
 * no tick). */
static uint64_t cycles_per_ms = 1;
/* in .data beside cycles_per_ms (not .bss): one page for sched_ticks,
 * which the fast path's sched_direct_ok asks when something is queued */
static __attribute__((section(".data"))) uint64_t clock_start;

uint64_t sched_ticks(void)
{
	return (arch_cycles() - clock_start) / cycles_per_ms;
}

void sched_init_cpu(unsigned cpu)
{
	struct cpu_sched *c = cpu_at(cpu);
	uint64_t cpm = arch_cycles_per_sec() / 1000, zero = 0; /* the first CPU here */
	__atomic_store_n(&cycles_per_ms, cpm ? cpm : 1, __ATOMIC_RELAXED); /* starts the clock */
	__atomic_compare_exchange_n(&clock_start, &zero, arch_cycles(), false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	c->started = arch_cycles();
	c->live_segs = arch_segs_get();
	c->id = cpu;
	arch_set_cpu_local(c); /* called on cpu itself */
	c->ticking = true; /* the caller starts the tick next */
	runq_init(&c->rq);
	timerq_init(&c->sleepers);
	struct thread *idle = thread_create_idle(cpu);
	__atomic_store_n(&c->current, idle, __ATOMIC_RELAXED);
	__atomic_store_n(&c->idle, idle, __ATOMIC_RELEASE);
}

/* The first steps of both switches (switch_to, sched_switch_fast): prev's
 * FPU state and data selectors left, next made this CPU's current.  The
 * data selectors are the thread's (a value left by one thread was
 * another's to read): a program's thread leaving has its saved (the
 * pager's threads and idle load none: what is live stays so); next's are
 * loaded after the hand-over (sched_load_segs). */
static inline void switch_begin(struct cpu_sched *c, struct thread *prev,
				struct thread *next)
{
	arch_fpu_leave(prev->fpu);
	if (prev->user_segs)
		c->live_segs = prev->segs = arch_segs_get();
	next->cpu = c->id;
	next->runs++;
	atomic_store(&next->state, TS_RUNNING);
	__atomic_store_n(&c->current_prio, next->rq.prio, __ATOMIC_RELAXED);
	__atomic_store_n(&c->current, next, __ATOMIC_RELAXED);
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
	switch_begin(c, prev, next);
	/* Decide now: once arch_switch clears prev->on_cpu, prev may run on
	 * another CPU (a direct switch), die and be freed there before
	 * sched_finish_switch runs here. */
	c->prev = atomic_load(&prev->state) == TS_DEAD ? prev : NULL;
	c->switches++;
	arch_set_kstack(thread_kstack_top(next)); /* idle: none */
	if (next->space != prev->space)
		space_switch(prev->space, next->space, c->id);
	arch_switch(&prev->ksp, &next->ksp, &prev->on_cpu, &next->on_cpu);
	sched_finish_switch();
}

/* sched_finish_switch: first thing on the new thread after a switch: its
 * selectors, and the running reference of a thread that died dropped
 * (thread_life_put: with it, unless a receiver still has its call, its
 * obj reference and its use of its space).
 * (Also reached from thread_first_entry for a thread's very first run.) */
void sched_finish_switch(void)
{
	struct cpu_sched *c = me();
	sched_load_segs();
	struct thread *prev = c->prev;
	c->prev = NULL;
	if (prev)
		thread_life_put(prev);
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

void sched_switch_direct(struct thread *next)
{
	switch_to(me(), next);
}

/* switch_to for sched_switch_fast: the same steps (prev is blocked, not
 * dead: nothing for sched_finish_switch), arch_switch_fast at the end. */
_Noreturn void sched_switch_fast(struct cpu_sched *c, struct thread *next, unsigned how)
{
	struct thread *prev = c->current;
	switch_begin(c, prev, next);
	c->switches++;
	arch_set_kstack((uint64_t)next); /* a user thread: thread_kstack_top */
	if (next->space != prev->space)
		space_switch(prev->space, next->space, c->id);
	unsigned next_how = next->resume;
	arch_switch_fast(&prev->ksp, prev->uframe, &prev->on_cpu, &next->on_cpu,
			 next_how ? next->uframe : (const void *)&next->ksp,
			 ARCH_SWITCH_HOWS(how, next_how));
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

void sched_pin_current(unsigned cpu, bool pin)
{
	unsigned long f = arch_irq_save();
	struct cpu_sched *c = me();
	struct thread *cur = c->current;
	cur->pinned = pin;
	if (pin && cpu != c->id) { /* as sched_yield, queued on cpu instead */
		struct cpu_sched *to = cpu_at(cpu);
		spin_lock(&to->lock);
		atomic_store(&cur->state, TS_RUNNABLE);
		enqueue(to, cur);
		struct thread *there = __atomic_load_n(&to->current, __ATOMIC_RELAXED);
		bool kick = there == to->idle ||
			    __atomic_load_n(&to->current_prio, __ATOMIC_RELAXED) < cur->rq.prio;
		spin_unlock(&to->lock);
		if (kick)
			arch_wake_cpu(cpu);
		switch_to(c, pick_next(c));
	}
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
	struct cpu_sched *c = cpu_at(cpu);
	spin_lock(&c->lock);
	atomic_store(&t->state, TS_RUNNABLE);
	enqueue(c, t);
	struct thread *cur = __atomic_load_n(&c->current, __ATOMIC_RELAXED);
	bool kick = cur == c->idle ||
		    __atomic_load_n(&c->current_prio, __ATOMIC_RELAXED) < t->rq.prio;
	spin_unlock(&c->lock);
	if (kick && cpu != arch_cpu_id())
		arch_wake_cpu(cpu);
	arch_irq_restore(f);
}

void sched_sleep_ms(uint64_t ms)
{
	sched_sleep_ms_unless(ms, NULL);
}

/* True if current (just published TS_SLEEPING) took itself back because
 * ready() says there is no need to sleep.  If a waker claimed it first,
 * it sleeps on and the waker's wake ends it at once. */
static bool ready_meanwhile(struct thread *cur, bool (*ready)(void))
{
	if (!ready || !ready() || !thread_claim(cur, TS_SLEEPING))
		return false;
	atomic_store(&cur->state, TS_RUNNING);
	return true;
}

void sched_sleep_ms_unless(uint64_t ms, bool (*ready)(void))
{
	unsigned long f = arch_irq_save();
	struct cpu_sched *c = me();
	struct thread *cur = c->current;
	spin_lock(&c->lock);
	atomic_store(&cur->state, TS_SLEEPING);
	if (thread_killed_meanwhile(cur, TS_SLEEPING) || ready_meanwhile(cur, ready)) {
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

static void kick_idle(struct cpu_sched *c);

bool sched_should_yield(void)
{
	struct cpu_sched *c = me();
	spin_lock(&c->lock);
	int best = runq_peek_prio(&c->rq);
	spin_unlock(&c->lock);
	return c->current == c->idle ? best >= 0 : best > (int)c->current->rq.prio;
}

/* CPU time, sampled: each tick charges the time since this CPU's previous
 * tick (by the TSC; since the tick restarted, after idle) to the thread
 * it finds running (not idle) and to its space, whether it was in ring 3
 * or in the kernel (the kernel runs with interrupts off, so the tick lands
 * at the next instruction of ring 3 or idle: no split of user and system
 * time).  A CPU with a thread to run always ticks (only idle stops the
 * tick), so a thread running for n ms is charged about n ms, also when
 * ticks were lost (a host that did not run this guest CPU for a while:
 * the thread is charged that time, as Linux's would be); one that runs
 * and blocks between ticks is charged less, one found at every tick
 * more.  Nothing is charged on the IPC or fault paths.  A thread's own
 * counter is written by the CPU running it only; the space's by any. */
static void charge_cpu(struct cpu_sched *c, struct thread *cur)
{
	uint64_t now = arch_cycles(), was = c->tick_at;
	c->tick_at = now;
	if (cur == c->idle || !was || now <= was)
		return;
	uint64_t d = now - was; /* below SCHED_CHARGE_MAX_NS: d * 10^6 fits */
	uint64_t ns = d / cycles_per_ms >= SCHED_CHARGE_MAX_NS / 1000000 ?
		      SCHED_CHARGE_MAX_NS : d * 1000000 / cycles_per_ms;
	cur->cpu_ns += ns;
	if (cur->space)
		atomic_fetch_add_explicit(&cur->space->cpu_ns, ns, memory_order_relaxed);
}

/* The tick is charged to the running thread's turn, or to its caller's
 * while it works on a call and the caller still waits for the reply (the
 * caller holds its reference till the reply; only the running thread
 * changes its caller, and the tick came from ring 3; a caller a killer
 * woke meanwhile may be charged by its own CPU too: at worst a slice
 * counted twice, never memory).  The thread yields to a better one, or to
 * an equal once the turn is used up. */
bool sched_tick(void)
{
	struct cpu_sched *c = me();
	c->ticks++;
	uint64_t now = sched_ticks(), prev = c->tick_ms; /* every tick, idle's too */
	c->tick_ms = now;
	spin_lock(&c->lock);
	wake_sleepers(c);
	int best = runq_peek_prio(&c->rq);
	spin_unlock(&c->lock);
	struct thread *cur = c->current;
	charge_cpu(c, cur);
	if (cur == c->idle)
		return best >= 0;
	kick_idle(c);
	struct thread *payer = cur->caller &&
			       atomic_load(&cur->caller->state) == TS_BLOCKED_REPLY ? cur->caller : cur;
	bool spent = runq_charge(&payer->rq, now, prev);
	return best > (int)cur->rq.prio || (best == (int)cur->rq.prio && spent);
}

/* Idle CPUs have no tick to look for work with: while threads another CPU
 * could take wait in c's queue (woken sleepers, preempted threads), the
 * first idle CPU is woken, once per tick of c, to steal one. */
static void kick_idle(struct cpu_sched *c)
{
	if (!runq_movable(&c->rq))
		return;
	unsigned self = arch_cpu_id(), n = arch_ncpus();
	for (unsigned i = 1; i < n; i++) {
		unsigned cpu = (self + i) % n;
		if (cpu_idle(cpu)) {
			arch_wake_cpu(cpu);
			return;
		}
	}
}

bool sched_wake_sleeper(struct thread *t)
{
	if (!thread_claim(t, TS_SLEEPING))
		return false;
	sched_cancel_sleep(t);
	sched_wake(t);
	return true;
}

/* Remove a killed sleeper from its CPU's sleep queue (thread.c). */
void sched_cancel_sleep(struct thread *t)
{
	struct cpu_sched *c = cpu_at(t->cpu);
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
		struct cpu_sched *v = cpu_at((self + i) % n);
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

/* Stop c's tick: one timer interrupt at the first sleeper's deadline (by
 * the TSC clock; if it comes early the loop sets it again), or none. */
static void tick_stop(struct cpu_sched *c)
{
	if (c == cpu_at(0) && !arch_console_interrupts())
		return; /* its tick polls the console */
	spin_lock(&c->lock);
	uint64_t deadline = timerq_next_deadline(&c->sleepers);
	spin_unlock(&c->lock);
	uint64_t us = 0;
	if (deadline != UINT64_MAX) {
		uint64_t at = clock_start + deadline * cycles_per_ms, now = arch_cycles();
		us = at > now ? (at - now) * 1000 / cycles_per_ms + 1 : 1;
	}
	arch_timer_oneshot(us);
	c->ticking = false;
}

/* Run this CPU's queue, else take work from a busy CPU, else zero a free
 * frame ahead (one page, then a window for interrupts and a look at the
 * queue again; at most PCP_ZERO_MAX ready), else stop the tick and halt
 * until an interrupt (a sleeper's deadline, a wake IPI, a device) and
 * look again.  A thread found restarts the tick. */
_Noreturn void sched_idle_loop(void)
{
	struct cpu_sched *c = me();
	for (;;) {
		arch_irq_save();
		struct thread *t = pick_next(c);
		if (t == c->idle)
			t = steal(c);
		if (t) {
			if (!c->ticking) {
				arch_timer_start();
				c->ticking = true;
				c->tick_at = arch_cycles(); /* CPU time from here */
			}
			switch_to(c, t);
			continue;
		}
		if (frame_idle_zero()) {
			arch_irq_window();
			continue;
		}
		tick_stop(c);
		uint64_t t0 = arch_cycles();
		__atomic_store_n(&c->idle_since, t0, __ATOMIC_RELAXED);
		arch_idle_wait();
		__atomic_store_n(&c->idle_since, 0, __ATOMIC_RELAXED);
		__atomic_fetch_add(&c->idle_cycles, arch_cycles() - t0, __ATOMIC_RELAXED);
	}
}

void sched_cpu_stats(unsigned cpu, struct sched_cpu_stats *out)
{
	struct cpu_sched *c = cpu_at(cpu);
	uint64_t now = arch_cycles(), since = __atomic_load_n(&c->idle_since, __ATOMIC_RELAXED);
	uint64_t idle = __atomic_load_n(&c->idle_cycles, __ATOMIC_RELAXED);
	if (since && since < now)
		idle += now - since; /* halted now */
	out->idle_ticks = idle / cycles_per_ms;
	out->ticks = c->started ? (now - c->started) / cycles_per_ms : 0;
	out->switches = cpu_at(cpu)->switches;
	out->steals = cpu_at(cpu)->steals;
}
