/* POSIX shared memory: shm_open, shm_unlink, ftruncate, and mmap of such a
 * descriptor (posix.c calls libsys_shm_mmap).  An object is a MAP_SHARED
 * anonymous region of SHM_SPAN bytes (MAP_NORESERVE: frames only for the
 * pages touched) that this process keeps mapped while the object has a
 * name or a descriptor; mmap gives a second mapping of its pages
 * (mremap(addr, 0, len, MREMAP_MAYMOVE): the pager's alias), so every
 * mapping, and every process that inherited one by fork, sees the same
 * frames.  The names live in this process (copied by fork, like the
 * descriptors): a child sees the objects its parent had at the fork, but
 * objects made after it, or by an unrelated process, are not found. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "abi/err.h"
#include <string.h>
#include "libsys.h"

#define SHM_NAMES 16
#define SHM_SPAN  (1ull << 30) /* the largest object */
#define SHM_NAME_MAX 255

static struct {
	int used, named;  /* named: not shm_unlink'ed */
	unsigned fds;     /* descriptors open on it */
	char *base;       /* its pages, mapped here */
	uint64_t size;
	char name[SHM_NAME_MAX + 1];
} objs[SHM_NAMES];

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

static int lookup(const char *name)
{
	for (int i = 0; i < SHM_NAMES; i++)
		if (objs[i].used && objs[i].named && !strcmp(objs[i].name, name))
			return i;
	return -1;
}

/* Drop object i once it has neither a name nor a descriptor (its pages
 * live on in the mappings made of it). */
static void release(int i)
{
	if (objs[i].named || objs[i].fds)
		return;
	munmap(objs[i].base, SHM_SPAN);
	objs[i].used = 0;
}

static int create(const char *name)
{
	for (int i = 0; i < SHM_NAMES; i++)
		if (!objs[i].used) {
			void *b = mmap(NULL, SHM_SPAN, PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			if (b == MAP_FAILED)
				return -1;
			objs[i] = (typeof(objs[i])){ .used = 1, .named = 1, .base = b };
			strcpy(objs[i].name, name);
			return i;
		}
	errno = ENFILE;
	return -1;
}

/* shm_open: O_RDONLY or O_RDWR, O_CREAT, O_EXCL, O_TRUNC; mode is kept
 * by nobody (one user).  A descriptor, or -1 with errno: EINVAL a bad name
 * or access mode, ENOENT, EEXIST, ENFILE (SHM_NAMES objects), EMFILE. */
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
	int i = lookup(n);
	if (i >= 0 && (oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		errno = EEXIST;
		return -1;
	}
	if (i < 0 && !(oflag & O_CREAT)) {
		errno = ENOENT;
		return -1;
	}
	if (i < 0 && (i = create(n)) < 0)
		return -1;
	int fd = libsys_fd_new_shm(i + 1);
	if (fd < 0) {
		release(i);
		return -1;
	}
	objs[i].fds++;
	if ((oflag & O_TRUNC) && (oflag & O_ACCMODE) == O_RDWR && objs[i].size) {
		memset(objs[i].base, 0, objs[i].size);
		objs[i].size = 0;
	}
	return fd;
}

/* memfd_create: an object with no name (MFD_CLOEXEC, MFD_ALLOW_SEALING
 * accepted, nothing else: EINVAL), gone with its last descriptor. */
int memfd_create(const char *name, unsigned flags)
{
	if (!name || (flags & ~3u)) {
		errno = EINVAL;
		return -1;
	}
	int i = create("");
	if (i < 0)
		return -1;
	objs[i].named = 0;
	int fd = libsys_fd_new_shm(i + 1);
	if (fd < 0) {
		release(i);
		return -1;
	}
	objs[i].fds++;
	return fd;
}

int shm_unlink(const char *name)
{
	const char *n = shm_name(name);
	if (!n)
		return -1;
	int i = lookup(n);
	if (i < 0) {
		errno = ENOENT;
		return -1;
	}
	objs[i].named = 0;
	release(i);
	return 0;
}

void libsys_shm_close(int shm)
{
	objs[shm - 1].fds--;
	release(shm - 1);
}

uint64_t libsys_shm_size(int shm)
{
	return objs[shm - 1].size;
}

size_t libsys_shm_rw(int shm, uint64_t pos, void *buf, size_t n, int write)
{
	uint64_t size = objs[shm - 1].size;
	if (write) {
		if (pos >= SHM_SPAN)
			return 0;
		if (n > SHM_SPAN - pos)
			n = SHM_SPAN - pos;
		memcpy(objs[shm - 1].base + pos, buf, n);
		if (pos + n > size)
			objs[shm - 1].size = pos + n;
		return n;
	}
	if (pos >= size)
		return 0;
	if (n > size - pos)
		n = size - pos;
	memcpy(buf, objs[shm - 1].base + pos, n);
	return n;
}

/* ftruncate: the size of a shared memory object (bytes cut off read zero
 * if it grows again); EINVAL for an initrd file (not open for writing) or
 * a negative length, EFBIG past SHM_SPAN, EBADF. */
int ftruncate(int fd, off_t len)
{
	int shm = libsys_fd_shm(fd);
	if (!shm) {
		errno = libsys_fd_file(fd) ? EINVAL : EBADF;
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
	uint64_t old = objs[shm - 1].size;
	if ((uint64_t)len < old)
		memset(objs[shm - 1].base + len, 0, old - (uint64_t)len);
	objs[shm - 1].size = (uint64_t)len;
	return 0;
}

int truncate(const char *path, off_t len)
{
	(void)len;
	(void)path;
	errno = EROFS; /* the initrd's files */
	return -1;
}

/* mmap of object shm: MAP_SHARED maps its own pages (anywhere: a MAP_FIXED
 * address is ENOMEM), MAP_PRIVATE a copy of its bytes now. */
void *libsys_shm_mmap(int shm, size_t len, int prot, int flags, long off)
{
	char *src = objs[shm - 1].base + off;
	if (len == 0 || (uint64_t)off >= SHM_SPAN || len > SHM_SPAN - (uint64_t)off) {
		errno = len ? ENOMEM : EINVAL;
		return MAP_FAILED;
	}
	if ((flags & MAP_TYPE) == MAP_PRIVATE) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return p;
		uint64_t size = objs[shm - 1].size;
		if ((uint64_t)off < size)
			memcpy(p, src, size - (uint64_t)off < len ? size - (uint64_t)off : len);
		if (prot != (PROT_READ | PROT_WRITE))
			mprotect(p, len, prot);
		return p;
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	char *p = mremap(src, 0, len, MREMAP_MAYMOVE);
	if (p != MAP_FAILED && prot != (PROT_READ | PROT_WRITE) && mprotect(p, len, prot)) {
		munmap(p, len);
		return MAP_FAILED;
	}
	if (p != MAP_FAILED && (flags & MAP_POPULATE))
		madvise(p, len, MADV_WILLNEED);
	return p;
}
