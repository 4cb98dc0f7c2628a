/* IPC for ring 3: a message in registers (abi/syscall.h), wrapped.
 *
 * struct sys_msg: label (tag in bits 0..31, IPC-buffer byte count in bits
 * 32..43: IPC_LABEL), four words, and the badge the receiver learns.  The
 * buffer bytes themselves travel through the calling thread's IPC buffer
 * page (sys_ipc_buf for the main thread). */
#ifndef SYS_IPC_H
#define SYS_IPC_H

#include "sys/syscall.h"

struct sys_msg {
	uint64_t badge, label, w[4];
};

static inline void ipc_from_regs(struct sys_msg *m, const struct sys_regs *r)
{
	m->badge = r->rdi;
	m->label = r->rsi;
	m->w[0] = r->rdx;
	m->w[1] = r->r10;
	m->w[2] = r->r8;
	m->w[3] = r->r9;
}

/* Send m on ep and wait for the reply, which replaces *m (badge included).
 * Returns the kernel's error; *m is unchanged unless E_OK. */
static inline int ipc_call(uint32_t ep, struct sys_msg *m)
{
	struct sys_regs r;
	int e = sys_call_r(ep, m->label, m->w[0], m->w[1], m->w[2], m->w[3], &r);
	if (e == E_OK)
		ipc_from_regs(m, &r);
	return e;
}

/* Send m on ep (blocks until a receiver takes it). */
static inline int ipc_send(uint32_t ep, const struct sys_msg *m)
{
	return sys_send(ep, m->label, m->w[0], m->w[1], m->w[2], m->w[3]);
}

/* Receive the next message on ep into *m. */
static inline int ipc_recv(uint32_t ep, struct sys_msg *m)
{
	struct sys_regs r;
	int e = sys_recv_r(ep, &r);
	if (e == E_OK)
		ipc_from_regs(m, &r);
	return e;
}

/* Receive on ep if a sender waits, else E_AGAIN at once. */
static inline int ipc_poll(uint32_t ep, struct sys_msg *m)
{
	struct sys_regs r;
	int e = sys_poll_r(ep, &r);
	if (e == E_OK)
		ipc_from_regs(m, &r);
	return e;
}

/* Reply with *reply to the last caller, then receive the next message on
 * ep into *in. */
static inline int ipc_reply_recv(uint32_t ep, const struct sys_msg *reply,
				 struct sys_msg *in)
{
	struct sys_regs r;
	int e = sys_reply_recv_r(ep, reply->label, reply->w[0], reply->w[1],
				 reply->w[2], reply->w[3], &r);
	if (e == E_OK)
		ipc_from_regs(in, &r);
	return e;
}

/* Linux's System V IPC names (sys/shm.h: shmget and friends), for the
 * programs that include <sys/ipc.h> for them. */
#include <sys/types.h>
typedef int key_t;
struct ipc_perm {
	key_t __key;
	uid_t uid;
	gid_t gid;
	uid_t cuid;
	gid_t cgid;
	unsigned int mode;
	unsigned short __seq, __pad2;
	unsigned long __unused1, __unused2;
};
#define IPC_PRIVATE ((key_t)0)
#define IPC_CREAT  01000
#define IPC_EXCL   02000
#define IPC_NOWAIT 04000
#define IPC_RMID 0
#define IPC_SET  1
#define IPC_STAT 2
#define IPC_INFO 3
/* A key from path and id: here from the path's characters (no inodes). */
key_t ftok(const char *path, int id);

#endif
