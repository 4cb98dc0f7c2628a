/* Signals, the policy half (the kernel's is kernel/signal.c).
 *
 * Synchronous fault signals: a process that registered handlers
 * (PG_SIGACTION) has a fault that would kill it answered with
 * FAULT_REPLY_SIGNAL instead; the kernel then runs the handler on the
 * faulting thread (abi/signal.h).  A fault that comes back marked
 * FAULT_ACC_NOSIGNAL (the signal was blocked: the handler itself faulted,
 * or the frame could not be written) kills as without a handler.
 *
 * Asynchronous signals (kill, SIGCHLD, alarm): sig_send decides the action
 * from what PG_SIGACTION said (handled, ignored, else Linux's default:
 * ignore SIGCHLD, SIGURG, SIGWINCH, SIGCONT, end the process for the
 * rest) and, for a handled one, the thread: the first that does not block
 * it (sig_post says E_BUSY for one that does), else it stays pending for
 * the process until a thread lets it through (SIG_POST_SHARED); so does a
 * signal whose action ends the process while every thread blocks it.
 * sig_send_thread: to one thread (pthread_kill), pending on it alone.  A blocked waitpid of a
 * one-thread process is answered E_INTR.  Alarms (PG_SIG_ALARM) are
 * per-process deadlines a pager thread of their own (sig_timer_main)
 * waits for. */
#include "pager.h"
#include "abi/signal.h"
#include "abi/syscall.h"
#include "lib/cputime.h"

/* Linux's signal numbers and si_code values. */
enum { SIGILL_ = 4, SIGTRAP_ = 5, SIGBUS_ = 7, SIGFPE_ = 8, SIGSEGV_ = 11 };
enum { SIGKILL_ = 9, SIGALRM_ = 14, SIGCHLD_ = 17, SIGCONT_ = 18, SIGSTOP_ = 19,
       SIGTSTP_ = 20, SIGTTIN_ = 21, SIGTTOU_ = 22, SIGURG_ = 23, SIGWINCH_ = 28 };
enum { CLD_STOPPED_ = 5, CLD_CONTINUED_ = 6 };
/* The stop signals (bit sig - 1), which a SIGCONT sent discards. */
#define STOP_SIGS (1ull << (SIGSTOP_ - 1) | 1ull << (SIGTSTP_ - 1) | \
		   1ull << (SIGTTIN_ - 1) | 1ull << (SIGTTOU_ - 1))
enum { SEGV_MAPERR_ = 1, SEGV_ACCERR_ = 2, ILL_ILLOPN_ = 2, FPE_INTDIV_ = 1,
       FPE_FLTINV_ = 7, BUS_ADRALN_ = 1, BUS_ADRERR_ = 2, TRAP_BRKPT_ = 1,
       SI_KERNEL_ = 0x80 };

/* The signal (0: none) and si_code of the fault in m; *addr = si_addr. */
static int fault_signal(struct proc *p, const struct sys_msg *m, int *code, uint64_t *addr)
{
	uint64_t vector = m->w[FAULT_MSG_ACCESS] & ~(FAULT_ACC_NOSIGNAL | FAULT_ACC_NOFRAME);
	*addr = m->w[FAULT_MSG_IP];
	switch (IPC_LABEL_TAG(m->label)) {
	case FAULT_PAGE:
		*addr = m->w[FAULT_MSG_ADDR];
		*code = region_find(&p->mem.regions, *addr) ? SEGV_ACCERR_ : SEGV_MAPERR_;
		return SIGSEGV_;
	case FAULT_GP:
		*addr = 0;
		*code = SI_KERNEL_;
		return SIGSEGV_;
	case FAULT_UD: *code = ILL_ILLOPN_; return SIGILL_;
	case FAULT_DE: *code = FPE_INTDIV_; return SIGFPE_;
	case FAULT_OTHER:
		switch (vector) {
		case 3: /* int3: Linux's force_sig, SI_KERNEL, no address */
			*addr = 0;
			*code = SI_KERNEL_;
			return SIGTRAP_;
		case 1: /* #DB: icebp (int1, which ignores the gate's privilege)
			 * or TF's single step; the kernel does not say which
			 * (Linux's DR6.BS), so both are TRAP_BRKPT */
			*code = TRAP_BRKPT_;
			return SIGTRAP_;
		case 4: case 5: case 10: /* into or `int $4` (a DPL-3 gate), #BR,
					  * #TS: as Linux's do_error_trap */
			*addr = 0;
			*code = SI_KERNEL_;
			return SIGSEGV_;
		case 11: case 12: /* #NP, #SS (a bad segment or stack access) */
			*addr = 0;
			*code = SI_KERNEL_;
			return SIGBUS_;
		case 16: case 19: *code = FPE_FLTINV_; return SIGFPE_;
		case 17: *code = BUS_ADRALN_; return SIGBUS_;
		default: return 0;
		}
	default:
		return 0;
	}
}

int sig_of_fault(struct proc *p, const struct sys_msg *m)
{
	int code;
	uint64_t addr;
	return fault_signal(p, m, &code, &addr);
}

long sig_fault(struct proc *p, const struct sys_msg *m, struct sys_msg *r, bool bus)
{
	int code = 0;
	uint64_t addr;
	if ((m->w[FAULT_MSG_ACCESS] & FAULT_ACC_NOSIGNAL) || !p->sig_entry)
		return 0;
	int sig = fault_signal(p, m, &code, &addr);
	if (bus)
		sig = SIGBUS_, code = BUS_ADRERR_;
	if (!sig || !((p->sig_handled >> (sig - 1)) & 1))
		return 0;
	r->w[FAULT_SIG_ENTRY] = p->sig_entry;
	r->w[FAULT_SIG_INFO] = (uint64_t)sig | (uint64_t)(uint32_t)code << 8;
	r->w[FAULT_SIG_ADDR] = addr;
	return FAULT_REPLY_SIGNAL;
}

static void job_post(struct proc *p, uint64_t fl, uint64_t mask);
static void sigq_drop(struct proc *p, uint64_t sig);

/* PG_SIGACTION: w0 = signals with a handler, w1 = the entry, w2 =
 * signals ignored (SIG_IGN), w3 = PG_SA_NOCLDSTOP or 0, | a signal whose
 * action ignores it now << PG_SA_DISCARD_SHIFT: discarded if pending, in
 * every thread and the process (SIG_POST_DISCARD), its queue with it. */
long do_sigaction(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	uint64_t discard = (m->w[3] >> PG_SA_DISCARD_SHIFT) & 0xff;
	if (m->w[1] >= PG_USER_END || (m->w[0] && !m->w[1]) ||
	    (m->w[3] & ~(uint64_t)(PG_SA_NOCLDSTOP | 0xffull << PG_SA_DISCARD_SHIFT)) ||
	    discard > 64 || discard == SIGKILL_ || discard == SIGSTOP_)
		return E_INVAL;
	p->sig_handled = m->w[0];
	p->sig_entry = m->w[1];
	p->sig_ignored = m->w[2] & ~m->w[0];
	p->nocldstop = m->w[3] & PG_SA_NOCLDSTOP;
	if (discard && sig_action(p, (int)discard) == SIG_ACT_IGNORE) {
		job_post(p, SIG_POST_DISCARD, 1ull << (discard - 1));
		sigq_drop(p, discard);
	}
	return E_OK;
}

enum sig_action sig_action(const struct proc *p, int sig)
{
	uint64_t bit = 1ull << (sig - 1);
	if (sig == 0 || sig == SIGKILL_)
		return SIG_ACT_END;
	if (sig == SIGSTOP_)
		return SIG_ACT_STOP;
	if ((p->sig_handled & bit) && p->sig_entry)
		return SIG_ACT_HANDLE;
	if ((p->sig_ignored & bit) || sig == SIGCHLD_ || sig == SIGURG_ ||
	    sig == SIGWINCH_ || sig == SIGCONT_)
		return SIG_ACT_IGNORE;
	if (sig == SIGTSTP_ || sig == SIGTTIN_ || sig == SIGTTOU_)
		return SIG_ACT_STOP;
	return SIG_ACT_END;
}

/* ---- job control ---- */

static void post(struct proc *p, uint64_t w);

/* sig_post's job-control flag fl (SIG_POST_STOP, _CONT, _DISCARD with
 * mask) to every thread of p. */
static void job_post(struct proc *p, uint64_t fl, uint64_t mask)
{
	for (unsigned i = 0; i < p->nthr; i++) {
		uint32_t h = *proc_thr(p, i);
		if (h)
			sys_sig_post(h, mask, 0, fl);
	}
}

/* Child c stopped or continued (c->jc_report, whose SIGCHLD si_code is
 * code and si_status status): its parent's saved wait hears, and it gets
 * SIGCHLD if it handles it without SA_NOCLDSTOP. */
static void jc_tell_parent(struct proc *c, int code, int status)
{
	struct proc *parent = c->orphan ? NULL : proc_live(c->ppid);
	if (!parent)
		return;
	proc_jc_changed(c, parent->nocldstop ? 0 : SIG_WORD(SIGCHLD_, code, status, c->pid));
}

/* Stop p by signal sig: each thread parks on its way back to ring 3 (a
 * faulting one, one in a pager call, when that is answered), its memory
 * untouched; the parent hears (once).  Already stopped: nothing. */
static void jc_stop(struct proc *p, int sig)
{
	if (p->stopped)
		return;
	p->stopped = true;
	p->stop_sig = (uint8_t)sig;
	job_post(p, SIG_POST_STOP, 0);
	p->jc_report = PG_WAIT_STOPPED;
	jc_tell_parent(p, CLD_STOPPED_, sig);
}

void sig_jc_restop(struct proc *p)
{
	if (p->stopped)
		job_post(p, SIG_POST_STOP, 0);
}

/* What sending sig does whatever its action, as Linux's: SIGCONT
 * discards the pending stop signals and continues a stopped p (its
 * parent hears); a stop signal discards a pending SIGCONT. */
static void jc_sent(struct proc *p, int sig)
{
	if (sig == SIGCONT_) {
		job_post(p, SIG_POST_DISCARD, STOP_SIGS);
		if (!p->stopped)
			return;
		p->stopped = false;
		job_post(p, SIG_POST_CONT, 0);
		p->jc_report = PG_WAIT_CONTINUED;
		jc_tell_parent(p, CLD_CONTINUED_, SIGCONT_);
	} else if (sig > 0 && ((STOP_SIGS >> (sig - 1)) & 1)) {
		job_post(p, SIG_POST_DISCARD, 1ull << (SIGCONT_ - 1));
	}
}

/* The thread of p waiting in PG_WAIT: its wait ends with E_INTR, as a
 * blocking system call a handler interrupts (libsys waits again unless a
 * handler without SA_RESTART ran in that thread: in a process of several
 * threads the signal may have gone to another one).  Once only for a
 * one-thread process: a multi-threaded one whose waiting thread took the
 * signal waited until the child ended (alarm as a time-out, for good). */
static void interrupt_wait(struct proc *p)
{
	if (!p->wait_reply)
		return;
	uint32_t h = p->wait_reply;
	p->wait_reply = 0;
	sys_reply_send(h, E_INTR, 0, 0, 0, 0);
}

/* A handled signal reached a thread that lets it through: its saved
 * waits, polls, pipe reads and writes end E_INTR, so the thread that
 * took it leaves its wait and runs the handler. */
static void interrupted(struct proc *p)
{
	interrupt_wait(p);
	pipe_interrupt(p);
}

/* Every live thread of p blocked sig (as posting found): make it pending
 * for the process (SIG_POST_SHARED), then offer it to each thread again
 * (SIG_POST_CLAIM), since one may have let it through in between (it
 * looks at the process's set only after its own changed).  True if a
 * thread took it so. */
static bool post_shared(struct proc *p, uint64_t w)
{
	unsigned i = 0;
	for (; i < p->nthr; i++) {
		uint32_t h = *proc_thr(p, i);
		if (h && sys_sig_post(h, w, p->sig_entry, SIG_POST_SHARED) == E_OK)
			break;
	}
	if (i == p->nthr)
		return false; /* no thread left: p is ending */
	for (i = 0; i < p->nthr; i++) {
		uint32_t h = *proc_thr(p, i);
		if (h && sys_sig_post(h, w, p->sig_entry, SIG_POST_CLAIM) == E_OK)
			return true;
	}
	return false;
}

/* Post handled signal sig to the first thread of p that does not block
 * it (sig_post answers E_BUSY for one that does, E_DEAD for one that is
 * ending); if every thread blocks it, it is pending for p until one lets
 * it through (post_shared), as Linux's process-directed signals. */
static void post(struct proc *p, uint64_t w)
{
	for (unsigned i = 0; i < p->nthr; i++) {
		uint32_t h = *proc_thr(p, i);
		if (h && sys_sig_post(h, w, p->sig_entry, 0) == E_OK) {
			interrupted(p);
			return;
		}
	}
	if (post_shared(p, w))
		interrupted(p);
}

/* PG_SIG_OFFER: a thread of p blocked signals w0 that were pending on it
 * (sent to the process) and its sigmask gave them back to the process's
 * set; offer each to every thread again (SIG_POST_CLAIM: one that lets
 * it through takes it, one in sigwait for it is woken), as post_shared
 * does.  A bit nobody lets through stays pending for p. */
long do_sig_offer(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	for (uint64_t b = m->w[0] & ~(1ull << (SIGKILL_ - 1) | 1ull << (SIGSTOP_ - 1)); b; b &= b - 1) {
		uint64_t sig = (uint64_t)__builtin_ctzll(b) + 1;
		for (unsigned i = 0; i < p->nthr; i++) {
			uint32_t h = *proc_thr(p, i);
			if (h && sys_sig_post(h, sig, 0, SIG_POST_CLAIM) == E_OK) {
				interrupted(p);
				break;
			}
		}
	}
	return E_OK;
}

/* True if every live thread of p blocks sig (each asked with
 * SIG_POST_PROBE; a racy look, as Linux's choice of a target is).  False
 * for a p with no live thread. */
static bool all_block(struct proc *p, int sig)
{
	bool busy = false;
	for (unsigned i = 0; i < p->nthr; i++) {
		uint32_t h = *proc_thr(p, i);
		int e = h ? (int)sys_sig_post(h, (uint64_t)sig, 0, SIG_POST_PROBE) : E_DEAD;
		if (e == E_OK)
			return false;
		busy |= e == E_BUSY;
	}
	return busy;
}

/* True if every thread of p blocks sig, whose action ends p: it is then
 * pending for p instead (post_shared), and ends p when a thread lets it
 * through (libsys takes the default action then).  SIGKILL, SIGSTOP and
 * 0 are never blocked. */
static bool end_deferred(struct proc *p, uint64_t w)
{
	int sig = (int)(w & 0xff);
	if (sig == 0 || sig == SIGKILL_ || sig == SIGSTOP_)
		return false;
	return all_block(p, sig) && !post_shared(p, w);
}

/* A signal whose action ignores it: dropped, unless every thread blocks
 * it (Linux never ignores a blocked signal: its action may change before
 * it is unblocked, and sigwait takes it); then it is pending for p
 * (post_shared), and the thread that lets it through takes the action it
 * has then (libsys_sig_entry: ignored, or its handler). */
static void ignore_or_keep(struct proc *p, uint64_t w)
{
	int sig = (int)(w & 0xff);
	if (sig != 0 && sig != SIGKILL_ && sig != SIGSTOP_ && all_block(p, sig))
		post_shared(p, w);
}

/* Send the signal of word w (its number and siginfo) to p: the one
 * place that decides what a signal to the process does. */
static void send_word(struct proc *p, uint64_t w)
{
	int sig = (int)(w & 0xff);
	jc_sent(p, sig);
	switch (sig_action(p, sig)) {
	case SIG_ACT_HANDLE:
		post(p, w);
		break;
	case SIG_ACT_STOP: /* blocked by every thread (not SIGSTOP): pending */
		if (!end_deferred(p, w))
			jc_stop(p, sig);
		break;
	case SIG_ACT_END:
		if (end_deferred(p, w))
			break;
		proc_end(p, PG_WAIT_KILLED, sig && sig != SIGKILL_ ? PG_KILLED_SIGNAL | (uint64_t)sig : 0,
			 0, 0);
		break;
	case SIG_ACT_IGNORE:
		ignore_or_keep(p, w);
		break;
	}
}

void sig_send_from(struct proc *p, int sig, int code, uint32_t from)
{
	send_word(p, SIG_WORD(sig, code, 0, from));
}

void sig_send(struct proc *p, int sig)
{
	sig_send_from(p, sig, ABI_SI_USER, 0);
}

/* sig_send_thread with the signal's word w. */
static int send_thread_word(struct proc *p, unsigned slot, uint64_t w)
{
	int sig = (int)(w & 0xff);
	uint32_t h = slot < p->nthr ? *proc_thr(p, slot) : 0;
	if (!h)
		return E_NOENT;
	if (sig == SIGKILL_ || sig == SIGSTOP_) {
		sig_send(p, sig);
		return E_OK;
	}
	jc_sent(p, sig);
	enum sig_action a = sig_action(p, sig);
	if (sig == 0)
		return E_OK;
	if (a == SIG_ACT_IGNORE) { /* pending on it only if it blocks it */
		if (sys_sig_post(h, (uint64_t)sig, 0, SIG_POST_PROBE) == E_BUSY)
			sys_sig_post(h, w, p->sig_entry, SIG_POST_FORCE | SIG_POST_OWN);
		return E_OK;
	}
	int e = (int)sys_sig_post(h, w, p->sig_entry, SIG_POST_FORCE | SIG_POST_OWN);
	if (e == E_OK && a == SIG_ACT_HANDLE) {
		interrupted(p);
	} else if (e == E_OK && a == SIG_ACT_STOP) { /* taken now: the stop */
		sys_sig_post(h, 1ull << (sig - 1), 0, SIG_POST_DISCARD);
		jc_stop(p, sig);
	} else if (e == E_OK) { /* a default action it does not block: the end */
		proc_end(p, PG_WAIT_KILLED, PG_KILLED_SIGNAL | (uint64_t)sig, 0, 0);
	}
	return E_OK; /* E_BUSY: pending on it; E_DEAD: it is ending, as Linux's */
}

int sig_send_thread(struct proc *p, unsigned slot, int sig)
{
	return send_thread_word(p, slot, SIG_WORD(sig, ABI_SI_TKILL, 0, p->pid));
}

/* ---- sigqueue ---- */

enum { SI_QUEUE_ = -1, SIGRT_FIRST_ = 32 };

/* Take the first of sig queued for p into *q; false if none.  A
 * real-time one with more of it queued is sent again (the kernel keeps
 * one bit per number: each delivery takes one entry). */
static bool sigq_take(struct proc *p, uint32_t sig, struct sigq *q)
{
	unsigned i = 0;
	while (i < p->nsigq && p->sigq[i].sig != sig)
		i++;
	if (i == p->nsigq)
		return false;
	*q = p->sigq[i];
	for (p->nsigq--; i < p->nsigq; i++)
		p->sigq[i] = p->sigq[i + 1];
	for (i = 0; i < p->nsigq; i++)
		if (p->sigq[i].sig == sig) {
			send_word(p, SIG_WORD(sig, p->sigq[i].code, 0, p->sigq[i].from));
			break;
		}
	return true;
}

/* Drop every entry of sig queued for p (its action ignores it now). */
static void sigq_drop(struct proc *p, uint64_t sig)
{
	unsigned n = 0;
	for (unsigned i = 0; i < p->nsigq; i++)
		if (p->sigq[i].sig != sig)
			p->sigq[n++] = p->sigq[i];
	p->nsigq = n;
}

/* Queue signal sig with value and si_code code from pid from for p: a
 * real-time one each time, a standard one only if none of it is queued
 * (the first's value kept).  E_AGAIN when the queue is full. */
static int sigq_add(struct proc *p, uint64_t sig, uint64_t value, int code, uint32_t from)
{
	bool have = false;
	for (unsigned i = 0; i < p->nsigq; i++)
		have |= p->sigq[i].sig == sig;
	if (have && sig < SIGRT_FIRST_)
		return E_OK;
	if (p->nsigq == PG_SIGQ)
		return E_AGAIN;
	p->sigq[p->nsigq++] = (struct sigq){ value, from, (uint8_t)sig, (int8_t)code };
	return E_OK;
}

/* kill's signal sig from pid from to p: a real-time one p handles is
 * queued first (sigq_add: each one delivered, in order, as Linux's),
 * then sent as any other (sig_send_from).  E_AGAIN: the queue is full
 * (nothing sent), as Linux's kill. */
/* True if a signal sig sent to p is queued with its value (sigq_add):
 * p handles it, or every thread blocks it (sigwait takes the value; a
 * thread that lets it through later takes its action then).  An
 * ignored one not blocked, or one that ends or stops p, is not. */
static bool sigq_wanted(struct proc *p, int sig)
{
	enum sig_action a = sig_action(p, sig);
	return a == SIG_ACT_HANDLE || (sig != SIGKILL_ && sig != SIGSTOP_ && all_block(p, sig));
}

int sig_kill(struct proc *p, int sig, uint32_t from)
{
	if (sig >= SIGRT_FIRST_ && sigq_wanted(p, sig) &&
	    sigq_add(p, (uint64_t)sig, 0, ABI_SI_USER, from) != E_OK)
		return E_AGAIN;
	sig_send_from(p, sig, ABI_SI_USER, from);
	return E_OK;
}

/* PG_SIGQUEUE: w3 = 0: send sig (w1) with value w2 to pid w0, as kill
 * does (the same checks) with si_code SI_QUEUE; a handled one is queued
 * (a real-time one once per send, in order; a standard one once while
 * pending: the first's value), then sent.  w3 = 1: the caller's first
 * queued sig w1 (libsys, as its handler starts): w0 = value, w1 = from,
 * w2 = its si_code (SI_QUEUE, or SI_USER: kill's real-time signals). */
long do_sigqueue(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	uint64_t sig = m->w[1];
	if (sig == 0 || sig > 64)
		return E_INVAL;
	if (m->w[3] == 1) {
		struct sigq q;
		if (!sigq_take(p, (uint32_t)sig, &q))
			return E_NOENT;
		r->w[0] = q.value;
		r->w[1] = q.from;
		r->w[2] = (uint64_t)(int64_t)q.code;
		return E_OK;
	}
	if (m->w[3])
		return E_INVAL;
	struct proc *t = m->w[0] && m->w[0] <= UINT32_MAX ? proc_known((uint32_t)m->w[0]) : NULL;
	if (!t)
		return E_NOENT;
	if (t->state != PROC_LIVE) /* ended, not yet waited for: as Linux, 0 */
		return E_OK;
	enum sig_action a = sig_action(t, (int)sig);
	if ((a == SIG_ACT_END || a == SIG_ACT_STOP) && !may_end(p, t))
		return E_PERM;
	if (sigq_wanted(t, (int)sig) && sigq_add(t, sig, m->w[2], SI_QUEUE_, p->pid) != E_OK)
		return E_AGAIN;
	send_word(t, SIG_WORD(sig, SI_QUEUE_, 0, p->pid));
	return E_OK;
}

/* SIGCHLD's si_code and si_status for how c ended (the signal a fault
 * raises, as waitpid's status says). */
uint64_t sig_child_word(const struct proc *c)
{
	uint64_t code = c->status.code;
	int sig;
	if (c->status.how == PG_WAIT_EXITED)
		return SIG_WORD(SIGCHLD_, ABI_CLD_EXITED, code & 0xff, c->pid);
	if ((code & ~0xffull) == PG_KILLED_SIGNAL)
		sig = (int)(code & 0x7f);
	else if (code == FAULT_PAGE || code == FAULT_GP)
		sig = SIGSEGV_;
	else if (code == FAULT_UD)
		sig = SIGILL_;
	else if (code == FAULT_DE)
		sig = SIGFPE_;
	else
		sig = SIGKILL_;
	return SIG_WORD(SIGCHLD_, ABI_CLD_KILLED, sig, c->pid);
}

/* SIGCHLD (word w) to parent, as Linux's do_notify_parent: none if it
 * set SIG_IGN; its handler's; by default ignored unless every thread
 * blocks it (then pending: sigwait takes it). */
void sig_child_ended(struct proc *parent, uint64_t w)
{
	enum sig_action a = sig_action(parent, SIGCHLD_);
	if (a == SIG_ACT_HANDLE)
		post(parent, w);
	else if (!((parent->sig_ignored >> (SIGCHLD_ - 1)) & 1))
		ignore_or_keep(parent, w);
}

/* ---- alarms ---- */

#define ALARM_MAX_MS (100ull * 365 * 24 * 3600 * 1000) /* alarm(UINT_MAX) fits */

static uint32_t timer_seq; /* the timer thread's futex word: bumped by a change */

uint64_t sig_ms_now(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	uint64_t per_ms = pg.boot->tsc_hz / 1000 ? pg.boot->tsc_hz / 1000 : 1;
	return ((uint64_t)hi << 32 | lo) / per_ms;
}

void sig_timer_kick(void)
{
	__atomic_add_fetch(&timer_seq, 1, __ATOMIC_RELEASE);
	sys_futex_wake((uint64_t)(uintptr_t)&timer_seq, 1);
}

/* PG_SIG_ALARM: w0 = ms until SIGALRM (0: none), w1 = then every w1 ms (0:
 * once), w2 = 1: only ask.  Answers w0 = the ms the one before had left
 * (0: none), w1 = its interval. */
long do_sig_alarm(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	uint64_t now = sig_ms_now();
	r->w[0] = p->alarm_at ? (p->alarm_at > now ? p->alarm_at - now : 1) : 0;
	r->w[1] = p->alarm_iv;
	if (m->w[2] == 1)
		return E_OK;
	if (m->w[0] > ALARM_MAX_MS || m->w[1] > ALARM_MAX_MS || m->w[2])
		return E_INVAL;
	p->alarm_at = m->w[0] ? now + m->w[0] : 0;
	p->alarm_iv = m->w[0] ? m->w[1] : 0;
	__atomic_add_fetch(&timer_seq, 1, __ATOMIC_RELEASE);
	sys_futex_wake((uint64_t)(uintptr_t)&timer_seq, 1);
	return E_OK;
}

/* ---- POSIX timers ---- */

enum { SI_TIMER_ = -2 };

/* p's timer id, or NULL if there is none such. */
static struct ptimer *timer_of(struct proc *p, uint64_t id)
{
	return id < PG_TIMERS && p->timers[id].used ? &p->timers[id] : NULL;
}

/* PG_TIMER (abi/pager.h): create, arm, ask, delete p's POSIX timers;
 * PG_TIMER_FIRED takes the SIGEV_THREAD expiries libsys's timer thread
 * was woken for.  The alarm thread fires them (fire_timers). */
long do_timer(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	uint64_t now = sig_ms_now();
	struct ptimer *t;
	switch (m->w[0]) {
	case PG_TIMER_CREATE: {
		uint64_t sig = m->w[1] & 0xff, slot = (m->w[1] & ~PG_TIMER_CPU) >> 8;
		if (sig > 64 || slot > PG_MAX_THREADS)
			return E_INVAL;
		for (unsigned id = 0; id < PG_TIMERS; id++)
			if (!p->timers[id].used) {
				p->timers[id] = (struct ptimer){ .used = 1, .sig = (uint8_t)sig,
								 .thread = (uint16_t)slot,
								 .cpu = !!(m->w[1] & PG_TIMER_CPU) };
				r->w[0] = id;
				return E_OK;
			}
		return E_AGAIN;
	}
	case PG_TIMER_SET:
	case PG_TIMER_GET:
		if (!(t = timer_of(p, m->w[1])))
			return E_INVAL;
		if (t->cpu)
			now = cputime_ms(proc_cpu_ns(p));
		r->w[0] = t->at ? (t->at > now ? t->at - now : 1) : 0;
		r->w[1] = t->iv;
		r->w[2] = t->overrun;
		if (m->w[0] == PG_TIMER_GET)
			return E_OK;
		if (m->w[2] > ALARM_MAX_MS || m->w[3] > ALARM_MAX_MS)
			return E_INVAL;
		t->at = m->w[2] ? now + m->w[2] : 0;
		t->iv = m->w[2] ? m->w[3] : 0;
		sig_timer_kick();
		return E_OK;
	case PG_TIMER_DELETE:
		if (!(t = timer_of(p, m->w[1])))
			return E_INVAL;
		*t = (struct ptimer){ 0 };
		p->timers_fired &= ~(1ull << m->w[1]);
		return E_OK;
	case PG_TIMER_FIRED:
		r->w[0] = p->timers_fired;
		p->timers_fired = 0;
		return E_OK;
	default:
		return E_INVAL;
	}
}

/* Fire p's timers due at now (pg.big held for writing): each sends its
 * signal (si_code SI_TIMER, si_timerid its id; libsys fills si_value)
 * to the process or to its thread, and an interval one is armed again
 * (the expiries it was late by are its overrun).  The ms until p's next
 * (FUTEX_FOREVER: none); p may have ended.  A CPU-time timer (t->cpu)
 * counts in p's CPU ms, read once (cpu_now): it is looked
 * at again when p's CPU clock could reach its deadline at the soonest,
 * p running on every CPU (cputime_wait_ms), so a process that sleeps
 * costs a wake now and then, one that runs is seen within a ms or so. */
static uint64_t fire_timers(struct proc *p, uint64_t wall)
{
	uint64_t next = FUTEX_FOREVER, cpu_now = 0;
	bool cpu_read = false;
	for (unsigned id = 0; id < PG_TIMERS && p->state == PROC_LIVE; id++) {
		struct ptimer *t = &p->timers[id];
		if (!t->used || !t->at)
			continue;
		if (t->cpu && !cpu_read) {
			cpu_now = cputime_ms(proc_cpu_ns(p));
			cpu_read = true;
		}
		uint64_t now = t->cpu ? cpu_now : wall;
		if (t->at <= now) {
			uint64_t late = t->iv ? (now - t->at) / t->iv : 0;
			t->overrun = late > 0x7fffffff ? 0x7fffffff : (uint32_t)late;
			t->at = t->iv ? t->at + (late + 1) * t->iv : 0;
			uint64_t w = SIG_WORD(t->sig, SI_TIMER_, 0, id);
			if (t->sig && t->thread) {
				p->timers_fired |= 1ull << id;
				send_thread_word(p, t->thread - 1u, w); /* may end p */
			} else if (t->sig) {
				send_word(p, w); /* may end p */
			}
			if (p->state != PROC_LIVE || !t->at)
				continue;
		}
		uint64_t wait = t->cpu ? cputime_wait_ms(t->at, now, pg.boot->ncpus) : t->at - now;
		if (wait < next)
			next = wait;
	}
	return next;
}

/* Send SIGALRM to every process whose alarm is due at now, and fire its
 * POSIX timers (pg.big held for writing); the ms until the next one
 * (FUTEX_FOREVER: none). */
static uint64_t fire_alarms(uint64_t now)
{
	uint64_t next = FUTEX_FOREVER;
	for (int i = 0; i < proc_slots(); i++) {
		struct proc *p = proc_slot(i);
		if (!p || p->state != PROC_LIVE)
			continue;
		uint64_t tn = fire_timers(p, now);
		if (tn < next)
			next = tn;
		if (p->state != PROC_LIVE || !p->alarm_at)
			continue;
		if (p->alarm_at <= now) {
			p->alarm_at = p->alarm_iv ? now + p->alarm_iv : 0;
			sig_send(p, SIGALRM_); /* may end p */
			if (p->state != PROC_LIVE || !p->alarm_at)
				continue;
		}
		uint64_t left = p->alarm_at - now;
		if (left < next)
			next = left;
	}
	return next > FUTEX_MAX_MS && next != FUTEX_FOREVER ? FUTEX_MAX_MS : next;
}

_Noreturn void sig_timer_main(void)
{
	struct pg_thread *me = pg_self();
	for (;;) {
		uint32_t seq = __atomic_load_n(&timer_seq, __ATOMIC_ACQUIRE);
		br_write(&pg.big);
		me->alone = true;
		uint64_t now = sig_ms_now(), next = fire_alarms(now);
		uint64_t polls = pipe_poll_expire(now); /* saved polls' deadlines */
		if (polls < next)
			next = polls > FUTEX_MAX_MS ? FUTEX_MAX_MS : polls;
		proc_sweep();
		me->alone = false;
		if (me->ngone)
			mem_flush();
		br_write_done(&pg.big);
		if (me->doomed) { /* then the alarms again: the time went on */
			pager_destroy_doomed();
			continue;
		}
		sys_futex_wait((uint64_t)(uintptr_t)&timer_seq, seq, next);
	}
}
