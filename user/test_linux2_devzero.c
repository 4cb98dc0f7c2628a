/* /dev/zero and /dev/null as Linux programs use them: mmap of /dev/zero
 * for anonymous memory (private: copy-on-write after fork; shared: one
 * set of pages for parent and child), reads of zeros, writes that vanish. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_devzero: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	int z = open("/dev/zero", O_RDWR);
	CHECK(z >= 0);
	char buf[300];
	memset(buf, 'x', sizeof buf);
	CHECK(read(z, buf, sizeof buf) == (ssize_t)sizeof buf);
	int allz = 1;
	for (size_t i = 0; i < sizeof buf; i++)
		allz &= buf[i] == 0;
	CHECK(allz);
	CHECK(write(z, "abc", 3) == 3);

	char *p = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, z, 0);
	CHECK(p != MAP_FAILED);
	CHECK(p[0] == 0 && p[8 * pg - 1] == 0);
	memset(p, 'P', 8 * pg);
	char *s = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, z, 0);
	CHECK(s != MAP_FAILED);
	CHECK(s[0] == 0);
	close(z); /* the mappings stay */
	s[0] = 'S';

	pid_t c = fork();
	if (c == 0) {
		int bad = 0;
		if (p[0] != 'P' || s[0] != 'S')
			bad = 1;
		p[0] = 'c';
		s[1] = 'c';
		s[4 * pg - 1] = 'e';
		_exit(bad);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(p[0] == 'P');
	CHECK(s[1] == 'c' && s[4 * pg - 1] == 'e');
	munmap(p, 8 * pg);
	munmap(s, 4 * pg);

	int n = open("/dev/null", O_WRONLY);
	CHECK(n >= 0);
	CHECK(write(n, "hello", 5) == 5);
	CHECK(write(n, buf, sizeof buf) == (ssize_t)sizeof buf);
	close(n);
	n = open("/dev/null", O_RDONLY);
	CHECK(n >= 0);
	CHECK(read(n, buf, sizeof buf) == 0);
	close(n);
	errno = 0;
	CHECK(open("/dev/no-such-device", O_RDONLY) == -1 && errno == ENOENT);
	if (!fails)
		printf("@@PASS linux2_devzero\n");
	return fails != 0;
}
