/* An intrusive AVL tree keyed by a 64-bit value (a virtual address or a
 * frame number), and a fixed pool of equal-sized nodes.  Pure (host-tested).
 *
 * Invariant: in-order keys strictly increase; every node's height is one
 * more than its taller child's and its children's heights differ by <= 1,
 * so every operation is O(log n). */
#ifndef PAGER_TREE_H
#define PAGER_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tnode {
	struct tnode *left, *right;
	uint64_t key;
	int height;
};

/* augment (NULL: none) recomputes data a node keeps about its subtree
 * from its own fields and its children's (already up to date); the tree
 * calls it bottom up on every node whose subtree changes. */
struct tree {
	struct tnode *root;
	size_t count;
	void (*augment)(struct tnode *n);
};

/* Nodes visited by every tree's descents so far (a cost measure for
 * tests; callers with searches of their own add theirs). */
extern uint64_t tree_steps;

/* An empty tree without augmented data (set t->augment after, while it is
 * empty, to keep some). */
void tree_init(struct tree *t);

/* Insert n (n->key set by the caller).  E_BUSY if the key is taken. */
int tree_insert(struct tree *t, struct tnode *n);

/* The node with key, or NULL. */
struct tnode *tree_find(const struct tree *t, uint64_t key);

/* The node with the largest key <= key, or NULL. */
struct tnode *tree_floor(const struct tree *t, uint64_t key);

/* The node with the smallest key >= key, or NULL. */
struct tnode *tree_ceil(const struct tree *t, uint64_t key);

/* The next node after n in key order, or NULL. */
struct tnode *tree_next(const struct tree *t, const struct tnode *n);

/* Unlink and return the node with key, or NULL. */
struct tnode *tree_remove(struct tree *t, uint64_t key);

/* After the fields augment reads changed in the node with key: recompute
 * the augmented data on its path to the root.  O(log n). */
void tree_refresh(struct tree *t, uint64_t key);

/* True if t satisfies the invariant (for tests). */
bool tree_check(const struct tree *t);

/* A pool of equal-sized nodes: first the cap nodes of size bytes in mem
 * (the pool's for good), then 4 KiB pages from pool_grow, each with its own
 * free list; a grown page whose nodes are all back goes to pool_shrink at
 * once, so the memory a pool holds follows what is in use. */
struct pool_page;
struct pool {
	void *free;               /* free nodes of mem */
	char *mem;
	size_t size, cap, used;   /* used: nodes of mem ever handed out */
	size_t inuse, avail;      /* nodes in use; nodes to have without growing */
	size_t pages;             /* grown pages held */
	struct pool_page *partial; /* grown pages with a free node */
};

/* Where pools get and give back pages: pool_grow returns a 4 KiB-aligned
 * page and a cookie (NULL: none left); pool_shrink(page, cookie) takes it
 * back.  Both NULL by default: pools are fixed. */
extern void *(*pool_grow)(uint64_t *cookie);
extern void (*pool_shrink)(void *page, uint64_t cookie);

/* Grown pages all pools hold now. */
extern size_t pool_pages_held;

/* Use mem[0 .. cap * size) as an empty pool. */
void pool_init(struct pool *p, void *mem, size_t size, size_t cap);

/* A zeroed node, or NULL when all are in use and pool_grow has no page. */
void *pool_get(struct pool *p);

/* pool_get without the zeroing, for a node the caller overwrites whole. */
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
