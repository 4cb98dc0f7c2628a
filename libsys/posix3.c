/* More of the Linux C library for programs compiled unchanged (the
 * second set of Linux test programs, user/test_linux2_*.c): the
 * environment, the rest of the wait family, sysinfo, scheduling policy
 * answers, nice values, sessions and groups, vfork, err.h, gettid,
 * getauxval, times, getrandom, getopt. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include "abi/err.h"
#include "abi/page.h"
#include "abi/pager.h"
#include "abi/stats.h"
#include "abi/syscall.h"
#include "sys/syscall.h"
#include "sys/unistd.h"
#include "libsys.h"
#include "lib/cputime.h"

/* ---- the environment ---- */

static char *no_env[1];
char **environ = no_env;
static char **env_owned; /* environ when it is our malloc'd array */
static size_t env_cap;

/* The index of name's entry (len bytes of name), or -1. */
static long env_find(const char *name, size_t len)
{
	for (long i = 0; environ && environ[i]; i++)
		if (!strncmp(environ[i], name, len) && environ[i][len] == '=')
			return i;
	return -1;
}

static size_t env_count(void)
{
	size_t n = 0;
	while (environ && environ[n])
		n++;
	return n;
}

/* Room for one more entry in an array of our own: 0, or -1 (ENOMEM). */
static int env_grow(void)
{
	size_t n = env_count();
	if (environ == env_owned && n + 2 <= env_cap)
		return 0;
	size_t cap = (n + 2) * 2;
	char **v = malloc(cap * sizeof *v);
	if (!v) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = environ[i];
	v[n] = NULL;
	if (environ == env_owned)
		free(env_owned);
	environ = env_owned = v;
	env_cap = cap;
	return 0;
}

/* Put entry s ("name=value", name len bytes) in place of name's, or at
 * the end. */
static int env_put(char *s, size_t len)
{
	long i = env_find(s, len);
	if (i >= 0) {
		environ[i] = s;
		return 0;
	}
	if (env_grow())
		return -1;
	size_t n = env_count();
	environ[n] = s;
	environ[n + 1] = NULL;
	return 0;
}

static int name_ok(const char *name)
{
	if (!name || !*name || strchr(name, '=')) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

char *getenv(const char *name)
{
	size_t len = strlen(name);
	long i = env_find(name, len);
	return i >= 0 ? environ[i] + len + 1 : NULL;
}

char *secure_getenv(const char *name)
{
	return getenv(name);
}

int setenv(const char *name, const char *value, int overwrite)
{
	if (!name_ok(name))
		return -1;
	size_t len = strlen(name), vlen = strlen(value);
	if (env_find(name, len) >= 0 && !overwrite)
		return 0;
	char *s = malloc(len + vlen + 2);
	if (!s) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(s, name, len);
	s[len] = '=';
	memcpy(s + len + 1, value, vlen + 1);
	if (env_put(s, len)) {
		free(s);
		return -1;
	}
	return 0; /* the old string is leaked, as glibc: a program may hold it */
}

int unsetenv(const char *name)
{
	if (!name_ok(name))
		return -1;
	size_t len = strlen(name);
	long i;
	while ((i = env_find(name, len)) >= 0)
		for (; environ[i]; i++)
			environ[i] = environ[i + 1];
	return 0;
}

int putenv(char *string)
{
	char *eq = strchr(string, '=');
	if (!eq) {
		unsetenv(string); /* glibc: a name alone removes it */
		return 0;
	}
	if (eq == string) {
		errno = EINVAL;
		return -1;
	}
	return env_put(string, (size_t)(eq - string));
}

int clearenv(void)
{
	if (environ == env_owned)
		free(env_owned);
	env_owned = NULL;
	env_cap = 0;
	environ = NULL;
	return 0;
}

/* ---- sys/wait.h ---- */

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	struct rusage before, after;
	if (ru && getrusage(RUSAGE_CHILDREN, &before))
		return -1;
	pid_t r = waitpid(pid, status, options);
	if (r > 0 && ru) {
		memset(ru, 0, sizeof *ru);
		if (getrusage(RUSAGE_CHILDREN, &after) == 0) {
			ru->ru_minflt = after.ru_minflt - before.ru_minflt;
			ru->ru_maxrss = after.ru_maxrss;
			timersub(&after.ru_utime, &before.ru_utime, &ru->ru_utime);
		}
	}
	return r;
}

pid_t wait3(int *status, int options, struct rusage *ru)
{
	return wait4(-1, status, options, ru);
}

int waitid(idtype_t idtype, id_t id, siginfo_t *info, int options)
{
	int want = options & (WEXITED | WSTOPPED | WCONTINUED);
	if (!want || (options & ~(WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT)) ||
	    (idtype != P_ALL && idtype != P_PID && idtype != P_PGID) ||
	    (idtype == P_PID && (id == 0 || id > INT32_MAX))) {
		errno = EINVAL;
		return -1;
	}
	int st;
	uint64_t extra = (options & WNOWAIT ? PG_WAIT_F_NOWAIT : 0) |
			 (options & WEXITED ? 0 : PG_WAIT_F_NOEXIT);
	pid_t r = libsys_waitpid_flags(idtype == P_PID ? (pid_t)id : -1, &st,
				       options & (WNOHANG | WSTOPPED | WCONTINUED), extra);
	if (r < 0)
		return -1;
	memset(info, 0, sizeof *info);
	if (r == 0)
		return 0; /* WNOHANG, none ended: si_pid 0 */
	info->si_signo = SIGCHLD;
	info->si_pid = r;
	info->si_uid = 0;
	if (WIFEXITED(st)) {
		info->si_code = CLD_EXITED;
		info->si_status = WEXITSTATUS(st);
	} else if (WIFSTOPPED(st)) {
		info->si_code = CLD_STOPPED;
		info->si_status = WSTOPSIG(st);
	} else if (WIFCONTINUED(st)) {
		info->si_code = CLD_CONTINUED;
		info->si_status = SIGCONT;
	} else {
		info->si_code = CLD_KILLED;
		info->si_status = WTERMSIG(st);
	}
	return 0;
}

/* ---- unistd.h: vfork, sessions and groups ---- */

pid_t vfork(void)
{
	return fork();
}

/* The pager's PG_PGID call op on pid (and group g): w0, or -1 with
 * errno. */
static long pgid_call(uint64_t op, pid_t pid, pid_t g)
{
	if (pid < 0 || g < 0) {
		errno = pid < 0 && op == PG_PGID_GET ? ESRCH : EINVAL;
		return -1;
	}
	struct sys_msg m = { .label = PG_PGID, .w = { op, (uint64_t)pid, (uint64_t)g } };
	int e = libsys_pg_call(&m);
	if (e == E_OK)
		return (long)m.w[0];
	errno = e == E_NOENT ? ESRCH : e == E_PERM ? EPERM : libsys_errno(e);
	return -1;
}

pid_t setsid(void)
{
	return (pid_t)pgid_call(PG_PGID_NEWSESSION, 0, 0);
}

int setpgid(pid_t pid, pid_t pgid)
{
	return pgid_call(PG_PGID_SET, pid, pgid) < 0 ? -1 : 0;
}

pid_t getpgid(pid_t pid)
{
	return (pid_t)pgid_call(PG_PGID_GET, pid, 0);
}

long pgroup_members(int g)
{
	return pgid_call(PG_PGID_COUNT, g, 0);
}

pid_t getpgrp(void)
{
	return getpgid(0);
}

pid_t getsid(pid_t pid)
{
	return (pid_t)pgid_call(PG_PGID_SID, pid, 0);
}

int killpg(pid_t pgrp, int sig)
{
	if (pgrp < 0) {
		errno = EINVAL;
		return -1;
	}
	return kill(-pgrp, sig);
}

/* ---- sys/sysinfo.h ---- */

/* The rare case of libsys_frames: the buffer is claimed (noinline: the
 * statistics take a few KiB of stack only then). */
static __attribute__((noinline)) int frames_local(uint64_t *total, uint64_t *avail)
{
	struct abi_frame_stats fs;
	if (sys_frame_stats((uint64_t)&fs, sizeof fs) != E_OK)
		return 0;
	*total = fs.total;
	*avail = fs.free;
	return 1;
}

int libsys_frames(uint64_t *total, uint64_t *avail)
{
	static struct abi_frame_stats fs;
	static int busy; /* fs claimed: by another thread, a handler's
			  * interrupted caller or, in a fork child, for good */
	if (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
		return frames_local(total, avail);
	int ok = sys_frame_stats((uint64_t)&fs, sizeof fs) == E_OK;
	*total = fs.total;
	*avail = fs.free;
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
	return ok;
}

long get_phys_pages(void)
{
	uint64_t total, avail;
	return libsys_frames(&total, &avail) ? (long)total : 0;
}

long get_avphys_pages(void)
{
	uint64_t total, avail;
	return libsys_frames(&total, &avail) ? (long)avail : 0;
}

int get_nprocs(void)
{
	return (int)cpu_count();
}

int get_nprocs_conf(void)
{
	return (int)cpu_count();
}

/* The number of processes alive (PG_PS, 32 at a time). */
static unsigned count_procs(void)
{
	struct pg_procinfo v[32];
	uint32_t first = 0;
	unsigned total = 0;
	for (;;) {
		size_t n = 0;
		if (pager_ps(first, v, 32, &n) != E_OK || n == 0)
			break;
		total += (unsigned)n;
		first = v[n - 1].pid + 1;
		if (n < 32)
			break;
	}
	return total;
}

int sysinfo(struct sysinfo *info)
{
	uint64_t total, avail;
	struct timespec up;
	if (!info) {
		errno = EFAULT;
		return -1;
	}
	memset(info, 0, sizeof *info);
	if (!libsys_frames(&total, &avail)) {
		errno = EINVAL;
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &up);
	info->uptime = up.tv_sec;
	info->totalram = total * PAGE_SIZE;
	info->freeram = avail * PAGE_SIZE;
	info->procs = (unsigned short)count_procs();
	info->mem_unit = 1;
	return 0;
}

/* ---- sched.h: policies ---- */

static int own_or_any(pid_t pid)
{
	if (pid < 0) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

int sched_getscheduler(pid_t pid)
{
	return own_or_any(pid) ? SCHED_OTHER : -1;
}

int sched_getparam(pid_t pid, struct sched_param *p)
{
	if (!own_or_any(pid))
		return -1;
	if (!p) {
		errno = EINVAL;
		return -1;
	}
	p->sched_priority = 0;
	return 0;
}

int sched_setscheduler(pid_t pid, int policy, const struct sched_param *p)
{
	if (!own_or_any(pid))
		return -1;
	if (!p || policy < 0 || policy > SCHED_RR) {
		errno = EINVAL;
		return -1;
	}
	if (policy != SCHED_OTHER || p->sched_priority != 0) {
		errno = policy == SCHED_OTHER ? EINVAL : EPERM;
		return -1;
	}
	return 0;
}

int sched_setparam(pid_t pid, const struct sched_param *p)
{
	return sched_setscheduler(pid, SCHED_OTHER, p);
}

int sched_rr_get_interval(pid_t pid, struct timespec *t)
{
	if (!own_or_any(pid))
		return -1;
	t->tv_sec = 0;
	t->tv_nsec = 10000000; /* the scheduler's 10 ms tick */
	return 0;
}

/* ---- sys/resource.h: nice values ---- */

/* The process's nice value: kept (nice, setpriority), never applied. */
static int nice_value;

int getpriority(int which, id_t who)
{
	(void)who;
	if (which < PRIO_PROCESS || which > PRIO_USER) {
		errno = EINVAL;
		return -1;
	}
	return nice_value;
}

/* Sets the value (clamped to -20..19, as Linux); lowering it takes
 * root (EACCES). */
int setpriority(int which, id_t who, int prio)
{
	if (which < PRIO_PROCESS || which > PRIO_USER) {
		errno = EINVAL;
		return -1;
	}
	(void)who;
	prio = prio < -20 ? -20 : prio > 19 ? 19 : prio;
	if (prio < nice_value && geteuid() != 0) {
		errno = EACCES;
		return -1;
	}
	nice_value = prio;
	return 0;
}

/* ---- program names, err.h ---- */

char *program_invocation_name = "", *program_invocation_short_name = "";

void libsys_set_progname(char *argv0)
{
	if (!argv0)
		return;
	program_invocation_name = argv0;
	char *slash = strrchr(argv0, '/');
	program_invocation_short_name = slash ? slash + 1 : argv0;
}

static void vwarn_as(int with_errno, const char *fmt, va_list ap)
{
	int e = errno;
	fprintf(stderr, "%s: ", program_invocation_short_name);
	if (fmt) {
		vfprintf(stderr, fmt, ap);
		if (with_errno)
			fprintf(stderr, ": ");
	}
	if (with_errno)
		fprintf(stderr, "%s", strerror(e));
	fprintf(stderr, "\n");
}

void vwarn(const char *fmt, va_list ap) { vwarn_as(1, fmt, ap); }
void vwarnx(const char *fmt, va_list ap) { vwarn_as(0, fmt, ap); }
void verr(int status, const char *fmt, va_list ap) { vwarn_as(1, fmt, ap); exit(status); }
void verrx(int status, const char *fmt, va_list ap) { vwarn_as(0, fmt, ap); exit(status); }

void warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn_as(1, fmt, ap);
	va_end(ap);
}

void warnx(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn_as(0, fmt, ap);
	va_end(ap);
}

void err(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn_as(1, fmt, ap);
	va_end(ap);
	exit(status);
}

void errx(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn_as(0, fmt, ap);
	va_end(ap);
	exit(status);
}

/* ---- gettid, getauxval, times, getrandom ---- */

pid_t gettid(void)
{
	struct libsys_tls *t = libsys_tls();
	if (!t)
		return getpid();
	/* the slot's place in proc.c's table, above any pid */
	unsigned slot = (unsigned)(((uintptr_t)t / sizeof *t) % 256);
	return (pid_t)((unsigned)getpid() | (slot + 1) << 22);
}

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t x = __atomic_load_n(&rng_state, __ATOMIC_RELAXED);
	if (!x) {
		uint32_t lo, hi;
		__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
		x = ((uint64_t)hi << 32 | lo) ^ ((uint64_t)getpid() << 40) ^ 0x9e3779b97f4a7c15ull;
	}
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	__atomic_store_n(&rng_state, x, __ATOMIC_RELAXED);
	return x;
}

ssize_t getrandom(void *buf, size_t len, unsigned flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) {
		errno = EINVAL;
		return -1;
	}
	unsigned char *p = buf;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t r = rng_next();
		size_t n = len - i < 8 ? len - i : 8;
		memcpy(p + i, &r, n);
	}
	return (ssize_t)len;
}

int getentropy(void *buf, size_t len)
{
	if (len > 256) {
		errno = EIO;
		return -1;
	}
	getrandom(buf, len, 0);
	return 0;
}

unsigned long getauxval(unsigned long type)
{
	static unsigned char random16[16];
	switch (type) {
	case AT_PAGESZ: return PAGE_SIZE;
	case AT_CLKTCK: return 100;
	case AT_HWCAP: case AT_HWCAP2: case AT_SECURE: return 0;
	case AT_RANDOM:
		if (!random16[0] && !random16[1])
			getrandom(random16, sizeof random16, 0);
		return (unsigned long)random16;
	case AT_EXECFN: return (unsigned long)program_invocation_name;
	case AT_PLATFORM: return (unsigned long)"x86_64";
	case AT_UID: case AT_EUID: case AT_GID: case AT_EGID: return 0;
	case AT_MINSIGSTKSZ: return MINSIGSTKSZ;
	default:
		errno = ENOENT;
		return 0;
	}
}

/* tms_utime and tms_cutime: the process's CPU time and its waited-for
 * children's (getrusage's), in ticks of 100 a second; all user time. */
clock_t times(struct tms *buf)
{
	struct timespec up;
	clock_gettime(CLOCK_MONOTONIC, &up);
	if (buf) {
		struct pg_procinfo pi;
		size_t n = 0;
		memset(buf, 0, sizeof *buf);
		if (pager_ps((uint32_t)getpid(), &pi, 1, &n) == E_OK && n == 1 &&
		    pi.pid == (uint32_t)getpid()) {
			buf->tms_utime = (clock_t)cputime_units(pi.cpu_ns, 100);
			buf->tms_cutime = (clock_t)cputime_units(pi.ccpu_ns, 100);
		}
	}
	return (clock_t)(up.tv_sec * 100 + up.tv_nsec / 10000000);
}

/* ---- getopt ---- */

char *optarg;
int optind = 1, opterr = 1, optopt;
static int optpos; /* the next letter in argv[optind] (0: a new word) */
/* glibc's permutation: argv[first_nonopt, last_nonopt) are the non-option
 * words skipped so far; options found after them are moved before them. */
static int first_nonopt = 1, last_nonopt = 1;

/* Reverse argv[a, b). */
static void argv_reverse(char **argv, int a, int b)
{
	for (b--; a < b; a++, b--) {
		char *t = argv[a];
		argv[a] = argv[b];
		argv[b] = t;
	}
}

/* Move the options just taken, argv[last_nonopt, optind), before the
 * skipped non-options argv[first_nonopt, last_nonopt). */
static void argv_exchange(char **argv)
{
	int moved = optind - last_nonopt;
	argv_reverse(argv, first_nonopt, last_nonopt);
	argv_reverse(argv, last_nonopt, optind);
	argv_reverse(argv, first_nonopt, optind);
	first_nonopt += moved;
	last_nonopt = optind;
}

static int is_nonopt(char *const argv[], int i)
{
	return argv[i][0] != '-' || argv[i][1] == '\0';
}

/* One long option at argv[optind] (name after its dashes, up to '=' or
 * its end): an exact name, else a unique prefix of one.  -2 when long_only
 * finds none and the word should be read as short options. */
static int long_option(int argc, char *const argv[], const char *optstring, const char *name,
		       const struct option *longopts, int *longindex, int long_only)
{
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	int found = -1, ambiguous = 0;
	for (int i = 0; longopts[i].name; i++) {
		if (strncmp(longopts[i].name, name, len))
			continue;
		if (!longopts[i].name[len]) {
			found = i, ambiguous = 0;
			break;
		}
		if (found < 0)
			found = i;
		else if (longopts[i].has_arg != longopts[found].has_arg ||
			 longopts[i].flag != longopts[found].flag || longopts[i].val != longopts[found].val)
			ambiguous = 1;
	}
	const char *word = argv[optind];
	if (found < 0 && long_only && word[1] != '-' && strchr(optstring, word[1]))
		return -2;
	optind++;
	optpos = 0;
	if (ambiguous) {
		if (opterr)
			fprintf(stderr, "%s: option '%s' is ambiguous\n", argv[0], word);
		optopt = 0;
		return '?';
	}
	if (found < 0) {
		if (opterr)
			fprintf(stderr, "%s: unrecognized option '%s'\n", argv[0], word);
		optopt = 0;
		return '?';
	}
	const struct option *o = &longopts[found];
	if (longindex)
		*longindex = found;
	if (eq) {
		if (o->has_arg == no_argument) {
			if (opterr)
				fprintf(stderr, "%s: option '--%s' doesn't allow an argument\n",
					argv[0], o->name);
			optopt = o->flag ? 0 : o->val;
			return '?';
		}
		optarg = (char *)eq + 1;
	} else if (o->has_arg == required_argument) {
		if (optind >= argc) {
			if (opterr)
				fprintf(stderr, "%s: option '--%s' requires an argument\n", argv[0],
					o->name);
			optopt = o->flag ? 0 : o->val;
			return optstring[0] == ':' ? ':' : '?';
		}
		optarg = argv[optind++];
	}
	if (o->flag) {
		*o->flag = o->val;
		return 0;
	}
	return o->val;
}

/* getopt, getopt_long and getopt_long_only as glibc's: options may come
 * after operands (argv is permuted so the operands end up last) unless
 * optstring starts with '+' or POSIXLY_CORRECT is set; a leading '-'
 * returns each operand as option 1; "--" ends the options; long options
 * may be abbreviated to a unique prefix; optind = 0 starts again. */
static int getopt_impl(int argc, char *const argv[], const char *optstring,
		       const struct option *longopts, int *longindex, int long_only)
{
	char **av = (char **)argv;
	const char *spec = optstring;
	int order = getenv("POSIXLY_CORRECT") ? '+' : 0; /* 0: permute */
	if (*spec == '+' || *spec == '-')
		order = *spec++;
	int colon = *spec == ':';
	if (colon)
		spec++;
	optarg = NULL;
	if (optind == 0)
		optind = 1, optpos = 0, first_nonopt = last_nonopt = 1;
	if (!optpos) {
		if (last_nonopt > optind)
			last_nonopt = optind;
		if (first_nonopt > optind)
			first_nonopt = optind;
		if (!order) {
			if (first_nonopt != last_nonopt && last_nonopt != optind)
				argv_exchange(av);
			else if (last_nonopt != optind)
				first_nonopt = optind;
			while (optind < argc && is_nonopt(argv, optind))
				optind++;
			last_nonopt = optind;
		}
		if (optind < argc && !strcmp(argv[optind], "--")) {
			optind++;
			if (first_nonopt != last_nonopt && last_nonopt != optind)
				argv_exchange(av);
			else if (first_nonopt == last_nonopt)
				first_nonopt = optind;
			last_nonopt = argc;
			optind = argc;
		}
		if (optind >= argc) {
			if (first_nonopt != last_nonopt)
				optind = first_nonopt;
			return -1;
		}
		if (is_nonopt(argv, optind)) {
			if (order != '-')
				return -1;
			optarg = argv[optind++];
			return 1;
		}
		if (longopts && (argv[optind][1] == '-' || long_only)) {
			const char *name = argv[optind] + (argv[optind][1] == '-' ? 2 : 1);
			int r = long_option(argc, argv, spec, name, longopts, longindex, long_only);
			if (r != -2)
				return r;
		}
		optpos = 1;
	}
	int c = argv[optind][optpos++];
	const char *at = c != ':' ? strchr(spec, c) : NULL;
	int last = !argv[optind][optpos];
	if (!at) {
		optopt = c;
		if (last)
			optind++, optpos = 0;
		if (opterr && !colon)
			fprintf(stderr, "%s: invalid option -- '%c'\n", argv[0], c);
		return '?';
	}
	if (at[1] == ':') {
		if (!last) {
			optarg = (char *)argv[optind] + optpos;
		} else if (at[2] != ':') {
			if (optind + 1 >= argc) {
				optopt = c;
				optind++, optpos = 0;
				if (opterr && !colon)
					fprintf(stderr, "%s: option requires an argument -- '%c'\n",
						argv[0], c);
				return colon ? ':' : '?';
			}
			optarg = (char *)argv[++optind];
		}
		optind++, optpos = 0;
		return c;
	}
	if (last)
		optind++, optpos = 0;
	return c;
}

int getopt(int argc, char *const argv[], const char *optstring)
{
	return getopt_impl(argc, argv, optstring, NULL, NULL, 0);
}

int getopt_long(int argc, char *const argv[], const char *optstring,
		const struct option *longopts, int *longindex)
{
	return getopt_impl(argc, argv, optstring, longopts, longindex, 0);
}

/* getopt_long whose long options may also start with one '-' (a word that
 * names none but starts with a short option is read as short options). */
int getopt_long_only(int argc, char *const argv[], const char *optstring,
		     const struct option *longopts, int *longindex)
{
	return getopt_impl(argc, argv, optstring, longopts, longindex, 1);
}
