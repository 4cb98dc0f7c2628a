/* tmpfs reads and writes while another process changes the size (a plain
 * Linux program): a small write never cuts short a file another process
 * grew, a read racing a truncate gets a count (never SIGBUS), and two
 * O_APPEND writers lose no byte. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c)                                                                          \
	do {                                                                              \
		if (!(c)) {                                                               \
			printf("@@FAIL tmpfs_race: line %d: %s (errno %d)\n", __LINE__, #c,  \
			       errno);                                                    \
			fflush(stdout);                                                   \
			fails++;                                                          \
		}                                                                         \
	} while (0)

static char big[1 << 20];

/* A 1 MiB write at 0 while a child writes 1 byte at 0 many times: the file
 * ends 1 MiB long, its last byte the big write's, nobody signalled. */
static void small_and_big_writers(void)
{
	memset(big, 'B', sizeof big);
	for (int round = 0; round < 10; round++) {
		int fd = open("/tmp/race_w", O_CREAT | O_RDWR | O_TRUNC, 0644);
		CHECK(fd >= 0);
		fflush(stdout);
		pid_t c = fork();
		if (c == 0) {
			for (int i = 0; i < 500; i++)
				if (pwrite(fd, "x", 1, 0) != 1)
					_exit(2);
			_exit(0);
		}
		ssize_t w = pwrite(fd, big, sizeof big, 0);
		int st;
		CHECK(waitpid(c, &st, 0) == c);
		struct stat sb;
		CHECK(fstat(fd, &sb) == 0);
		char tail = 0;
		CHECK(pread(fd, &tail, 1, sizeof big - 1) == 1);
		if (w != (ssize_t)sizeof big || sb.st_size != (off_t)sizeof big || tail != 'B' ||
		    !WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("tmpfs_race: round %d: write %zd size %ld tail %d child %#x\n", round,
			       w, (long)sb.st_size, tail, st);
			CHECK(0);
			break;
		}
		close(fd);
		unlink("/tmp/race_w");
	}
}

/* A child truncates and grows the file again and again while this process
 * reads it: every read returns a count (zeros or 'R's), none signals. */
static void read_vs_truncate(void)
{
	static char buf[1 << 20];
	memset(big, 'R', sizeof big);
	int fd = open("/tmp/race_r", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(write(fd, big, sizeof big) == (ssize_t)sizeof big);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		for (int i = 0; i < 200; i++) {
			if (ftruncate(fd, 0) || pwrite(fd, big, sizeof big, 0) != (ssize_t)sizeof big)
				_exit(2);
		}
		_exit(0);
	}
	int bad = 0, st;
	for (int i = 0; i < 200 && !bad; i++) {
		ssize_t n = pread(fd, buf, sizeof buf, 0);
		if (n < 0 || n > (ssize_t)sizeof buf)
			bad = 1;
		for (ssize_t j = 0; j < n && !bad; j++)
			bad = buf[j] != 'R' && buf[j] != 0;
	}
	CHECK(!bad);
	CHECK(waitpid(c, &st, 0) == c);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(fd);
	unlink("/tmp/race_r");
}

/* Two processes append 1000 records of 16 bytes each: 32000 bytes, every
 * record whole. */
static void two_appenders(void)
{
	int fd0 = open("/tmp/race_a", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(fd0 >= 0);
	close(fd0);
	fflush(stdout);
	pid_t k[2];
	for (int i = 0; i < 2; i++)
		if ((k[i] = fork()) == 0) {
			int fd = open("/tmp/race_a", O_WRONLY | O_APPEND);
			for (int j = 0; j < 1000; j++)
				if (write(fd, i ? "bbbbbbbbbbbbbbb\n" : "aaaaaaaaaaaaaaa\n", 16) != 16)
					_exit(2);
			_exit(0);
		}
	for (int i = 0; i < 2; i++) {
		int st;
		CHECK(waitpid(k[i], &st, 0) == k[i]);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	struct stat sb;
	CHECK(stat("/tmp/race_a", &sb) == 0);
	printf("tmpfs_race: two appenders: %ld bytes\n", (long)sb.st_size);
	CHECK(sb.st_size == 32000);
	int fd = open("/tmp/race_a", O_RDONLY);
	static char all[32000];
	CHECK(read(fd, all, sizeof all) == (ssize_t)sizeof all);
	int na = 0, nb = 0;
	for (int r = 0; r < 2000; r++) {
		const char *p = all + 16 * r;
		na += !memcmp(p, "aaaaaaaaaaaaaaa\n", 16);
		nb += !memcmp(p, "bbbbbbbbbbbbbbb\n", 16);
	}
	CHECK(na == 1000 && nb == 1000);
	close(fd);
	unlink("/tmp/race_a");
}

int main(void)
{
	small_and_big_writers();
	read_vs_truncate();
	two_appenders();
	if (!fails)
		printf("@@PASS tmpfs_race\n");
	return fails != 0;
}
