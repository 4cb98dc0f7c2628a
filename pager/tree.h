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

struct tree {
	struct tnode *root;
	size_t count;
};

/* An empty tree. */
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

/* True if t satisfies the invariant (for tests). */
bool tree_check(const struct tree *t);

/* A pool of cap nodes of size bytes each in mem (size >= a pointer); once
 * those are used up, more come 4 KiB at a time from pool_grow, if set. */
struct pool {
	void *free;
	char *mem;
	size_t size, cap, used, inuse;
	size_t avail; /* nodes pool_get can give without pool_grow */
};

/* Where every pool gets more memory: a 4 KiB page that stays the pool's
 * for good, or NULL when there is none.  NULL (the default): pools are
 * fixed. */
extern void *(*pool_grow)(void);

/* Use mem[0 .. cap * size) as an empty pool. */
void pool_init(struct pool *p, void *mem, size_t size, size_t cap);

/* A zeroed node, or NULL when all are in use and pool_grow has no page. */
void *pool_get(struct pool *p);

/* pool_get without the zeroing, for a node the caller overwrites whole. */
void *pool_take(struct pool *p);

/* Grow p (pool_grow) until n nodes can be had without failing; false if
 * pool_grow runs dry first. */
bool pool_reserve(struct pool *p, size_t n);

/* Give node n back to p. */
void pool_put(struct pool *p, void *n);

#endif
