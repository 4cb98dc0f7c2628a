/* Open file descriptions shared across fork and exec, as Linux's struct
 * file (a plain Linux program; passes with gcc and glibc on Linux 6.1):
 * the offset and the status flags are one for parent and child, the
 * description lives while any process holds it.  Each part: a child's
 * write then the parent's follow one another ("helloworld"); an lseek in
 * one is seen by the other; parent and child reading one description at
 * once get every byte exactly once (a tmpfs file of numbered records, and
 * this program's own file, read-only), also when the fork comes while
 * another thread reads; O_APPEND set by F_SETFL in a child
 * holds in the parent; a description the parent closed lives on in two
 * children, the second reading where the first stopped; an exec'd image
 * moves the offset and sets O_APPEND for its parent, and a description
 * exec carried is shared by the new image's fork; a child killed by
 * SIGKILL while it reads leaves the description usable.  Run twice, the
 * free frames counted around the second: every page and object comes
 * back. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux6_fpos"
#include "linux_frames.h"

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static const char *prog;

/* Reap child c: 1 if it exited 0. */
static int reaped_ok(pid_t c)
{
	int st = 0;
	return waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* A new tmpfs file at path with n bytes of text, open read-write. */
static int make_file(const char *path, const char *text)
{
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(fd >= 0);
	if (text)
		CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	unlink(path);
	return fd;
}

/* A child's write, then the parent's: one after the other, as on Linux. */
static void part_write(void)
{
	char buf[32] = "";
	int fd = make_file("/tmp/l6fpos_w", NULL);
	pid_t c = fork();
	if (c == 0)
		_exit(write(fd, "hello", 5) == 5 ? 0 : 1);
	CHECK(reaped_ok(c));
	CHECK(write(fd, "world", 5) == 5);
	CHECK(lseek(fd, 0, SEEK_CUR) == 10);
	CHECK(pread(fd, buf, sizeof buf, 0) == 10 && !memcmp(buf, "helloworld", 10));
	close(fd);
}

/* An lseek (and a read) in the child seen by the parent, and the parent's
 * seen by the next child. */
static void part_seek(void)
{
	char buf[8] = "";
	int fd = make_file("/tmp/l6fpos_s", "0123456789abcdef");
	pid_t c = fork();
	if (c == 0) {
		if (lseek(fd, 3, SEEK_SET) != 3 || read(fd, buf, 2) != 2 || memcmp(buf, "34", 2))
			_exit(1);
		_exit(0);
	}
	CHECK(reaped_ok(c));
	CHECK(lseek(fd, 0, SEEK_CUR) == 5);
	CHECK(read(fd, buf, 2) == 2 && !memcmp(buf, "56", 2));
	CHECK(lseek(fd, -4, SEEK_END) == 12);
	c = fork();
	if (c == 0)
		_exit(lseek(fd, 0, SEEK_CUR) == 12 && read(fd, buf, 8) == 4 &&
		      !memcmp(buf, "cdef", 4) ? 0 : 1);
	CHECK(reaped_ok(c));
	CHECK(lseek(fd, 0, SEEK_CUR) == 16);
	close(fd);
}

#define RECS 8192 /* 4-byte records: 32 KiB */

/* Read fd's records (each its number) one at a time to the end, counting
 * each in seen (shared memory); the records read. */
static long read_records(int fd, volatile uint32_t *seen)
{
	uint32_t r;
	long n = 0;
	while (read(fd, &r, sizeof r) == sizeof r) {
		if (r < RECS)
			__atomic_add_fetch(&seen[r], 1, __ATOMIC_RELAXED);
		n++;
	}
	return n;
}

/* Bytes of fd read in chunks of 61 to the end: their count and sum. */
static void read_sum(int fd, uint64_t *count, uint64_t *sum)
{
	unsigned char b[61];
	ssize_t k;
	*count = *sum = 0;
	while ((k = read(fd, b, sizeof b)) > 0)
		for (ssize_t i = 0; i < k; i++)
			*count += 1, *sum += b[i];
}

/* Parent and child read one description at once: every record once, in
 * all; this program's file too (its bytes counted and summed). */
static void part_concurrent(void)
{
	uint32_t *seen = mmap(NULL, RECS * sizeof *seen + 64, PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(seen != MAP_FAILED);
	if (seen == MAP_FAILED)
		return;
	uint64_t *child_got = (uint64_t *)(seen + RECS);
	int fd = make_file("/tmp/l6fpos_c", NULL);
	uint32_t *recs = malloc(RECS * sizeof *recs);
	for (uint32_t i = 0; i < RECS; i++)
		recs[i] = i;
	CHECK(write(fd, recs, RECS * sizeof *recs) == RECS * sizeof *recs);
	free(recs);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	pid_t c = fork();
	if (c == 0) {
		child_got[0] = (uint64_t)read_records(fd, seen);
		_exit(0);
	}
	long mine = read_records(fd, seen);
	CHECK(reaped_ok(c));
	CHECK(mine + (long)child_got[0] == RECS);
	int once = 1;
	for (uint32_t i = 0; i < RECS; i++)
		once &= seen[i] == 1;
	CHECK(once);
	close(fd);

	/* the program's own file, read-only */
	fd = open(prog, O_RDONLY);
	CHECK(fd >= 0);
	uint64_t size, sum, n1, s1;
	read_sum(fd, &size, &sum);
	CHECK(size > 0 && lseek(fd, 0, SEEK_SET) == 0);
	c = fork();
	if (c == 0) {
		read_sum(fd, &child_got[0], &child_got[1]);
		_exit(0);
	}
	read_sum(fd, &n1, &s1);
	CHECK(reaped_ok(c));
	CHECK(n1 + child_got[0] == size);
	CHECK(s1 + child_got[1] == sum);
	close(fd);
	munmap(seen, RECS * sizeof *seen + 64);
}

struct reader {
	int fd;
	uint32_t *seen;
	long n;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	r->n = read_records(r->fd, r->seen);
	return NULL;
}

/* A fork while another thread reads a description no fork shared before
 * (its position moves to where the child shares it, under the reader):
 * every record read once by the two threads, in 8 rounds. */
static void part_transition(void)
{
	uint32_t *seen = calloc(RECS, sizeof *seen), *recs = malloc(RECS * sizeof *recs);
	int fd = open("/tmp/l6fpos_t", O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(seen && recs && fd >= 0);
	if (!seen || !recs || fd < 0)
		return;
	for (uint32_t i = 0; i < RECS; i++)
		recs[i] = i;
	CHECK(write(fd, recs, RECS * sizeof *recs) == RECS * sizeof *recs);
	close(fd);
	for (int round = 0; round < 8; round++) {
		struct reader r = { open("/tmp/l6fpos_t", O_RDONLY), seen, 0 };
		pthread_t t;
		CHECK(r.fd >= 0);
		memset(seen, 0, RECS * sizeof *seen);
		CHECK(pthread_create(&t, NULL, reader_main, &r) == 0);
		uint32_t rec;
		CHECK(read(r.fd, &rec, sizeof rec) == sizeof rec); /* the thread reads too */
		if (rec < RECS)
			__atomic_add_fetch(&seen[rec], 1, __ATOMIC_RELAXED);
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		long mine = 1 + read_records(r.fd, seen);
		CHECK(pthread_join(t, NULL) == 0);
		CHECK(reaped_ok(c));
		CHECK(mine + r.n == RECS);
		int once = 1;
		for (uint32_t i = 0; i < RECS; i++)
			once &= seen[i] == 1;
		CHECK(once);
		close(r.fd);
	}
	unlink("/tmp/l6fpos_t");
	free(seen);
	free(recs);
}

/* O_APPEND set by F_SETFL in a child holds in the parent (and cleared by
 * the parent, in the next child). */
static void part_append(void)
{
	char buf[16] = "";
	int fd = make_file("/tmp/l6fpos_a", "abc");
	pid_t c = fork();
	if (c == 0)
		_exit(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_APPEND) == 0 ? 0 : 1);
	CHECK(reaped_ok(c));
	CHECK(fcntl(fd, F_GETFL) & O_APPEND);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, "d", 1) == 1); /* at the end */
	CHECK(lseek(fd, 0, SEEK_CUR) == 4);
	CHECK(pread(fd, buf, sizeof buf, 0) == 4 && !memcmp(buf, "abcd", 4));
	CHECK(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_APPEND) == 0);
	c = fork();
	if (c == 0)
		_exit(!(fcntl(fd, F_GETFL) & O_APPEND) && lseek(fd, 0, SEEK_SET) == 0 &&
		      write(fd, "X", 1) == 1 ? 0 : 1);
	CHECK(reaped_ok(c));
	CHECK(pread(fd, buf, sizeof buf, 0) == 4 && !memcmp(buf, "Xbcd", 4));
	CHECK(lseek(fd, 0, SEEK_CUR) == 1);
	close(fd);
}

/* A description the parent closed lives on in two children: the second
 * reads where the first stopped. */
static void part_kept(void)
{
	int go[2][2];
	char buf[8] = "", b;
	CHECK(pipe(go[0]) == 0 && pipe(go[1]) == 0);
	int fd = make_file("/tmp/l6fpos_k", "0123456789");
	CHECK(lseek(fd, 1, SEEK_SET) == 1);
	pid_t c[2];
	for (int i = 0; i < 2; i++) {
		c[i] = fork();
		if (c[i] == 0) {
			close(go[i][1]);
			if (read(go[i][0], &b, 1) != 1 || read(fd, buf, 3) != 3)
				_exit(1);
			_exit(!memcmp(buf, i ? "456" : "123", 3) ? 0 : 2);
		}
	}
	close(fd); /* the children hold it now */
	for (int i = 0; i < 2; i++) {
		close(go[i][0]);
		CHECK(write(go[i][1], "g", 1) == 1);
		close(go[i][1]);
		CHECK(reaped_ok(c[i]));
	}
}

/* The exec'd image (argv[2]: the descriptor): reads 2 bytes, sets
 * O_APPEND. */
static int after_exec(char **argv)
{
	int fd = atoi(argv[2]);
	char buf[4] = "";
	if (lseek(fd, 0, SEEK_CUR) != 2 || read(fd, buf, 2) != 2 || memcmp(buf, "23", 2))
		return 1;
	return fcntl(fd, F_SETFL, O_APPEND) == 0 ? 0 : 2;
}

/* The exec'd image of part_exec_fork (argv[2]: the descriptor, at 2 of
 * "ab"): its fork child's write and then its own follow one another. */
static int after_exec_fork(char **argv)
{
	int fd = atoi(argv[2]);
	char buf[16] = "";
	pid_t c = fork();
	if (c == 0)
		_exit(write(fd, "cd", 2) == 2 ? 0 : 1);
	if (!reaped_ok(c) || write(fd, "ef", 2) != 2)
		return 1;
	return pread(fd, buf, sizeof buf, 0) == 6 && !memcmp(buf, "abcdef", 6) ? 0 : 2;
}

/* A description carried by exec (never shared by a fork before) is
 * shared by the new image's fork. */
static void part_exec_fork(void)
{
	pid_t c = fork();
	if (c == 0) {
		char arg[16];
		int fd = make_file("/tmp/l6fpos_f", "ab");
		snprintf(arg, sizeof arg, "%d", fd);
		char *args[] = { (char *)prog, "fpos-exec-fork", arg, NULL };
		execv(prog, args);
		_exit(99);
	}
	CHECK(reaped_ok(c));
}

/* Across exec: the image the child runs moves the parent's offset. */
static void part_exec(void)
{
	char arg[16];
	int fd = make_file("/tmp/l6fpos_e", "0123456789");
	CHECK(lseek(fd, 2, SEEK_SET) == 2);
	pid_t c = fork();
	if (c == 0) {
		snprintf(arg, sizeof arg, "%d", fd);
		char *args[] = { (char *)prog, "fpos-exec", arg, NULL };
		execv(prog, args);
		_exit(99);
	}
	CHECK(reaped_ok(c));
	CHECK(lseek(fd, 0, SEEK_CUR) == 4);
	CHECK(fcntl(fd, F_GETFL) & O_APPEND);
	close(fd);
}

/* A holder killed (SIGKILL) while it reads: the description goes on (no
 * lock left held), for a tmpfs file and this program's file. */
static void part_kill(void)
{
	for (int k = 0; k < 2; k++) {
		int ready[2];
		char b, buf[16];
		CHECK(pipe(ready) == 0);
		int fd;
		if (k == 0) {
			fd = make_file("/tmp/l6fpos_x", NULL);
			char *big = calloc(1, 65536);
			CHECK(big && write(fd, big, 65536) == 65536);
			free(big);
		} else {
			fd = open(prog, O_RDONLY);
			CHECK(fd >= 0);
		}
		pid_t c = fork();
		if (c == 0) {
			static char rb[65536];
			close(ready[0]);
			CHECK(write(ready[1], "r", 1) == 1);
			for (;;) {
				lseek(fd, 0, SEEK_SET);
				while (read(fd, rb, k ? 4096 : sizeof rb) > 0)
					;
			}
		}
		close(ready[1]);
		CHECK(read(ready[0], &b, 1) == 1);
		close(ready[0]);
		CHECK(kill(c, SIGKILL) == 0);
		int st = 0;
		CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		CHECK(lseek(fd, 4, SEEK_SET) == 4);
		CHECK(read(fd, buf, 8) == 8);
		CHECK(lseek(fd, 0, SEEK_CUR) == 12);
		close(fd);
	}
}

static int run(void)
{
	part_write();
	part_seek();
	part_concurrent();
	part_transition();
	part_append();
	part_kept();
	part_exec();
	part_exec_fork();
	part_kill();
	return fails;
}

int main(int argc, char **argv)
{
	prog = argv[0];
	if (argc > 2 && !strcmp(argv[1], "fpos-exec"))
		return after_exec(argv);
	if (argc > 2 && !strcmp(argv[1], "fpos-exec-fork"))
		return after_exec_fork(argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	return run_twice_counted(run);
}
