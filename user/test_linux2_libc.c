/* The small glibc extras test programs reach for: alloca, err.h's warn
 * and errx (in a child: its exit status), sys/param.h's MIN/MAX/howmany/
 * roundup, getopt and getopt_long over a made-up argv, gettid (the pid
 * in the main thread, another number in a thread), getauxval(AT_PAGESZ),
 * times(), getrandom, program_invocation_short_name. */
#define _GNU_SOURCE
#include <alloca.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/param.h>
#include <sys/random.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_libc: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static void *thread_tid(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)gettid();
}

static int deep_alloca(int n)
{
	char *p = alloca(1000);
	memset(p, n, 1000);
	if (n == 0)
		return p[999];
	return deep_alloca(n - 1) + (p[0] == (char)n);
}

int main(int argc, char **argv)
{
	(void)argc;
	CHECK(strlen(program_invocation_short_name) > 0 && !strchr(program_invocation_short_name, '/'));
	CHECK(strstr(argv[0], program_invocation_short_name) != NULL);

	/* alloca */
	CHECK(deep_alloca(50) == 50);

	/* sys/param.h */
	CHECK(MIN(3, 9) == 3 && MAX(3, 9) == 9 && howmany(10, 4) == 3 && roundup(10, 4) == 12);
	CHECK(powerof2(64) && !powerof2(65) && NBBY == 8);

	/* err.h in children: the status, and the process goes on after warn */
	pid_t c = fork();
	if (c == 0) {
		errno = ENOENT;
		warn("linux2_libc: a warning (expected)");
		warnx("linux2_libc: a plain warning (expected)");
		errx(7, "linux2_libc: errx exits (expected) %d", 7);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7);
	c = fork();
	if (c == 0) {
		errno = EINVAL;
		err(3, "linux2_libc: err exits (expected)");
	}
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 3);

	/* getopt */
	char *av[] = { "prog", "-a", "-b", "val", "-cx", "--", "rest", NULL };
	int ac = 7, seen_a = 0, seen_c = 0;
	char *bval = NULL, *cval = NULL;
	int o;
	optind = 1;
	while ((o = getopt(ac, av, "ab:c:")) != -1) {
		if (o == 'a')
			seen_a = 1;
		else if (o == 'b')
			bval = optarg;
		else if (o == 'c')
			seen_c = 1, cval = optarg;
	}
	CHECK(seen_a && seen_c && bval && strcmp(bval, "val") == 0 && cval && strcmp(cval, "x") == 0);
	CHECK(optind == 6 && strcmp(av[optind], "rest") == 0);
	char *av2[] = { "prog", "--size=42", "--verbose", "-n", "3", NULL };
	static int verbose;
	struct option lo[] = { { "size", required_argument, NULL, 's' },
			       { "verbose", no_argument, &verbose, 1 }, { NULL, 0, NULL, 0 } };
	long size = 0, n = 0;
	optind = 1;
	while ((o = getopt_long(5, av2, "n:", lo, NULL)) != -1) {
		if (o == 's')
			size = strtol(optarg, NULL, 10);
		else if (o == 'n')
			n = strtol(optarg, NULL, 10);
	}
	CHECK(size == 42 && verbose == 1 && n == 3 && optind == 5);
	opterr = 0;
	char *av3[] = { "prog", "-z", NULL };
	optind = 1;
	CHECK(getopt(2, av3, "a") == '?' && optopt == 'z');

	/* gettid */
	CHECK(gettid() == getpid());
	pthread_t t;
	void *r;
	CHECK(pthread_create(&t, NULL, thread_tid, NULL) == 0 && pthread_join(t, &r) == 0);
	CHECK((pid_t)(intptr_t)r != getpid() && (pid_t)(intptr_t)r > 0);

	/* getauxval, times, getrandom */
	CHECK(getauxval(AT_PAGESZ) == (unsigned long)sysconf(_SC_PAGESIZE));
	CHECK(getauxval(AT_RANDOM) != 0);
	struct tms tm;
	clock_t t0 = times(&tm);
	/* the two children above used some CPU: a tick's worth or more
	 * on a loaded host (CPU time is charged at the tick) */
	CHECK(t0 != (clock_t)-1 && tm.tms_stime >= 0 && tm.tms_cutime >= 0);
	unsigned char a[64], b[64];
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	CHECK(getrandom(a, sizeof a, 0) == (ssize_t)sizeof a);
	CHECK(getrandom(b, sizeof b, GRND_NONBLOCK) == (ssize_t)sizeof b);
	CHECK(memcmp(a, b, sizeof a) != 0);
	int zeros = 0;
	for (unsigned i = 0; i < sizeof a; i++)
		zeros += a[i] == 0;
	CHECK(zeros < 16);
	CHECK(getentropy(a, 32) == 0);
	if (!fails)
		printf("@@PASS linux2_libc\n");
	return fails != 0;
}
