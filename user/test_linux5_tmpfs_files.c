/* Writable files and directories as Linux programs use them (a plain
 * Linux program; passes with gcc and glibc, and on Linux 6.1 as root):
 * open with O_CREAT|O_TRUNC, write, lseek, read back, ftruncate both
 * ways, fstat and stat sizes, O_EXCL, O_APPEND, fopen "w", "a", "r+",
 * "w+", mkdir/rmdir, opendir/readdir/rewinddir/fdopendir of a directory
 * and of "/", rename of files and of a directory with a file in it,
 * unlink of an open file (st_ino the same through stat and fstat,
 * st_nlink 1, then 0), chdir and relative paths, openat/unlinkat with
 * a directory descriptor, mkstemp, creat, truncate, remove, fsync, a
 * descriptor (made stdout) and the current directory kept by exec, and
 * the errors Linux gives (ENOENT, EEXIST, EISDIR, ENOTDIR, ENOTEMPTY,
 * EBADF); in the guest also EROFS for the initrd's own files. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux5_tmpfs_files"

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)
#define ERR(call, e) do { errno = 0; CHECK((call) == -1 && errno == (e)); } while (0)

static char base[64];

/* base/name in a static buffer (one of four). */
static const char *at(const char *name)
{
	static char bufs[4][128];
	static int i;
	char *b = bufs[i++ & 3];
	snprintf(b, 128, "%s/%s", base, name);
	return b;
}

static long size_of(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long)st.st_size;
}

/* Whether directory path lists exactly the names in want (with . and ..),
 * each once. */
static int lists(DIR *d, const char *const *want, int n)
{
	int seen[16] = { 0 }, count = 0, ok = 1;
	struct dirent *e;
	while ((e = readdir(d))) {
		count++;
		int found = 0;
		for (int i = 0; i < n; i++)
			if (!strcmp(e->d_name, want[i]) && !seen[i]++)
				found = 1;
		if (!found) {
			printf(T ": unexpected entry %s\n", e->d_name);
			ok = 0;
		}
	}
	return ok && count == n;
}

static void files(void)
{
	char buf[256];
	const char *f = at("a");
	int fd = open(f, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, "hello world", 11) == 11);
	CHECK(lseek(fd, 0, SEEK_CUR) == 11);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	memset(buf, 0, sizeof buf);
	CHECK(read(fd, buf, sizeof buf) == 11 && !strcmp(buf, "hello world"));
	CHECK(read(fd, buf, sizeof buf) == 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 11);
	CHECK(stat(f, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 11);
	CHECK(ftruncate(fd, 5) == 0 && size_of(f) == 5);
	CHECK(pread(fd, buf, sizeof buf, 0) == 5 && !memcmp(buf, "hello", 5));
	CHECK(ftruncate(fd, 8192) == 0 && size_of(f) == 8192);
	static char big[8192];
	CHECK(pread(fd, big, sizeof big, 0) == 8192 && !memcmp(big, "hello", 5));
	int zero = 1;
	for (int i = 5; i < 8192; i++)
		zero &= big[i] == 0;
	CHECK(zero); /* the bytes cut off read zero when it grows again */
	CHECK(lseek(fd, 0, SEEK_END) == 8192);
	CHECK(fsync(fd) == 0 && fdatasync(fd) == 0);
	sync();
	ERR(open(f, O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST);
	/* O_APPEND: every write at the end, whatever the position */
	CHECK(ftruncate(fd, 3) == 0);
	int fa = open(f, O_WRONLY | O_APPEND);
	CHECK(fa >= 0);
	CHECK(lseek(fa, 0, SEEK_SET) == 0 && write(fa, "XY", 2) == 2);
	CHECK(pread(fd, buf, sizeof buf, 0) == 5 && !memcmp(buf, "helXY", 5));
	ERR(read(fa, buf, 1), EBADF); /* write-only */
	CHECK(close(fa) == 0);
	int fr = open(f, O_RDONLY);
	CHECK(fr >= 0);
	ERR(write(fr, "z", 1), EBADF);
	ERR(ftruncate(fr, 0), EINVAL);
	CHECK(close(fr) == 0);
	/* O_TRUNC empties it */
	int ft = open(f, O_RDWR | O_TRUNC);
	CHECK(ft >= 0 && size_of(f) == 0);
	CHECK(close(ft) == 0);
	CHECK(close(fd) == 0);
	ERR(close(fd), EBADF);
	ERR(fsync(fd), EBADF);
}

static void streams(void)
{
	char line[64];
	const char *g = at("g");
	FILE *s = fopen(g, "w");
	CHECK(s && fputs("line1\n", s) >= 0 && fclose(s) == 0);
	CHECK(size_of(g) == 6);
	s = fopen(g, "a");
	CHECK(s && fprintf(s, "line%d\n", 2) == 6 && fclose(s) == 0);
	s = fopen(g, "r");
	CHECK(s && fgets(line, sizeof line, s) && !strcmp(line, "line1\n"));
	CHECK(s && fgets(line, sizeof line, s) && !strcmp(line, "line2\n"));
	CHECK(s && !fgets(line, sizeof line, s) && feof(s));
	CHECK(s && fclose(s) == 0);
	s = fopen(g, "r+");
	CHECK(s && fputc('L', s) == 'L' && fclose(s) == 0);
	s = fopen(g, "r");
	CHECK(s && fgets(line, sizeof line, s) && !strcmp(line, "Line1\n"));
	CHECK(s && fclose(s) == 0);
	s = fopen(g, "w+");
	CHECK(s && size_of(g) == 0);
	CHECK(s && fputs("fresh", s) >= 0 && fseek(s, 0, SEEK_SET) == 0);
	CHECK(s && fgets(line, sizeof line, s) && !strcmp(line, "fresh"));
	CHECK(s && fclose(s) == 0);
	errno = 0;
	CHECK(!fopen(at("none"), "r") && errno == ENOENT);
}

static void errors(void)
{
	ERR(open(at("none"), O_RDONLY), ENOENT);
	ERR(open(at("nodir/x"), O_CREAT | O_RDWR, 0644), ENOENT);
	ERR(open(at("g/x"), O_CREAT | O_RDWR, 0644), ENOTDIR);
	ERR(open(base, O_RDWR), EISDIR);
	ERR(open(at("g"), O_RDONLY | O_DIRECTORY), ENOTDIR);
	ERR(unlink(base), EISDIR);
	ERR(rmdir(at("g")), ENOTDIR);
	ERR(rmdir(base), ENOTEMPTY);
	ERR(unlink(at("none")), ENOENT);
	ERR(rmdir(at("none")), ENOENT);
	ERR(mkdir(at("nodir/x"), 0755), ENOENT);
	ERR(mkdir(base, 0755), EEXIST);
	ERR(mkdir(at("g"), 0755), EEXIST);
	ERR(stat(at("none"), &(struct stat){ 0 }), ENOENT);
	ERR(chdir(at("g")), ENOTDIR);
	ERR(chdir(at("none")), ENOENT);
	ERR(rename(at("none"), at("z")), ENOENT);
	ERR(opendir(at("none")) ? 0 : -1, ENOENT);
	ERR(opendir(at("g")) ? 0 : -1, ENOTDIR);
}

static void dirs_and_names(void)
{
	CHECK(mkdir(at("sub"), 0755) == 0);
	struct stat st;
	CHECK(stat(at("sub"), &st) == 0 && S_ISDIR(st.st_mode));
	int fd = creat(at("a"), 0644);
	CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10 && close(fd) == 0);
	/* rename a file onto a free name and onto a file */
	CHECK(rename(at("a"), at("b")) == 0);
	CHECK(size_of(at("a")) == -1 && errno == ENOENT && size_of(at("b")) == 10);
	CHECK(rename(at("g"), at("b")) == 0 && size_of(at("b")) == 5); /* "fresh" */
	ERR(rename(at("b"), at("sub")), EISDIR);
	ERR(rename(at("sub"), at("b")), ENOTDIR);
	ERR(rename(base, at("sub/in")), EINVAL);
	/* the listing */
	const char *want[] = { ".", "..", "b", "sub" };
	DIR *d = opendir(base);
	CHECK(d && lists(d, want, 4));
	if (d) {
		rewinddir(d);
		CHECK(lists(d, want, 4));
		CHECK(closedir(d) == 0);
	}
	int dfd = open(base, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	d = fdopendir(dfd);
	CHECK(d && lists(d, want, 4));
	/* openat and unlinkat from the directory's descriptor */
	int fx = openat(dfd, "sub/x", O_CREAT | O_RDWR, 0644);
	CHECK(fx >= 0 && close(fx) == 0 && size_of(at("sub/x")) == 0);
	ERR(unlinkat(dfd, "sub", AT_REMOVEDIR), ENOTEMPTY);
	CHECK(unlinkat(dfd, "sub/x", 0) == 0 && size_of(at("sub/x")) == -1);
	ERR(openat(-5, "x", O_RDONLY), EBADF);
	if (d)
		CHECK(closedir(d) == 0); /* closes dfd */
	/* a directory renamed with what is in it */
	CHECK(mkdir(at("d1"), 0755) == 0);
	fd = open(at("d1/f"), O_CREAT | O_WRONLY, 0600);
	CHECK(fd >= 0 && write(fd, "abc", 3) == 3 && close(fd) == 0);
	CHECK(rename(at("d1"), at("d2")) == 0);
	CHECK(size_of(at("d2/f")) == 3 && size_of(at("d1/f")) == -1 && size_of(at("d1")) == -1);
	/* rename a directory onto an empty one */
	CHECK(rename(at("d2"), at("sub")) == 0 && size_of(at("sub/f")) == 3);
	/* the root lists its directories */
	d = opendir("/");
	int dev = 0, proc = 0, tmp = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		dev |= !strcmp(e->d_name, "dev");
		proc |= !strcmp(e->d_name, "proc");
		tmp |= !strcmp(e->d_name, "tmp");
	}
	CHECK(d && dev && proc && tmp);
	if (d)
		closedir(d);
	/* the current directory and relative paths */
	char cwd[128];
	CHECK(chdir(base) == 0 && getcwd(cwd, sizeof cwd) && !strcmp(cwd, base));
	fd = open("rel", O_CREAT | O_RDWR, 0644);
	CHECK(fd >= 0 && write(fd, "r", 1) == 1 && close(fd) == 0);
	CHECK(size_of(at("rel")) == 1 && size_of("./sub/../rel") == 1);
	CHECK(chdir("sub") == 0 && size_of("../rel") == 1 && size_of("f") == 3);
	CHECK(unlink("../rel") == 0 && unlink("f") == 0);
	CHECK(chdir("/") == 0 && getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/"));
	/* truncate, mkstemp, remove */
	CHECK(truncate(at("b"), 2) == 0 && size_of(at("b")) == 2);
	char tmpl[128];
	snprintf(tmpl, sizeof tmpl, "%s/tXXXXXX", base);
	fd = mkstemp(tmpl);
	CHECK(fd >= 0 && strcmp(tmpl + strlen(tmpl) - 6, "XXXXXX") && size_of(tmpl) == 0);
	CHECK(fd >= 0 && write(fd, "tt", 2) == 2 && size_of(tmpl) == 2 && close(fd) == 0);
	CHECK(remove(tmpl) == 0 && size_of(tmpl) == -1);
	/* unlink of an open file: the descriptor still reads it */
	fd = open(at("b"), O_RDWR);
	struct stat sb, fb, other;
	CHECK(stat(at("b"), &sb) == 0 && fstat(fd, &fb) == 0 && sb.st_ino == fb.st_ino &&
	      sb.st_dev == fb.st_dev && fb.st_nlink == 1);
	CHECK(stat(at("sub"), &other) == 0 && other.st_ino != sb.st_ino);
	CHECK(fd >= 0 && unlink(at("b")) == 0 && size_of(at("b")) == -1);
	CHECK(fstat(fd, &fb) == 0 && fb.st_nlink == 0 && fb.st_ino == sb.st_ino);
	char buf[8] = { 0 };
	CHECK(pread(fd, buf, sizeof buf, 0) == 2 && !memcmp(buf, "fr", 2));
	CHECK(write(fd, "12345", 5) == 5);
	struct stat fst;
	CHECK(fstat(fd, &fst) == 0 && fst.st_size == 5);
	CHECK(close(fd) == 0 && size_of(at("b")) == -1);
	CHECK(remove(at("sub")) == 0 && size_of(at("sub")) == -1);
	mode_t old = umask(077);
	CHECK(umask(old) == 077);
}

/* exec keeps a file descriptor (as stdout here) and the current
 * directory: the new image writes through the one and makes a file by a
 * relative path in the other. */
static void across_exec(const char *self)
{
	pid_t c = fork();
	if (c == 0) {
		int fd = open(at("out"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) != 1 || close(fd) || chdir(base))
			_exit(3);
		execl(self, self, "execed", (char *)NULL);
		_exit(4);
	}
	int st = 0;
	CHECK(c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		printf(T ": exec'd child status %#x\n", st);
	char buf[16] = { 0 };
	int fd = open(at("out"), O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 7 && !strcmp(buf, "execed\n"));
	CHECK(fd >= 0 && close(fd) == 0);
	CHECK(size_of(at("made")) == 4);
	CHECK(unlink(at("out")) == 0 && unlink(at("made")) == 0);
}

/* The exec'd image of across_exec. */
static int execed(void)
{
	int fd = open("made", O_CREAT | O_WRONLY, 0644);
	if (fd < 0 || write(fd, "made", 4) != 4 || close(fd))
		return 1;
	return write(1, "execed\n", 7) == 7 ? 0 : 2;
}

#ifndef __GLIBC__
/* The initrd's own files stay read-only. */
static void initrd(const char *self)
{
	const char *name = strrchr(self, '/') ? strrchr(self, '/') + 1 : self;
	char path[128];
	snprintf(path, sizeof path, "/%s", name);
	CHECK(size_of(path) > 0);
	ERR(open(path, O_WRONLY), EROFS);
	ERR(open(path, O_RDONLY | O_TRUNC), EROFS);
	ERR(unlink(path), EROFS);
	ERR(rename(path, "/tmp/stolen"), EROFS);
	ERR(truncate(path, 0), EROFS);
	CHECK(fopen(path, "w") == NULL && errno == EROFS);
	int fd = open(path, O_RDONLY);
	CHECK(fd >= 0 && close(fd) == 0);
}
#endif

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "execed"))
		return execed();
	if (mkdir("/tmp", 01777) && errno != EEXIST)
		printf(T ": no /tmp (errno %d)\n", errno);
	snprintf(base, sizeof base, "/tmp/l5files.%d", (int)getpid());
	CHECK(mkdir(base, 0755) == 0);
	files();
	streams();
	errors();
	dirs_and_names();
	across_exec(argv[0]);
#ifndef __GLIBC__
	initrd(argv[0]);
#else
	(void)argv;
#endif
	CHECK(rmdir(base) == 0 && size_of(base) == -1);
	if (fails)
		return 1;
	printf("@@PASS " T "\n");
	return 0;
}
