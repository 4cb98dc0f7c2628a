/* CPU time's arithmetic, shared by the pager (CPU-time timers) and libsys
 * (getrusage, times, clock, the CPU-time clocks).  The kernel samples CPU
 * time at its timer tick (cpu_time, abi/syscall.h): counts of
 * nanoseconds, a tick's worth at a time.  Pure. */
#ifndef LIB_CPUTIME_H
#define LIB_CPUTIME_H

#include <stdint.h>

#define CPUTIME_NS_PER_SEC 1000000000ull

/* The wall-clock ms a watcher may sleep, at most, before a process whose
 * CPU clock reads now (ms) reaches the deadline at (ms): 0 if it is due
 * (at <= now), else the time its CPU clock needs to get there running on
 * every one of ncpus CPUs at once, rounded up (at least 1 ms).  ncpus 0
 * counts as 1. */
static inline uint64_t cputime_wait_ms(uint64_t at, uint64_t now, unsigned ncpus)
{
	if (at <= now)
		return 0;
	uint64_t left = at - now, n = ncpus ? ncpus : 1;
	return left / n + (left % n != 0);
}

/* ns as whole units of a clock running at hz per second (times()'s 100,
 * clock()'s 1000000), rounded down; exact for any ns and hz up to 10^9. */
static inline uint64_t cputime_units(uint64_t ns, uint64_t hz)
{
	return ns / CPUTIME_NS_PER_SEC * hz + ns % CPUTIME_NS_PER_SEC * hz / CPUTIME_NS_PER_SEC;
}

/* ns as ms, rounded down (the pager's timers count ms). */
static inline uint64_t cputime_ms(uint64_t ns)
{
	return ns / 1000000;
}

#endif
