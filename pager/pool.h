/* Pools of equal-sized nodes for the pager's tables (region and COW trees,
 * the file cache, the page tables' 4 KiB pages).  Pure (host-tested).
 *
 * A pool hands out first the cap nodes of its own array (the pool's for
 * good), then nodes of 4 KiB pages from pool_grow; a grown page whose nodes
 * are all back goes to pool_shrink at once, so the memory a pool holds
 * follows what is in use.  Small nodes share a grown page (a head at its
 * start keeps the page's free list); a node of POOL_PAGE bytes is a whole
 * page, and the pool keeps that page's cookie in the node's first word
 * (POOL_WORD) for as long as the node is in use.  Each pool has its own
 * lock (the pager's threads share the pools), taken by every call. */
#ifndef PAGER_POOL_H
#define PAGER_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "abi/page.h"
#include "lock.h"

#define POOL_PAGE PAGE_SIZE

/* In a node of a whole-page pool, the bytes the pool keeps: leave them as
 * pool_get made them (a caller that copies a node over another saves and
 * restores them). */
#define POOL_WORD sizeof(uint64_t)

struct pool_page;
struct pool {
	void *free;               /* free nodes of mem */
	char *mem;
	size_t size, cap, used;   /* used: nodes of mem ever handed out */
	size_t inuse, avail;      /* nodes in use; nodes to have without growing */
	size_t pages;             /* grown pages held */
	struct pool_page *partial; /* small nodes: grown pages with a free node */
	void *spare;              /* whole pages: grown pages not in use */
	struct lock lock;         /* guards all of the above */
};

/* Where pools get and give back pages: pool_grow returns a 4 KiB-aligned
 * page and a cookie (NULL: none left); pool_shrink(page, cookie) takes it
 * back.  Both NULL by default: pools are fixed. */
extern void *(*pool_grow)(uint64_t *cookie);
extern void (*pool_shrink)(void *page, uint64_t cookie);

/* Grown pages all pools hold now. */
extern size_t pool_pages_held;

/* Nodes of all pools in use now (fixed or grown alike).  With
 * pool_pages_held it tells a node that moved (freed from a fixed part,
 * taken again from a grown page while the fixed part was full: one more
 * page held, no more nodes) from a node that leaked (one more node). */
extern size_t pool_nodes_inuse;

/* Use mem[0 .. cap * size) as an empty pool of size-byte nodes: size at
 * least a pointer and at most a page less its head, or exactly POOL_PAGE
 * (mem then page-aligned). */
void pool_init(struct pool *p, void *mem, size_t size, size_t cap);

/* A zeroed node (a whole page's POOL_WORD excepted), or NULL when all are
 * in use and pool_grow has no page. */
void *pool_get(struct pool *p);

/* pool_get without the zeroing, for a node the caller overwrites whole
 * (not for whole pages). */
void *pool_take(struct pool *p);

/* Grow p until n nodes can be had without failing; false if pool_grow
 * runs dry first (what was grown stays until pool_trim). */
bool pool_reserve(struct pool *p, size_t n);

/* Give grown pages with no node in use back (after a pool_reserve that
 * promised more than was taken). */
void pool_trim(struct pool *p);

/* Give node n back to p. */
void pool_put(struct pool *p, void *n);

#endif
