/* ftruncate of a tmpfs file to a smaller size gives the frames past it
 * back (free memory comes back), and a mapping made before sees SIGBUS
 * past the new end, as on Linux; growing again reads zeros (a plain
 * Linux program). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c)                                                                          \
	do {                                                                              \
		if (!(c)) {                                                               \
			printf("@@FAIL tmpfs_truncate_frees: line %d: %s (errno %d)\n",    \
			       __LINE__, #c, errno);                                      \
			fflush(stdout);                                                   \
			fails++;                                                          \
		}                                                                         \
	} while (0)

static unsigned long free_kb(void)
{
	struct sysinfo si;
	sysinfo(&si);
	return si.freeram * si.mem_unit / 1024;
}

int main(void)
{
	static char buf[1 << 20];
	memset(buf, 7, sizeof buf);
	int fd = open("/tmp/tfree", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(fd >= 0);
	unsigned long f0 = free_kb();
	for (int i = 0; i < 32; i++)
		CHECK(write(fd, buf, sizeof buf) == (ssize_t)sizeof buf);
	unsigned long f1 = free_kb();
	CHECK(ftruncate(fd, 100) == 0);
	unsigned long f2 = free_kb();
	printf("tmpfs_truncate_frees: free kB %lu, after 32 MiB %lu, after ftruncate %lu\n", f0,
	       f1, f2);
	CHECK(f1 + 24 * 1024 < f0); /* the writes took frames */
	CHECK(f2 + 4 * 1024 > f0);  /* and they came back */
	char b[4] = { 0 };
	CHECK(pread(fd, b, 4, 96) == 4 && b[3] == 7);
	CHECK(pread(fd, b, 4, 100) == 0);

	/* a mapping of 4 pages, shrunk to 1 while a child has all 4 mapped:
	 * page 2 is SIGBUS in the child then, page 0 stays */
	CHECK(ftruncate(fd, 4 * 4096) == 0);
	volatile char *m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	int go[2], ready[2];
	CHECK(pipe(go) == 0 && pipe(ready) == 0);
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		char x;
		for (int i = 0; i < 4; i++)
			m[i * 4096 + 1] = 'm';
		if (write(ready[1], "r", 1) != 1 || read(go[0], &x, 1) != 1)
			_exit(3);
		(void)m[2 * 4096 + 1];
		_exit(0);
	}
	char x;
	CHECK(read(ready[0], &x, 1) == 1);
	CHECK(ftruncate(fd, 4096) == 0);
	CHECK(write(go[1], "g", 1) == 1);
	int st;
	CHECK(waitpid(c, &st, 0) == c);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
	CHECK(m[1] == 'm');
	CHECK(ftruncate(fd, 4 * 4096) == 0);
	CHECK(m[2 * 4096 + 1] == 0 && m[3 * 4096 + 1] == 0);
	munmap((void *)m, 4 * 4096);
	close(fd);
	unlink("/tmp/tfree");
	if (!fails)
		printf("@@PASS tmpfs_truncate_frees\n");
	return fails != 0;
}
