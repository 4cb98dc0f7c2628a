/* <sys/shm.h>: System V shared memory (libsys/sysvshm.c).  Segments are
 * the pager's, one table for the whole system as on Linux: a key or id
 * names the same segment in every process.  Each shmat is a MAP_SHARED
 * mapping of the segment's pages (fork copies it, exit and exec detach
 * it); shm_nattch counts the attachments of every process.  A removed
 * segment (IPC_RMID) lives until its last detach; its key is free at once.
 * At most 4096 segments (ENOSPC). */
#ifndef _SYS_SHM_H
#define _SYS_SHM_H

#include <sys/ipc.h>
#include <sys/types.h>
#include <time.h>

#define SHM_RDONLY 010000
#define SHM_RND    020000
#define SHM_REMAP  040000
#define SHM_EXEC   0100000
#define SHM_LOCK   11
#define SHM_UNLOCK 12
#define SHMLBA     4096
/* shm_perm.mode's status bits (IPC_STAT), as Linux's */
#define SHM_DEST      01000  /* removed (IPC_RMID), waiting for its last detach */
#define SHM_LOCKED    02000
/* shmget flags Linux has; ignored here (ordinary pages, committed lazily) */
#define SHM_HUGETLB   04000
#define SHM_NORESERVE 010000

typedef unsigned long shmatt_t;
struct shmid_ds {
	struct ipc_perm shm_perm;
	size_t shm_segsz;
	time_t shm_atime;
	time_t shm_dtime;
	time_t shm_ctime;
	pid_t shm_cpid;
	pid_t shm_lpid;
	shmatt_t shm_nattch;   /* attachments, in every process */
	unsigned long __unused4, __unused5;
};

/* The id of key's segment (IPC_PRIVATE: always a new one), made with
 * IPC_CREAT; -1 with ENOENT, EEXIST (IPC_CREAT|IPC_EXCL), EINVAL (size 0
 * for a new one, or larger than the segment), ENOSPC, ENOMEM. */
int shmget(key_t key, size_t size, int flags);
/* Attach (SHM_RDONLY: a write is SIGSEGV; at addr, SHM_RND rounding it,
 * SHM_REMAP replacing what is there): the address, or (void *)-1 with
 * EINVAL (bad id, addr unaligned or taken), ENOMEM. */
void *shmat(int id, const void *addr, int flags);
/* Detach the attachment at addr: 0, or -1 with EINVAL. */
int shmdt(const void *addr);
/* IPC_STAT, IPC_SET (mode only), IPC_RMID (the key goes now, the segment
 * with its last attachment, in whatever process), SHM_LOCK/UNLOCK (0);
 * EINVAL for a bad id or command. */
int shmctl(int id, int cmd, struct shmid_ds *buf);

#endif
