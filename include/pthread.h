/* POSIX threads over the system's threads (at most PG_MAX_THREADS per
 * process, the main one included): create (with a stack size and detached
 * state from the attributes), join, detach, pthread_exit or return, self,
 * once, mutexes (timed too), condition variables, barriers and spin locks,
 * all waiting asleep on futexes (the kernel's futex_wait/futex_wake);
 * normal, recursive and error-checking mutexes, each also robust
 * (EOWNERDEAD to the next locker when the holder thread or process
 * ended holding it); read-write locks;
 * thread-specific data (pthread_key_*).  Mutexes, condition variables and
 * barriers made with PTHREAD_PROCESS_SHARED attributes work between
 * processes when they lie in MAP_SHARED memory (futexes keyed by the
 * frame).  Errors are returned, not put in errno.  Cancellation is
 * deferred (PTHREAD_CANCEL_ASYNCHRONOUS is taken as deferred): a
 * cancelled thread ends as pthread_exit(PTHREAD_CANCELED), its cleanup
 * handlers run, at pthread_testcancel, pthread_cond_wait/timedwait (woken
 * for it; the mutex held again), the sleeps (a thread's sleep notices
 * within 100 ms), and on entry to pthread_join, sem_wait, sem_timedwait,
 * poll and select.
 * Not there: process-shared read-write locks. */
#ifndef _PTHREAD_H
#define _PTHREAD_H

#include <sys/types.h>
#include <sched.h>
#include <time.h>

typedef struct libsys_pthread *pthread_t;
typedef struct {
	size_t stacksize;  /* 0: the default (PTHREAD_STACK_DEFAULT) */
	int detachstate;   /* PTHREAD_CREATE_* */
	int own_stack;     /* __reserved[0] is the caller's stack (setstack) */
	unsigned long __reserved[5];
} pthread_attr_t;
#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1
#define PTHREAD_STACK_MIN     16384
#define PTHREAD_STACK_DEFAULT (8u << 20) /* RLIMIT_STACK's, as glibc's */
#define PTHREAD_BARRIER_SERIAL_THREAD (-1)
#define PTHREAD_ONCE_INIT 0
#define PTHREAD_MUTEX_NORMAL     0
#define PTHREAD_MUTEX_DEFAULT    0
#define PTHREAD_MUTEX_RECURSIVE  1
#define PTHREAD_MUTEX_ERRORCHECK 2
#define PTHREAD_MUTEX_RECURSIVE_NP  PTHREAD_MUTEX_RECURSIVE
#define PTHREAD_MUTEX_ERRORCHECK_NP PTHREAD_MUTEX_ERRORCHECK
#define PTHREAD_KEYS_MAX 1024
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#define PTHREAD_PROCESS_PRIVATE  0
#define PTHREAD_PROCESS_SHARED   1
/* 0 not run, 1 running (others sleep on it), 2 done */
typedef volatile int pthread_once_t;
/* gen: bumped when the last of count arrives (the others sleep on it);
 * pshared: PTHREAD_PROCESS_* */
typedef struct {
	unsigned count;
	volatile unsigned arrived, gen;
	int pshared;
} pthread_barrier_t;
typedef struct { int unused; } pthread_barrierattr_t; /* unused: pshared */
typedef volatile int pthread_spinlock_t;
/* locked: 0 free, 1 held, 2 held and someone may sleep on it; type
 * PTHREAD_MUTEX_*; owner and count: the holder of a recursive or
 * error-checking one (its thread, and for a process-shared one its pid in
 * the top bits) and how many times it holds it; pshared:
 * PTHREAD_PROCESS_*.  A robust one (PTHREAD_MUTEX_ROBUST) is Linux's
 * robust futex instead: locked is the owner's id with the waiters and
 * owner-died bits (lib/robust.h), rstate 0, 1 (inconsistent: handed on
 * with EOWNERDEAD) or 2 (not recoverable), rlist its links (next, prev)
 * in its owner's robust list. */
typedef struct {
	volatile int locked;
	int type;
	struct libsys_pthread *owner;
	unsigned count;
	int pshared;
	int robust;
	volatile int rstate;
	unsigned long rlist[2];
} pthread_mutex_t;
/* unused: the type */
typedef struct { int unused, pshared, robust; } pthread_mutexattr_t;
#define PTHREAD_MUTEX_STALLED    0
#define PTHREAD_MUTEX_ROBUST     1
#define PTHREAD_MUTEX_STALLED_NP PTHREAD_MUTEX_STALLED
#define PTHREAD_MUTEX_ROBUST_NP  PTHREAD_MUTEX_ROBUST
#define PTHREAD_MUTEX_INITIALIZER { 0, 0, 0, 0, 0, 0, 0, { 0, 0 } }
#define PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP { 0, PTHREAD_MUTEX_RECURSIVE, 0, 0, 0, 0, 0, { 0, 0 } }
#define PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP { 0, PTHREAD_MUTEX_ERRORCHECK, 0, 0, 0, 0, 0, { 0, 0 } }
/* seq: bumped by every signal and broadcast (waiters sleep on it) */
typedef struct { volatile unsigned seq; int clock; int pshared; } pthread_cond_t;
/* clock: CLOCK_REALTIME or _MONOTONIC; pshared: PTHREAD_PROCESS_* */
typedef struct { int clock, pshared; } pthread_condattr_t;
#define PTHREAD_COND_INITIALIZER { 0 }
/* readers inside, a writer inside (owner), writers waiting (they keep new
 * readers out) */
typedef struct {
	pthread_mutex_t lock;
	pthread_cond_t readable, writable;
	unsigned readers, writers_waiting;
	int writer;
	struct libsys_pthread *owner;
} pthread_rwlock_t;
typedef struct { int unused; } pthread_rwlockattr_t;
#define PTHREAD_RWLOCK_INITIALIZER { PTHREAD_MUTEX_INITIALIZER, { 0 }, { 0 }, 0, 0, 0, 0 }
typedef unsigned pthread_key_t;

int pthread_create(pthread_t *t, const pthread_attr_t *attr,
		   void *(*fn)(void *), void *arg);
int pthread_join(pthread_t t, void **ret);
/* GNU's joins: pthread_tryjoin_np EBUSY while t runs; pthread_timedjoin_np
 * (CLOCK_REALTIME) and pthread_clockjoin_np (clk) wait until abstime at
 * most (ETIMEDOUT; EINVAL for a bad time); otherwise as pthread_join. */
int pthread_tryjoin_np(pthread_t t, void **ret);
int pthread_timedjoin_np(pthread_t t, void **ret, const struct timespec *abstime);
int pthread_clockjoin_np(pthread_t t, void **ret, clockid_t clk, const struct timespec *abstime);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *c);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
/* abstime on the condition's clock (CLOCK_REALTIME unless
 * pthread_condattr_setclock said CLOCK_MONOTONIC); ETIMEDOUT only once
 * that clock has passed abstime. */
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			   const struct timespec *abstime);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);

int pthread_attr_init(pthread_attr_t *a);
int pthread_attr_destroy(pthread_attr_t *a);
/* EINVAL below PTHREAD_STACK_MIN. */
int pthread_attr_setstacksize(pthread_attr_t *a, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size);
int pthread_attr_setdetachstate(pthread_attr_t *a, int state);
int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state);
/* The thread frees its own block when it ends; it cannot be joined.
 * EINVAL if it was detached already (or is the main thread). */
int pthread_detach(pthread_t t);
/* End the calling thread with ret (what pthread_join gets); the main
 * thread ends too (the process ends once its last thread has). */
_Noreturn void pthread_exit(void *ret);
/* fn runs once for *once, however many threads call at the same time;
 * all return after it did. */
int pthread_once(pthread_once_t *once, void (*fn)(void));
/* pthread_mutex_lock until abstime (CLOCK_REALTIME): ETIMEDOUT, EINVAL. */
int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime);
int pthread_mutexattr_init(pthread_mutexattr_t *a);
int pthread_mutexattr_destroy(pthread_mutexattr_t *a);
/* NORMAL (DEFAULT), RECURSIVE, ERRORCHECK: EINVAL for others. */
int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type);
/* libsys/libc7.c: no priority protocols (PTHREAD_PRIO_NONE only:
 * ENOTSUP for the others); pthread_yield is sched_yield;
 * pthread_cond_clockwait and pthread_mutex_clocklock take an absolute time
 * on CLOCK_REALTIME or CLOCK_MONOTONIC. */
#define PTHREAD_PRIO_NONE    0
#define PTHREAD_PRIO_INHERIT 1
#define PTHREAD_PRIO_PROTECT 2
int pthread_mutexattr_setprotocol(pthread_mutexattr_t *a, int protocol);
int pthread_mutexattr_getprotocol(const pthread_mutexattr_t *a, int *protocol);
int pthread_yield(void);
int pthread_setschedprio(pthread_t t, int prio);
int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
			   const struct timespec *abstime);
int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk, const struct timespec *abstime);
int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type);
int pthread_condattr_init(pthread_condattr_t *a);
int pthread_condattr_destroy(pthread_condattr_t *a);
/* CLOCK_REALTIME or CLOCK_MONOTONIC (EINVAL for others). */
int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clk);
int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *clk);
int pthread_condattr_setpshared(pthread_condattr_t *a, int pshared);
int pthread_condattr_getpshared(const pthread_condattr_t *a, int *pshared);
int pthread_mutexattr_setpshared(pthread_mutexattr_t *a, int pshared);
int pthread_mutexattr_getpshared(const pthread_mutexattr_t *a, int *pshared);
/* Robust mutexes (PTHREAD_MUTEX_ROBUST): when the holder thread ends
 * (pthread_exit, return) or its process ends (exit, a kill) holding it,
 * the next locker gets it with EOWNERDEAD and must call
 * pthread_mutex_consistent before unlocking, else the mutex becomes
 * unusable (ENOTRECOVERABLE).  A process-shared one in MAP_SHARED memory
 * works between processes.  An unlock by another thread is EPERM. */
int pthread_mutexattr_setrobust(pthread_mutexattr_t *a, int robust);
int pthread_mutexattr_getrobust(const pthread_mutexattr_t *a, int *robust);
int pthread_mutexattr_setrobust_np(pthread_mutexattr_t *a, int robust);
int pthread_mutexattr_getrobust_np(const pthread_mutexattr_t *a, int *robust);
int pthread_mutex_consistent(pthread_mutex_t *m);
int pthread_mutex_consistent_np(pthread_mutex_t *m);
int pthread_barrierattr_setpshared(pthread_barrierattr_t *a, int pshared);
int pthread_barrierattr_getpshared(const pthread_barrierattr_t *a, int *pshared);
/* A stack of size bytes at addr: the thread gets a stack of that size
 * (libsys maps it; the memory at addr is not used).  getstack answers
 * what setstack set.  EINVAL below PTHREAD_STACK_MIN. */
int pthread_attr_setstack(pthread_attr_t *a, void *addr, size_t size);
int pthread_attr_getstack(const pthread_attr_t *a, void **addr, size_t *size);
int pthread_attr_setguardsize(pthread_attr_t *a, size_t size);
int pthread_attr_getguardsize(const pthread_attr_t *a, size_t *size);
int pthread_attr_setscope(pthread_attr_t *a, int scope);
int pthread_attr_getscope(const pthread_attr_t *a, int *scope);
int pthread_attr_setinheritsched(pthread_attr_t *a, int inherit);
int pthread_attr_getinheritsched(const pthread_attr_t *a, int *inherit);
int pthread_attr_setschedpolicy(pthread_attr_t *a, int policy);
int pthread_attr_getschedpolicy(const pthread_attr_t *a, int *policy);
int pthread_attr_setschedparam(pthread_attr_t *a, const struct sched_param *p);
int pthread_attr_getschedparam(const pthread_attr_t *a, struct sched_param *p);
#define PTHREAD_SCOPE_SYSTEM  0
#define PTHREAD_SCOPE_PROCESS 1
#define PTHREAD_INHERIT_SCHED  0
#define PTHREAD_EXPLICIT_SCHED 1
/* Thread t's attributes now: its stack (address and size), detach state. */
int pthread_getattr_np(pthread_t t, pthread_attr_t *a);
/* sched_setaffinity/sched_getaffinity for t, which must be the caller
 * (ESRCH otherwise: affinity is set by the thread itself). */
int pthread_setaffinity_np(pthread_t t, size_t size, const cpu_set_t *set);
int pthread_getaffinity_np(pthread_t t, size_t size, cpu_set_t *set);
int pthread_setschedparam(pthread_t t, int policy, const struct sched_param *p);
int pthread_getschedparam(pthread_t t, int *policy, struct sched_param *p);
int pthread_setname_np(pthread_t t, const char *name);
int pthread_getname_np(pthread_t t, char *name, size_t len);
int pthread_getconcurrency(void);
int pthread_setconcurrency(int level);
/* count threads meet: each pthread_barrier_wait sleeps until count have
 * called; one of them gets PTHREAD_BARRIER_SERIAL_THREAD, the others 0.
 * EINVAL count 0; attr must be NULL or PROCESS_PRIVATE. */
int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
			 unsigned count);
int pthread_barrier_destroy(pthread_barrier_t *b);
int pthread_barrier_wait(pthread_barrier_t *b);
int pthread_barrierattr_init(pthread_barrierattr_t *a);
int pthread_barrierattr_destroy(pthread_barrierattr_t *a);
/* Spin locks (spinning, never asleep). */
int pthread_spin_init(pthread_spinlock_t *l, int pshared);
int pthread_spin_destroy(pthread_spinlock_t *l);
int pthread_spin_lock(pthread_spinlock_t *l);
int pthread_spin_trylock(pthread_spinlock_t *l);
int pthread_spin_unlock(pthread_spinlock_t *l);
/* Read-write locks: many readers or one writer; a writer waiting keeps
 * new readers out.  try*: EBUSY; wrlock by the writer itself: EDEADLK;
 * unlock of a lock not held: EPERM; timed*: on CLOCK_REALTIME. */
int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *attr);
int pthread_rwlock_destroy(pthread_rwlock_t *l);
int pthread_rwlock_rdlock(pthread_rwlock_t *l);
int pthread_rwlock_tryrdlock(pthread_rwlock_t *l);
int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *abstime);
int pthread_rwlock_wrlock(pthread_rwlock_t *l);
int pthread_rwlock_trywrlock(pthread_rwlock_t *l);
int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *abstime);
int pthread_rwlock_unlock(pthread_rwlock_t *l);
int pthread_rwlockattr_init(pthread_rwlockattr_t *a);
int pthread_rwlockattr_destroy(pthread_rwlockattr_t *a);
/* glibc's kinds (libsys/libc8.c): kept in the attribute, the lock the same. */
#define PTHREAD_RWLOCK_PREFER_READER_NP 0
#define PTHREAD_RWLOCK_PREFER_WRITER_NP 1
#define PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP 2
#define PTHREAD_RWLOCK_DEFAULT_NP PTHREAD_RWLOCK_PREFER_READER_NP
int pthread_rwlockattr_setkind_np(pthread_rwlockattr_t *a, int kind);
int pthread_rwlockattr_getkind_np(const pthread_rwlockattr_t *a, int *kind);
/* Thread-specific data: PTHREAD_KEYS_MAX keys (EAGAIN past them); a
 * thread's non-NULL values are passed to the key's destructor when it
 * ends (return or pthread_exit), PTHREAD_DESTRUCTOR_ITERATIONS rounds. */
int pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int pthread_key_delete(pthread_key_t key);
void *pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void *value);

/* Cancellation (libsys/pthread.c). */
#define PTHREAD_CANCELED ((void *)-1)
#define PTHREAD_CANCEL_ENABLE       0
#define PTHREAD_CANCEL_DISABLE      1
#define PTHREAD_CANCEL_DEFERRED     0
#define PTHREAD_CANCEL_ASYNCHRONOUS 1
int pthread_cancel(pthread_t t);
void pthread_testcancel(void);
int pthread_setcancelstate(int state, int *oldstate);
int pthread_setcanceltype(int type, int *oldtype);

/* A cleanup handler, pushed and popped in the same block (the two macros
 * open and close it, as glibc's): run by pthread_exit and cancellation,
 * the last pushed first, or by pthread_cleanup_pop(nonzero). */
struct __pthread_cleanup {
	void (*fn)(void *);
	void *arg;
	struct __pthread_cleanup *prev;
};
void __pthread_cleanup_push(struct __pthread_cleanup *c, void (*fn)(void *), void *arg);
void __pthread_cleanup_pop(struct __pthread_cleanup *c, int execute);
#define pthread_cleanup_push(fn, arg) \
	do { struct __pthread_cleanup __cleanup_buf; \
	     __pthread_cleanup_push(&__cleanup_buf, (fn), (arg));
#define pthread_cleanup_pop(execute) \
	     __pthread_cleanup_pop(&__cleanup_buf, (execute)); } while (0)

/* fork runs prepare (the last registered first) before, parent in the
 * parent and child in the child after (libsys/posix.c). */
int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void));
int pthread_getcpuclockid(pthread_t t, clockid_t *clk);

#endif
