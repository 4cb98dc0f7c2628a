/* Linux programs' libc surface that was missing or wrong (found by the
 * linuxprobe programs: each part failed to compile, link or assert on
 * this system before), checked on Linux 6.1 with make linux-check:
 * getopt's argv permutation, long options by a unique prefix and
 * getopt_long_only; error() and error_at_line; confstr and the rest of
 * sysconf's names; sigabbrev_np, strerrorname_np; inet_pton/ntop;
 * fnmatch and glob; regcomp and regexec; personality; prctl options read back; the CPU_ set
 * operations; setpriority keeping the nice value; complex arithmetic;
 * sendfile and copy_file_range; fcntl's record locks and pipe size;
 * FIONREAD on a pipe.  One @@PASS line per group. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <complex.h>
#include <errno.h>
#include <error.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

static int failed;

#define CHECK(name, cond) do {                                                 \
	if (!(cond)) {                                                         \
		printf("@@FAIL %s: line %d: %s (errno %d)\n", name, __LINE__, #cond, errno); \
		failed = 1;                                                    \
		return;                                                        \
	}                                                                      \
} while (0)

static void options(void)
{
	const char *N = "linux7_libc_getopt";
	static int verbose;
	static const struct option lo[] = {
		{ "verbose", no_argument, &verbose, 1 },
		{ "size", required_argument, NULL, 's' },
		{ "name", optional_argument, NULL, 'n' },
		{ "nap", no_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 },
	};
	/* operands first, options after (glibc permutes), an abbreviation,
	 * "--" keeping "-z" an operand */
	char *av[] = { "prog", "in1", "--verbose", "-s", "10", "--name=foo", "in2", "-x",
		       "--siz", "20", "-ab", "--", "-z", NULL };
	int ac = 13, c, s = 0, a = 0, b = 0, unknown = 0;
	char *name = NULL;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(ac, av, "s:n::ab", lo, NULL)) != -1) {
		if (c == 's')
			s += atoi(optarg);
		else if (c == 'n')
			name = optarg;
		else if (c == 'a')
			a = 1;
		else if (c == 'b')
			b = 1;
		else if (c == '?')
			unknown = optopt;
	}
	CHECK(N, verbose == 1 && s == 30 && name && !strcmp(name, "foo") && a && b);
	CHECK(N, unknown == 'x');
	CHECK(N, optind == 10 && !strcmp(av[10], "in1") && !strcmp(av[11], "in2") &&
		 !strcmp(av[12], "-z"));
	/* an ambiguous prefix ("--na": name, nap) */
	char *amb[] = { "prog", "--na", NULL };
	optind = 0;
	CHECK(N, getopt_long(2, amb, "", lo, NULL) == '?');
	/* getopt_long_only: -verbose is the long option */
	char *only[] = { "prog", "-verbose", "-s5", NULL };
	verbose = 0, s = 0;
	optind = 0;
	while ((c = getopt_long_only(3, only, "s:", lo, NULL)) != -1)
		if (c == 's')
			s = atoi(optarg);
	CHECK(N, verbose == 1 && s == 5);
	/* '+': stop at the first operand */
	char *plus[] = { "prog", "op", "-a", NULL };
	optind = 0;
	CHECK(N, getopt(3, plus, "+a") == -1 && optind == 1);
	printf("@@PASS %s\n", N);
}

static void names(void)
{
	const char *N = "linux7_libc_names";
	char buf[64];
	CHECK(N, confstr(_CS_PATH, buf, sizeof buf) > 1 && strstr(buf, "/bin"));
	CHECK(N, sysconf(_SC_RTSIG_MAX) >= 8 && sysconf(_SC_SIGQUEUE_MAX) >= 32);
	CHECK(N, sysconf(_SC_BARRIERS) == 200809L && sysconf(_SC_SPIN_LOCKS) == 200809L &&
		 sysconf(_SC_THREAD_PROCESS_SHARED) == 200809L);
	CHECK(N, sysconf(_SC_XOPEN_VERSION) == 700 && sysconf(_SC_NZERO) == 20 &&
		 sysconf(_SC_SSIZE_MAX) == 32767);
	CHECK(N, sysconf(_SC_MINSIGSTKSZ) > 0 && sysconf(_SC_SIGSTKSZ) >= sysconf(_SC_MINSIGSTKSZ));
	CHECK(N, !strcmp(sigabbrev_np(SIGSEGV), "SEGV") && !strcmp(sigdescr_np(SIGINT), "Interrupt"));
	CHECK(N, !strcmp(strerrorname_np(ENOMEM), "ENOMEM") &&
		 !strcmp(strerrordesc_np(EINVAL), "Invalid argument"));
	struct in_addr ia;
	CHECK(N, inet_pton(AF_INET, "10.1.2.3", &ia) == 1 && ntohl(ia.s_addr) == 0x0a010203);
	CHECK(N, inet_pton(AF_INET, "10.1.2.300", &ia) == 0);
	CHECK(N, !strcmp(inet_ntop(AF_INET, &ia, buf, sizeof buf), "10.1.2.3"));
	unsigned char six[16];
	CHECK(N, inet_pton(AF_INET6, "fe80::1:2", six) == 1 && six[0] == 0xfe && six[1] == 0x80 &&
		 six[13] == 1 && six[15] == 2 && six[5] == 0);
	CHECK(N, htons(0x1234) == 0x3412 && inet_addr("1.2.3.4") == htonl(0x01020304));
	/* error(): counted, status 0 returns */
	unsigned before = error_message_count;
	error(0, ENOENT, "linux7: an error() line %d", 1);
	error_at_line(0, 0, "file.c", 7, "linux7: an error_at_line() line");
	CHECK(N, error_message_count == before + 2);
	printf("@@PASS %s\n", N);
}

static void matching(void)
{
	const char *N = "linux7_libc_glob";
	CHECK(N, fnmatch("*.c", "a.c", 0) == 0 && fnmatch("*.c", "a.h", 0) == FNM_NOMATCH);
	CHECK(N, fnmatch("a/*", "a/b/c", FNM_PATHNAME) == FNM_NOMATCH && fnmatch("a/*", "a/b/c", 0) == 0);
	CHECK(N, fnmatch("[a-c]?[!x]", "bzy", 0) == 0 && fnmatch("[[:digit:]]*", "7up", 0) == 0);
	CHECK(N, fnmatch("*", ".hidden", FNM_PERIOD) == FNM_NOMATCH && fnmatch("\\*", "*", 0) == 0);
	CHECK(N, fnmatch("ABC", "abc", FNM_CASEFOLD) == 0);
	CHECK(N, mkdir("/tmp/l7glob", 0755) == 0 || errno == EEXIST);
	const char *files[] = { "/tmp/l7glob/b.txt", "/tmp/l7glob/a.txt", "/tmp/l7glob/c.dat" };
	for (int i = 0; i < 3; i++) {
		int fd = open(files[i], O_CREAT | O_WRONLY | O_TRUNC, 0600);
		CHECK(N, fd >= 0);
		close(fd);
	}
	glob_t g;
	CHECK(N, glob("/tmp/l7glob/*.txt", 0, NULL, &g) == 0);
	CHECK(N, g.gl_pathc == 2 && !strcmp(g.gl_pathv[0], "/tmp/l7glob/a.txt") &&
		 !strcmp(g.gl_pathv[1], "/tmp/l7glob/b.txt") && g.gl_pathv[2] == NULL);
	CHECK(N, glob("/tmp/l7glob/*.dat", GLOB_APPEND, NULL, &g) == 0 && g.gl_pathc == 3);
	globfree(&g);
	CHECK(N, glob("/tmp/l7glo?/", GLOB_MARK, NULL, &g) == 0 && g.gl_pathc == 1 &&
		 !strcmp(g.gl_pathv[0], "/tmp/l7glob/"));
	globfree(&g);
	CHECK(N, glob("/tmp/l7glob/*.none", 0, NULL, &g) == GLOB_NOMATCH);
	CHECK(N, glob("/tmp/l7glob/*.none", GLOB_NOCHECK, NULL, &g) == 0 && g.gl_pathc == 1);
	globfree(&g);
	for (int i = 0; i < 3; i++)
		unlink(files[i]);
	CHECK(N, rmdir("/tmp/l7glob") == 0);
	printf("@@PASS %s\n", N);
}

static void regex(void)
{
	const char *N = "linux7_libc_regex";
	regex_t re;
	regmatch_t m[3];
	CHECK(N, regcomp(&re, "^a[0-9]+b$", REG_EXTENDED | REG_NOSUB) == 0);
	CHECK(N, regexec(&re, "a123b", 0, NULL, 0) == 0 && regexec(&re, "ab", 0, NULL, 0) == REG_NOMATCH);
	regfree(&re);
	CHECK(N, regcomp(&re, "([0-9]+)\\.([0-9]+)", REG_EXTENDED) == 0 && re.re_nsub == 2);
	CHECK(N, regexec(&re, "v 12.345 x", 3, m, 0) == 0 && m[0].rm_so == 2 && m[0].rm_eo == 8 &&
		 m[1].rm_so == 2 && m[1].rm_eo == 4 && m[2].rm_so == 5 && m[2].rm_eo == 8);
	regfree(&re);
	/* the longest at the leftmost place, as POSIX (not the first branch) */
	CHECK(N, regcomp(&re, "(foo|foobar)baz|x", REG_EXTENDED) == 0);
	CHECK(N, regexec(&re, "foobarbaz", 2, m, 0) == 0 && m[0].rm_eo == 9 && m[1].rm_eo == 6);
	regfree(&re);
	/* basic: groups, a back reference, intervals */
	CHECK(N, regcomp(&re, "\\(ab\\)\\1c\\{2\\}", 0) == 0);
	CHECK(N, regexec(&re, "xababcc", 2, m, 0) == 0 && m[0].rm_so == 1 && m[1].rm_eo == 3);
	regfree(&re);
	CHECK(N, regcomp(&re, "^b", REG_NEWLINE | REG_ICASE) == 0);
	CHECK(N, regexec(&re, "a\nB", 1, m, 0) == 0 && m[0].rm_so == 2);
	CHECK(N, regexec(&re, "B", 1, m, REG_NOTBOL) == REG_NOMATCH);
	regfree(&re);
	CHECK(N, regcomp(&re, "[[:alpha:]_][[:alnum:]_]*", REG_EXTENDED) == 0);
	CHECK(N, regexec(&re, "  9x_1 ", 1, m, 0) == 0 && m[0].rm_so == 3 && m[0].rm_eo == 6);
	regfree(&re);
	int e = regcomp(&re, "a(b", REG_EXTENDED);
	char msg[64];
	CHECK(N, e == REG_EPAREN && regerror(e, &re, msg, sizeof msg) > 1 && msg[0]);
	CHECK(N, regcomp(&re, "[z-a]", REG_EXTENDED) == REG_ERANGE);
	printf("@@PASS %s\n", N);
}

static void process(void)
{
	const char *N = "linux7_libc_process";
	CHECK(N, personality(0xffffffff) == PER_LINUX);
	CHECK(N, personality(ADDR_NO_RANDOMIZE) == PER_LINUX &&
		 personality(0xffffffff) == ADDR_NO_RANDOMIZE);
	personality(PER_LINUX);
	CHECK(N, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
	CHECK(N, prctl(PR_GET_TIMERSLACK) == 50000);
	CHECK(N, prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0 && prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1);
	int sub = -1;
	CHECK(N, prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 && prctl(PR_GET_CHILD_SUBREAPER, &sub) == 0 && sub == 1);
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	/* nice values as root: kept, clamped */
	CHECK(N, setpriority(PRIO_PROCESS, 0, 5) == 0);
	errno = 0;
	CHECK(N, getpriority(PRIO_PROCESS, 0) == 5 && errno == 0);
	CHECK(N, nice(2) == 7 && setpriority(PRIO_PROCESS, 0, 40) == 0 && getpriority(PRIO_PROCESS, 0) == 19);
	CHECK(N, setpriority(PRIO_PROCESS, 0, 0) == 0);
	cpu_set_t a, b, c;
	CPU_ZERO(&a);
	CPU_ZERO(&b);
	CPU_SET(1, &a);
	CPU_SET(2, &a);
	CPU_SET(2, &b);
	CPU_AND(&c, &a, &b);
	CHECK(N, CPU_COUNT(&c) == 1 && CPU_ISSET(2, &c));
	CPU_OR(&c, &a, &b);
	CHECK(N, CPU_COUNT(&c) == 2);
	CPU_XOR(&c, &a, &b);
	CHECK(N, CPU_COUNT(&c) == 1 && CPU_ISSET(1, &c));
	cpu_set_t *dyn = CPU_ALLOC(200);
	size_t sz = CPU_ALLOC_SIZE(200);
	CHECK(N, dyn != NULL);
	CPU_ZERO_S(sz, dyn);
	CPU_SET_S(150, sz, dyn);
	CHECK(N, CPU_ISSET_S(150, sz, dyn) && CPU_COUNT_S(sz, dyn) == 1);
	CPU_FREE(dyn);
	printf("@@PASS %s\n", N);
}

static void complex_math(void)
{
	const char *N = "linux7_libc_complex";
	volatile double re = 1.0, im = 2.0;
	double complex z = re + im * I;
	double complex w = 3.0 - 4.0 * I;
	double complex p = z * w, q = z / w;
	CHECK(N, creal(p) == 11.0 && cimag(p) == 2.0);
	CHECK(N, fabs(creal(q) + 0.2) < 1e-15 && fabs(cimag(q) - 0.4) < 1e-15);
	CHECK(N, cabs(w) == 5.0 && fabs(carg(I) - M_PI_2) < 1e-15);
	double complex e = cexp(I * M_PI);
	CHECK(N, fabs(creal(e) + 1.0) < 1e-15 && fabs(cimag(e)) < 1e-15);
	double complex r = csqrt(-4.0 + 0.0 * I);
	CHECK(N, fabs(creal(r)) < 1e-15 && fabs(cimag(r) - 2.0) < 1e-15);
	double complex l = clog(z);
	CHECK(N, fabs(creal(l) - 0.80471895621705019) < 1e-15 && fabs(cimag(l) - 1.1071487177940904) < 1e-15);
	double complex s = csin(z);
	CHECK(N, fabs(creal(s) - 3.1657785132161682) < 1e-14 && fabs(cimag(s) - 1.9596010414216063) < 1e-14);
	double complex pw = cpow(z, 2.0);
	CHECK(N, fabs(creal(pw) + 3.0) < 1e-13 && fabs(cimag(pw) - 4.0) < 1e-13);
	double complex at = catan(casin(0.5) / 2.0);
	CHECK(N, fabs(creal(at) - atan(asin(0.5) / 2.0)) < 1e-15);
	double complex big = CMPLX(INFINITY, NAN);
	double complex prod = big * (1.0 + 1.0 * I); /* Annex G: still infinite */
	CHECK(N, isinf(creal(prod)) || isinf(cimag(prod)));
	float complex fz = csqrtf(-1.0f);
	CHECK(N, crealf(fz) == 0.0f && cimagf(fz) == 1.0f);
	CHECK(N, creal(conj(z)) == 1.0 && cimag(conj(z)) == -2.0);
	printf("@@PASS %s\n", N);
}

static void fileops(void)
{
	const char *N = "linux7_libc_files";
	char a[] = "/tmp/l7aXXXXXX", b[] = "/tmp/l7bXXXXXX";
	int in = mkstemp(a), out = mkstemp(b);
	CHECK(N, in >= 0 && out >= 0);
	CHECK(N, write(in, "hello sendfile world", 20) == 20);
	off_t off = 6;
	CHECK(N, sendfile(out, in, &off, 8) == 8 && off == 14);
	char buf[32] = { 0 };
	CHECK(N, pread(out, buf, sizeof buf, 0) == 8 && !memcmp(buf, "sendfile", 8));
	CHECK(N, lseek(in, 0, SEEK_CUR) == 20); /* with an offset, the position stays */
	loff_t o1 = 0, o2 = 8;
	CHECK(N, copy_file_range(in, &o1, out, &o2, 5, 0) == 5 && o1 == 5 && o2 == 13);
	CHECK(N, pread(out, buf, sizeof buf, 0) == 13 && !memcmp(buf, "sendfilehello", 13));
	/* record locks */
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10 };
	CHECK(N, fcntl(in, F_SETLK, &fl) == 0);
	fl.l_type = F_RDLCK;
	CHECK(N, fcntl(in, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK); /* our own: no conflict */
	fl.l_type = F_UNLCK;
	CHECK(N, fcntl(in, F_SETLKW, &fl) == 0);
	fl.l_type = 99;
	CHECK(N, fcntl(in, F_SETLK, &fl) == -1 && errno == EINVAL);
	CHECK(N, fcntl(99, F_SETLK, &fl) == -1 && errno == EBADF);
	close(in);
	close(out);
	unlink(a);
	unlink(b);
	int p[2];
	CHECK(N, pipe(p) == 0);
	CHECK(N, fcntl(p[0], F_GETPIPE_SZ) >= 4096);
	CHECK(N, write(p[1], "abc", 3) == 3);
	int avail = -1;
	CHECK(N, ioctl(p[0], FIONREAD, &avail) == 0 && avail == 3);
	close(p[0]);
	close(p[1]);
	printf("@@PASS %s\n", N);
}

int main(void)
{
	options();
	names();
	matching();
	regex();
	process();
	complex_math();
	fileops();
	return failed;
}
