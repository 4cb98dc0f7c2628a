/* Fault delivery: a ring-3 exception becomes a call on the faulting space's
 * pager endpoint, made on behalf of the faulting thread, which blocks until
 * the pager answers (abi/fault.h). */
#include "arch_api.h"
#include "kernel.h"
#include "space.h"
#include "sched.h"
#include "ipc.h"
#include "printk.h"
#include "memlayout.h"
#include "abi/fault.h"
#include "abi/syscall.h"

#define FAULT_IN_TRIES 4 /* answers per page a system call waits for */

#define PF_PRESENT 0x01
#define PF_WRITE   0x02
#define PF_FETCH   0x10

static uint64_t label_of(unsigned vector)
{
	switch (vector) {
	case 14: return FAULT_PAGE;
	case 13: return FAULT_GP;
	case 6: return FAULT_UD;
	case 0: return FAULT_DE;
	default: return FAULT_OTHER;
	}
}

static uint64_t access_of(unsigned vector, uint64_t error)
{
	if (vector != 14)
		return vector == 13 || vector == 6 || vector == 0 ? 0 : vector;
	uint64_t a = (error & PF_WRITE) ? FAULT_ACC_WRITE : FAULT_ACC_READ;
	if (error & PF_FETCH)
		a = FAULT_ACC_EXEC;
	if (error & PF_PRESENT)
		a |= FAULT_ACC_PRESENT;
	return a;
}

void fault_answer(struct thread *t, const struct ipc_msg *r)
{
	if (IPC_LABEL_TAG(r->label) != (unsigned)FAULT_REPLY_MAP)
		return;
	int e = space_map(t->space, r->w[0] & ~0xFFFull, r->w[1], (uint32_t)r->w[2],
			  r->w[0] & (MAP_R | MAP_W | MAP_X));
	if (e != E_OK)
		printk("kernel: the pager's mapping of 0x%lx for thread %lu was refused (%s);"
		       " the thread faults again\n", (uint64_t)(r->w[0] & ~0xFFFul), t->tid, err_str(e));
}

/* Act on the pager's answer in current->msg (its mapping is already in
 * place: fault_answer); returns only to resume. */
static void apply_reply(struct thread *me)
{
	const struct ipc_msg *r = &me->msg;
	switch (IPC_LABEL_TAG(r->label)) {
	case (unsigned)FAULT_REPLY_MAP:
		return;
	case (unsigned)FAULT_REPLY_RESUME: /* w0: ms to wait before running again */
		if (r->w[0]) {
			sched_sleep_ms(r->w[0] < FAULT_RESUME_MAX_MS ? r->w[0] : FAULT_RESUME_MAX_MS);
			thread_check_kill();
		}
		return;
	default: /* FAULT_REPLY_KILL or nonsense: the thread ends */
		thread_exit();
	}
}

/* Send the fault message (label, words) of the current thread to its
 * pager and wait for the answer, left in current->msg.  E_DEAD if the pager
 * is gone; the thread ends here if it was killed meanwhile. */
static int ask_pager(struct thread *me, uint64_t label, uint64_t addr, uint64_t access,
		     uint64_t rip)
{
	struct space *s = me->space;
	struct ipc_msg m = {
		.label = label,
		.w = { addr, access, rip, me->tid },
		.badge = s->badge,
	};
	me->in_fault = true;
	int e = ipc_send(s->pager_ep, &m, true);
	me->in_fault = false;
	thread_check_kill();
	return e;
}

bool fault_user_exception(unsigned vector, uint64_t error, uint64_t addr, uint64_t rip)
{
	struct thread *me = sched_current();
	if (!me->space || !me->space->pager_ep)
		return false;
	if (ask_pager(me, label_of(vector), addr, access_of(vector, error), rip) != E_OK) {
		printk("kernel: thread %lu killed: its pager is gone\n", me->tid);
		thread_exit();
	}
	apply_reply(me);
	return true;
}

/* True if page p of s is mapped as an access (write or not) needs it. */
static bool page_ready(struct space *s, uint64_t p, bool write, bool *mapped)
{
	unsigned rights;
	*mapped = space_query(s, p, &rights);
	return *mapped && (!write || (rights & MAP_W));
}

int fault_in_user(uint64_t va, uint64_t n, bool write)
{
	struct thread *me = sched_current();
	struct space *s = me->space;
	if (!s->pager_ep || va >= USER_END || n > USER_END - va)
		return E_FAULT;
	for (uint64_t p = va & ~0xFFFull; p < va + n; p += 4096) {
		/* an answer the kernel refused is asked again, a few times */
		bool mapped;
		for (int tries = 0; !page_ready(s, p, write, &mapped); tries++) {
			uint64_t acc = (write ? FAULT_ACC_WRITE : FAULT_ACC_READ) |
				       FAULT_ACC_SYSCALL | (mapped ? FAULT_ACC_PRESENT : 0);
			if (tries == FAULT_IN_TRIES || ask_pager(me, FAULT_PAGE, p, acc, 0) != E_OK)
				return E_FAULT;
			unsigned tag = IPC_LABEL_TAG(me->msg.label);
			if (tag != (unsigned)FAULT_REPLY_MAP && tag != (unsigned)FAULT_REPLY_RESUME)
				return E_FAULT;
		}
	}
	return E_OK;
}
