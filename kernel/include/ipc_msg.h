/* IPC message marshalling (pure): system-call registers to a message and
 * back, and how much of the IPC buffer a transfer copies. */
#ifndef IPC_MSG_H
#define IPC_MSG_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/list.h"

/* A message: label word (tag + buffer length), four words, and the badge
 * the receiver learns (set by the kernel from the sender's handle). */
struct ipc_msg {
	uint64_t label, w[4], badge;
};

/* A message the kernel itself posts on an endpoint (ipc_notice), from
 * memory its poster gives: a send no thread makes, so no thread waits for
 * it.  done(n) runs once a receiver has it (or the endpoint is destroyed
 * with it queued): then n's memory is its poster's again. */
struct ipc_notice {
	struct list_link link;
	uint64_t label, badge;
	uint64_t w0;           /* the message's first word (the rest are 0) */
	void (*done)(struct ipc_notice *n);
};

/* Message from argument registers a[1] (label) and a[2..5] (words), with
 * the badge of the handle used.  E_INVAL if the label asks for more than
 * IPC_BUF_MAX buffer bytes or sets bits above 44. */
int ipc_msg_from_args(const uint64_t a[6], uint64_t badge, struct ipc_msg *m);

/* Result registers of a received message: badge, label, w0..w3. */
void ipc_msg_to_regs(const struct ipc_msg *m, uint64_t out[6]);

/* Buffer bytes a transfer of label copies when the sender and receiver
 * do (or do not) have IPC buffers: the label's length, or 0 if either
 * lacks one. *label_out is the label the receiver sees (length 0 when
 * nothing is copied). */
unsigned ipc_msg_copy_len(uint64_t label, bool sender_buf, bool receiver_buf,
			  uint64_t *label_out);

#endif
