/* stdio streams over pipes and files, as a Linux program uses them
 * (compiles unchanged against glibc): a child's stdout and stderr put on
 * pipes with dup2 (printf, puts, putchar, fputs, fwrite, write(1)), its
 * stdin read from a pipe (fgets, getchar, fread, read(0)), fopen and fgets
 * of a file (this program's own, argv[0]), fdopen with fprintf and fgets
 * over a pipe, ungetc, feof, ferror, clearerr, fileno, setvbuf. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(name, c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", \
	name, __LINE__, #c, errno); fails++; } } while (0)

/* Everything fd gives until EOF, into buf (NUL-terminated): its length. */
static size_t slurp(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;
	while (got + 1 < cap && (n = read(fd, buf + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = 0;
	return got;
}

static int child_ok(pid_t pid)
{
	int st;
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* dup2 onto 1 and 2 in a child: the parent reads what it printed. */
static void stdout_redirect(void)
{
	const char *T = "linux_pipe_stdout";
	int before = fails, o[2], e[2];
	CHECK(T, pipe(o) == 0 && pipe(e) == 0);
	fflush(stdout); /* (a buffered stdout would be copied into the child) */
	pid_t pid = fork();
	if (pid == 0) {
		close(o[0]), close(e[0]);
		if (dup2(o[1], 1) != 1 || dup2(e[1], STDERR_FILENO) != 2)
			_exit(5);
		close(o[1]), close(e[1]);
		printf("hello %d\n", 42);
		puts("a line");
		putchar('x');
		fputs("yz\n", stdout);
		fwrite("ABC", 1, 3, stdout);
		fflush(stdout);
		write(1, "raw\n", 4);
		fprintf(stdout, "%s=%05.1f\n", "pi", 3.14159);
		fprintf(stderr, "err %s\n", "text");
		exit(0); /* flushes stdout */
	}
	close(o[1]), close(e[1]);
	char out[512], err[128];
	slurp(o[0], out, sizeof out);
	slurp(e[0], err, sizeof err);
	CHECK(T, strcmp(out, "hello 42\na line\nxyz\nABCraw\npi=003.1\n") == 0);
	CHECK(T, strcmp(err, "err text\n") == 0);
	CHECK(T, child_ok(pid));
	close(o[0]), close(e[0]);
	if (fails == before)
		printf("@@PASS %s\n", T);
}

/* dup2 onto 0 in a child: it reads the parent's lines as its stdin. */
static void stdin_redirect(void)
{
	const char *T = "linux_pipe_stdin";
	int before = fails, i[2], o[2];
	CHECK(T, pipe(i) == 0 && pipe(o) == 0);
	fflush(stdout); /* (a buffered stdout would be copied into the child) */
	pid_t pid = fork();
	if (pid == 0) {
		close(i[1]), close(o[0]);
		dup2(i[0], 0);
		dup2(o[1], 1);
		close(i[0]), close(o[1]);
		char line[64], rest[64];
		int bad = 0;
		bad |= !fgets(line, sizeof line, stdin) || strcmp(line, "first\n");
		bad |= getchar() != 's';
		bad |= !fgets(line, sizeof line, stdin) || strcmp(line, "econd\n");
		size_t n = fread(rest, 1, sizeof rest, stdin);
		bad |= n != 4 || memcmp(rest, "tail", 4);
		bad |= !feof(stdin) || ferror(stdin);
		bad |= fgets(line, sizeof line, stdin) != NULL;
		printf("child read %s\n", bad ? "wrong" : "right");
		exit(bad);
	}
	close(i[0]), close(o[1]);
	const char *text = "first\nsecond\ntail";
	CHECK(T, write(i[1], text, strlen(text)) == (ssize_t)strlen(text));
	close(i[1]);
	char out[128];
	slurp(o[0], out, sizeof out);
	CHECK(T, strcmp(out, "child read right\n") == 0);
	CHECK(T, child_ok(pid));
	close(o[0]);
	if (fails == before)
		printf("@@PASS %s\n", T);
}

/* fopen of a file (read-only) against read() of the same file. */
static void fopen_file(const char *path)
{
	const char *T = "linux_pipe_fopen";
	int before = fails;
	FILE *f = fopen(path, "r");
	CHECK(T, f != NULL);
	if (!f)
		return;
	int fd = open(path, O_RDONLY);
	CHECK(T, fd >= 0);
	static char whole[1 << 16], line[300];
	ssize_t n = read(fd, whole, sizeof whole);
	CHECK(T, n > 1000);
	CHECK(T, memcmp(whole, "\177ELF", 4) == 0);
	size_t at = 0;
	int lines = 0;
	while (at < (size_t)n && fgets(line, sizeof line, f)) {
		size_t k = strlen(line); /* (an ELF file has NULs: compare bytes) */
		if (k > (size_t)n - at) /* past what read() took (a file over 64 KiB) */
			k = (size_t)n - at;
		char *nl = memchr(whole + at, '\n', (size_t)n - at);
		size_t want = nl ? (size_t)(nl - (whole + at)) + 1 : (size_t)n - at;
		if (want > sizeof line - 1)
			want = sizeof line - 1;
		CHECK(T, memcmp(line, whole + at, k) == 0);
		at += want;
		lines++;
	}
	CHECK(T, lines > 3);
	CHECK(T, fileno(f) >= 0 && fileno(f) != fd);
	rewind(f);
	CHECK(T, fgetc(f) == 0177 && fgetc(f) == 'E');
	CHECK(T, ungetc('Q', f) == 'Q' && fgetc(f) == 'Q' && fgetc(f) == 'L');
	CHECK(T, ftell(f) == 3);
	CHECK(T, fseek(f, 0, SEEK_END) == 0 && fgetc(f) == EOF && feof(f));
	clearerr(f);
	CHECK(T, !feof(f) && !ferror(f));
	CHECK(T, fclose(f) == 0);
	close(fd);
	errno = 0;
	CHECK(T, fopen("no-such-file-here", "r") == NULL && errno == ENOENT);
	FILE *w = fopen(path, "w"); /* a running program: Linux ETXTBSY, here EROFS */
	CHECK(T, w == NULL && (errno == ETXTBSY || errno == EROFS));
	if (w)
		fclose(w);
	if (fails == before)
		printf("@@PASS %s\n", T);
}

/* fdopen on both ends of a pipe: fprintf in the child, fgets here. */
static void fdopen_pipe(void)
{
	const char *T = "linux_pipe_fdopen";
	int before = fails, p[2], q[2];
	CHECK(T, pipe(p) == 0 && pipe(q) == 0);
	fflush(stdout); /* (a buffered stdout would be copied into the child) */
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]), close(q[1]);
		FILE *out = fdopen(p[1], "w"), *in = fdopen(q[0], "r");
		if (!out || !in)
			_exit(6);
		for (int i = 0; i < 500; i++)
			fprintf(out, "line %d of %s\n", i, "child");
		fflush(out);
		char cmd[32];
		if (!fgets(cmd, sizeof cmd, in) || strcmp(cmd, "bye\n"))
			_exit(7);
		fputs("last words\n", out);
		exit(0); /* exit flushes "last words" */
	}
	close(p[1]), close(q[0]);
	FILE *in = fdopen(p[0], "r"), *out = fdopen(q[1], "w");
	CHECK(T, in && out);
	if (!in || !out)
		return;
	CHECK(T, fileno(in) == p[0]);
	char line[64], want[64];
	int ok = 0;
	for (int i = 0; i < 500 && fgets(line, sizeof line, in); i++) {
		snprintf(want, sizeof want, "line %d of child\n", i);
		ok += strcmp(line, want) == 0;
	}
	CHECK(T, ok == 500);
	CHECK(T, setvbuf(out, NULL, _IOLBF, 0) == 0);
	CHECK(T, fprintf(out, "bye\n") == 4); /* line buffered: goes now */
	CHECK(T, fgets(line, sizeof line, in) && strcmp(line, "last words\n") == 0);
	CHECK(T, fgets(line, sizeof line, in) == NULL && feof(in) && !ferror(in));
	CHECK(T, child_ok(pid));
	CHECK(T, fclose(in) == 0 && fclose(out) == 0);
	errno = 0;
	CHECK(T, write(q[1], "x", 1) == -1 && errno == EBADF); /* fclose closed it */
	errno = 0;
	CHECK(T, fdopen(99, "r") == NULL && errno == EBADF);
	/* Writing a read-only stream is an error, not a crash. */
	int r[2];
	CHECK(T, pipe(r) == 0);
	FILE *ro = fdopen(r[0], "r");
	CHECK(T, ro && fputc('a', ro) == EOF && ferror(ro));
	if (ro)
		fclose(ro);
	close(r[1]);
	if (fails == before)
		printf("@@PASS %s\n", T);
}

int main(int argc, char **argv)
{
	(void)argc;
	printf("linux_stdio: streams over pipes and files\n");
	stdout_redirect();
	stdin_redirect();
	fopen_file(argv[0]);
	fdopen_pipe();
	return fails != 0;
}
