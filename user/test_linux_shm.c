#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_shm: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

int main(void)
{
	const char *name = "/linux_shm_test";
	shm_unlink(name);
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 8192) == 0);
	struct stat sb;
	CHECK(fstat(fd, &sb) == 0 && sb.st_size == 8192);
	int *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(p[0] == 0 && p[2047] == 0);
	p[0] = 1234;
	pid_t pid = fork();
	if (pid == 0) {
		int fd2 = shm_open(name, O_RDWR, 0);
		if (fd2 < 0) _exit(2);
		int *q = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
		if (q == MAP_FAILED) _exit(3);
		if (q[0] != 1234) _exit(4);
		q[2047] = 5678;
		p[1] = 99;
		munmap(q, 8192);
		close(fd2);
		_exit(0);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(p[2047] == 5678);
	CHECK(p[1] == 99);
	/* a second mapping of the same object sees the same bytes */
	int *r = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
	CHECK(r != MAP_FAILED);
	CHECK(r[1023] == 5678);
	CHECK(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600) == -1 && errno == EEXIST);
	CHECK(munmap(r, 4096) == 0);
	CHECK(munmap(p, 8192) == 0);
	CHECK(close(fd) == 0);
	CHECK(shm_unlink(name) == 0);
	CHECK(shm_open(name, O_RDWR, 0) == -1 && errno == ENOENT);
	CHECK(shm_unlink(name) == -1 && errno == ENOENT);
	if (!fails)
		printf("@@PASS linux_shm\n");
	return fails != 0;
}
