/* A file in /tmp mapped MAP_SHARED by several processes (a plain Linux
 * program; passes with gcc and glibc, and on Linux 6.1): written with
 * write(), mapped by this process, by a fork child that maps it itself,
 * and by an unrelated process (posix_spawn of this program) that opens
 * the same path: each sees the others' writes, through memory and through
 * read(); MAP_PRIVATE of it is copy-on-write (the file unchanged); msync;
 * unlinked and closed while mapped, the mapping still works and a fork
 * child shares it; the same for a file in /dev/shm that shm_open finds.
 * Run twice, the free frames counted around the second: the file's
 * frames come back once its last mapping goes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux5_tmpfs_mmap"
#include "linux_frames.h"

extern char **environ;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define LEN (64 * 4096)
static const char *prog;

/* The byte the writer put at i. */
static char pat(long i)
{
	return (char)('a' + i % 23);
}

/* The unrelated process: path opened and mapped; the parent's mark seen,
 * its own written through memory.  0 if all was as expected. */
static int peer(const char *path)
{
	int fd = open(path, O_RDWR);
	if (fd < 0)
		return 2;
	char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 3;
	int bad = p[5] != pat(5) || strcmp(p + 8192, "parent") || strcmp(p + 4096, "child");
	strcpy(p + 12288, "peer");
	if (msync(p, LEN, MS_SYNC) || munmap(p, LEN) || close(fd))
		bad = 1;
	return bad ? 4 : 0;
}

static int wait_ok(pid_t c)
{
	int st = 0;
	return c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int run(void)
{
	char path[96], buf[16];
	snprintf(path, sizeof path, "/tmp/l5mmap.%d", (int)getpid());
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	static char data[LEN];
	for (long i = 0; i < LEN; i++)
		data[i] = pat(i);
	CHECK(write(fd, data, LEN) == LEN);
	char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return 1;
	CHECK(!memcmp(p, data, LEN));
	/* a fork child maps the descriptor itself and writes through it */
	pid_t c = fork();
	if (c == 0) {
		char *q = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (q == MAP_FAILED || q[LEN - 1] != pat(LEN - 1))
			_exit(2);
		strcpy(q + 4096, "child");
		_exit(0);
	}
	CHECK(wait_ok(c));
	CHECK(!strcmp(p + 4096, "child"));
	CHECK(pread(fd, buf, 6, 4096) == 6 && !strcmp(buf, "child"));
	/* an unrelated process opens the path */
	strcpy(p + 8192, "parent");
	char *args[] = { (char *)prog, "peer", path, NULL };
	pid_t s;
	CHECK(posix_spawn(&s, prog, NULL, NULL, args, environ) == 0);
	CHECK(wait_ok(s));
	CHECK(!strcmp(p + 12288, "peer"));
	CHECK(pread(fd, buf, 5, 12288) == 5 && !strcmp(buf, "peer"));
	/* MAP_PRIVATE: the writes are the mapper's own */
	char *v = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(v != MAP_FAILED && v[0] == pat(0) && !strcmp(v + 12288, "peer"));
	if (v != MAP_FAILED) {
		v[0] = 'X';
		CHECK(p[0] == pat(0));
		CHECK(pread(fd, buf, 1, 0) == 1 && buf[0] == pat(0));
		CHECK(munmap(v, LEN) == 0);
	}
	CHECK(msync(p, LEN, MS_SYNC) == 0);
	/* the file grows and shrinks under the mapping */
	CHECK(ftruncate(fd, 2 * 4096) == 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && st.st_size == 2 * 4096);
	CHECK(ftruncate(fd, LEN) == 0 && p[8192] == 0 && p[4096] == 'c');
	/* unlinked and closed while mapped: the mapping lives on */
	CHECK(unlink(path) == 0 && close(fd) == 0);
	CHECK(stat(path, &st) == -1 && errno == ENOENT);
	p[100] = 7;
	c = fork();
	if (c == 0) {
		if (p[100] != 7)
			_exit(2);
		p[101] = 9;
		_exit(0);
	}
	CHECK(wait_ok(c));
	CHECK(p[101] == 9);
	CHECK(munmap(p, LEN) == 0);
	/* a file in /dev/shm is a shm_open object */
	char name[64];
	snprintf(name, sizeof name, "/l5mmap.%d", (int)getpid());
	snprintf(path, sizeof path, "/dev/shm%s", name);
	fd = open(path, O_CREAT | O_RDWR | O_EXCL, 0600);
	CHECK(fd >= 0 && write(fd, "shm!", 4) == 4 && close(fd) == 0);
	fd = shm_open(name, O_RDWR, 0);
	CHECK(fd >= 0);
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED && !memcmp(p, "shm!", 4));
	CHECK(shm_unlink(name) == 0 && stat(path, &st) == -1 && errno == ENOENT);
	CHECK(p == MAP_FAILED || munmap(p, 4096) == 0);
	CHECK(close(fd) == 0);
	return fails;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "peer"))
		return peer(argv[2]);
	prog = argv[0];
	if (mkdir("/tmp", 01777) && errno != EEXIST)
		printf(T ": no /tmp (errno %d)\n", errno);
	if (mkdir("/dev/shm", 01777) && errno != EEXIST)
		printf(T ": no /dev/shm (errno %d)\n", errno);
	return run_twice_counted(run);
}
