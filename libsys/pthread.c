/* POSIX threads over thread_start (sys/proc.h): a joinable thread has a
 * block on the heap that outlives its stack; join sleeps on its done flag
 * (a futex) and frees it.  Mutexes are Drepper's three-state futex mutex
 * ("Futexes Are Tricky"); a condition variable is a sequence number its
 * waiters sleep on. */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "abi/err.h"
#include "sys/startup.h"
#include "abi/pager.h"
#include "abi/syscall.h"
#include "sys/syscall.h"
#include "sys/unistd.h" /* thread_start, sleep_ms */
#include "libsys.h"
#include "lib/robust.h"

/* done: a futex: RUNNING; ENDING once fn returned and the thread is on
 * its way out; DONE once it has left its stack for good (join sleeps on
 * it: the caller may then reuse a stack it gave, pthread_attr_setstack);
 * or DETACHED (whoever comes second of the thread's end and the detach
 * frees the block). */
enum { RUNNING, ENDING, DONE, DETACHED };
#define KEYS_INLINE 32
struct libsys_pthread {
	void *(*fn)(void *);
	void *arg, *ret;
	volatile unsigned done;
	jmp_buf exit_jb; /* pthread_exit jumps back to run */
	/* pthread_setspecific's values: the first KEYS_INLINE keys' here,
	 * the others' in keys_more (PTHREAD_KEYS_MAX - KEYS_INLINE of them,
	 * allocated at the first set of one, as glibc's second level) */
	void *keys[KEYS_INLINE];
	void **keys_more;
	uint64_t stack_lo, stack_hi;  /* its stack (pthread_getattr_np) */
	volatile int cancel_pending;  /* pthread_cancel asked */
	int cancel_off;               /* PTHREAD_CANCEL_DISABLE */
	int cancel_type;
	struct __pthread_cleanup *cleanup; /* the handlers, last pushed first */
	/* the condition variable's sequence word a pthread_cond_wait sleeps
	 * on (pthread_cancel moves it on and wakes it), its futex flags */
	unsigned *volatile cond_word;
	volatile int cond_shared;
	char name[16];                /* pthread_setname_np's; "": the program's */
	unsigned slot;                /* its index in the pager + 1 (0: not
				       * known yet, ~0: none): pthread_kill's
				       * target; a futex */
	uint64_t ktid;                /* the kernel's id of the thread in that
				       * slot (0: unknown): a slot given to a
				       * later thread is not this one's */
	/* its robust list (the robust mutexes it holds), set up for
	 * process rpid (0: not yet; another: a fork child's copy, empty
	 * again) with rid its owner id there (robust_self) */
	struct robust_head rhead;
	uint32_t rpid, rid;
	uint64_t ruser; /* set_robust_list's head (0: rhead is the pager's) */
	/* the creator's floating-point environment, the new thread's from its
	 * start, as Linux copies it (C11: inherited): MXCSR, and the x87's
	 * control and status words */
	uint32_t mxcsr;
	uint16_t fcw, fsw;
};

static void robust_exit(struct libsys_pthread *t);

static void run_key_destructors(struct libsys_pthread *t);

/* A thread's block freed, its second-level key values with it. */
static void thread_free(struct libsys_pthread *t)
{
	free(t->keys_more);
	free(t);
}

/* The main thread's pthread_t (it has no block); the pager's thread 0. */
static struct libsys_pthread main_thread = { .slot = 1 };

/* The calling thread's floating-point environment into t (fenv_save) or
 * from it (fenv_load): MXCSR whole, the x87's control word and exception
 * flags (the rest of the x87 is empty between calls). */
static void fenv_save(struct libsys_pthread *t)
{
	__asm__ volatile("stmxcsr %0\n\tfnstcw %1\n\tfnstsw %2"
			 : "=m"(t->mxcsr), "=m"(t->fcw), "=m"(t->fsw));
}

static void fenv_load(const struct libsys_pthread *t)
{
	struct { /* fldenv's 28 bytes, all but the words zero */
		uint16_t cw, r0, sw, r1, tw, r2;
		uint32_t ip, cs, dp, ds;
	} env = { .cw = t->fcw, .sw = (uint16_t)(t->fsw & 0x3f), .tw = 0xffff };
	__asm__ volatile("fldenv %0\n\tldmxcsr %1" : : "m"(env), "m"(t->mxcsr));
}

static void run(void *arg)
{
	struct libsys_pthread *t = arg;
	struct libsys_tls *me = libsys_tls();
	if (me) {
		me->self = t;
		t->stack_lo = me->lo;
		t->stack_hi = me->hi;
	}
	t->ktid = me ? me->ktid : 0;
	fenv_load(t);
	__atomic_store_n(&t->slot, me && me->slot ? me->slot : ~0u, __ATOMIC_RELEASE);
	futex_wake(&t->slot, INT_MAX); /* a pthread_kill that came first */
	if (!setjmp(t->exit_jb))
		t->ret = t->fn(t->arg);
	run_key_destructors(t);
	robust_exit(t);
	/* no signal is taken here once a join can return (as Linux's thread
	 * ends before its joiner wakes): one sent to the process and pending
	 * here goes back to it for another thread */
	libsys_signals_off();
	unsigned running = RUNNING;
	if (!__atomic_compare_exchange_n(&t->done, &running, ENDING, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		thread_free(t); /* detached */
	} else if (me) { /* DONE stored when the thread has left its stack */
		me->end_val = DONE;
		me->end_word = &t->done;
	} else { /* (never: every thread has a slot) */
		__atomic_store_n(&t->done, DONE, __ATOMIC_RELEASE);
		futex_wake(&t->done, INT_MAX);
	}
}

/* Wait until t's done word is no longer st0 or ENDING: the state then. */
static unsigned wait_end(struct libsys_pthread *t, unsigned st0)
{
	unsigned st;
	while ((st = __atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) == st0 || st == ENDING)
		futex_wait(&t->done, st, FUTEX_FOREVER);
	return st;
}

int libsys_ms_until(const struct timespec *abstime, uint64_t *ms)
{
	return libsys_ms_until_on(CLOCK_REALTIME, abstime, ms);
}

int libsys_ms_until_on(int clk, const struct timespec *abstime, uint64_t *ms)
{
	struct timespec now;
	if (!abstime || abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000)
		return EINVAL;
	clock_gettime(clk, &now);
	int64_t left = (int64_t)(abstime->tv_sec - now.tv_sec) * 1000 +
		       (abstime->tv_nsec - now.tv_nsec + 999999) / 1000000;
	if (left <= 0)
		return ETIMEDOUT;
	*ms = (uint64_t)left > FUTEX_MAX_MS ? FUTEX_MAX_MS : (uint64_t)left;
	return 0;
}

int futex_wait(volatile void *word, uint32_t val, uint64_t ms)
{
	return sys_futex_wait((uint64_t)(uintptr_t)word, val, ms);
}

unsigned futex_wake(volatile void *word, unsigned n)
{
	struct sys_regs r;
	return sys_futex_wake_r((uint64_t)(uintptr_t)word, n, &r) ? 0 : (unsigned)r.rdi;
}

int libsys_futex_wait(volatile void *word, uint32_t val, uint64_t ms, int sh)
{
	return sys_futex_wait((uint64_t)(uintptr_t)word | (sh ? FUTEX_SHARED : 0), val, ms);
}

unsigned libsys_futex_wake(volatile void *word, unsigned n, int sh)
{
	struct sys_regs r;
	uint64_t a = (uint64_t)(uintptr_t)word | (sh ? FUTEX_SHARED : 0);
	return sys_futex_wake_r(a, n, &r) ? 0 : (unsigned)r.rdi;
}

int pthread_create(pthread_t *out, const pthread_attr_t *attr,
		   void *(*fn)(void *), void *arg)
{
	size_t stack = attr && attr->stacksize ? attr->stacksize : PTHREAD_STACK_DEFAULT;
	struct libsys_pthread *t = calloc(1, sizeof *t);
	if (!t)
		return EAGAIN;
	t->fn = fn;
	t->arg = arg;
	t->done = attr && attr->detachstate == PTHREAD_CREATE_DETACHED ? DETACHED : RUNNING;
	fenv_save(t);
	int e;
	/* a joined thread's slot frees a moment after it ended: retry a while */
	void *ustack = attr && attr->own_stack ? (void *)attr->__reserved[0] : NULL;
	for (int tries = 0; (e = libsys_thread_start(-1, run, t, stack, ustack)) == E_AGAIN &&
			    tries < 200; tries++)
		sleep_ms(1);
	if (e) {
		free(t);
		return EAGAIN;
	}
	*out = t;
	return 0;
}

/* A thread's name, at most 15 bytes (ERANGE past them). */
int pthread_setname_np(pthread_t t, const char *name)
{
	size_t n = strlen(name);
	if (n >= sizeof t->name)
		return ERANGE;
	memcpy(t->name, name, n + 1);
	return 0;
}

/* t's name, or the program's (as Linux's comm: 15 bytes) if none was
 * set; ERANGE if len cannot hold it. */
int pthread_getname_np(pthread_t t, char *name, size_t len)
{
	extern char *program_invocation_short_name;
	char comm[16];
	const char *n = t->name[0] ? t->name : program_invocation_short_name;
	size_t k = strnlen(n, sizeof comm - 1);
	memcpy(comm, n, k);
	comm[k] = '\0';
	if (len <= k)
		return ERANGE;
	memcpy(name, comm, k + 1);
	return 0;
}

/* ---- cancellation (deferred) ---- */

void __pthread_cleanup_push(struct __pthread_cleanup *c, void (*fn)(void *), void *arg)
{
	pthread_t t = pthread_self();
	c->fn = fn;
	c->arg = arg;
	c->prev = t->cleanup;
	t->cleanup = c;
}

void __pthread_cleanup_pop(struct __pthread_cleanup *c, int execute)
{
	pthread_self()->cleanup = c->prev;
	if (execute)
		c->fn(c->arg);
}

/* End the calling thread as cancelled if a cancel is pending and enabled. */
void pthread_testcancel(void)
{
	pthread_t t = pthread_self();
	if (__atomic_load_n(&t->cancel_pending, __ATOMIC_SEQ_CST) && !t->cancel_off)
		pthread_exit(PTHREAD_CANCELED);
}

void libsys_testcancel(void)
{
	pthread_testcancel();
}

int libsys_cancellable(void)
{
	return pthread_self() != &main_thread;
}

/* Ask t to end at its next cancellation point; a pthread_cond_wait it
 * sleeps in returns for it.  ESRCH for no thread. */
int pthread_cancel(pthread_t t)
{
	if (!t)
		return ESRCH;
	__atomic_store_n(&t->cancel_pending, 1, __ATOMIC_SEQ_CST);
	unsigned *w = __atomic_load_n(&t->cond_word, __ATOMIC_SEQ_CST);
	if (w && t != pthread_self()) { /* a spurious wakeup for the others */
		__atomic_fetch_add(w, 1, __ATOMIC_SEQ_CST);
		libsys_futex_wake(w, INT_MAX, t->cond_shared);
	}
	if (t == pthread_self() && t->cancel_type == PTHREAD_CANCEL_ASYNCHRONOUS)
		pthread_testcancel();
	return 0;
}

int pthread_setcancelstate(int state, int *oldstate)
{
	if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE)
		return EINVAL;
	pthread_t t = pthread_self();
	if (oldstate)
		*oldstate = t->cancel_off;
	t->cancel_off = state;
	return 0;
}

int pthread_setcanceltype(int type, int *oldtype)
{
	if (type != PTHREAD_CANCEL_DEFERRED && type != PTHREAD_CANCEL_ASYNCHRONOUS)
		return EINVAL;
	pthread_t t = pthread_self();
	if (oldtype)
		*oldtype = t->cancel_type;
	t->cancel_type = type;
	return 0;
}

int pthread_join(pthread_t t, void **ret)
{
	pthread_testcancel();
	if (!t || t == &main_thread || t == pthread_self())
		return t == pthread_self() ? EDEADLK : EINVAL;
	unsigned st = wait_end(t, RUNNING);
	if (st == DETACHED)
		return EINVAL;
	if (ret)
		*ret = t->ret;
	thread_free(t);
	return 0;
}

/* pthread_join's wait for t's end, until abstime on clock clk (abstime
 * NULL: none; try: not at all, EBUSY while t runs). */
static int join_by(pthread_t t, void **ret, int clk, const struct timespec *abstime, int try)
{
	pthread_testcancel();
	if (!t || t == &main_thread || t == pthread_self())
		return t == pthread_self() ? EDEADLK : EINVAL;
	unsigned st;
	while ((st = __atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) != DONE) {
		if (st == DETACHED)
			return EINVAL;
		uint64_t ms = FUTEX_FOREVER;
		if (st == RUNNING && try)
			return EBUSY;
		if (st == RUNNING) { /* (ENDING: it is off its stack in a moment) */
			int e = libsys_ms_until_on(clk, abstime, &ms);
			if (e)
				return e;
		}
		futex_wait(&t->done, st, ms);
	}
	if (ret)
		*ret = t->ret;
	thread_free(t);
	return 0;
}

int pthread_tryjoin_np(pthread_t t, void **ret)
{
	return join_by(t, ret, CLOCK_REALTIME, NULL, 1);
}

int pthread_timedjoin_np(pthread_t t, void **ret, const struct timespec *abstime)
{
	return join_by(t, ret, CLOCK_REALTIME, abstime, 0);
}

int pthread_clockjoin_np(pthread_t t, void **ret, clockid_t clk, const struct timespec *abstime)
{
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
		return EINVAL;
	return join_by(t, ret, clk, abstime, 0);
}

pthread_t pthread_self(void)
{
	struct libsys_tls *me = libsys_tls();
	return me && me->self ? me->self : &main_thread;
}

int pthread_equal(pthread_t a, pthread_t b)
{
	return a == b;
}

int pthread_detach(pthread_t t)
{
	unsigned running = RUNNING;
	if (!t || t == &main_thread)
		return EINVAL;
	if (__atomic_compare_exchange_n(&t->done, &running, DETACHED, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		return 0; /* it frees itself when it ends */
	if (running == DETACHED)
		return EINVAL;
	wait_end(t, ENDING); /* it is ending: free it once it is off its stack */
	thread_free(t); /* nobody will join it */
	return 0;
}

void pthread_exit(void *ret)
{
	pthread_t t = pthread_self();
	while (t->cleanup) { /* the cleanup handlers, last pushed first */
		struct __pthread_cleanup *c = t->cleanup;
		t->cleanup = c->prev;
		c->fn(c->arg);
	}
	if (t == &main_thread) {
		robust_exit(t);
		libsys_signals_off(); /* not lost with this thread: others take them */
		for (;;)
			sys_thread_exit();
	}
	t->ret = ret;
	longjmp(t->exit_jb, 1);
}

int pthread_attr_init(pthread_attr_t *a)
{
	*a = (pthread_attr_t){ .stacksize = PTHREAD_STACK_DEFAULT,
			       .detachstate = PTHREAD_CREATE_JOINABLE };
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
	(void)a;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
	if (size < PTHREAD_STACK_MIN || size > PG_MMAP_MAX)
		return EINVAL;
	a->stacksize = size;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size)
{
	*size = a->stacksize ? a->stacksize : PTHREAD_STACK_DEFAULT;
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
	if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
		return EINVAL;
	a->detachstate = state;
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
	*state = a->detachstate;
	return 0;
}

/* 0 -> 1: we run fn, then 2 and wake the others; they sleep while 1. */
int pthread_once(pthread_once_t *once, void (*fn)(void))
{
	int st = 0;
	if (__atomic_load_n(once, __ATOMIC_ACQUIRE) == 2)
		return 0;
	if (__atomic_compare_exchange_n(once, &st, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
		fn();
		__atomic_store_n(once, 2, __ATOMIC_RELEASE);
		futex_wake(once, INT_MAX);
		return 0;
	}
	while ((st = __atomic_load_n(once, __ATOMIC_ACQUIRE)) == 1)
		futex_wait(once, 1, FUTEX_FOREVER);
	return 0;
}

int pthread_mutexattr_init(pthread_mutexattr_t *a)
{
	a->unused = PTHREAD_MUTEX_NORMAL;
	a->pshared = PTHREAD_PROCESS_PRIVATE;
	a->robust = PTHREAD_MUTEX_STALLED;
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
	(void)a;
	return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
	if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE &&
	    type != PTHREAD_MUTEX_ERRORCHECK)
		return EINVAL;
	a->unused = type;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type)
{
	*type = a->unused;
	return 0;
}

int pthread_condattr_init(pthread_condattr_t *a)
{
	a->clock = CLOCK_REALTIME;
	a->pshared = PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *a)
{
	(void)a;
	return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	m->locked = 0;
	m->type = attr ? attr->unused : PTHREAD_MUTEX_NORMAL;
	m->owner = NULL;
	m->count = 0;
	m->pshared = attr ? attr->pshared : PTHREAD_PROCESS_PRIVATE;
	m->robust = attr ? attr->robust : PTHREAD_MUTEX_STALLED;
	m->rstate = 0;
	m->rlist[0] = m->rlist[1] = 0;
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
	if (m->robust) /* free: no owner (the owner-died bit may stay) */
		return m->locked & ROBUST_ID_MASK ? EBUSY : 0;
	return m->locked ? EBUSY : 0;
}

static int robust_lock(pthread_mutex_t *m, int try, const struct timespec *abstime);
static int robust_unlock(pthread_mutex_t *m);

static int raw_trylock(pthread_mutex_t *m)
{
	int free = 0;
	return __atomic_compare_exchange_n(&m->locked, &free, 1, 0, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED) ? 0 : EBUSY;
}

/* The caller as m's owner: its thread, and for a process-shared m its
 * process in the top bits (a fork child's thread has its parent's
 * address; user addresses stay below bit 47). */
static struct libsys_pthread *me_for(const pthread_mutex_t *m)
{
	uintptr_t id = (uintptr_t)pthread_self();
	if (m->pshared)
		id ^= (uintptr_t)(uint32_t)sys_pid << 47;
	return (struct libsys_pthread *)id;
}

/* A recursive or error-checking mutex the caller holds: the recursive one
 * counts once more (1), the other refuses (EDEADLK); 0 if not held. */
static int owned_again(pthread_mutex_t *m, int deadlock)
{
	if (m->type == PTHREAD_MUTEX_NORMAL || m->owner != me_for(m))
		return 0;
	if (m->type == PTHREAD_MUTEX_ERRORCHECK)
		return deadlock;
	m->count++;
	return 1;
}

static int took(pthread_mutex_t *m)
{
	if (m->type != PTHREAD_MUTEX_NORMAL) {
		m->owner = me_for(m);
		m->count = 1;
	}
	return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
	if (m->robust)
		return robust_lock(m, 1, NULL);
	int again = owned_again(m, EBUSY);
	if (again)
		return again == 1 ? 0 : again;
	return raw_trylock(m) ? EBUSY : took(m);
}

static int raw_lock(pthread_mutex_t *m);

/* NORMAL: no owner kept; RECURSIVE counts; ERRORCHECK: EDEADLK on
 * relocking, EPERM unlocking what the caller does not hold. */
int pthread_mutex_lock(pthread_mutex_t *m)
{
	if (m->robust)
		return robust_lock(m, 0, NULL);
	int again = owned_again(m, EDEADLK);
	if (again)
		return again == 1 ? 0 : again;
	raw_lock(m);
	return took(m);
}

/* Free -> 1 at once; else mark it 2 (a sleeper may wait) and sleep until
 * a swap to 2 finds it free. */
static int raw_lock(pthread_mutex_t *m)
{
	for (int spins = 0; spins < 100; spins++) {
		if (raw_trylock(m) == 0)
			return 0;
		__builtin_ia32_pause();
	}
	while (__atomic_exchange_n(&m->locked, 2, __ATOMIC_ACQUIRE) != 0)
		libsys_futex_wait(&m->locked, 2, FUTEX_FOREVER, m->pshared);
	return 0;
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
	uint64_t ms;
	if (m->robust)
		return robust_lock(m, 0, abstime);
	int again = owned_again(m, EDEADLK);
	if (again)
		return again == 1 ? 0 : again;
	if (raw_trylock(m) == 0)
		return took(m);
	while (__atomic_exchange_n(&m->locked, 2, __ATOMIC_ACQUIRE) != 0) {
		int e = libsys_ms_until(abstime, &ms);
		if (e)
			return e;
		libsys_futex_wait(&m->locked, 2, ms, m->pshared);
	}
	return took(m);
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (m->robust)
		return robust_unlock(m);
	if (m->type != PTHREAD_MUTEX_NORMAL) {
		if (m->owner != me_for(m) || !m->locked)
			return EPERM;
		if (--m->count)
			return 0;
		m->owner = NULL;
	}
	if (__atomic_exchange_n(&m->locked, 0, __ATOMIC_RELEASE) == 2)
		libsys_futex_wake(&m->locked, 1, m->pshared);
	return 0;
}

/* ---- robust mutexes: Linux's robust futexes (lib/robust.h) ---- */

enum { R_CONSISTENT, R_INCONSISTENT, R_NOTRECOVERABLE };

/* The list node of m: its rlist pair (next, prev), as addresses. */
static uint64_t node_of(pthread_mutex_t *m)
{
	return (uint64_t)(uintptr_t)m->rlist;
}

/* The calling thread, its robust list set up for this process: empty and
 * known to the pager (PG_ROBUST, which walks it if the process ends) at
 * its first robust mutex, and again in a fork child (the parent's
 * mutexes are not the child's). */
static struct libsys_pthread *robust_self(void)
{
	struct libsys_pthread *t = pthread_self();
	uint32_t pid = (uint32_t)sys_pid;
	if (t->rpid == pid)
		return t;
	t->rhead.next = (uint64_t)(uintptr_t)&t->rhead;
	t->rhead.futex_offset = (int64_t)offsetof(pthread_mutex_t, locked) -
				(int64_t)offsetof(pthread_mutex_t, rlist);
	t->rhead.pending = 0;
	t->rid = robust_id(pid, t->slot - 1);
	t->rpid = pid;
	t->ruser = 0;
	struct sys_msg msg = { .label = PG_ROBUST,
			       .w = { (uint64_t)(uintptr_t)&t->rhead, t->slot - 1 } };
	libsys_pg_call(&msg); /* (a thread the pager does not know: not walked) */
	return t;
}

/* True if the calling thread holds robust m. */
static int robust_mine(pthread_mutex_t *m)
{
	struct libsys_pthread *t = pthread_self();
	return t->rpid == (uint32_t)sys_pid &&
	       ((uint32_t)__atomic_load_n(&m->locked, __ATOMIC_RELAXED) & ROBUST_ID_MASK) == t->rid;
}

/* Put m first in t's list / take it out (only t changes its list). */
static void robust_add(struct libsys_pthread *t, pthread_mutex_t *m)
{
	uint64_t head = (uint64_t)(uintptr_t)&t->rhead, first = t->rhead.next;
	m->rlist[0] = first;
	m->rlist[1] = head;
	if (first != head)
		((unsigned long *)(uintptr_t)first)[1] = node_of(m);
	__atomic_store_n(&t->rhead.next, node_of(m), __ATOMIC_RELEASE);
}

static void robust_remove(struct libsys_pthread *t, pthread_mutex_t *m)
{
	uint64_t head = (uint64_t)(uintptr_t)&t->rhead;
	uint64_t next = m->rlist[0], prev = m->rlist[1];
	*(volatile uint64_t *)(uintptr_t)prev = next; /* head.next or a node's next */
	if (next != head)
		((unsigned long *)(uintptr_t)next)[1] = prev;
}

/* Lock robust m (try: EBUSY rather than sleep; abstime: ETIMEDOUT after
 * it).  The word goes from no owner to our id (with the waiters bit if we
 * slept, or if it had it); an owner-died bit found there makes it
 * EOWNERDEAD and m inconsistent.  m is our pending entry meanwhile, so
 * that a death between the take and the list's change still marks it.
 * Held by us already: a recursive one counts, an error-checking one
 * says EDEADLK (trylock too, as glibc), a normal one EDEADLK (EBUSY for
 * trylock) rather than hang. */
static int robust_lock(pthread_mutex_t *m, int try, const struct timespec *abstime)
{
	struct libsys_pthread *t = robust_self();
	uint32_t id = t->rid, w;
	if (robust_mine(m)) {
		if (m->type != PTHREAD_MUTEX_RECURSIVE)
			return try && m->type == PTHREAD_MUTEX_NORMAL ? EBUSY : EDEADLK;
		if (m->count == UINT_MAX)
			return EAGAIN;
		m->count++;
		return 0;
	}
	int slept = 0, e = 0;
	t->rhead.pending = node_of(m);
	for (;;) {
		if (__atomic_load_n(&m->rstate, __ATOMIC_SEQ_CST) == R_NOTRECOVERABLE) {
			e = ENOTRECOVERABLE;
			break;
		}
		w = (uint32_t)__atomic_load_n(&m->locked, __ATOMIC_RELAXED);
		if (!(w & ROBUST_ID_MASK)) {
			uint32_t nw = id | (slept ? ROBUST_WAITERS : w & ROBUST_WAITERS);
			if (!__atomic_compare_exchange_n((volatile uint32_t *)&m->locked, &w, nw, 0,
							 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				continue;
			robust_add(t, m);
			m->count = 1;
			if (w & ROBUST_OWNER_DIED) {
				__atomic_store_n(&m->rstate, R_INCONSISTENT, __ATOMIC_SEQ_CST);
				e = EOWNERDEAD;
			}
			break;
		}
		if (try) {
			e = EBUSY;
			break;
		}
		if (!(w & ROBUST_WAITERS)) {
			uint32_t ww = w | ROBUST_WAITERS;
			if (!__atomic_compare_exchange_n((volatile uint32_t *)&m->locked, &w, ww, 0,
							 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
				continue;
			w = ww;
		}
		uint64_t ms = FUTEX_FOREVER;
		if (abstime && (e = libsys_ms_until(abstime, &ms)))
			break;
		libsys_futex_wait(&m->locked, w, ms, m->pshared);
		slept = 1;
	}
	t->rhead.pending = 0;
	return e;
}

/* Unlock robust m: EPERM unless we hold it.  Unlocked while inconsistent
 * (no pthread_mutex_consistent after EOWNERDEAD) it becomes not
 * recoverable, and every sleeper wakes to ENOTRECOVERABLE. */
static int robust_unlock(pthread_mutex_t *m)
{
	if (!robust_mine(m))
		return EPERM;
	if (m->type == PTHREAD_MUTEX_RECURSIVE && --m->count)
		return 0;
	struct libsys_pthread *t = pthread_self();
	int lost = __atomic_load_n(&m->rstate, __ATOMIC_SEQ_CST) == R_INCONSISTENT;
	if (lost)
		__atomic_store_n(&m->rstate, R_NOTRECOVERABLE, __ATOMIC_SEQ_CST);
	t->rhead.pending = node_of(m);
	robust_remove(t, m);
	uint32_t w = (uint32_t)__atomic_exchange_n(&m->locked, 0, __ATOMIC_RELEASE);
	t->rhead.pending = 0;
	if (lost || (w & ROBUST_WAITERS))
		libsys_futex_wake(&m->locked, lost ? INT_MAX : 1, m->pshared);
	return 0;
}

/* After EOWNERDEAD: the holder says m's state is whole again. */
int pthread_mutex_consistent(pthread_mutex_t *m)
{
	if (!m->robust || !robust_mine(m) ||
	    __atomic_load_n(&m->rstate, __ATOMIC_SEQ_CST) != R_INCONSISTENT)
		return EINVAL;
	__atomic_store_n(&m->rstate, R_CONSISTENT, __ATOMIC_SEQ_CST);
	return 0;
}

int pthread_mutex_consistent_np(pthread_mutex_t *m)
{
	return pthread_mutex_consistent(m);
}

int pthread_mutexattr_setrobust(pthread_mutexattr_t *a, int robust)
{
	if (robust != PTHREAD_MUTEX_STALLED && robust != PTHREAD_MUTEX_ROBUST)
		return EINVAL;
	a->robust = robust;
	return 0;
}

int pthread_mutexattr_getrobust(const pthread_mutexattr_t *a, int *robust)
{
	*robust = a->robust;
	return 0;
}

int pthread_mutexattr_setrobust_np(pthread_mutexattr_t *a, int robust)
{
	return pthread_mutexattr_setrobust(a, robust);
}

int pthread_mutexattr_getrobust_np(const pthread_mutexattr_t *a, int *robust)
{
	return pthread_mutexattr_getrobust(a, robust);
}

/* set_robust_list(2): the pager walks head's list instead of libsys's
 * own when the process ends (libsys's robust mutexes of this thread are
 * then not looked after, as glibc's are not when a program does this).
 * At pthread_exit libsys still walks only its own. */
int libsys_set_robust_list(uint64_t head, size_t len)
{
	if (len != sizeof(struct robust_head))
		return EINVAL;
	struct libsys_pthread *t = robust_self();
	struct sys_msg msg = { .label = PG_ROBUST, .w = { head, t->slot - 1 } };
	if (libsys_pg_call(&msg) != E_OK)
		return EINVAL;
	t->ruser = head;
	return 0;
}

/* get_robust_list(2) of the calling thread (tid 0 or its own). */
int libsys_get_robust_list(uint64_t *head, size_t *len)
{
	struct libsys_pthread *t = robust_self();
	*head = t->ruser ? t->ruser : (uint64_t)(uintptr_t)&t->rhead;
	*len = sizeof(struct robust_head);
	return 0;
}

static bool self_load(void *ctx, uint64_t va, uint64_t *v)
{
	(void)ctx;
	*v = *(const volatile uint64_t *)(uintptr_t)va;
	return true;
}

static uint32_t *self_word(void *ctx, uint64_t va)
{
	(void)ctx;
	return (uint32_t *)(uintptr_t)va;
}

/* A sleeper of the word at va: the mutex's pshared decides the key. */
static void self_wake(void *ctx, uint64_t va, uint32_t *w)
{
	(void)ctx;
	(void)w;
	pthread_mutex_t *m = (pthread_mutex_t *)(uintptr_t)(va - offsetof(pthread_mutex_t, locked));
	libsys_futex_wake(&m->locked, 1, m->pshared);
}

/* At t's end (pthread_exit, or its function returned): the robust
 * mutexes it still holds are marked owner-died and one sleeper of each
 * woken, as Linux's kernel does at a thread's exit; its list is left
 * empty (the pager, if the process ends now, finds nothing more). */
static void robust_exit(struct libsys_pthread *t)
{
	if (t->rpid != (uint32_t)sys_pid)
		return;
	static const struct robust_ops ops = { NULL, self_load, self_word, self_wake };
	robust_walk((uint64_t)(uintptr_t)&t->rhead, t->rid, &ops);
	t->rhead.next = (uint64_t)(uintptr_t)&t->rhead;
	t->rhead.pending = 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
	c->seq = 0;
	c->clock = attr ? attr->clock : CLOCK_REALTIME;
	c->pshared = attr ? attr->pshared : PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *c)
{
	(void)c;
	return 0;
}

/* Sleep on c's sequence number as read while m was held: a signal after we
 * let go of m changes it, so it cannot be missed; ms as futex_wait. */
static int cond_wait_ms(pthread_cond_t *c, pthread_mutex_t *m, uint64_t ms)
{
	unsigned seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
	unsigned count = m->count; /* a recursive mutex's depth, given back after */
	if (m->robust) {
		if (!robust_mine(m))
			return EPERM;
		m->count = 1;
	} else if (m->type != PTHREAD_MUTEX_NORMAL) {
		if (m->owner != me_for(m) || !m->locked)
			return EPERM;
		m->count = 1; /* let go of it fully */
	}
	/* a cancel before this sees cond_word and moves seq on: the wait
	 * below returns at once */
	pthread_t self = pthread_self();
	self->cond_shared = c->pshared;
	__atomic_store_n(&self->cond_word, &c->seq, __ATOMIC_SEQ_CST);
	int cancel = __atomic_load_n(&self->cancel_pending, __ATOMIC_SEQ_CST) && !self->cancel_off;
	pthread_mutex_unlock(m);
	int e = cancel ? E_OK : libsys_futex_wait(&c->seq, seq, ms, c->pshared);
	__atomic_store_n(&self->cond_word, NULL, __ATOMIC_SEQ_CST);
	if (m->robust) { /* its owner may have died meanwhile */
		int r = robust_lock(m, 0, NULL);
		if (r == 0 || r == EOWNERDEAD)
			m->count = count;
		pthread_testcancel();
		return r ? r : e == E_TIMEDOUT ? ETIMEDOUT : 0;
	}
	/* 2, not 1: other waiters may sleep on m since we took it back */
	while (__atomic_exchange_n(&m->locked, 2, __ATOMIC_ACQUIRE) != 0)
		libsys_futex_wait(&m->locked, 2, FUTEX_FOREVER, m->pshared);
	if (m->type != PTHREAD_MUTEX_NORMAL) { /* ours again, as deep as before */
		m->owner = me_for(m);
		m->count = count;
	}
	pthread_testcancel(); /* cancelled: ends holding m, as POSIX has it */
	return e == E_TIMEDOUT ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return cond_wait_ms(c, m, FUTEX_FOREVER);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
			   const struct timespec *abstime)
{
	uint64_t ms;
	int e = libsys_ms_until_on(c->clock, abstime, &ms);
	if (e)
		return e;
	/* a futex sleep may end a little early by the clock: ETIMEDOUT only
	 * once the clock has passed abstime (wait out the rest) */
	while ((e = cond_wait_ms(c, m, ms)) == ETIMEDOUT &&
	       libsys_ms_until_on(c->clock, abstime, &ms) == 0)
		;
	return e;
}

int pthread_cond_signal(pthread_cond_t *c)
{
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
	libsys_futex_wake(&c->seq, 1, c->pshared);
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
	__atomic_fetch_add(&c->seq, 1, __ATOMIC_RELEASE);
	libsys_futex_wake(&c->seq, INT_MAX, c->pshared);
	return 0;
}

int sched_yield(void)
{
	sys_yield();
	return 0;
}

/* ---- barriers and spin locks ---- */

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr,
			 unsigned count)
{
	if (count == 0)
		return EINVAL;
	*b = (pthread_barrier_t){ .count = count, .pshared = attr ? attr->unused : 0 };
	return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b)
{
	return __atomic_load_n(&b->arrived, __ATOMIC_RELAXED) ? EBUSY : 0;
}

/* The generation is read before arriving: the last arrival resets the
 * count and then bumps it, so a waiter cannot miss its round's end. */
int pthread_barrier_wait(pthread_barrier_t *b)
{
	unsigned gen = __atomic_load_n(&b->gen, __ATOMIC_ACQUIRE);
	if (__atomic_add_fetch(&b->arrived, 1, __ATOMIC_ACQ_REL) == b->count) {
		__atomic_store_n(&b->arrived, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&b->gen, gen + 1, __ATOMIC_RELEASE);
		libsys_futex_wake(&b->gen, INT_MAX, b->pshared);
		return PTHREAD_BARRIER_SERIAL_THREAD;
	}
	while (__atomic_load_n(&b->gen, __ATOMIC_ACQUIRE) == gen)
		libsys_futex_wait(&b->gen, gen, FUTEX_FOREVER, b->pshared);
	return 0;
}

int pthread_barrierattr_init(pthread_barrierattr_t *a)
{
	a->unused = PTHREAD_PROCESS_PRIVATE;
	return 0;
}

int pthread_barrierattr_destroy(pthread_barrierattr_t *a)
{
	(void)a;
	return 0;
}

int pthread_spin_init(pthread_spinlock_t *l, int pshared)
{
	(void)pshared; /* a spin lock in MAP_SHARED memory works across processes */
	*l = 0;
	return 0;
}

int pthread_spin_destroy(pthread_spinlock_t *l)
{
	return *l ? EBUSY : 0;
}

int pthread_spin_trylock(pthread_spinlock_t *l)
{
	return __atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE) ? EBUSY : 0;
}

int pthread_spin_lock(pthread_spinlock_t *l)
{
	while (__atomic_exchange_n(l, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
	return 0;
}

int pthread_spin_unlock(pthread_spinlock_t *l)
{
	__atomic_store_n(l, 0, __ATOMIC_RELEASE);
	return 0;
}

/* ---- thread-specific data: a value per key in each thread's block ---- */

static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;

void libsys_key_fork(int stage)
{
	if (stage == 0)
		pthread_mutex_lock(&key_lock);
	else
		pthread_mutex_unlock(&key_lock);
}
static unsigned char key_used[PTHREAD_KEYS_MAX];
static void (*key_dtor[PTHREAD_KEYS_MAX])(void *);

int pthread_key_create(pthread_key_t *key, void (*dtor)(void *))
{
	pthread_mutex_lock(&key_lock);
	for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++)
		if (!key_used[k]) {
			key_used[k] = 1;
			key_dtor[k] = dtor;
			pthread_mutex_unlock(&key_lock);
			*key = k;
			return 0;
		}
	pthread_mutex_unlock(&key_lock);
	return EAGAIN;
}

/* The values other threads hold under key stay where they are (POSIX:
 * the program must have dealt with them). */
/* Where t keeps key's value (key < PTHREAD_KEYS_MAX); NULL when it is in
 * the second level and that is not allocated (make: allocate it; NULL if
 * memory is short). */
static void **key_slot(struct libsys_pthread *t, unsigned key, int make)
{
	if (key < KEYS_INLINE)
		return &t->keys[key];
	if (!t->keys_more && make)
		t->keys_more = calloc(PTHREAD_KEYS_MAX - KEYS_INLINE, sizeof(void *));
	return t->keys_more ? &t->keys_more[key - KEYS_INLINE] : NULL;
}

int pthread_key_delete(pthread_key_t key)
{
	if (key >= PTHREAD_KEYS_MAX || !key_used[key])
		return EINVAL;
	pthread_mutex_lock(&key_lock);
	key_used[key] = 0;
	key_dtor[key] = NULL;
	void **v = key_slot(pthread_self(), key, 0);
	if (v)
		*v = NULL;
	pthread_mutex_unlock(&key_lock);
	return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
	void **v = key < PTHREAD_KEYS_MAX ? key_slot(pthread_self(), key, 0) : NULL;
	return v ? *v : NULL;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	if (key >= PTHREAD_KEYS_MAX || !key_used[key])
		return EINVAL;
	void **v = key_slot(pthread_self(), key, value != NULL);
	if (v)
		*v = (void *)value;
	else if (value)
		return ENOMEM;
	return 0;
}

/* At a thread's end: each non-NULL value with a destructor is set to NULL
 * and passed to it, for up to PTHREAD_DESTRUCTOR_ITERATIONS rounds. */
static void run_key_destructors(struct libsys_pthread *t)
{
	for (int round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
		int any = 0;
		for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
			void **slot = key_slot(t, k, 0);
			if (!slot)
				break; /* no second level: no value there */
			void *v = *slot;
			void (*dtor)(void *) = key_dtor[k];
			if (!v || !dtor || !key_used[k])
				continue;
			*slot = NULL;
			dtor(v);
			any = 1;
		}
		if (!any)
			return;
	}
}

/* ---- read-write locks: a mutex and two condition variables; waiting
 * writers keep new readers out (no writer starves) ---- */

int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *attr)
{
	(void)attr;
	memset(l, 0, sizeof *l);
	return 0;
}

int pthread_rwlock_destroy(pthread_rwlock_t *l)
{
	return l->readers || l->writer ? EBUSY : 0;
}

/* A read-write lock's wait on c: not a cancellation point (POSIX's
 * rwlock calls are not; a cancel here would end the thread holding the
 * lock's own mutex). */
static int rw_wait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
	pthread_t self = pthread_self();
	int off = self->cancel_off;
	self->cancel_off = 1;
	int e = abstime ? pthread_cond_timedwait(c, m, abstime) : pthread_cond_wait(c, m);
	self->cancel_off = off;
	return e;
}

static int rw_read(pthread_rwlock_t *l, int try, const struct timespec *abstime)
{
	int e = 0;
	pthread_mutex_lock(&l->lock);
	while (l->writer || l->writers_waiting) {
		if (try) {
			e = EBUSY;
			break;
		}
		e = rw_wait(&l->readable, &l->lock, abstime);
		if (e)
			break;
	}
	if (!e)
		l->readers++;
	pthread_mutex_unlock(&l->lock);
	return e;
}

static int rw_write(pthread_rwlock_t *l, int try, const struct timespec *abstime)
{
	int e = 0;
	pthread_mutex_lock(&l->lock);
	if (l->writer && l->owner == pthread_self() && !try)
		e = EDEADLK; /* (trywrlock: EBUSY, as glibc) */
	while (!e && (l->writer || l->readers)) {
		if (try) {
			e = EBUSY;
			break;
		}
		l->writers_waiting++;
		e = rw_wait(&l->writable, &l->lock, abstime);
		l->writers_waiting--;
	}
	if (!e) {
		l->writer = 1;
		l->owner = pthread_self();
	} else if (!l->writers_waiting) {
		pthread_cond_broadcast(&l->readable);
	}
	pthread_mutex_unlock(&l->lock);
	return e;
}

int pthread_rwlock_rdlock(pthread_rwlock_t *l) { return rw_read(l, 0, NULL); }
int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) { return rw_read(l, 1, NULL); }
int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *t) { return rw_read(l, 0, t); }
int pthread_rwlock_wrlock(pthread_rwlock_t *l) { return rw_write(l, 0, NULL); }
int pthread_rwlock_trywrlock(pthread_rwlock_t *l) { return rw_write(l, 1, NULL); }
int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *t) { return rw_write(l, 0, t); }

/* Readers leave one by one; the last wakes a writer.  A writer leaving
 * wakes a waiting writer, else every reader.  EPERM if not held. */
int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
	int e = 0;
	pthread_mutex_lock(&l->lock);
	if (l->writer) {
		l->writer = 0;
		l->owner = NULL;
	} else if (l->readers) {
		l->readers--;
	} else {
		e = EPERM;
	}
	if (!e && !l->readers) {
		if (l->writers_waiting)
			pthread_cond_signal(&l->writable);
		else
			pthread_cond_broadcast(&l->readable);
	}
	pthread_mutex_unlock(&l->lock);
	return e;
}

int pthread_rwlockattr_init(pthread_rwlockattr_t *a)
{
	a->unused = 0;
	return 0;
}

int pthread_rwlockattr_destroy(pthread_rwlockattr_t *a)
{
	(void)a;
	return 0;
}

/* ---- attributes of a running thread ---- */

int pthread_getattr_np(pthread_t t, pthread_attr_t *a)
{
	pthread_attr_init(a);
	if (!t || t == &main_thread) {
		a->stacksize = PG_STACK_SIZE;
		a->__reserved[0] = PG_STACK_TOP - PG_STACK_SIZE;
		return 0;
	}
	a->stacksize = t->stack_hi - t->stack_lo;
	a->__reserved[0] = t->stack_lo;
	if (__atomic_load_n(&t->done, __ATOMIC_ACQUIRE) == DETACHED)
		a->detachstate = PTHREAD_CREATE_DETACHED;
	return 0;
}

/* The thread runs on [addr, addr + size), which stays the caller's (it
 * is never unmapped here), as Linux's does. */
int pthread_attr_setstack(pthread_attr_t *a, void *addr, size_t size)
{
	int e = pthread_attr_setstacksize(a, size);
	if (!e) {
		a->__reserved[0] = (unsigned long)addr;
		a->own_stack = 1;
	}
	return e;
}

int pthread_attr_getstack(const pthread_attr_t *a, void **addr, size_t *size)
{
	*addr = (void *)a->__reserved[0];
	return pthread_attr_getstacksize(a, size);
}

void libsys_pthread_forked(void)
{
	struct libsys_tls *me = libsys_tls();
	struct libsys_pthread *t = me ? me->self : NULL;
	if (!t)
		return;
	t->ktid = 0;
	__atomic_store_n(&t->slot, 1u, __ATOMIC_RELEASE);
}

unsigned libsys_pthread_slot(pthread_t t, uint64_t *ktid)
{
	unsigned slot;
	while (!(slot = __atomic_load_n(&t->slot, __ATOMIC_ACQUIRE)))
		futex_wait(&t->slot, 0, FUTEX_FOREVER);
	*ktid = t->ktid;
	return slot;
}
