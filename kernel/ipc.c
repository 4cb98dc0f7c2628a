/* Endpoints and message transfer.  The call + reply_recv pair is the hot
 * path of every page fault: when the other side is already waiting, the
 * message moves register to register and the CPU switches straight to it,
 * with no run-queue traffic and no allocation. */
#include "ipc.h"
#include "sched.h"
#include "space.h"
#include "kmem.h"
#include "arch_api.h"
#include "kernel.h"
#include "lib/string.h"
#include "abi/syscall.h"

static void endpoint_destroy(struct kobj *o)
{
	struct endpoint *ep = container_of(o, struct endpoint, obj);
	while (!list_empty(&ep->notices)) { /* nobody will receive them */
		struct ipc_notice *n = container_of(ep->notices.next, struct ipc_notice, link);
		list_del(&n->link);
		n->done(n);
	}
	kmem_free(ep, sizeof *ep);
}

int endpoint_create(struct endpoint **out)
{
	static _Atomic bool registered;
	if (!atomic_exchange(&registered, true))
		kobj_set_destroy(KOBJ_ENDPOINT, endpoint_destroy);
	struct endpoint *ep = kmem_alloc(sizeof *ep);
	if (!ep)
		return E_NOMEM;
	kobj_init(&ep->obj, KOBJ_ENDPOINT);
	list_init(&ep->senders);
	list_init(&ep->receivers);
	list_init(&ep->notices);
	*out = ep;
	return E_OK;
}

/* Move msg to t: registers, then the IPC buffer bytes the label asks for
 * (none unless both threads have a buffer). */
static void transfer(struct thread *from, const struct ipc_msg *msg, struct thread *to)
{
	to->msg = *msg;
	unsigned len = ipc_msg_copy_len(msg->label, from->ipc_buf_pfn, to->ipc_buf_pfn,
					&to->msg.label);
	if (len)
		memcpy(arch_phys_to_virt(to->ipc_buf_pfn << 12),
		       arch_phys_to_virt(from->ipc_buf_pfn << 12), len);
}

/* What take() read of a sender while it was still queued. */
struct taken {
	bool call;  /* it waits for our reply */
	bool fault; /* ... to a fault it asked (its in_fault) */
};

/* Dequeue the first thread on q still in state `from` and claim it; NULL
 * if none. ep->lock held.  With replier (the receiving thread; NULL when
 * taking a receiver) a sender whose message is a call moves straight to
 * TS_BLOCKED_REPLY, with the reference our reply will drop taken first
 * (thread_reply_get): it is never seen runnable in between, so a kill that
 * lands now finds it blocked and wakes it.  Anything else becomes
 * TS_RUNNABLE, for us to wake or run.
 * A queued thread is touched only while it is still queued with
 * waiting_on set: a killer that claimed it first cannot wake it before
 * its ipc_cancel has taken ep->lock, which we hold.  Once waiting_on is
 * cleared, a thread we did not claim is never looked at again: its killer
 * may wake it at once, and it may end and be freed.  Nor are the fields a
 * caller we did claim changes as it ends (a kill may claim it back from
 * TS_BLOCKED_REPLY and run it at once: its in_fault goes false): what the
 * receiver needs of them is read here, into *how (with replier). */
static struct thread *take(struct list_link *q, int from, struct thread *replier,
			   struct taken *how)
{
	while (!list_empty(q)) {
		struct thread *t = container_of(q->next, struct thread, ep_link);
		bool reply = replier && t->is_call;
		if (reply)
			thread_reply_get(replier, t);
		int expected = from;
		bool won = atomic_compare_exchange_strong(&t->state, &expected,
							  reply ? TS_BLOCKED_REPLY : TS_RUNNABLE);
		if (!won && reply)
			thread_reply_put_held(replier, t); /* it still holds its running reference */
		if (won && replier)
			*how = (struct taken){ reply, reply && t->in_fault };
		list_del(&t->ep_link);
		list_init(&t->ep_link);
		/* last, and after all of the above (ipc_cancel's acquire) */
		__atomic_store_n(&t->waiting_on, NULL, __ATOMIC_RELEASE);
		if (won)
			return t;
	}
	return NULL;
}

/* A receiver pinned to this CPU goes to the front of q (ep->lock held): a
 * message is served on the CPU it was sent from when it can be (the pager
 * has a thread per CPU), with no other CPU woken. */
static void local_first(struct list_link *q)
{
	unsigned cpu = arch_cpu_id();
	for (struct list_link *l = q->next; l != q; l = l->next) {
		struct thread *t = container_of(l, struct thread, ep_link);
		if (t->pinned && t->cpu == cpu) {
			if (l != q->next) {
				list_del(l);
				list_add(q, l);
			}
			return;
		}
	}
}

/* Queue current on q in state st and give up the CPU (ep->lock held, and
 * released here); switch straight to next if given. */
static int wait_on(struct endpoint *ep, struct list_link *q, int st, struct thread *next)
{
	struct thread *me = sched_current();
	/* queued before the state is published: a killer that claims us
	 * finds us on q (thread_kill cancels after its claim) */
	me->waiting_on = ep;
	list_add(q->prev, &me->ep_link);
	atomic_store(&me->state, st);
	if (thread_killed_meanwhile(me, st)) {
		list_del(&me->ep_link);
		list_init(&me->ep_link);
		me->waiting_on = NULL;
		spin_unlock(&ep->lock);
		if (next)
			sched_wake(next);
		return E_DEAD;
	}
	spin_unlock(&ep->lock);
	sched_block(next);
	return me->ipc_result;
}

/* t (claimed) if it may run on this CPU, for a direct switch; else t is
 * woken on its own CPU and NULL returned. */
static struct thread *here(struct thread *t)
{
	if (!t || !t->pinned || t->cpu == arch_cpu_id())
		return t;
	sched_wake(t);
	return NULL;
}

/* Current becomes the caller of receiver r (claimed) and waits for the
 * reply, running r here if it may; E_DEAD at once if killed meanwhile (r
 * is then woken and keeps its reply reference, which will find us gone). */
static int call_and_wait(struct thread *me, struct thread *r)
{
	thread_reply_get(r, me);
	r->caller = me;
	r->caller_fault = me->in_fault;
	atomic_store(&me->state, TS_BLOCKED_REPLY);
	if (thread_killed_meanwhile(me, TS_BLOCKED_REPLY)) {
		sched_wake(r);
		return E_DEAD;
	}
	sched_block(here(r)); /* fast path: run the receiver here, now */
	return me->ipc_result;
}

int ipc_send(struct endpoint *ep, const struct ipc_msg *msg, bool call)
{
	struct thread *me = sched_current();
	unsigned long f = spin_lock_irqsave(&ep->lock);
	local_first(&ep->receivers);
	struct thread *r = take(&ep->receivers, TS_BLOCKED_RECV, NULL, NULL);
	if (!r) {
		me->msg = *msg;
		me->is_call = call;
		int e = wait_on(ep, &ep->senders, TS_BLOCKED_SEND, NULL);
		arch_irq_restore(f);
		return e;
	}
	spin_unlock(&ep->lock);
	transfer(me, msg, r);
	r->ipc_result = E_OK;
	int e = E_OK;
	if (call)
		e = call_and_wait(me, r);
	else
		sched_wake(r);
	arch_irq_restore(f);
	return e;
}

/* Notice n's message given to receiver r (claimed, not a caller now). */
static void notice_to(struct ipc_notice *n, struct thread *r)
{
	r->msg = (struct ipc_msg){ .label = n->label, .w = { n->w0 }, .badge = n->badge };
	r->ipc_result = E_OK;
	n->done(n);
}

void ipc_notice(struct endpoint *ep, struct ipc_notice *n)
{
	unsigned long f = spin_lock_irqsave(&ep->lock);
	struct thread *r = take(&ep->receivers, TS_BLOCKED_RECV, NULL, NULL);
	if (!r)
		list_add(ep->notices.prev, &n->link);
	spin_unlock_irqrestore(&ep->lock, f);
	if (r) {
		notice_to(n, r);
		sched_wake(r);
	}
}

/* The oldest notice queued on ep (lock held), taken off; NULL if none. */
static struct ipc_notice *take_notice(struct endpoint *ep)
{
	if (list_empty(&ep->notices))
		return NULL;
	struct ipc_notice *n = container_of(ep->notices.next, struct ipc_notice, link);
	list_del(&n->link);
	return n;
}

void ipc_abandon_caller(struct thread *me)
{
	struct thread *c = me->caller;
	if (!c)
		return;
	me->caller = NULL;
	if (thread_claim(c, TS_BLOCKED_REPLY)) {
		c->ipc_result = E_DEAD;
		sched_wake(c);
	}
	thread_reply_put(me, c);
}

int ipc_recv(struct endpoint *ep, bool poll)
{
	struct thread *me = sched_current();
	ipc_abandon_caller(me); /* a receive gives up an unanswered call */
	unsigned long f = spin_lock_irqsave(&ep->lock);
	struct ipc_notice *n = take_notice(ep);
	if (n) {
		spin_unlock_irqrestore(&ep->lock, f);
		notice_to(n, me);
		return E_OK;
	}
	struct taken how;
	struct thread *s = take(&ep->senders, TS_BLOCKED_SEND, me, &how);
	if (!s) {
		if (poll) {
			spin_unlock_irqrestore(&ep->lock, f);
			return E_AGAIN;
		}
		int e = wait_on(ep, &ep->receivers, TS_BLOCKED_RECV, NULL);
		arch_irq_restore(f);
		return e;
	}
	spin_unlock(&ep->lock);
	/* A call's s may be killed and run from here on (take): its message
	 * stays as it was (a kill is quiet: the dying thread sends nothing),
	 * and the reply reference keeps it in memory. */
	transfer(s, &s->msg, me);
	if (how.call) {
		me->caller = s; /* s stays blocked, now for our reply (take) */
		me->caller_fault = how.fault;
	} else {
		s->ipc_result = E_OK;
		sched_wake(s);
	}
	arch_irq_restore(f);
	return E_OK;
}

/* Hand msg to our caller and make it runnable; returns it (to switch to) or
 * NULL if there was none or it is gone. Drops the reply reference.  The
 * answer to a fault takes effect here, in the replier's call, whether or
 * not the faulting thread still waits (fault_answer): a pager's later
 * decisions can never be overtaken by this one. */
static struct thread *reply(struct thread *me, const struct ipc_msg *msg)
{
	struct thread *c = me->caller;
	if (!c)
		return NULL;
	me->caller = NULL;
	if (me->caller_fault)
		fault_answer(c, msg);
	struct thread *run = NULL;
	if (thread_claim(c, TS_BLOCKED_REPLY)) {
		transfer(me, msg, c);
		c->ipc_result = E_OK;
		run = c;
	}
	thread_reply_put(me, c); /* the last if c died meanwhile */
	return run;
}

int ipc_reply_recv(struct endpoint *ep, const struct ipc_msg *msg)
{
	struct thread *me = sched_current();
	unsigned long f = arch_irq_save();
	struct thread *c = here(reply(me, msg));
	spin_lock(&ep->lock);
	if (list_empty(&ep->senders) && list_empty(&ep->notices)) {
		/* fast path: wait here and run the caller on this CPU now */
		int e = wait_on(ep, &ep->receivers, TS_BLOCKED_RECV, c);
		arch_irq_restore(f);
		return e;
	}
	spin_unlock(&ep->lock);
	if (c)
		sched_wake(c);
	int e = ipc_recv(ep, false);
	arch_irq_restore(f);
	return e;
}

/* Called by the claimer of t (thread_kill), after its claim: a taker
 * that unqueues t meanwhile clears waiting_on only once it is done with
 * t (take), so a t still naming ep makes us wait for ep->lock. */
void ipc_cancel(struct thread *t)
{
	struct endpoint *ep = __atomic_load_n(&t->waiting_on, __ATOMIC_ACQUIRE);
	if (!ep)
		return;
	unsigned long f = spin_lock_irqsave(&ep->lock);
	if (t->waiting_on == ep && !list_empty(&t->ep_link)) {
		list_del(&t->ep_link);
		list_init(&t->ep_link);
		t->waiting_on = NULL;
	}
	spin_unlock_irqrestore(&ep->lock, f);
}

struct thread *ipc_take_caller(struct thread *me)
{
	struct thread *c = me->caller;
	if (!c || me->caller_fault)
		return NULL;
	me->caller = NULL;
	return c;
}

int ipc_reply_saved(struct thread *me, struct thread *c, const struct ipc_msg *msg)
{
	unsigned long f = arch_irq_save();
	int e = E_DEAD;
	if (thread_claim(c, TS_BLOCKED_REPLY)) {
		transfer(me, msg, c);
		c->ipc_result = E_OK;
		sched_wake(c);
		e = E_OK;
	}
	arch_irq_restore(f);
	return e;
}

void ipc_abandon_saved(struct thread *c)
{
	unsigned long f = arch_irq_save();
	if (thread_claim(c, TS_BLOCKED_REPLY)) {
		c->ipc_result = E_DEAD;
		sched_wake(c);
	}
	arch_irq_restore(f);
}
