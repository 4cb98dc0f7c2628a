/* The regions of one address space: what each virtual range should hold.
 * Pure (host-tested).  A region set is an AVL tree keyed by start; no two
 * regions overlap; every bound is page-aligned.  Region nodes come from
 * one pool of REGION_POOL shared by all sets. */
#ifndef PAGER_REGION_H
#define PAGER_REGION_H

#include <stdbool.h>
#include <stdint.h>
#include "tree.h"
#include "abi/page.h"
#include "abi/pager.h"

#define REGION_POOL 4096
/* Regions one set holds at most: Linux's default vm.max_map_count.  Past
 * it a new region (an add, or the second part of a split) is refused
 * E_NOMEM, as Linux's mmap, munmap and mprotect give ENOMEM: each region
 * is a node of the pager's own memory that no resident page shows, and a
 * program mapping page after page without touching them took all of
 * memory in nodes (hostile18_maps). */
#define REGION_SET_MAX 65530

struct backing;
struct shm;

struct region {
	struct tnode node;    /* key = start */
	uint64_t start, end;  /* [start, end) */
	/* Of the subtree under node (kept by the tree, region.c's augment):
	 * lowest start, highest end, and the widest hole between two of its
	 * regions next to each other (0 if none): region_place's gap search. */
	uint64_t sub_lo, sub_hi, sub_gap;
	uint8_t kind;         /* PG_BACK_* (abi/pager.h): its backing's kind, or
			       * PG_BACK_FIXED (no backing: pager-placed pages) */
	uint8_t rights;       /* MAP_* */
	uint8_t mergeable;    /* MADV_MERGEABLE: KSM may merge its pages */
	uint8_t fork;         /* REGION_DONTFORK | REGION_WIPEONFORK (madvise) */
	const struct backing *b; /* how pages are filled; NULL: not lazy */
	const uint8_t *fdata; /* PG_BACK_FILE: bytes for [fvaddr, fvaddr + filesz) */
	uint64_t fvaddr, filesz;
	/* MAP_SHARED memory (backing_shared.c): the object and the address its
	 * page 0 is at (both unchanged by a split: each part holds its own
	 * reference on shm). */
	struct shm *shm;
	uint64_t shm_va0;
	/* libsys's own whole mapping of a file (PG_PSH_OPEN's, a memfd's
	 * once sized): a page past the size gets a frame, not SIGBUS, so a
	 * read or write racing another process's truncate copies (zeros, or
	 * bytes a later growth zeroes) instead of faulting inside read() */
	uint8_t shm_hold;
	/* MAP_PRIVATE of an object (a tmpfs file's, a memfd's): pages not
	 * written here are the object's frames mapped read-only (PAGE_SHARED:
	 * later writes to the file show through them), a write copies the
	 * page into a private frame (demand.c's cow_fault), as Linux's
	 * private file mappings */
	uint8_t shm_private;
	/* a MAP_SHARED mapping of a read-only descriptor (an initrd file, a
	 * file opened O_RDONLY): mprotect may not make it writable (Linux's
	 * VM_MAYWRITE clear: EACCES) */
	uint8_t no_write;
};

#define REGION_DONTFORK   1 /* a fork child has no such region */
#define REGION_WIPEONFORK 2 /* a fork child's copy starts empty (zeros) */

struct region_set {
	struct tree t;
	struct region *last; /* the region region_find found last (faults
			      * come in runs in one region): looked at
			      * first; cleared when a region is removed */
};

/* An empty set. */
void region_init(struct region_set *s);

/* Add [start, end).  E_INVAL (unaligned, empty or wrapping range),
 * E_BUSY (overlaps a region), E_NOMEM (no node left, or s holds
 * REGION_SET_MAX regions). */
int region_add(struct region_set *s, uint64_t start, uint64_t end,
	       unsigned kind, unsigned rights);

/* region_find past the region found last: the tree's answer. */
struct region *region_find_tree(struct region_set *s, uint64_t addr);

/* The region holding addr, or NULL.  Inline: a fault's run in one region
 * finds it in last. */
static inline struct region *region_find(struct region_set *s, uint64_t addr)
{
	struct region *r = s->last;
	if (r && addr >= r->start && addr < r->end)
		return r;
	return region_find_tree(s, addr);
}

/* The first region (lowest start) at or after addr, or NULL. */
struct region *region_from(const struct region_set *s, uint64_t addr);

/* The first region that meets [addr, ...): the one holding addr, else
 * the first after it; NULL if none (a walk over a range starts here). */
struct region *region_first(struct region_set *s, uint64_t addr);

/* The region after r, or NULL. */
struct region *region_next(const struct region_set *s, const struct region *r);

/* Remove the region that starts at start.  E_NOENT if none does. */
int region_remove(struct region_set *s, uint64_t start);

/* Split the region holding at into [start, at) and [at, end), both with
 * its fields.  E_OK also when a region
 * starts at at or none holds it; E_INVAL unaligned; E_NOMEM no node (or
 * s holds REGION_SET_MAX regions). */
int region_split(struct region_set *s, uint64_t at);

/* If the region after r starts at r's end and is the same kind of memory
 * (kind, rights, KSM's mergeable, backing, file bytes, shared object),
 * make r cover both (as Linux merges neighbouring areas) and return true;
 * the other region is gone (its node back in the pool). */
bool region_merge_next(struct region_set *s, struct region *r);

/* Move the end of the region starting at start to end.  E_NOENT (no such
 * region), E_INVAL (unaligned or not above start), E_BUSY (overlap). */
int region_resize(struct region_set *s, uint64_t start, uint64_t end);

/* Lowest page-aligned address a >= lo with [a, a + size) inside [lo, hi)
 * and at least one free page between it and every region.  E_INVAL for a
 * zero or unaligned size, E_NOMEM if no gap fits.  O(log n): a search on
 * the subtrees' widest holes, not a walk over the regions. */
int region_place(const struct region_set *s, uint64_t size, uint64_t lo,
		 uint64_t hi, uint64_t *out);

/* True if r is filled on demand (it has a backing kind). */
bool region_is_lazy(const struct region *r);

/* True if s's tree and its subtree data (sub_lo, sub_hi, sub_gap) are
 * right and no two regions overlap (for tests). */
bool region_check(const struct region_set *s);

/* The regions s holds. */
static inline size_t region_set_count(const struct region_set *s)
{
	return s->t.count;
}

/* The pages of pager memory s's region nodes take (rounded up): what a
 * process costs beyond its resident pages (the OOM killer's score). */
uint64_t region_pages(const struct region_set *s);

/* Region nodes in use in all sets (for leak checks). */
size_t region_nodes_used(void);

#endif
