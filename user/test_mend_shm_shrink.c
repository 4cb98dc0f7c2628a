/* Shrinking a shared memory object (ftruncate to a smaller size, shm_open
 * with O_TRUNC) zeroes what is cut off without making a frame for every
 * page of it (review 11, finding 4: libsys zeroed the range through its
 * mapping, and a 64 MiB object shrunk to 0 took 64 MiB it had never
 * used).  The bytes kept stay, the ones cut off read zero when it grows
 * again. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL mend_shm_shrink: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define BIG (64l << 20)
#define SLACK (4l << 20) /* other programs' and our own small allocations */

static long free_bytes(void)
{
	struct sysinfo si;
	sysinfo(&si);
	return (long)(si.freeram * si.mem_unit);
}

int main(void)
{
	const char *name = "/mend_shm_shrink";
	shm_unlink(name);
	int fd = shm_open(name, O_CREAT | O_RDWR, 0600);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, BIG) == 0);
	char *m = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	m[0] = 'a';
	m[5000] = 'b';
	m[BIG - 1] = 'c';
	long before = free_bytes();
	CHECK(ftruncate(fd, 4096) == 0); /* cuts into page 1, leaves page 0 */
	long after = free_bytes();
	if (after < before - SLACK)
		printf("mend_shm_shrink: ftruncate down took %ld KiB\n", (before - after) >> 10);
	CHECK(after >= before - SLACK);
	CHECK(ftruncate(fd, BIG) == 0);
	CHECK(m[0] == 'a' && m[5000] == 0 && m[BIG - 1] == 0);
	m[100] = 'd';
	m[BIG / 2] = 'e';
	before = free_bytes();
	int fd2 = shm_open(name, O_RDWR | O_TRUNC, 0);
	CHECK(fd2 >= 0);
	after = free_bytes();
	CHECK(after >= before - SLACK);
	struct stat st;
	CHECK(fstat(fd2, &st) == 0 && st.st_size == 0);
	CHECK(ftruncate(fd2, BIG) == 0);
	CHECK(m[0] == 0 && m[100] == 0 && m[BIG / 2] == 0);
	munmap(m, BIG);
	close(fd2);
	close(fd);
	CHECK(shm_unlink(name) == 0);
	if (fails)
		return 1;
	printf("@@PASS mend_shm_shrink\n");
	return 0;
}
