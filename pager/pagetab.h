/* The pages of one address space the pager has given a frame: virtual page
 * -> (pfn, generation, flags).  A radix tree like the hardware's page
 * tables: four levels of 256 slots over the 35-bit page number, leaves of
 * 128 entries, so a lookup or insert is five loads whatever the size, a
 * fork copies whole leaves, and empty leaves and nodes go back at once.
 * Pure (host-tested).  Its 4 KiB pages come from a fixed array of
 * PAGETAB_PAGES, then from pool_grow (tree.h), and go back to pool_shrink. */
#ifndef PAGER_PAGETAB_H
#define PAGER_PAGETAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGETAB_PAGES 256 /* fixed pages shared by all tables */
#define PAGE_COW  0x1 /* the frame is shared (cow.c counts), mapped read-only */
#define PAGE_ZERO 0x2 /* the shared zero frame, mapped read-only */
#define PAGE_CACHED 0x4 /* with PAGE_COW: a program-text frame in filecache.c */

struct page {
	uint64_t va;
	uint64_t pfn;
	uint32_t gen, flags;
};

struct pt_node;
struct pagetab {
	struct pt_node *root;
	size_t count, pages; /* entries; 4 KiB pages the table holds */
};

/* An empty table. */
void pagetab_init(struct pagetab *t);

/* Record frame (pfn, gen) with flags for the page at va.  E_INVAL (va not
 * page-aligned or outside the 47-bit user half), E_BUSY (the page already
 * has one), E_NOMEM (no page for the table). */
int pagetab_insert(struct pagetab *t, uint64_t va, uint64_t pfn, uint32_t gen,
		   uint32_t flags);

/* The entry of the page at va, or NULL. */
struct page *pagetab_lookup(const struct pagetab *t, uint64_t va);

/* The first entry at or after va, or NULL; the one after p. */
struct page *pagetab_from(const struct pagetab *t, uint64_t va);
struct page *pagetab_next(const struct pagetab *t, const struct page *p);

/* Make the empty table dst a copy of src; fn(original, copy, arg) runs on
 * each pair of entries in address order.  E_NOMEM (dst stays empty). */
int pagetab_clone(struct pagetab *dst, const struct pagetab *src,
		  void (*fn)(struct page *orig, struct page *copy, void *arg),
		  void *arg);

/* Forget the page at va; true and its entry copied to *out if it had one.
 * Entries of other pages stay where they are (pointers remain valid). */
bool pagetab_remove(struct pagetab *t, uint64_t va, struct page *out);

/* Pages recorded in t; 4 KiB pages all tables hold (for leak checks). */
size_t pagetab_count(const struct pagetab *t);
size_t pagetab_pages_used(void);

#endif
