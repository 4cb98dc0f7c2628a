/* Allocation errors as glibc reports them: realloc that cannot grow gives
 * NULL with errno ENOMEM and leaves the block as it was; pvalloc of a size
 * whose page round-up wraps gives NULL (not a 0-byte block); vdprintf of a
 * text longer than its 1 KiB buffer prints all of it. */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_allocerr: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

int main(void)
{
	char *p = malloc(32);
	CHECK(p != NULL);
	strcpy(p, "still here");
	errno = 0;
	volatile size_t huge = SIZE_MAX - 64;
	char *volatile keep = p; /* p itself after a failed realloc */
	char *q = realloc(keep, huge);
	p = keep;
	CHECK(q == NULL && errno == ENOMEM);
	CHECK(strcmp(p, "still here") == 0);
	free(p);
	errno = 0;
	CHECK(pvalloc(SIZE_MAX) == NULL && errno == ENOMEM);
	CHECK(pvalloc(SIZE_MAX - 100) == NULL);
	void *pv = pvalloc(1);
	CHECK(pv != NULL && ((uintptr_t)pv & 4095) == 0 && malloc_usable_size(pv) >= 4096);
	free(pv);
	static char line[3000];
	memset(line, '-', sizeof line - 1);
	CHECK(dprintf(1, "%s %d\n", line, 42) == 3003);
	if (!fails)
		printf("@@PASS linux_allocerr\n");
	return fails != 0;
}
