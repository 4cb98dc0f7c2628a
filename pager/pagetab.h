/* The pages of one address space the pager has given a frame: virtual page
 * -> (pfn, generation, flags), an AVL tree keyed by virtual address.  Pure
 * (host-tested).  Nodes come from one pool of PAGETAB_POOL for all spaces. */
#ifndef PAGER_PAGETAB_H
#define PAGER_PAGETAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tree.h"

#define PAGETAB_POOL 8192 /* fixed nodes; beyond them the pool grows */
#define PAGE_COW  0x1 /* the frame is shared (cow.c counts), mapped read-only */
#define PAGE_ZERO 0x2 /* the shared zero frame, mapped read-only */
#define PAGE_CACHED 0x4 /* with PAGE_COW: a program-text frame in filecache.c */

struct page {
	struct tnode node; /* key = virtual address of the page */
	uint64_t pfn;
	uint32_t gen, flags;
};

struct pagetab {
	struct tree t;
};

/* An empty table. */
void pagetab_init(struct pagetab *t);

/* Record frame (pfn, gen) with flags for the page at va.  E_INVAL (va not
 * page-aligned or outside the 47-bit user half), E_BUSY (the page already
 * has one), E_NOMEM (no node left). */
int pagetab_insert(struct pagetab *t, uint64_t va, uint64_t pfn, uint32_t gen,
		   uint32_t flags);

/* The entry of the page at va, or NULL. */
struct page *pagetab_lookup(const struct pagetab *t, uint64_t va);

/* The first entry at or after va, or NULL; the one after p. */
struct page *pagetab_from(const struct pagetab *t, uint64_t va);
struct page *pagetab_next(const struct pagetab *t, const struct page *p);

/* Make the empty table dst a copy of src in O(n); fn(original, copy, arg)
 * runs on each pair of entries in address order.  E_NOMEM (dst stays
 * empty). */
int pagetab_clone(struct pagetab *dst, const struct pagetab *src,
		  void (*fn)(struct page *orig, struct page *copy, void *arg),
		  void *arg);

/* Forget the page at va; true and its entry copied to *out if it had one. */
bool pagetab_remove(struct pagetab *t, uint64_t va, struct page *out);

/* Pages recorded in t; page nodes in use in all tables. */
size_t pagetab_count(const struct pagetab *t);
size_t pagetab_nodes_used(void);

#endif
