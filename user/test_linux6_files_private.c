/* MAP_PRIVATE of a tmpfs file is copy-on-write, as Linux's (a plain Linux
 * program; passes with gcc and glibc on Linux 6.1): a page the mapper has
 * not written reads the file as it is now (later write()s and another
 * process's MAP_SHARED stores show through it, read before or not), a
 * page it wrote is its own (the file unchanged); a fork child shares the
 * written pages copy-on-write and the unwritten ones with the file; a
 * read-only descriptor may be mapped private and written; the mapping
 * outlives the file's name and descriptor; a truncate makes the pages
 * past the end SIGBUS, written ones too.  Run twice, the free frames
 * counted around the second. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux6_files_private"
#include "linux_frames.h"

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define PG 4096
#define NP 4
#define PATH "/tmp/l6priv"

/* The status of a child that reads (write: writes) byte at. */
static int touch_status(volatile char *at, int write)
{
	pid_t c = fork();
	if (c == 0) {
		if (write)
			*at = 1;
		else
			(void)*at;
		_exit(0);
	}
	int st = 0;
	waitpid(c, &st, 0);
	return st;
}

static char byte_at(int fd, off_t off)
{
	char b = 0;
	return pread(fd, &b, 1, off) == 1 ? b : 0;
}

static int run(void)
{
	int fd = open(PATH, O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(fd >= 0);
	char page[PG];
	for (int i = 0; i < NP; i++) {
		memset(page, 'A' + i, PG);
		CHECK(write(fd, page, PG) == PG);
	}
	char *p = mmap(NULL, NP * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *q = mmap(NULL, NP * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED && q != MAP_FAILED);
	if (p == MAP_FAILED || q == MAP_FAILED)
		return 1;
	/* page 0 read, page 1 written, pages 2 and 3 untouched */
	CHECK(p[0] == 'A' && p[PG - 1] == 'A');
	p[PG] = 'x';
	CHECK(p[PG] == 'x' && p[PG + 1] == 'B');
	CHECK(byte_at(fd, PG) == 'B' && q[PG] == 'B'); /* the file unchanged */
	/* the file changes: through write() and through a shared mapping */
	CHECK(pwrite(fd, "Z", 1, 0) == 1);
	CHECK(pwrite(fd, "Y", 1, PG) == 1);
	q[2 * PG] = 'W';
	CHECK(p[0] == 'Z');          /* read before: the file's page still */
	CHECK(p[PG] == 'x');         /* written: ours */
	CHECK(p[2 * PG] == 'W');     /* untouched: the file's */
	CHECK(byte_at(fd, PG) == 'Y');

	/* fork: the written page copy-on-write, the others the file's */
	pid_t c = fork();
	if (c == 0) {
		int bad = p[0] != 'Z' || p[PG] != 'x' || p[2 * PG] != 'W';
		p[PG] = 'c';
		p[3 * PG] = 'd';
		bad |= p[PG] != 'c' || p[3 * PG] != 'd' || q[3 * PG] != 'D';
		_exit(bad);
	}
	int st = 0;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(p[PG] == 'x' && p[3 * PG] == 'D' && byte_at(fd, 3 * PG) == 'D');
	CHECK(pwrite(fd, "Q", 1, 3 * PG) == 1);
	CHECK(p[3 * PG] == 'Q');
	p[3 * PG] = 'p';
	CHECK(pwrite(fd, "R", 1, 3 * PG) == 1);
	CHECK(p[3 * PG] == 'p' && q[3 * PG] == 'R');

	/* a read-only descriptor mapped private, written */
	int ro = open(PATH, O_RDONLY);
	char *r = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	CHECK(r != MAP_FAILED);
	if (r != MAP_FAILED) {
		CHECK(r[0] == 'Z');
		r[0] = 'r';
		CHECK(r[0] == 'r' && byte_at(fd, 0) == 'Z' && p[0] == 'Z');
		CHECK(munmap(r, PG) == 0);
	}
	close(ro);

	/* a truncate: pages past the end are SIGBUS, the written one too */
	CHECK(ftruncate(fd, PG) == 0);
	st = touch_status(p + PG, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
	st = touch_status(p + 3 * PG, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
	CHECK(p[0] == 'Z');
	CHECK(ftruncate(fd, NP * PG) == 0); /* back, zeros */
	CHECK(p[PG] == 0 && p[2 * PG] == 0 && p[3 * PG] == 0);

	/* the name and the descriptor gone: the mapping still reads and writes */
	CHECK(unlink(PATH) == 0 && close(fd) == 0);
	CHECK(p[0] == 'Z');
	q[0] = 'S';
	CHECK(p[0] == 'S');
	p[2 * PG] = 'w';
	CHECK(q[2 * PG] == 0); /* the file's page: not ours */
	CHECK(munmap(q, NP * PG) == 0);
	CHECK(p[0] == 'S' && p[2 * PG] == 'w');
	CHECK(munmap(p, NP * PG) == 0);
	return fails;
}

int main(void)
{
	return run_twice_counted(run);
}
