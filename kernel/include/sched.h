/* The scheduler: one run queue per CPU (priorities 0..PRIO_MAX, round robin
 * within a level), a periodic tick for time slices and sleeps, an idle
 * thread per CPU that halts, and balancing: an idle CPU takes unpinned
 * threads queued on busy ones, a woken unpinned thread goes to an idle CPU.
 * The kernel is not preemptible: a thread in the kernel runs with
 * interrupts off until it blocks or returns to ring 3. */
#ifndef SCHED_H
#define SCHED_H

#include <stdint.h>
#include "thread.h"
#include "arch_api.h"
#include "runq.h"
#include "timerq.h"
#include "spinlock.h"

/* The scheduler's part of a CPU (in arch_cpu_area; here for the fast
 * path's inline checks), one per CPU, cache-line aligned.
 *   lock      guards rq and sleepers (taken by other CPUs to wake threads
 *             and to steal).
 *   current   written only by this CPU (atomically: others read it as a
 *             hint of whether this CPU is idle).
 *   prev      the thread we just switched away from, for sched_finish_switch.
 *   id        the CPU's number.
 *   ticking   the periodic tick runs (false while idle: a one-shot timer
 *             for the first sleeper's deadline, or none); this CPU's only.
 *   tick_at   TSC: the last tick or the tick's restart (CPU time).
 *   started, idle_since, idle_cycles   TSC: when the scheduler started
 *             here, when the current halt began (0: not halted), and the
 *             cycles halted before it (statistics; read racily). */
struct cpu_sched {
	struct thread *current; /* first: sched_current (sched.h) reads it */
	uint8_t current_prio;   /* current's priority, for other CPUs: they
				 * never look into current itself, which may
				 * die and be freed as they look */
	struct spinlock lock;
	struct runq rq;
	struct timerq sleepers;
	struct thread *idle, *prev;
	unsigned id; /* this CPU's number */
	bool ticking;
	uint64_t ticks, switches, steals;
	uint64_t started, idle_since, idle_cycles;
	uint64_t live_segs; /* the data selectors loaded now (arch_segs_get) */
	uint64_t tick_at;   /* TSC at this CPU's last tick, or when its tick
			     * restarted (CPU time: sched_tick) */
	uint64_t tick_ms;   /* sched_ticks() at this CPU's last tick (the
			     * turns: runq_charge's prev) */
	/* the fs_key (thread.h) of the FS base this CPU loaded last (0:
	 * unknown): while only the pager's threads and idle ran since, which
	 * never touch it, it is still live */
	uint64_t fs_key;
} __attribute__((aligned(64)));

/* Milliseconds since the scheduler started (the TSC clock). */
uint64_t sched_ticks(void);

#define SCHED_HZ    1000 /* tick rate: sleeps have 1 ms resolution */
#define SCHED_SLICE RUNQ_SLICE /* ticks a thread runs before equals get a turn */
#define SCHED_TICK_NS (1000000000ull / SCHED_HZ) /* CPU time's resolution */
#define SCHED_CHARGE_MAX_NS 1000000000ull /* one tick charges at most this */

/* Set up this CPU's run queue and idle thread (the running context). */
void sched_init_cpu(unsigned cpu);

/* The thread running on this CPU (NULL before the scheduler starts here):
 * the first word of this CPU's scheduler part, the CPU-local pointer.
 * Inline: the IPC and fault paths ask for it often. */
static inline struct thread *sched_current(void)
{
	struct thread **cur = arch_cpu_local();
	return cur ? *cur : NULL;
}

/* Make claimed thread t runnable at the back of its level, with a new time
 * slice: on its CPU if pinned or idle there, else on an idle CPU if there
 * is one, else on its CPU (waking the CPU chosen if needed). */
void sched_wake(struct thread *t);

/* Give up the CPU: current (already marked blocked or dead by the caller)
 * switches to next if given (a claimed thread, run here at once with what
 * is left of its time slice: the IPC fast path), else to the best runnable
 * thread or idle.  A next whose slice is used up while an equal or better
 * thread waits here is queued (sched_wake) instead. */
void sched_block(struct thread *next);

/* The IPC fast path's two halves of sched_block(next).  sched_direct_ok:
 * true if blocked thread t, once claimed, may run on this CPU (here) at once (not
 * pinned elsewhere; nothing waits in this CPU's queue, or t's slice is not
 * used up: a stricter form of sched_block's rule, read without the lock).
 * sched_switch_direct: current (published blocked, interrupts off) hands
 * this CPU straight to claimed next, for which sched_direct_ok held. */
static inline bool sched_direct_ok(struct cpu_sched *here, const struct thread *t)
{
	if (t->pinned && t->cpu != here->id)
		return false;
	return !runq_count(&here->rq) || runq_turn_left(&t->rq, sched_ticks());
}
void sched_switch_direct(struct thread *next);

/* This CPU's part of the scheduler (here, for the calls above and below:
 * the fast path asks several things and reads it once) and its current
 * thread.  One load each. */
static inline struct cpu_sched *sched_here(void)
{
	return arch_cpu_local();
}
static inline struct thread *sched_current_of(struct cpu_sched *here)
{
	return *(struct thread **)here;
}

/* sched_switch_direct for a current thread blocked with resume = how
 * (THREAD_RESUME_SYSCALL or _FAULT, fastpath.h) straight from ring 3's
 * entry: nothing of its kernel stack is kept but its user frame, and it
 * goes on at arch_resume_syscall or arch_resume_fault when switched to
 * (arch_switch_fast).  Never returns.  next is a user thread; if it
 * blocked so too (next->resume), it goes back to ring 3 from its frame
 * without unwinding anything. */
_Noreturn void sched_switch_fast(struct cpu_sched *here, struct thread *next, unsigned how);

/* Current goes to the back of its level (a new time slice) and the best
 * thread runs. */
void sched_yield(void);

/* Keep the current thread on cpu only (pin true; moving it there now, a
 * yield) or let it run on any CPU (pin false: cpu unused). cpu < ncpus. */
void sched_pin_current(unsigned cpu, bool pin);

/* Sleep at least ms milliseconds. */
void sched_sleep_ms(uint64_t ms);
/* Sleep at most ms milliseconds, or until sched_wake_sleeper wakes us;
 * not at all if ready() (asked after we are published asleep: a waker
 * that makes ready() true before it calls sched_wake_sleeper is never
 * missed).  ready may be NULL. */
void sched_sleep_ms_unless(uint64_t ms, bool (*ready)(void));
/* Wake t early if it sleeps (claimed, as a kill does); false if not. */
bool sched_wake_sleeper(struct thread *t);

/* Timer tick on this CPU (interrupts off); true if the current thread
 * should give up the CPU. */
bool sched_tick(void);

/* After every switch, on the new thread (entry.asm calls it for a thread's
 * first run). */
void sched_finish_switch(void);

/* The current thread's data selectors loaded unless live already, which
 * sets its FS base too; else its FS base, unless this CPU loaded exactly
 * that for it last (the same fs_key: then only the pager's threads or idle
 * ran since, which leave it alone); those load none (what is live stays:
 * the pager never reads it), so a fault's round trip to the pager and back
 * writes no MSR.  What a thread does to its own base (a null selector
 * load) stays its own: no other thread has its key.  Called on the
 * thread itself after a switch (sched_finish_switch; the fast path's
 * direct resumes), when it is off its old CPU and that CPU's save of its
 * selectors (switch_begin) is in: read before the hand-over, a thread
 * switched in from another CPU got back the selectors of its switch
 * before (review rev16). */
static inline void sched_load_segs(void)
{
	struct cpu_sched *c = sched_here();
	struct thread *t = c->current;
	if (t->segs != c->live_segs) {
		arch_segs_set(t->segs, t->fs_base);
		c->live_segs = t->segs;
		c->fs_key = t->fs_key;
	} else if (t->user_segs && t->fs_key != c->fs_key) {
		arch_set_fs_base(t->fs_base);
		c->fs_key = t->fs_key;
	}
}

/* Take a killed thread out of its CPU's sleep queue. */
void sched_cancel_sleep(struct thread *t);

/* True if a runnable thread here outranks the current one (wake IPI). */
bool sched_should_yield(void);

/* Run this CPU's scheduler loop as its idle thread; never returns. */
_Noreturn void sched_idle_loop(void);

/* Per-CPU figures (sysinfo): ms since its scheduler started (`ticks`), ms
 * halted (`idle_ticks`), switches, and threads this
 * CPU took from others' queues while idle. */
struct sched_cpu_stats {
	uint64_t idle_ticks, ticks, switches, steals;
};
void sched_cpu_stats(unsigned cpu, struct sched_cpu_stats *out);

#endif
