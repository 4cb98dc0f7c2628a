/* Signals (abi/signal.h).  Synchronous fault signals: when the pager
 * answers a fault with FAULT_REPLY_SIGNAL, the faulting thread resumes in
 * its process's signal entry with a frame on its own user stack.
 * Asynchronous ones: the pager (policy: which thread, which action) posts
 * a signal to a thread (sig_post); the kernel keeps it pending in the
 * thread, ends an interruptible wait (E_INTR), and on the thread's next
 * way back to ring 3 builds the same frame (signal_deliver_pending).
 * sigreturn puts the registers back from the frame, sigmask sets the
 * blocked set, sigsuspend waits for a signal.  Every user address is
 * checked: a frame that cannot be written is no delivery (the pager then
 * kills, fault.c), a bad sigreturn frame an error. */
#include "kernel.h"
#include "arch_api.h"
#include "sched.h"
#include "space.h"
#include "thread.h"
#include "ipc.h"
#include "memlayout.h"
#include "lib/string.h"
#include "abi/fault.h"
#include "abi/signal.h"
#include "syscall_impl.h"
#include "ksignal.h"

#define RED_ZONE 128
#define RFLAGS_TF 0x100
#define RFLAGS_DF 0x400

/* Write f at sp in the current space, asking the pager for the pages
 * (again if another thread's fork write-protected them meanwhile; out of
 * memory, as the thread's own fault would: a frame not written kills). */
static int frame_out(struct thread *me, uint64_t sp, const struct abi_sigframe *f)
{
	(void)me;
	return fault_copy_out_wait(sp, f, sizeof *f);
}

/* Write the frame of signal sig (si_code code, si_addr addr) below the
 * interrupted rsp of me, keeping blocked set mask in it, and set me's
 * registers to enter entry; sig is then blocked.  False, with nothing
 * changed, if the stack pointer or the frame's memory is bad. */
/* True if rsp lies on me's alternate stack. */
static bool on_altstack(const struct thread *me, uint64_t rsp)
{
	return me->ss_size && rsp > me->ss_sp && rsp - me->ss_sp <= me->ss_size;
}

/* Where signal sig's frame goes below (the red zone kept unless the frame
 * starts a fresh alternate stack), and uc_stack as Linux fills it. */
static uint64_t frame_top(const struct thread *me, unsigned sig, uint64_t rsp,
			  struct abi_stack *st)
{
	st->ss_sp = me->ss_sp;
	st->ss_size = me->ss_size;
	st->ss_flags = !me->ss_size ? ABI_SS_DISABLE : on_altstack(me, rsp) ? ABI_SS_ONSTACK : 0;
	if (me->ss_size && ((me->sigonstack >> (sig - 1)) & 1) && !on_altstack(me, rsp))
		return me->ss_sp + me->ss_size + RED_ZONE;
	return rsp;
}

static bool push_frame(struct thread *me, uint64_t entry, unsigned sig, int code,
		       uint64_t addr, int32_t status, uint64_t mask)
{
	struct abi_sigframe f;
	memset(&f, 0, sizeof f);
	uint64_t *g = f.uc.uc_mcontext.gregs;
	arch_uregs_get(me->uframe, g);
	g[ABI_REG_CR2] = addr;
	g[ABI_REG_OLDMASK] = f.uc.uc_sigmask = mask;
	f.info.si_signo = (int32_t)sig;
	f.info.si_code = code;
	f.info.si_addr = addr;
	f.info.si_status = status;
	uint64_t rsp = frame_top(me, sig, g[ABI_REG_RSP], &f.uc.uc_stack);
	if (rsp > USER_END || rsp < RED_ZONE + 2 * sizeof f)
		return false;
	uint64_t sp = (rsp - RED_ZONE - sizeof f) & ~63ull;
	if (frame_out(me, sp, &f) != E_OK)
		return false;
	g[ABI_REG_RIP] = entry;
	g[ABI_REG_RSP] = sp;
	g[ABI_REG_RDI] = sig;
	g[ABI_REG_RSI] = sp + __builtin_offsetof(struct abi_sigframe, info);
	g[ABI_REG_RDX] = sp + __builtin_offsetof(struct abi_sigframe, uc);
	g[ABI_REG_EFL] &= ~(uint64_t)(RFLAGS_DF | RFLAGS_TF);
	arch_uregs_set(me->uframe, g);
	me->sigblocked |= 1ull << (sig - 1);
	return true;
}

uint64_t signal_deliver(const struct ipc_msg *r)
{
	struct thread *me = sched_current();
	uint64_t entry = r->w[FAULT_SIG_ENTRY], sig = r->w[FAULT_SIG_INFO] & 0xff;
	if (sig < 1 || sig > 64 || entry >= USER_END || ((me->sigblocked >> (sig - 1)) & 1))
		return FAULT_ACC_NOSIGNAL;
	if (!push_frame(me, entry, (unsigned)sig, (int32_t)(r->w[FAULT_SIG_INFO] >> 8),
			r->w[FAULT_SIG_ADDR], 0, me->sigblocked))
		return FAULT_ACC_NOSIGNAL | FAULT_ACC_NOFRAME;
	return 0;
}

/* The signals sent to me's process while every thread blocked them
 * (space->sigpending): after me's blocked set changed, take the lowest it
 * now lets through, if another thread has not taken it first.  Called
 * only where a blocked set shrinks (sigmask, sigreturn, sigsuspend, the
 * end of a sigsuspend), never on the hot paths.  The fence pairs with the
 * poster's (SIG_POST_SHARED, then SIG_POST_CLAIM of each thread): either
 * it sees this thread's new set or this thread sees its bit. */
static void signal_claim(struct thread *me)
{
	struct space *s = me->space;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint64_t avail = __atomic_load_n(&s->sigpending, __ATOMIC_SEQ_CST) & ~me->sigblocked;
	if (!avail)
		return;
	uint64_t bit = avail & -avail;
	if (!(__atomic_fetch_and(&s->sigpending, ~bit, __ATOMIC_SEQ_CST) & bit))
		return; /* another thread took it */
	uint64_t entry = __atomic_load_n(&s->sig_entry, __ATOMIC_RELAXED);
	if (entry)
		__atomic_store_n(&me->sig_entry, entry, __ATOMIC_RELAXED);
	unsigned i = (unsigned)__builtin_ctzll(bit);
	__atomic_store_n(&me->siginfo[i], __atomic_load_n(&s->siginfo[i], __ATOMIC_RELAXED),
			 __ATOMIC_RELAXED);
	__atomic_fetch_or(&me->sigpending, bit, __ATOMIC_SEQ_CST);
}

/* me now blocks the signals of newly, which it let through before: those
 * pending on it that were sent to its process (not to it alone: sigown)
 * go back to the process's set for another thread to take, as Linux's
 * retarget_shared_pending; the bits moved.  The fence pairs with a
 * poster's look at the blocked set after it set its bit (ksys_sig_post):
 * either this sees the bit, or the poster sees the new set and takes its
 * bit back; whichever clears the bit first moves it. */
static uint64_t signal_give_back(struct thread *me, uint64_t newly)
{
	struct space *s = me->space;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint64_t cand = __atomic_load_n(&me->sigpending, __ATOMIC_SEQ_CST) & newly &
			~__atomic_load_n(&me->sigown, __ATOMIC_SEQ_CST) & ~THREAD_STOP_BIT;
	uint64_t moved = 0;
	for (uint64_t b = cand; b; b &= b - 1) {
		uint64_t bit = b & -b;
		unsigned i = (unsigned)__builtin_ctzll(bit);
		uint64_t w = __atomic_load_n(&me->siginfo[i], __ATOMIC_SEQ_CST);
		if (!(__atomic_fetch_and(&me->sigpending, ~bit, __ATOMIC_SEQ_CST) & bit))
			continue;
		if (!(__atomic_load_n(&s->sigpending, __ATOMIC_SEQ_CST) & bit))
			__atomic_store_n(&s->siginfo[i], w, __ATOMIC_SEQ_CST);
		__atomic_fetch_or(&s->sigpending, bit, __ATOMIC_SEQ_CST);
		moved |= bit;
	}
	return moved;
}

#define STOP_NAP_MS (3600ull * 1000) /* woken by SIG_POST_CONT or a kill */

/* A parked thread's ready(): its process continued, or it is killed. */
static bool stop_over(void)
{
	struct thread *me = sched_current();
	return !atomic_load(&me->space->stopped) || atomic_load(&me->kill);
}

/* The current thread me saw THREAD_STOP_BIT: it sleeps (killable) while
 * its process is stopped.  The bit is cleared before stopped is read, so
 * a stop that comes later leaves it set for the next way out. */
static void signal_stop_park(struct thread *me)
{
	__atomic_fetch_and(&me->sigpending, ~THREAD_STOP_BIT, __ATOMIC_SEQ_CST);
	atomic_store(&me->stop_parked, true);
	while (atomic_load(&me->space->stopped)) {
		sched_sleep_ms_unless(STOP_NAP_MS, stop_over);
		thread_check_kill();
	}
	atomic_store(&me->stop_parked, false);
}

void signal_deliver_pending(void *uframe)
{
	struct thread *me = sched_current();
	(void)uframe; /* me->uframe: every frame from ring 3 is the one at the top */
	if (__atomic_load_n(&me->sigpending, __ATOMIC_SEQ_CST) & THREAD_STOP_BIT)
		signal_stop_park(me);
again:;
	uint64_t ready = *(volatile uint64_t *)&me->sigpending & ~me->sigblocked & ~THREAD_STOP_BIT;
	uint64_t mask = me->sigsuspended ? me->sigsaved : me->sigblocked;
	if (!ready) /* a suspension goes on: libsys's sigsuspend calls again
		     * (sigsaved kept); it ends only with a handler's frame,
		     * whose sigreturn puts the old set back (and gives back
		     * what that set blocks: ksys_sigreturn) */
		return;
	unsigned sig = (unsigned)__builtin_ctzll(ready) + 1;
	uint64_t info = __atomic_load_n(&me->siginfo[sig - 1], __ATOMIC_SEQ_CST);
	__atomic_fetch_and(&me->sigown, ~(1ull << (sig - 1)), __ATOMIC_SEQ_CST);
	if (!(__atomic_fetch_and(&me->sigpending, ~(1ull << (sig - 1)), __ATOMIC_SEQ_CST) &
	      (1ull << (sig - 1))))
		goto again; /* a poster took it back (ksys_sig_post): another thread's */
	uint64_t entry = *(volatile uint64_t *)&me->sig_entry;
	if (entry && entry < USER_END &&
	    push_frame(me, entry, sig, (int8_t)(info >> 8), info >> 32, (uint8_t)(info >> 16), mask)) {
		me->sigsuspended = false;
		return;
	}
	me->sigsuspended = false;
	uint64_t g[ABI_NGREG];
	arch_uregs_get(me->uframe, g);
	fault_no_signal_frame(g[ABI_REG_RIP]);
}

bool signal_ready_now(void)
{
	return thread_sig_ready(sched_current());
}

/* sigreturn (42): every register and the blocked set back from the
 * frame's ucontext at a[0].  A set that blocks signals pending on the
 * thread that were sent to its process (not to it alone) blocks them
 * first and gives them back to the process (signal_give_back), and the
 * call answers E_AGAIN with them in out[0], nothing else restored:
 * libsys_sigtramp offers them to the other threads (PG_SIG_OFFER) and
 * calls again, as a sigmask's give-back.  Returns to the frame's rip. */
int ksys_sigreturn(const uint64_t a[6], uint64_t out[6])
{
	struct thread *me = cur();
	struct abi_ucontext uc;
	if (user_in(&uc, a[0], sizeof uc) != E_OK)
		return E_FAULT;
	const uint64_t *g = uc.uc_mcontext.gregs;
	if (g[ABI_REG_RIP] >= USER_END || g[ABI_REG_RSP] > USER_END)
		return E_INVAL;
	uint64_t mask = uc.uc_sigmask & ~ABI_SIG_UNBLOCKABLE, newly = mask & ~me->sigblocked;
	if (newly) { /* blocked first: a post that looks now sees it */
		me->sigblocked |= newly;
		uint64_t moved = signal_give_back(me, newly);
		if (moved) { /* nothing restored yet: libsys offers, then again */
			out[0] = moved;
			return E_AGAIN;
		}
	}
	arch_uregs_set(me->uframe, g);
	me->sigblocked = mask;
	signal_claim(me);
	thread_check_kill();
	signal_on_return(me, me->uframe);
	arch_user_return(me->uframe);
}

int ksys_sigmask(const uint64_t a[6], uint64_t out[6])
{
	struct thread *me = cur();
	uint64_t old = me->sigblocked, set = a[1], how = a[0];
	uint32_t from = 0; /* a raise's si_pid: the caller's own */
	if ((uint32_t)how == ABI_SIG_RAISE)
		from = (uint32_t)(how >> 32), how = ABI_SIG_RAISE;
	if (a[2] >= USER_END || (how == ABI_SIG_RAISE && !a[2]))
		return E_INVAL;
	if (a[2]) /* the caller's handler entry, for what it blocks now */
		__atomic_store_n(&me->sig_entry, a[2], __ATOMIC_RELAXED);
	switch (how) {
	case ABI_SIG_BLOCK: me->sigblocked |= set; break;
	case ABI_SIG_UNBLOCK: me->sigblocked &= ~set; break;
	case ABI_SIG_SETMASK: me->sigblocked = set; break;
	case ABI_SIG_RAISE:
		set &= ~ABI_SIG_UNBLOCKABLE;
		for (uint64_t b = set & ~me->sigpending; b; b &= b - 1) /* as tgkill: SI_TKILL */
			me->siginfo[__builtin_ctzll(b)] = SIG_WORD(0, ABI_SI_TKILL, 0, from);
		__atomic_fetch_or(&me->sigown, set, __ATOMIC_SEQ_CST);
		__atomic_fetch_or(&me->sigpending, set, __ATOMIC_SEQ_CST);
		break;
	case ~0ull: break;
	default: return E_INVAL;
	}
	me->sigblocked &= ~ABI_SIG_UNBLOCKABLE;
	if (old & ~me->sigblocked)
		signal_claim(me);
	out[2] = me->sigblocked & ~old ? signal_give_back(me, me->sigblocked & ~old) : 0;
	out[0] = old;
	out[1] = (*(volatile uint64_t *)&me->sigpending & ~THREAD_STOP_BIT) |
		 __atomic_load_n(&me->space->sigpending, __ATOMIC_RELAXED);
	return E_OK;
}

int ksys_sigaltstack(const uint64_t a[6], uint64_t out[6])
{
	struct thread *me = cur();
	uint64_t g[ABI_NGREG];
	arch_uregs_get(me->uframe, g);
	bool on = on_altstack(me, g[ABI_REG_RSP]);
	if (a[2] != ABI_SS_SET && a[2] != ABI_SS_DISABLE && a[2] != ABI_SS_ASK)
		return E_INVAL;
	if (a[2] != ABI_SS_ASK && on)
		return E_PERM;
	if (a[2] == ABI_SS_SET && a[1] < ABI_MINSIGSTKSZ)
		return E_NOMEM;
	if (a[2] == ABI_SS_SET && (a[0] >= USER_END || a[1] > USER_END - a[0]))
		return E_INVAL;
	out[0] = me->ss_sp;
	out[1] = me->ss_size;
	out[2] = !me->ss_size ? ABI_SS_DISABLE : on ? ABI_SS_ONSTACK : 0;
	if (a[2] == ABI_SS_SET)
		me->ss_sp = a[0], me->ss_size = a[1];
	else if (a[2] == ABI_SS_DISABLE)
		me->ss_sp = me->ss_size = 0;
	me->sigonstack = a[3];
	return E_OK;
}

#define SUSPEND_NAP_MS (3600ull * 1000) /* woken by the post, not by this */

int ksys_sigsuspend(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	struct thread *me = cur();
	if (!me->sigsuspended)
		me->sigsaved = me->sigblocked;
	me->sigsuspended = true; /* the delivery on the way out ends it */
	me->sigblocked = a[0] & ~ABI_SIG_UNBLOCKABLE;
	signal_claim(me);
	while (!thread_sig_ready(me)) {
		sched_sleep_ms_unless(SUSPEND_NAP_MS, signal_ready_now);
		thread_check_kill();
	}
	return E_INTR;
}

/* Make t leave an interruptible wait, or enter the kernel if it runs
 * elsewhere, so that it takes its signal soon. */
static void kick(struct thread *t)
{
	if (thread_claim(t, TS_SLEEPING)) {
		sched_cancel_sleep(t);
		sched_wake(t);
	} else if (t->cpu != arch_cpu_id()) {
		arch_wake_cpu(t->cpu);
	}
}

/* Take the lowest signal of set pending on me, its own first (sent to
 * it, or claimed), then its process's (space->sigpending: one fetch_and,
 * so two threads never both take it); its number, *info its siginfo word
 * (read while its bit is still set: a later post of the number writes
 * its info only once the bit is clear).  0 if none. */
static unsigned sigwait_take(struct thread *me, uint64_t set, uint64_t *info)
{
	uint64_t mine = __atomic_load_n(&me->sigpending, __ATOMIC_SEQ_CST) & set;
	if (mine) {
		uint64_t bit = mine & -mine;
		unsigned i = (unsigned)__builtin_ctzll(bit);
		*info = __atomic_load_n(&me->siginfo[i], __ATOMIC_SEQ_CST);
		__atomic_fetch_and(&me->sigown, ~bit, __ATOMIC_SEQ_CST);
		if (__atomic_fetch_and(&me->sigpending, ~bit, __ATOMIC_SEQ_CST) & bit)
			return i + 1;
	}
	struct space *s = me->space;
	uint64_t shared;
	while ((shared = __atomic_load_n(&s->sigpending, __ATOMIC_SEQ_CST) & set)) {
		uint64_t bit = shared & -shared;
		unsigned i = (unsigned)__builtin_ctzll(bit);
		uint64_t w = __atomic_load_n(&s->siginfo[i], __ATOMIC_SEQ_CST);
		if (__atomic_fetch_and(&s->sigpending, ~bit, __ATOMIC_SEQ_CST) & bit) {
			*info = w;
			return i + 1;
		}
	}
	return 0;
}

/* sigwait's ready(): a signal it waits for is pending on it or its
 * process, one it lets through (a handler to run: E_INTR), or a stop
 * (E_INTR, taken nothing). */
static bool sigwait_ready(void)
{
	struct thread *me = sched_current();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint64_t set = *(volatile uint64_t *)&me->sigwaiting;
	return ((*(volatile uint64_t *)&me->sigpending |
		 *(volatile uint64_t *)&me->space->sigpending) & (set | THREAD_STOP_BIT)) ||
	       thread_sig_ready(me);
}

#define SIGWAIT_NAP_MS (3600ull * 1000) /* woken by the post, not by this */

int ksys_sigwait(const uint64_t a[6], uint64_t out[6])
{
	struct thread *me = cur();
	uint64_t set = a[0] & ~(ABI_SIG_UNBLOCKABLE | THREAD_STOP_BIT), ms = a[1], info = 0;
	if (!set || (ms != FUTEX_FOREVER && ms > FUTEX_MAX_MS))
		return E_INVAL;
	uint64_t end = ms == FUTEX_FOREVER ? ~0ull : sched_ticks() + ms;
	/* published before the first look: a poster sets its bit, then
	 * reads this (sig_post, claim_for) and wakes us; one of the two
	 * sees the other */
	__atomic_store_n(&me->sigwaiting, set, __ATOMIC_SEQ_CST);
	int e = E_OK;
	unsigned sig;
	for (;;) {
		/* never while the process is stopped (Linux: the stop ends the
		 * wait EINTR, the signal stays pending for after SIGCONT) */
		if (__atomic_load_n(&me->sigpending, __ATOMIC_SEQ_CST) & THREAD_STOP_BIT) {
			e = E_INTR;
			break;
		}
		if ((sig = sigwait_take(me, set, &info)))
			break;
		if (thread_sig_ready(me)) {
			e = E_INTR;
			break;
		}
		uint64_t now = sched_ticks();
		if (now >= end) {
			e = E_AGAIN;
			break;
		}
		sched_sleep_ms_unless(end - now < SIGWAIT_NAP_MS ? end - now : SIGWAIT_NAP_MS,
				      sigwait_ready);
		thread_check_kill();
	}
	__atomic_store_n(&me->sigwaiting, 0, __ATOMIC_SEQ_CST);
	out[0] = sig;
	out[1] = info;
	return e;
}

/* True if t waits in sigwait for the signal of bit (though it blocks it):
 * read after the bit was set, so a waiter that looked before is woken. */
static bool sigwait_for(struct thread *t, uint64_t bit)
{
	return (__atomic_load_n(&t->sigwaiting, __ATOMIC_SEQ_CST) & bit) != 0;
}

/* Move the process-wide pending signal bit to t if t lets it through
 * and nobody took it first (SIG_POST_CLAIM). */
static int claim_for(struct thread *t, uint64_t bit)
{
	struct space *s = t->space;
	if (__atomic_load_n(&t->sigblocked, __ATOMIC_SEQ_CST) & bit) {
		if (sigwait_for(t, bit)) /* it takes it from the process's set */
			kick(t);
		return E_BUSY;
	}
	if (!(__atomic_fetch_and(&s->sigpending, ~bit, __ATOMIC_SEQ_CST) & bit))
		return E_BUSY;
	unsigned i = (unsigned)__builtin_ctzll(bit);
	__atomic_store_n(&t->siginfo[i], __atomic_load_n(&s->siginfo[i], __ATOMIC_RELAXED),
			 __ATOMIC_RELAXED);
	uint64_t entry = __atomic_load_n(&s->sig_entry, __ATOMIC_RELAXED);
	if (entry)
		__atomic_store_n(&t->sig_entry, entry, __ATOMIC_RELAXED);
	__atomic_fetch_or(&t->sigpending, bit, __ATOMIC_SEQ_CST);
	/* t may have blocked it since the look above (a sigmask, a
	 * sigreturn's mask) without seeing the bit (its signal_give_back
	 * looked first): read again after the post, as ksys_sig_post does,
	 * and give it back to the process unless t moved it first */
	if (__atomic_load_n(&t->sigblocked, __ATOMIC_SEQ_CST) & bit) {
		if (__atomic_fetch_and(&t->sigpending, ~bit, __ATOMIC_SEQ_CST) & bit)
			__atomic_fetch_or(&s->sigpending, bit, __ATOMIC_SEQ_CST);
		if (sigwait_for(t, bit))
			kick(t);
		return E_BUSY;
	}
	if (__atomic_load_n(&t->sig_ending, __ATOMIC_SEQ_CST) &&
	    (__atomic_fetch_and(&t->sigpending, ~bit, __ATOMIC_SEQ_CST) & bit)) {
		__atomic_fetch_or(&s->sigpending, bit, __ATOMIC_SEQ_CST); /* for another */
		return E_DEAD;
	}
	kick(t);
	return E_OK;
}

#define STOP_WAIT_MS 200 /* a target whose CPU does not answer: reported anyway */

/* Wait until t, just marked to stop, can run no more ring-3 code before it
 * parks: it is not running (a thread in a run queue, blocked or asleep
 * passes signal_on_return first) or has parked.  So the stop is reported
 * to the parent once it holds, as Linux's waitpid reports it once every
 * thread stopped (a thread running in ring 3 on another CPU, which our
 * wake IPI reaches a moment later, ran on meanwhile).  Interrupts are let
 * in while waiting (the target may need this CPU's TLB answer); bounded
 * by STOP_WAIT_MS for a CPU the host does not run. */
static void stop_wait(struct thread *t)
{
	uint64_t until = sched_ticks() + STOP_WAIT_MS;
	while (atomic_load(&t->state) == TS_RUNNING && !atomic_load(&t->stop_parked) &&
	       t->cpu != arch_cpu_id() && sched_ticks() < until)
		arch_irq_window();
}

/* Job control on t's process (pager-only, through sig_post): STOP marks
 * the space stopped and t to park on its way back to ring 3 (a thread
 * running on another CPU is sent the wake IPI; a sleeping one parks when
 * it wakes); CONT clears it and wakes t if it parked; DISCARD takes the
 * signals of mask out of t's pending set and its process's (a stop
 * discards a pending SIGCONT, SIGCONT the stop signals).  E_OK. */
static int job_control(struct thread *t, uint64_t fl, uint64_t mask)
{
	struct space *s = t->space;
	if (fl & SIG_POST_STOP) {
		atomic_store(&s->stopped, true);
		__atomic_fetch_or(&t->sigpending, THREAD_STOP_BIT, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&t->sigwaiting, __ATOMIC_SEQ_CST) &&
		    thread_claim(t, TS_SLEEPING)) { /* its sigwait ends E_INTR */
			sched_cancel_sleep(t);
			sched_wake(t);
		}
		if (t->cpu != arch_cpu_id()) /* whatever its state (it may be on its way in) */
			arch_wake_cpu(t->cpu);
		stop_wait(t);
	} else if (fl & SIG_POST_CONT) {
		atomic_store(&s->stopped, false);
		if (atomic_load(&t->stop_parked) && thread_claim(t, TS_SLEEPING)) {
			sched_cancel_sleep(t);
			sched_wake(t);
		}
	} else {
		mask &= ~THREAD_STOP_BIT;
		__atomic_fetch_and(&t->sigpending, ~mask, __ATOMIC_SEQ_CST);
		__atomic_fetch_and(&t->sigown, ~mask, __ATOMIC_SEQ_CST);
		__atomic_fetch_and(&s->sigpending, ~mask, __ATOMIC_SEQ_CST);
	}
	return E_OK;
}

/* True if at most one bit of f is set. */
static bool one_flag(uint64_t f)
{
	return (f & (f - 1)) == 0;
}

#define SIG_POST_FLAGS (SIG_POST_FORCE | SIG_POST_PROBE | SIG_POST_SHARED | SIG_POST_CLAIM | \
			SIG_POST_OWN)
#define SIG_POST_JOB (SIG_POST_STOP | SIG_POST_CONT | SIG_POST_DISCARD)

/* sig_post with one of SIG_POST_JOB's flags: job_control on thread a[0]
 * (a[1] = DISCARD's mask). */
static int sig_post_job(const uint64_t a[6])
{
	if (!one_flag(a[3]) || a[2])
		return E_INVAL;
	struct handle_entry h;
	int e = ksys_lookup(a[0], KOBJ_THREAD, RIGHT_CONTROL, &h);
	if (e != E_OK)
		return e;
	struct thread *t = container_of(h.obj, struct thread, obj);
	e = t->space == cur()->space ? E_INVAL : job_control(t, a[3], a[1]);
	kobj_put(h.obj);
	return e;
}

int ksys_sig_post(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	uint64_t sig = a[1] & 0xff, info = SIG_WORD_INFO(a[1]), entry = a[2], fl = a[3];
	uint64_t bit = 1ull << ((sig - 1) & 63);
	if (fl & SIG_POST_JOB)
		return sig_post_job(a);
	if (sig < 1 || sig > 64 || (bit & ABI_SIG_UNBLOCKABLE) || entry >= USER_END ||
	    (fl & ~(uint64_t)SIG_POST_FLAGS) || !one_flag(fl & ~(uint64_t)SIG_POST_OWN) ||
	    ((fl & SIG_POST_OWN) && !(fl & SIG_POST_FORCE)))
		return E_INVAL;
	struct handle_entry h;
	int e = ksys_lookup(a[0], KOBJ_THREAD, RIGHT_CONTROL, &h);
	if (e != E_OK)
		return e;
	struct thread *t = container_of(h.obj, struct thread, obj);
	bool blocked = (t->sigblocked & bit) != 0; /* its own: a racy look */
	if (t->space == cur()->space) {
		e = E_INVAL; /* not to the pager itself */
	} else if (fl & SIG_POST_PROBE) {
		e = blocked ? E_BUSY : E_OK;
	} else if (fl & SIG_POST_SHARED) {
		if (entry)
			__atomic_store_n(&t->space->sig_entry, entry, __ATOMIC_RELAXED);
		if (!(__atomic_load_n(&t->space->sigpending, __ATOMIC_SEQ_CST) & bit))
			__atomic_store_n(&t->space->siginfo[sig - 1], info, __ATOMIC_RELAXED);
		__atomic_fetch_or(&t->space->sigpending, bit, __ATOMIC_SEQ_CST);
		e = E_OK;
	} else if (fl & SIG_POST_CLAIM) {
		e = claim_for(t, bit);
	} else if (blocked && !(fl & SIG_POST_FORCE)) {
		e = E_BUSY;
	} else {
		if (entry)
			__atomic_store_n(&t->sig_entry, entry, __ATOMIC_RELAXED);
		if (fl & SIG_POST_OWN)
			__atomic_fetch_or(&t->sigown, bit, __ATOMIC_SEQ_CST);
		if (!(__atomic_load_n(&t->sigpending, __ATOMIC_SEQ_CST) & bit)) /* the first's */
			__atomic_store_n(&t->siginfo[sig - 1], info, __ATOMIC_RELAXED);
		__atomic_fetch_or(&t->sigpending, bit, __ATOMIC_SEQ_CST);
		/* Blocked or not, decided again after the post. */
		bool now = (__atomic_load_n(&t->sigblocked, __ATOMIC_SEQ_CST) & bit) != 0;
		if (now && !(fl & SIG_POST_FORCE)) {
			/* t blocked it since the look above and may not have
			 * seen the bit (its signal_give_back): take it back for
			 * another thread, unless t took or gave it back first */
			e = (__atomic_fetch_and(&t->sigpending, ~bit, __ATOMIC_SEQ_CST) & bit)
				    ? E_BUSY : E_OK;
		} else {
			/* FORCE posts a blocked one: a thread that let it
			 * through since the look above either sees the bit (its
			 * signal_claim's fence comes before its next look at
			 * sigpending) or is seen here letting it through, and is
			 * kicked, and the pager told E_OK so that it ends the
			 * thread's waits (else it would sleep with the signal
			 * pending and nobody to wake it); a thread in sigwait
			 * for it is kicked though it blocks it */
			if (!now || sigwait_for(t, bit))
				kick(t);
			e = now ? E_BUSY : E_OK;
		}
		/* t is ending (tell_pager): take the bit back unless its end
		 * notice has it already (then the pager posts it again) */
		if (__atomic_load_n(&t->sig_ending, __ATOMIC_SEQ_CST) &&
		    (__atomic_fetch_and(&t->sigpending, ~bit, __ATOMIC_SEQ_CST) & bit))
			e = E_DEAD;
	}
	kobj_put(h.obj);
	return e;
}
