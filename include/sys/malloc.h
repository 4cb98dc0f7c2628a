/* The heap for ring 3: malloc and friends over the pager's PG_BRK.
 *
 * heap.c is the allocator itself, pure and host-tested: boundary-tagged
 * chunks, segregated free lists, coalescing on free, trimming the break
 * when a large free chunk ends the heap.  It reaches the system only
 * through heap_brk, which libsys supplies (and the host test fakes). */
#ifndef SYS_MALLOC_H
#define SYS_MALLOC_H

#include <stddef.h>
#include <stdint.h>

/* The hook: move the break to want (0: only ask) and return the break
 * after; on failure return the old break. */
uint64_t heap_brk(uint64_t want);

/* The allocator (heap.c).  heap_alloc returns 16-byte aligned memory or
 * NULL; heap_free(NULL) does nothing; heap_realloc(p, 0) frees p. */
void *heap_alloc(size_t n);
void heap_free(void *p);
void *heap_calloc(size_t n, size_t size);
void *heap_realloc(void *p, size_t n);

/* Check every chunk and free list; returns 0 if consistent, else a
 * nonzero code naming the first broken rule (for tests). */
int heap_check(void);

/* Bytes in free chunks, and bytes between the heap's start and break. */
size_t heap_free_bytes(void);
size_t heap_size(void);

/* The C names, for programs. */
void *malloc(size_t n);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);

#endif
