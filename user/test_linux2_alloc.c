/* The allocation calls: posix_memalign, aligned_alloc, memalign, valloc,
 * calloc (zeroed, overflow ENOMEM), realloc growing and shrinking with
 * the contents kept, malloc_usable_size, huge requests failing cleanly. */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_alloc: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

int main(void)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	void *p = NULL;
	for (size_t al = sizeof(void *); al <= 65536; al *= 2) {
		CHECK(posix_memalign(&p, al, 100) == 0);
		CHECK(((uintptr_t)p & (al - 1)) == 0);
		memset(p, 1, 100);
		free(p);
		p = aligned_alloc(al, al * 3);
		CHECK(p && ((uintptr_t)p & (al - 1)) == 0);
		memset(p, 2, al * 3);
		free(p);
		p = memalign(al, 17);
		CHECK(p && ((uintptr_t)p & (al - 1)) == 0);
		free(p);
	}
	CHECK(posix_memalign(&p, 3, 16) == EINVAL);
	CHECK(posix_memalign(&p, sizeof(void *) / 2, 16) == EINVAL);
	p = valloc(10);
	CHECK(p && ((uintptr_t)p & (pg - 1)) == 0);
	free(p);

	/* calloc */
	unsigned *c = calloc(10000, sizeof *c);
	CHECK(c != NULL);
	int z = 1;
	for (int i = 0; i < 10000; i++)
		z &= c[i] == 0;
	CHECK(z);
	memset(c, 0xff, 10000 * sizeof *c);
	free(c);
	c = calloc(10000, sizeof *c); /* reused memory is zeroed too */
	z = 1;
	for (int i = 0; i < 10000; i++)
		z &= c[i] == 0;
	CHECK(z);
	free(c);
	volatile size_t half = SIZE_MAX / 2, two33 = (size_t)1 << 33, huge = SIZE_MAX - 4096;
	errno = 0;
	CHECK(calloc(half, 4) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(calloc(two33, two33) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(malloc(huge) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(malloc((size_t)1 << 50) == NULL && errno == ENOMEM);

	/* realloc */
	char *r = realloc(NULL, 10);
	CHECK(r != NULL);
	strcpy(r, "123456789");
	for (size_t sz = 16; sz <= (1 << 22); sz *= 2) {
		r = realloc(r, sz);
		CHECK(r && strcmp(r, "123456789") == 0);
		r[sz - 1] = 'e';
	}
	r = realloc(r, 5);
	CHECK(r && memcmp(r, "12345", 5) == 0);
	CHECK(malloc_usable_size(r) >= 5);
	free(r);
	char *big = malloc(1 << 20);
	memset(big, 'b', 1 << 20);
	char *sm = realloc(big, 100);
	CHECK(sm && sm[0] == 'b' && sm[99] == 'b');
	free(sm);

	/* malloc_usable_size and many sizes */
	void *ptrs[500];
	for (int i = 0; i < 500; i++) {
		size_t sz = (size_t)(i * 37 % 3000) + 1;
		ptrs[i] = malloc(sz);
		CHECK(ptrs[i] && malloc_usable_size(ptrs[i]) >= sz);
		CHECK(((uintptr_t)ptrs[i] & 15) == 0);
		memset(ptrs[i], i, sz);
	}
	for (int i = 0; i < 500; i += 2)
		free(ptrs[i]);
	for (int i = 1; i < 500; i += 2) {
		size_t sz = (size_t)(i * 37 % 3000) + 1;
		unsigned char *q = ptrs[i];
		CHECK(q[0] == (unsigned char)i && q[sz - 1] == (unsigned char)i);
		free(q);
	}
	CHECK(malloc_usable_size(NULL) == 0);
	free(NULL);
	void *m0 = malloc(0);
	free(m0);
	/* a large block (mmap'd by glibc) freed and the memory reusable */
	for (int i = 0; i < 20; i++) {
		char *l = malloc(8 << 20);
		CHECK(l != NULL);
		l[0] = 1;
		l[(8 << 20) - 1] = 2;
		free(l);
	}
	if (!fails)
		printf("@@PASS linux2_alloc\n");
	return fails != 0;
}
