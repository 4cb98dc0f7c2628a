/* The page cache of program text: one frame per read-only page of an
 * initrd program, shared (copy-on-write, counted in cow.c) by every process
 * that runs it, for as long as one of them maps it.  Keyed both by page
 * (a 64-bit name the caller makes: demand.c's cache_key) and by frame.
 * Pure (host-tested). */
#ifndef PAGER_FILECACHE_H
#define PAGER_FILECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The frame (pfn, gen) holding page key; false if none is cached. */
bool filecache_find(uint64_t key, uint64_t *pfn, uint32_t *gen);

/* Cache frame (pfn, gen) as the page at key.  E_BUSY (key or frame cached
 * already), E_NOMEM. */
int filecache_add(uint64_t key, uint64_t pfn, uint32_t gen);

/* Forget frame pfn (it is being freed or made private); no-op if absent. */
void filecache_drop(uint64_t pfn);

/* Pages cached (for leak checks). */
size_t filecache_entries(void);

#endif
