/* <sys/sem.h>: System V semaphore sets (libsys/sysvsem.c), the whole
 * system's as on Linux: a set is a System V shared-memory segment of the
 * pager's table, so keys (ftok's too) and ids mean the same in every
 * process, unrelated or exec'd.  semop applies all its operations or
 * none, waiting asleep (a futex of the set) unless IPC_NOWAIT (EAGAIN); a
 * handled signal ends the wait with EINTR, IPC_RMID with EIDRM.  SEM_UNDO
 * operations are undone when the process ends (exit, a kill, a fault; not
 * exec), as Linux's: each semaphore's adjustment applied, the value kept
 * in 0..SEMVMX; SETVAL and SETALL clear the adjustments, a fork child
 * starts with none.  As on Linux, the program defines union semun
 * itself. */
#ifndef _SYS_SEM_H
#define _SYS_SEM_H

#include <stddef.h>
#include <sys/ipc.h>
#include <sys/types.h>
#include <time.h>

#define SEM_UNDO 0x1000
#define GETPID  11
#define GETVAL  12
#define GETALL  13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL  16
#define SETALL  17
#define SEM_STAT 18
#define SEM_INFO 19

#define SEMMSL 250   /* semaphores in a set */
#define SEMMNI 4096  /* sets in the system, with the shm segments and msg queues */
#define SEMOPM 500   /* operations in one semop */
#define SEMVMX 32767 /* a semaphore's largest value */

struct sembuf {
	unsigned short sem_num;
	short sem_op;
	short sem_flg;
};

struct semid_ds {
	struct ipc_perm sem_perm;
	time_t sem_otime;
	unsigned long __unused1;
	time_t sem_ctime;
	unsigned long __unused2;
	unsigned long sem_nsems;
	unsigned long __unused3, __unused4;
};

/* The id of key's set of nsems semaphores (IPC_PRIVATE: a new one, each
 * 0), made with IPC_CREAT; -1 with ENOENT, EEXIST (IPC_CREAT|IPC_EXCL),
 * EINVAL (nsems past SEMMSL, or more than the set has, or 0 for a new
 * set), ENOSPC, ENOMEM. */
int semget(key_t key, int nsems, int semflg);
/* Apply sops[0..nsops) at once: -1 with EINVAL (bad id, nsops 0), E2BIG
 * (past SEMOPM), EFBIG (sem_num past the set), ERANGE (past SEMVMX),
 * EAGAIN (IPC_NOWAIT, or semtimedop's timeout), EINTR, EIDRM. */
int semop(int semid, struct sembuf *sops, size_t nsops);
int semtimedop(int semid, struct sembuf *sops, size_t nsops, const struct timespec *timeout);
/* IPC_RMID, IPC_STAT, IPC_SET, GETVAL, SETVAL, GETALL, SETALL, GETPID,
 * GETNCNT, GETZCNT; the fourth argument a union semun. */
int semctl(int semid, int semnum, int cmd, ...);

#endif
