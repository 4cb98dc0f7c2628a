/* Still more of libc, for Linux programs that call it (each was missing:
 * a program that called one did not link): user and group ids kept per
 * process (no permission is ever checked against them), realpath,
 * mkostemp/mktemp/tmpnam, scandir/alphasort/versionsort/readdir_r,
 * stpncpy/strverscmp, pathconf, ttyname, getlogin_r, nice, getloadavg,
 * quick_exit, getsubopt, posix_fallocate/fallocate/posix_fadvise, syncfs,
 * lockf (over flock: the whole file), eaccess, the System V signal calls
 * (sighold, sigrelse, sigignore, sigset, siginterrupt), psiginfo,
 * fgetpos/fsetpos, pthread_yield, pthread_cond_clockwait,
 * pthread_mutex_clocklock, pthread_mutexattr_setprotocol. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <sys/time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "libsys.h"

/* ---- ids: root until a program says otherwise (fork copies them) ---- */

static uid_t ruid, euid, suid;
static gid_t rgid, egid, sgid;
static gid_t groups[32];
static int ngroups;

uid_t getuid(void) { return ruid; }
uid_t geteuid(void) { return euid; }
gid_t getgid(void) { return rgid; }
gid_t getegid(void) { return egid; }

/* -1 keeps a value (the setres* calls' convention). */
#define KEEP ((unsigned)-1)

/* The set*id rule of Linux: a privileged caller (effective id 0) may set
 * any; another may only take one of its real, effective or saved ids. */
static int set_ids(unsigned *r, unsigned *e, unsigned *s, unsigned nr, unsigned ne,
		   unsigned ns, int privileged)
{
	unsigned want[3] = { nr, ne, ns };
	for (int i = 0; i < 3; i++)
		if (want[i] != KEEP && !privileged && want[i] != *r && want[i] != *e &&
		    want[i] != *s) {
			errno = EPERM;
			return -1;
		}
	if (nr != KEEP)
		*r = nr;
	if (ne != KEEP)
		*e = ne;
	if (ns != KEEP)
		*s = ns;
	return 0;
}

int setresuid(uid_t r, uid_t e, uid_t s) { return set_ids(&ruid, &euid, &suid, r, e, s, euid == 0); }
int setresgid(gid_t r, gid_t e, gid_t s) { return set_ids(&rgid, &egid, &sgid, r, e, s, euid == 0); }

int setuid(uid_t u)
{
	return euid == 0 ? setresuid(u, u, u) : setresuid(KEEP, u, KEEP);
}

int setgid(gid_t g)
{
	return euid == 0 ? setresgid(g, g, g) : setresgid(KEEP, g, KEEP);
}

int seteuid(uid_t u) { return setresuid(KEEP, u, KEEP); }
int setegid(gid_t g) { return setresgid(KEEP, g, KEEP); }

/* setreuid: a real id set, or an effective one other than the real,
 * makes the saved id the new effective one. */
int setreuid(uid_t r, uid_t e)
{
	unsigned s = (r != KEEP || (e != KEEP && e != ruid)) ? (e != KEEP ? e : euid) : KEEP;
	return setresuid(r, e, s);
}

int setregid(gid_t r, gid_t e)
{
	unsigned s = (r != KEEP || (e != KEEP && e != rgid)) ? (e != KEEP ? e : egid) : KEEP;
	return setresgid(r, e, s);
}

int getresuid(uid_t *r, uid_t *e, uid_t *s)
{
	*r = ruid, *e = euid, *s = suid;
	return 0;
}

int getresgid(gid_t *r, gid_t *e, gid_t *s)
{
	*r = rgid, *e = egid, *s = sgid;
	return 0;
}

int getgroups(int size, gid_t list[])
{
	if (size == 0)
		return ngroups;
	if (size < ngroups) {
		errno = EINVAL;
		return -1;
	}
	memcpy(list, groups, (size_t)ngroups * sizeof list[0]);
	return ngroups;
}

int setgroups(size_t size, const gid_t *list)
{
	if (euid != 0) {
		errno = EPERM;
		return -1;
	}
	if (size > sizeof groups / sizeof groups[0]) {
		errno = EINVAL;
		return -1;
	}
	memcpy(groups, list, size * sizeof list[0]);
	ngroups = (int)size;
	return 0;
}

/* ---- paths and temporary names ---- */

char *realpath(const char *path, char *resolved)
{
	char abs[LIBSYS_PATH_MAX];
	struct stat st;
	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	if (libsys_path(path, abs) || stat(abs, &st) != 0)
		return NULL; /* (their errno: ENOENT, ENAMETOOLONG, ENOTDIR) */
	if (!resolved && !(resolved = malloc(PATH_MAX)))
		return NULL;
	size_t n = strlen(abs);
	memcpy(resolved, abs, n < PATH_MAX ? n + 1 : PATH_MAX);
	resolved[PATH_MAX - 1] = '\0';
	return resolved;
}

int mkostemp(char *template, int flags)
{
	int fd = mkstemp(template);
	if (fd < 0)
		return -1;
	if (flags & O_APPEND)
		fcntl(fd, F_SETFL, O_APPEND);
	if (flags & O_CLOEXEC)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

/* A name like template's that no file has (made, then removed: the name
 * may be taken by the time the caller uses it, as mktemp warns). */
char *mktemp(char *template)
{
	int fd = mkstemp(template);
	if (fd < 0) {
		if (template && *template)
			template[0] = '\0';
		return template;
	}
	close(fd);
	unlink(template);
	return template;
}

char *tmpnam(char *buf)
{
	static char mine[L_tmpnam];
	char *out = buf ? buf : mine;
	strcpy(out, P_tmpdir "/tmpXXXXXX");
	return *mktemp(out) ? out : NULL;
}

/* ---- directories ---- */

int readdir_r(DIR *d, struct dirent *entry, struct dirent **result)
{
	int saved = errno;
	errno = 0;
	struct dirent *e = readdir(d);
	int err = errno;
	errno = saved;
	if (!e) {
		*result = NULL;
		return err;
	}
	memcpy(entry, e, sizeof *entry);
	*result = entry;
	return 0;
}

int alphasort(const struct dirent **a, const struct dirent **b)
{
	return strcoll((*a)->d_name, (*b)->d_name);
}

int versionsort(const struct dirent **a, const struct dirent **b)
{
	return strverscmp((*a)->d_name, (*b)->d_name);
}

int scandir(const char *path, struct dirent ***list,
	    int (*keep)(const struct dirent *),
	    int (*cmp)(const struct dirent **, const struct dirent **))
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	struct dirent **v = NULL, *e;
	size_t n = 0, cap = 0;
	int err = 0;
	errno = 0;
	while ((e = readdir(d))) {
		if (keep && !keep(e))
			continue;
		if (n == cap) {
			struct dirent **w = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *v);
			if (!w) {
				err = ENOMEM;
				break;
			}
			v = w;
		}
		if (!(v[n] = malloc(sizeof *e))) {
			err = ENOMEM;
			break;
		}
		memcpy(v[n++], e, sizeof *e);
		errno = 0;
	}
	if (!err)
		err = errno;
	closedir(d);
	if (err || n > INT_MAX) {
		while (n)
			free(v[--n]);
		free(v);
		errno = err ? err : EOVERFLOW;
		return -1;
	}
	if (cmp && n > 1)
		qsort(v, n, sizeof *v, (int (*)(const void *, const void *))cmp);
	*list = v;
	return (int)n;
}

/* ---- strings ---- */

char *stpncpy(char *d, const char *s, size_t n)
{
	size_t k = strnlen(s, n);
	memcpy(d, s, k);
	memset(d + k, 0, n - k);
	return d + k;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* strverscmp: as strcmp, but digit runs compare as numbers ("a9" < "a10");
 * runs with leading zeros compare as fractions ("09" < "1", "001" < "01"),
 * as glibc. */
int strverscmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	while (*p && *p == *q && !is_digit((char)*p))
		p++, q++;
	/* back to the start of a digit run both share */
	while (p > (const unsigned char *)a && is_digit((char)p[-1]) && p[-1] == q[-1] &&
	       (is_digit((char)*p) || is_digit((char)*q)))
		p--, q--;
	if (!is_digit((char)*p) || !is_digit((char)*q)) {
		for (; *p && *p == *q; p++, q++)
			if (is_digit((char)*p) && is_digit((char)*q))
				return strverscmp((const char *)p, (const char *)q);
		return *p - *q;
	}
	size_t zp = 0, zq = 0;
	while (p[zp] == '0')
		zp++;
	while (q[zq] == '0')
		zq++;
	if (zp || zq) { /* fractional parts: more leading zeros is smaller */
		if (zp != zq)
			return zp > zq ? -1 : 1;
		for (; is_digit((char)*p) && *p == *q; p++, q++)
			;
		if (is_digit((char)*p) && is_digit((char)*q))
			return *p - *q;
		if (is_digit((char)*p) || is_digit((char)*q))
			return is_digit((char)*p) ? 1 : -1;
		return strverscmp((const char *)p, (const char *)q);
	}
	size_t lp = 0, lq = 0;
	while (is_digit((char)p[lp]))
		lp++;
	while (is_digit((char)q[lq]))
		lq++;
	if (lp != lq)
		return lp < lq ? -1 : 1;
	int c = memcmp(p, q, lp);
	return c ? c : strverscmp((const char *)p + lp, (const char *)q + lq);
}

/* ---- files ---- */

long fpathconf(int fd, int name)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -1;
	return pathconf("/", name);
}

long pathconf(const char *path, int name)
{
	struct stat st;
	if (path && stat(path, &st) != 0)
		return -1;
	switch (name) {
	case _PC_LINK_MAX: return 1;
	case _PC_MAX_CANON: case _PC_MAX_INPUT: return 255;
	case _PC_NAME_MAX: return 255;
	case _PC_PATH_MAX: return PATH_MAX;
	case _PC_PIPE_BUF: return PIPE_BUF;
	case _PC_CHOWN_RESTRICTED: case _PC_NO_TRUNC: return 1;
	case _PC_VDISABLE: return 0;
	case _PC_FILESIZEBITS: return 64;
	default:
		errno = EINVAL;
		return -1;
	}
}

int posix_fallocate(int fd, off_t off, off_t len)
{
	struct stat st;
	if (off < 0 || len <= 0)
		return EINVAL;
	if (fstat(fd, &st) != 0)
		return EBADF;
	if (S_ISFIFO(st.st_mode))
		return ESPIPE;
	if (!S_ISREG(st.st_mode))
		return ENODEV;
	if (off + len > st.st_size && ftruncate(fd, off + len) != 0)
		return errno == EINVAL ? EBADF : errno;
	return 0;
}

int fallocate(int fd, int mode, off_t off, off_t len)
{
	if (mode & ~1) { /* only FALLOC_FL_KEEP_SIZE (1) */
		errno = EOPNOTSUPP;
		return -1;
	}
	if (mode) {
		struct stat st;
		return fstat(fd, &st);
	}
	int e = posix_fallocate(fd, off, len);
	if (e) {
		errno = e;
		return -1;
	}
	return 0;
}

int posix_fadvise(int fd, off_t off, off_t len, int advice)
{
	struct stat st;
	(void)off;
	if (fstat(fd, &st) != 0)
		return EBADF;
	if (S_ISFIFO(st.st_mode))
		return ESPIPE;
	if (len < 0 || advice < 0 || advice > 5)
		return EINVAL;
	return 0;
}

int syncfs(int fd)
{
	struct stat st;
	return fstat(fd, &st);
}

/* lockf over flock: the lock covers the whole file whatever len says,
 * and belongs to the descriptor's open file description. */
int lockf(int fd, int cmd, off_t len)
{
	(void)len;
	switch (cmd) {
	case F_ULOCK: return flock(fd, LOCK_UN);
	case F_LOCK: return flock(fd, LOCK_EX);
	case F_TLOCK:
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno == EWOULDBLOCK)
			errno = EACCES;
		return -1;
	case F_TEST: {
		struct stat st;
		return fstat(fd, &st);
	}
	default:
		errno = EINVAL;
		return -1;
	}
}

int eaccess(const char *path, int mode)
{
	return access(path, mode);
}

int euidaccess(const char *path, int mode)
{
	return access(path, mode);
}

/* ---- the terminal and the user ---- */

int ttyname_r(int fd, char *buf, size_t len)
{
	if (!isatty(fd))
		return errno;
	if (len < sizeof "/dev/console")
		return ERANGE;
	strcpy(buf, "/dev/console");
	return 0;
}

char *ttyname(int fd)
{
	static char name[32];
	int e = ttyname_r(fd, name, sizeof name);
	if (e) {
		errno = e;
		return NULL;
	}
	return name;
}

int getlogin_r(char *buf, size_t len)
{
	const char *me = getlogin();
	if (strlen(me) + 1 > len)
		return ERANGE;
	strcpy(buf, me);
	return 0;
}

/* Programs all run at one priority: the value is kept, not applied. */
int nice(int inc)
{
	if (inc < 0 && euid != 0) {
		errno = EPERM;
		return -1;
	}
	if (setpriority(PRIO_PROCESS, 0, getpriority(PRIO_PROCESS, 0) + inc) != 0)
		return -1;
	return getpriority(PRIO_PROCESS, 0);
}

int getloadavg(double loads[], int n)
{
	struct sysinfo si;
	if (n < 0 || sysinfo(&si) != 0)
		return -1;
	if (n > 3)
		n = 3;
	for (int i = 0; i < n; i++)
		loads[i] = (double)si.loads[i] / 65536.0;
	return n;
}

/* ---- process end ---- */

#define QUICK_MAX 32
static void (*quick[QUICK_MAX])(void);
static int nquick;

int at_quick_exit(void (*fn)(void))
{
	int i = __atomic_fetch_add(&nquick, 1, __ATOMIC_ACQ_REL);
	if (i >= QUICK_MAX) {
		__atomic_fetch_sub(&nquick, 1, __ATOMIC_ACQ_REL);
		return -1;
	}
	quick[i] = fn;
	return 0;
}

_Noreturn void quick_exit(int status)
{
	for (int i = __atomic_load_n(&nquick, __ATOMIC_ACQUIRE); i-- > 0;)
		quick[i]();
	_Exit(status);
}

/* ---- getsubopt: "name" or "name=value", comma-separated ---- */

int getsubopt(char **optionp, char *const *tokens, char **valuep)
{
	char *s = *optionp, *end = strchr(s, ',');
	if (end)
		*end = '\0', *optionp = end + 1;
	else
		*optionp = s + strlen(s);
	char *eq = strchr(s, '=');
	size_t n = eq ? (size_t)(eq - s) : strlen(s);
	*valuep = eq ? eq + 1 : NULL;
	for (int i = 0; tokens[i]; i++)
		if (strlen(tokens[i]) == n && !strncmp(tokens[i], s, n))
			return i;
	*valuep = s; /* the whole unknown option, as glibc */
	return -1;
}

/* ---- the System V signal calls ---- */

static int mask_one(int how, int sig)
{
	sigset_t set;
	sigemptyset(&set);
	if (sigaddset(&set, sig))
		return -1;
	return sigprocmask(how, &set, NULL);
}

int sighold(int sig) { return mask_one(SIG_BLOCK, sig); }
int sigrelse(int sig) { return mask_one(SIG_UNBLOCK, sig); }

int sigignore(int sig)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };
	return sigaction(sig, &sa, NULL);
}

/* sigset: SIG_HOLD blocks sig (the action stays); any other disposition
 * is set and sig let through.  The old one: SIG_HOLD if sig was blocked. */
void (*sigset(int sig, void (*disp)(int)))(int)
{
	struct sigaction sa = { .sa_handler = disp }, old;
	sigset_t one, was;
	sigemptyset(&one);
	if (sigaddset(&one, sig) || sigaction(sig, NULL, &old) ||
	    sigprocmask(SIG_BLOCK, NULL, &was))
		return SIG_ERR;
	void (*prev)(int) = sigismember(&was, sig) ? SIG_HOLD : old.sa_handler;
	if (disp == SIG_HOLD)
		return sigprocmask(SIG_BLOCK, &one, NULL) ? SIG_ERR : prev;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) || sigprocmask(SIG_UNBLOCK, &one, NULL))
		return SIG_ERR;
	return prev;
}

int siginterrupt(int sig, int flag)
{
	struct sigaction sa;
	if (sigaction(sig, NULL, &sa))
		return -1;
	if (flag)
		sa.sa_flags &= ~SA_RESTART;
	else
		sa.sa_flags |= SA_RESTART;
	return sigaction(sig, &sa, NULL);
}

void psiginfo(const siginfo_t *info, const char *msg)
{
	psignal(info->si_signo, msg);
}

/* ---- stdio positions ---- */

int fgetpos(FILE *f, fpos_t *pos)
{
	long p = ftell(f);
	if (p < 0)
		return -1;
	pos->__pos = p;
	return 0;
}

int fsetpos(FILE *f, const fpos_t *pos)
{
	return fseek(f, (long)pos->__pos, SEEK_SET);
}

/* ---- threads ---- */

int pthread_yield(void)
{
	return sched_yield();
}

/* abstime on clock clk as a time on clock to (the same wait). */
static struct timespec on_clock(clockid_t clk, clockid_t to, const struct timespec *abstime)
{
	struct timespec a, b, r;
	clock_gettime(clk, &a);
	clock_gettime(to, &b);
	long long ns = (abstime->tv_sec - a.tv_sec) * 1000000000ll + (abstime->tv_nsec - a.tv_nsec);
	ns += b.tv_sec * 1000000000ll + b.tv_nsec;
	r.tv_sec = (time_t)(ns / 1000000000ll);
	r.tv_nsec = (long)(ns % 1000000000ll);
	if (r.tv_nsec < 0)
		r.tv_nsec += 1000000000l, r.tv_sec--;
	return r;
}

int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clk,
			   const struct timespec *abstime)
{
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
		return EINVAL;
	if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000l)
		return EINVAL;
	struct timespec t = on_clock(clk, c->clock, abstime);
	return pthread_cond_timedwait(c, m, &t);
}

int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk, const struct timespec *abstime)
{
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
		return EINVAL;
	if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000l)
		return EINVAL;
	struct timespec t = on_clock(clk, CLOCK_REALTIME, abstime);
	return pthread_mutex_timedlock(m, &t);
}

int pthread_mutexattr_setprotocol(pthread_mutexattr_t *a, int protocol)
{
	(void)a;
	return protocol == PTHREAD_PRIO_NONE ? 0 :
	       protocol == PTHREAD_PRIO_INHERIT || protocol == PTHREAD_PRIO_PROTECT ? ENOTSUP :
	       EINVAL;
}

int pthread_mutexattr_getprotocol(const pthread_mutexattr_t *a, int *protocol)
{
	(void)a;
	*protocol = PTHREAD_PRIO_NONE;
	return 0;
}

/* ---- <grp.h>: root's group ---- */

static char *no_members[] = { NULL };
static struct group root_group = { "root", "x", 0, no_members };

struct group *getgrgid(gid_t gid)
{
	return gid == 0 ? &root_group : NULL;
}

struct group *getgrnam(const char *name)
{
	return name && !strcmp(name, "root") ? &root_group : NULL;
}

/* ---- a few more ---- */

void *memccpy(void *d, const void *s, int c, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;
	for (size_t i = 0; i < n; i++)
		if ((dp[i] = sp[i]) == (unsigned char)c)
			return dp + i + 1;
	return NULL;
}

void swab(const void *from, void *to, ssize_t n)
{
	const unsigned char *f = from;
	unsigned char *t = to;
	for (ssize_t i = 0; i + 1 < n; i += 2) {
		unsigned char a = f[i];
		t[i] = f[i + 1];
		t[i + 1] = a;
	}
}

/* mkstemps/mkostemps: the six X's sit before a suffix of suffixlen
 * bytes; the name is tried as mkstemp's is (O_CREAT | O_EXCL). */
int mkostemps(char *template, int suffixlen, int flags)
{
	size_t n = template ? strlen(template) : 0;
	if (suffixlen < 0 || n < (size_t)suffixlen + 6 ||
	    memcmp(template + n - suffixlen - 6, "XXXXXX", 6)) {
		errno = EINVAL;
		return -1;
	}
	static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char *x = template + n - suffixlen - 6;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	uint64_t r = (uint64_t)now.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	for (int tries = 0; tries < 1000; tries++) {
		uint64_t v = r + (uint64_t)tries * 0x2545f4914f6cdd1dull;
		for (int i = 0; i < 6; i++, v /= 62)
			x[i] = set[v % 62];
		int fd = open(template, O_RDWR | O_CREAT | O_EXCL | (flags & (O_APPEND | O_CLOEXEC)), 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

int mkstemps(char *template, int suffixlen)
{
	return mkostemps(template, suffixlen, 0);
}

char *canonicalize_file_name(const char *path)
{
	return realpath(path, NULL);
}

time_t timelocal(struct tm *tm)
{
	return mktime(tm); /* (local time is UTC here) */
}

char *ctermid(char *s)
{
	static char mine[] = "/dev/tty";
	return s ? strcpy(s, "/dev/tty") : mine;
}

int sigisemptyset(const sigset_t *set)
{
	return *set == 0;
}

int sigandset(sigset_t *dest, const sigset_t *a, const sigset_t *b)
{
	*dest = *a & *b;
	return 0;
}

int sigorset(sigset_t *dest, const sigset_t *a, const sigset_t *b)
{
	*dest = *a | *b;
	return 0;
}

/* ualarm: setitimer's, in microseconds: what was left of the old one. */
useconds_t ualarm(useconds_t usecs, useconds_t interval)
{
	struct itimerval nv = { { interval / 1000000, interval % 1000000 },
				{ usecs / 1000000, usecs % 1000000 } }, ov;
	if (setitimer(ITIMER_REAL, &nv, &ov) != 0)
		return (useconds_t)-1;
	return (useconds_t)(ov.it_value.tv_sec * 1000000 + ov.it_value.tv_usec);
}

int sem_clockwait(sem_t *sem, clockid_t clk, const struct timespec *abstime)
{
	if (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC) {
		errno = EINVAL;
		return -1;
	}
	if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000l) {
		errno = EINVAL;
		return -1;
	}
	struct timespec t = on_clock(clk, CLOCK_REALTIME, abstime);
	return sem_timedwait(sem, &t);
}

/* One priority for every thread: any valid one is taken, none applies. */
int pthread_setschedprio(pthread_t t, int prio)
{
	(void)t;
	return prio < 0 || prio > 99 ? EINVAL : 0;
}
