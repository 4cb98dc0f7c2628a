/* Fault delivery: a ring-3 exception becomes a call on the faulting space's
 * pager endpoint, made on behalf of the faulting thread, which blocks until
 * the pager answers (abi/fault.h). */
#include "arch_api.h"
#include "kernel.h"
#include "space.h"
#include "sched.h"
#include "ipc.h"
#include "fastpath.h"
#include "ksignal.h"
#include "printk.h"
#include "memlayout.h"
#include "abi/fault.h"
#include "abi/syscall.h"

#define FAULT_IN_TRIES 64 /* answers per page a system call waits for */
#define COPY_TRIES 16    /* copies a system call tries, each after a page-in */

void fault_answer(struct thread *t, const struct ipc_msg *r)
{
	if (IPC_LABEL_TAG(r->label) != (unsigned)FAULT_REPLY_MAP)
		return;
	uint64_t va = r->w[FAULT_MAP_VA] & ~(PAGE_SIZE - 1);
	int e = space_map(t->space, va, r->w[FAULT_MAP_PFN], (uint32_t)r->w[FAULT_MAP_GEN],
			  r->w[FAULT_MAP_VA] & (MAP_R | MAP_W | MAP_X));
	if (e != E_OK)
		printk("kernel: the pager's mapping of 0x%lx for thread %lu was refused (%s);"
		       " the thread faults again\n", va, t->tid, err_str(e));
}

int fault_install(struct thread *c, uint64_t pfn, uint64_t gen, uint64_t rights)
{
	unsigned long f = arch_irq_save();
	int e = space_map_fresh(c->space, c->fault_va, pfn, gen, rights, c->fault_seq);
	arch_irq_restore(f);
	return e == E_FAULT || e == E_INVAL || e == E_STALE ? e : E_OK;
}

/* Act on the pager's answer in current->msg (its mapping is already in
 * place: fault_answer); returns only to resume. */
static void apply_reply(struct thread *me)
{
	const struct ipc_msg *r = &me->msg;
	switch (IPC_LABEL_TAG(r->label)) {
	case (unsigned)FAULT_REPLY_MAP:
	case (unsigned)FAULT_REPLY_INSTALL: /* installed, or it faults again */
		return;
	case (unsigned)FAULT_REPLY_RESUME: {
		uint64_t ms = r->w[FAULT_RESUME_MS]; /* to wait before running again */
		if (ms) {
			sched_sleep_ms(ms < FAULT_RESUME_MAX_MS ? ms : FAULT_RESUME_MAX_MS);
			thread_check_kill();
		}
		return;
	}
	default: /* FAULT_REPLY_KILL or nonsense (a FAULT_REPLY_SIGNAL not
		  * delivered): the thread ends */
		thread_exit();
	}
}

/* After the fault call of ask_pager, with its result e. */
static int asked(struct thread *me, int e)
{
	me->in_fault = false;
	thread_check_kill();
	return e;
}

/* Send the fault message (label, address, access bits, ip) of the current
 * thread to its pager and wait for the answer, left in current->msg.  E_DEAD
 * if the pager is gone; the thread ends here if it was killed meanwhile.
 * With how = THREAD_RESUME_FAULT (a fault from ring 3) a call by the fast
 * path does not come back: the thread goes on in fault_resume. */
static int ask_pager(struct thread *me, uint64_t label, uint64_t addr, uint64_t access,
		     uint64_t rip, unsigned how)
{
	struct space *s = me->space;
	struct ipc_msg m = {
		.label = label,
		.w = {
			[FAULT_MSG_ADDR] = addr, [FAULT_MSG_ACCESS] = access,
			[FAULT_MSG_IP] = rip, [FAULT_MSG_TID] = me->tid,
		},
		.badge = s->badge | space_fill_hint(s),
	};
	me->in_fault = true;
	me->fault_va = label == (uint64_t)FAULT_PAGE ? addr & ~(PAGE_SIZE - 1) : USER_END;
	me->fault_seq = __atomic_load_n(&s->unmaps, __ATOMIC_RELAXED);
	int e = fastpath_fault(me, s->pager_ep, &m, how);
	if (e == FASTPATH_SLOW)
		e = ipc_send(s->pager_ep, &m, true);
	return asked(me, e);
}

/* The answer (result e, message in me->msg) to the ring-3 exception in
 * me->fault.  A signal that cannot be delivered (signal.c) sends the same
 * fault once more, marked FAULT_ACC_NOSIGNAL (and FAULT_ACC_NOFRAME if
 * its frame was what failed), and the pager kills. */
static void answered(struct thread *me, int e)
{
	if (e == E_OK && IPC_LABEL_TAG(me->msg.label) == (unsigned)FAULT_REPLY_SIGNAL) {
		uint64_t why = signal_deliver(&me->msg);
		if (!why)
			return; /* it resumes in its handler */
		const struct fault_asked *f = &me->fault;
		e = ask_pager(me, f->label, f->addr, f->access | why, f->rip, 0);
	}
	if (e != E_OK) {
		printk("kernel: thread %lu killed: its pager is gone\n", me->tid);
		thread_exit();
	}
	apply_reply(me);
}

_Noreturn void fault_no_signal_frame(uint64_t rip)
{
	struct thread *me = sched_current();
	const uint64_t why = FAULT_ACC_NOSIGNAL | FAULT_ACC_NOFRAME;
	me->fault = (struct fault_asked){ FAULT_GP, 0, why, rip };
	if (me->space && me->space->pager_ep)
		ask_pager(me, FAULT_GP, 0, why, rip, 0);
	thread_exit(); /* the pager killed the process, or is gone */
}

bool fault_user_exception(uint64_t label, uint64_t access, uint64_t addr, uint64_t rip)
{
	struct thread *me = sched_current();
	if (!me->space || !me->space->pager_ep)
		return false;
	me->fault = (struct fault_asked){ label, addr, access, rip };
	answered(me, ask_pager(me, label, addr, access, rip, THREAD_RESUME_FAULT));
	return true;
}

void fault_resume(void)
{
	struct thread *me = sched_current_of(sched_here());
	me->resume = THREAD_RESUME_NONE;
	unsigned tag = IPC_LABEL_TAG(me->msg.label);
	if (me->ipc_result == E_OK &&
	    (tag == (unsigned)FAULT_REPLY_INSTALL || tag == (unsigned)FAULT_REPLY_MAP ||
	     (tag == (unsigned)FAULT_REPLY_RESUME && !me->msg.w[FAULT_RESUME_MS]))) {
		/* the common answers: asked and answered with nothing to do */
		me->in_fault = false;
		if (__atomic_load_n(&me->kill, __ATOMIC_RELAXED))
			thread_check_kill();
		signal_on_return(me, me->uframe);
		return;
	}
	answered(me, asked(me, me->ipc_result));
	signal_on_return(me, me->uframe);
}

/* True if page p of s is mapped as an access (write or not) needs it. */
static bool page_ready(struct space *s, uint64_t p, bool write, bool *mapped)
{
	unsigned rights;
	*mapped = space_query(s, p, &rights);
	return *mapped && (!write || (rights & MAP_W));
}

/* fault_in_user, and with oomwait a pager's "wait, then try again" (out
 * of memory: FAULT_ACC_OOMWAIT) slept and not counted as a try. */
static int fault_in(uint64_t va, uint64_t n, bool write, bool oomwait)
{
	struct thread *me = sched_current();
	struct space *s = me->space;
	if (!s->pager_ep || va >= USER_END || n > USER_END - va)
		return E_FAULT;
	for (uint64_t p = va & ~(PAGE_SIZE - 1); p < va + n; p += PAGE_SIZE) {
		/* an answer the kernel refused is asked again, a few times */
		bool mapped;
		for (int tries = 0; !page_ready(s, p, write, &mapped); tries++) {
			uint64_t acc = (write ? FAULT_ACC_WRITE : FAULT_ACC_READ) |
				       FAULT_ACC_SYSCALL | (mapped ? FAULT_ACC_PRESENT : 0) |
				       (oomwait ? FAULT_ACC_OOMWAIT : 0);
			if (tries == FAULT_IN_TRIES || ask_pager(me, FAULT_PAGE, p, acc, 0, 0) != E_OK)
				return E_FAULT;
			unsigned tag = IPC_LABEL_TAG(me->msg.label);
			if (tag != (unsigned)FAULT_REPLY_MAP && tag != (unsigned)FAULT_REPLY_RESUME &&
			    tag != (unsigned)FAULT_REPLY_INSTALL)
				return E_FAULT;
			uint64_t ms = tag == (unsigned)FAULT_REPLY_RESUME ? me->msg.w[FAULT_RESUME_MS] : 0;
			if (oomwait && ms) {
				sched_sleep_ms(ms < FAULT_RESUME_MAX_MS ? ms : FAULT_RESUME_MAX_MS);
				thread_check_kill();
				tries--;
			}
		}
	}
	return E_OK;
}

int fault_in_user(uint64_t va, uint64_t n, bool write)
{
	return fault_in(va, n, write, false);
}

/* One page-in and copy again per try: between fault_in_user and the copy
 * another thread's fork may write-protect the pages again (or a munmap
 * take them); a signal frame that could not be written killed a program
 * whose other threads forked (hunt3_wait_storm). */
static int copy_out(uint64_t uva, const void *src, uint64_t n, bool oomwait)
{
	struct space *s = sched_current()->space;
	int e = space_copy_out(s, uva, src, n);
	for (int tries = 0; e == E_FAULT && tries < COPY_TRIES; tries++) {
		if (fault_in(uva, n, true, oomwait) != E_OK)
			return E_FAULT;
		e = space_copy_out(s, uva, src, n);
	}
	return e;
}

int fault_copy_out(uint64_t uva, const void *src, uint64_t n)
{
	return copy_out(uva, src, n, false);
}

int fault_copy_out_wait(uint64_t uva, const void *src, uint64_t n)
{
	return copy_out(uva, src, n, true);
}

int fault_copy_in(void *dst, uint64_t uva, uint64_t n)
{
	struct space *s = sched_current()->space;
	int e = space_copy_in(s, dst, uva, n);
	for (int tries = 0; e == E_FAULT && tries < COPY_TRIES; tries++) {
		if (fault_in_user(uva, n, false) != E_OK)
			return E_FAULT;
		e = space_copy_in(s, dst, uva, n);
	}
	return e;
}
