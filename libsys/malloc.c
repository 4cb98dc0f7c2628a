/* malloc and friends for programs: heap.c over the pager's PG_BRK. */
#include "sys/malloc.h"
#include "sys/unistd.h"

uint64_t heap_brk(uint64_t want)
{
	uint64_t now = 0;
	if (brk(want, &now) != E_OK && want)
		brk(0, &now);
	return now;
}

void *malloc(size_t n) { return heap_alloc(n); }
void free(void *p) { heap_free(p); }
void *calloc(size_t n, size_t size) { return heap_calloc(n, size); }
void *realloc(void *p, size_t n) { return heap_realloc(p, n); }
