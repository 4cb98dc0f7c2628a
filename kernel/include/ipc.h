/* Synchronous IPC endpoints (seL4-style rendezvous).
 *
 *   lock       guards both queues and the ep_link/waiting_on of queued threads.
 *   senders    threads blocked in send or call, oldest first.
 *   receivers  threads blocked in recv, oldest first.
 *   notices    kernel notices no thread sends (ipc_notice), oldest first,
 *              each received before any sender.
 * senders/notices and receivers are non-empty on at most one side at a
 * time. */
#ifndef IPC_H
#define IPC_H

#include <stdbool.h>
#include "kobj.h"
#include "thread.h"
#include "spinlock.h"
#include "lib/list.h"

struct endpoint {
	struct kobj obj;
	struct spinlock lock;
	struct list_link senders, receivers, notices;
};

/* A new endpoint (one reference). E_NOMEM. */
int endpoint_create(struct endpoint **out);

/* Send msg (badge already set) on ep; blocks until a receiver takes it.
 * With call, also blocks for the reply, which arrives in current->msg. */
int ipc_send(struct endpoint *ep, const struct ipc_msg *msg, bool call);

/* Post notice n on ep: a receiver waiting takes it now, else the next
 * receive does (before any sender).  The caller holds a reference on ep.
 * No allocation, no blocking: any context that may take ep->lock. */
void ipc_notice(struct endpoint *ep, struct ipc_notice *n);

/* Receive on ep into current->msg; blocks unless poll (then E_AGAIN). */
int ipc_recv(struct endpoint *ep, bool poll);

/* Reply with msg to the caller we last received a call from (if any, and
 * still waiting), then receive on ep: the hot path of every fault. */
int ipc_reply_recv(struct endpoint *ep, const struct ipc_msg *msg);

/* Give up the call `me` received and has not answered: the caller wakes
 * with E_DEAD.  (Receiving again, or ending, does this.) */
void ipc_abandon_caller(struct thread *me);

/* Saved calls (reply_save): the caller of the call `me` received and has
 * not answered, taken out of me with its reply reference (now the
 * caller's of this function, dropped with thread_reply_put(me, c):
 * thread.h); NULL if there is none or it is a fault
 * (fault answers take effect at reply time, in ipc_reply_recv). */
struct thread *ipc_take_caller(struct thread *me);
/* Answer saved caller c with msg (from me's registers and IPC buffer) and
 * wake it; E_DEAD if it no longer waits (killed).  Keeps the reference. */
int ipc_reply_saved(struct thread *me, struct thread *c, const struct ipc_msg *msg);
/* Give up saved caller c: it wakes with E_DEAD if it still waits. */
void ipc_abandon_saved(struct thread *c);
/* Remove t from the endpoint queue it waits on, if any. */
void ipc_cancel(struct thread *t);

#endif
