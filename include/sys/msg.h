/* <sys/msg.h>: System V message queues (libsys/sysvmsg.c), between any
 * processes: a queue lives in a System V shared memory segment (keys
 * and ids the whole system's, as shm's; a queue's key is its own, apart
 * from shmget's), with a process-shared lock.  msgsnd waits while the
 * queue holds msg_qbytes (16384) bytes or 1024 messages (IPC_NOWAIT:
 * EAGAIN); msgrcv takes the first message of type 0 (any), t (that
 * type; MSG_EXCEPT: any other) or -t (the lowest type up to t), waits
 * for one (IPC_NOWAIT: ENOMSG), E2BIG for a longer one unless
 * MSG_NOERROR cuts it; IPC_RMID wakes every waiter with EIDRM.  msgctl:
 * IPC_STAT, IPC_SET (msg_qbytes up to 16384, the mode), IPC_RMID.
 * EFAULT for a buffer that cannot be read or written (msgrcv's message
 * is then gone, as Linux's).  A wait is not ended by a signal (no EINTR). */
#ifndef _SYS_MSG_H
#define _SYS_MSG_H

#include <sys/ipc.h>
#include <sys/types.h>
#include <time.h>

typedef unsigned long msgqnum_t;
typedef unsigned long msglen_t;

struct msqid_ds {
	struct ipc_perm msg_perm;
	time_t msg_stime;
	time_t msg_rtime;
	time_t msg_ctime;
	unsigned long __msg_cbytes;
	msgqnum_t msg_qnum;
	msglen_t msg_qbytes;
	pid_t msg_lspid;
	pid_t msg_lrpid;
	unsigned long __unused4, __unused5;
};

struct msgbuf {
	long mtype;
	char mtext[1];
};

#define MSG_NOERROR 010000
#define MSG_EXCEPT  020000
#define MSG_COPY    040000
#define MSGMAX  8192
#define MSGMNB  16384
#define MSGMNI  32000

int msgget(key_t key, int flags);
int msgsnd(int id, const void *msgp, size_t size, int flags);
ssize_t msgrcv(int id, void *msgp, size_t size, long type, int flags);
int msgctl(int id, int cmd, struct msqid_ds *buf);

#endif
