/* The regions of one address space: what each virtual range should hold.
 * Pure (host-tested).  A region set is an array kept sorted by start, with
 * no two regions overlapping; every bound is page-aligned. */
#ifndef PAGER_REGION_H
#define PAGER_REGION_H

#include <stdbool.h>
#include <stdint.h>

#define REGION_MAX  32
#define REGION_PAGE 4096ull

enum region_kind {
	REGION_IMAGE = 1, /* ELF segments, loaded eagerly: a fault here is fatal */
	REGION_ANON,      /* lazy zero-fill (mmap_anon) */
	REGION_STACK,     /* lazy zero-fill, the main stack */
	REGION_FIXED,     /* pager-placed pages (startup page, IPC buffers) */
};

struct region {
	uint64_t start, end; /* [start, end) */
	uint8_t kind;        /* enum region_kind */
	uint8_t rights;      /* MAP_* */
};

struct region_set {
	unsigned n;
	struct region r[REGION_MAX];
};

/* An empty set. */
void region_init(struct region_set *s);

/* Add [start, end).  E_INVAL (unaligned, empty or wrapping range),
 * E_BUSY (overlaps a region), E_NOMEM (the set is full). */
int region_add(struct region_set *s, uint64_t start, uint64_t end,
	       unsigned kind, unsigned rights);

/* The region holding addr, or NULL. */
struct region *region_find(struct region_set *s, uint64_t addr);

/* Remove the region that starts at start.  E_NOENT if none does. */
int region_remove(struct region_set *s, uint64_t start);

/* Lowest page-aligned address a >= lo with [a, a + size) inside [lo, hi)
 * and at least one free page between it and every region.  E_INVAL for a
 * zero or unaligned size, E_NOMEM if no gap fits. */
int region_place(const struct region_set *s, uint64_t size, uint64_t lo,
		 uint64_t hi, uint64_t *out);

/* True if the lazy kinds (zero-filled on fault) include r's kind. */
bool region_is_lazy(const struct region *r);

#endif
