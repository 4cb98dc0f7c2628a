/* The IPC fast path (seL4's fastpath, in small): `call` and `reply_recv`,
 * and the kernel's own call that delivers a fault, in their common case.
 * Each function checks the whole case in one place and either does the
 * call with the minimum (registers and a small buffer moved, the CPU
 * switched straight to the other thread and its address space, no run
 * queue) or returns FASTPATH_SLOW having changed nothing, and the caller
 * takes the generic path (ipc.c).  Interrupts must be off (every system
 * call and exception runs so). */
#ifndef FASTPATH_H
#define FASTPATH_H

#include <stdint.h>
#include "ipc.h"

#define FASTPATH_SLOW (-1)   /* not taken: use the generic path */
#define FASTPATH_BUF_MAX 512 /* IPC buffer bytes the fast path copies */

/* How a thread blocked by the fast path goes on when switched to
 * (thread->resume; sched_switch_fast). */
enum {
	THREAD_RESUME_NONE,    /* from its saved kernel context, as always */
	THREAD_RESUME_SYSCALL, /* fastpath_resume's result, back to ring 3 */
	THREAD_RESUME_FAULT,   /* fault_resume, back to ring 3 */
};

/* The common case of the system call `call` (h: ep, label, w0..w3 as in
 * its registers), taken by the system-call entry before the generic
 * dispatch: when taken it does not return (the caller goes on in
 * fastpath_resume when answered); it returns FASTPATH_SLOW having changed
 * nothing, or an enum err (E_DEAD: a kill came in) with no result. */
int fastpath_call(uint64_t h, uint64_t label, uint64_t w0, uint64_t w1, uint64_t w2,
		  uint64_t w3);

/* The same for `reply_recv` (h: ep, label, w0..w3 of the reply). */
int fastpath_reply_recv(uint64_t h, uint64_t label, uint64_t w0, uint64_t w1, uint64_t w2,
			uint64_t w3);

/* A thread blocked by fastpath_call or fastpath_reply_recv goes on
 * (THREAD_RESUME_SYSCALL) in arch code (arch_resume_syscall), which clears
 * me->resume, calls this if me->resume_ep is set (the reference a
 * reply_recv kept on its endpoint: dropped), and returns the call's
 * result (me->ipc_result) and, if E_OK, the message in me->msg. */
void fastpath_resume_ep(struct thread *me);

/* The fault call of current thread me on its pager endpoint ep (kept
 * alive by me's space) with message m: FASTPATH_SLOW, or an enum err.
 * With how = 0 the answer's result (the answer in me->msg); with how =
 * THREAD_RESUME_FAULT (a fault from ring 3, nothing to go back to on the
 * kernel stack) it does not return when taken: me goes on in
 * fault_resume, and only E_DEAD (a kill came in first) comes back. */
int fastpath_fault(struct thread *me, struct endpoint *ep, const struct ipc_msg *m,
		   unsigned how);

#endif
