/* <sys/shm.h>: System V shared memory over MAP_SHARED anonymous memory
 * (libsys/sysvshm.c).  A segment is a region this process keeps; each
 * shmat maps its pages a second time (the pager's alias, as shm_open's
 * mmap), so every attachment, and every fork child's, sees the same
 * frames.  Keys and ids live in this process (copied by fork, like
 * shm_open's names): a child finds the segments its parent had at the
 * fork; an unrelated process does not.  At most SHMSEG_MAX segments;
 * shmat at a given address is EINVAL (only NULL: the system chooses). */
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
#define SHMSEG_MAX 32

typedef unsigned long shmatt_t;
struct shmid_ds {
	struct ipc_perm shm_perm;
	size_t shm_segsz;
	time_t shm_atime;
	time_t shm_dtime;
	time_t shm_ctime;
	pid_t shm_cpid;
	pid_t shm_lpid;
	shmatt_t shm_nattch;   /* this process's attachments */
	unsigned long __unused4, __unused5;
};

/* The id of key's segment (IPC_PRIVATE: always a new one), made with
 * IPC_CREAT; -1 with ENOENT, EEXIST (IPC_CREAT|IPC_EXCL), EINVAL (size 0
 * for a new one, or larger than the segment), ENOSPC (SHMSEG_MAX),
 * ENOMEM. */
int shmget(key_t key, size_t size, int flags);
/* Attach: the address, or (void *)-1 with EINVAL (bad id, addr not
 * NULL), EIDRM (removed), ENOMEM. */
void *shmat(int id, const void *addr, int flags);
/* Detach the attachment at addr: 0, or -1 with EINVAL. */
int shmdt(const void *addr);
/* IPC_STAT, IPC_SET (mode only), IPC_RMID (gone once no attachment of
 * this process is left; attached memory stays), SHM_LOCK/UNLOCK (0). */
int shmctl(int id, int cmd, struct shmid_ds *buf);

#endif
