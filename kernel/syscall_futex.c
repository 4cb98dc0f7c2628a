/* futex_wait and futex_wake: the sleeping half of futexes (futex.c queues
 * the waiters).  The lost-wake-up rule: a waiter is queued *before* it
 * reads the word, and a waker changes the word before it wakes, so either
 * the waiter reads the new value (E_AGAIN) or the waker finds it queued.
 * A waiter marks itself woken in its thread (futex_woken) so that a wake
 * landing between its queueing and its sleep ends the sleep at once
 * (sched_sleep_ms_unless looks again after publishing the sleep). */
#include "syscall_impl.h"
#include "futex.h"
#include "thread.h"
#include "ksignal.h"

static bool woken_meanwhile(void)
{
	return atomic_load(&sched_current()->futex_woken) || signal_ready_now();
}

/* Under the waiter's bucket lock, so the thread cannot end meanwhile. */
static void wake_one(struct futex_waiter *w)
{
	struct thread *t = w->thread;
	atomic_store(&t->futex_woken, true);
	sched_wake_sleeper(t);
}

/* Sleep until woken, killed, a signal (E_INTR), or ms have passed
 * (E_TIMEDOUT). */
static int sleep_woken(struct thread *me, uint64_t ms)
{
	bool forever = ms == FUTEX_FOREVER;
	uint64_t end = forever ? 0 : sched_ticks() + ms;
	while (!atomic_load(&me->futex_woken) && !atomic_load(&me->kill)) {
		if (thread_sig_ready(me))
			return E_INTR;
		uint64_t now = sched_ticks(), nap = FUTEX_MAX_MS;
		if (!forever) {
			if (now >= end)
				return E_TIMEDOUT;
			nap = end - now;
		}
		sched_sleep_ms_unless(nap, woken_meanwhile);
	}
	return E_OK;
}

#define QUEUE_TRIES 4 /* the word's page taken away between the two reads */

/* A FUTEX_SHARED word's key and value, read together under its space's
 * lock (space_futex_word): a frame of shared memory gives the frame's key
 * (futex_key_shared), any other page the private key (space, va), as
 * Linux keys a futex without FUTEX_PRIVATE_FLAG in private memory.
 * Never blocks.  E_FAULT if the page is not mapped now. */
static int shared_key(struct space *s, uint64_t va, struct futex_waiter *w, uint32_t *word)
{
	uint64_t pa;
	uint32_t gen;
	bool shared;
	int e = space_futex_word(s, va, &pa, &gen, &shared, word);
	if (e != E_OK)
		return e;
	if (shared)
		futex_key_shared(pa, gen, &w->space, &w->va);
	else
		w->space = s, w->va = va;
	return E_OK;
}

/* The read made while queued (never blocks): the word, and for a
 * FUTEX_SHARED one, E_AGAIN if the page maps another frame than the one
 * w was queued for (unmapped and mapped again meanwhile). */
static int queued_read(struct space *s, uint64_t va, bool sh, struct futex_waiter *w,
		       uint32_t *now)
{
	if (!sh)
		return space_copy_in(s, now, va, sizeof *now);
	struct futex_waiter k = *w;
	int e = shared_key(s, va, &k, now);
	return e != E_OK ? e : k.space == w->space && k.va == w->va ? E_OK : E_AGAIN;
}

/* Leave w's queue: true if a waker counted us meanwhile.  A thread being
 * killed will not use that wake: it passes it on to the next waiter (a
 * shared word's may be another process's). */
static bool leave_woken(struct thread *me, struct futex_waiter *w)
{
	if (!futex_leave(w))
		return false;
	if (atomic_load(&me->kill))
		futex_wake(w->space, w->va, 1, wake_one);
	return true;
}

/* futex_wait's body for one kind of key (sh: FUTEX_SHARED), inlined
 * twice so the private one is the code it was before shared keys.  The
 * word is read twice: first with the pager's help (a lazy page is paged
 * in; a kill may end the thread right there, so it must not be queued
 * yet), then, queued, without it (space_copy_in never blocks, so nothing
 * between the queueing and futex_leave can end the thread and leave its
 * waiter behind).  A shared word's key is the frame its page maps at the
 * first read; the second read checks it still does. */
static inline __attribute__((always_inline)) int
wait_on(struct thread *me, uint64_t va, uint32_t val, uint64_t ms, bool sh)
{
	uint32_t now;
	struct futex_waiter w = { .space = me->space, .va = va, .thread = me };
	for (int tries = 0;; tries++) {
		int e = user_in(&now, va, sizeof now);
		if (e != E_OK || now != val)
			return e != E_OK ? e : E_AGAIN;
		if (sh && shared_key(me->space, va, &w, &now) != E_OK) {
			if (tries == QUEUE_TRIES)
				return E_FAULT;
			continue; /* gone again since user_in: page it in again */
		}
		atomic_store(&me->futex_woken, false);
		futex_enqueue(&w);
		if (queued_read(me->space, va, sh, &w, &now) == E_OK)
			break;
		if (leave_woken(me, &w))
			return E_OK;
		if (tries == QUEUE_TRIES)
			return E_FAULT;
	}
	int e = now != val ? E_AGAIN : sleep_woken(me, ms);
	if (leave_woken(me, &w))
		e = E_OK; /* a waker counted us: say so, whatever else happened */
	thread_check_kill();
	return e;
}

/* futex_wait(addr | FUTEX_SHARED?, val, ms): see abi/syscall.h. */
int ksys_futex_wait(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	uint64_t va = a[0], ms = a[2];
	if (ms > FUTEX_MAX_MS && ms != FUTEX_FOREVER)
		return E_INVAL;
	if (__builtin_expect(va & 3, 0)) /* the private path: this test only */
		return (va & 3) == FUTEX_SHARED
			       ? wait_on(cur(), va & ~3ull, (uint32_t)a[1], ms, true)
			       : E_INVAL;
	return wait_on(cur(), va, (uint32_t)a[1], ms, false);
}

/* futex_wake of a FUTEX_SHARED word: its page is paged in if it is not
 * mapped here yet (it is a frame others may wait on), then the waiters of
 * its key (the frame's, or the private one) are woken. */
static __attribute__((noinline)) int wake_shared(uint64_t va, unsigned n, uint64_t out[6])
{
	struct futex_waiter k;
	uint32_t word;
	int e = E_FAULT;
	for (int tries = 0; tries <= QUEUE_TRIES; tries++) {
		if ((e = shared_key(cur()->space, va, &k, &word)) == E_OK)
			break;
		if ((e = user_in(&word, va, sizeof word)) != E_OK)
			return e;
		e = E_FAULT;
	}
	if (e != E_OK)
		return e;
	out[0] = futex_wake(k.space, k.va, n, wake_one);
	return E_OK;
}

/* futex_wake(addr | FUTEX_SHARED?, n) -> woken: see abi/syscall.h. */
int ksys_futex_wake(const uint64_t a[6], uint64_t out[6])
{
	uint64_t va = a[0];
	unsigned n = a[1] > UINT32_MAX ? UINT32_MAX : (unsigned)a[1];
	if (__builtin_expect(va & 3, 0)) /* the private path: this test only */
		return (va & 3) == FUTEX_SHARED ? wake_shared(va & ~3ull, n, out) : E_INVAL;
	out[0] = futex_wake(cur()->space, va, n, wake_one);
	return E_OK;
}
