/* POSIX shared memory: shm_open, shm_unlink, ftruncate, and mmap of such a
 * descriptor (posix.c calls libsys_shm_mmap).  The names are the pager's,
 * one namespace for every process (PG_PSH_*): an open maps the whole
 * object (PG_PSH_SPAN bytes, MAP_SHARED; frames only for the pages
 * touched) in this process, kept while a descriptor of it is open here;
 * mmap gives a second mapping of its pages (mremap(addr, 0, len,
 * MREMAP_MAYMOVE): the pager's alias), so every mapping, in every process,
 * sees the same frames.  The object's size is the pager's too.  The table
 * of objects open here grows with malloc (fork copies it, with the
 * descriptors and the mappings). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "abi/page.h"
#include "abi/err.h"
#include "abi/pager.h"
#include <string.h>
#include "libsys.h"

#define SHM_SPAN  PG_PSH_SPAN /* the largest object */
#define SHM_NAME_MAX 255

/* The objects open here: a table of entries that never move (threads
 * read an entry's base without the lock while they hold a descriptor on
 * it), grown under tab_lock, which also guards used and fds.  Without the
 * lock two threads' opens took one entry (hunt2_shm_threads).  The table
 * itself is read without the lock too (obj): a grown one is a new copy,
 * and the old one is never freed (a reader may still be in it).  The lock
 * is held with signals off: close() (async-signal-safe) takes it for a
 * file's last description, and a handler's close that interrupted its own
 * thread inside spun for good (review14_shmclose). */
struct obj {
	int used;
	unsigned fds;     /* descriptions open on it */
	char *base;       /* its pages, mapped here */
};
static struct obj **objs;
static int nobjs;
static int tab_lock;
static uint64_t tab_mask; /* the holder's signal mask before it took tab_lock */

static void tab_take(void)
{
	uint64_t old = libsys_sigs_off();
	while (__atomic_exchange_n(&tab_lock, 1, __ATOMIC_ACQUIRE))
		sched_yield();
	tab_mask = old;
}

static void tab_give(void)
{
	uint64_t old = tab_mask;
	__atomic_store_n(&tab_lock, 0, __ATOMIC_RELEASE);
	libsys_sigs_on(old);
}

void libsys_shm_fork(int stage)
{
	if (stage == 0)
		tab_take();
	else
		tab_give();
}

/* Entry i (a descriptor holds it, so it stays). */
static struct obj *obj(int i)
{
	return __atomic_load_n(&objs, __ATOMIC_ACQUIRE)[i];
}

/* name without its leading slashes, or NULL (errno) if it is not a valid
 * object name: empty, another '/', too long. */
static const char *shm_name(const char *name)
{
	if (!name) {
		errno = EINVAL;
		return NULL;
	}
	while (*name == '/')
		name++;
	size_t n = strlen(name);
	if (!n || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		errno = EINVAL;
		return NULL;
	}
	if (n > SHM_NAME_MAX) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return name;
}

/* A free entry for base, held by one description (the caller's); the
 * table grows (ENOMEM). */
static int slot_for(char *base)
{
	tab_take();
	int i = 0;
	while (i < nobjs && objs[i] && objs[i]->used)
		i++;
	if (i == nobjs) {
		int n = nobjs ? 2 * nobjs : 16;
		struct obj **t = malloc((size_t)n * sizeof *t);
		if (!t) {
			tab_give();
			errno = ENOMEM;
			return -1;
		}
		if (nobjs)
			memcpy(t, objs, (size_t)nobjs * sizeof *t);
		memset(t + nobjs, 0, (size_t)(n - nobjs) * sizeof *t);
		__atomic_store_n(&objs, t, __ATOMIC_RELEASE); /* (the old copy stays) */
		nobjs = n;
	}
	if (!objs[i] && !(objs[i] = malloc(sizeof *objs[i]))) {
		tab_give();
		errno = ENOMEM;
		return -1;
	}
	*objs[i] = (struct obj){ .used = 1, .fds = 1, .base = base };
	tab_give();
	return i;
}

/* The pager's size of object i, and with mode PG_PSH_SET, GROW or ADD
 * (0: only ask) its new one from size: the pager's error (E_RANGE past
 * SHM_SPAN, E_INVAL not a file), *before = the size before. */
static int obj_size_e(int i, uint64_t mode, uint64_t size, uint64_t *before)
{
	struct sys_msg m = { .label = PG_PSH_SIZE,
			     .w = { (uint64_t)(uintptr_t)obj(i)->base, size, mode } };
	int e = libsys_pg_call(&m);
	*before = e == E_OK ? m.w[0] : 0;
	return e;
}

/* Room for a write in object i (abi/pager.h's PG_PSH_SIZE): the bytes
 * [*pos, *pos + *n) (PG_PSH_GROW), or *n at the end (PG_PSH_ADD: *pos
 * set to where they go); *n cut to what the files' total has room for. */
static int write_room(int i, uint64_t mode, uint64_t *pos, size_t *n)
{
	struct sys_msg m = { .label = PG_PSH_SIZE,
			     .w = { (uint64_t)(uintptr_t)obj(i)->base,
				    mode == PG_PSH_ADD ? *n : *pos + *n, mode, *pos } };
	int e = libsys_pg_call(&m);
	if (e)
		return e;
	if (mode == PG_PSH_ADD)
		*pos = m.w[0];
	*n = m.w[3] - *pos;
	return E_OK;
}

/* obj_size_e's size before (0 on an error). */
static uint64_t obj_size(int i, uint64_t mode, uint64_t size)
{
	uint64_t before;
	obj_size_e(i, mode, size, &before);
	return before;
}

int libsys_psh_open(const char *n, uint64_t flags, const uint64_t init[2], char **base,
		    int *made)
{
	size_t len = strlen(n) + 1;
	memcpy(libsys_ipc_buf(), n, len);
	struct sys_msg m = { .label = IPC_LABEL(PG_PSH_OPEN, len), .w = { flags } };
	if (flags & PG_PSH_INIT)
		m.w[1] = init[0], m.w[2] = init[1];
	int e = libsys_pg_call(&m);
	if (e) {
		errno = e == E_BUSY ? EEXIST : libsys_errno(e);
		return -1;
	}
	*base = (char *)(uintptr_t)m.w[0];
	*made = (int)m.w[1];
	return 0;
}

/* Object named n opened here (flags PG_PSH_*): its index, *made as
 * libsys_psh_open's; -1 with errno. */
int libsys_shm_open_obj(const char *n, uint64_t flags, int *made)
{
	char *base;
	if (libsys_psh_open(n, flags, NULL, &base, made))
		return -1;
	int i = slot_for(base);
	if (i < 0)
		munmap(base, SHM_SPAN);
	return i;
}

/* shm_open: O_RDONLY or O_RDWR, O_CREAT, O_EXCL, O_TRUNC; mode is kept
 * by nobody (one user).  A descriptor, or -1 with errno: EINVAL a bad name
 * or access mode, ENOENT, EEXIST, ENFILE (SHM_NAMES objects), EMFILE, ENOSPC (the
 * system holds the most names it may: the pager's SHM_NAMES_MAX). */
int shm_open(const char *name, int oflag, mode_t mode)
{
	(void)mode;
	const char *n = shm_name(name);
	if (!n)
		return -1;
	if ((oflag & O_ACCMODE) == O_WRONLY || (oflag & O_ACCMODE) == O_ACCMODE) {
		errno = EINVAL;
		return -1;
	}
	uint64_t fl = (oflag & O_CREAT) ? PG_PSH_CREAT : 0;
	if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		fl |= PG_PSH_EXCL;
	int made, i = libsys_shm_open_obj(n, fl, &made);
	if (i < 0)
		return -1;
	int fd = libsys_fd_new_file(i + 1, O_RDWR, n); /* its link: /dev/shm/NAME */
	if (fd < 0) {
		libsys_shm_close(i + 1);
		return -1;
	}
	if ((oflag & O_TRUNC) && (oflag & O_ACCMODE) == O_RDWR)
		obj_size(i, PG_PSH_SET, 0); /* the pager zeroes the frames the object has */
	fcntl(fd, F_SETFD, FD_CLOEXEC); /* as glibc's shm_open (O_CLOEXEC) */
	return fd;
}

/* memfd_create: an object with no name (MFD_CLOEXEC, MFD_ALLOW_SEALING
 * accepted, nothing else: EINVAL), gone with its last descriptor and
 * mapping; without MFD_CLOEXEC its descriptor survives exec. */
int memfd_create(const char *name, unsigned flags)
{
	if (!name || (flags & ~3u)) {
		errno = EINVAL;
		return -1;
	}
	void *b = mmap(NULL, SHM_SPAN, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b == MAP_FAILED)
		return -1;
	int i = slot_for(b);
	if (i < 0) {
		munmap(b, SHM_SPAN);
		return -1;
	}
	char link[SHM_NAME_MAX + 32]; /* /proc/self/fd's link, as Linux's */
	snprintf(link, sizeof link, "/memfd:%.*s (deleted)", SHM_NAME_MAX, name);
	int fd = libsys_fd_new_file(i + 1, O_RDWR, link);
	if (fd < 0) {
		libsys_shm_close(i + 1);
		return -1;
	}
	obj_size(i, PG_PSH_SET, 0); /* a file: size 0, a page past it is SIGBUS */
	if (flags & MFD_CLOEXEC)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

/* shm_unlink: the name goes for every process (ENOENT: none); the object
 * lives on while it is open or mapped. */
int shm_unlink(const char *name)
{
	const char *n = shm_name(name);
	if (!n)
		return -1;
	size_t len = strlen(n) + 1;
	memcpy(libsys_ipc_buf(), n, len);
	struct sys_msg m = { .label = IPC_LABEL(PG_PSH_UNLINK, len) };
	return libsys_fail(libsys_pg_call(&m));
}

/* A description of object shm closed: with its last the object goes
 * here (its pages live on in the mappings made of it, its name in the
 * pager). */
void libsys_shm_close(int shm)
{
	tab_take();
	struct obj *o = objs[shm - 1];
	char *base = --o->fds ? NULL : o->base;
	if (base)
		o->used = 0;
	tab_give();
	if (base)
		munmap(base, SHM_SPAN);
}

int libsys_shm_is_base(uint64_t a)
{
	tab_take();
	int found = 0;
	for (int i = 0; i < nobjs && !found; i++)
		found = objs[i] && objs[i]->used && (uint64_t)(uintptr_t)objs[i]->base == a;
	tab_give();
	return found;
}

uint64_t libsys_shm_base(int shm)
{
	return (uint64_t)(uintptr_t)obj(shm - 1)->base;
}

int libsys_shm_adopt(uint64_t base)
{
	struct sys_msg m = { .label = PG_PSH_SIZE, .w = { base } };
	if (libsys_pg_call(&m) != E_OK)
		return 0;
	int i = slot_for((char *)(uintptr_t)base);
	if (i < 0)
		munmap((void *)(uintptr_t)base, SHM_SPAN);
	return i + 1;
}

void libsys_shm_stat(int shm, uint64_t *size, uint64_t *ino, uint64_t *nlink)
{
	struct sys_msg m = { .label = PG_PSH_SIZE, .w = { (uint64_t)(uintptr_t)obj(shm - 1)->base } };
	int e = libsys_pg_call(&m);
	*size = e ? 0 : m.w[0];
	*ino = e ? 0 : m.w[1];
	*nlink = e ? 0 : m.w[2];
}

void libsys_shm_set_size(int shm, uint64_t size)
{
	obj_size(shm - 1, PG_PSH_SET, size);
}

uint64_t libsys_shm_size(int shm)
{
	return obj_size(shm - 1, 0, 0);
}

/* Other processes may change the size at any time: a write grows the
 * size to at least its end (never sets it: another writer's larger size
 * stays), an append takes its place and grows the size in one pager
 * request, and the copies go through the descriptor's own mapping, where
 * a page past the size is a frame, never SIGBUS (pshm.c's shm_hold), and
 * the pager made the frames of the write's pages first (write_room): a
 * truncate racing a write is as if it came after the copy, or before. */
long libsys_shm_write(int shm, uint64_t pos, const void *buf, size_t n)
{
	char *base = obj(shm - 1)->base;
	if (pos >= SHM_SPAN)
		return -E_NOMEM;
	if (n > SHM_SPAN - pos)
		n = SHM_SPAN - pos;
	int e = n ? write_room(shm - 1, PG_PSH_GROW, &pos, &n) : E_OK;
	if (e)
		return -e;
	memcpy(base + pos, buf, n);
	return (long)n;
}

long libsys_shm_append(int shm, const void *buf, size_t n, uint64_t *pos)
{
	char *base = obj(shm - 1)->base;
	int e = E_RANGE;
	if (n > SHM_SPAN)
		n = SHM_SPAN;
	while (n && (e = write_room(shm - 1, PG_PSH_ADD, pos, &n)) == E_RANGE) {
		uint64_t size = obj_size(shm - 1, 0, 0); /* as much as fits */
		if (size >= SHM_SPAN)
			return -E_NOMEM;
		n = n < SHM_SPAN - size ? n : SHM_SPAN - size;
	}
	if (!n) {
		*pos = obj_size(shm - 1, 0, 0);
		return 0;
	}
	if (e)
		return -e;
	memcpy(base + *pos, buf, n);
	return (long)n;
}

/* ftruncate: the size of a shared memory object (bytes cut off read zero
 * if it grows again); EINVAL for an initrd file (not open for writing) or
 * a negative length, EFBIG past SHM_SPAN, EBADF. */
int ftruncate(int fd, off_t len)
{
	int shm = libsys_fd_shm(fd);
	if (!shm || (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY) {
		errno = shm || libsys_fd_file(fd) || fcntl(fd, F_GETFL) >= 0 ? EINVAL : EBADF;
		return -1;
	}
	if (len < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((uint64_t)len > SHM_SPAN) {
		errno = EFBIG;
		return -1;
	}
	uint64_t before; /* a shrink: the pager zeroes the cut-off bytes */
	return libsys_fail(obj_size_e(shm - 1, PG_PSH_SET, (uint64_t)len, &before));
}

/* truncate: ftruncate of path opened for writing (EROFS an initrd file,
 * EISDIR a directory, ENOENT). */
int truncate(const char *path, off_t len)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	int r = ftruncate(fd, len);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

/* mmap of object shm: MAP_SHARED maps its own pages, MAP_PRIVATE them
 * copy-on-write (pages not written here are the object's: later writes
 * to it show through them, as Linux's); where the pager places it, or at
 * addr with MAP_FIXED (replacing what is there) or MAP_FIXED_NOREPLACE
 * (EEXIST over a mapping). */
void *libsys_shm_mmap(void *addr, int shm, size_t len, int prot, int flags, long off,
		      int fd_rdonly)
{
	char *src = obj(shm - 1)->base + off;
	int shared = (flags & MAP_TYPE) != MAP_PRIVATE;
	if (fd_rdonly && shared && (prot & PROT_WRITE)) {
		errno = EACCES;
		return MAP_FAILED;
	}
	if (len == 0 || (uint64_t)off >= SHM_SPAN || len > SHM_SPAN - (uint64_t)off) {
		errno = len ? ENOMEM : EINVAL;
		return MAP_FAILED;
	}
	uint64_t at = 0, how = MREMAP_MAYMOVE;
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) { /* at addr, replacing or not */
		if ((uintptr_t)addr % PAGE_SIZE) {
			errno = EINVAL;
			return MAP_FAILED;
		}
		at = (uintptr_t)addr;
		how |= MREMAP_FIXED | (flags & MAP_FIXED_NOREPLACE ? PG_MREMAP_NOREPLACE : 0);
	}
	if (!shared) /* copy-on-write over the object's pages */
		how |= PG_MREMAP_PRIVATE;
	else if (fd_rdonly)
		how |= PG_MREMAP_RDONLY; /* mprotect cannot make it writable */
	char *p = MAP_FAILED;
	struct sys_msg m = { .label = PG_MREMAP,
			     .w = { (uint64_t)(uintptr_t)src, 0, len, how | at } };
	int e = libsys_pg_call(&m);
	if (e)
		errno = e == E_BUSY ? EEXIST : libsys_errno(e);
	else
		p = (char *)(uintptr_t)m.w[0];
	if (p != MAP_FAILED && prot != (PROT_READ | PROT_WRITE) && mprotect(p, len, prot)) {
		munmap(p, len);
		return MAP_FAILED;
	}
	if (p != MAP_FAILED && (flags & MAP_POPULATE))
		madvise(p, len, MADV_WILLNEED);
	return p;
}
