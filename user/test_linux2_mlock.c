/* mincore, msync and the mlock family as a memory test uses them. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_mlock: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t len = 16 * pg;
	unsigned char vec[16];
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);

	/* mincore: nothing, then the pages written */
	CHECK(mincore(m, len, vec) == 0);
	int n = 0;
	for (int i = 0; i < 16; i++)
		n += vec[i] & 1;
	CHECK(n == 0);
	m[0] = 1;
	m[5 * pg + 9] = 1;
	m[15 * pg] = 1;
	CHECK(mincore(m, len, vec) == 0);
	CHECK((vec[0] & 1) && (vec[5] & 1) && (vec[15] & 1));
	CHECK(!(vec[1] & 1) && !(vec[14] & 1));
	/* a length that is not a page multiple covers the partial page */
	CHECK(mincore(m + 5 * pg, 10, vec) == 0 && (vec[0] & 1));
	errno = 0;
	CHECK(mincore(m + 1, pg, vec) == -1 && errno == EINVAL);

	/* msync */
	CHECK(msync(m, len, MS_SYNC) == 0);
	CHECK(msync(m, len, MS_ASYNC) == 0);
	CHECK(msync(m, len, MS_INVALIDATE) == 0);
	errno = 0;
	CHECK(msync(m, len, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(msync(m + 1, pg, MS_SYNC) == -1 && errno == EINVAL);
	CHECK(m[5 * pg + 9] == 1);

	/* mlock makes resident; munlock */
	char *l = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(l != MAP_FAILED);
	CHECK(mlock(l, 8 * pg) == 0);
	CHECK(mincore(l, len, vec) == 0);
	n = 0;
	for (int i = 0; i < 8; i++)
		n += vec[i] & 1;
	CHECK(n == 8);
	CHECK(l[3 * pg] == 0);
	CHECK(munlock(l, 8 * pg) == 0);
	CHECK(mlock(l + 100, 50) == 0); /* rounded to the page */
	CHECK(munlock(l + 100, 50) == 0);
	munmap(l + 12 * pg, 4 * pg);
	errno = 0;
	CHECK(mlock(l + 8 * pg, 8 * pg) == -1 && errno == ENOMEM);

	/* mlock of a malloc'd buffer (a common pattern) */
	char *b = malloc(100000);
	CHECK(b != NULL);
	CHECK(mlock(b, 100000) == 0);
	memset(b, 3, 100000);
	CHECK(munlock(b, 100000) == 0);
	free(b);

	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_MEMLOCK, &rl) == 0);
	CHECK(mlockall(MCL_CURRENT) == 0);
	CHECK(munlockall() == 0);
	CHECK(mlockall(MCL_CURRENT | MCL_FUTURE) == 0);
	char *f = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(f != MAP_FAILED);
	CHECK(mincore(f, 4 * pg, vec) == 0 && (vec[0] & 1) && (vec[3] & 1));
	CHECK(munlockall() == 0);
	errno = 0;
	CHECK(mlockall(0) == -1 && errno == EINVAL);
	munmap(f, 4 * pg);
	munmap(l, 12 * pg);
	munmap(m, len);
	if (!fails)
		printf("@@PASS linux2_mlock\n");
	return fails != 0;
}
