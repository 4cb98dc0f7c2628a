#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <errno.h>
#include <malloc.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_malloc: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

#define N 512
static unsigned char *blk[N];
static size_t sz[N];

static void fill(int i) { memset(blk[i], (unsigned char)(i * 31 + sz[i]), sz[i]); }
static int check(int i)
{
	unsigned char v = (unsigned char)(i * 31 + sz[i]);
	for (size_t k = 0; k < sz[i]; k++) if (blk[i][k] != v) return 0;
	return 1;
}

int main(void)
{
	srand(12345);
	for (int round = 0; round < 20000; round++) {
		int i = rand() % N;
		if (blk[i]) {
			if (!check(i)) { CHECK(!"block corrupted"); break; }
			if (rand() % 3 == 0) {
				size_t ns = rand() % 3 ? (size_t)(rand() % 2000) : (size_t)(rand() % 200000);
				unsigned char *nb = realloc(blk[i], ns + 1);
				if (!nb) { CHECK(!"realloc"); break; }
				size_t keep = sz[i] < ns + 1 ? sz[i] : ns + 1;
				unsigned char v = (unsigned char)(i * 31 + sz[i]);
				for (size_t k = 0; k < keep; k++) if (nb[k] != v) { CHECK(!"realloc kept"); k = keep; }
				blk[i] = nb; sz[i] = ns + 1; fill(i);
			} else {
				free(blk[i]); blk[i] = NULL;
			}
		} else {
			sz[i] = rand() % 4 ? (size_t)(rand() % 512 + 1) : (size_t)(rand() % 65536 + 1);
			if (rand() % 2) {
				blk[i] = calloc(1, sz[i]);
				if (!blk[i]) { CHECK(!"calloc"); break; }
				for (size_t k = 0; k < sz[i]; k++) if (blk[i][k]) { CHECK(!"calloc zero"); break; }
			} else {
				blk[i] = malloc(sz[i]);
				if (!blk[i]) { CHECK(!"malloc"); break; }
			}
			CHECK(((uintptr_t)blk[i] & 15) == 0);
			fill(i);
		}
	}
	for (int i = 0; i < N; i++) free(blk[i]);
	void *a = NULL;
	CHECK(posix_memalign(&a, 4096, 10000) == 0 && ((uintptr_t)a & 4095) == 0);
	memset(a, 1, 10000);
	free(a);
	CHECK(posix_memalign(&a, 64, 1) == 0 && ((uintptr_t)a & 63) == 0);
	free(a);
	CHECK(posix_memalign(&a, 3, 16) == EINVAL);
	void *b = aligned_alloc(256, 512);
	CHECK(b && ((uintptr_t)b & 255) == 0);
	free(b);
	b = memalign(128, 300);
	CHECK(b && ((uintptr_t)b & 127) == 0);
	CHECK(malloc_usable_size(b) >= 300);
	free(b);
	errno = 0;
	CHECK(malloc(SIZE_MAX / 2) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(calloc(SIZE_MAX / 8, 16) == NULL && errno == ENOMEM);
	void *z = malloc(0);
	free(z);
	free(NULL);
	char *r = realloc(NULL, 10);
	CHECK(r != NULL);
	strcpy(r, "abc");
	r = realloc(r, 5000);
	CHECK(r && strcmp(r, "abc") == 0);
	free(r);
	if (!fails)
		printf("@@PASS linux_malloc\n");
	return fails != 0;
}
