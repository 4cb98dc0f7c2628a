/* The IPC fast path (see fastpath.h).  The common case of every page fault
 * and of every call to a server: the other side already waits, may run on
 * this CPU, and the message is registers and at most FASTPATH_BUF_MAX
 * buffer bytes.  Every condition is checked before anything changes; a
 * function that returns FASTPATH_SLOW has touched nothing, and the generic
 * path (ipc.c, unchanged) then does the whole call.
 *
 * The fall-back conditions, all in this file:
 *   call        bad handle, type or right; label with bits above 44; more
 *               than FASTPATH_BUF_MAX buffer bytes; a kill pending; no
 *               receiver waiting that may run here (none, or the first is
 *               pinned to another CPU and none is pinned to this one); the
 *               receiver's slice used up while something waits on this
 *               CPU; the receiver claimed by a killer meanwhile.
 *   reply_recv  the same for the handle, label and kill; no caller to
 *               answer; a fault answered with FAULT_REPLY_MAP (installed
 *               at reply time: fault_answer may shoot TLBs down, which the
 *               generic path does with no lock held); the caller pinned to
 *               another CPU or its slice used up while something waits
 *               here; the caller killed meanwhile; a sender already queued
 *               on the endpoint (the next message is taken at once).
 *   fault       a kill pending; the receiver conditions of call.  A page
 *               fault from ring 3 takes fault_user_page, the same path
 *               written out for it (its message straight into the
 *               receiver); fault.c's ask_pager takes fastpath_fault.
 *
 * What the fast path keeps of the generic path's rules: the reply
 * reference on the caller, taken before the caller publishes
 * TS_BLOCKED_REPLY; the receiver queued before TS_BLOCKED_RECV is
 * published; the kill flag looked at after each publication
 * (thread_killed_meanwhile), with the generic path's answer (E_DEAD, the
 * other thread woken); the caller recorded in the server (`caller`), so a
 * tick while the server works is charged to the caller; the switch itself
 * is the scheduler's (sched_switch_fast: the FPU ownership compare, the
 * kernel stack, the address space).
 *
 * The direct return: call, reply_recv and a ring-3 fault block here for
 * good (thread->resume, set before the blocked state is published): the
 * thread's kernel stack keeps only its user frame, and it goes on in
 * arch_resume_syscall (fastpath_resume_ep) or fault_resume, straight from
 * the switch of a thread that takes the fast path back to it, or through
 * arch_switch's return when anything else wakes it (sched.h,
 * sched_switch_fast; arch_api.h, arch_switch_fast). */
#include "fastpath.h"
#include "kernel.h"
#include "handle.h"
#include "sched.h"
#include "space.h"
#include "arch_api.h"
#include "lib/string.h"
#include "memlayout.h"
#include "abi/fault.h"
#include "abi/syscall.h"

/* True if a label may take the fast path: valid (as ipc_msg_from_args
 * wants it) and its buffer part small. */
static inline bool label_fast(uint64_t label)
{
	return !(label >> 45) && IPC_LABEL_LEN(label) <= FASTPATH_BUF_MAX;
}

/* ipc.c's transfer, inline: the words, then the buffer bytes (at most
 * FASTPATH_BUF_MAX) if both threads have a buffer; the label `to` sees
 * says how many were copied. */
static inline void move_msg(struct thread *from, const struct ipc_msg *msg, struct thread *to)
{
	unsigned len = IPC_LABEL_LEN(msg->label);
	to->msg.w[0] = msg->w[0];
	to->msg.w[1] = msg->w[1];
	to->msg.w[2] = msg->w[2];
	to->msg.w[3] = msg->w[3];
	to->msg.badge = msg->badge;
	if (len && (!from->ipc_buf_pfn || !to->ipc_buf_pfn))
		len = 0;
	to->msg.label = IPC_LABEL(IPC_LABEL_TAG(msg->label), len);
	if (len)
		memcpy(arch_phys_to_virt(to->ipc_buf_pfn << 12),
		       arch_phys_to_virt(from->ipc_buf_pfn << 12), len);
}

/* ipc_msg_to_regs inline. */
static inline void msg_to_regs(const struct ipc_msg *m, uint64_t out[6])
{
	out[0] = m->badge;
	out[1] = m->label;
	out[2] = m->w[0];
	out[3] = m->w[1];
	out[4] = m->w[2];
	out[5] = m->w[3];
}

/* The receiver on ep (lock held) a call from `cpu` would be served by,
 * as ipc_send chooses it (local_first, then the oldest): one pinned to
 * cpu, else the oldest if it is not pinned elsewhere; NULL if that one
 * cannot run here. */
static struct thread *receiver_here(struct endpoint *ep, unsigned cpu)
{
	struct thread *first = NULL;
	for (struct list_link *l = ep->receivers.next; l != &ep->receivers; l = l->next) {
		struct thread *t = container_of(l, struct thread, ep_link);
		if (t->pinned && t->cpu == cpu)
			return t;
		if (!first)
			first = t;
	}
	return first && !first->pinned ? first : NULL;
}

/* Take the receiver of ep (lock held) for a call, claimed and off the
 * queue, if the fast path may switch to it; NULL with nothing changed. */
static inline __attribute__((always_inline)) struct thread *
claim_receiver(struct cpu_sched *here, struct thread *me, struct endpoint *ep)
{
	struct thread *r = receiver_here(ep, me->cpu); /* me runs here: its cpu is ours */
	if (!r || !sched_direct_ok(here, r) || !thread_claim(r, TS_BLOCKED_RECV))
		return NULL;
	list_del(&r->ep_link);
	list_init(&r->ep_link);
	r->waiting_on = NULL;
	return r;
}

/* call_switch's second half, r's message in place: wait for the reply,
 * running r here at once. */
static inline __attribute__((always_inline)) int
call_block(struct cpu_sched *here, struct thread *me, struct thread *r, unsigned how)
{
	r->ipc_result = E_OK;
	thread_reply_get(r, me); /* the reply reference, dropped by the replier */
	r->caller = me;
	r->caller_fault = me->in_fault;
	me->resume = (uint8_t)how; /* before the state: a claimer reads it */
	atomic_store(&me->state, TS_BLOCKED_REPLY);
	if (thread_killed_meanwhile(me, TS_BLOCKED_REPLY)) {
		me->resume = THREAD_RESUME_NONE;
		sched_wake(r); /* it answers a caller that is gone */
		return E_DEAD;
	}
	if (how)
		sched_switch_fast(here, r, how);
	sched_switch_direct(r);
	return me->ipc_result;
}

/* Hand msg to claimed receiver r as a call from me and wait for the reply,
 * running r here at once: ipc.c's call_and_wait with a direct switch.
 * With how = THREAD_RESUME_SYSCALL or _FAULT me blocks for good here
 * (sched_switch_fast: it goes on in fastpath_resume or fault_resume) and
 * this returns only E_DEAD (a kill came in first); with 0 it returns the
 * answer's result, the reply in me->msg. */
static int call_switch(struct cpu_sched *here, struct thread *me, struct thread *r,
		       const struct ipc_msg *msg, unsigned how)
{
	move_msg(me, msg, r);
	return call_block(here, me, r, how);
}

/* The caller's endpoint handle is looked up under its table's lock
 * without taking a reference, and that is safe: the entry is live while
 * the lock is held, and the entry holds a reference, so the endpoint
 * cannot go away before we hold its lock (taken inside the table's: the
 * order is table -> endpoint, and no path takes a table lock under an
 * endpoint lock).  If a receiver is waiting, it holds a reference of its
 * own (taken by its receive, dropped only after it runs again), so once we
 * have claimed it the endpoint outlives both locks; if none is, both locks
 * are let go and the endpoint is not touched again.  Another thread of the
 * process may close the handle meanwhile (on another CPU): it waits for
 * the table lock, and the call then counts as made before the close. */
int fastpath_call(uint64_t h, uint64_t label, uint64_t w0, uint64_t w1, uint64_t w2,
		  uint64_t w3)
{
	struct cpu_sched *here = sched_here();
	struct thread *me = sched_current_of(here);
	if (h > UINT32_MAX || !label_fast(label) ||
	    atomic_load_explicit(&me->kill, memory_order_relaxed))
		return FASTPATH_SLOW;
	struct handle_table *t = me->space->handles;
	struct thread *r = NULL;
	struct ipc_msg m;
	spin_lock(&t->lock);
	struct handle_entry *e = handle_find_locked(t, (uint32_t)h);
	if (e && e->type == KOBJ_ENDPOINT && (e->rights & RIGHT_SEND)) {
		struct endpoint *ep = container_of(e->obj, struct endpoint, obj);
		m = (struct ipc_msg){ label, { w0, w1, w2, w3 },
				      e->badge | space_call_hint(me->space, ep) };
		spin_lock(&ep->lock);
		r = claim_receiver(here, me, ep);
		spin_unlock(&ep->lock);
	}
	spin_unlock(&t->lock);
	if (!r)
		return FASTPATH_SLOW;
	return call_switch(here, me, r, &m, THREAD_RESUME_SYSCALL);
}

int fastpath_fault(struct thread *me, struct endpoint *ep, const struct ipc_msg *m,
		   unsigned how)
{
	if (atomic_load_explicit(&me->kill, memory_order_relaxed))
		return FASTPATH_SLOW;
	struct cpu_sched *here = sched_here();
	spin_lock(&ep->lock);
	struct thread *r = claim_receiver(here, me, ep);
	spin_unlock(&ep->lock);
	return r ? call_switch(here, me, r, m, how) : FASTPATH_SLOW;
}

bool fault_user_page(uint64_t access, uint64_t addr, uint64_t rip)
{
	struct cpu_sched *here = sched_here();
	struct thread *me = sched_current_of(here);
	struct space *s = me->space;
	struct endpoint *ep;
	if (!s || !(ep = s->pager_ep))
		return false;
	if (space_fill(s, addr, access)) /* a fill mark: no pager needed */
		return true;
	struct thread *r = NULL;
	if (!atomic_load_explicit(&me->kill, memory_order_relaxed)) {
		spin_lock(&ep->lock);
		r = claim_receiver(here, me, ep);
		spin_unlock(&ep->lock);
	}
	if (!r) /* fault.c's generic delivery */
		return fault_user_exception(FAULT_PAGE, access, addr, rip);
	/* fault_user_exception's and ask_pager's fields and call_switch's
	 * message, written in place: r is ours (claimed) and cannot run
	 * before we switch to it */
	me->fault = (struct fault_asked){ FAULT_PAGE, addr, access, rip };
	me->in_fault = true;
	me->fault_va = addr & ~(PAGE_SIZE - 1);
	me->fault_seq = __atomic_load_n(&s->unmaps, __ATOMIC_RELAXED);
	r->msg.label = FAULT_PAGE; /* no buffer bytes */
	r->msg.w[FAULT_MSG_ADDR] = addr;
	r->msg.w[FAULT_MSG_ACCESS] = access;
	r->msg.w[FAULT_MSG_IP] = rip;
	r->msg.w[FAULT_MSG_TID] = me->tid;
	r->msg.badge = s->badge | space_fill_hint(s);
	me->ipc_result = call_block(here, me, r, THREAD_RESUME_FAULT);
	fault_resume(); /* E_DEAD: a kill came in first; the thread ends there */
	return true;
}

/* Endpoint h names in me's table with the receive right, with a
 * reference the caller drops (a thread waiting on an endpoint holds one:
 * see fastpath_call); NULL if none. */
static struct endpoint *recv_endpoint(struct thread *me, uint64_t h)
{
	struct handle_table *t = me->space->handles;
	struct endpoint *ep = NULL;
	spin_lock(&t->lock);
	struct handle_entry *e = handle_find_locked(t, (uint32_t)h);
	if (e && e->type == KOBJ_ENDPOINT && (e->rights & RIGHT_RECV)) {
		kobj_get_held(e->obj); /* the live entry holds one */
		ep = container_of(e->obj, struct endpoint, obj);
	}
	spin_unlock(&t->lock);
	return ep;
}

/* Answer claimed caller c with msg, then queue me on ep as a receiver
 * (ep->lock held, and released here): ipc.c's reply and wait_on in one
 * hold of the lock.  E_OK, or E_DEAD if a kill came in (c is then woken
 * and me is not queued). */
static int answer_and_wait(struct thread *me, struct thread *c, struct endpoint *ep,
			   const struct ipc_msg *msg)
{
	me->caller = NULL; /* before we are queued: a sender may set it then */
	move_msg(me, msg, c);
	c->ipc_result = E_OK;
	/* the reply reference: c, claimed by us and not woken yet, cannot
	 * die meanwhile, so its running reference stays */
	thread_reply_put_held(me, c);
	me->waiting_on = ep;
	list_add(ep->receivers.prev, &me->ep_link);
	me->resume = THREAD_RESUME_SYSCALL; /* before the state: a claimer reads it */
	atomic_store(&me->state, TS_BLOCKED_RECV);
	if (thread_killed_meanwhile(me, TS_BLOCKED_RECV)) {
		me->resume = THREAD_RESUME_NONE;
		list_del(&me->ep_link);
		list_init(&me->ep_link);
		me->waiting_on = NULL;
		spin_unlock(&ep->lock);
		sched_wake(c);
		return E_DEAD;
	}
	spin_unlock(&ep->lock);
	return E_OK;
}

int fastpath_reply_recv(uint64_t h, uint64_t label, uint64_t w0, uint64_t w1, uint64_t w2,
			uint64_t w3)
{
	struct cpu_sched *here = sched_here();
	struct thread *me = sched_current_of(here);
	struct thread *c = me->caller;
	if (!c || h > UINT32_MAX || !label_fast(label) ||
	    atomic_load_explicit(&me->kill, memory_order_relaxed) ||
	    (me->caller_fault && IPC_LABEL_TAG(label) == (unsigned)FAULT_REPLY_MAP) ||
	    !sched_direct_ok(here, c))
		return FASTPATH_SLOW;
	if (me->caller_fault && IPC_LABEL_TAG(label) == (unsigned)FAULT_REPLY_INSTALL) {
		/* before the claim, as the generic path does it (which, if we
		 * go there, finds the page mapped and does nothing more) */
		int e = space_map_fresh(c->space, c->fault_va, w0, w1, w2, c->fault_seq);
		if (e == E_FAULT || e == E_INVAL || e == E_STALE)
			return e; /* the others: nothing mapped, it faults again */
	}
	struct endpoint *ep = recv_endpoint(me, h);
	if (!ep)
		return FASTPATH_SLOW;
	spin_lock(&ep->lock);
	if (!list_empty(&ep->senders) || !list_empty(&ep->notices) ||
	    !thread_claim(c, TS_BLOCKED_REPLY)) {
		spin_unlock(&ep->lock);
		kobj_put(&ep->obj);
		return FASTPATH_SLOW;
	}
	struct ipc_msg m = { label, { w0, w1, w2, w3 }, 0 };
	me->resume_ep = ep; /* dropped when we go on (fastpath_resume) */
	int e = answer_and_wait(me, c, ep, &m);
	if (e == E_OK)
		sched_switch_fast(here, c, THREAD_RESUME_SYSCALL);
	me->resume_ep = NULL;
	kobj_put(&ep->obj);
	return e;
}

void fastpath_resume_ep(struct thread *me)
{
	struct endpoint *ep = me->resume_ep;
	me->resume_ep = NULL;
	kobj_put(&ep->obj);
}
