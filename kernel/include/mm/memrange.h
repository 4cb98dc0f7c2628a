/* Sets of physical address ranges, used at boot to turn the firmware memory
 * map into the list of free RAM (available minus everything reserved) and to
 * carve early allocations (page tables, the MetaSlot array) out of it. */
#ifndef MM_MEMRANGE_H
#define MM_MEMRANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEMRANGE_MAX 128

struct mem_range {
	uint64_t start, end; /* [start, end), bytes */
};

struct memrange_set {
	size_t n;                          /* ranges in use, sorted, disjoint */
	struct mem_range r[MEMRANGE_MAX];
};

/* Add [start,end) to s, merging with neighbours. Returns false if s is full. */
bool memrange_add(struct memrange_set *s, uint64_t start, uint64_t end);

/* Remove [start,end) from s (may split a range). False if s would overflow. */
bool memrange_remove(struct memrange_set *s, uint64_t start, uint64_t end);

/* Shrink every range inward to multiples of align (a power of two); drop empty. */
void memrange_align(struct memrange_set *s, uint64_t align);

/* Take size bytes aligned to align, below limit, from the highest fitting
 * range, and remove it from s. Returns the start, or 0 if nothing fits. */
uint64_t memrange_take(struct memrange_set *s, uint64_t size, uint64_t align,
		       uint64_t limit);

/* Total bytes in s. */
uint64_t memrange_total(const struct memrange_set *s);

#endif
