/* Asynchronous signals (kernel/signal.c): the check on every way back to
 * ring 3.  Kept inline: on the system-call exit it is one load and a
 * test when nothing is pending. */
#ifndef KERNEL_KSIGNAL_H
#define KERNEL_KSIGNAL_H

#include <stdbool.h>
#include "sched.h"
#include "thread.h"

/* Park while the current thread's process is stopped (THREAD_STOP_BIT),
 * then enter the handler of the lowest pending signal the current thread does
 * not block, on its user frame uframe (abi/signal.h's frame, as fault
 * signals build it); then end a sigsuspend.  A frame that cannot be
 * written ends the process (the pager kills it as for a #GP: SIGSEGV). */
void signal_deliver_pending(void *uframe);

/* signal_deliver_pending if the current thread me has anything to
 * deliver: called on every
 * way back to ring 3 (system-call exit, interrupt and exception return,
 * the IPC fast path's resumes, sigreturn). */
static inline void signal_on_return(struct thread *me, void *uframe)
{
	if (__builtin_expect(thread_sig_or_stop(me), 0))
		signal_deliver_pending(uframe);
}

/* True if the current thread has a signal to take: a sleep's ready(). */
bool signal_ready_now(void);

#endif
