/* System V shared memory (sys/shm.h) on MAP_SHARED anonymous regions: a
 * segment's pages stay mapped at base while it exists; shmat maps them
 * again (mremap(base, 0, size, MREMAP_MAYMOVE): the pager's alias), so
 * every attachment shares the frames, in fork children too. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <sched.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/shm.h>

#define ATTACH_MAX 64

static struct {
	int used, removed;
	key_t key;
	char *base;
	struct shmid_ds ds;
} segs[SHMSEG_MAX];

static struct {
	char *addr;
	int seg;
} attached[ATTACH_MAX];

/* segs and attached are the process's, shared by its threads: every call
 * runs under this lock (two threads' shmget took one entry). */
static int seg_lock;

static void seg_take(void)
{
	while (__atomic_exchange_n(&seg_lock, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void seg_give(void)
{
	__atomic_store_n(&seg_lock, 0, __ATOMIC_RELEASE);
}

key_t ftok(const char *path, int id)
{
	uint32_t h = 2166136261u; /* FNV-1a of the path */
	for (; path && *path; path++)
		h = (h ^ (unsigned char)*path) * 16777619u;
	return (key_t)(((uint32_t)(id & 0xff) << 24) | (h & 0xffffff));
}

static size_t seg_len(int i)
{
	return (segs[i].ds.shm_segsz + 4095) & ~(size_t)4095;
}

/* Segment id's index, or -1 (errno EINVAL). */
static int seg_of(int id)
{
	if (id < 0 || id >= SHMSEG_MAX || !segs[id].used) {
		errno = EINVAL;
		return -1;
	}
	return id;
}

static void seg_drop(int i)
{
	if (!segs[i].removed || segs[i].ds.shm_nattch)
		return;
	munmap(segs[i].base, seg_len(i));
	segs[i].used = 0;
}

static int shmget_locked(key_t key, size_t size, int flags)
{
	if (key != IPC_PRIVATE)
		for (int i = 0; i < SHMSEG_MAX; i++)
			if (segs[i].used && !segs[i].removed && segs[i].key == key) {
				if ((flags & IPC_CREAT) && (flags & IPC_EXCL)) {
					errno = EEXIST;
					return -1;
				}
				if (size > segs[i].ds.shm_segsz) {
					errno = EINVAL;
					return -1;
				}
				return i;
			}
	if (key != IPC_PRIVATE && !(flags & IPC_CREAT)) {
		errno = ENOENT;
		return -1;
	}
	if (size == 0 || size > ((size_t)1 << 40)) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 0; i < SHMSEG_MAX; i++) {
		if (segs[i].used)
			continue;
		size_t len = (size + 4095) & ~(size_t)4095;
		char *b = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (b == MAP_FAILED)
			return -1;
		memset(&segs[i], 0, sizeof segs[i]);
		segs[i].used = 1;
		segs[i].key = key;
		segs[i].base = b;
		segs[i].ds.shm_perm.__key = key;
		segs[i].ds.shm_perm.mode = (unsigned)flags & 0777;
		segs[i].ds.shm_segsz = size;
		segs[i].ds.shm_cpid = getpid();
		segs[i].ds.shm_ctime = time(NULL);
		return i;
	}
	errno = ENOSPC;
	return -1;
}

static void *shmat_locked(int id, const void *addr, int flags)
{
	int i = seg_of(id), slot = -1;
	if (i < 0)
		return (void *)-1;
	if (segs[i].removed) {
		errno = EIDRM;
		return (void *)-1;
	}
	if (addr) {
		errno = EINVAL;
		return (void *)-1;
	}
	for (int a = 0; a < ATTACH_MAX && slot < 0; a++)
		if (!attached[a].addr)
			slot = a;
	if (slot < 0) {
		errno = EMFILE;
		return (void *)-1;
	}
	char *p = mremap(segs[i].base, 0, seg_len(i), MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		return (void *)-1;
	if ((flags & SHM_RDONLY) && mprotect(p, seg_len(i), PROT_READ)) {
		munmap(p, seg_len(i));
		return (void *)-1;
	}
	attached[slot].addr = p;
	attached[slot].seg = i;
	segs[i].ds.shm_nattch++;
	segs[i].ds.shm_atime = time(NULL);
	segs[i].ds.shm_lpid = getpid();
	return p;
}

static int shmdt_locked(const void *addr)
{
	for (int a = 0; a < ATTACH_MAX; a++)
		if (attached[a].addr && attached[a].addr == addr) {
			int i = attached[a].seg;
			munmap(attached[a].addr, seg_len(i));
			attached[a].addr = NULL;
			segs[i].ds.shm_nattch--;
			segs[i].ds.shm_dtime = time(NULL);
			segs[i].ds.shm_lpid = getpid();
			seg_drop(i);
			return 0;
		}
	errno = EINVAL;
	return -1;
}

static int shmctl_locked(int id, int cmd, struct shmid_ds *buf)
{
	int i = seg_of(id);
	if (i < 0)
		return -1;
	switch (cmd) {
	case IPC_STAT:
		if (!buf) {
			errno = EFAULT;
			return -1;
		}
		*buf = segs[i].ds;
		return 0;
	case IPC_SET:
		if (!buf) {
			errno = EFAULT;
			return -1;
		}
		segs[i].ds.shm_perm.mode = buf->shm_perm.mode & 0777;
		segs[i].ds.shm_ctime = time(NULL);
		return 0;
	case IPC_RMID:
		segs[i].removed = 1;
		seg_drop(i);
		return 0;
	case SHM_LOCK:
	case SHM_UNLOCK:
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}

/* The calls, each under seg_lock (errno is the thread's own). */
int shmget(key_t key, size_t size, int flags)
{
	seg_take();
	int r = shmget_locked(key, size, flags);
	seg_give();
	return r;
}

void *shmat(int id, const void *addr, int flags)
{
	seg_take();
	void *r = shmat_locked(id, addr, flags);
	seg_give();
	return r;
}

int shmdt(const void *addr)
{
	seg_take();
	int r = shmdt_locked(addr);
	seg_give();
	return r;
}

int shmctl(int id, int cmd, struct shmid_ds *buf)
{
	seg_take();
	int r = shmctl_locked(id, cmd, buf);
	seg_give();
	return r;
}
