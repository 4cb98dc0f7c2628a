/* Fault delivery: a ring-3 exception becomes a call on the faulting space's
 * pager endpoint, made on behalf of the faulting thread, which blocks until
 * the pager answers (abi/fault.h). */
#include "kernel.h"
#include "space.h"
#include "sched.h"
#include "ipc.h"
#include "printk.h"
#include "abi/fault.h"
#include "abi/syscall.h"

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

/* Act on the pager's answer in current->msg; returns only to resume. */
static void apply_reply(struct thread *me)
{
	const struct ipc_msg *r = &me->msg;
	switch (IPC_LABEL_TAG(r->label)) {
	case (unsigned)FAULT_REPLY_MAP: {
		int e = space_map(me->space, r->w[0] & ~0xFFFull, r->w[1],
				  (uint32_t)r->w[2], r->w[0] & (MAP_R | MAP_W | MAP_X));
		if (e == E_OK)
			return;
		printk("kernel: thread %lu killed: the pager's mapping was refused (%s)\n",
		       me->tid, err_str(e));
		thread_exit();
	}
	case (unsigned)FAULT_REPLY_RESUME:
		return;
	default: /* FAULT_REPLY_KILL or nonsense: the thread ends */
		thread_exit();
	}
}

bool fault_user_exception(unsigned vector, uint64_t error, uint64_t addr, uint64_t rip)
{
	struct thread *me = sched_current();
	struct space *s = me->space;
	if (!s || !s->pager_ep)
		return false;
	struct ipc_msg m = {
		.label = label_of(vector),
		.w = { addr, access_of(vector, error), rip, me->tid },
		.badge = s->badge,
	};
	me->in_fault = true;
	int e = ipc_send(s->pager_ep, &m, true);
	me->in_fault = false;
	thread_check_kill();
	if (e != E_OK) {
		printk("kernel: thread %lu killed: its pager is gone\n", me->tid);
		thread_exit();
	}
	apply_reply(me);
	return true;
}
