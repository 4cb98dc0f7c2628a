/* System V message queues (sys/msg.h) in System V shared memory: each
 * queue is a segment holding its state, a process-shared mutex and
 * condition variable, and its messages one after another.
 *
 * A process killed mid-call holds nothing for good: the mutex is robust,
 * and whoever gets it with EOWNERDEAD checks the messages the dead holder
 * may have left half moved (q_repair: counts redone from the records, the
 * queue emptied if they do not add up).  A maker killed before the queue's
 * magic word was set leaves a segment nobody can use: whoever finds it so,
 * with its maker gone, removes it (msgget then makes a new one). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/msg.h>
#include <sys/shm.h>
#include "libsys.h"

#define MSGQ_MAGIC 0x4d534751u /* "MSGQ" */
#define MSGQ_KEYS  0x6d736751  /* xor'd into a key: apart from shmget's */
#define MSGQ_MSGS  1024
#define MSGQ_BUF   (MSGMNB + MSGQ_MSGS * (sizeof(struct rec) + 8))

/* One message in the buffer: its type, its length, its bytes (padded to
 * 8). */
struct rec {
	long type;
	size_t len;
};

struct msgq {
	uint32_t magic; /* set last: the queue is ready */
	int removed;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct msqid_ds ds;
	size_t used; /* bytes of buf in use */
	unsigned char buf[MSGQ_BUF];
};

/* This process's attachments: queue id -> its address (fork copies both),
 * and how many of our calls use it now.  A removed queue's entry goes
 * (detached once no call uses it): its id may name another queue later,
 * and a process that saw many queues come and go filled the table (every
 * call EINVAL from then on). */
static struct {
	int id;
	struct msgq *q;
	unsigned users;
} attached[64];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;

static int removed(const struct msgq *q)
{
	return __atomic_load_n(&q->removed, __ATOMIC_ACQUIRE);
}

static size_t rec_size(size_t len)
{
	return sizeof(struct rec) + ((len + 7) & ~(size_t)7);
}

/* After EOWNERDEAD on q's lock (held now): the records from 0 to used
 * must each fit, their lengths sum to __msg_cbytes and their number to
 * msg_qnum; counts taken from the records if they fit, else the queue is
 * emptied (the dead holder was moving it).  Then q is consistent again. */
static void q_repair(struct msgq *q)
{
	size_t at = 0, bytes = 0, n = 0;
	while (at < q->used && q->used <= MSGQ_BUF) {
		struct rec r;
		memcpy(&r, q->buf + at, sizeof r);
		if (r.type < 1 || r.len > MSGMAX || rec_size(r.len) > q->used - at)
			break;
		bytes += r.len;
		n++;
		at += rec_size(r.len);
	}
	if (at != q->used)
		at = bytes = n = 0;
	q->used = at;
	q->ds.__msg_cbytes = bytes;
	q->ds.msg_qnum = n;
	pthread_mutex_consistent(&q->lock);
}

static void q_lock(struct msgq *q)
{
	if (pthread_mutex_lock(&q->lock) == EOWNERDEAD)
		q_repair(q);
}

/* Wait for a change of q (its lock held, and held again after). */
static void q_wait(struct msgq *q)
{
	if (pthread_cond_wait(&q->changed, &q->lock) == EOWNERDEAD)
		q_repair(q);
}

/* Queue segment id attached, once its maker has set it up; NULL if id
 * is no queue, or (*dead set) if its maker died before it was set up: the
 * segment is removed then. */
static struct msgq *q_attach(int id, int *dead)
{
	struct shmid_ds sd;
	*dead = 0;
	if (shmctl(id, IPC_STAT, &sd) != 0 || sd.shm_segsz != sizeof(struct msgq))
		return NULL;
	struct msgq *q = shmat(id, NULL, 0);
	if (q == (void *)-1)
		return NULL;
	for (unsigned spins = 1; __atomic_load_n(&q->magic, __ATOMIC_ACQUIRE) != MSGQ_MAGIC;
	     spins++) { /* its maker is setting it up, or died doing it */
		if (spins % 16 == 0 && libsys_pid_gone(sd.shm_cpid) &&
		    __atomic_load_n(&q->magic, __ATOMIC_ACQUIRE) != MSGQ_MAGIC) {
			*dead = 1;
			shmctl(id, IPC_RMID, NULL);
			shmdt(q);
			return NULL;
		}
		sched_yield();
	}
	return q;
}

/* Entry i's queue detached if it was removed and no call uses it
 * (table_lock held). */
static void drop_if_removed(int i)
{
	if (attached[i].q && !attached[i].users && removed(attached[i].q)) {
		shmdt(attached[i].q);
		attached[i].q = NULL;
	}
}

/* The queue of id, attached on first use, for a call (queue_put after,
 * with *slot); NULL with EINVAL if id is no queue (or a removed one). */
static struct msgq *queue(int id, int *slot)
{
	struct msgq *q = NULL;
	pthread_mutex_lock(&table_lock);
	int freeslot = -1;
	for (int i = 0; i < 64 && !q; i++) {
		drop_if_removed(i);
		if (attached[i].q && attached[i].id == id && !removed(attached[i].q))
			q = attached[i].q, *slot = i;
		else if (!attached[i].q && freeslot < 0)
			freeslot = i;
	}
	int dead;
	if (!q && freeslot >= 0 && (q = q_attach(id, &dead))) {
		attached[freeslot].id = id;
		attached[freeslot].q = q;
		*slot = freeslot;
	}
	if (q)
		attached[*slot].users++;
	pthread_mutex_unlock(&table_lock);
	if (!q)
		errno = EINVAL;
	return q;
}

/* The call that took slot's queue is done with it; errno kept. */
static void queue_put(int slot)
{
	int e = errno;
	pthread_mutex_lock(&table_lock);
	attached[slot].users--;
	drop_if_removed(slot);
	pthread_mutex_unlock(&table_lock);
	errno = e;
}

/* A new queue in segment id (just made): its lock, state, then magic. */
static void queue_init(int id, key_t key, int mode)
{
	struct msgq *q = shmat(id, NULL, 0);
	if (q == (void *)-1)
		return;
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&q->lock, &ma);
	pthread_cond_init(&q->changed, &ca);
	memset(&q->ds, 0, sizeof q->ds);
	q->ds.msg_perm.__key = key;
	q->ds.msg_perm.mode = (unsigned)mode & 0777;
	q->ds.msg_perm.uid = q->ds.msg_perm.cuid = geteuid();
	q->ds.msg_perm.gid = q->ds.msg_perm.cgid = getegid();
	q->ds.msg_qbytes = MSGMNB;
	q->ds.msg_ctime = time(NULL);
	q->used = 0;
	q->removed = 0;
	__atomic_store_n(&q->magic, MSGQ_MAGIC, __ATOMIC_RELEASE);
	shmdt(q);
}

/* The queue of key (IPC_PRIVATE: a new one), made with IPC_CREAT;
 * EEXIST with IPC_EXCL, ENOENT without IPC_CREAT, ENOSPC.  A queue whose
 * maker died making it is removed on the way (queue) and made again. */
int msgget(key_t key, int flags)
{
	key_t k = key == IPC_PRIVATE ? IPC_PRIVATE : (key_t)(key ^ MSGQ_KEYS);
	int mode = flags & 0777;
	for (int tries = 0;; tries++) {
		if (key == IPC_PRIVATE || (flags & IPC_CREAT)) {
			int id = shmget(k, sizeof(struct msgq), IPC_CREAT | IPC_EXCL | mode);
			if (id >= 0) {
				queue_init(id, key, mode);
				return id;
			}
			if (errno != EEXIST || (flags & IPC_EXCL) || key == IPC_PRIVATE)
				return -1;
		}
		int id = shmget(k, sizeof(struct msgq), mode), dead = 0;
		struct msgq *q = id < 0 ? NULL : q_attach(id, &dead);
		if (q && removed(q)) { /* its remover was killed before the key went */
			shmctl(id, IPC_RMID, NULL);
			dead = 1;
		}
		if (q)
			shmdt(q);
		if (!dead || tries == 3)
			return id;
		if (!(flags & IPC_CREAT)) { /* a dead maker's, removed: none */
			errno = ENOENT;
			return -1;
		}
	}
}

static int q_send(struct msgq *q, const void *msgp, size_t size, int flags)
{
	if (size > MSGMAX) {
		errno = EINVAL;
		return -1;
	}
	if (libsys_user_room(msgp, sizeof(long) + size, 0) < sizeof(long) + size) {
		errno = EFAULT; /* as Linux's copy from the caller */
		return -1;
	}
	long type;
	memcpy(&type, msgp, sizeof type);
	if (type < 1) {
		errno = EINVAL;
		return -1;
	}
	q_lock(q);
	for (;;) {
		if (q->removed) {
			pthread_mutex_unlock(&q->lock);
			errno = EIDRM;
			return -1;
		}
		if (q->ds.__msg_cbytes + size <= q->ds.msg_qbytes && q->ds.msg_qnum < MSGQ_MSGS &&
		    q->used + rec_size(size) <= MSGQ_BUF)
			break;
		if (flags & IPC_NOWAIT) {
			pthread_mutex_unlock(&q->lock);
			errno = EAGAIN;
			return -1;
		}
		q_wait(q);
	}
	struct rec r = { type, size };
	memcpy(q->buf + q->used, &r, sizeof r);
	memcpy(q->buf + q->used + sizeof r, (const char *)msgp + sizeof(long), size);
	q->used += rec_size(size);
	q->ds.__msg_cbytes += size;
	q->ds.msg_qnum++;
	q->ds.msg_lspid = getpid();
	q->ds.msg_stime = time(NULL);
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

/* The offset of the message msgrcv's type and flags take, or -1. */
static long find(const struct msgq *q, long type, int flags)
{
	long best = -1, best_type = 0;
	for (size_t at = 0; at < q->used;) {
		struct rec r;
		memcpy(&r, q->buf + at, sizeof r);
		if (type == 0)
			return (long)at;
		if (type > 0 && ((flags & MSG_EXCEPT) ? r.type != type : r.type == type))
			return (long)at;
		if (type < 0 && r.type <= -type && (best < 0 || r.type < best_type))
			best = (long)at, best_type = r.type;
		at += rec_size(r.len);
	}
	return best;
}

static ssize_t q_receive(struct msgq *q, void *msgp, size_t size, long type, int flags)
{
	if ((long)size < 0) {
		errno = EINVAL;
		return -1;
	}
	q_lock(q);
	long at;
	for (;;) {
		if (q->removed) {
			pthread_mutex_unlock(&q->lock);
			errno = EIDRM;
			return -1;
		}
		if ((at = find(q, type, flags)) >= 0)
			break;
		if (flags & IPC_NOWAIT) {
			pthread_mutex_unlock(&q->lock);
			errno = ENOMSG;
			return -1;
		}
		q_wait(q);
	}
	struct rec r;
	memcpy(&r, q->buf + at, sizeof r);
	if (r.len > size && !(flags & MSG_NOERROR)) {
		pthread_mutex_unlock(&q->lock);
		errno = E2BIG;
		return -1;
	}
	size_t n = r.len < size ? r.len : size;
	/* a buffer that cannot take it: EFAULT, the message gone all the same
	 * (Linux takes it off the queue before the copy fails) */
	int fault = libsys_user_room(msgp, sizeof(long) + n, 1) < sizeof(long) + n;
	if (!fault) {
		memcpy(msgp, &r.type, sizeof(long));
		memcpy((char *)msgp + sizeof(long), q->buf + at + sizeof r, n);
	}
	size_t sz = rec_size(r.len);
	memmove(q->buf + at, q->buf + at + sz, q->used - (size_t)at - sz);
	q->used -= sz;
	q->ds.__msg_cbytes -= r.len;
	q->ds.msg_qnum--;
	q->ds.msg_lrpid = getpid();
	q->ds.msg_rtime = time(NULL);
	pthread_cond_broadcast(&q->changed);
	pthread_mutex_unlock(&q->lock);
	if (fault) {
		errno = EFAULT;
		return -1;
	}
	return (ssize_t)n;
}

static int q_control(struct msgq *q, int id, int cmd, struct msqid_ds *buf)
{
	if ((cmd == IPC_STAT || cmd == IPC_SET) &&
	    libsys_user_room(buf, sizeof *buf, cmd == IPC_STAT) < sizeof *buf) {
		errno = EFAULT;
		return -1;
	}
	q_lock(q);
	int r = 0;
	switch (cmd) {
	case IPC_STAT:
		*buf = q->ds;
		break;
	case IPC_SET:
		if (buf->msg_qbytes > MSGMNB) {
			errno = EPERM; /* Linux: past msgmnb without CAP_SYS_RESOURCE */
			r = -1;
			break;
		}
		q->ds.msg_qbytes = buf->msg_qbytes;
		q->ds.msg_perm.mode = buf->msg_perm.mode & 0777;
		q->ds.msg_perm.uid = buf->msg_perm.uid;
		q->ds.msg_perm.gid = buf->msg_perm.gid;
		q->ds.msg_ctime = time(NULL);
		pthread_cond_broadcast(&q->changed);
		break;
	case IPC_RMID:
		q->removed = 1;
		pthread_cond_broadcast(&q->changed);
		shmctl(id, IPC_RMID, NULL);
		break;
	default:
		errno = EINVAL;
		r = -1;
	}
	pthread_mutex_unlock(&q->lock);
	return r;
}

int msgsnd(int id, const void *msgp, size_t size, int flags)
{
	int slot;
	struct msgq *q = queue(id, &slot);
	if (!q)
		return -1;
	int r = q_send(q, msgp, size, flags);
	queue_put(slot);
	return r;
}

ssize_t msgrcv(int id, void *msgp, size_t size, long type, int flags)
{
	int slot;
	struct msgq *q = queue(id, &slot);
	if (!q)
		return -1;
	ssize_t r = q_receive(q, msgp, size, type, flags);
	queue_put(slot);
	return r;
}

int msgctl(int id, int cmd, struct msqid_ds *buf)
{
	int slot;
	struct msgq *q = queue(id, &slot);
	if (!q)
		return -1;
	int r = q_control(q, id, cmd, buf);
	queue_put(slot);
	return r;
}
