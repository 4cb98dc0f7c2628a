/* System V shared memory (sys/shm.h): the segments are the pager's, one
 * table for the whole system (PG_SHM_*, pager/pshm.c), so keys and ids
 * mean the same in every process, as on Linux.  An attachment is a
 * MAP_SHARED region of the segment's object made by the pager: fork
 * copies it, exit and exec let it go, and shm_nattch counts them all.
 * Nothing is kept here. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/shm.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "libsys.h"

key_t ftok(const char *path, int id)
{
	uint32_t h = 2166136261u; /* FNV-1a of the path */
	for (; path && *path; path++)
		h = (h ^ (unsigned char)*path) * 16777619u;
	return (key_t)(((uint32_t)(id & 0xff) << 24) | (h & 0xffffff));
}

/* Request m; its error as errno (-1), else 0. */
static int shm_call(struct sys_msg *m)
{
	int e = libsys_pg_call(m);
	if (e == E_OK)
		return 0;
	errno = e == E_OVERFLOW ? ENOSPC : libsys_errno(e);
	return -1;
}

int shmget(key_t key, size_t size, int flags)
{
	uint64_t fl = (uint64_t)(flags & 0777) << 8;
	if (flags & IPC_CREAT)
		fl |= PG_SHM_CREAT;
	if (flags & IPC_EXCL)
		fl |= PG_SHM_EXCL;
	struct sys_msg m = { .label = PG_SHM_GET,
			     .w = { (uint64_t)(uint32_t)key, size, fl, (uint64_t)time(NULL) } };
	return shm_call(&m) ? -1 : (int)m.w[0];
}

void *shmat(int id, const void *addr, int flags)
{
	uintptr_t at = (uintptr_t)addr;
	if (flags & SHM_RND)
		at &= ~(uintptr_t)(SHMLBA - 1);
	if (id < 0 || at % SHMLBA) {
		errno = EINVAL;
		return (void *)-1;
	}
	uint64_t fl = ((flags & SHM_RDONLY) ? PG_SHM_RDONLY : 0) |
		      ((flags & SHM_REMAP) ? PG_SHM_REMAP : 0);
	struct sys_msg m = { .label = PG_SHM_AT,
			     .w = { (uint64_t)id, at, fl, (uint64_t)time(NULL) } };
	return shm_call(&m) ? (void *)-1 : (void *)(uintptr_t)m.w[0];
}

int shmdt(const void *addr)
{
	struct sys_msg m = { .label = PG_SHM_DT,
			     .w = { (uint64_t)(uintptr_t)addr, (uint64_t)time(NULL) } };
	return shm_call(&m);
}

/* IPC_STAT of segment id into buf. */
static int shm_stat(int id, struct shmid_ds *buf)
{
	struct sys_msg m = { .label = PG_SHM_CTL, .w = { (uint64_t)id, PG_SHM_STAT } };
	if (shm_call(&m))
		return -1;
	const uint64_t *t = libsys_ipc_buf();
	memset(buf, 0, sizeof *buf);
	buf->shm_perm.__key = (key_t)(uint32_t)m.w[3];
	buf->shm_perm.mode = (unsigned)(m.w[3] >> 32);
	buf->shm_perm.uid = buf->shm_perm.cuid = getuid();
	buf->shm_perm.gid = buf->shm_perm.cgid = getgid();
	buf->shm_segsz = m.w[0];
	buf->shm_nattch = m.w[1];
	buf->shm_cpid = (pid_t)(uint32_t)m.w[2];
	buf->shm_lpid = (pid_t)(m.w[2] >> 32);
	buf->shm_atime = (time_t)t[0];
	buf->shm_dtime = (time_t)t[1];
	buf->shm_ctime = (time_t)t[2];
	return 0;
}

int shmctl(int id, int cmd, struct shmid_ds *buf)
{
	struct sys_msg m = { .label = PG_SHM_CTL, .w = { (uint64_t)id } };
	if (id < 0) {
		errno = EINVAL;
		return -1;
	}
	switch (cmd) {
	case IPC_STAT:
		if (!buf) {
			errno = EFAULT;
			return -1;
		}
		return shm_stat(id, buf);
	case IPC_SET:
		if (!buf) {
			errno = EFAULT;
			return -1;
		}
		m.w[1] = PG_SHM_SET;
		m.w[2] = buf->shm_perm.mode & 0777;
		m.w[3] = (uint64_t)time(NULL);
		return shm_call(&m);
	case IPC_RMID:
		m.w[1] = PG_SHM_RMID;
		return shm_call(&m);
	case SHM_LOCK:
	case SHM_UNLOCK: /* nothing is swapped out: the id is checked only */
		m.w[1] = PG_SHM_STAT;
		return shm_call(&m);
	default:
		errno = EINVAL;
		return -1;
	}
}
