/* The copy-on-write table: how many pages share each frame the pager has
 * shared (fork), keyed by frame number in an AVL tree.  A frame not in the
 * table has one user.  Pure (host-tested). */
#ifndef PAGER_COW_H
#define PAGER_COW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COW_POOL 8192 /* fixed nodes; beyond them the pool grows */

/* One more page shares pfn: a frame new to the table gets share count 2
 * (its owner and the new sharer).  E_NOMEM when the table is full. */
int cow_mark(uint64_t pfn);

/* Make sure n more cow_mark calls cannot fail.  E_NOMEM.  cow_trim gives
 * back what a reservation took and did not use. */
int cow_reserve(size_t n);
void cow_trim(void);

/* One page stops sharing pfn.  True on the last share (pfn leaves the
 * table); false while others share it, or if pfn was not in the table. */
bool cow_release(uint64_t pfn);

/* True if pfn is in the table. */
bool cow_is_cow(uint64_t pfn);

/* pfn's share count (1 when not in the table). */
unsigned cow_count(uint64_t pfn);

/* Frames in the table (for leak checks). */
size_t cow_entries(void);

/* Frames shared now: in the table with a share count >= 2. */
size_t cow_shared_frames(void);

#endif
