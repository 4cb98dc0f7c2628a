/* Waiting for console input: a reader sleeps until an input interrupt
 * wakes it (console_input_notify), not in a polling loop.  Up to
 * WAITERS_MAX readers wait at once (the shell is the one reader; more
 * sleep in short turns). */
#include "console.h"
#include "sched.h"
#include "spinlock.h"
#include "ksignal.h"
#include "arch_api.h"
#include "abi/syscall.h"

#define WAITERS_MAX 4
#define WAIT_MS     1000 /* a safety net: input wakes the reader */
#define POLL_MS     10   /* without interrupts, or with every slot taken */

/* lock guards waiters[]: a slot holds a reader between its registering and
 * its waking (it clears its own slot, so a waker never claims a thread
 * that sleeps for another reason). */
static struct spinlock lock;
static struct thread *waiters[WAITERS_MAX];

/* Register t; its slot, or -1 if all are taken. */
static int enlist(struct thread *t)
{
	unsigned long f = spin_lock_irqsave(&lock);
	int slot = -1;
	for (int i = 0; i < WAITERS_MAX && slot < 0; i++)
		if (!waiters[i])
			waiters[slot = i] = t;
	spin_unlock_irqrestore(&lock, f);
	return slot;
}

static void delist(int slot)
{
	unsigned long f = spin_lock_irqsave(&lock);
	waiters[slot] = NULL;
	spin_unlock_irqrestore(&lock, f);
}

/* A reader's ready(): input came, or a signal to take (E_INTR). */
static bool input_or_signal(void)
{
	return console_has_input() || signal_ready_now();
}

size_t console_wait_take(char *dst, size_t n, bool nowait)
{
	size_t got;
	while (!(got = console_take(dst, n)) && !nowait) {
		int slot = arch_console_interrupts() ? enlist(sched_current()) : -1;
		sched_sleep_ms_unless(slot < 0 ? POLL_MS : WAIT_MS, input_or_signal);
		if (slot >= 0)
			delist(slot);
		thread_check_kill();
		if (signal_ready_now())
			break; /* nothing taken: the caller says E_INTR */
	}
	if (got)
		arch_console_poll(); /* what the devices held back meanwhile */
	return got;
}

int console_wait_input(uint64_t ms)
{
	uint64_t hz = arch_cycles_per_sec() ? arch_cycles_per_sec() : 1;
	uint64_t start = arch_cycles();
	for (;;) {
		if (console_has_input())
			return 1;
		if (signal_ready_now())
			return -1;
		uint64_t gone = (arch_cycles() - start) / (hz / 1000 ? hz / 1000 : 1);
		if (ms != FUTEX_FOREVER && gone >= ms)
			return 0;
		uint64_t left = ms == FUTEX_FOREVER ? WAIT_MS : ms - gone;
		int slot = arch_console_interrupts() ? enlist(sched_current()) : -1;
		uint64_t nap = slot < 0 ? POLL_MS : WAIT_MS;
		sched_sleep_ms_unless(left < nap ? left : nap, input_or_signal);
		if (slot >= 0)
			delist(slot);
		thread_check_kill();
	}
}

void console_input_notify(void)
{
	unsigned long f = spin_lock_irqsave(&lock);
	for (int i = 0; i < WAITERS_MAX; i++)
		if (waiters[i])
			sched_wake_sleeper(waiters[i]);
	spin_unlock_irqrestore(&lock, f);
}
