/* An intrusive AVL tree keyed by a 64-bit value (a virtual address or a
 * frame number); its users take their nodes from pools (pool.h).  Pure
 * (host-tested).
 *
 * Invariant: in-order keys strictly increase; every node's height is one
 * more than its taller child's and its children's heights differ by <= 1,
 * so every operation is O(log n). */
#ifndef PAGER_TREE_H
#define PAGER_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lock.h"

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
 * tests; callers with searches of their own add theirs, with STAT_ADD:
 * the pager's threads search at once). */
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

#endif
