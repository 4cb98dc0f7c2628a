/* System V semaphore sets (sys/sem.h).  A set is a MAP_SHARED anonymous
 * region (so fork children share it) holding a spin lock, a sequence word
 * every change moves on (waiters sleep on it: a shared futex), the removed
 * mark and the semaphores.  The table of keys and ids is this process's,
 * copied by fork, as sysvshm.c's.
 *
 * The lock is held only across loads and stores of the set itself: the
 * caller's buffers (sops, semctl's semid_ds and array) are copied in
 * before and out after it, and the futex wake is made after it, so that
 * no fault and no system call happens with it held.  The lock word names
 * its holder's pid, and a waiter that finds the holder gone (a kill that
 * landed inside the few stores: SIGKILL, an OOM kill, another thread's
 * exit) takes it over, so one process's death does not hang the others;
 * the set is then as the dead holder left it (a semop may be half
 * applied). */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sem.h>
#include "abi/err.h"
#include "sys/proc.h"
#include "libsys.h"

struct semcell {
	unsigned short val;
	pid_t pid;          /* the last to change it */
	int ncnt, zcnt;     /* waiting for it to grow, to be 0 */
};

struct semset {
	int lock;           /* 0 free, or the holder's pid */
	unsigned seq;
	int removed;
	int nsems;
	struct semid_ds ds;
	struct semcell sem[];
};

static struct {
	int used;
	key_t key;
	struct semset *s;
	size_t len;
} sets[SEMMNI];

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

/* Forget entry i here (its memory unmapped). */
static void set_forget(int i)
{
	munmap(sets[i].s, sets[i].len);
	sets[i].used = 0;
}

/* id's set, or NULL with errno EINVAL (no such id) or EIDRM (removed,
 * maybe by another process: then forgotten here). */
static struct semset *set_of(int id)
{
	if (id < 0 || id >= SEMMNI || !sets[id].used) {
		errno = EINVAL;
		return NULL;
	}
	if (__atomic_load_n(&sets[id].s->removed, __ATOMIC_ACQUIRE)) {
		set_forget(id);
		errno = EIDRM;
		return NULL;
	}
	return sets[id].s;
}

int semget(key_t key, int nsems, int flags)
{
	if (key != IPC_PRIVATE)
		for (int i = 0; i < SEMMNI; i++) {
			if (!sets[i].used || sets[i].key != key)
				continue;
			if (sets[i].s->removed) {
				set_forget(i);
				continue;
			}
			if ((flags & IPC_CREAT) && (flags & IPC_EXCL)) {
				errno = EEXIST;
				return -1;
			}
			if (nsems < 0 || nsems > sets[i].s->nsems) {
				errno = EINVAL;
				return -1;
			}
			return i;
		}
	if (key != IPC_PRIVATE && !(flags & IPC_CREAT)) {
		errno = ENOENT;
		return -1;
	}
	if (nsems <= 0 || nsems > SEMMSL) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < SEMMNI; i++) {
		if (sets[i].used)
			continue;
		size_t len = (sizeof(struct semset) + (size_t)nsems * sizeof(struct semcell) + 4095) &
			     ~(size_t)4095;
		struct semset *s = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (s == MAP_FAILED)
			return -1;
		s->nsems = nsems;
		s->ds.sem_perm.__key = key;
		s->ds.sem_perm.mode = (unsigned)flags & 0777;
		s->ds.sem_nsems = (unsigned long)nsems;
		s->ds.sem_ctime = time(NULL);
		sets[i].used = 1;
		sets[i].key = key;
		sets[i].s = s;
		sets[i].len = len;
		return i;
	}
	errno = ENOSPC;
	return -1;
}

/* Whether sops can all be applied now (lock held): 1 and the new values
 * in val; 0 (would wait: *wait_on the semaphore, *zero if for 0); -1 with
 * errno ERANGE. */
static int try_ops(struct semset *s, const struct sembuf *sops, size_t n,
		   unsigned short *val, int *wait_on, int *zero)
{
	for (int k = 0; k < s->nsems; k++)
		val[k] = s->sem[k].val;
	for (size_t i = 0; i < n; i++) {
		int v = val[sops[i].sem_num], op = sops[i].sem_op;
		if (op > 0) {
			if (v + op > SEMVMX) {
				errno = ERANGE;
				return -1;
			}
			val[sops[i].sem_num] = (unsigned short)(v + op);
		} else if (op < 0) {
			if (v < -op) {
				*wait_on = sops[i].sem_num;
				*zero = 0;
				return 0;
			}
			val[sops[i].sem_num] = (unsigned short)(v + op);
		} else if (v != 0) {
			*wait_on = sops[i].sem_num;
			*zero = 1;
			return 0;
		}
	}
	return 1;
}

/* semop with a limit of ms (FUTEX_FOREVER: none). */
static int semop_ms(int id, struct sembuf *user_sops, size_t n, uint64_t ms, int timed)
{
	struct semset *s = set_of(id);
	if (!s)
		return -1;
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
	int nowait = 0;
	for (size_t i = 0; i < n; i++) {
		if (sops[i].sem_num >= s->nsems) {
			errno = EFBIG;
			return -1;
		}
		if (sops[i].sem_flg & IPC_NOWAIT)
			nowait = 1;
	}
	unsigned short val[SEMMSL];
	for (;;) {
		int wait_on = 0, zero = 0;
		pid_t me = getpid();
		time_t now = time(NULL);
		set_lock(s);
		if (s->removed) {
			set_unlock(s);
			errno = EIDRM;
			return -1;
		}
		int r = try_ops(s, sops, n, val, &wait_on, &zero);
		if (r == 1) {
			for (int k = 0; k < s->nsems; k++)
				s->sem[k].val = val[k];
			for (size_t i = 0; i < n; i++)
				s->sem[sops[i].sem_num].pid = me;
			s->ds.sem_otime = now;
			set_changed(s);
			set_unlock(s);
			set_wake(s);
			return 0;
		}
		if (r < 0 || nowait) {
			set_unlock(s);
			if (r == 0)
				errno = EAGAIN;
			return -1;
		}
		int *count = zero ? &s->sem[wait_on].zcnt : &s->sem[wait_on].ncnt;
		(*count)++;
		unsigned seq = s->seq;
		set_unlock(s);
		int e = libsys_futex_wait(&s->seq, seq, ms, 1);
		set_lock(s);
		(*count)--;
		set_unlock(s);
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

int semctl(int id, int num, int cmd, ...)
{
	union semun_ arg = { 0 };
	va_list ap;
	va_start(ap, cmd);
	if (cmd == SETVAL || cmd == SETALL || cmd == GETALL || cmd == IPC_STAT || cmd == IPC_SET)
		arg = va_arg(ap, union semun_);
	va_end(ap);
	struct semset *s = set_of(id);
	if (!s)
		return -1;
	int one = cmd == GETVAL || cmd == SETVAL || cmd == GETPID || cmd == GETNCNT || cmd == GETZCNT;
	if (one && (num < 0 || num >= s->nsems)) {
		errno = EINVAL;
		return -1;
	}
	/* the caller's buffers: checked and read before the lock, written
	 * after it (EFAULT, as Linux, for one that is not there) */
	int nsems = s->nsems;
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
	int r = 0, woke = 0;
	set_lock(s);
	switch (cmd) {
	case IPC_RMID:
		s->removed = 1;
		set_changed(s);
		set_unlock(s);
		set_wake(s);
		set_forget(id);
		return 0;
	case IPC_STAT:
		ds = s->ds;
		break;
	case IPC_SET:
		s->ds.sem_perm.mode = set_mode;
		s->ds.sem_ctime = now;
		break;
	case GETVAL: r = s->sem[num].val; break;
	case GETPID: r = s->sem[num].pid; break;
	case GETNCNT: r = s->sem[num].ncnt; break;
	case GETZCNT: r = s->sem[num].zcnt; break;
	case SETVAL:
		if (arg.val < 0 || arg.val > SEMVMX) {
			errno = ERANGE;
			r = -1;
			break;
		}
		s->sem[num].val = (unsigned short)arg.val;
		s->sem[num].pid = me;
		s->ds.sem_ctime = now;
		set_changed(s);
		woke = 1;
		break;
	case GETALL:
		for (int k = 0; k < nsems; k++)
			vals[k] = s->sem[k].val;
		break;
	case SETALL:
		for (int k = 0; k < nsems; k++)
			if (vals[k] > SEMVMX) {
				errno = ERANGE;
				r = -1;
			}
		for (int k = 0; k < nsems && r == 0; k++) {
			s->sem[k].val = vals[k];
			s->sem[k].pid = me;
		}
		if (r == 0) {
			s->ds.sem_ctime = now;
			set_changed(s);
			woke = 1;
		}
		break;
	default:
		errno = EINVAL;
		r = -1;
	}
	set_unlock(s);
	if (woke)
		set_wake(s);
	if (r == 0 && cmd == IPC_STAT)
		memcpy(arg.buf, &ds, sizeof ds);
	if (r == 0 && cmd == GETALL)
		memcpy(arg.array, vals, len);
	return r;
}
