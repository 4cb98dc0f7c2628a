/* More of libc as Linux programs call it (each was missing: a program
 * that used one did not link), checked on Linux 6.1 with make
 * linux-check: user and group ids with Linux's rules (in children, so the
 * test stays root), realpath, mkostemp/mktemp/tmpnam, scandir with
 * alphasort and versionsort, readdir_r, stpncpy, strverscmp, pathconf,
 * posix_fallocate, lockf, ttyname, nice, getloadavg, quick_exit,
 * getsubopt, the System V signal calls, fgetpos/fsetpos,
 * pthread_cond_clockwait and pthread_mutex_clocklock, remquo, nan,
 * sincos, exp10, the long double functions and float forms.  One @@PASS line per group. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h> /* (setgroups) */
#include <math.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failed;

#define CHECK(name, cond) do {                                                 \
	if (!(cond)) {                                                         \
		printf("@@FAIL %s: line %d: %s (errno %d)\n", name, __LINE__, #cond, errno); \
		failed = 1;                                                    \
		return;                                                        \
	}                                                                      \
} while (0)

/* Run fn in a child; true if it exited 0. */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	int st;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int drop_all(void)
{
	uid_t r, e, s;
	if (setuid(1000) || getuid() != 1000 || geteuid() != 1000)
		return 1;
	if (getresuid(&r, &e, &s) || r != 1000 || e != 1000 || s != 1000)
		return 2;
	errno = 0;
	if (setuid(0) != -1 || errno != EPERM || seteuid(0) != -1)
		return 3;
	if (setuid(1000) != 0) /* its own id: allowed */
		return 4;
	errno = 0;
	if (setgroups(0, NULL) != -1 || errno != EPERM)
		return 5;
	return 0;
}

static int drop_effective(void)
{
	if (seteuid(1000) || getuid() != 0 || geteuid() != 1000)
		return 1;
	if (seteuid(0) || geteuid() != 0) /* the saved id is still 0 */
		return 2;
	if (setresgid(5, 6, 7))
		return 3;
	gid_t r, e, s;
	if (getresgid(&r, &e, &s) || r != 5 || e != 6 || s != 7 || getgid() != 5 || getegid() != 6)
		return 4;
	gid_t g[2] = { 10, 20 }, out[4];
	if (setgroups(2, g) || getgroups(0, NULL) != 2 || getgroups(4, out) != 2 || out[1] != 20)
		return 5;
	return 0;
}

static void ids(void)
{
	const char *N = "linux6_libc2_ids";
	CHECK(N, getuid() == 0 && geteuid() == 0);
	CHECK(N, in_child(drop_all));
	CHECK(N, in_child(drop_effective));
	CHECK(N, getuid() == 0 && geteuid() == 0); /* the children's own */
	printf("@@PASS %s\n", N);
}

static int keep_txt(const struct dirent *e)
{
	return strstr(e->d_name, ".txt") != NULL;
}

static void files(void)
{
	const char *N = "linux6_libc2_files";
	char dir[] = "/tmp/l6c2XXXXXX", path[256], res[4096];
	CHECK(N, mkdtemp(dir) != NULL);
	const char *names[] = { "b10.txt", "b9.txt", "a.txt", "skip.dat" };
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		int fd = open(path, O_CREAT | O_WRONLY, 0600);
		CHECK(N, fd >= 0);
		close(fd);
	}
	snprintf(path, sizeof path, "%s/../%s/./a.txt", dir, dir + 5);
	CHECK(N, realpath(path, res) && strncmp(res, dir, strlen(dir)) == 0 &&
		 strcmp(res + strlen(dir), "/a.txt") == 0);
	char *m = realpath(dir, NULL);
	CHECK(N, m && strcmp(m, dir) == 0);
	free(m);
	errno = 0;
	CHECK(N, realpath("/tmp/l6c2-none/x", res) == NULL && errno == ENOENT);
	struct dirent **list;
	int n = scandir(dir, &list, keep_txt, alphasort);
	CHECK(N, n == 3 && !strcmp(list[0]->d_name, "a.txt") && !strcmp(list[1]->d_name, "b10.txt") &&
		 !strcmp(list[2]->d_name, "b9.txt"));
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	n = scandir(dir, &list, keep_txt, versionsort);
	CHECK(N, n == 3 && !strcmp(list[1]->d_name, "b9.txt") && !strcmp(list[2]->d_name, "b10.txt"));
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	errno = 0;
	CHECK(N, scandir("/tmp/l6c2-none", &list, NULL, NULL) == -1 && errno == ENOENT);
	DIR *d = opendir(dir);
	struct dirent ent, *got;
	int seen = 0;
	while (d && readdir_r(d, &ent, &got) == 0 && got)
		seen++;
	CHECK(N, d && seen == 6); /* ., .., four files */
	closedir(d);

	snprintf(path, sizeof path, "%s/tmpXXXXXX", dir);
	int fd = mkostemp(path, O_CLOEXEC | O_APPEND);
	CHECK(N, fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC) && (fcntl(fd, F_GETFL) & O_APPEND));
	CHECK(N, posix_fallocate(fd, 0, 8192) == 0);
	struct stat st;
	CHECK(N, fstat(fd, &st) == 0 && st.st_size == 8192);
	CHECK(N, posix_fallocate(fd, 0, 100) == 0 && fstat(fd, &st) == 0 && st.st_size == 8192);
	CHECK(N, posix_fallocate(fd, 0, -1) == EINVAL && posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) == 0);
	CHECK(N, posix_fadvise(-1, 0, 0, POSIX_FADV_NORMAL) == EBADF);
	CHECK(N, lockf(fd, F_TLOCK, 0) == 0 && lockf(fd, F_ULOCK, 0) == 0);
	/* F_SETFL takes O_APPEND away and gives it back */
	CHECK(N, fcntl(fd, F_SETFL, 0) == 0 && !(fcntl(fd, F_GETFL) & O_APPEND));
	CHECK(N, lseek(fd, 0, SEEK_SET) == 0 && write(fd, "A", 1) == 1 && fstat(fd, &st) == 0 &&
		 st.st_size == 8192); /* at 0, in place */
	CHECK(N, fcntl(fd, F_SETFL, O_APPEND) == 0 && (fcntl(fd, F_GETFL) & O_APPEND));
	CHECK(N, lseek(fd, 0, SEEK_SET) == 0 && write(fd, "B", 1) == 1 && fstat(fd, &st) == 0 &&
		 st.st_size == 8193); /* at the end */
	CHECK(N, fcntl(fd, F_SETFL, 0) == 0 && ftruncate(fd, 8192) == 0);
	FILE *f = fdopen(fd, "r+");
	fpos_t pos;
	char c;
	CHECK(N, f && fseek(f, 100, SEEK_SET) == 0 && fgetpos(f, &pos) == 0 && fseek(f, 0, SEEK_SET) == 0);
	CHECK(N, fsetpos(f, &pos) == 0 && ftell(f) == 100 && fread(&c, 1, 1, f) == 1 && c == 0);
	fclose(f);
	unlink(path);
	char tmpl[] = "/tmp/l6mktXXXXXX";
	CHECK(N, mktemp(tmpl) == tmpl && !strstr(tmpl, "XXXXXX") && access(tmpl, F_OK) == -1);
	CHECK(N, pathconf(dir, _PC_NAME_MAX) == 255 && fpathconf(0, _PC_PIPE_BUF) >= 512);
	errno = 0;
	CHECK(N, pathconf("/tmp/l6c2-none", _PC_NAME_MAX) == -1 && errno == ENOENT);
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	CHECK(N, rmdir(dir) == 0);
	printf("@@PASS %s\n", N);
}

static int quick_fd = -1;
static void quick_note(void) { (void)!write(quick_fd, "q", 1); }
static void exit_note(void) { (void)!write(quick_fd, "x", 1); }

static int quick_child(void)
{
	at_quick_exit(quick_note);
	atexit(exit_note);
	quick_exit(3);
}

static void strings_and_process(void)
{
	const char *N = "linux6_libc2_misc";
	char b[8];
	memset(b, 'z', sizeof b);
	CHECK(N, stpncpy(b, "ab", 5) == b + 2 && b[2] == 0 && b[4] == 0 && b[5] == 'z');
	b[3] = 'y';
	CHECK(N, stpncpy(b, "abcdef", 3) == b + 3 && b[2] == 'c' && b[3] == 'y'); /* no NUL */
	CHECK(N, strverscmp("a9", "a10") < 0 && strverscmp("a10", "a9") > 0);
	CHECK(N, strverscmp("000", "00") < 0 && strverscmp("1.10", "1.9") > 0);
	CHECK(N, strverscmp("abc", "abc") == 0 && strverscmp("item2", "item02") > 0);
	char opts[] = "ro,size=10,bogus", *o = opts, *val;
	char *const toks[] = { "ro", "size", NULL };
	CHECK(N, getsubopt(&o, toks, &val) == 0 && val == NULL);
	CHECK(N, getsubopt(&o, toks, &val) == 1 && val && strcmp(val, "10") == 0);
	CHECK(N, getsubopt(&o, toks, &val) == -1 && *o == 0);
	char mc[8];
	CHECK(N, memccpy(mc, "abc:def", ':', sizeof mc) == mc + 4 && mc[3] == ':');
	CHECK(N, memccpy(mc, "abc", 'z', 3) == NULL);
	char sw[4];
	swab("abcd", sw, 4);
	CHECK(N, memcmp(sw, "badc", 4) == 0 && toascii(0xc1) == 0x41);
	char sx[] = "/tmp/l6sXXXXXX.txt";
	int sfd = mkstemps(sx, 4);
	CHECK(N, sfd >= 0 && strcmp(sx + strlen(sx) - 4, ".txt") == 0 && !strstr(sx, "XXXXXX"));
	char *canon = canonicalize_file_name(sx);
	CHECK(N, canon && strcmp(canon, sx) == 0);
	free(canon);
	close(sfd);
	unlink(sx);
	errno = 0;
	CHECK(N, mkstemps(sx, 40) == -1 && errno == EINVAL);
	sigset_t s1, s2, s3;
	sigemptyset(&s1);
	sigemptyset(&s2);
	sigaddset(&s1, SIGUSR1);
	sigaddset(&s2, SIGUSR2);
	CHECK(N, sigorset(&s3, &s1, &s2) == 0 && sigismember(&s3, SIGUSR1) && sigismember(&s3, SIGUSR2));
	CHECK(N, sigandset(&s3, &s1, &s2) == 0 && sigisemptyset(&s3));
	sem_t sem;
	CHECK(N, sem_init(&sem, 0, 0) == 0);
	struct timespec soon;
	clock_gettime(CLOCK_MONOTONIC, &soon);
	soon.tv_nsec += 20000000;
	if (soon.tv_nsec >= 1000000000)
		soon.tv_sec++, soon.tv_nsec -= 1000000000;
	errno = 0;
	CHECK(N, sem_clockwait(&sem, CLOCK_MONOTONIC, &soon) == -1 && errno == ETIMEDOUT);
	CHECK(N, sem_post(&sem) == 0 && sem_clockwait(&sem, CLOCK_MONOTONIC, &soon) == 0);
	int p[2];
	CHECK(N, pipe(p) == 0);
	errno = 0;
	CHECK(N, ttyname(p[0]) == NULL && errno == ENOTTY);
	errno = 0;
	CHECK(N, nice(0) == 0 && errno == 0);
	double loads[3];
	CHECK(N, getloadavg(loads, 3) == 3 && loads[0] >= 0);
	quick_fd = p[1];
	pid_t pid = fork();
	if (pid == 0)
		quick_child();
	int st;
	char got[4] = { 0 };
	CHECK(N, waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 3);
	close(p[1]);
	CHECK(N, read(p[0], got, sizeof got) == 1 && got[0] == 'q'); /* not atexit's */
	close(p[0]);
	printf("@@PASS %s\n", N);
}

static volatile sig_atomic_t usr1;
static void on_usr1(int sig) { (void)sig; usr1++; }

static void sysv_signals(void)
{
	const char *N = "linux6_libc2_sysvsig";
	struct sigaction sa = { .sa_handler = on_usr1 }, now;
	sigemptyset(&sa.sa_mask);
	CHECK(N, sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK(N, sighold(SIGUSR1) == 0 && raise(SIGUSR1) == 0 && usr1 == 0);
	CHECK(N, sigrelse(SIGUSR1) == 0 && usr1 == 1);
	CHECK(N, sigset(SIGUSR1, SIG_HOLD) == on_usr1);
	CHECK(N, raise(SIGUSR1) == 0 && usr1 == 1);
	CHECK(N, sigset(SIGUSR1, on_usr1) == SIG_HOLD && usr1 == 2);
	CHECK(N, siginterrupt(SIGUSR1, 0) == 0 && sigaction(SIGUSR1, NULL, &now) == 0 &&
		 (now.sa_flags & SA_RESTART));
	CHECK(N, siginterrupt(SIGUSR1, 1) == 0 && sigaction(SIGUSR1, NULL, &now) == 0 &&
		 !(now.sa_flags & SA_RESTART));
	CHECK(N, sigignore(SIGUSR2) == 0 && raise(SIGUSR2) == 0);
	CHECK(N, sigaction(SIGUSR2, NULL, &now) == 0 && now.sa_handler == SIG_IGN);
	printf("@@PASS %s\n", N);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static struct timespec mono_in(long ms)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += ms * 1000000;
	t.tv_sec += t.tv_nsec / 1000000000;
	t.tv_nsec %= 1000000000;
	return t;
}

static void *try_lock(void *arg)
{
	(void)arg;
	struct timespec t = mono_in(50);
	return (void *)(long)pthread_mutex_clocklock(&mu, CLOCK_MONOTONIC, &t);
}

static void threads_and_math(void)
{
	const char *N = "linux6_libc2_threads_math";
	pthread_mutexattr_t ma;
	CHECK(N, pthread_mutexattr_init(&ma) == 0 &&
		 pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_NONE) == 0);
	CHECK(N, pthread_yield() == 0);
	CHECK(N, pthread_mutex_lock(&mu) == 0);
	struct timespec t = mono_in(50);
	CHECK(N, pthread_cond_clockwait(&cv, &mu, CLOCK_MONOTONIC, &t) == ETIMEDOUT);
	pthread_t th;
	void *r;
	CHECK(N, pthread_create(&th, NULL, try_lock, NULL) == 0 && pthread_join(th, &r) == 0 &&
		 (long)r == ETIMEDOUT);
	CHECK(N, pthread_mutex_unlock(&mu) == 0);
	CHECK(N, pthread_create(&th, NULL, try_lock, NULL) == 0 && pthread_join(th, &r) == 0 &&
		 (long)r == 0);
	pthread_mutex_unlock(&mu); /* (the thread's lock: a normal mutex) */
	int q;
	CHECK(N, remquo(10.0, 3.0, &q) == 1.0 && q == 3);
	CHECK(N, remquo(-10.0, 3.0, &q) == -1.0 && q == -3);
	CHECK(N, remquo(11.0, -3.0, &q) == -1.0 && q == -4);
	CHECK(N, remquo(29.0, 3.0, &q) == -1.0 && (q & 7) == 2); /* 10: its low bits */
	CHECK(N, remquo(1e300, 3.0, &q) == remainder(1e300, 3.0) && q >= 0 && q <= 7);
	CHECK(N, isnan(nan("")) && isnan(nanf("")));
	double s, c;
	sincos(0.5, &s, &c);
	CHECK(N, fabs(s - sin(0.5)) < 1e-15 && fabs(c - cos(0.5)) < 1e-15);
	CHECK(N, fabs(exp10(2.0) - 100.0) < 1e-12 && fabs(exp10(-1.0) - 0.1) < 1e-15);
	printf("@@PASS %s\n", N);
}

static int near_l(long double a, long double b, long double rel)
{
	long double d = a - b;
	if (d < 0)
		d = -d;
	return d <= rel * (b < 0 ? -b : b);
}

/* (the trigonometric ones within double's precision: QEMU computes the
 * x87's fsin, fcos, fptan and fpatan in double) */
static void long_double_math(void)
{
	const char *N = "linux6_libc2_longdouble";
	CHECK(N, floorl(-2.5L) == -3.0L && ceill(2.1L) == 3.0L && truncl(-2.7L) == -2.0L);
	CHECK(N, roundl(2.5L) == 3.0L && roundl(-2.5L) == -3.0L && roundl(2.4999L) == 2.0L);
	CHECK(N, signbit(floorl(-0.0L)) && signbit(truncl(-0.5L)) && ceill(-0.5L) == 0 &&
		 signbit(ceill(-0.5L)));
	CHECK(N, floorl(1e30L) == 1e30L && fabsl(-3.0L) == 3.0L && copysignl(2.0L, -1.0L) == -2.0L);
	CHECK(N, near_l(sinl(0.5L), 0.479425538604203000273287935215571388L, 1e-15L));
	CHECK(N, near_l(cosl(0.5L), 0.877582561890372716116281582603829651L, 1e-15L));
	CHECK(N, near_l(tanl(1.0L), 1.55740772465490223050697480745836017L, 1e-15L));
	CHECK(N, near_l(atan2l(1.0L, 1.0L), 0.785398163397448309615660845819875721L, 1e-15L));
	CHECK(N, near_l(expl(1.0L), 2.71828182845904523536028747135266250L, 1e-17L));
	CHECK(N, near_l(logl(10.0L), 2.30258509299404568401799145468436421L, 1e-17L));
	CHECK(N, powl(2.0L, 10.0L) == 1024.0L && near_l(powl(2.0L, 0.5L), 1.41421356237309504880168872420969808L, 1e-17L));
	CHECK(N, powl(-2.0L, 3.0L) == -8.0L && powl(0.0L, 2.0L) == 0 && isinf(logl(0.0L)) && isnan(logl(-1.0L)));
	CHECK(N, expl(-__builtin_infl()) == 0 && isinf(expl(__builtin_infl())));
	CHECK(N, copysignf(3.0f, -0.0f) == -3.0f && fdimf(5.0f, 3.0f) == 2.0f && fdimf(3.0f, 5.0f) == 0);
	CHECK(N, nearbyintf(2.5f) == 2.0f && lrintf(3.5f) == 4 && llrintf(-2.5f) == -2);
	CHECK(N, scalbnf(1.0f, 3) == 8.0f && scalbln(1.0, 4) == 16.0 && ilogbf(8.0f) == 3 && logbf(8.0f) == 3.0f);
	CHECK(N, nexttoward(1.0, 2.0L) > 1.0 && nexttoward(1.0, 1.0L + 0x1p-60L) > 1.0 &&
		 nexttowardf(1.0f, 0.0L) < 1.0f);
	CHECK(N, significand(12.0) == 1.5 && remainderf(10.0f, 3.0f) == 1.0f);
	printf("@@PASS %s\n", N);
}

int main(void)
{
	ids();
	files();
	strings_and_process();
	sysv_signals();
	threads_and_math();
	long_double_math();
	return failed;
}
