/* The libc calls and headers Linux programs met missing: <fenv.h> aside
 * (test_linux4_fenv), lgamma/tgamma, the drand48 family (glibc's sequence
 * for a seed), random/srandom, bzero/bcopy/index/rindex, readv/writev
 * (<sys/uio.h>), basename/dirname (<libgen.h>), setlocale/localeconv
 * (<locale.h>), flock (<sys/file.h>), tmpfile, open_memstream and
 * fmemopen, pthread_setname_np/getname_np, and the headers
 * <byteswap.h>, <memory.h>, <sys/cdefs.h>, <sysexits.h>, <sys/signal.h>,
 * <sys/errno.h>, <sys/fcntl.h>.  Each part fails to build, or to give
 * Linux's answer, without them. */
#define _GNU_SOURCE
#include <byteswap.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <memory.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <pthread.h>
#include <unistd.h>
#include <sys/cdefs.h>
#include <sys/errno.h>
#include <sys/fcntl.h>
#include <sys/file.h>
#include <sys/signal.h>
#include <sys/uio.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux4_libc: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static int close_rel(double got, double want, double tol)
{
	return fabs(got - want) <= tol * fabs(want);
}

int main(void)
{
	/* Gamma. */
	CHECK(tgamma(5.0) == 24.0 && tgamma(1.0) == 1.0 && tgamma(11.0) == 3628800.0);
	CHECK(close_rel(tgamma(0.5), 1.7724538509055159, 1e-15));
	CHECK(close_rel(tgamma(-1.5), 2.3632718012073548, 1e-14));
	CHECK(close_rel(tgamma(170.5), 5.5620924145599999e305, 1e-13));
	CHECK(isinf(tgamma(0.0)) && isnan(tgamma(-2.0)) && isinf(tgamma(172.0)));
	CHECK(lgamma(1.0) == 0.0 && lgamma(2.0) == 0.0);
	CHECK(close_rel(lgamma(10.0), 12.801827480081469, 1e-15));
	CHECK(close_rel(lgamma(0.1), 2.2527126517342060, 1e-15));
	CHECK(close_rel(lgamma(1000.5), 5908.6741758486778, 1e-15));
	CHECK(close_rel(lgamma(-0.5), 1.2655121234846454, 1e-14) && signgam == -1);
	CHECK(close_rel(lgamma(3.5), 1.2009736023470743, 1e-15) && signgam == 1);
	CHECK(isinf(lgamma(-3.0)) && isinf(lgamma(0.0)));
	int sg;
	CHECK(close_rel(lgamma_r(-2.5, &sg), -0.056243716497674054, 1e-13) && sg == -1);
	CHECK(close_rel(tgammaf(4.5f), 11.631728f, 1e-6) && close_rel(lgammaf(20.0f), 39.339884f, 1e-6));

	/* The 48-bit generators: glibc's numbers. */
	srand48(42);
	CHECK(lrand48() == 1598855263 && lrand48() == 735945821);
	CHECK(mrand48() == 477107655);
	CHECK(drand48() == 0.42233895798830901);
	unsigned short x[3] = { 1, 2, 3 };
	CHECK(nrand48(x) == 949179875 && x[0] == 0xe678 && x[1] == 0xabc6 && x[2] == 0x7126);
	CHECK(jrand48(x) == 1130126687);
	CHECK(erand48(x) == 0.65413825286481853);
	unsigned short seed[3] = { 0x330e, 0x2a, 0 }, *old = seed48(seed);
	CHECK(old != NULL && lrand48() == 1598855263); /* srand48(42)'s state */
	srandom(7);
	long r1 = random(), r2 = random();
	srandom(7);
	CHECK(random() == r1 && random() == r2 && r1 >= 0 && r1 <= 0x7fffffff && r1 != r2);

	/* The BSD byte calls. */
	char b[16] = "abcdefgh";
	bzero(b + 2, 3);
	CHECK(b[1] == 'b' && b[2] == 0 && b[4] == 0 && b[5] == 'f');
	bcopy("xyz", b, 3);
	CHECK(memcmp(b, "xyz", 3) == 0 && bcmp("ab", "ab", 2) == 0 && bcmp("ab", "ac", 2) != 0);
	CHECK(index("hello", 'l') == strchr("hello", 'l') && rindex("hello", 'l') == strrchr("hello", 'l'));
	CHECK(bswap_32(0x11223344u) == 0x44332211u && bswap_16(0x1122) == 0x2211);
	CHECK(EX_OK == 0 && EX_USAGE == 64 && EX_SOFTWARE == 70);

	/* readv/writev through a pipe: one write of the pieces in order. */
	int p[2];
	CHECK(pipe(p) == 0);
	struct iovec out[3] = { { "one ", 4 }, { "", 0 }, { "two\n", 4 } };
	CHECK(writev(p[1], out, 3) == 8);
	char h1[3], h2[16];
	struct iovec in[2] = { { h1, sizeof h1 }, { h2, sizeof h2 } };
	CHECK(readv(p[0], in, 2) == 8);
	CHECK(memcmp(h1, "one", 3) == 0 && memcmp(h2, " two\n", 5) == 0);
	errno = 0;
	volatile int bad = -1;
	CHECK(writev(p[1], out, bad) == -1 && errno == EINVAL);
	close(p[0]);
	close(p[1]);

	/* POSIX basename and dirname. */
	char s1[] = "/usr/lib/", s2[] = "/usr/lib/", s3[] = "file", s4[] = "file", s5[] = "/", s6[] = "/";
	CHECK(strcmp(basename(s1), "lib") == 0 && strcmp(dirname(s2), "/usr") == 0);
	CHECK(strcmp(basename(s3), "file") == 0 && strcmp(dirname(s4), ".") == 0);
	CHECK(strcmp(basename(s5), "/") == 0 && strcmp(dirname(s6), "/") == 0);
	char s7[] = "/a", s8[] = "a//b//";
	CHECK(strcmp(dirname(s7), "/") == 0 && strcmp(dirname(s8), "a") == 0);
	CHECK(strcmp(basename(NULL), ".") == 0 && strcmp(dirname(NULL), ".") == 0);

	/* The C locale. */
	CHECK(setlocale(LC_ALL, "") != NULL && setlocale(LC_ALL, "C") != NULL);
	CHECK(strcmp(setlocale(LC_ALL, NULL), "C") == 0);
	CHECK(setlocale(LC_NUMERIC, "C") != NULL && setlocale(LC_ALL, "xx_YY.nonesuch") == NULL);
	struct lconv *lc = localeconv();
	CHECK(lc && strcmp(lc->decimal_point, ".") == 0 && lc->frac_digits == CHAR_MAX);

	/* flock and tmpfile. */
	FILE *t = tmpfile();
	CHECK(t != NULL);
	if (t) {
		CHECK(flock(fileno(t), LOCK_EX | LOCK_NB) == 0 && flock(fileno(t), LOCK_UN) == 0);
		errno = 0;
		CHECK(flock(fileno(t), 0) == -1 && errno == EINVAL);
		CHECK(fprintf(t, "line %d\nsecond\n", 1) == 14);
		rewind(t);
		char line[32];
		CHECK(fgets(line, sizeof line, t) && strcmp(line, "line 1\n") == 0);
		CHECK(fseek(t, 0, SEEK_END) == 0 && ftell(t) == 14);
		CHECK(fclose(t) == 0);
	}
	errno = 0;
	CHECK(flock(-1, LOCK_SH) == -1 && errno == EBADF);

	/* Memory streams. */
	char *mbuf = NULL;
	size_t mlen = 99;
	FILE *ms = open_memstream(&mbuf, &mlen);
	CHECK(ms != NULL);
	if (ms) {
		for (int i = 0; i < 1000; i++)
			fprintf(ms, "%d,", i);
		CHECK(fflush(ms) == 0 && mbuf && mlen == 3890 && strlen(mbuf) == mlen);
		CHECK(mbuf && strncmp(mbuf, "0,1,2,", 6) == 0);
		fputs("END", ms);
		CHECK(fclose(ms) == 0 && mlen == 3893 && strcmp(mbuf + 3890, "END") == 0);
		free(mbuf);
	}
	char mem[16];
	memset(mem, 'x', sizeof mem);
	FILE *w = fmemopen(mem, sizeof mem, "w");
	CHECK(w != NULL);
	if (w) {
		fprintf(w, "hi %d", 42);
		CHECK(fclose(w) == 0 && strcmp(mem, "hi 42") == 0);
	}
	char text[] = "10 20 thirty";
	FILE *rs = fmemopen(text, strlen(text), "r");
	int a = 0, b2 = 0;
	char word[16] = "";
	CHECK(rs && fscanf(rs, "%d %d %15s", &a, &b2, word) == 3 && a == 10 && b2 == 20 &&
	      strcmp(word, "thirty") == 0);
	CHECK(rs && fgetc(rs) == EOF && feof(rs));
	if (rs)
		fclose(rs);
	char app[32] = "abc";
	FILE *ap = fmemopen(app, sizeof app, "a");
	CHECK(ap && fputs("def", ap) >= 0 && fclose(ap) == 0 && strcmp(app, "abcdef") == 0);
	errno = 0;
	CHECK(fmemopen(app, sizeof app, "x") == NULL && errno == EINVAL);

	/* Thread names. */
	char tn[16];
	CHECK(pthread_setname_np(pthread_self(), "worker-1") == 0);
	CHECK(pthread_getname_np(pthread_self(), tn, sizeof tn) == 0 && strcmp(tn, "worker-1") == 0);
	CHECK(pthread_setname_np(pthread_self(), "a-name-too-long!") == ERANGE);
	CHECK(pthread_getname_np(pthread_self(), tn, 3) == ERANGE);
	if (!fails)
		printf("@@PASS linux4_libc\n");
	return fails != 0;
}
