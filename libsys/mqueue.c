/* POSIX message queues over the pager's named shared memory objects.
 *
 * A queue is the object "/dev/mqueue/NAME", made whole by the pager with
 * its first 16 bytes (magic, message count and size limits: PG_PSH_INIT),
 * so no process ever opens a queue whose maker has not set it up, and
 * grown to its full size by whoever opens it (PG_PSH_GROW: the maker and
 * an early opener both ask, either may be first).  The rest of the
 * object: a lock and the queue's state (struct mq_head), a slot per
 * message and the messages' bytes.  Every process maps it MAP_SHARED, so
 * the lock and the wait words are shared futexes (keyed by frame).
 *
 * Waiting: a sender that finds the queue full (a receiver: empty) reads
 * the room (msgs) word's sequence under the lock, counts itself a waiter,
 * lets the lock go and sleeps while the sequence is unchanged; every
 * receive (send) bumps the sequence and wakes one waiter if any.  A
 * message's place in the queue: the highest priority first, oldest first
 * within one (a sequence number per message). */
#define _GNU_SOURCE
#include <errno.h>
#include <mqueue.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "libsys.h"

#define MQ_MAGIC      0x7175656du /* "mque" */
#define MQ_PREFIX     "/dev/mqueue/"
#define MQ_DEF_MAXMSG 10
#define MQ_DEF_SIZE   8192
#define MQ_HARD_MSGS  65536
#define MQ_HARD_SIZE  (16 << 20)
#define MQD_BASE      0x10000 /* descriptors: not file descriptors */
#define MQD_MAX       256
#define MQ_RWHO       16 /* receivers' processes known by pid (struct mq_head) */

/* The queue's state, at the start of its object (the first 16 bytes are
 * PG_PSH_INIT's). */
struct mq_head {
	uint32_t magic, maxmsg;
	uint64_t msgsize;
	uint32_t lock;      /* 0 free, or the holder's pid | MQ_LOCK_SLEEPERS */
	uint32_t curmsgs;
	uint32_t sent;      /* bumped by every send: receivers sleep on it */
	uint32_t taken;     /* bumped by every receive: senders sleep on it */
	uint32_t rwait, swait;
	uint64_t next_seq;
	int32_t notify_pid; /* 0: nobody registered */
	int32_t notify_sig; /* 0: SIGEV_NONE */
	uint64_t notify_value;
	struct {            /* the receivers waiting, by process (mq_notify's
			     * "nobody waits" must not count one killed
			     * while it waited; rwait counts those with no
			     * slot) */
		int32_t pid;
		uint32_t n;
	} rwho[MQ_RWHO];
};

struct mq_slot {
	uint32_t used, prio;
	uint64_t seq, len;
};

/* This process's descriptors.  The limits are copied at the open: what
 * this process indexes by never comes from memory another process can
 * write (a program that scribbles on a queue's object breaks that queue,
 * not the processes that use it). */
static struct mqd {
	struct mq_head *q;
	size_t maplen;
	int flags; /* O_ACCMODE bits and O_NONBLOCK */
	uint32_t maxmsg;
	uint64_t msgsize;
} mqds[MQD_MAX];
static int mqd_lock; /* over mqds[]'s free slots; held across fork */

static void mqd_take(void)
{
	while (__atomic_exchange_n(&mqd_lock, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void mqd_give(void)
{
	__atomic_store_n(&mqd_lock, 0, __ATOMIC_RELEASE);
}

/* fork's hold on mqd_lock (libsys.h): a child started while another
 * thread of its parent opened a queue inherited it held, and its own
 * mq_open then waited for good (test_hunt5_mqfork). */
void libsys_mq_fork(int stage)
{
	if (stage == 0)
		mqd_take();
	else
		mqd_give();
}

static struct mq_slot *slots(struct mq_head *q)
{
	return (struct mq_slot *)(q + 1);
}

static char *msg_at(const struct mqd *d, uint32_t i)
{
	return (char *)(slots(d->q) + d->maxmsg) + (uint64_t)i * d->msgsize;
}

static size_t queue_bytes(uint64_t maxmsg, uint64_t msgsize)
{
	size_t n = sizeof(struct mq_head) + maxmsg * (sizeof(struct mq_slot) + msgsize);
	return (n + 4095) & ~(size_t)4095;
}

#define MQ_LOCK_SLEEPERS 0x80000000u /* someone may sleep on the lock word */
#define MQ_LOCK_LOOK_MS  50          /* a sleeper looks at the holder this often */

/* Take q's lock: the word holds our pid (and MQ_LOCK_SLEEPERS once anyone
 * slept on it).  A waiter sleeps on the word, and each time its sleep
 * ends without the word moving it checks the holder: a holder that is no
 * more (killed inside the lock: a SIGKILL, or a fault in memory another
 * thread unmapped) has its lock taken over, so that one process's death
 * does not hang every other user of the queue; the queue is then as the
 * dead holder left it.  Held with signals off (the mask before in
 * q_mask): a handler that used the queue ran inside the lock on the way
 * back from a system call made there, and waited for good on its own
 * process's lock. */
static __thread uint64_t q_mask;

static void q_lock(struct mq_head *q)
{
	uint64_t old = libsys_sigs_off();
	uint32_t me = (uint32_t)getpid(), v = 0;
	if (__atomic_compare_exchange_n(&q->lock, &v, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		q_mask = old;
		return;
	}
	for (;;) {
		v = __atomic_load_n(&q->lock, __ATOMIC_RELAXED);
		if (!v) { /* taken with the mark: other sleepers are not known */
			if (__atomic_compare_exchange_n(&q->lock, &v, me | MQ_LOCK_SLEEPERS, 0,
							__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				break;
			continue;
		}
		uint32_t w = v | MQ_LOCK_SLEEPERS, holder = v & ~MQ_LOCK_SLEEPERS;
		if (v != w && !__atomic_compare_exchange_n(&q->lock, &v, w, 0, __ATOMIC_RELAXED,
							   __ATOMIC_RELAXED))
			continue;
		if (libsys_futex_wait(&q->lock, w, MQ_LOCK_LOOK_MS, 1) == E_OK)
			continue;
		if (holder != me && __atomic_load_n(&q->lock, __ATOMIC_RELAXED) == w &&
		    libsys_pid_gone((int)holder) &&
		    __atomic_compare_exchange_n(&q->lock, &w, me | MQ_LOCK_SLEEPERS, 0,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			break;
	}
	q_mask = old;
}

static void q_unlock(struct mq_head *q)
{
	uint64_t old = q_mask;
	if (__atomic_exchange_n(&q->lock, 0, __ATOMIC_RELEASE) & MQ_LOCK_SLEEPERS)
		libsys_futex_wake(&q->lock, 1, 1);
	libsys_sigs_on(old);
}

/* mqd's entry if it is open with access acc (O_RDONLY: may receive,
 * O_WRONLY: may send, -1: either); NULL with EBADF. */
static struct mqd *mqd_of(mqd_t mqd, int acc)
{
	unsigned i = (unsigned)mqd - MQD_BASE;
	struct mqd *d = i < MQD_MAX ? &mqds[i] : NULL;
	int mode = d && d->q ? d->flags & O_ACCMODE : -1;
	if (!d || !d->q || (acc == O_RDONLY && mode == O_WRONLY) ||
	    (acc == O_WRONLY && mode == O_RDONLY)) {
		errno = EBADF;
		return NULL;
	}
	return d;
}

/* The object name of queue name into buf: -1 with errno (EINVAL: no
 * leading '/' or nothing after it, EACCES: another '/', ENAMETOOLONG). */
static int mq_objname(const char *name, char buf[256 + sizeof MQ_PREFIX])
{
	if (!name || name[0] != '/' || !name[1]) {
		errno = !name || name[0] != '/' ? EINVAL : ENOENT;
		return -1;
	}
	size_t n = strlen(name + 1);
	if (strchr(name + 1, '/')) {
		errno = EACCES;
		return -1;
	}
	if (n > 255) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, MQ_PREFIX, sizeof MQ_PREFIX - 1);
	memcpy(buf + sizeof MQ_PREFIX - 1, name + 1, n + 1);
	return 0;
}

/* Object base's size grown to at least bytes: 0, or -1 (ENOMEM). */
static int grow(char *base, size_t bytes)
{
	struct sys_msg m = { .label = PG_PSH_SIZE,
			     .w = { (uint64_t)(uintptr_t)base, bytes, PG_PSH_GROW } };
	int e = libsys_pg_call(&m);
	if (e != E_OK) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

mqd_t mq_open(const char *name, int oflag, ...)
{
	char obj[256 + sizeof MQ_PREFIX];
	struct mq_attr *attr = NULL;
	if (oflag & O_CREAT) {
		va_list ap;
		va_start(ap, oflag);
		(void)va_arg(ap, unsigned); /* mode: one user */
		attr = va_arg(ap, struct mq_attr *);
		va_end(ap);
	}
	if (mq_objname(name, obj))
		return -1;
	if ((oflag & O_ACCMODE) == O_ACCMODE) {
		errno = EINVAL;
		return -1;
	}
	uint64_t maxmsg = attr ? (uint64_t)attr->mq_maxmsg : MQ_DEF_MAXMSG;
	uint64_t msgsize = attr ? (uint64_t)attr->mq_msgsize : MQ_DEF_SIZE;
	if (attr && (attr->mq_maxmsg <= 0 || attr->mq_msgsize <= 0 ||
		     maxmsg > MQ_HARD_MSGS || msgsize > MQ_HARD_SIZE)) {
		errno = EINVAL;
		return -1;
	}
	if (queue_bytes(maxmsg, msgsize) > PG_PSH_SPAN) {
		errno = ENOMEM;
		return -1;
	}
	uint64_t fl = (oflag & O_CREAT) ? PG_PSH_CREAT | PG_PSH_INIT : 0;
	if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		fl |= PG_PSH_EXCL;
	uint64_t init[2] = { MQ_MAGIC | maxmsg << 32, msgsize };
	char *base;
	int made;
	if (libsys_psh_open(obj, fl, init, &base, &made))
		return -1;
	struct sys_msg q = { .label = PG_PSH_SIZE, .w = { (uint64_t)(uintptr_t)base } };
	struct mq_head *h = (struct mq_head *)base;
	if (libsys_pg_call(&q) != E_OK || q.w[0] < sizeof init || h->magic != MQ_MAGIC) {
		munmap(base, PG_PSH_SPAN); /* an object of that name that is no queue */
		errno = EINVAL;
		return -1;
	}
	uint32_t maxmsg_now = h->maxmsg;
	uint64_t msgsize_now = h->msgsize;
	size_t len = queue_bytes(maxmsg_now, msgsize_now);
	if (!maxmsg_now || maxmsg_now > MQ_HARD_MSGS || !msgsize_now || msgsize_now > MQ_HARD_SIZE) {
		munmap(base, PG_PSH_SPAN);
		errno = EINVAL;
		return -1;
	}
	if (grow(base, len)) {
		munmap(base, PG_PSH_SPAN);
		return -1;
	}
	struct mq_head *m = mremap(base, 0, len, MREMAP_MAYMOVE);
	munmap(base, PG_PSH_SPAN);
	if (m == MAP_FAILED)
		return -1;
	uint64_t sigs = libsys_sigs_off(); /* (a handler may fork: fork takes it) */
	mqd_take();
	int i = 0;
	while (i < MQD_MAX && mqds[i].q)
		i++;
	if (i < MQD_MAX)
		mqds[i] = (struct mqd){ m, len, oflag & (O_ACCMODE | O_NONBLOCK), maxmsg_now,
					msgsize_now };
	mqd_give();
	libsys_sigs_on(sigs);
	if (i == MQD_MAX) {
		munmap(m, len);
		errno = EMFILE;
		return -1;
	}
	return MQD_BASE + i;
}

int mq_close(mqd_t mqd)
{
	struct mqd *d = mqd_of(mqd, -1);
	if (!d)
		return -1;
	struct mq_head *q = d->q;
	size_t len = d->maplen;
	d->q = NULL;
	q_lock(q);
	if (q->notify_pid == getpid())
		q->notify_pid = 0; /* a registration goes with its descriptor */
	q_unlock(q);
	munmap(q, len);
	return 0;
}

int mq_unlink(const char *name)
{
	char obj[256 + sizeof MQ_PREFIX];
	if (mq_objname(name, obj))
		return -1;
	size_t len = strlen(obj) + 1;
	memcpy(libsys_ipc_buf(), obj, len);
	struct sys_msg m = { .label = IPC_LABEL(PG_PSH_UNLINK, len) };
	return libsys_fail(libsys_pg_call(&m));
}

/* A receiver of process pid starts (+1) or stops (-1) waiting on q
 * (locked): counted in its process's rwho slot, or in rwait if none is
 * free, even after the slots of gone processes are let go (a process
 * killed while it waited never takes its count back; in rwait it would
 * keep mq_notify silent for good).  *slot: the one used (-1: rwait),
 * given back at the stop. */
static void rwho_count(struct mq_head *q, int32_t pid, int delta, int *slot)
{
	if (delta < 0) {
		if (*slot >= 0 && q->rwho[*slot].pid == pid && q->rwho[*slot].n)
			q->rwho[*slot].n--;
		else if (*slot < 0 && q->rwait)
			q->rwait--;
		return;
	}
	int free = -1;
	for (int i = 0; i < MQ_RWHO; i++) {
		if (q->rwho[i].n && q->rwho[i].pid == pid) {
			q->rwho[i].n++;
			*slot = i;
			return;
		}
		if (!q->rwho[i].n && free < 0)
			free = i;
	}
	for (int i = 0; i < MQ_RWHO && free < 0; i++)
		if (libsys_pid_gone(q->rwho[i].pid))
			free = i;
	*slot = free;
	if (free < 0) {
		q->rwait++;
		return;
	}
	q->rwho[free].pid = pid;
	q->rwho[free].n = 1;
}

/* Whether any receiver is counted as waiting on q (locked), gone or not. */
static int receivers_counted(const struct mq_head *q)
{
	int any = q->rwait != 0;
	for (int i = 0; i < MQ_RWHO; i++)
		any |= q->rwho[i].n != 0;
	return any;
}

/* Whether a receiver waits on q (locked): one in a slot whose process is
 * still there (a gone one's slot is let go), or one counted in rwait. */
static int receiver_waits(struct mq_head *q)
{
	int any = q->rwait != 0;
	for (int i = 0; i < MQ_RWHO; i++)
		if (q->rwho[i].n) {
			if (libsys_pid_gone(q->rwho[i].pid))
				q->rwho[i].n = 0;
			else
				any = 1;
		}
	return any;
}

/* Wait (q locked; unlocked across the sleep) until *word moves from its
 * value now, counted as a sender waiting (swait) or a receiver
 * (rwho_count): 0, or an errno (ETIMEDOUT, EINVAL for a bad time, EINTR
 * when a handler without SA_RESTART ran meanwhile). */
static int wait_on(struct mq_head *q, uint32_t *word, int receiver,
		   const struct timespec *abstime)
{
	uint64_t ms = FUTEX_FOREVER;
	int e = abstime ? libsys_ms_until(abstime, &ms) : 0;
	if (e)
		return e;
	uint32_t seen = __atomic_load_n(word, __ATOMIC_RELAXED);
	unsigned mark = libsys_sig_eintr();
	int32_t me = (int32_t)getpid();
	int slot = -1;
	if (receiver)
		rwho_count(q, me, 1, &slot);
	else
		q->swait++;
	q_unlock(q); /* (a signal that came inside the lock is taken here: a
		      * handler without SA_RESTART that ran ends the wait) */
	int w = libsys_sig_eintr() != mark ? E_INTR : libsys_futex_wait(word, seen, ms, 1);
	q_lock(q);
	if (receiver)
		rwho_count(q, me, -1, &slot);
	else if (q->swait)
		q->swait--;
	if (w == E_INTR && libsys_sig_eintr() != mark)
		return EINTR;
	return 0; /* (a time-out is found by the next libsys_ms_until) */
}

/* A registered process's notification, taken from the queue under its
 * lock and sent after it (notify_send). */
struct mq_note {
	pid_t pid;
	int sig;
	uint64_t value;
};

/* A message arrived in empty queue q (locked) and nobody waits to take
 * it: the registered process hears of it once, *n (sig 0: nothing to
 * send). */
static void notify(struct mq_head *q, struct mq_note *n)
{
	if (!q->notify_pid || receiver_waits(q))
		return;
	*n = (struct mq_note){ q->notify_pid, q->notify_sig, q->notify_value };
	q->notify_pid = 0;
}

/* Send notification n, with no queue lock held: the signal may be ours,
 * and its handler may use the queue (it ran inside the lock, and an
 * mq_receive there waited for good). */
static void notify_send(const struct mq_note *n)
{
	union sigval v = { .sival_ptr = (void *)(uintptr_t)n->value };
	if (n->sig)
		sigqueue(n->pid, n->sig, v);
}

int mq_timedsend(mqd_t mqd, const char *msg, size_t len, unsigned prio,
		 const struct timespec *abstime)
{
	libsys_testcancel();
	struct mqd *d = mqd_of(mqd, O_WRONLY);
	if (!d)
		return -1;
	struct mq_head *q = d->q;
	if (len > d->msgsize) {
		errno = EMSGSIZE;
		return -1;
	}
	if (prio >= MQ_PRIO_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (len && libsys_user_room(msg, len, 0) < len) { /* (never a fault in the lock) */
		errno = EFAULT;
		return -1;
	}
	q_lock(q);
	uint32_t i = 0;
	for (;;) {
		while (i < d->maxmsg && slots(q)[i].used)
			i++;
		if (i < d->maxmsg)
			break;
		i = 0;
		int e = (d->flags & O_NONBLOCK) ? EAGAIN : wait_on(q, &q->taken, 0, abstime);
		if (e) {
			q_unlock(q);
			errno = e;
			return -1;
		}
	}
	memcpy(msg_at(d, i), msg, len);
	slots(q)[i] = (struct mq_slot){ 1, prio, q->next_seq++, len };
	struct mq_note note = { 0, 0, 0 };
	if (q->curmsgs++ == 0)
		notify(q, &note);
	q->sent++;
	if (receivers_counted(q))
		libsys_futex_wake(&q->sent, 1, 1);
	q_unlock(q);
	notify_send(&note);
	return 0;
}

int mq_send(mqd_t mqd, const char *msg, size_t len, unsigned prio)
{
	return mq_timedsend(mqd, msg, len, prio, NULL);
}

ssize_t mq_timedreceive(mqd_t mqd, char *msg, size_t len, unsigned *prio,
			const struct timespec *abstime)
{
	libsys_testcancel();
	struct mqd *d = mqd_of(mqd, O_RDONLY);
	if (!d)
		return -1;
	struct mq_head *q = d->q;
	if (len < d->msgsize) {
		errno = EMSGSIZE;
		return -1;
	}
	/* the bytes we may write there, known before the lock (a message
	 * longer is EFAULT and stays in the queue: never a fault in the lock) */
	size_t room = libsys_user_room(msg, d->msgsize, 1);
	q_lock(q);
	struct mq_slot *s = slots(q), *best;
	for (;;) {
		best = NULL;
		for (uint32_t i = 0; i < d->maxmsg; i++)
			if (s[i].used && (!best || s[i].prio > best->prio ||
					  (s[i].prio == best->prio && s[i].seq < best->seq)))
				best = &s[i];
		if (best)
			break;
		int e = (d->flags & O_NONBLOCK) ? EAGAIN : wait_on(q, &q->sent, 1, abstime);
		if (e) {
			q_unlock(q);
			errno = e;
			return -1;
		}
	}
	size_t n = best->len < d->msgsize ? best->len : d->msgsize;
	if (n > room) {
		q_unlock(q);
		errno = EFAULT;
		return -1;
	}
	memcpy(msg, msg_at(d, (uint32_t)(best - s)), n);
	if (prio)
		*prio = best->prio;
	best->used = 0;
	q->curmsgs--;
	q->taken++;
	if (q->swait)
		libsys_futex_wake(&q->taken, 1, 1);
	q_unlock(q);
	return (ssize_t)n;
}

ssize_t mq_receive(mqd_t mqd, char *msg, size_t len, unsigned *prio)
{
	return mq_timedreceive(mqd, msg, len, prio, NULL);
}

int mq_getattr(mqd_t mqd, struct mq_attr *attr)
{
	struct mqd *d = mqd_of(mqd, -1);
	if (!d)
		return -1;
	memset(attr, 0, sizeof *attr);
	attr->mq_flags = d->flags & O_NONBLOCK;
	attr->mq_maxmsg = (long)d->maxmsg;
	attr->mq_msgsize = (long)d->msgsize;
	attr->mq_curmsgs = (long)__atomic_load_n(&d->q->curmsgs, __ATOMIC_RELAXED);
	return 0;
}

/* Only O_NONBLOCK changes (the limits are the queue's). */
int mq_setattr(mqd_t mqd, const struct mq_attr *attr, struct mq_attr *old)
{
	struct mqd *d = mqd_of(mqd, -1);
	if (!d)
		return -1;
	if (attr->mq_flags & ~(long)O_NONBLOCK) {
		errno = EINVAL;
		return -1;
	}
	if (old)
		mq_getattr(mqd, old);
	d->flags = (d->flags & ~O_NONBLOCK) | (int)(attr->mq_flags & O_NONBLOCK);
	return 0;
}

/* Register this process for the queue's next message into emptiness
 * (sev NULL: give a registration of ours up).  EBUSY if another process
 * is registered. */
int mq_notify(mqd_t mqd, const struct sigevent *sev)
{
	struct mqd *d = mqd_of(mqd, -1);
	if (!d)
		return -1;
	if (sev && (sev->sigev_notify != SIGEV_SIGNAL && sev->sigev_notify != SIGEV_NONE)) {
		errno = EINVAL;
		return -1;
	}
	if (sev && sev->sigev_notify == SIGEV_SIGNAL &&
	    (sev->sigev_signo < 1 || sev->sigev_signo >= NSIG)) {
		errno = EINVAL;
		return -1;
	}
	struct mq_head *q = d->q;
	int e = 0;
	pid_t me = getpid();
	q_lock(q);
	if (q->notify_pid && q->notify_pid != me && !libsys_pid_gone(q->notify_pid))
		e = EBUSY; /* (a registered process that is gone holds nothing) */
	else if (!sev && q->notify_pid == me)
		q->notify_pid = 0;
	else if (sev) {
		q->notify_pid = me;
		q->notify_sig = sev->sigev_notify == SIGEV_SIGNAL ? sev->sigev_signo : 0;
		q->notify_value = (uint64_t)(uintptr_t)sev->sigev_value.sival_ptr;
	}
	q_unlock(q);
	if (e) {
		errno = e;
		return -1;
	}
	return 0;
}
