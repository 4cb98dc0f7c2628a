/* mremap moving MAP_SHARED memory (a plain Linux program; passes with gcc
 * and glibc): a MAP_SHARED|MAP_ANONYMOUS mapping that cannot grow in
 * place moves with MREMAP_MAYMOVE and stays shared with a fork child's
 * mapping both ways (the old range is gone); a shm_open object's mapping
 * moved with MREMAP_FIXED stays shared with another mapping of the
 * object; DONTUNMAP with another length and unknown flags are EINVAL.  Run three
 * times, the free frames counted around the third. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux5_mremap_shared"
#include "linux_frames.h"

#define P 4096
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)
#define KID(c) do { if (!(c)) { printf(T ": child line %d: %s\n", __LINE__, #c); _exit(1); } } while (0)

/* True if [a, a + len) is not mapped (mincore: ENOMEM). */
static int unmapped(void *a, size_t len)
{
	unsigned char v[16];
	errno = 0;
	return mincore(a, len, v) == -1 && errno == ENOMEM;
}

static int run(void)
{
	/* anonymous shared memory, moved while a fork child maps it */
	char *p = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return 1;
	/* something right after it: no growth in place (EEXIST: something is) */
	char *block = mmap(p + 2 * P, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			   -1, 0);
	CHECK(block == p + 2 * P || (block == MAP_FAILED && errno == EEXIST));
	p[0] = 'A';
	int go[2], back[2];
	CHECK(pipe(go) == 0 && pipe(back) == 0);
	pid_t c = fork();
	if (c == 0) {
		char x;
		KID(read(go[0], &x, 1) == 1); /* the parent moved it */
		KID(p[0] == 'A' && p[P] == 'B');
		p[1] = 'c';
		KID(write(back[1], "k", 1) == 1);
		_exit(0);
	}
	char *q = mremap(p, 2 * P, 6 * P, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && q != p);
	if (q == MAP_FAILED)
		q = p;
	CHECK(q[0] == 'A');
	q[P] = 'B';
	char x;
	CHECK(write(go[1], "m", 1) == 1 && read(back[0], &x, 1) == 1);
	CHECK(q[1] == 'c'); /* the child's write, through its old mapping */
	int st = 0;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (q != p)
		CHECK(unmapped(p, 2 * P));
	CHECK(munmap(q, 6 * P) == 0);
	if (block != MAP_FAILED)
		munmap(block, P);

	/* a shm_open object's mapping moved to a fixed address */
	char name[64];
	snprintf(name, sizeof name, "/l5mrs.%d", (int)getpid());
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0 && ftruncate(fd, 3 * P) == 0);
	char *m1 = mmap(NULL, 3 * P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *m2 = mmap(NULL, 3 * P, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *dst = mmap(NULL, 3 * P, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m1 != MAP_FAILED && m2 != MAP_FAILED && dst != MAP_FAILED);
	if (m1 == MAP_FAILED || m2 == MAP_FAILED || dst == MAP_FAILED)
		return 1;
	strcpy(m1 + 2 * P, "object");
	char *f = mremap(m1, 3 * P, 3 * P, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	CHECK(f == dst);
	if (f == dst) {
		CHECK(strcmp(f + 2 * P, "object") == 0);
		f[5] = 'f';
		CHECK(m2[5] == 'f');
		m2[P] = 'g';
		CHECK(f[P] == 'g');
		CHECK(unmapped(m1, 3 * P));

		/* MREMAP_DONTUNMAP with another length (the host this was
		 * checked on refuses DONTUNMAP for any mapping: not asked more) */
		errno = 0;
		CHECK(mremap(f, 3 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_DONTUNMAP) == MAP_FAILED &&
		      errno == EINVAL);
		CHECK(munmap(f, 3 * P) == 0);
	}
	errno = 0;
	CHECK(mremap(m2, P, 2 * P, MREMAP_MAYMOVE | 8) == MAP_FAILED && errno == EINVAL);
	CHECK(munmap(m2, 3 * P) == 0);
	close(fd);
	CHECK(shm_unlink(name) == 0);
	close(go[0]), close(go[1]), close(back[0]), close(back[1]);
	return fails;
}

int main(void)
{
	/* once more before the counted runs, as test_linux5_sysvshm */
	if (run())
		return 1;
	return run_twice_counted(run);
}
