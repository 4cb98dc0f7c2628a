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

/* ksys_call's common case (a: ep, label, w0..w3; out: badge, label,
 * w0..w3 of the reply): an enum err, or FASTPATH_SLOW. */
int fastpath_call(const uint64_t a[6], uint64_t out[6]);

/* ksys_reply_recv's common case (a: ep, label, w0..w3 of the reply; out:
 * the message received next): an enum err, or FASTPATH_SLOW. */
int fastpath_reply_recv(const uint64_t a[6], uint64_t out[6]);

/* The fault call of current thread me on its pager endpoint ep (kept
 * alive by me's space) with message m: an enum err (the answer in
 * me->msg), or FASTPATH_SLOW. */
int fastpath_fault(struct thread *me, struct endpoint *ep, const struct ipc_msg *m);

#endif
