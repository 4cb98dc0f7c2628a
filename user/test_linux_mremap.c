#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <errno.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_mremap: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

int main(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 4 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	for (int i = 0; i < 4 * ps; i++) p[i] = (char)(i * 7);
	/* block the pages after it so growth must move */
	char *blocker = mmap(p + 4 * ps, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	int blocked = blocker == p + 4 * ps;
	char *q = mremap(p, 4 * ps, 64 * ps, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED);
	if (q != MAP_FAILED) {
		if (blocked) CHECK(q != p);
		for (int i = 0; i < 4 * ps; i++)
			if (q[i] != (char)(i * 7)) { CHECK(!"contents kept"); break; }
		for (int i = 4 * ps; i < 64 * ps; i++)
			if (q[i] != 0) { CHECK(!"new part zero"); break; }
		q[64 * ps - 1] = 1;
		/* shrink */
		char *r = mremap(q, 64 * ps, 2 * ps, 0);
		CHECK(r == q);
		CHECK(r[ps + 5] == (char)((ps + 5) * 7));
		/* without MAYMOVE and no room: ENOMEM */
		if (blocked && q != p) {
			char *b2 = mmap(q + 2 * ps, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
			if (b2 == q + 2 * ps) {
				CHECK(mremap(q, 2 * ps, 8 * ps, 0) == MAP_FAILED && errno == ENOMEM);
				munmap(b2, ps);
			}
		}
		/* MREMAP_FIXED to a chosen place */
		char *dst = mmap(NULL, 8 * ps, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(dst != MAP_FAILED);
		char *f = mremap(r, 2 * ps, 2 * ps, MREMAP_MAYMOVE | MREMAP_FIXED, dst + 2 * ps);
		CHECK(f == dst + 2 * ps);
		if (f != MAP_FAILED) {
			CHECK(f[ps + 5] == (char)((ps + 5) * 7));
			f[0] = 3;
			munmap(f, 2 * ps);
		}
		munmap(dst, 8 * ps);
	}
	CHECK(mremap(p + 1, ps, 2 * ps, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
	CHECK(mremap(p, ps, 2 * ps, 0x100) == MAP_FAILED && errno == EINVAL);
	if (blocked) munmap(blocker, ps);
	/* realloc of large blocks keeps contents */
	char *m = malloc(100);
	for (int i = 0; i < 100; i++) m[i] = i;
	m = realloc(m, 1 << 20);
	CHECK(m && m[99] == 99);
	m = realloc(m, 10);
	CHECK(m && m[9] == 9);
	free(m);
	if (!fails)
		printf("@@PASS linux_mremap\n");
	return fails != 0;
}
