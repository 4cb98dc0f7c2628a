/* The copy-on-write table: how many pages share each frame the pager has
 * shared (fork, the text cache, KSM): one 32-bit count per frame, in a
 * table made at start for every frame number, reached in three loads.
 * A count of 0 means the frame is not in the table: it has one user.
 * Callers serialise (demand.c's share lock).  Pure (host-tested). */
#ifndef PAGER_COW_H
#define PAGER_COW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Make the table for frame numbers below limit, its pages from page (a
 * zeroed 4 KiB-aligned page, NULL when none is left; its cookie is not
 * needed: the table lives as long as the pager).  4 bytes per frame, and
 * a page of pointers per 2 GiB of frame numbers.  E_NOMEM (the table then
 * covers fewer frames: a mark beyond it fails), E_RANGE for a limit above
 * COW_PFN_MAX.  Called once; a second call with a limit covered already
 * does nothing. */
#define COW_PFN_MAX (1ull << 28) /* 1 TiB of frames */
int cow_init(uint64_t limit, void *(*page)(uint64_t *cookie));

/* One more page shares pfn: a frame new to the table gets share count 2
 * (its owner and the new sharer).  E_RANGE for a pfn the table does not
 * cover. */
int cow_mark(uint64_t pfn);

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
