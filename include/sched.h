/* <sched.h>: yielding, the CPU a thread runs on, and CPU affinity as
 * Linux's glibc has them.  Affinity maps to the kernel's pinning (cpu_pin):
 * a thread runs on every CPU or on one; sched_setaffinity with a set of
 * several CPUs (not all) keeps the thread on the lowest of them, so it
 * never runs outside the set, and sched_getaffinity then reports that one
 * CPU.  Only the calling thread's affinity can be read or set (pid 0 or
 * getpid()). */
#ifndef _SCHED_H
#define _SCHED_H

#include <sys/types.h>
#include <time.h>

#define SCHED_OTHER 0
#define SCHED_FIFO  1
#define SCHED_RR    2
#define SCHED_BATCH 3
#define SCHED_IDLE  5
#define SCHED_DEADLINE 6
#define SCHED_RESET_ON_FORK 0x40000000

struct sched_param {
	int sched_priority;
};

#define CPU_SETSIZE 1024
#define __CPU_BITS  (8 * (int)sizeof(unsigned long))
typedef struct {
	unsigned long __bits[CPU_SETSIZE / (8 * sizeof(unsigned long))];
} cpu_set_t;

#define CPU_ZERO_S(size, set) \
	do { for (size_t __i = 0; __i < (size) / sizeof(unsigned long); __i++) \
		(set)->__bits[__i] = 0; } while (0)
#define CPU_SET_S(cpu, size, set) \
	((size_t)(cpu) < 8 * (size) ? \
	 ((set)->__bits[(cpu) / __CPU_BITS] |= 1ul << ((cpu) % __CPU_BITS)) : 0)
#define CPU_CLR_S(cpu, size, set) \
	((size_t)(cpu) < 8 * (size) ? \
	 ((set)->__bits[(cpu) / __CPU_BITS] &= ~(1ul << ((cpu) % __CPU_BITS))) : 0)
#define CPU_ISSET_S(cpu, size, set) \
	((size_t)(cpu) < 8 * (size) ? \
	 (((set)->__bits[(cpu) / __CPU_BITS] >> ((cpu) % __CPU_BITS)) & 1) != 0 : 0)
#define CPU_COUNT_S(size, set) __sched_cpucount((size), (set))
#define CPU_EQUAL_S(size, a, b) __sched_cpuequal((size), (a), (b))

#define CPU_ZERO(set)         CPU_ZERO_S(sizeof(cpu_set_t), set)
#define CPU_SET(cpu, set)     CPU_SET_S(cpu, sizeof(cpu_set_t), set)
#define CPU_CLR(cpu, set)     CPU_CLR_S(cpu, sizeof(cpu_set_t), set)
#define CPU_ISSET(cpu, set)   CPU_ISSET_S(cpu, sizeof(cpu_set_t), set)
#define CPU_COUNT(set)        CPU_COUNT_S(sizeof(cpu_set_t), set)
#define CPU_EQUAL(a, b)       CPU_EQUAL_S(sizeof(cpu_set_t), a, b)
#define CPU_ALLOC_SIZE(n) \
	((((size_t)(n) + __CPU_BITS - 1) / __CPU_BITS) * sizeof(unsigned long))

/* The set operations (glibc's): dest = a op b over size bytes. */
#define __CPU_OP_S(size, dest, a, b, op) \
	do { for (size_t __i = 0; __i < (size) / sizeof(unsigned long); __i++) \
		(dest)->__bits[__i] = (a)->__bits[__i] op (b)->__bits[__i]; } while (0)
#define CPU_AND_S(size, dest, a, b) __CPU_OP_S(size, dest, a, b, &)
#define CPU_OR_S(size, dest, a, b)  __CPU_OP_S(size, dest, a, b, |)
#define CPU_XOR_S(size, dest, a, b) __CPU_OP_S(size, dest, a, b, ^)
#define CPU_AND(dest, a, b) CPU_AND_S(sizeof(cpu_set_t), dest, a, b)
#define CPU_OR(dest, a, b)  CPU_OR_S(sizeof(cpu_set_t), dest, a, b)
#define CPU_XOR(dest, a, b) CPU_XOR_S(sizeof(cpu_set_t), dest, a, b)
/* A set for count CPUs on the heap (calloc: empty), and its end. */
#define CPU_ALLOC(count) ((cpu_set_t *)__sched_cpualloc(count))
#define CPU_FREE(set) __sched_cpufree(set)
void *__sched_cpualloc(size_t count);
void __sched_cpufree(void *set);
int __sched_cpucount(size_t size, const cpu_set_t *set);
int __sched_cpuequal(size_t size, const cpu_set_t *a, const cpu_set_t *b);

/* The calling thread goes to the back of its CPU's queue.  0. */
int sched_yield(void);
/* The CPU the calling thread runs on now (it may move at once after). */
int sched_getcpu(void);
/* The calling thread's CPUs into *set (size bytes, zeroed first): every
 * online CPU, or its one CPU if pinned.  -1 with EINVAL (size too small
 * for the CPUs), ESRCH (pid not 0 nor ours). */
int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set);
/* Run the calling thread only on CPUs of *set: all online CPUs in it: any
 * CPU; else the lowest online CPU in it (the thread moves there now).  -1
 * with EINVAL (no online CPU in the set), ESRCH (pid not 0 nor ours). */
int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set);
/* Priorities: every thread runs as SCHED_OTHER, priority 0 (Linux's
 * default).  The ranges are Linux's (SCHED_FIFO and SCHED_RR 1..99);
 * setting SCHED_OTHER with priority 0 succeeds, any other policy is
 * EPERM (as for a user without CAP_SYS_NICE). */
int sched_get_priority_max(int policy);
int sched_get_priority_min(int policy);
int sched_getscheduler(pid_t pid);
int sched_setscheduler(pid_t pid, int policy, const struct sched_param *p);
int sched_getparam(pid_t pid, struct sched_param *p);
int sched_setparam(pid_t pid, const struct sched_param *p);
int sched_rr_get_interval(pid_t pid, struct timespec *t);

#endif
