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
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include "abi/err.h"
#include "abi/page.h"
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
 * O_NONBLOCK).  refs: the descriptors naming it, plus REF_USE for each
 * call using it (ofd_get, ofd_put), in one word changed atomically; it
 * is closed (ofd_close) when refs reaches 0, by whoever drops the last,
 * so a call whose descriptor another thread closes (and an open takes
 * again) goes on with the description it started with, as Linux's file
 * reference.  A pipe's end is held in the pager once per description
 * (pipe.c); a socket (socket.c) holds the read end of one pipe and the
 * write end of another, an eventfd its pipe's read end. */
#define REF_USE (1ull << 32)
static struct ofd {
	uint64_t refs;
	int kind, flags;        /* flags: O_ACCMODE | O_NONBLOCK */
	int shm;                /* shm.c's object + 1; a /proc file's pid */
	unsigned index;         /* PG_LIST index; a pipe's id (a socket's in,
				 * an eventfd's); procfs.c's kind; epoll's
				 * instance */
	uint64_t size, pos;     /* a socket: out pipe | type << 32, pos: its
				 * SOCK_ flags (the peer's loss reported); a
				 * timerfd (an OFD_EVENT): pos = its clock + 1 */
	char *dir;              /* a directory's path, a tmpfs file's object
				 * name (malloc'd; exec opens it again) */
	struct ofd_share *sh;   /* a file's part shared with other processes
				 * (fork, exec), or NULL: below */
} ofds[FD_MAX];

/* What the processes holding one file's description share (Linux's
 * struct file's f_pos and f_flags), once one of them forks: a page of
 * MAP_SHARED anonymous memory of its own (fork copies the mapping, exec
 * keeps it through the pager, a holder's end or its last close of the
 * description unmaps it; the frame goes with the last mapping), so a
 * hostile holder can break that description's offset and flags only.
 * Until then the position is the description's own pos.  Both are moved
 * lock-free (claim_*: a compare-and-swap of the position past the bytes
 * a call will use, before it uses them), so a holder killed in the middle
 * of a call holds nothing, and two readers never get the same bytes.  A
 * description's pos reads POS_MOVED once its page took over (ofd_share);
 * on the page every value is a position (another process may write any). */
struct ofd_share {
	uint64_t pos;
	uint32_t flags; /* O_APPEND | O_NONBLOCK */
};
#define POS_MOVED (~0ull)
#define ST_FLAGS (O_APPEND | O_NONBLOCK)

/* ofds[i]'s position lock (pos_lock). */
static uint32_t pos_locks[FD_MAX];

static struct {
	struct ofd *o;
	int cloexec;
} fds[FD_MAX];

/* The tables are zero (.bss: 56 KiB would be in every program's file as
 * .data) until the first use, which makes 0, 1 and 2 the console; exec's
 * import fills them instead.  table_lock guards changes to fds[] and the
 * descriptor counts (open, close, dup, fcntl, exec's export); its holder
 * blocks every signal (table_mask: its mask before), so a handler's
 * close or dup2 never spins on a lock its own thread holds, and fork
 * holds it across the copy (libsys_fd_fork).  ofd_top: past every
 * description slot ever used (what a fork child looks at). */
static int table_ready, table_lock, ofd_top = 3;
static sigset_t table_mask;

static void table_init(void)
{
	if (__atomic_load_n(&table_ready, __ATOMIC_ACQUIRE))
		return;
	while (__atomic_exchange_n(&table_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	if (!table_ready) {
		for (int fd = 0; fd < 3; fd++) {
			ofds[fd] = (struct ofd){ 1, OFD_CONSOLE, O_RDWR, 0, 0, 0, 0, NULL, NULL };
			fds[fd].o = &ofds[fd];
		}
		__atomic_store_n(&table_ready, 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&table_lock, 0, __ATOMIC_RELEASE);
}

static void lock(void)
{
	sigset_t all, old;
	sigfillset(&all);
	table_init();
	pthread_sigmask(SIG_BLOCK, &all, &old);
	while (__atomic_exchange_n(&table_lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	table_mask = old;
}

static void unlock(void)
{
	sigset_t old = table_mask;
	__atomic_store_n(&table_lock, 0, __ATOMIC_RELEASE);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Drop one count (REF_USE: a call's, 1: a descriptor's) of description
 * o; the last: *gone = o's copy (its caller closes it: ofd_close), o free
 * again, and 1. */
static int ofd_unref(struct ofd *o, uint64_t n, struct ofd *gone)
{
	if (__atomic_sub_fetch(&o->refs, n, __ATOMIC_ACQ_REL))
		return 0;
	libsys_epoll_forget(o); /* as Linux: with the description's end, before
				 * its slot can be taken again */
	*gone = *o;
	__atomic_store_n(&o->kind, OFD_FREE, __ATOMIC_RELEASE);
	return 1;
}

static void ofd_close(const struct ofd *o);
static void ofd_put(struct ofd *o);

/* The description fd names, with a use counted (ofd_put drops it), or
 * NULL (errno EBADF).  Lock-free (a signal handler's read or write may
 * run anywhere): the count is taken only while it is not 0 (o is not
 * being closed), then fd must still name o, else it is given back and
 * fd looked at again. */
static struct ofd *ofd_get(int fd)
{
	table_init();
	while (fd >= 0 && fd < FD_MAX) {
		struct ofd *o = __atomic_load_n(&fds[fd].o, __ATOMIC_ACQUIRE);
		if (!o)
			break;
		uint64_t r = __atomic_load_n(&o->refs, __ATOMIC_RELAXED);
		if (r && __atomic_compare_exchange_n(&o->refs, &r, r + REF_USE, 0,
						     __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			if (__atomic_load_n(&fds[fd].o, __ATOMIC_ACQUIRE) == o)
				return o;
			ofd_put(o);
		}
		__builtin_ia32_pause();
	}
	errno = EBADF;
	return NULL;
}

/* The end of ofd_get's use of o: closed here if it was the last (errno
 * kept). */
static void ofd_put(struct ofd *o)
{
	struct ofd gone;
	if (ofd_unref(o, REF_USE, &gone)) {
		int e = errno;
		ofd_close(&gone);
		errno = e;
	}
}

/* The description whose position lock this thread holds, or is about to
 * take (pos_lock). */
static __thread struct ofd *pos_mine;

/* Take o's position lock (read, write and lseek at the position: each
 * one's place and move is atomic, POSIX 2.9.7 and Linux's f_pos_lock;
 * pread and pwrite take none) and *at = o's position: 1, or 0 if this
 * thread holds it or waits for it already (a signal handler that
 * interrupted its own thread's call on o: it goes on unlocked, nothing
 * to release, where waiting would be for ever).  The lock is a futex: 0
 * free, 1 held, 2 held and waited for. */
static int pos_lock(struct ofd *o, uint64_t *at)
{
	uint32_t *w = &pos_locks[o - ofds], free = 0;
	*at = o->pos;
	if (__atomic_load_n(&pos_mine, __ATOMIC_RELAXED) == o)
		return 0;
	__atomic_store_n(&pos_mine, o, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST); /* a handler from here on sees it */
	if (!__atomic_compare_exchange_n(w, &free, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		while (__atomic_exchange_n(w, 2, __ATOMIC_ACQUIRE) != 0)
			libsys_futex_wait(w, 2, FUTEX_FOREVER, 0);
	*at = o->pos;
	return 1;
}

/* Give back o's position lock (held: pos_lock's answer). */
static void pos_unlock(struct ofd *o, int held)
{
	if (!held)
		return;
	if (__atomic_exchange_n(&pos_locks[o - ofds], 0, __ATOMIC_RELEASE) == 2)
		libsys_futex_wake(&pos_locks[o - ofds], 1, 0);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&pos_mine, NULL, __ATOMIC_RELAXED);
}

/* Whether o's position and status flags are shared with the processes
 * it is shared with (a file's: initrd's or tmpfs's), on a page of their
 * own once this process forks (ofd_share). */
static int shareable(const struct ofd *o)
{
	return o->kind == OFD_FILE || o->kind == OFD_SHM;
}

/* The word holding shareable o's position now (its own pos, or its
 * page's once moved there) and *v its value. */
static uint64_t *pos_word(struct ofd *o, uint64_t *v)
{
	*v = __atomic_load_n(&o->pos, __ATOMIC_ACQUIRE);
	if (*v != POS_MOVED)
		return &o->pos;
	struct ofd_share *sh = __atomic_load_n(&o->sh, __ATOMIC_ACQUIRE); /* set before */
	*v = __atomic_load_n(&sh->pos, __ATOMIC_ACQUIRE);
	return &sh->pos;
}

/* A read of up to count bytes of shareable o (size bytes long) at its
 * position: *at = that position, moved past the bytes claimed (at once:
 * another reader, in this process or another, gets the next ones), and
 * their count (0 at or past the end: the position stays). */
static size_t claim_read(struct ofd *o, uint64_t size, size_t count, uint64_t *at)
{
	for (;;) {
		uint64_t *w = pos_word(o, at);
		size_t n = *at >= size ? 0 : size - *at < count ? (size_t)(size - *at) : count;
		if (!n || __atomic_compare_exchange_n(w, at, *at + n, 0, __ATOMIC_ACQ_REL,
						      __ATOMIC_ACQUIRE))
			return n;
	}
}

/* A write of count bytes at shareable o's position: the position, moved
 * past them. */
static uint64_t claim_write(struct ofd *o, size_t count)
{
	uint64_t at;
	for (;;) {
		uint64_t *w = pos_word(o, &at);
		if (__atomic_compare_exchange_n(w, &at, at + count, 0, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return at;
	}
}

/* A call that claimed shareable o's bytes up to end used them up to used
 * only: the position back to used, unless another call moved it since. */
static void claim_undo(struct ofd *o, uint64_t end, uint64_t used)
{
	uint64_t v;
	uint64_t *w = pos_word(o, &v);
	if (v == end)
		__atomic_compare_exchange_n(w, &v, used, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/* Shareable o's position set to v. */
static void pos_set(struct ofd *o, uint64_t v)
{
	uint64_t cur;
	for (;;) {
		uint64_t *w = pos_word(o, &cur);
		if (__atomic_compare_exchange_n(w, &cur, v, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return;
	}
}

/* o's flags, the status ones (O_APPEND, O_NONBLOCK) from its page when it
 * has one. */
static int ofd_flags(struct ofd *o)
{
	struct ofd_share *sh = __atomic_load_n(&o->sh, __ATOMIC_ACQUIRE);
	if (!sh)
		return o->flags;
	return (o->flags & ~ST_FLAGS) |
	       ((int)__atomic_load_n(&sh->flags, __ATOMIC_RELAXED) & ST_FLAGS);
}

/* Set if fork could not give a description its page (fork then fails
 * ENOMEM, as Linux's when it cannot copy the table). */
static int share_failed;

/* o's position and status flags moved to a page of their own (table lock
 * held: no fcntl meanwhile; a read, write or lseek of another thread may
 * run on: it finds POS_MOVED and goes on on the page): 0, or -1 (no
 * memory: o as it was).  PG_MMAP straight: fork holds libsys's locks. */
static int ofd_share(struct ofd *o)
{
	struct sys_msg m = { .label = PG_MMAP,
			     .w = { 0, PAGE_SIZE,
				    (PROT_READ | PROT_WRITE) |
					    (uint64_t)(MAP_SHARED | MAP_ANONYMOUS) << 32, 0 } };
	if (libsys_pg_call(&m))
		return -1;
	struct ofd_share *sh = (struct ofd_share *)(uintptr_t)m.w[0];
	sh->flags = (uint32_t)(o->flags & ST_FLAGS);
	uint64_t v = __atomic_load_n(&o->pos, __ATOMIC_ACQUIRE);
	do { /* a reader's move between the copy and the mark: again */
		__atomic_store_n(&sh->pos, v, __ATOMIC_RELAXED);
		__atomic_store_n(&o->sh, sh, __ATOMIC_RELEASE);
	} while (!__atomic_compare_exchange_n(&o->pos, &v, POS_MOVED, 0, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	return 0;
}

/* This process's hold on share page sh (if not NULL) let go. */
static void share_drop(struct ofd_share *sh)
{
	struct sys_msg m = { .label = PG_UNMAP, .w = { (uint64_t)(uintptr_t)sh, PAGE_SIZE } };
	if (sh)
		libsys_pg_call(&m);
}

int libsys_fd_fork_ok(void)
{
	return !share_failed;
}

/* The description fd names, or NULL (errno EBADF), with no use counted:
 * a close by another thread meanwhile may end it (ofd_get holds it). */
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
			__atomic_add_fetch(&o->refs, 1, __ATOMIC_RELAXED);
			fds[fd].cloexec = cloexec;
			__atomic_store_n(&fds[fd].o, o, __ATOMIC_RELEASE);
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
		if (!__atomic_load_n(&ofds[i].refs, __ATOMIC_RELAXED) &&
		    __atomic_load_n(&ofds[i].kind, __ATOMIC_ACQUIRE) == OFD_FREE)
			o = &ofds[i];
	int fd = -1;
	if (o) {
		if (o - ofds >= ofd_top)
			ofd_top = (int)(o - ofds) + 1;
		*o = (struct ofd){ 0, kind, flags, shm, index, size, 0, NULL, NULL };
		fd = fd_take(0, o, (flags & O_CLOEXEC) != 0);
		o->flags &= ~O_CLOEXEC;
	} else {
		errno = EMFILE; /* only on failure: a call that works keeps errno */
	}
	unlock();
	return fd;
}

/* fd no longer names its description (lock held); the description itself
 * goes with its last descriptor and use: *gone = it (closed after unlock). */
static void fd_drop(int fd, struct ofd *gone)
{
	struct ofd *o = fds[fd].o;
	__atomic_store_n(&fds[fd].o, NULL, __ATOMIC_RELEASE);
	gone->kind = OFD_FREE;
	ofd_unref(o, 1, gone);
}

/* Release what description o (now unnamed) held (close is async-signal-
 * safe: a handler's close must not wait on the heap lock its thread
 * holds in malloc, so the name goes through libsys_free_async). */
static void ofd_close(const struct ofd *o)
{
	if (o->kind == OFD_FREE) /* (fd_drop's: not the last; only kind is set) */
		return;
	share_drop(o->sh);
	if (o->kind == OFD_DIR || o->kind == OFD_PROC)
		libsys_free_async(o->dir);
	else if (o->kind == OFD_SHM) {
		libsys_free_async(o->dir);
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

/* A malloc'd copy of s, or NULL. */
static char *copy_of(const char *s)
{
	char *c = malloc(strlen(s) + 1);
	if (c)
		memcpy(c, s, strlen(s) + 1);
	return c;
}

/* open of a /proc link to target (a descriptor's: lfd, else -1): the
 * path it names opened; a pipe, the console, a deleted file, a memfd
 * (no path): lfd's description again (its position shared, where Linux
 * opens a new one). */
static int proc_link_open(const char *target, int lfd, int flags)
{
	size_t n = strlen(target);
	if (target[0] == '/' && (n < 10 || strcmp(target + n - 10, " (deleted)")) &&
	    strcmp(target, "/dev/console"))
		return open(target, flags);
	if (lfd < 0) {
		errno = ENOENT;
		return -1;
	}
	return fcntl(lfd, (flags & O_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD, 0);
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
	int pid, dir, writable, lfd;
	char target[LIBSYS_PATH_MAX + 16];
	int le = strncmp(path, "proc/", 5) || !strcmp(path, "proc/self") ? E_NOENT :
		 libsys_procfs_link(path, target, sizeof target, &lfd);
	if (le == E_OK) /* exe, fd/N: the file the link names */
		return proc_link_open(target, lfd, flags);
	if (le != E_NOENT) {
		errno = le == E_PERM ? EACCES : ENOENT;
		return -1;
	}
	if (!strncmp(path, "proc", 4) || !strncmp(path, "sys", 3)) {
		int e = libsys_procfs_find(path, &kind, &pid, &dir, &writable);
		if (e == E_OK && !dir && (writable || (flags & O_ACCMODE) == O_RDONLY)) {
			int fd = fd_new(OFD_PROC, flags & (O_ACCMODE | O_CLOEXEC), pid, kind, 0);
			if (fd >= 0)
				fds[fd].o->dir = copy_of(abs); /* its link (none: "/proc") */
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


void libsys_fd_renamed(const char *old, const char *new)
{
	size_t ol = strlen(old), nl = strlen(new);
	lock();
	for (int i = 0; i < FD_MAX; i++) {
		struct ofd *o = &ofds[i];
		if (!o->refs || o->kind != OFD_SHM || !o->dir || strncmp(o->dir, old, ol) ||
		    (o->dir[ol] && (old[ol - 1] != '/')))
			continue;
		char *c = malloc(nl + strlen(o->dir + ol) + 1);
		if (!c)
			continue; /* the old name stays: readlink finds the new one */
		memcpy(c, new, nl);
		strcpy(c + nl, o->dir + ol);
		free(o->dir);
		o->dir = c;
	}
	unlock();
}

int libsys_fd_next(int from)
{
	table_init();
	for (int fd = from < 0 ? 0 : from; fd < FD_MAX; fd++)
		if (fds[fd].o)
			return fd;
	return -1;
}

/* A pipe's st_ino: its id above the initrd's and tmpfs's numbers. */
#define PIPE_INO(id) ((1ull << 48) + (id))

int libsys_fd_link(int fd, char *out, size_t cap)
{
	char name[256], dir[LIBSYS_PATH_MAX + 32] = "";
	uint64_t size, ino, nlink;
	lock();
	if (!fd_ok(fd)) {
		unlock();
		return E_NOENT;
	}
	struct ofd o = *fds[fd].o; /* its name copied: another thread may close it */
	if (o.dir)
		snprintf(dir, sizeof dir, "%s", o.dir);
	o.dir = o.dir ? dir : NULL;
	unlock();
	size_t n = 0;
	switch (o.kind) {
	case OFD_CONSOLE:
		n = (size_t)snprintf(out, cap, "/dev/console");
		break;
	case OFD_PIPE:
		n = (size_t)snprintf(out, cap, "pipe:[%llu]", (unsigned long long)PIPE_INO(o.index));
		break;
	case OFD_FILE:
		if (initrd_stat(o.index, name, sizeof name, &size) != E_OK)
			name[0] = '\0';
		n = (size_t)snprintf(out, cap, "/%s", name);
		break;
	case OFD_SHM:
		if (o.dir && !strncmp(o.dir, "/memfd:", 7)) {
			n = (size_t)snprintf(out, cap, "%s", o.dir);
			break;
		}
		libsys_shm_stat(o.shm, &size, &ino, &nlink);
		libsys_tmpfs_link(o.dir ? o.dir : "?", ino, out, cap);
		n = strlen(out);
		break;
	case OFD_PROC:
	case OFD_DIR:
		n = (size_t)snprintf(out, cap, "%s", o.dir ? o.dir : "/proc");
		break;
	default:
		for (size_t i = 0; i < sizeof devs / sizeof devs[0]; i++)
			if (devs[i].kind == o.kind && (unsigned)devs[i].minor == o.index)
				n = (size_t)snprintf(out, cap, "/%s", devs[i].name);
	}
	return n < cap ? E_OK : E_RANGE;
}

/* readlink: the /proc links' targets (/proc/self, /proc/PID/exe,
 * /proc/self/fd/N); every other path that is is no link (EINVAL). */
ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	char abs[LIBSYS_PATH_MAX], target[LIBSYS_PATH_MAX + 16];
	int fd, e = libsys_path_at(dirfd, path, abs);
	if (e) {
		errno = e;
		return -1;
	}
	if ((ssize_t)size <= 0) {
		errno = EINVAL;
		return -1;
	}
	e = libsys_procfs_link(abs + 1, target, sizeof target, &fd);
	if (e == E_NOENT) {
		struct stat st;
		if (stat(abs, &st))
			return -1;
		errno = EINVAL;
		return -1;
	}
	if (e) {
		errno = e == E_PERM ? EACCES : ENAMETOOLONG;
		return -1;
	}
	size_t n = strlen(target) < size ? strlen(target) : size;
	if (libsys_user_room(buf, n, 1) != n) {
		errno = EFAULT;
		return -1;
	}
	memcpy(buf, target, n);
	return (ssize_t)n;
}

ssize_t readlink(const char *path, char *buf, size_t size)
{
	return readlinkat(AT_FDCWD, path, buf, size);
}

int libsys_fd_new_pipe(unsigned id, int write_end, int flags)
{
	return fd_new(OFD_PIPE, (write_end ? O_WRONLY : O_RDONLY) | flags, 0, id, 0);
}

void libsys_fd_fork(int stage)
{
	if (stage == 0) { /* every file's position and flags shared from now on */
		lock();
		share_failed = 0;
		for (int i = 0; i < ofd_top && !share_failed; i++) {
			struct ofd *o = &ofds[i];
			/* (one only calls still use is being closed: the child drops it) */
			if ((__atomic_load_n(&o->refs, __ATOMIC_ACQUIRE) & (REF_USE - 1)) &&
			    shareable(o) && !o->sh && ofd_share(o))
				share_failed = 1;
		}
		return;
	}
	if (stage == 1) {
		unlock();
		return;
	}
	for (int i = 0; i < ofd_top; i++) { /* the child: its only thread is this one */
		struct ofd *o = &ofds[i], gone = *o;
		pos_locks[i] = 0;
		o->refs &= REF_USE - 1; /* the uses were other threads' */
		if (o->kind != OFD_FREE && !o->refs) { /* closed while in use, or closing */
			libsys_epoll_forget(o); /* (epoll's lock: free in the child too) */
			o->kind = OFD_FREE;
			ofd_close(&gone);
		}
	}
	table_lock = 0;
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
	return fd_ok(fd) ? ofd_flags(fds[fd].o) : 0;
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
/* In a carried description's flags: its position and status flags are on
 * its share page, whose address is in pos (the pager keeps the page). */
#define CARRY_SHARED 0x40000000

/* Whether description o goes through exec: a directory's only with its
 * path (every one has it). */
static int carried(const struct ofd *o)
{
	return o->kind != OFD_EPOLL && (o->kind != OFD_DIR || o->dir);
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

size_t libsys_fd_export(void *buf, size_t cap, struct pg_exec_drop *drops, uint32_t *ndrops,
			uint64_t *keeps, uint32_t *nkeeps)
{
	uint16_t counts[3] = { 0, 0, 0 }; /* descriptions, descriptors, names */
	size_t need = sizeof counts;
	char *b = buf;
	*ndrops = 0;
	*nkeeps = 0;
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
		struct carry_ofd c = { o->kind, ofd_flags(o), o->index, (uint32_t)i, o->size, o->pos };
		if (o->sh) { /* the shared part by its page, kept by the pager too */
			c.flags |= CARRY_SHARED;
			c.pos = (uint64_t)(uintptr_t)o->sh;
			if (*nkeeps < PG_EXEC_KEEP_MAX)
				keeps[*nkeeps] = c.pos;
			++*nkeeps;
		}
		if (o->kind == OFD_SHM) { /* the object by its mapping, kept by the pager */
			c.size = libsys_shm_base(o->shm);
			if (*nkeeps < PG_EXEC_KEEP_MAX)
				keeps[*nkeeps] = c.size;
			++*nkeeps;
		}
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

/* The descriptors of description o dropped (what it named cannot be had
 * again). */
static void ofd_lost(struct ofd *o)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (fds[fd].o == o)
			fds[fd].o = NULL;
	free(o->dir);
	*o = (struct ofd){ 0 };
}

/* The names exec carried from at (len bytes in all): the descriptions'
 * paths (a directory's, a tmpfs file's name as opened), the current
 * directory. */
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
		if (o->kind == OFD_FREE)
			continue;
		o->dir = copy_of(name);
		if (!o->dir && o->kind == OFD_DIR)
			ofd_lost(o);
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
		if (c.pad < FD_MAX && c.pad >= (uint32_t)ofd_top)
			ofd_top = (int)c.pad + 1; /* (fork looks that far) */
		if (c.pad < FD_MAX) /* at the same place: descriptors name it so */
			ofds[c.pad] = (struct ofd){ 0, c.kind, c.flags & ~CARRY_SHARED, 0, c.index,
						    c.size, c.pos, NULL, NULL };
		if (c.pad < FD_MAX && (c.flags & CARRY_SHARED)) { /* the page the pager kept */
			ofds[c.pad].sh = (struct ofd_share *)(uintptr_t)c.pos;
			ofds[c.pad].pos = POS_MOVED;
		}
		if (c.pad < FD_MAX && c.kind == OFD_SHM) { /* the object the pager kept */
			ofds[c.pad].size = 0;
			ofds[c.pad].shm = libsys_shm_adopt(c.size);
			if (!ofds[c.pad].shm) {
				share_drop(ofds[c.pad].sh);
				ofds[c.pad].kind = OFD_FREE;
			}
		}
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

/* Up to 4096 bytes of file o at pos into buf. */
static long read_chunk(const struct ofd *o, uint64_t pos, char *buf, size_t n)
{
	if (n > 4096)
		n = 4096;
	struct sys_msg m = { .label = PG_FREAD, .w = { o->index, pos, n, (uint64_t)buf } };
	int e = libsys_pg_call(&m);
	if (e)
		return -e;
	size_t got = m.w[0] < n ? m.w[0] : n;
	memcpy(buf, libsys_ipc_buf(), got);
	return (long)got;
}

size_t libsys_user_room(const void *buf, size_t count, int write)
{
	struct sys_msg m = { .label = PG_IO_CHECK, .w = { (uint64_t)buf, count, write != 0 } };
	if (libsys_pg_call(&m))
		return 0;
	return m.w[0] < count ? (size_t)m.w[0] : count;
}

long libsys_user_strlen(const char *s, size_t max)
{
	size_t room = libsys_user_room(s, max, 0);
	size_t n = room ? strnlen(s, room) : 0;
	if (!room || (n == room && room < max)) {
		errno = EFAULT;
		return -1;
	}
	if (n == room) {
		errno = E2BIG;
		return -1;
	}
	return (long)n;
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

/* read's and pread's work on description o (a use held): at off, or
 * (off < 0) at o's position, moved past the bytes read under o's position
 * lock. */
static ssize_t ofd_read(struct ofd *o, void *buf, size_t count, int64_t off)
{
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
	if (o->kind == OFD_SOCK) { /* (read's went to recv: this is pread's) */
		errno = ESPIPE;
		return -1;
	}
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
	uint64_t at = (uint64_t)off;
	if (o->kind == OFD_PROC) { /* made anew each read: under the position lock */
		int held = off < 0 && pos_lock(o, &at);
		ssize_t done = libsys_procfs_read(o->index, o->shm, at, buf, count);
		if (off < 0 && done > 0)
			o->pos = at + (uint64_t)done;
		pos_unlock(o, held);
		return done;
	}
	/* a file: its bytes claimed first (claim_read), then copied */
	uint64_t size = o->kind == OFD_SHM ? libsys_shm_size(o->shm) : o->size;
	size_t n = off >= 0 ? (at >= size ? 0 : size - at < count ? (size_t)(size - at) : count) :
		   claim_read(o, size, count, &at);
	ssize_t done = 0;
	if (o->kind == OFD_SHM) { /* (past a truncate meanwhile: zeros, shm_rw's case) */
		memcpy(buf, (const char *)(uintptr_t)libsys_shm_base(o->shm) + at, n);
		done = (ssize_t)n;
	} else
		while ((size_t)done < n) {
			long k = read_chunk(o, at + (uint64_t)done, (char *)buf + done,
					    n - (size_t)done);
			if (k <= 0) {
				if (k < 0 && !done)
					done = libsys_fail((int)-k);
				break;
			}
			done += k;
		}
	if (off < 0 && (size_t)(done > 0 ? done : 0) < n)
		claim_undo(o, at + n, at + (uint64_t)(done > 0 ? done : 0));
	return done;
}

ssize_t read(int fd, void *buf, size_t count)
{
	struct ofd *o = ofd_get(fd);
	if (!o)
		return -1;
	if (o->kind == OFD_SOCK) { /* socket.c looks fd up itself */
		ofd_put(o);
		return recv(fd, buf, count, 0);
	}
	ssize_t n = ofd_read(o, buf, count, -1);
	ofd_put(o);
	return n;
}

/* write's and pwrite's work on description o (a use held): at off, or
 * (off < 0) at o's position, moved past the bytes written under o's
 * position lock; O_APPEND: at the end (pwrite too, as Linux's). */
static ssize_t ofd_write(struct ofd *o, const void *buf, size_t count, int64_t off)
{
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
	if (o->kind == OFD_SOCK) { /* (write's went to send: this is pwrite's) */
		errno = ESPIPE;
		return -1;
	}
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
	uint64_t at = (uint64_t)off;
	long n;
	if (ofd_flags(o) & O_APPEND) { /* every write at the end, at once, as Linux's */
		n = libsys_shm_append(o->shm, buf, count, &at);
		if (off < 0 && n >= 0)
			pos_set(o, at + (uint64_t)n);
	} else {
		if (off < 0)
			at = claim_write(o, count); /* the place is ours from here */
		n = libsys_shm_write(o->shm, at, buf, count);
		if (off < 0 && (size_t)(n > 0 ? n : 0) < count)
			claim_undo(o, at + count, at + (uint64_t)(n > 0 ? n : 0));
	}
	return n >= 0 ? (ssize_t)n : libsys_fail((int)-n);
}

ssize_t write(int fd, const void *buf, size_t count)
{
	struct ofd *o = ofd_get(fd);
	if (!o)
		return -1;
	if (o->kind == OFD_SOCK) { /* socket.c looks fd up itself */
		ofd_put(o);
		return send(fd, buf, count, 0);
	}
	ssize_t n = ofd_write(o, buf, count, -1);
	ofd_put(o);
	return n;
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

/* lseek's work on description o (a use held), under its position lock. */
static off_t ofd_seek(struct ofd *o, off_t off, int whence)
{
	if (unseekable(o))
		return -1;
	if (o->kind >= OFD_DIR || o->kind == OFD_EVENT || o->kind == OFD_EPOLL)
		/* Linux's devices and anonymous inodes stay at 0 (a directory: readdir's) */
		return 0;
	uint64_t size = o->kind == OFD_SHM ? libsys_shm_size(o->shm) : o->size, pos;
	int held = o->kind == OFD_PROC && pos_lock(o, &pos);
	for (;;) {
		uint64_t *w = o->kind == OFD_PROC ? &o->pos : pos_word(o, &pos);
		int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ?
			       (int64_t)pos : whence == SEEK_END ? (int64_t)size : -1, to;
		if (base < 0 || __builtin_add_overflow(base, (int64_t)off, &to) || to < 0) {
			pos_unlock(o, held);
			errno = EINVAL;
			return -1;
		}
		if (o->kind == OFD_PROC)
			*w = (uint64_t)to;
		else if (!__atomic_compare_exchange_n(w, &pos, (uint64_t)to, 0, __ATOMIC_ACQ_REL,
						      __ATOMIC_RELAXED))
			continue; /* another call moved it: from there */
		pos_unlock(o, held);
		return to;
	}
}

off_t lseek(int fd, off_t off, int whence)
{
	struct ofd *o = ofd_get(fd);
	if (!o)
		return -1;
	off_t r = ofd_seek(o, off, whence);
	ofd_put(o);
	return r;
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
		struct ofd *o = fds[oldfd].o, *old = fds[newfd].o;
		__atomic_add_fetch(&o->refs, 1, __ATOMIC_RELAXED);
		fds[newfd].cloexec = cloexec;
		__atomic_store_n(&fds[newfd].o, o, __ATOMIC_RELEASE); /* never closed between */
		if (old)
			ofd_unref(old, 1, &gone);
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
		return ofd_flags(o);
	case F_SETFL: /* O_NONBLOCK and O_APPEND change (Linux's others do nothing
		       * here), on the page too if o is shared */
		o->flags = (o->flags & ~ST_FLAGS) | ((int)arg & ST_FLAGS);
		if (o->sh)
			__atomic_store_n(&o->sh->flags, (uint32_t)(o->flags & ST_FLAGS),
					 __ATOMIC_RELAXED);
		return 0;
	default: /* record locks, pipe sizes, ...: libc8.c */
		return libsys_fcntl_more(cmd, arg);
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
	int pid, dir, writable, lfd;
	char target[LIBSYS_PATH_MAX + 16];
	int le = strncmp(path, "proc/", 5) || !strcmp(path, "proc/self") ? E_NOENT :
		 libsys_procfs_link(path, target, sizeof target, &lfd);
	if (le == E_OK) /* exe, fd/N: what the link names */
		return lfd >= 0 ? fstat(lfd, st) : stat(target, st);
	if (le != E_NOENT)
		return libsys_fail(le == E_PERM ? E_PERM : E_NOENT);
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

/* lstat: stat, but a /proc link is itself (S_IFLNK, its target's length). */
int lstat(const char *path, struct stat *st)
{
	char abs[LIBSYS_PATH_MAX], target[LIBSYS_PATH_MAX + 16];
	int lfd;
	if (st && !libsys_path(path, abs) &&
	    libsys_procfs_link(abs + 1, target, sizeof target, &lfd) == E_OK) {
		fill_stat(st, S_IFLNK | 0777, strlen(target), 0);
		return 0;
	}
	return stat(path, st);
}

int fstat(int fd, struct stat *st)
{
	if (!st) {
		errno = EFAULT;
		return -1;
	}
	struct ofd *o = ofd_get(fd);
	if (!o)
		return -1;
	if (o->kind == OFD_CONSOLE)
		fill_stat(st, S_IFCHR | 0620, 0, 0);
	else if (o->kind == OFD_PIPE)
		fill_stat(st, S_IFIFO | 0600, 0, PIPE_INO(o->index));
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
	ofd_put(o);
	return 0;
}

/* pread/pwrite: at off, the description's position neither used nor
 * changed (another thread may read, write or seek it meanwhile). */
ssize_t pread(int fd, void *buf, size_t count, off_t off)
{
	struct ofd *o = ofd_get(fd);
	if (!o)
		return -1;
	ssize_t n = -1;
	if (unseekable(o))
		;
	else if (off < 0)
		errno = EINVAL;
	else
		n = ofd_read(o, buf, count, off);
	ofd_put(o);
	return n;
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t off)
{
	struct ofd *o = ofd_get(fd);
	if (!o)
		return -1;
	ssize_t n = -1;
	if (unseekable(o))
		;
	else if (off < 0)
		errno = EINVAL;
	else
		n = ofd_write(o, buf, count, off);
	ofd_put(o);
	return n;
}
