/* malloc over PG_BRK in ring 3: many blocks of many sizes keep their
 * bytes, calloc zeroes, realloc moves and keeps, everything freed
 * coalesces, and a large free gives the break back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sys/malloc.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME "malloc_heap"
#define N    400

static uint8_t *blk[N];

static size_t size_of(int i) { return (size_t)(i * 97 % 3000) + (i % 50 == 0 ? 200000 : 1); }

int main(void)
{
	uint64_t brk0, brk1, brk2;
	TEST_ERR(NAME, pgreq_brk(0, &brk0), E_OK);
	for (int i = 0; i < N; i++) {
		blk[i] = i % 3 ? malloc(size_of(i)) : calloc(1, size_of(i));
		TEST_CHECK(NAME, blk[i] && ((uint64_t)blk[i] & 15) == 0);
		if (i % 3 == 0)
			for (size_t k = 0; k < size_of(i); k++)
				TEST_CHECK(NAME, blk[i][k] == 0);
		memset(blk[i], i & 0xFF, size_of(i));
	}
	for (int i = 0; i < N; i += 2)
		free(blk[i]);
	for (int i = 1; i < N; i += 2) {
		blk[i] = realloc(blk[i], size_of(i) * 3);
		TEST_CHECK(NAME, blk[i] != NULL);
		for (size_t k = 0; k < size_of(i); k++)
			if (blk[i][k] != (i & 0xFF))
				test_fail(NAME, "block %d byte %lu lost after realloc", i, k);
	}
	TEST_CHECK(NAME, heap_check() == 0);
	TEST_ERR(NAME, pgreq_brk(0, &brk1), E_OK);
	for (int i = 1; i < N; i += 2)
		free(blk[i]);
	TEST_CHECK(NAME, heap_check() == 0);
	TEST_CHECK(NAME, heap_free_bytes() + 16 == heap_size());
	TEST_ERR(NAME, pgreq_brk(0, &brk2), E_OK);
	if (brk1 <= brk0 || brk2 >= brk1 || brk2 > brk0 + 16384)
		test_fail(NAME, "break 0x%lx, 0x%lx in use, 0x%lx after free", brk0,
			  brk1, brk2);
	printf("malloc: heap grew to %lu KiB and went back to %lu KiB\n",
	       (brk1 - brk0) >> 10, (brk2 - brk0) >> 10);
	test_pass(NAME);
	return 0;
}
