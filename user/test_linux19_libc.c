/* C library corners a reviewer checks against glibc: floating-point printf,
 * strtod and libm in several threads at once and after fork, qsort/bsearch,
 * strtol/strtoul edge cases, snprintf truncation and odd conversions,
 * atexit/on_exit order, errno of bad arguments to plain calls.  Plain
 * Linux C: passes under Linux 6.1 and glibc too. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The bad pointers and truncations below are meant. */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wnonnull"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#pragma GCC diagnostic ignored "-Wstringop-overread"

static int fails;
static const char *cur;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", cur, __LINE__, #c, errno); fails++; bad++; } } while (0)
#define BEGIN(n) int bad = 0; cur = (n)
#define END() do { if (!bad) printf("@@PASS %s\n", cur); } while (0)
#define STR(buf, exp) do { if (strcmp(buf, exp)) { printf("@@FAIL %s: line %d: \"%s\" not \"%s\"\n", cur, __LINE__, buf, exp); fails++; bad++; } } while (0)

/* One thread's floating-point work: formats and parses, libm; returns the
 * number of mismatches. */
static long fp_work(int seed)
{
	long wrong = 0;
	char b[64];
	for (int i = 0; i < 300; i++) {
		double x = (seed * 1000 + i) / 7.0;
		snprintf(b, sizeof b, "%.17g", x);
		wrong += strtod(b, NULL) != x;
		snprintf(b, sizeof b, "%a", x);
		wrong += strtod(b, NULL) != x;
		double s = sin(x), c = cos(x);
		wrong += fabs(s * s + c * c - 1.0) > 1e-15;
		wrong += fabs(exp(log(x)) - x) > x * 1e-15;
		wrong += fabs(sqrt(x) * sqrt(x) - x) > x * 1e-15;
		float f = (float)x;
		snprintf(b, sizeof b, "%.9g", f);
		wrong += strtof(b, NULL) != f;
	}
	snprintf(b, sizeof b, "%.3f|%e|%g", 2.5, 12345.678, 0.0001);
	wrong += strcmp(b, "2.500|1.234568e+04|0.0001") != 0;
	return wrong;
}

static void *fp_thread(void *arg)
{
	return (void *)fp_work((int)(intptr_t)arg);
}

static void t_fp_threads(void)
{
	BEGIN("linux19_libc_fpthreads");
	enum { T = 6 };
	pthread_t th[T];
	for (int i = 0; i < T; i++)
		CHECK(pthread_create(&th[i], NULL, fp_thread, (void *)(intptr_t)(i + 1)) == 0);
	long here = fp_work(0);
	CHECK(here == 0);
	for (int i = 0; i < T; i++) {
		void *r;
		CHECK(pthread_join(th[i], &r) == 0);
		CHECK(r == NULL);
	}
	/* after fork, in the child, with a thread of the parent mid-work */
	pthread_t busy;
	pthread_create(&busy, NULL, fp_thread, (void *)(intptr_t)9);
	volatile double keep = 1.0 / 3.0;
	pid_t c = fork();
	if (c == 0) {
		if (keep != 1.0 / 3.0)
			_exit(2);
		_exit(fp_work(7) != 0);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	void *r;
	pthread_join(busy, &r);
	CHECK(r == NULL);
	CHECK(keep == 1.0 / 3.0);
	END();
}

static void t_fpfmt(void)
{
	BEGIN("linux19_libc_fpfmt");
	char b[128];
	snprintf(b, sizeof b, "%La", 1.0L);
	STR(b, "0x8p-3");
	snprintf(b, sizeof b, "%La", 3.0L);
	STR(b, "0xcp-2");
	snprintf(b, sizeof b, "%a", 1.0);
	STR(b, "0x1p+0");
	snprintf(b, sizeof b, "%Lf", 1.5L);
	STR(b, "1.500000");
	snprintf(b, sizeof b, "%.25Lg|%.20Lf", 0.1L, 0.1L);
	STR(b, "0.1000000000000000000013553|0.10000000000000000000");
	snprintf(b, sizeof b, "%f %f %f", INFINITY, -INFINITY, NAN);
	STR(b, "inf -inf nan");
	snprintf(b, sizeof b, "%F %E", INFINITY, NAN);
	STR(b, "INF NAN");
	snprintf(b, sizeof b, "%g %g %g", 1e-5, 123456789.0, 100000.0);
	STR(b, "1e-05 1.23457e+08 100000");
	snprintf(b, sizeof b, "%#g %#.0f %+.2e", 1.0, 3.0, -0.0);
	STR(b, "1.00000 3. -0.00e+00");
	snprintf(b, sizeof b, "%.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, -0.5);
	STR(b, "0 2 2 -0");
	snprintf(b, sizeof b, "%10.3f|%-10.2e|%010.4g", M_PI, M_E, -M_PI);
	STR(b, "     3.142|2.72e+00  |-00003.142");
	snprintf(b, sizeof b, "%.30f", 1.0 / 3.0);
	STR(b, "0.333333333333333314829616256247");
	snprintf(b, sizeof b, "%g", DBL_MAX);
	STR(b, "1.79769e+308");
	snprintf(b, sizeof b, "%g", DBL_MIN / 4);
	STR(b, "5.56268e-309");
	snprintf(b, sizeof b, "%.3a", 1.0);
	STR(b, "0x1.000p+0");
	char *end;
	CHECK(strtod("0x1.8p1", &end) == 3.0 && *end == 0);
	CHECK(isinf(strtod("1e999", &end)) && errno == ERANGE);
	errno = 0;
	CHECK(strtod("1e-400", &end) == 0.0 && errno == ERANGE);
	CHECK(isnan(strtod("nan(123)", &end)) && *end == 0);
	CHECK(strtod("  -InFiNiTy", &end) == -INFINITY && *end == 0);
	CHECK(strtod("1.5e", &end) == 1.5 && strcmp(end, "e") == 0);
	CHECK(strtod("abc", &end) == 0 && strcmp(end, "abc") == 0);
	CHECK(strtold("1.25", NULL) == 1.25L);
	CHECK(atof("2.5x") == 2.5);
	/* a denormal parses exactly */
	CHECK(strtod("4.9406564584124654e-324", NULL) == 4.9406564584124654e-324);
	END();
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

struct rec { int key; int seq; };
static int cmp_rec(const void *a, const void *b)
{
	return cmp_int(&((const struct rec *)a)->key, &((const struct rec *)b)->key);
}

static void t_sort(void)
{
	BEGIN("linux19_libc_sort");
	enum { N = 5000 };
	static int v[N];
	unsigned s = 12345;
	for (int i = 0; i < N; i++) {
		s = s * 1103515245 + 12345;
		v[i] = (int)(s >> 8) % 1000 - 500;
	}
	v[3] = INT_MIN;
	v[4] = INT_MAX;
	qsort(v, N, sizeof v[0], cmp_int);
	int ok = 1;
	for (int i = 1; i < N; i++)
		ok &= v[i - 1] <= v[i];
	CHECK(ok);
	CHECK(v[0] == INT_MIN && v[N - 1] == INT_MAX);
	int key = v[N / 2];
	int *f = bsearch(&key, v, N, sizeof v[0], cmp_int);
	CHECK(f && *f == key);
	key = 100000;
	CHECK(bsearch(&key, v, N, sizeof v[0], cmp_int) == NULL);
	CHECK(bsearch(&key, v, 0, sizeof v[0], cmp_int) == NULL);
	qsort(v, 0, sizeof v[0], cmp_int);
	qsort(v, 1, sizeof v[0], cmp_int);
	/* large elements, already sorted and reversed inputs */
	static struct rec r[N];
	for (int i = 0; i < N; i++)
		r[i] = (struct rec){ N - i, i };
	qsort(r, N, sizeof r[0], cmp_rec);
	ok = 1;
	for (int i = 0; i < N; i++)
		ok &= r[i].key == i + 1 && r[i].seq == N - 1 - i;
	CHECK(ok);
	qsort(r, N, sizeof r[0], cmp_rec);
	CHECK(r[0].key == 1 && r[N - 1].key == N);
	/* all equal */
	for (int i = 0; i < N; i++)
		v[i] = 7;
	qsort(v, N, sizeof v[0], cmp_int);
	CHECK(v[0] == 7 && v[N - 1] == 7);
	END();
}

static void t_strtol(void)
{
	BEGIN("linux19_libc_strtol");
	char *end;
	errno = 0;
	CHECK(strtol("9223372036854775807", &end, 10) == LONG_MAX && errno == 0);
	CHECK(strtol("9223372036854775808", &end, 10) == LONG_MAX && errno == ERANGE && *end == 0);
	errno = 0;
	CHECK(strtol("-9223372036854775808", &end, 10) == LONG_MIN && errno == 0);
	CHECK(strtol("-9223372036854775809", &end, 10) == LONG_MIN && errno == ERANGE);
	errno = 0;
	CHECK(strtoul("-1", &end, 10) == ULONG_MAX && errno == 0);
	CHECK(strtoul("18446744073709551616", &end, 10) == ULONG_MAX && errno == ERANGE);
	errno = 0;
	CHECK(strtoul("-18446744073709551616", &end, 10) == ULONG_MAX && errno == ERANGE);
	errno = 0;
	CHECK(strtoul("-18446744073709551615", &end, 10) == 1 && errno == 0);
	errno = 0;
	CHECK(strtol("0x1f", &end, 0) == 31 && *end == 0);
	CHECK(strtol("0x", &end, 16) == 0 && strcmp(end, "x") == 0);
	CHECK(strtol("0x", &end, 0) == 0 && strcmp(end, "x") == 0);
	CHECK(strtol("017", &end, 0) == 15);
	CHECK(strtol("089", &end, 0) == 0 && strcmp(end, "89") == 0);
	CHECK(strtol("  +42abc", &end, 10) == 42 && strcmp(end, "abc") == 0);
	CHECK(strtol("zz", &end, 36) == 35 * 36 + 35);
	CHECK(strtol("   ", &end, 10) == 0 && strcmp(end, "   ") == 0);
	CHECK(strtol("-", &end, 10) == 0 && strcmp(end, "-") == 0);
	errno = 0;
	CHECK(strtol("10", &end, 1) == 0 && errno == EINVAL);
	errno = 0;
	CHECK(strtol("10", &end, 37) == 0 && errno == EINVAL);
	errno = 0;
	CHECK(strtoll("-0x8000000000000000", &end, 0) == LLONG_MIN && errno == 0);
	CHECK(strtoull("0XFFFFFFFFFFFFFFFF", &end, 0) == ULLONG_MAX && errno == 0);
	CHECK(atoi("  -17x") == -17);
	CHECK(atol("123456789012") == 123456789012L);
	CHECK(strtoimax("-5", NULL, 10) == -5);
	END();
}

static void t_snprintf(void)
{
	BEGIN("linux19_libc_snprintf");
	char b[32];
	memset(b, 'Z', sizeof b);
	CHECK(snprintf(b, 5, "%s", "hello world") == 11);
	STR(b, "hell");
	CHECK(b[5] == 'Z');
	CHECK(snprintf(NULL, 0, "%d", 123456) == 6);
	CHECK(snprintf(b, 0, "abc") == 3 && b[0] == 'h');
	CHECK(snprintf(b, 1, "abc") == 3 && b[0] == 0);
	snprintf(b, sizeof b, "%5.2s|%-4c|%%", "abc", 'x');
	STR(b, "   ab|x   |%");
	snprintf(b, sizeof b, "%hhd %hd %ld", 300, 70000, LONG_MIN);
	STR(b, "44 4464 -9223372036854775808");
	snprintf(b, sizeof b, "%#x %#o %#X %x", 255, 8, 0, 0);
	STR(b, "0xff 010 0 0");
	snprintf(b, sizeof b, "%+d % d %05d %-5d|", 3, 3, -3, 3);
	STR(b, "+3  3 -0003 3    |");
	snprintf(b, sizeof b, "%.0d|%.3d|%*d|%-*d|", 0, 7, 4, 1, 3, 2);
	STR(b, "|007|   1|2  |");
	snprintf(b, sizeof b, "%zu %td %jd", (size_t)-1, (ptrdiff_t)-2, (intmax_t)-3);
	STR(b, "18446744073709551615 -2 -3");
	snprintf(b, sizeof b, "%2$s %1$s|%3$*4$d", "world", "hello", 7, 3);
	STR(b, "hello world|  7");
	int n = 0;
	signed char hh = 0;
	long ln = 0;
	snprintf(b, sizeof b, "abc%nxy%hhnz%ln", &n, &hh, &ln);
	STR(b, "abcxyz");
	CHECK(n == 3 && hh == 5 && ln == 6);
	snprintf(b, sizeof b, "%.0x|%#.0o|%5.0d|%-3.0u|", 0, 0, 0, 0);
	STR(b, "|0|     |   |");
	snprintf(b, sizeof b, "%c%c%c", 'a', 0, 'b');
	CHECK(b[0] == 'a' && b[1] == 0 && b[2] == 'b');
	snprintf(b, sizeof b, "%s", (char *)NULL);
	STR(b, "(null)");
	snprintf(b, sizeof b, "%5s|%.1s", "", "xyz");
	STR(b, "     |x");
	char *a = NULL;
	CHECK(asprintf(&a, "%d-%s", 42, "x") == 4 && a && strcmp(a, "42-x") == 0);
	free(a);
	/* a long result through asprintf */
	CHECK(asprintf(&a, "%5000d", 1) == 5000 && a[4999] == '1');
	free(a);
	END();
}

/* atexit/on_exit run in reverse order of registration, with the exit
 * status, stdio flushed after them; _exit runs none. */
static int order_fd;
static void ex_a(void) { dprintf(order_fd, "a"); }
static FILE *out_f;
static void ex_b(void) { dprintf(order_fd, "b"); fprintf(out_f, "buffered-in-b"); }
static void ex_c(int status, void *arg) { dprintf(order_fd, "c%d%s", status, (char *)arg); }
static void ex_d(void) { dprintf(order_fd, "d"); atexit(ex_a); /* registered while exiting: runs */ }

static void t_atexit(void)
{
	BEGIN("linux19_libc_atexit");
	int p[2], o[2];
	CHECK(pipe(p) == 0 && pipe(o) == 0);
	pid_t c = fork();
	if (c == 0) {
		close(p[0]);
		close(o[0]);
		order_fd = p[1];
		out_f = fdopen(o[1], "w");
		atexit(ex_a);
		on_exit(ex_c, "x");
		atexit(ex_b);
		atexit(ex_d);
		fprintf(out_f, "main-");
		exit(5);
	}
	close(p[1]);
	close(o[1]);
	char buf[64] = { 0 }, out[64] = { 0 };
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 5);
	CHECK(read(p[0], buf, sizeof buf - 1) > 0);
	STR(buf, "dabc5xa");
	CHECK(read(o[0], out, sizeof out - 1) > 0);
	STR(out, "main-buffered-in-b");
	close(p[0]);
	close(o[0]);
	/* _exit: no handlers, unflushed stdio lost */
	CHECK(pipe(o) == 0);
	c = fork();
	if (c == 0) {
		close(o[0]);
		out_f = fdopen(o[1], "w");
		atexit(ex_b);
		fprintf(out_f, "lost");
		_exit(3);
	}
	close(o[1]);
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 3);
	ssize_t got = read(o[0], out, sizeof out - 1);
	if (got > 0)
		printf("got %zd: %s\n", got, out);
	CHECK(got == 0);
	close(o[0]);
	/* return from main's equivalent: exit status truncated to 8 bits */
	c = fork();
	if (c == 0)
		exit(256 + 7);
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7);
	END();
}

/* errno for bad arguments, as Linux 6.1 gives them. */
static void t_errno(void)
{
	BEGIN("linux19_libc_errno");
	char buf[16];
	errno = 0;
	CHECK(read(-1, buf, 1) == -1 && errno == EBADF);
	errno = 0;
	CHECK(write(12345, buf, 1) == -1 && errno == EBADF);
	errno = 0;
	CHECK(close(-5) == -1 && errno == EBADF);
	errno = 0;
	CHECK(dup2(0, -1) == -1 && errno == EBADF);
	int p[2];
	CHECK(pipe(p) == 0);
	write(p[1], "x", 1);
	errno = 0;
	CHECK(read(p[0], (void *)8, 1) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(write(p[1], (void *)16, 4) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(pipe((int *)8) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(lseek(p[0], 0, SEEK_SET) == -1 && errno == ESPIPE);
	close(p[0]);
	close(p[1]);
	errno = 0;
	CHECK(open("/no/such/file", O_RDONLY) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(open("", O_RDONLY) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(open((char *)8, O_RDONLY) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED && errno == EBADF);
	errno = 0;
	CHECK(mmap((void *)4097, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1) == MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, (size_t)1 << 62, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == ENOMEM);
	errno = 0;
	CHECK(munmap((void *)4097, 4096) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(munmap(NULL, 0) == -1 && errno == EINVAL);
	CHECK(munmap((void *)0x100000000000, 4096) == 0); /* nothing there: fine */
	errno = 0;
	CHECK(mprotect((void *)4097, 4096, PROT_READ) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(mprotect((void *)0x100000000000, 4096, PROT_READ) == -1 && errno == ENOMEM);
	errno = 0;
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
	errno = 0;
	CHECK(waitpid(getpid(), NULL, 0) == -1 && errno == ECHILD);
	errno = 0;
	CHECK(waitpid(-1, NULL, 0x100) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(chdir("/no/such") == -1 && errno == ENOENT);
	errno = 0;
	CHECK(getcwd(buf, 1) == NULL && errno == ERANGE);
	errno = 0;
	CHECK(fcntl(-1, F_GETFD) == -1 && errno == EBADF);
	errno = 0;
	CHECK(fcntl(0, 99999) == -1 && errno == EINVAL);
	errno = 0;
	struct stat sb;
	CHECK(fstat(-1, &sb) == -1 && errno == EBADF);
	errno = 0;
	CHECK(stat("/no/such", &sb) == -1 && errno == ENOENT);
	errno = 0;
	CHECK(getrlimit(RLIMIT_NOFILE, (struct rlimit *)8) == -1 && errno == EFAULT);
	errno = 0;
	CHECK(getrlimit(999, &(struct rlimit){ 0, 0 }) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(setrlimit(RLIMIT_CORE, (struct rlimit *)8) == -1 && errno == EFAULT);
	struct rlimit ml;
	CHECK(getrlimit(RLIMIT_MEMLOCK, &ml) == 0 && ml.rlim_cur == 8u << 20 && ml.rlim_max == 8u << 20);
	CHECK(strcmp(strerror(EINVAL), "Invalid argument") == 0);
	CHECK(strcmp(strerror(ENOMEM), "Cannot allocate memory") == 0);
	CHECK(strcmp(strerror(EFAULT), "Bad address") == 0);
	CHECK(strcmp(strerror(EBADF), "Bad file descriptor") == 0);
	END();
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	t_fp_threads();
	t_fpfmt();
	t_sort();
	t_strtol();
	t_snprintf();
	t_atexit();
	t_errno();
	return fails != 0;
}
