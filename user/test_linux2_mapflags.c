/* mmap flags as Linux programs use them: MAP_FIXED_NOREPLACE (EEXIST),
 * MAP_FIXED replacing, MAP_POPULATE (resident at once), MAP_NORESERVE,
 * MAP_GROWSDOWN and MAP_STACK, partial munmap, and the EINVAL cases. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_mapflags: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static long resident(void *p, size_t len, long pg)
{
	unsigned char vec[256];
	long n = 0;
	size_t pages = (len + pg - 1) / pg;
	if (pages > sizeof vec || mincore(p, len, vec) != 0)
		return -1;
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	return n;
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	const int A = MAP_PRIVATE | MAP_ANONYMOUS;

	/* MAP_FIXED_NOREPLACE */
	char *a = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, A, -1, 0);
	CHECK(a != MAP_FAILED);
	a[0] = 1;
	errno = 0;
	void *r = mmap(a + 2 * pg, pg, PROT_READ, A | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(r == MAP_FAILED && errno == EEXIST);
	CHECK(a[0] == 1);
	CHECK(munmap(a + 4 * pg, 4 * pg) == 0);
	r = mmap(a + 4 * pg, 2 * pg, PROT_READ | PROT_WRITE, A | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(r == a + 4 * pg);
	errno = 0;
	r = mmap(a + 5 * pg, 2 * pg, PROT_READ | PROT_WRITE, A | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(r == MAP_FAILED && errno == EEXIST);
	r = mmap(a + 6 * pg, 2 * pg, PROT_READ | PROT_WRITE, A | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(r == a + 6 * pg);

	/* MAP_FIXED replaces: the new pages read zero */
	memset(a, 0x5a, 8 * pg);
	r = mmap(a + pg, 2 * pg, PROT_READ | PROT_WRITE, A | MAP_FIXED, -1, 0);
	CHECK(r == a + pg);
	CHECK(a[pg] == 0 && a[3 * pg - 1] == 0 && a[pg - 1] == 0x5a && a[3 * pg] == 0x5a);
	CHECK(munmap(a, 8 * pg) == 0);

	/* MAP_POPULATE: every page resident before any touch */
	char *p = mmap(NULL, 64 * pg, PROT_READ | PROT_WRITE, A | MAP_POPULATE, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(resident(p, 64 * pg, pg) == 64);
	CHECK(p[63 * pg] == 0);
	munmap(p, 64 * pg);
	/* without it, nothing until touched */
	p = mmap(NULL, 64 * pg, PROT_READ | PROT_WRITE, A, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(resident(p, 64 * pg, pg) == 0);
	p[5 * pg] = 1;
	CHECK(resident(p + 5 * pg, pg, pg) == 1);
	munmap(p, 64 * pg);

	/* MAP_NORESERVE: a large reservation costs nothing */
	size_t big = (size_t)8 << 30;
	char *n = mmap(NULL, big, PROT_READ | PROT_WRITE, A | MAP_NORESERVE, -1, 0);
	CHECK(n != MAP_FAILED);
	if (n != MAP_FAILED) {
		n[0] = 1;
		n[big / 2] = 2;
		n[big - 1] = 3;
		CHECK(n[0] + n[big / 2] + n[big - 1] == 6);
		CHECK(munmap(n, big) == 0);
	}

	/* MAP_STACK and MAP_GROWSDOWN: ordinary read-write memory */
	char *s = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, A | MAP_STACK, -1, 0);
	CHECK(s != MAP_FAILED);
	memset(s, 1, 16 * pg);
	munmap(s, 16 * pg);
	s = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, A | MAP_GROWSDOWN, -1, 0);
	CHECK(s != MAP_FAILED);
	s[16 * pg - 1] = 7;
	s[0] = 1;
	CHECK(s[16 * pg - 1] == 7);
	munmap(s, 16 * pg);

	/* partial munmap leaves the rest */
	char *q = mmap(NULL, 10 * pg, PROT_READ | PROT_WRITE, A, -1, 0);
	CHECK(q != MAP_FAILED);
	memset(q, 9, 10 * pg);
	CHECK(munmap(q + 3 * pg, 2 * pg) == 0);
	CHECK(q[0] == 9 && q[3 * pg - 1] == 9 && q[5 * pg] == 9 && q[10 * pg - 1] == 9);
	CHECK(resident(q, 3 * pg, pg) == 3);
	errno = 0;
	CHECK(resident(q, 10 * pg, pg) == -1 && errno == ENOMEM);
	CHECK(munmap(q, 10 * pg) == 0);
	CHECK(munmap(q, 10 * pg) == 0); /* unmapping nothing is fine */

	/* errors */
	errno = 0;
	CHECK(mmap(NULL, 0, PROT_READ, A, -1, 0) == MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, pg, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mmap((void *)(uintptr_t)(pg + 1), pg, PROT_READ, A | MAP_FIXED, -1, 0) == MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED && errno == EBADF);
	errno = 0;
	CHECK(munmap((char *)q + 1, pg) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, (size_t)-1 & ~(size_t)(pg - 1), PROT_READ, A, -1, 0) == MAP_FAILED && errno == ENOMEM);
	/* a hint is only a hint */
	void *h = mmap((void *)0x200000000000ULL, pg, PROT_READ, A, -1, 0);
	CHECK(h != MAP_FAILED);
	munmap(h, pg);
	if (!fails)
		printf("@@PASS linux2_mapflags\n");
	return fails != 0;
}
