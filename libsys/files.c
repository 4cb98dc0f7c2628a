/* Descriptors: initrd files (open, read, lseek, close; read-only: the
 * initrd is the only file system), /dev/null, /dev/zero, /dev/random and
 * /dev/urandom (here in libsys: no pager state), the console (fds 0, 1
 * and 2 at the start), shared memory objects (shm.c: shm_open's, read-write), pipes
 * (pipe.c) and the /proc and /sys files procfs.c makes; dup, dup2, dup3,
 * fcntl, access.  A descriptor is a slot of a small
 * table in this process naming an open file description (shared by dups,
 * copied by fork, like Linux's); the pager knows a file by its PG_LIST
 * index, a pipe by its id. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include "abi/err.h"
#include <string.h>
#include "sys/startup.h"
#include "sys/stdio.h"  /* console_read, console_write */
#include "sys/unistd.h" /* initrd_stat */
#include "libsys.h"

#define FD_MAX LIBSYS_FD_MAX

enum { OFD_FREE, OFD_CONSOLE, OFD_FILE, OFD_SHM, OFD_PIPE, OFD_SOCK, OFD_EVENT, OFD_EPOLL,
       OFD_PROC, OFD_DIR, OFD_NULL, OFD_ZERO, OFD_RANDOM }; /* devices last */

/* The devices under /dev: name, kind, minor number (Linux's, major 1). */
static const struct dev {
	const char *name;
	int kind, minor;
} devs[] = {
	{ "dev/null", OFD_NULL, 3 },
	{ "dev/zero", OFD_ZERO, 5 },
	{ "dev/random", OFD_RANDOM, 8 },
	{ "dev/urandom", OFD_RANDOM, 9 },
};

/* The device called path (no leading '/'), or NULL. */
static const struct dev *dev_find(const char *path)
{
	for (size_t i = 0; i < sizeof devs / sizeof devs[0]; i++)
		if (!strcmp(path, devs[i].name))
			return &devs[i];
	return NULL;
}

/* An open file description: what dup'd descriptors share (the position,
 * O_NONBLOCK); refs descriptors name it.  A pipe's end is held in the
 * pager once per description (pipe.c); a socket (socket.c) holds the read
 * end of one pipe and the write end of another, an eventfd its pipe's
 * read end. */
static struct ofd {
	int refs, kind, flags;  /* flags: O_ACCMODE | O_NONBLOCK */
	int shm;                /* shm.c's object + 1; a /proc file's pid */
	unsigned index;         /* PG_LIST index; a pipe's id (a socket's in,
				 * an eventfd's); procfs.c's kind; epoll's
				 * instance */
	uint64_t size, pos;     /* a socket: out pipe | type << 32, pos: its
				 * SOCK_ flags (the peer's loss reported); a
				 * timerfd (an OFD_EVENT): pos = its clock + 1 */
	char *dir;              /* a directory's path, a tmpfs file's object
				 * name (malloc'd; exec opens it again) */
} ofds[FD_MAX];

static struct {
	struct ofd *o;
	int cloexec;
} fds[FD_MAX];

/* The tables are zero (.bss: 56 KiB would be in every program's file as
 * .data) until the first use, which makes 0, 1 and 2 the console; exec's
 * import fills them instead. */
static int table_ready, table_lock;

static void table_init(void)
{
	if (__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE))
		return;
	while (__atomic_exchange_n(&table_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	if (!table_ready) {
		for (int fd = 0; fd < 3; fd++) {
			ofds[fd] = (struct ofd){ 1, OFD_CONSOLE, O_RDWR, 0, 0, 0, 0, NULL };
			fds[fd].o = &ofds[fd];
		}
		__atomic_store_n(&table_ready, 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&table_lock, 0, __ATOMIC_RELEASE);
}

static void lock(void)
{
	table_init();
	while (__atomic_exchange_n(&table_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void unlock(void)
{
	__atomic_store_n(&table_lock, 0, __ATOMIC_RELEASE);
}

/* The description fd names, or NULL (errno EBADF). */
static struct ofd *ofd_of(int fd)
{
	table_init();
	if (fd < 0 || fd >= FD_MAX || !fds[fd].o) {
		errno = EBADF;
		return NULL;
	}
	return fds[fd].o;
}

/* The lowest free descriptor >= from naming o (lock held); -1 EMFILE. */
static int fd_take(int from, struct ofd *o, int cloexec)
{
	for (int fd = from; fd < FD_MAX; fd++)
		if (!fds[fd].o) {
			fds[fd].o = o;
			fds[fd].cloexec = cloexec;
			o->refs++;
			return fd;
		}
	errno = EMFILE;
	return -1;
}

/* A new description of kind with flags and a descriptor for it: the fd,
 * or -1 (EMFILE). */
static int fd_new(int kind, int flags, int shm, unsigned index, uint64_t size)
{
	lock();
	struct ofd *o = NULL;
	for (int i = 0; i < FD_MAX && !o; i++)
		if (!ofds[i].refs)
			o = &ofds[i];
	int fd = -1;
	if (o) {
		*o = (struct ofd){ 0, kind, flags, shm, index, size, 0, NULL };
		fd = fd_take(0, o, (flags & O_CLOEXEC) != 0);
		o->flags &= ~O_CLOEXEC;
	} else {
		errno = EMFILE; /* only on failure: a call that works keeps errno */
	}
	unlock();
	return fd;
}

/* fd no longer names its description (lock held); the description itself
 * goes with its last descriptor: *gone = it (closed after unlock). */
static void fd_drop(int fd, struct ofd *gone)
{
	struct ofd *o = fds[fd].o;
	fds[fd].o = NULL;
	gone->kind = OFD_FREE;
	if (--o->refs == 0) {
		libsys_epoll_forget(o); /* as Linux: with the description's end */
		*gone = *o;
		o->kind = OFD_FREE;
	}
}

/* Release what description o (now unnamed) held. */
static void ofd_close(const struct ofd *o)
{
	if (o->kind == OFD_DIR)
		free(o->dir);
	else if (o->kind == OFD_SHM) {
		free(o->dir);
		libsys_shm_close(o->shm);
	}
	else if (o->kind == OFD_PIPE)
		libsys_pipe_ref(o->index, (o->flags & O_ACCMODE) == O_WRONLY, -1);
	else if (o->kind == OFD_SOCK) { /* (unconnected: no pipe; a listener: one) */
		if (o->index != LIBSYS_NOPIPE)
			libsys_pipe_ref(o->index, 0, -1);
		if ((unsigned)o->size != LIBSYS_NOPIPE)
			libsys_pipe_ref((unsigned)o->size, 1, -1);
	} else if (o->kind == OFD_EVENT)
		libsys_pipe_ref(o->index, 0, -1);
	else if (o->kind == OFD_EPOLL)
		libsys_epoll_free(o->index);
}

/* The file called name: its index and size.  E_NOENT. */
static int find_file(const char *name, unsigned *index, uint64_t *size)
{
	char buf[256];
	if (!*name || strchr(name, '/'))
		return E_NOENT; /* the initrd's names are flat: no walk for /tmp/x */
	for (unsigned i = 0;; i++) {
		int e = initrd_stat(i, buf, sizeof buf, size);
		if (e)
			return e;
		if (!strcmp(buf, name)) {
			*index = i;
			return E_OK;
		}
	}
}

int libsys_initrd_has(const char *name)
{
	unsigned index;
	uint64_t size;
	return find_file(name, &index, &size) == E_OK;
}

/* Whether abs is dir or under it. */
static int under(const char *abs, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(abs, dir, n) && (abs[n] == '\0' || abs[n] == '/');
}

int libsys_special(const char *abs)
{
	return (under(abs, "/dev") && !under(abs, "/dev/shm")) || under(abs, "/proc") ||
	       under(abs, "/sys");
}

/* open: the devices, /proc and /sys, the initrd's files (read-only),
 * directories (read-only descriptors for fdopendir, openat) and tmpfs's
 * files (tmpfs.c). */
int open(const char *path, int flags, ...)
{
	unsigned index;
	uint64_t size;
	char abs[LIBSYS_PATH_MAX];
	int pe = libsys_path(path, abs);
	if (pe) {
		errno = pe;
		return -1;
	}
	path = abs + 1;
	const struct dev *d = dev_find(path);
	if (d) /* O_CREAT, O_TRUNC: nothing to do, as Linux's */
		return fd_new(d->kind, flags & (O_ACCMODE | O_NONBLOCK | O_CLOEXEC), 0,
			      (unsigned)d->minor, 0);
	unsigned kind;
	int pid, dir, writable;
	if (!strncmp(path, "proc", 4) || !strncmp(path, "sys", 3)) {
		int e = libsys_procfs_find(path, &kind, &pid, &dir, &writable);
		if (e == E_OK && !dir && (writable || (flags & O_ACCMODE) == O_RDONLY)) {
			int fd = fd_new(OFD_PROC, flags & (O_ACCMODE | O_CLOEXEC), pid, kind, 0);
			return fd;
		}
		if (e == E_OK && dir && (flags & O_ACCMODE) == O_RDONLY && !(flags & O_CREAT))
			return libsys_fd_new_dir(abs, flags);
		if (e != E_NOENT) {
			errno = e ? EACCES : dir ? EISDIR : EACCES;
			return -1;
		}
	}
	int isdir = !strcmp(abs, "/dev") || libsys_tmpfs_kind(abs, &size) == LIBSYS_T_DIR;
	if (isdir) {
		if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT)) {
			errno = EISDIR;
			return -1;
		}
		return libsys_fd_new_dir(abs, flags);
	}
	int e = find_file(path, &index, &size);
	if (e == E_OK && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		errno = EEXIST;
		return -1;
	}
	if (e == E_OK && (flags & O_DIRECTORY)) {
		errno = ENOTDIR;
		return -1;
	}
	if (e == E_OK && ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))) {
		errno = EROFS;
		return -1;
	}
	if (e == E_OK)
		return fd_new(OFD_FILE, flags & (O_NONBLOCK | O_CLOEXEC), 0, index, size);
	if (libsys_special(abs)) {
		errno = (flags & O_CREAT) ? EACCES : ENOENT;
		return -1;
	}
	return libsys_tmpfs_open(abs, flags);
}

/* A malloc'd copy of s, or NULL. */
static char *copy_of(const char *s)
{
	char *c = malloc(strlen(s) + 1);
	if (c)
		memcpy(c, s, strlen(s) + 1);
	return c;
}

int libsys_fd_new_file(int shm, int flags, const char *name)
{
	char *copy = copy_of(name); /* none: the file is not kept across exec */
	int fd = fd_new(OFD_SHM, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK | O_CLOEXEC), shm, 0, 0);
	if (fd < 0)
		free(copy);
	else
		fds[fd].o->dir = copy;
	return fd;
}

int libsys_fd_new_dir(const char *path, int flags)
{
	char *copy = malloc(strlen(path) + 1);
	if (!copy) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(copy, path, strlen(path) + 1);
	int fd = fd_new(OFD_DIR, O_RDONLY | (flags & O_CLOEXEC), 0, 0, 0);
	if (fd < 0)
		free(copy);
	else
		fds[fd].o->dir = copy;
	return fd;
}

const char *libsys_fd_dir(int fd)
{
	struct ofd *o = ofd_of(fd);
	if (o && o->kind != OFD_DIR) {
		errno = ENOTDIR;
		return NULL;
	}
	return o ? o->dir : NULL;
}

static int fd_ok(int fd)
{
	table_init();
	return fd >= 0 && fd < FD_MAX && fds[fd].o;
}

uint64_t libsys_fd_file(int fd)
{
	return fd_ok(fd) && fds[fd].o->kind == OFD_FILE ? fds[fd].o->index + 1ull : 0;
}

int libsys_fd_shm(int fd)
{
	return fd_ok(fd) && fds[fd].o->kind == OFD_SHM ? fds[fd].o->shm : 0;
}

int libsys_fd_new_shm(int shm)
{
	return fd_new(OFD_SHM, O_RDWR, shm, 0, 0);
}

int libsys_fd_new_pipe(unsigned id, int write_end, int flags)
{
	return fd_new(OFD_PIPE, (write_end ? O_WRONLY : O_RDONLY) | flags, 0, id, 0);
}

int libsys_fd_new_sock(unsigned in, unsigned out, int type, int flags)
{
	return fd_new(OFD_SOCK, O_RDWR | flags, 0, in, out | (uint64_t)type << 32);
}

int libsys_fd_new_event(unsigned id, int flags)
{
	return fd_new(OFD_EVENT, O_RDWR | flags, 0, id, 0);
}

int libsys_fd_new_epoll(unsigned inst, int flags)
{
	return fd_new(OFD_EPOLL, O_RDWR | flags, 0, inst, 0);
}

int libsys_ofd_target(const void *ofd, struct libsys_target *t)
{
	const struct ofd *o = ofd;
	*t = (struct libsys_target){ LIBSYS_POLL_READY, o->index, 0, 0 };
	switch (o->kind) {
	case OFD_FREE:
		t->kind = LIBSYS_POLL_BAD;
		break;
	case OFD_CONSOLE:
		t->kind = LIBSYS_POLL_CONSOLE;
		break;
	case OFD_PIPE:
		t->kind = LIBSYS_POLL_PIPE;
		t->out = (o->flags & O_ACCMODE) == O_WRONLY;
		break;
	case OFD_SOCK:
		t->kind = o->pos & LIBSYS_SOCK_LISTENER ? LIBSYS_POLL_EVENT :
			  o->index == LIBSYS_NOPIPE ? LIBSYS_POLL_IDLE : LIBSYS_POLL_SOCK;
		t->out = (unsigned)o->size;
		t->type = (int)(o->size >> 32);
		break;
	case OFD_EVENT:
		t->kind = LIBSYS_POLL_EVENT;
		break;
	case OFD_EPOLL:
		t->kind = LIBSYS_POLL_EPOLL;
		break;
	}
	return t->kind;
}

const void *libsys_fd_ofd(int fd)
{
	return fd_ok(fd) ? fds[fd].o : NULL;
}

int libsys_fd_target(int fd, struct libsys_target *t)
{
	if (!fd_ok(fd)) {
		*t = (struct libsys_target){ LIBSYS_POLL_BAD, 0, 0, 0 };
		return LIBSYS_POLL_BAD;
	}
	return libsys_ofd_target(fds[fd].o, t);
}

int libsys_fd_flags(int fd)
{
	return fd_ok(fd) ? fds[fd].o->flags : 0;
}

int libsys_fd_sock(int fd, unsigned *in, unsigned *out, int *type, uint64_t **state)
{
	if (!fd_ok(fd)) {
		errno = EBADF;
		return -1;
	}
	struct ofd *o = fds[fd].o;
	if (o->kind != OFD_SOCK) {
		errno = ENOTSOCK;
		return -1;
	}
	*in = o->index;
	*out = (unsigned)o->size;
	*type = (int)(o->size >> 32);
	*state = &o->pos;
	return 0;
}

void libsys_fd_sock_set(int fd, unsigned in, unsigned out)
{
	if (fd_ok(fd) && fds[fd].o->kind == OFD_SOCK) {
		fds[fd].o->index = in;
		fds[fd].o->size = out | (fds[fd].o->size >> 32 << 32);
	}
}

uint64_t *libsys_fd_aux(int fd)
{
	int k = fd_ok(fd) ? fds[fd].o->kind : OFD_FREE;
	return k == OFD_SOCK || k == OFD_EVENT ? &fds[fd].o->pos : NULL;
}

/* ---- exec: the descriptors the new image keeps ---- */

/* A description as exec carries it, and a descriptor naming one. */
struct carry_ofd {
	int32_t kind, flags;
	uint32_t index, pad;
	uint64_t size, pos;
};
struct carry_fd {
	int16_t fd, ofd;
};

/* Whether description o goes through exec: not a shm object of shm_open
 * or memfd (it lives in our memory; a tmpfs file has its name kept). */
static int carried(const struct ofd *o)
{
	return o->kind != OFD_EPOLL && ((o->kind != OFD_SHM && o->kind != OFD_DIR) || o->dir);
}

/* A name the new image needs: the slot of its description (NAME_CWD: the
 * current directory) and its length, then its bytes. */
struct carry_name {
	uint16_t slot, len;
};
#define NAME_CWD 0xffff

/* name into buf at *need (if it fits), *need moved past it. */
static void put_name(char *b, size_t cap, size_t *need, uint16_t slot, const char *name)
{
	struct carry_name c = { slot, (uint16_t)strlen(name) };
	if (*need + sizeof c + c.len <= cap) {
		memcpy(b + *need, &c, sizeof c);
		memcpy(b + *need + sizeof c, name, c.len);
	}
	*need += sizeof c + c.len;
}

size_t libsys_fd_export(void *buf, size_t cap, struct pg_exec_drop *drops, uint32_t *ndrops)
{
	uint16_t counts[3] = { 0, 0, 0 }; /* descriptions, descriptors, names */
	size_t need = sizeof counts;
	char *b = buf;
	*ndrops = 0;
	lock();
	/* kept[i]: some descriptor without FD_CLOEXEC names ofds[i] */
	unsigned char kept[FD_MAX];
	memset(kept, 0, sizeof kept);
	for (int fd = 0; fd < FD_MAX; fd++)
		if (fds[fd].o && !fds[fd].cloexec)
			kept[fds[fd].o - ofds] = 1;
	for (int i = 0; i < FD_MAX; i++) {
		struct ofd *o = &ofds[i];
		if (!o->refs)
			continue;
		if (o->kind == OFD_PIPE && !kept[i])
			drops[(*ndrops)++] = (struct pg_exec_drop){ (uint16_t)o->index,
								    (o->flags & O_ACCMODE) == O_WRONLY };
		if ((o->kind == OFD_SOCK || o->kind == OFD_EVENT) && !kept[i] &&
		    o->index != LIBSYS_NOPIPE)
			drops[(*ndrops)++] = (struct pg_exec_drop){ (uint16_t)o->index, 0 };
		if (o->kind == OFD_SOCK && !kept[i] && (unsigned)o->size != LIBSYS_NOPIPE)
			drops[(*ndrops)++] = (struct pg_exec_drop){ (uint16_t)o->size, 1 };
		if (o->kind == OFD_EPOLL) /* never carried: its kick goes */
			drops[(*ndrops)++] = (struct pg_exec_drop){ (uint16_t)libsys_epoll_kick(o->index), 0 };
		if (!carried(o) || !kept[i])
			continue;
		struct carry_ofd c = { o->kind, o->flags, o->index, (uint32_t)i, o->size, o->pos };
		if (need + sizeof c <= cap)
			memcpy(b + need, &c, sizeof c);
		need += sizeof c;
		counts[0]++;
	}
	for (int fd = 0; fd < FD_MAX; fd++) {
		struct ofd *o = fds[fd].o;
		if (!o || fds[fd].cloexec || !carried(o))
			continue;
		struct carry_fd c = { (int16_t)fd, (int16_t)(o - ofds) };
		if (need + sizeof c <= cap)
			memcpy(b + need, &c, sizeof c);
		need += sizeof c;
		counts[1]++;
	}
	for (int i = 0; i < FD_MAX; i++)
		if (ofds[i].refs && kept[i] && ofds[i].dir) {
			put_name(b, cap, &need, (uint16_t)i, ofds[i].dir);
			counts[2]++;
		}
	put_name(b, cap, &need, NAME_CWD, libsys_cwd());
	counts[2]++;
	unlock();
	if (sizeof counts <= cap)
		memcpy(b, counts, sizeof counts);
	return need;
}

/* The names exec carried from at (len bytes in all): the descriptions'
 * paths and tmpfs objects opened again (one that is gone: its
 * descriptors are dropped), the current directory. */
static void import_names(const char *b, size_t at, size_t len, unsigned n)
{
	char name[LIBSYS_PATH_MAX];
	for (unsigned k = 0; k < n; k++) {
		struct carry_name c;
		if (at + sizeof c > len)
			return;
		memcpy(&c, b + at, sizeof c);
		at += sizeof c;
		if (at + c.len > len || c.len >= sizeof name)
			return;
		memcpy(name, b + at, c.len); /* not the IPC buffer: our own copy */
		name[c.len] = '\0';
		at += c.len;
		if (c.slot == NAME_CWD) {
			memcpy(libsys_cwd(), name, c.len + 1);
			continue;
		}
		if (c.slot >= FD_MAX)
			continue;
		struct ofd *o = &ofds[c.slot];
		o->dir = copy_of(name);
		if (o->kind == OFD_SHM)
			o->shm = libsys_tmpfs_reopen(name);
		if (o->dir && (o->kind != OFD_SHM || o->shm))
			continue;
		for (int fd = 0; fd < FD_MAX; fd++) /* cannot be had again */
			if (fds[fd].o == o)
				fds[fd].o = NULL;
		free(o->dir);
		*o = (struct ofd){ 0 };
	}
}

void libsys_fd_import(const void *buf, size_t len)
{
	uint16_t counts[3];
	const char *b = buf;
	if (len < sizeof counts)
		return;
	memcpy(counts, b, sizeof counts);
	size_t ofd_at = sizeof counts, fd_at = ofd_at + counts[0] * sizeof(struct carry_ofd);
	size_t name_at = fd_at + counts[1] * sizeof(struct carry_fd);
	if (counts[0] > FD_MAX || counts[1] > FD_MAX || name_at > len)
		return;
	memset(ofds, 0, sizeof ofds);
	memset(fds, 0, sizeof fds);
	__atomic_store_n(&table_ready, 1, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < counts[0]; i++) {
		struct carry_ofd c;
		memcpy(&c, b + ofd_at + i * sizeof c, sizeof c);
		if (c.pad < FD_MAX) /* at the same place: descriptors name it so */
			ofds[c.pad] = (struct ofd){ 0, c.kind, c.flags, 0, c.index, c.size, c.pos, NULL };
	}
	for (unsigned i = 0; i < counts[1]; i++) {
		struct carry_fd c;
		memcpy(&c, b + fd_at + i * sizeof c, sizeof c);
		if (c.fd < 0 || c.fd >= FD_MAX || c.ofd < 0 || c.ofd >= FD_MAX ||
		    ofds[c.ofd].kind == OFD_FREE)
			continue;
		fds[c.fd].o = &ofds[c.ofd];
		ofds[c.ofd].refs++;
	}
	import_names(b, name_at, len, counts[2]);
}

int libsys_fd_zero(int fd)
{
	if (!fd_ok(fd))
		return 0;
	int k = fds[fd].o->kind;
	return k == OFD_ZERO ? 1 : k == OFD_NULL || k == OFD_RANDOM ? -1 : 0;
}

int libsys_fd_console(int fd)
{
	return fd_ok(fd) && fds[fd].o->kind == OFD_CONSOLE;
}

/* Up to 4096 bytes of file o at its position into buf. */
static long read_chunk(struct ofd *o, char *buf, size_t n)
{
	if (n > 4096)
		n = 4096;
	struct sys_msg m = { .label = PG_FREAD, .w = { o->index, o->pos, n, (uint64_t)buf } };
	int e = libsys_pg_call(&m);
	if (e)
		return -e;
	size_t got = m.w[0] < n ? m.w[0] : n;
	memcpy(buf, libsys_ipc_buf(), got);
	o->pos += got;
	return (long)got;
}

size_t libsys_user_room(const void *buf, size_t count, int write)
{
	struct sys_msg m = { .label = PG_IO_CHECK, .w = { (uint64_t)buf, count, write != 0 } };
	if (libsys_pg_call(&m))
		return 0;
	return m.w[0] < count ? (size_t)m.w[0] : count;
}

#define RW_MAX 0x7ffff000ul /* Linux's most bytes in one read or write */

/* The next word of /dev/urandom's generator (splitmix64 over the cycle
 * counter: unpredictable enough for seeds, not for keys). */
static uint64_t random_word(void)
{
	static uint64_t state;
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	uint64_t z = __atomic_add_fetch(&state, 0x9e3779b97f4a7c15ull ^ ((uint64_t)hi << 32 | lo),
					__ATOMIC_RELAXED);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* read of /dev/zero or /dev/urandom: count bytes (at most RW_MAX) into
 * buf, as many as are writable memory (none: EFAULT). */
static ssize_t dev_fill(int kind, void *buf, size_t count)
{
	if (!count)
		return 0;
	size_t n = libsys_user_room(buf, count > RW_MAX ? RW_MAX : count, 1);
	if (!n) {
		errno = EFAULT;
		return -1;
	}
	if (kind == OFD_ZERO) {
		memset(buf, 0, n);
		return (ssize_t)n;
	}
	for (size_t i = 0; i < n; i += 8) {
		uint64_t w = random_word();
		memcpy((char *)buf + i, &w, n - i < 8 ? n - i : 8);
	}
	return (ssize_t)n;
}

ssize_t read(int fd, void *buf, size_t count)
{
	struct ofd *o = ofd_of(fd);
	if (!o)
		return -1;
	if ((o->flags & O_ACCMODE) == O_WRONLY) {
		errno = EBADF;
		return -1;
	}
	if (o->kind == OFD_CONSOLE) {
		int n;
		unsigned mark;
		do { /* again unless a handler without SA_RESTART ran here */
			mark = libsys_sig_eintr();
			n = console_read(buf, count, 0);
		} while (n == -E_INTR && libsys_sig_eintr() == mark);
		return n < 0 ? libsys_fail(-n) : n;
	}
	if (o->kind == OFD_PIPE)
		return libsys_pipe_read(o->index, buf, count, o->flags & O_NONBLOCK);
	if (o->kind == OFD_SOCK)
		return recv(fd, buf, count, 0);
	if (o->kind == OFD_EVENT)
		return libsys_event_read(o->index, buf, count, o->flags & O_NONBLOCK);
	if (o->kind == OFD_EPOLL) {
		errno = EINVAL;
		return -1;
	}
	if (o->kind == OFD_DIR) {
		errno = EISDIR;
		return -1;
	}
	if (o->kind == OFD_NULL)
		return 0;
	if (o->kind == OFD_ZERO || o->kind == OFD_RANDOM)
		return dev_fill(o->kind, buf, count);
	if (o->kind == OFD_PROC) {
		ssize_t n = libsys_procfs_read(o->index, o->shm, o->pos, buf, count);
		if (n > 0)
			o->pos += (uint64_t)n;
		return n;
	}
	if (o->kind == OFD_SHM) {
		size_t n = libsys_shm_rw(o->shm, o->pos, buf, count, 0);
		o->pos += n;
		return (ssize_t)n;
	}
	size_t done = 0;
	while (done < count) {
		long n = read_chunk(o, (char *)buf + done, count - done);
		if (n < 0)
			return done ? (ssize_t)done : libsys_fail((int)-n);
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t write(int fd, const void *buf, size_t count)
{
	struct ofd *o = ofd_of(fd);
	if (!o)
		return -1;
	if ((o->flags & O_ACCMODE) == O_RDONLY) {
		errno = EBADF; /* initrd files are read-only */
		return -1;
	}
	if (o->kind == OFD_CONSOLE) {
		int n = console_write(buf, count);
		return n < 0 ? libsys_fail(-n) : n;
	}
	if (o->kind == OFD_PIPE)
		return libsys_pipe_write(o->index, buf, count, o->flags & O_NONBLOCK);
	if (o->kind == OFD_SOCK)
		return send(fd, buf, count, 0);
	if (o->kind == OFD_EVENT)
		return libsys_event_write(o->index, buf, count, o->flags & O_NONBLOCK);
	if (o->kind == OFD_EPOLL) {
		errno = EINVAL;
		return -1;
	}
	if (o->kind == OFD_NULL || o->kind == OFD_ZERO)
		return count > RW_MAX ? (ssize_t)RW_MAX : (ssize_t)count; /* never read */
	if (o->kind == OFD_PROC)
		return libsys_procfs_write(o->index, buf, count);
	if (o->kind == OFD_RANDOM) { /* read as Linux's adds it to the pool */
		size_t n = count ? libsys_user_room(buf, count > RW_MAX ? RW_MAX : count, 0) : 0;
		if (count && !n) {
			errno = EFAULT;
			return -1;
		}
		return (ssize_t)n;
	}
	size_t n = o->flags & O_APPEND ? /* every write at the end, at once, as Linux's */
		libsys_shm_append(o->shm, buf, count, &o->pos) :
		libsys_shm_rw(o->shm, o->pos, (void *)buf, count, 1);
	o->pos += n;
	return n || !count ? (ssize_t)n : libsys_fail(E_NOMEM);
}

/* True (errno ESPIPE) if o cannot seek: the console or a pipe. */
static int unseekable(const struct ofd *o)
{
	if (o->kind == OFD_CONSOLE || o->kind == OFD_PIPE || o->kind == OFD_SOCK) {
		errno = ESPIPE;
		return 1;
	}
	return 0;
}

off_t lseek(int fd, off_t off, int whence)
{
	struct ofd *o = ofd_of(fd);
	if (!o || unseekable(o))
		return -1;
	if (o->kind >= OFD_DIR || o->kind == OFD_EVENT || o->kind == OFD_EPOLL)
		/* Linux's devices and anonymous inodes stay at 0 (a directory: readdir's) */
		return 0;
	uint64_t size = o->kind == OFD_SHM ? libsys_shm_size(o->shm) : o->size;
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ?
		       (int64_t)o->pos : whence == SEEK_END ? (int64_t)size : -1;
	if (base < 0 || base + off < 0) {
		errno = EINVAL;
		return -1;
	}
	o->pos = (uint64_t)(base + off);
	return (off_t)o->pos;
}

int close(int fd)
{
	struct ofd gone;
	lock();
	if (!fd_ok(fd)) {
		unlock();
		errno = EBADF;
		return -1;
	}
	fd_drop(fd, &gone);
	unlock();
	ofd_close(&gone);
	return 0;
}

/* dup2/dup3's work: newfd names oldfd's description (closing what it
 * named first), cloexec its flag. */
static int dup_to(int oldfd, int newfd, int cloexec)
{
	struct ofd gone = { .kind = OFD_FREE };
	lock();
	if (!fd_ok(oldfd) || newfd < 0 || newfd >= FD_MAX) {
		unlock();
		errno = EBADF;
		return -1;
	}
	if (oldfd != newfd) {
		struct ofd *o = fds[oldfd].o;
		o->refs++; /* kept while newfd's old description goes */
		if (fds[newfd].o)
			fd_drop(newfd, &gone);
		fds[newfd].o = o;
		fds[newfd].cloexec = cloexec;
	}
	unlock();
	ofd_close(&gone);
	return newfd;
}

int dup(int oldfd)
{
	return fcntl(oldfd, F_DUPFD, 0);
}

int dup2(int oldfd, int newfd)
{
	return dup_to(oldfd, newfd, 0);
}

int dup3(int oldfd, int newfd, int flags)
{
	if (oldfd == newfd || (flags & ~O_CLOEXEC)) {
		errno = EINVAL;
		return -1;
	}
	return dup_to(oldfd, newfd, (flags & O_CLOEXEC) != 0);
}

/* fcntl's descriptor-table commands, lock held. */
static int fcntl_locked(int fd, int cmd, long arg)
{
	struct ofd *o = fds[fd].o;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg < 0 || arg >= FD_MAX) {
			errno = EINVAL;
			return -1;
		}
		return fd_take((int)arg, o, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fds[fd].cloexec ? FD_CLOEXEC : 0;
	case F_SETFD:
		fds[fd].cloexec = (arg & FD_CLOEXEC) != 0;
		return 0;
	case F_GETFL:
		return o->flags;
	case F_SETFL: /* only O_NONBLOCK changes (O_APPEND means nothing here) */
		o->flags = (o->flags & ~O_NONBLOCK) | ((int)arg & O_NONBLOCK);
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	long arg = va_arg(ap, long);
	va_end(ap);
	lock();
	int r = -1;
	if (fd_ok(fd))
		r = fcntl_locked(fd, cmd, arg);
	else
		errno = EBADF;
	unlock();
	return r;
}

/* ---- sys/stat.h ---- */

/* tmpfs's st_dev, and its st_ino: TMPFS_INO + the pager's object number
 * (above every initrd index + 1). */
#define TMPFS_DEV 0x17
#define TMPFS_INO (1ull << 32)

/* *st for a file of mode and size; ino: its PG_LIST index + 1 (0: none). */
static void fill_stat(struct stat *st, mode_t mode, uint64_t size, uint64_t ino)
{
	memset(st, 0, sizeof *st);
	st->st_dev = 1;
	st->st_ino = ino;
	st->st_nlink = 1;
	st->st_mode = mode;
	st->st_size = (off_t)size;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)((size + 511) / 512);
}

/* *st for the device of minor number minor (major 1, as Linux's). */
static void dev_stat(struct stat *st, unsigned minor)
{
	fill_stat(st, S_IFCHR | 0666, 0, 100 + minor);
	st->st_dev = 5;
	st->st_rdev = (dev_t)(1u << 8 | minor);
	st->st_blocks = 0;
}

int stat(const char *path, struct stat *st)
{
	unsigned index;
	uint64_t size;
	char abs[LIBSYS_PATH_MAX];
	if (!st) {
		errno = EFAULT;
		return -1;
	}
	int pe = libsys_path(path, abs);
	if (pe) {
		errno = pe;
		return -1;
	}
	path = abs + 1;
	if (!*path || !strcmp(path, "dev")) {
		fill_stat(st, S_IFDIR | 0755, 0, 0);
		return 0;
	}
	const struct dev *d = dev_find(path);
	if (d) {
		dev_stat(st, (unsigned)d->minor);
		return 0;
	}
	unsigned kind;
	int pid, dir, writable;
	if ((!strncmp(path, "proc", 4) || !strncmp(path, "sys", 3)) &&
	    libsys_procfs_find(path, &kind, &pid, &dir, &writable) != E_NOENT) {
		fill_stat(st, dir ? S_IFDIR | 0555 : writable ? S_IFREG | 0644 :
			  S_IFREG | 0444, 0, 0);
		return 0;
	}
	int e = find_file(path, &index, &size);
	if (e == E_OK) {
		fill_stat(st, S_IFREG | 0444, size, index + 1ull);
		return 0;
	}
	uint64_t ino, nlink;
	int k = libsys_special(abs) ? LIBSYS_T_NONE : libsys_tmpfs_stat(abs, &size, &ino, &nlink);
	if (k == LIBSYS_T_NONE)
		return libsys_fail(e);
	fill_stat(st, k == LIBSYS_T_DIR ? S_IFDIR | 0755 : S_IFREG | 0600,
		  k == LIBSYS_T_DIR ? 0 : size, TMPFS_INO + ino);
	st->st_dev = TMPFS_DEV;
	st->st_nlink = (nlink_t)nlink;
	return 0;
}

/* access: whether path exists (F_OK) and may be read, written or run as
 * mode asks: initrd files are read-only (EROFS for W_OK) and may be run;
 * a directory may be searched; /dev files and the writable /proc and /sys
 * files may be written; nothing else may be run (EACCES). */
int access(const char *path, int mode)
{
	struct stat st;
	if (mode & ~(R_OK | W_OK | X_OK)) {
		errno = EINVAL;
		return -1;
	}
	if (stat(path, &st))
		return -1;
	int file = S_ISREG(st.st_mode) && st.st_ino != 0 && st.st_dev != TMPFS_DEV; /* initrd's */
	if ((mode & W_OK) && file) {
		errno = EROFS;
		return -1;
	}
	if (((mode & W_OK) && !(st.st_mode & 0200)) ||
	    ((mode & X_OK) && !file && !S_ISDIR(st.st_mode))) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

int faccessat(int dirfd, const char *path, int mode, int flags)
{
	(void)flags; /* AT_EACCESS, AT_SYMLINK_NOFOLLOW: one user, no links */
	char at[LIBSYS_PATH_MAX];
	int e = libsys_path_at(dirfd, path, at);
	if (e) {
		errno = e;
		return -1;
	}
	return access(at, mode);
}

int lstat(const char *path, struct stat *st)
{
	return stat(path, st);
}

int fstat(int fd, struct stat *st)
{
	if (!st) {
		errno = EFAULT;
		return -1;
	}
	struct ofd *o = ofd_of(fd);
	if (!o)
		return -1;
	if (o->kind == OFD_CONSOLE)
		fill_stat(st, S_IFCHR | 0620, 0, 0);
	else if (o->kind == OFD_PIPE)
		fill_stat(st, S_IFIFO | 0600, 0, 0);
	else if (o->kind == OFD_SOCK)
		fill_stat(st, S_IFSOCK | 0777, 0, 0);
	else if (o->kind == OFD_EVENT || o->kind == OFD_EPOLL)
		fill_stat(st, 0600, 0, 0); /* Linux's anonymous inode: no type */
	else if (o->kind == OFD_SHM) {
		uint64_t size, ino, nlink;
		libsys_shm_stat(o->shm, &size, &ino, &nlink);
		fill_stat(st, S_IFREG | 0600, size, TMPFS_INO + ino);
		st->st_dev = TMPFS_DEV;
		st->st_nlink = (nlink_t)nlink;
	}
	else if (o->kind == OFD_PROC)
		fill_stat(st, S_IFREG | 0444, 0, 0);
	else if (o->kind == OFD_DIR)
		fill_stat(st, S_IFDIR | 0755, 0, 0);
	else if (o->kind >= OFD_NULL)
		dev_stat(st, o->index);
	else
		fill_stat(st, S_IFREG | 0444, o->size, o->index + 1ull);
	return 0;
}

/* pread/pwrite: at off, the descriptor's position unchanged. */
ssize_t pread(int fd, void *buf, size_t count, off_t off)
{
	struct ofd *o = ofd_of(fd);
	if (!o || unseekable(o))
		return -1;
	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	uint64_t pos = o->pos;
	o->pos = (uint64_t)off;
	ssize_t n = read(fd, buf, count);
	o->pos = pos;
	return n;
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t off)
{
	struct ofd *o = ofd_of(fd);
	if (!o || unseekable(o))
		return -1;
	if (off < 0) {
		errno = EINVAL;
		return -1;
	}
	uint64_t pos = o->pos;
	o->pos = (uint64_t)off;
	ssize_t n = write(fd, buf, count);
	o->pos = pos;
	return n;
}
