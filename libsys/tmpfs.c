/* tmpfs: writable files and directories in memory, as Linux mounts at
 * /tmp and /dev/shm, on the pager's named shared memory objects (one
 * namespace for every process, pager/pshm.c).  A file is an object named
 * by its normal absolute path ("/tmp/x"; a file directly in /dev/shm by
 * its last part alone, which makes it shm_open's object of that name); a
 * directory is an object named by its path and '/' ("/tmp/d/": no frames,
 * size 0).  "/", "/tmp" and "/dev/shm" always are.  An open file is a
 * shm.c object behind an OFD_SHM description (read, write, lseek, fstat,
 * ftruncate, mmap are shm.c's and files.c's); unlink drops the name and
 * the object lives while a descriptor or a mapping holds it, anywhere.
 * Also here: the current directory, unlink, rename, mkdir, rmdir, the
 * *at calls, opendir/readdir, mkstemp, umask and the sync calls (no-ops:
 * there is no disk behind these files, so every write is already where
 * every reader looks). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "abi/err.h"
#include "abi/pager.h"
#include "sys/unistd.h" /* initrd_stat */
#include "libsys.h"

#define PMAX LIBSYS_PATH_MAX
#define SHM_NAME_MAX 255 /* the pager's longest name */

static char cwd[PMAX] = "/";

char *libsys_cwd(void)
{
	return cwd;
}

static mode_t cur_umask = 022;

/* 0 if the caller's path is a readable string shorter than PMAX, else
 * EFAULT (as Linux for an unreadable one, not a fault) or ENAMETOOLONG. */
static int path_readable(const char *path)
{
	int keep = errno;
	if (libsys_user_strlen(path, PMAX) >= 0)
		return 0;
	int e = errno == E2BIG ? ENAMETOOLONG : EFAULT;
	errno = keep;
	return e;
}

/* libsys_path of a path known readable. */
static int resolve(const char *path, char out[PMAX])
{
	if (!*path)
		return ENOENT;
	char tmp[2 * PMAX];
	size_t n = 0;
	if (*path != '/') {
		n = strlen(cwd);
		memcpy(tmp, cwd, n);
	}
	size_t plen = strlen(path);
	if (plen >= PMAX)
		return ENAMETOOLONG;
	tmp[n++] = '/';
	memcpy(tmp + n, path, plen + 1);
	size_t o = 0; /* out: "" or "/a/b" */
	for (char *c = tmp; *c;) {
		while (*c == '/')
			c++;
		char *e = c;
		while (*e && *e != '/')
			e++;
		size_t len = (size_t)(e - c);
		if (len == 0 || (len == 1 && c[0] == '.')) {
		} else if (len == 2 && c[0] == '.' && c[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			if (o + 1 + len >= PMAX)
				return ENAMETOOLONG;
			out[o++] = '/';
			memcpy(out + o, c, len);
			o += len;
		}
		c = e;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

int libsys_path(const char *path, char out[PMAX])
{
	int pe = path_readable(path);
	return pe ? pe : resolve(path, out);
}

int libsys_path_at(int dirfd, const char *path, char out[PMAX])
{
	int pe = path_readable(path);
	if (pe)
		return pe;
	if (*path == '/' || dirfd == AT_FDCWD)
		return resolve(path, out);
	const char *d = libsys_fd_dir(dirfd);
	if (!d)
		return errno;
	if (!*path)
		return ENOENT;
	char tmp[2 * PMAX];
	size_t dl = strlen(d), pl = strlen(path);
	if (dl + pl + 2 > sizeof tmp)
		return ENAMETOOLONG;
	memcpy(tmp, d, dl);
	tmp[dl] = '/';
	memcpy(tmp + dl + 1, path, pl + 1);
	return resolve(tmp, out);
}

/* The object name of file abs into buf (PMAX bytes): abs, or for
 * /dev/shm/X its last part X (shm_open's name). */
static const char *file_name(const char *abs, char *buf)
{
	const char *p = abs + 9;
	if (!strncmp(abs, "/dev/shm/", 9) && *p && !strchr(p, '/'))
		return strcpy(buf, p);
	return strcpy(buf, abs);
}

/* The object name of directory abs into buf (PMAX + 1 bytes): abs and '/'. */
static const char *dir_name(const char *abs, char *buf)
{
	size_t n = strlen(abs);
	memcpy(buf, abs, n);
	buf[n] = '/';
	buf[n + 1] = '\0';
	return buf;
}

/* The size of the object called name, its number and its names (ino may
 * be NULL): E_OK or E_NOENT. */
static int obj_stat3(const char *name, uint64_t *size, uint64_t *ino, uint64_t *names)
{
	size_t len = strlen(name) + 1;
	if (len > SHM_NAME_MAX + 1)
		return E_NOENT;
	memcpy(libsys_ipc_buf(), name, len);
	struct sys_msg m = { .label = IPC_LABEL(PG_PSH_STAT, len) };
	int e = libsys_pg_call(&m);
	if (e == E_OK) {
		*size = m.w[0];
		if (ino)
			*ino = m.w[1], *names = m.w[2];
	}
	return e;
}


/* The first name past after ("": the first; strcmp order) starting with
 * prefix into out (PMAX + 1 bytes; may be after: a walk passes back the
 * name it got, and goes on there whatever came or went), its size;
 * E_NOENT none left. */
static int obj_next(const char *after, const char *prefix, char *out, uint64_t *size)
{
	size_t a = strlen(prefix) + 1, b = strlen(after) + 1;
	char *buf = libsys_ipc_buf();
	memcpy(buf, prefix, a);
	memcpy(buf + a, after, b);
	struct sys_msg m = { .label = IPC_LABEL(PG_PSH_LIST, a + b) };
	int e = libsys_pg_call(&m);
	if (e)
		return e;
	size_t n = IPC_LABEL_LEN(m.label);
	if (n == 0 || n > SHM_NAME_MAX + 1)
		return E_NOENT;
	memcpy(out, libsys_ipc_buf(), n);
	out[n - 1] = '\0';
	*size = m.w[1];
	return E_OK;
}

static int obj_unlink(const char *name)
{
	size_t len = strlen(name) + 1;
	memcpy(libsys_ipc_buf(), name, len);
	struct sys_msg m = { .label = IPC_LABEL(PG_PSH_UNLINK, len) };
	return libsys_pg_call(&m);
}

static int obj_rename(const char *old, const char *new)
{
	size_t a = strlen(old) + 1, b = strlen(new) + 1;
	char *buf = libsys_ipc_buf();
	memcpy(buf, old, a);
	memcpy(buf + a, new, b);
	struct sys_msg m = { .label = IPC_LABEL(PG_PSH_RENAME, a + b) };
	return libsys_pg_call(&m);
}

/* The directories that always are. */
static int builtin_dir(const char *abs)
{
	return !strcmp(abs, "/") || !strcmp(abs, "/tmp") || !strcmp(abs, "/dev/shm");
}

int libsys_tmpfs_stat(const char *abs, uint64_t *size, uint64_t *ino, uint64_t *nlink)
{
	char buf[PMAX + 1];
	*ino = 2 + (uint64_t)(abs[1] == 't') + 2 * (uint64_t)(abs[1] == 'd'); /* "/", /tmp, /dev/shm */
	*nlink = 2;
	if (builtin_dir(abs))
		return LIBSYS_T_DIR;
	if (strlen(abs) >= SHM_NAME_MAX)
		return LIBSYS_T_NONE;
	if (obj_stat3(dir_name(abs, buf), size, ino, nlink) == E_OK) {
		*nlink = 2;
		return LIBSYS_T_DIR;
	}
	if (obj_stat3(file_name(abs, buf), size, ino, nlink) == E_OK)
		return LIBSYS_T_FILE;
	return LIBSYS_T_NONE;
}

int libsys_tmpfs_kind(const char *abs, uint64_t *size)
{
	uint64_t ino, nlink;
	return libsys_tmpfs_stat(abs, size, &ino, &nlink);
}

/* The path of what name (an object name) stands for into out (PMAX + 16
 * bytes); 1 if a directory. */
static int name_path(const char *name, char *out)
{
	if (name[0] == '/')
		strcpy(out, name);
	else
		strcpy(out, "/dev/shm/"), strcat(out, name);
	size_t n = strlen(out);
	if (n > 1 && out[n - 1] == '/') {
		out[n - 1] = '\0';
		return 1;
	}
	return 0;
}

int libsys_tmpfs_path_of(uint64_t ino, char *out, size_t cap)
{
	char path[PMAX + 16], name[PMAX + 1] = "";
	uint64_t size, oino, names;
	while (obj_next(name, "", name, &size) == E_OK)
		if (obj_stat3(name, &size, &oino, &names) == E_OK && oino == ino) {
			if (name_path(name, path)) /* a directory: not a mapping's */
				continue;
			snprintf(out, cap, "%s", path);
			return 1;
		}
	return 0;
}

void libsys_tmpfs_link(const char *name, uint64_t ino, char *out, size_t cap)
{
	char path[PMAX + 16], other[PMAX + 1] = "";
	uint64_t size, oino, names;
	name_path(name, path);
	if (obj_stat3(name, &size, &oino, &names) == E_OK && oino == ino) {
		snprintf(out, cap, "%s", path);
		return;
	}
	/* renamed: the name of the same object now (a walk of every name) */
	while (obj_next(other, "", other, &size) == E_OK)
		if (obj_stat3(other, &size, &oino, &names) == E_OK && oino == ino) {
			name_path(other, path);
			snprintf(out, cap, "%s", path);
			return;
		}
	snprintf(out, cap, "%s (deleted)", path);
}

/* abs's parent into out. */
static void parent_of(const char *abs, char *out)
{
	strcpy(out, abs);
	char *s = strrchr(out, '/');
	if (s == out)
		out[1] = '\0';
	else
		*s = '\0';
}

/* Whether abs's parent is a directory a file may be made in: 0, or an
 * errno (ENOENT none, ENOTDIR a file, EACCES /dev, /proc, /sys). */
static int parent_ok(const char *abs)
{
	char p[PMAX];
	uint64_t size;
	parent_of(abs, p);
	if (libsys_special(p))
		return EACCES;
	if (p[1] && libsys_initrd_has(p + 1))
		return ENOTDIR;
	int k = libsys_tmpfs_kind(p, &size);
	return k == LIBSYS_T_DIR ? 0 : k == LIBSYS_T_FILE ? ENOTDIR : ENOENT;
}

/* Whether directory abs has nothing in it. */
static int dir_empty(const char *abs)
{
	char prefix[PMAX + 1], name[PMAX + 1] = "";
	uint64_t size;
	if (!strcmp(abs, "/dev/shm") || !strcmp(abs, "/"))
		return 0;
	dir_name(abs, prefix);
	while (obj_next(name, prefix, name, &size) == E_OK)
		if (strcmp(name, prefix)) /* not the directory's own name */
			return 0;
	return 1;
}

int libsys_tmpfs_open(const char *abs, int flags)
{
	uint64_t size;
	char name[PMAX + 1];
	int k = libsys_tmpfs_kind(abs, &size);
	if (k == LIBSYS_T_FILE && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) {
		errno = EEXIST;
		return -1;
	}
	if (k == LIBSYS_T_FILE && (flags & O_DIRECTORY)) {
		errno = ENOTDIR;
		return -1;
	}
	if (k == LIBSYS_T_NONE) {
		int e = (flags & O_CREAT) ? parent_ok(abs) : ENOENT;
		if (!e && strlen(abs) >= SHM_NAME_MAX)
			e = ENAMETOOLONG;
		if (e) {
			errno = e;
			return -1;
		}
	}
	uint64_t fl = (flags & O_CREAT) ? PG_PSH_CREAT : 0;
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		fl |= PG_PSH_EXCL;
	int made, i = libsys_shm_open_obj(file_name(abs, name), fl, &made);
	if (i < 0)
		return -1;
	int fd = libsys_fd_new_file(i + 1, flags, name);
	if (fd < 0) {
		libsys_shm_close(i + 1);
		return -1;
	}
	if ((flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY)
		libsys_shm_set_size(i + 1, 0);
	return fd;
}

/* errno e and -1. */
static int fail(int e)
{
	errno = e;
	return -1;
}

/* What abs is, all kinds: LIBSYS_T_* or 3 an initrd file, 4 special. */
enum { K_INITRD = 3, K_SPECIAL = 4 };
static int kind_of(const char *abs, uint64_t *size)
{
	if (libsys_special(abs))
		return K_SPECIAL;
	if (abs[1] && libsys_initrd_has(abs + 1))
		return K_INITRD;
	return libsys_tmpfs_kind(abs, size);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	char abs[PMAX], name[PMAX + 1];
	uint64_t size;
	if (flags & ~AT_REMOVEDIR)
		return fail(EINVAL);
	int e = libsys_path_at(dirfd, path, abs);
	if (e)
		return fail(e);
	int k = kind_of(abs, &size);
	if (flags & AT_REMOVEDIR) {
		if (builtin_dir(abs) || !strcmp(abs, "/dev"))
			return fail(EBUSY);
		if (k == K_SPECIAL || k == K_INITRD || k == LIBSYS_T_FILE)
			return fail(k == K_SPECIAL ? EACCES : ENOTDIR);
		if (k == LIBSYS_T_NONE)
			return fail(ENOENT);
		if (!dir_empty(abs))
			return fail(ENOTEMPTY);
		return libsys_fail(obj_unlink(dir_name(abs, name)));
	}
	if (k == LIBSYS_T_DIR)
		return fail(EISDIR);
	if (k == K_INITRD)
		return fail(EROFS);
	if (k == K_SPECIAL)
		return fail(strcmp(abs, "/dev") && stat(abs, &(struct stat){ 0 }) ? ENOENT : EACCES);
	if (k == LIBSYS_T_NONE)
		return fail(parent_ok(abs) == ENOTDIR ? ENOTDIR : ENOENT);
	return libsys_fail(obj_unlink(file_name(abs, name)));
}

int unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

int rmdir(const char *path)
{
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

int remove(const char *path)
{
	int r = unlink(path);
	return r && errno == EISDIR ? rmdir(path) : r;
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	(void)mode; /* one user: modes are not kept */
	char abs[PMAX], name[PMAX + 1];
	uint64_t size;
	int e = libsys_path_at(dirfd, path, abs);
	if (e)
		return fail(e);
	int k = kind_of(abs, &size);
	if (k == K_SPECIAL)
		return fail(stat(abs, &(struct stat){ 0 }) ? EACCES : EEXIST);
	if (k != LIBSYS_T_NONE)
		return fail(EEXIST);
	if ((e = parent_ok(abs)))
		return fail(e);
	if (strlen(abs) + 1 > SHM_NAME_MAX)
		return fail(ENAMETOOLONG);
	char *base;
	int made;
	if (libsys_psh_open(dir_name(abs, name), PG_PSH_CREAT | PG_PSH_EXCL, NULL, &base, &made))
		return -1;
	munmap(base, PG_PSH_SPAN); /* the name holds it */
	return 0;
}

int mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

/* Whether every name under directory old fits the pager's names once
 * old's prefix is new's (0, or ENAMETOOLONG). */
static int names_fit(const char *old, const char *new)
{
	char prefix[PMAX + 1], name[PMAX + 1] = "";
	uint64_t size;
	size_t ol = strlen(old), nl = strlen(new);
	dir_name(old, prefix);
	while (obj_next(name, prefix, name, &size) == E_OK)
		if (strlen(name) - ol + nl > SHM_NAME_MAX)
			return ENAMETOOLONG;
	return 0;
}

/* rename of directory old to new (new none, or an empty directory that
 * is taken away first): its name and every name under it.  Every new name
 * is checked first (ENAMETOOLONG): nothing is renamed then, nothing lost. */
static int rename_dir(const char *old, const char *new, int new_kind)
{
	char a[PMAX + 1], b[PMAX + 1], prefix[PMAX + 1], name[PMAX + 1] = "", to[2 * PMAX];
	uint64_t size;
	int e = names_fit(old, new);
	if (e)
		return fail(e);
	if (new_kind == LIBSYS_T_DIR)
		obj_unlink(dir_name(new, b));
	if ((e = obj_rename(dir_name(old, a), dir_name(new, b))))
		return libsys_fail(e);
	dir_name(old, prefix);
	size_t pl = strlen(prefix);
	/* a renamed name has left the prefix: the walk goes on past it */
	while (obj_next(name, prefix, name, &size) == E_OK) {
		snprintf(to, sizeof to, "%s/%s", new, name + pl);
		if (obj_rename(name, to))
			return fail(EIO); /* cannot be: checked above, no allocation */
	}
	return 0;
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	char old[PMAX], new[PMAX], a[PMAX + 1], b[PMAX + 1];
	uint64_t size;
	int e = libsys_path_at(olddirfd, oldpath, old);
	if (!e)
		e = libsys_path_at(newdirfd, newpath, new);
	if (e)
		return fail(e);
	int ko = kind_of(old, &size), kn = kind_of(new, &size);
	if (ko == K_INITRD || kn == K_INITRD)
		return fail(EROFS);
	if (ko == K_SPECIAL || kn == K_SPECIAL)
		return fail(EXDEV);
	if (ko == LIBSYS_T_NONE)
		return fail(ENOENT);
	if (builtin_dir(old) || builtin_dir(new))
		return fail(EBUSY);
	if (!strcmp(old, new))
		return 0;
	if ((e = parent_ok(new)))
		return fail(e);
	if (ko == LIBSYS_T_FILE) {
		if (kn == LIBSYS_T_DIR)
			return fail(EISDIR);
		if ((e = obj_rename(file_name(old, a), file_name(new, b))))
			return libsys_fail(e);
		libsys_fd_renamed(a, b);
		return 0;
	}
	size_t ol = strlen(old);
	if (!strncmp(new, old, ol) && new[ol] == '/')
		return fail(EINVAL); /* into itself */
	if (kn == LIBSYS_T_FILE)
		return fail(ENOTDIR);
	if (kn == LIBSYS_T_DIR && !dir_empty(new))
		return fail(ENOTEMPTY);
	if (rename_dir(old, new, kn))
		return -1;
	libsys_fd_renamed(dir_name(old, a), dir_name(new, b));
	return 0;
}

int rename(const char *oldpath, const char *newpath)
{
	return renameat(AT_FDCWD, oldpath, AT_FDCWD, newpath);
}

int creat(const char *path, mode_t mode)
{
	return open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	char abs[PMAX];
	int e = libsys_path_at(dirfd, path, abs);
	return e ? fail(e) : open(abs, flags, 0666);
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	char abs[PMAX];
	if ((flags & AT_EMPTY_PATH) && path && !*path)
		return fstat(dirfd, st);
	int e = libsys_path_at(dirfd, path, abs);
	return e ? fail(e) : stat(abs, st);
}

mode_t umask(mode_t mask)
{
	mode_t old = cur_umask;
	cur_umask = mask & 0777;
	return old;
}

/* The data is in memory, where every reader looks: nothing to write back. */
int fsync(int fd)
{
	return fcntl(fd, F_GETFD) < 0 ? -1 : 0;
}

int fdatasync(int fd)
{
	return fsync(fd);
}

void sync(void)
{
}

int chdir(const char *path)
{
	char abs[PMAX];
	struct stat st;
	int e = libsys_path(path, abs);
	if (e)
		return fail(e);
	if (stat(abs, &st))
		return -1;
	if (!S_ISDIR(st.st_mode))
		return fail(ENOTDIR);
	strcpy(cwd, abs);
	return 0;
}

int fchdir(int fd)
{
	const char *d = libsys_fd_dir(fd);
	if (!d)
		return -1;
	strcpy(cwd, d);
	return 0;
}

char *getcwd(char *buf, size_t size)
{
	size_t n = strlen(cwd) + 1;
	if (!buf) {
		buf = malloc(size > n ? size : n);
		if (!buf) {
			errno = ENOMEM;
			return NULL;
		}
	} else if (size < n) {
		errno = size ? ERANGE : EINVAL;
		return NULL;
	}
	memcpy(buf, cwd, n);
	return buf;
}

/* mkstemp's and mkdtemp's work: the last six 'X's of t replaced until
 * make(t) is not EEXIST (at most 1000 tries). */
static int make_temp(char *t, int (*make)(const char *))
{
	size_t n = t ? strlen(t) : 0;
	if (n < 6 || strcmp(t + n - 6, "XXXXXX"))
		return fail(EINVAL);
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	for (int tries = 0; tries < 1000; tries++) {
		uint32_t lo, hi;
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		uint64_t r = ((uint64_t)hi << 32 | lo) * 0x9e3779b97f4a7c15ull + (uint64_t)tries * 7919;
		for (int i = 0; i < 6; i++, r /= 62)
			t[n - 6 + i] = set[r % 62];
		int fd = make(t);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return fail(EEXIST);
}

static int make_file(const char *t)
{
	return open(t, O_RDWR | O_CREAT | O_EXCL, 0600);
}

static int make_dir(const char *t)
{
	return mkdir(t, 0700);
}

int mkstemp(char *t)
{
	return make_temp(t, make_file);
}

char *mkdtemp(char *t)
{
	return make_temp(t, make_dir) ? NULL : t;
}

/* ---- dirent.h ---- */

struct __dirstream {
	int fd;
	int phase;     /* 0 ".", 1 "..", 2 fixed entries, 3 the initrd, 4 objects, 5 end */
	size_t at;     /* the phase's position */
	uint64_t pat;  /* /proc's directories: procfs.c's position */
	char last[PMAX + 1]; /* objects: the name given last ("" none yet) */
	char path[PMAX];
	struct dirent ent;
};

/* The fixed entries of directory abs (NULL-terminated). */
static const char *const *fixed_of(const char *abs, unsigned char *type)
{
	static const char *const root[] = { "dev", "proc", "sys", "tmp", NULL };
	static const char *const dev[] = { "shm", "null", "zero", "random", "urandom", NULL };
	static const char *const none[] = { NULL };
	*type = DT_DIR;
	if (!strcmp(abs, "/"))
		return root;
	return !strcmp(abs, "/dev") ? dev : none;
}

/* Entry name of type into d->ent. */
static struct dirent *emit(DIR *d, const char *name, unsigned char type)
{
	uint64_t h = 1469598103934665603ull;
	for (const char *c = d->path; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ull;
	for (const char *c = name; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ull;
	d->ent.d_ino = (h >> 1) | 1;
	d->ent.d_off = (off_t)(d->phase * 1000000 + d->at);
	d->ent.d_reclen = sizeof d->ent;
	d->ent.d_type = type;
	strncpy(d->ent.d_name, name, sizeof d->ent.d_name - 1);
	d->ent.d_name[sizeof d->ent.d_name - 1] = '\0';
	return &d->ent;
}

struct dirent *readdir(DIR *d)
{
	char name[PMAX + 1], path[PMAX + 32], parent[PMAX + 32];
	uint64_t size;
	unsigned char type;
	for (;;) {
		switch (d->phase) {
		case 0:
		case 1:
			d->phase++;
			return emit(d, d->phase == 1 ? "." : "..", DT_DIR);
		case 2: {
			if (!strncmp(d->path, "/proc", 5) && (!d->path[5] || d->path[5] == '/')) {
				if (libsys_procfs_dirent(d->path, &d->pat, name, sizeof name, &type)) {
					d->at = (size_t)d->pat; /* d_off */
					return emit(d, name, type);
				}
				d->phase = 5;
				break;
			}
			const char *const *f = fixed_of(d->path, &type);
			if (f[d->at]) {
				const char *n = f[d->at++];
				return emit(d, n, !strcmp(d->path, "/dev") && strcmp(n, "shm") ? DT_CHR :
						  type);
			}
			d->phase = strcmp(d->path, "/") ? 4 : 3;
			d->at = 0;
			break;
		}
		case 3:
			if (initrd_stat((unsigned)d->at, name, sizeof name, &size) == E_OK) {
				d->at++;
				return emit(d, name, DT_REG);
			}
			d->phase = 4;
			d->at = 0;
			break;
		case 4: {
			char prefix[PMAX + 1];
			if (!strcmp(d->path, "/dev/shm"))
				prefix[0] = '\0';
			else
				dir_name(strcmp(d->path, "/") ? d->path : "", prefix);
			/* past the last name: what is unlinked meanwhile
			 * (rm -rf) shifts nothing */
			while (obj_next(d->last, prefix, d->last, &size) == E_OK) {
				int isdir = name_path(d->last, path);
				parent_of(path, parent);
				d->at++;
				if (!strcmp(parent, d->path) && strcmp(path, d->path))
					return emit(d, strrchr(path, '/') + 1, isdir ? DT_DIR : DT_REG);
			}
			d->phase = 5;
			break;
		}
		default:
			return NULL;
		}
	}
}

DIR *fdopendir(int fd)
{
	const char *p = libsys_fd_dir(fd);
	if (!p)
		return NULL;
	DIR *d = calloc(1, sizeof *d);
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	d->fd = fd;
	strcpy(d->path, p);
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	DIR *d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

int closedir(DIR *d)
{
	if (!d)
		return fail(EINVAL);
	int r = close(d->fd);
	free(d);
	return r;
}

void rewinddir(DIR *d)
{
	d->phase = 0;
	d->at = 0;
	d->pat = 0;
	d->last[0] = '\0';
}

int dirfd(DIR *d)
{
	return d->fd;
}
