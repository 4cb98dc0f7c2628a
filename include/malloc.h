/* <malloc.h> (glibc's extras): memalign, valloc, pvalloc (page-aligned),
 * malloc_usable_size; mallinfo/mallinfo2 (arena: the heap's bytes up to
 * its break, fordblks: free bytes in it, uordblks: the rest; no mmapped
 * chunks, one arena), malloc_stats (those on stderr), malloc_trim (the
 * heap gives its free end back by itself: 0) and mallopt (the parameters
 * are taken and have no effect: 1). */
#ifndef _MALLOC_H
#define _MALLOC_H
#include <stdlib.h>
void *memalign(size_t align, size_t size);
void *valloc(size_t size);
void *pvalloc(size_t size);
size_t malloc_usable_size(void *p);

struct mallinfo {
	int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks;
	int uordblks, fordblks, keepcost;
};
struct mallinfo2 {
	size_t arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks;
	size_t uordblks, fordblks, keepcost;
};
struct mallinfo mallinfo(void);
struct mallinfo2 mallinfo2(void);
void malloc_stats(void);
int malloc_trim(size_t pad);

#define M_MXFAST         1
#define M_TRIM_THRESHOLD (-1)
#define M_TOP_PAD        (-2)
#define M_MMAP_THRESHOLD (-3)
#define M_MMAP_MAX       (-4)
#define M_CHECK_ACTION   (-5)
#define M_PERTURB        (-6)
#define M_ARENA_TEST     (-7)
#define M_ARENA_MAX      (-8)
int mallopt(int param, int value);
#endif
