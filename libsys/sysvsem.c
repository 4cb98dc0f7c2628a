/* System V semaphore sets (sys/sem.h), the whole system's as on Linux:
 * each set is a System V shared-memory segment (the pager's one table,
 * PG_SHM_*, pager/pshm.c), as sysvmsg.c's queues are.  Its key is the
 * caller's xor'd with SEMS_KEYS (apart from shmget's and msgget's keys),
 * its id the segment's, and its size (sizeof (struct semset), room for
 * SEMMSL semaphores) says it is a set.  The segment holds a magic word
 * (set last: the set is ready), a spin lock, a sequence word every change
 * moves on (waiters sleep on it: a shared futex), the removed mark, the
 * semid_ds and the semaphores.  A process attaches a set on its first use
 * of the id and keeps it in a small table (fork copies both, exec and
 * exit detach; a full table lets go of a set no thread is using, to
 * attach it again when next used).  A set found removed is detached once
 * no thread of this process is inside a call on it: the remover's and a
 * woken waiter's at the call's end, any other at one of the process's
 * next calls (each looks at one slot of the table: slot_check).  IPC_RMID
 * removes the segment too, so the pager frees the set's memory when the
 * last process has let it go.
 *
 * The lock is held only across loads and stores of the set itself: the
 * caller's buffers (sops, semctl's semid_ds and array) are copied in
 * before and out after it, and the futex wake is made after it, so that
 * no fault and no system call happens with it held.  The lock word names
 * its holder's pid, and a waiter that finds the holder gone (a kill that
 * landed inside the few stores: SIGKILL, an OOM kill, another thread's
 * exit) takes it over, so one process's death does not hang the others.
 * Every change is logged first and then made (semcore.c's journal), and
 * whoever takes the lock finishes a change a dead holder logged
 * (set_enter), so no change is ever seen half made.  A maker killed
 * between making the segment and setting the magic word leaves a set
 * nobody can use: whoever finds it so, with its maker gone, removes it
 * (semget then makes a new one).
 *
 * SEM_UNDO: a process's adjustments on a set (Linux's semadj) are a record
 * in the set, found by its pid (threads share it; a fork child has its
 * own pid, so none; exec keeps the pid, so the record).  Before its first
 * adjustment the process asks the pager (PG_SHM_NOTE) to mark the record
 * dead when the process ends, however it ends, and to move the sequence
 * word on and wake the set's waiters; whoever next takes the lock applies
 * the marked records (clamped to 0..SEMVMX) and frees them, before
 * anything else, so a waiter behind a killed holder wakes and gets the
 * semaphore.  The pager marks before the process is seen gone, and pids
 * are never reused by the pager, so no live process's record is applied
 * and no dead one's missed. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include "abi/err.h"
#include "sys/proc.h"
#include "libsys.h"
#include "semcore.h"
#include "abi/pager.h"

#define SEMS_MAGIC 0x53454d53u /* "SEMS" */
#define SEMS_KEYS  0x73656d73  /* xor'd into a key: apart from shmget's */
#define ATTACHED   256         /* sets one process keeps attached at once */
#define GET_TRIES  16          /* semget's rounds against removals */

/* The semaphores, SEM_UNDO records and journal are semcore.h's (c); the
 * pager's PG_SHM_NOTE marks a record (its state word) when its owner
 * ends and then moves seq on and wakes its sleepers. */
struct semset {
	uint32_t magic;     /* set last: the set is ready */
	int lock;           /* 0 free, or the holder's pid */
	unsigned seq;
	int removed;
	struct semid_ds ds;
	struct semcore c;
};

_Static_assert(SEMC_MAX == SEMMSL && SEMC_VMX == SEMVMX && SEMC_UNDO == SEM_UNDO &&
		       SEMC_DEAD == PG_SHM_NOTE_DEAD,
	       "semcore.h's constants are sys/sem.h's and the pager's");
_Static_assert(sizeof(struct semc_op) == sizeof(struct sembuf) &&
		       offsetof(struct semc_op, op) == offsetof(struct sembuf, sem_op) &&
		       offsetof(struct semc_op, flg) == offsetof(struct sembuf, sem_flg),
	       "a semc_op is a struct sembuf");

/* This process's attachments: set id -> its address, and how many of its
 * threads are inside a call on it (fork copies the table).  A call finds
 * its set's slot without a lock: it raises users (never from -1) and then
 * sees that the slot still holds its set.  A slot is emptied or filled
 * only under att_lock, taken with signals off (a handler's own semop
 * never waits for it), and emptied only by turning users from 0 to -1:
 * never under a call.  Empty: s NULL; being filled: users -1. */
static struct {
	int id;
	int users;
	struct semset *s;
} att[ATTACHED];
static pthread_mutex_t att_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t undo_lock = PTHREAD_MUTEX_INITIALIZER; /* undo_claim's */

static uint64_t att_take(void)
{
	uint64_t old = libsys_sigs_off();
	pthread_mutex_lock(&att_lock);
	return old;
}

static void att_give(uint64_t old)
{
	pthread_mutex_unlock(&att_lock);
	libsys_sigs_on(old);
}

/* fork's hold on undo_lock and att_lock (libsys.h); the child has none
 * of the other threads, so none is in a call on a set. */
void libsys_semset_fork(int stage)
{
	if (stage == 0) {
		pthread_mutex_lock(&undo_lock);
		pthread_mutex_lock(&att_lock);
		return;
	}
	if (stage == 2)
		for (int i = 0; i < ATTACHED; i++)
			if (att[i].s)
				att[i].users = 0;
	pthread_mutex_unlock(&att_lock);
	pthread_mutex_unlock(&undo_lock);
}

union semun_ {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

/* Whether process pid is gone: ended, waited for or not (a zombie, which
 * kill(pid, 0) still finds, holds no lock either); errno kept. */
static int gone(int pid)
{
	return libsys_pid_gone(pid);
}

/* Take s's lock: the word holds our pid.  Spins, yielding the CPU now and
 * then; each time it yields it checks the holder, and takes the lock over
 * from a holder that is no more. */
static void set_lock(struct semset *s)
{
	int me = (int)getpid();
	for (unsigned spins = 1;; spins++) {
		int h = 0;
		if (__atomic_compare_exchange_n(&s->lock, &h, me, 0, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		if (spins % 256) {
			__builtin_ia32_pause();
			continue;
		}
		if (h != me && gone(h) &&
		    __atomic_compare_exchange_n(&s->lock, &h, me, 0, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		sched_yield();
	}
}

static void set_unlock(struct semset *s)
{
	__atomic_store_n(&s->lock, 0, __ATOMIC_RELEASE);
}

/* Something changed (lock held): the sequence moves on; set_wake after
 * the lock is let go. */
static void set_changed(struct semset *s)
{
	__atomic_fetch_add(&s->seq, 1, __ATOMIC_SEQ_CST);
}

/* Wake every waiter on s to look again (lock not held). */
static void set_wake(struct semset *s)
{
	libsys_futex_wake(&s->seq, INT_MAX, 1);
}

/* Take s's lock and bring the set up to date: a change a holder killed
 * inside it logged is made (semc_redo), and the records the pager marked
 * dead are applied and freed (their owners' SEM_UNDO), as Linux does at
 * exit.  *seq is the sequence word read before the dead were looked for:
 * a mark made after it moves the word on past *seq, so a waiter on *seq
 * never sleeps through it.  1 if something changed (set_leave wakes). */
static int set_enter(struct semset *s, unsigned *seq)
{
	set_lock(s);
	*seq = __atomic_load_n(&s->seq, __ATOMIC_SEQ_CST);
	semc_redo(&s->c);
	int changed = 0;
	for (int i; (i = semc_dead(&s->c)) >= 0; changed = 1)
		semc_release(&s->c, i);
	if (changed)
		set_changed(s);
	return changed;
}

/* Let s's lock go, and wake its waiters if something changed. */
static void set_leave(struct semset *s, int changed)
{
	set_unlock(s);
	if (changed)
		set_wake(s);
}

static int removed(struct semset *s)
{
	return __atomic_load_n(&s->removed, __ATOMIC_ACQUIRE);
}

/* Empty slot i if no call is using its set: 1 if so (att_lock held). */
static int slot_drop(int i)
{
	int zero = 0;
	if (!att[i].s ||
	    !__atomic_compare_exchange_n(&att[i].users, &zero, -1, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED))
		return 0;
	shmdt(att[i].s);
	__atomic_store_n(&att[i].s, NULL, __ATOMIC_RELEASE);
	return 1;
}

/* Fill empty slot i with set s of id, used by `users` calls (att_lock
 * held). */
static void slot_fill(int i, int id, struct semset *s, int users)
{
	__atomic_store_n(&att[i].users, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&att[i].id, id, __ATOMIC_RELAXED);
	__atomic_store_n(&att[i].s, s, __ATOMIC_RELEASE);
	__atomic_store_n(&att[i].users, users, __ATOMIC_RELEASE);
}

/* Detach the sets found removed that no thread here is using (att_lock
 * held). */
static void sweep(void)
{
	for (int i = 0; i < ATTACHED; i++) {
		struct semset *s = att[i].s;
		if (s && removed(s))
			slot_drop(i);
	}
}

/* A free slot of the table (att_lock held), made by detaching a set no
 * thread here is using if none is free (it is attached again when next
 * used); -1 if every one is in use. */
static int slot_free(void)
{
	for (int i = 0; i < ATTACHED; i++)
		if (!att[i].s)
			return i;
	for (int i = 0; i < ATTACHED; i++)
		if (slot_drop(i))
			return i;
	return -1;
}

/* Attach segment id as a set (att_lock held): its address, or NULL with
 * errno EINVAL (no such segment, not a set, removed).  *dead is set when
 * the set's maker died before it was ready. */
static struct semset *attach(int id, int *dead)
{
	struct shmid_ds sd;
	if (shmctl(id, IPC_STAT, &sd) != 0 || sd.shm_segsz != sizeof(struct semset)) {
		errno = EINVAL;
		return NULL;
	}
	struct semset *s = shmat(id, NULL, 0);
	if (s == (void *)-1) {
		errno = errno == ENOMEM ? ENOMEM : EINVAL;
		return NULL;
	}
	for (unsigned spins = 1; __atomic_load_n(&s->magic, __ATOMIC_ACQUIRE) != SEMS_MAGIC;
	     spins++) {
		/* its maker is setting it up, or died doing it */
		if (spins % 16 == 0 && gone(sd.shm_cpid) &&
		    __atomic_load_n(&s->magic, __ATOMIC_ACQUIRE) != SEMS_MAGIC) {
			*dead = 1;
			shmdt(s);
			errno = EINVAL;
			return NULL;
		}
		sched_yield();
	}
	if (removed(s)) {
		/* a remover killed before it removed the segment: done here */
		shmctl(id, IPC_RMID, NULL);
		shmdt(s);
		errno = EINVAL;
		return NULL;
	}
	return s;
}

/* The caller is done with att[slot]'s set: detached if it was removed and
 * nobody else here is in a call on it. */
static void set_put(int slot)
{
	struct semset *s = att[slot].s;
	/* (read while ours: once let go, another thread may detach it) */
	int rm = s && removed(s);
	if (__atomic_sub_fetch(&att[slot].users, 1, __ATOMIC_ACQ_REL) == 0 && rm) {
		uint64_t sigs = att_take();
		sweep();
		att_give(sigs);
	}
}

/* id's set if this process has it attached, its user count raised (no
 * lock); NULL if not. */
static struct semset *set_find(int id, int *slot)
{
	for (int i = 0; i < ATTACHED; i++) {
		struct semset *s = __atomic_load_n(&att[i].s, __ATOMIC_ACQUIRE);
		if (!s || __atomic_load_n(&att[i].id, __ATOMIC_RELAXED) != id)
			continue;
		int u = __atomic_load_n(&att[i].users, __ATOMIC_ACQUIRE);
		while (u >= 0 && !__atomic_compare_exchange_n(&att[i].users, &u, u + 1, 0,
							       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			;
		if (u < 0)
			continue; /* being emptied or filled */
		if (__atomic_load_n(&att[i].s, __ATOMIC_ACQUIRE) == s &&
		    __atomic_load_n(&att[i].id, __ATOMIC_RELAXED) == id && !removed(s)) {
			*slot = i;
			return s;
		}
		set_put(i); /* another set's by now, or removed */
	}
	return NULL;
}

/* Look whether slot i's set was removed meanwhile (by any process): then
 * detached if no call here is using it.  Each call looks at one slot, in
 * turn, so a set another process removed is let go within ATTACHED calls
 * of this process (at exit or exec at the latest). */
static void slot_check(int i)
{
	if (!__atomic_load_n(&att[i].s, __ATOMIC_ACQUIRE))
		return;
	int u = __atomic_load_n(&att[i].users, __ATOMIC_ACQUIRE);
	while (u >= 0 && !__atomic_compare_exchange_n(&att[i].users, &u, u + 1, 0,
						       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
	if (u >= 0)
		set_put(i); /* looks while it is ours */
}

/* id's set, attached here on first use, its user count raised (set_put
 * lowers it); NULL with errno EINVAL (no such set, or removed), ENOMEM;
 * *dead as attach's. */
static struct semset *set_get2(int id, int *slot, int *dead)
{
	static unsigned turn;
	if (id < 0) {
		errno = EINVAL;
		return NULL;
	}
	slot_check((int)(__atomic_fetch_add(&turn, 1, __ATOMIC_RELAXED) % ATTACHED));
	struct semset *s = set_find(id, slot);
	if (s)
		return s;
	uint64_t sigs = att_take();
	sweep();
	if ((s = set_find(id, slot))) { /* another thread attached it */
		att_give(sigs);
		return s;
	}
	int freeslot = slot_free();
	if (freeslot < 0)
		errno = ENOMEM;
	else if ((s = attach(id, dead))) {
		slot_fill(freeslot, id, s, 1);
		*slot = freeslot;
	}
	int e = errno;
	att_give(sigs);
	errno = e;
	return s;
}

static struct semset *set_get(int id, int *slot)
{
	int dead = 0;
	return set_get2(id, slot, &dead);
}

/* Set up the new segment id (just made by us) as a set of nsems
 * semaphores, each 0; kept attached here when there is room.  0, or -1
 * with errno (the segment removed again). */
static int set_make(int id, key_t key, int nsems, int mode)
{
	struct semset *s = shmat(id, NULL, 0);
	if (s == (void *)-1) {
		int e = errno;
		shmctl(id, IPC_RMID, NULL);
		errno = e == EINVAL ? ENOMEM : e;
		return -1;
	}
	s->c.nsems = nsems;
	s->c.jrec = -1;
	s->ds.sem_perm.__key = key;
	s->ds.sem_perm.mode = (unsigned)mode & 0777;
	s->ds.sem_perm.uid = s->ds.sem_perm.cuid = geteuid();
	s->ds.sem_perm.gid = s->ds.sem_perm.cgid = getegid();
	s->ds.sem_nsems = (unsigned long)nsems;
	s->ds.sem_ctime = time(NULL);
	__atomic_store_n(&s->magic, SEMS_MAGIC, __ATOMIC_RELEASE);
	uint64_t sigs = att_take();
	int i = slot_free();
	if (i >= 0)
		slot_fill(i, id, s, 0);
	else
		shmdt(s);
	att_give(sigs);
	return 0;
}

/* A new segment for a set (key already xor'd, or IPC_PRIVATE): its id, or
 * -1 with errno (EEXIST with IPC_EXCL, ENOSPC, ENOMEM). */
static int seg_new(key_t k, int excl, int mode)
{
	int id = shmget(k, sizeof(struct semset), IPC_CREAT | mode | (excl ? IPC_EXCL : 0));
	if (id < 0 && errno == EINVAL)
		errno = ENOMEM;
	return id;
}

int semget(key_t key, int nsems, int flags)
{
	int mode = flags & 0777;
	if (nsems < 0 || nsems > SEMMSL) {
		errno = EINVAL;
		return -1;
	}
	if (key == IPC_PRIVATE) {
		if (nsems == 0) {
			errno = EINVAL;
			return -1;
		}
		int id = seg_new(IPC_PRIVATE, 0, mode);
		return id < 0 || set_make(id, key, nsems, mode) ? -1 : id;
	}
	key_t k = (key_t)(key ^ SEMS_KEYS);
	int err = ENOENT;
	for (int tries = 0; tries < GET_TRIES; tries++) {
		if ((flags & IPC_CREAT) && nsems > 0) {
			int id = seg_new(k, 1, mode);
			if (id >= 0)
				return set_make(id, key, nsems, mode) ? -1 : id;
			if (errno != EEXIST || (flags & IPC_EXCL))
				return -1;
		}
		int id = shmget(k, sizeof(struct semset), mode);
		if (id < 0) {
			if (errno == ENOENT && (flags & IPC_CREAT) && nsems > 0)
				continue; /* removed since: make it */
			if (errno == ENOENT && (flags & IPC_CREAT))
				errno = EINVAL; /* to make, but of 0 semaphores */
			return -1;
		}
		if ((flags & IPC_CREAT) && (flags & IPC_EXCL)) {
			errno = EEXIST;
			return -1;
		}
		int slot, dead = 0;
		struct semset *s = set_get2(id, &slot, &dead);
		if (!s) {
			err = errno;
			if (dead)
				shmctl(id, IPC_RMID, NULL); /* never ready: gone */
			continue; /* removed since, or not a set */
		}
		int n = s->c.nsems;
		set_put(slot);
		if (nsems > n) {
			errno = EINVAL;
			return -1;
		}
		return id;
	}
	errno = err;
	return -1;
}
/* SEM_UNDO records: a process's record is claimed (SEMJ_CLAIM), the
 * pager asked to mark it when the process ends (PG_SHM_NOTE), and only
 * then made live (SEMJ_LIVE) and given adjustments.  Claims of one process
 * go one at a time (undo_lock, with signals off; fork holds it), so it has
 * one live record per set. */

#define RECLAIM_MAX 32 /* claimed records looked at in one reclaim */

/* Free the records of s claimed but never made live by processes now
 * gone (killed before PG_SHM_NOTE: the pager will never mark them; one
 * that asked would be marked dead already, as the pager marks before the
 * process is seen gone).  The owners are looked up with the lock let go.
 * How many were freed. */
static int reclaim(struct semset *s, int me)
{
	int idx[RECLAIM_MAX], who[RECLAIM_MAX], n = 0, freed = 0;
	unsigned seq;
	int ch = set_enter(s, &seq);
	for (int i = 0; i < s->c.nundo && n < RECLAIM_MAX; i++) {
		struct semundo *u = semc_rec(&s->c, i);
		if (__atomic_load_n(&u->state, __ATOMIC_ACQUIRE) == SEMC_RESERVED && u->owner != me) {
			idx[n] = i;
			who[n++] = u->owner;
		}
	}
	set_leave(s, ch);
	for (int k = 0; k < n; k++)
		if (!gone(who[k]))
			who[k] = 0;
	ch = set_enter(s, &seq);
	for (int k = 0; k < n; k++) {
		struct semundo *u = semc_rec(&s->c, idx[k]);
		if (who[k] && u->owner == who[k] &&
		    __atomic_load_n(&u->state, __ATOMIC_ACQUIRE) == SEMC_RESERVED) {
			semc_release(&s->c, idx[k]);
			freed++;
		}
	}
	set_leave(s, ch);
	return freed;
}

/* Ask the pager to mark record i of set id (at s) dead when this process
 * ends: 0, or an enum err. */
static int undo_note(struct semset *s, int id, int i)
{
	struct sys_msg m = { .label = PG_SHM_NOTE,
			     .w = { (uint64_t)id,
				    (uint64_t)((char *)&semc_rec(&s->c, i)->state - (char *)s),
				    (uint64_t)((char *)&s->seq - (char *)s) } };
	return libsys_pg_call(&m);
}

/* One round of undo_claim (undo_lock held): 1 the record is there (or the
 * set removed: the caller sees it), 0 to go round again, -1 with errno
 * (ENOMEM: no room, or the pager has none). */
static int claim_round(struct semset *s, int id, int me, int round)
{
	unsigned seq;
	int ch = set_enter(s, &seq);
	if (s->removed || semc_find(&s->c, me) >= 0) {
		set_leave(s, ch);
		return 1;
	}
	int i = semc_free_slot(&s->c);
	if (i < 0) {
		set_leave(s, ch);
		if (round == 0 && reclaim(s, me))
			return 0;
		errno = ENOMEM;
		return -1;
	}
	semc_commit(&s->c, SEMJ_CLAIM, i, me);
	set_leave(s, ch);
	int e = undo_note(s, id, i);
	ch = set_enter(s, &seq);
	struct semundo *u = semc_rec(&s->c, i);
	if (u->owner == me && __atomic_load_n(&u->state, __ATOMIC_ACQUIRE) == SEMC_RESERVED) {
		if (e)
			semc_release(&s->c, i); /* adjustments none yet */
		else
			semc_commit(&s->c, SEMJ_LIVE, i, me);
	}
	set_leave(s, ch);
	if (e && !removed(s)) {
		errno = ENOMEM;
		return -1;
	}
	return 1;
}

/* Make sure this process (me) has a live SEM_UNDO record in set s (id):
 * 0, or -1 with errno ENOMEM.  (A set removed meanwhile: 0, the caller
 * finds it removed.) */
static int undo_claim(struct semset *s, int id, int me)
{
	uint64_t sigs = libsys_sigs_off();
	pthread_mutex_lock(&undo_lock);
	int r = 0;
	for (int round = 0; (r = claim_round(s, id, me, round)) == 0 && round < 4; round++)
		;
	int e = errno;
	pthread_mutex_unlock(&undo_lock);
	libsys_sigs_on(sigs);
	errno = e;
	return r < 0 ? -1 : 0;
}

/* semop on set s (id's) with a limit of ms (FUTEX_FOREVER: none).  The
 * operations are checked on the journal's copy (semc_try) and made
 * together (semc_commit), with this process's SEM_UNDO record if one asks
 * for SEM_UNDO (claimed first: undo_claim). */
static int semop_in(struct semset *s, int id, struct sembuf *user_sops, size_t n, uint64_t ms,
		    int timed)
{
	if (n == 0) {
		errno = EINVAL;
		return -1;
	}
	if (n > SEMOPM) {
		errno = E2BIG;
		return -1;
	}
	/* the caller's array copied here before the lock (a bad pointer
	 * faults with no lock held) */
	struct sembuf sops[SEMOPM];
	memcpy(sops, user_sops, n * sizeof *sops);
	int nowait = 0, undo = 0;
	for (size_t i = 0; i < n; i++) {
		if (sops[i].sem_num >= s->c.nsems) {
			errno = EFBIG;
			return -1;
		}
		if (sops[i].sem_flg & IPC_NOWAIT)
			nowait = 1;
		if ((sops[i].sem_flg & SEM_UNDO) && sops[i].sem_op)
			undo = 1;
	}
	const struct semc_op *ops = (const struct semc_op *)(const void *)sops;
	for (;;) {
		int wait_on = 0, zero = 0, rec = -1;
		pid_t me = getpid();
		time_t now = time(NULL);
		unsigned seq;
		int ch = set_enter(s, &seq);
		if (s->removed) {
			set_leave(s, ch);
			errno = EIDRM;
			return -1;
		}
		if (undo && (rec = semc_find(&s->c, me)) < 0) {
			set_leave(s, ch);
			if (undo_claim(s, id, me))
				return -1;
			continue;
		}
		int r = semc_try(&s->c, ops, n, rec, &wait_on, &zero);
		if (r == 1) {
			semc_commit(&s->c, SEMJ_OP, rec, me);
			for (size_t i = 0; i < n; i++)
				s->c.sem[sops[i].sem_num].pid = me;
			s->ds.sem_otime = now;
			set_changed(s);
			set_leave(s, 1);
			return 0;
		}
		if (r < 0 || nowait) {
			set_leave(s, ch);
			errno = r < 0 ? ERANGE : EAGAIN;
			return -1;
		}
		int32_t *count = zero ? &s->c.sem[wait_on].zcnt : &s->c.sem[wait_on].ncnt;
		(*count)++;
		set_leave(s, ch);
		int e = libsys_futex_wait(&s->seq, seq, ms, 1);
		ch = set_enter(s, &seq);
		(*count)--;
		set_leave(s, ch);
		if (e == E_INTR) {
			errno = EINTR;
			return -1;
		}
		if (e == E_TIMEDOUT && timed) {
			errno = EAGAIN;
			return -1;
		}
	}
}

/* semop_in on id's set. */
static int semop_ms(int id, struct sembuf *sops, size_t n, uint64_t ms, int timed)
{
	int slot;
	struct semset *s = set_get(id, &slot);
	if (!s)
		return -1;
	int r = semop_in(s, id, sops, n, ms, timed);
	int e = errno;
	set_put(slot);
	errno = e;
	return r;
}

int semop(int id, struct sembuf *sops, size_t n)
{
	return semop_ms(id, sops, n, FUTEX_FOREVER, 0);
}

int semtimedop(int id, struct sembuf *sops, size_t n, const struct timespec *t)
{
	if (!t)
		return semop(id, sops, n);
	if (t->tv_sec < 0 || t->tv_nsec < 0 || t->tv_nsec >= 1000000000) {
		errno = EINVAL;
		return -1;
	}
	uint64_t ms = (uint64_t)t->tv_sec * 1000 + ((uint64_t)t->tv_nsec + 999999) / 1000000;
	return semop_ms(id, sops, n, ms ? ms : 1, 1);
}

/* semctl on set s (id's). */
static int semctl_in(struct semset *s, int id, int num, int cmd, union semun_ arg)
{
	int one = cmd == GETVAL || cmd == SETVAL || cmd == GETPID || cmd == GETNCNT || cmd == GETZCNT;
	if (one && (num < 0 || num >= s->c.nsems)) {
		errno = EINVAL;
		return -1;
	}
	/* the caller's buffers: checked and read before the lock, written
	 * after it (EFAULT, as Linux, for one that is not there) */
	int nsems = s->c.nsems;
	size_t len = cmd == IPC_STAT || cmd == IPC_SET ? sizeof(struct semid_ds)
		     : cmd == GETALL || cmd == SETALL  ? (size_t)nsems * sizeof(unsigned short)
						       : 0;
	int out = cmd == IPC_STAT || cmd == GETALL;
	void *ubuf = cmd == GETALL || cmd == SETALL ? (void *)arg.array : (void *)arg.buf;
	if (len && libsys_user_room(ubuf, len, out) < len) {
		errno = EFAULT;
		return -1;
	}
	struct semid_ds ds;
	unsigned short vals[SEMMSL];
	unsigned set_mode = 0;
	if (cmd == IPC_SET)
		set_mode = arg.buf->sem_perm.mode & 0777;
	if (cmd == SETALL)
		memcpy(vals, arg.array, len);
	pid_t me = getpid();
	time_t now = time(NULL);
	int r = 0;
	unsigned seq;
	int woke = set_enter(s, &seq);
	if (s->removed) { /* by another process since set_get */
		set_leave(s, woke);
		errno = EINVAL;
		return -1;
	}
	switch (cmd) {
	case IPC_RMID:
		s->removed = 1;
		set_changed(s);
		set_leave(s, 1);
		shmctl(id, IPC_RMID, NULL); /* freed once all have detached */
		return 0;
	case IPC_STAT:
		ds = s->ds;
		break;
	case IPC_SET:
		s->ds.sem_perm.mode = set_mode;
		s->ds.sem_ctime = now;
		break;
	case GETVAL: r = s->c.sem[num].val; break;
	case GETPID: r = s->c.sem[num].pid; break;
	case GETNCNT: r = s->c.sem[num].ncnt; break;
	case GETZCNT: r = s->c.sem[num].zcnt; break;
	case SETVAL:
		if (arg.val < 0 || arg.val > SEMVMX) {
			errno = ERANGE;
			r = -1;
			break;
		}
		semc_setval(&s->c, num, arg.val); /* every SEM_UNDO of it 0 */
		s->c.sem[num].pid = me;
		s->ds.sem_ctime = now;
		set_changed(s);
		woke = 1;
		break;
	case GETALL:
		for (int k = 0; k < nsems; k++)
			vals[k] = s->c.sem[k].val;
		break;
	case SETALL:
		for (int k = 0; k < nsems; k++)
			if (vals[k] > SEMVMX) {
				errno = ERANGE;
				r = -1;
			}
		if (r == 0) {
			semc_setall(&s->c, vals); /* every SEM_UNDO 0 */
			for (int k = 0; k < nsems; k++)
				s->c.sem[k].pid = me;
			s->ds.sem_ctime = now;
			set_changed(s);
			woke = 1;
		}
		break;
	default:
		errno = EINVAL;
		r = -1;
	}
	set_leave(s, woke);
	if (r == 0 && cmd == IPC_STAT)
		memcpy(arg.buf, &ds, sizeof ds);
	if (r == 0 && cmd == GETALL)
		memcpy(arg.array, vals, len);
	return r;
}

int semctl(int id, int num, int cmd, ...)
{
	union semun_ arg = { 0 };
	va_list ap;
	va_start(ap, cmd);
	if (cmd == SETVAL || cmd == SETALL || cmd == GETALL || cmd == IPC_STAT || cmd == IPC_SET)
		arg = va_arg(ap, union semun_);
	va_end(ap);
	int slot;
	struct semset *s = set_get(id, &slot);
	if (!s)
		return -1;
	int r = semctl_in(s, id, num, cmd, arg);
	int e = errno;
	set_put(slot);
	errno = e;
	return r;
}
