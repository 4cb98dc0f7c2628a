/* <malloc.h> (glibc's extras): memalign, valloc, pvalloc (page-aligned),
 * malloc_usable_size. */
#ifndef _MALLOC_H
#define _MALLOC_H
#include <stdlib.h>
void *memalign(size_t align, size_t size);
void *valloc(size_t size);
void *pvalloc(size_t size);
size_t malloc_usable_size(void *p);
#endif
