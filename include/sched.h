/* The scheduler: one run queue per CPU (priorities 0..PRIO_MAX, round robin
 * within a level), a periodic tick for time slices and sleeps, and an idle
 * thread per CPU that halts.  The kernel is not preemptible: a thread in the
 * kernel runs with interrupts off until it blocks or returns to ring 3. */
#ifndef SCHED_H
#define SCHED_H

#include <stdint.h>
#include "thread.h"

#define SCHED_HZ    1000 /* tick rate: sleeps have 1 ms resolution */
#define SCHED_SLICE 10   /* ticks a thread runs before equals get a turn */

/* Set up this CPU's run queue and idle thread (the running context). */
void sched_init_cpu(unsigned cpu);

/* The thread running on this CPU. */
struct thread *sched_current(void);

/* Make claimed thread t runnable on its CPU (waking that CPU if needed). */
void sched_wake(struct thread *t);

/* Give up the CPU: current (already marked blocked or dead by the caller)
 * switches to next if given (a claimed thread, run here at once: the IPC
 * fast path), else to the best runnable thread or idle. */
void sched_block(struct thread *next);

/* Current goes to the back of its level and the best thread runs. */
void sched_yield(void);

/* Sleep at least ms milliseconds. */
void sched_sleep_ms(uint64_t ms);

/* Timer tick on this CPU (interrupts off); true if the current thread
 * should give up the CPU. */
bool sched_tick(void);

/* After every switch, on the new thread (entry.asm calls it for a thread's
 * first run). */
void sched_finish_switch(void);

/* Take a killed thread out of its CPU's sleep queue. */
void sched_cancel_sleep(struct thread *t);

/* True if a runnable thread here outranks the current one (wake IPI). */
bool sched_should_yield(void);

/* Run this CPU's scheduler loop as its idle thread; never returns. */
_Noreturn void sched_idle_loop(void);

/* Milliseconds since the scheduler started (CPU 0's ticks). */
uint64_t sched_ticks(void);

/* Per-CPU figures for the shell (later): idle ticks and switches. */
struct sched_cpu_stats {
	uint64_t idle_ticks, ticks, switches;
};
void sched_cpu_stats(unsigned cpu, struct sched_cpu_stats *out);

#endif
