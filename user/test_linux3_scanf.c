/* scanf, fscanf, vfscanf and vscanf over streams (pipes, stdin made a
 * pipe), and sscanf on the same engine: conversions, widths, %n, %[...],
 * fields split across writes, a matching failure leaving the byte that
 * failed to be read next, EOF, number fields as glibc takes them
 * ("100ergs" read by %f: 100, then 'r'). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux3_scanf: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

/* A stream reading what a child writes in the pieces given (NULL ends). */
static FILE *feed(pid_t *child, ...)
{
	int p[2];
	if (pipe(p))
		return NULL;
	pid_t c = fork();
	if (c == 0) {
		close(p[0]);
		va_list ap;
		va_start(ap, child);
		for (const char *s; (s = va_arg(ap, const char *));) {
			if (write(p[1], s, strlen(s)) != (ssize_t)strlen(s))
				_exit(1);
			usleep(20000); /* separate reads, as a slow writer */
		}
		va_end(ap);
		_exit(0);
	}
	close(p[1]);
	*child = c;
	return fdopen(p[0], "r");
}

static int reap(pid_t c)
{
	int st;
	return waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int my_fscanf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfscanf(f, fmt, ap);
	va_end(ap);
	return n;
}

static void streams(void)
{
	pid_t c;
	FILE *f = feed(&c, "  42 wor", "d 3.2", "5e1 ff", "Z abcXYZ-", "17\n", "abc rest", NULL);
	CHECK(f != NULL);
	if (!f)
		return;
	int i = 0, x = 0, n = 0, m = 0;
	float fl = 0;
	char w[16] = "", ch = 0, set[16] = "";
	CHECK(fscanf(f, "%d %15s %f %x%c %[a-z]%n", &i, w, &fl, &x, &ch, set, &n) == 6);
	CHECK(i == 42 && !strcmp(w, "word") && fl == 32.5f && x == 0xff && ch == 'Z' &&
	      !strcmp(set, "abc"));
	CHECK(n == 24);
	CHECK(my_fscanf(f, "XYZ-%d", &m) == 1 && m == 17);
	/* a matching failure: the byte stays to be read */
	CHECK(fscanf(f, "%d", &i) == 0);
	CHECK(fgetc(f) == 'a');
	char rest[16];
	CHECK(fscanf(f, "%2c", rest) == 1 && rest[0] == 'b' && rest[1] == 'c');
	CHECK(fscanf(f, "%s", rest) == 1 && !strcmp(rest, "rest"));
	CHECK(fscanf(f, "%d", &i) == EOF && feof(f));
	fclose(f);
	CHECK(reap(c));
	/* widths, %i, %*, long long, double, %% */
	f = feed(&c, "0x1f 0777 -12345678901 ", "123456 2.5e-3 50% ", "100ergs", NULL);
	long long ll = 0;
	double d = 0;
	int a = 0, b = 0, s1 = 0, pct = 0;
	CHECK(fscanf(f, "%i %i %lld %3d%*d %lf %d%%", &a, &b, &ll, &s1, &d, &pct) == 6);
	CHECK(a == 0x1f && b == 0777 && ll == -12345678901LL && s1 == 123 && d == 2.5e-3 &&
	      pct == 50);
	float e = 7;
	CHECK(fscanf(f, "%f", &e) == 1 && e == 100); /* "100e": the e is gone, as glibc's */
	CHECK(fgetc(f) == 'r');
	fclose(f);
	CHECK(reap(c));
}

/* scanf on stdin made a pipe, in a child. */
static void on_stdin(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t c = fork();
	if (c == 0) {
		close(p[1]);
		dup2(p[0], 0);
		close(p[0]);
		int a = 0, b = 0;
		char s[32];
		int ok = scanf("%d,%d", &a, &b) == 2 && a == 5 && b == -6;
		ok &= scanf("%31s", s) == 1 && !strcmp(s, "hello");
		ok &= scanf("%d", &a) == EOF;
		_exit(!ok);
	}
	close(p[0]);
	CHECK(write(p[1], "5,", 2) == 2);
	usleep(20000);
	CHECK(write(p[1], "-6 hello\n", 9) == 9);
	close(p[1]);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void strings(void)
{
	int a = 0, b = 0, n = 0;
	char s[8] = "", t[8] = "";
	CHECK(sscanf("12 abc", "%d %s%n", &a, s, &n) == 2 && a == 12 && !strcmp(s, "abc") &&
	      n == 6);
	CHECK(sscanf("", "%d", &a) == EOF);
	CHECK(sscanf("   ", "%d", &a) == EOF);
	CHECK(sscanf("x", "%d", &a) == 0);
	CHECK(sscanf("7-8", "%d-%d", &a, &b) == 2 && a == 7 && b == 8);
	CHECK(sscanf("key=val", "%7[^=]=%7s", s, t) == 2 && !strcmp(s, "key") && !strcmp(t, "val"));
	double d = 0;
	CHECK(sscanf("-inf", "%lf", &d) == 1 && d < -1e308);
	CHECK(sscanf("0x1p4", "%lf", &d) == 1 && d == 16.0);
	CHECK(sscanf("1.5e+2x", "%lf%c", &d, s) == 2 && d == 150.0 && s[0] == 'x');
	long double ld = 0; /* L: a long double (review 11: a double was stored) */
	CHECK(sscanf("1.5", "%Lf", &ld) == 1 && ld == 1.5L);
	CHECK(sscanf("-2.25e3", "%Le", &ld) == 1 && ld == -2250.0L);
	CHECK(sscanf("0.125", "%Lg", &ld) == 1 && ld == 0.125L);
	long long q = 0;
	CHECK(sscanf("-9000000000", "%qd", &q) == 1 && q == -9000000000LL);
	unsigned char hh = 0;
	short h = 0;
	CHECK(sscanf("300 70000", "%hhu %hd", &hh, &h) == 2 && hh == 44 && h == 4464);
	void *p = NULL;
	CHECK(sscanf("0x1234", "%p", &p) == 1 && p == (void *)0x1234);
}

int main(void)
{
	strings();
	streams();
	on_stdin();
	if (!fails)
		printf("@@PASS linux3_scanf\n");
	return fails != 0;
}
