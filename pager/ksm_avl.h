/* An AVL tree ordered by a comparison function, for KSM's stable and
 * unstable trees (their keys are page contents, not numbers).  Pure.
 * Recursive: the depth is at most ~1.44 log2 n (under 45 levels for any
 * number of pages). */
#ifndef PAGER_KSM_AVL_H
#define PAGER_KSM_AVL_H

#include <stdbool.h>

struct kavl {
	struct kavl *l, *r;
	int h;
};

/* cmp(key, n, ctx): < 0, 0, > 0 as key sorts before, with, after n. */
typedef int (*kavl_cmp)(const void *key, const struct kavl *n, void *ctx);

/* The node equal to key, or NULL. */
struct kavl *kavl_find(struct kavl *root, const void *key, kavl_cmp cmp, void *ctx);

/* Insert n under key unless a node equal to key is there: then *found
 * (NULL on entry) =
 * it and nothing changes.  Returns the new root. */
struct kavl *kavl_insert(struct kavl *root, struct kavl *n, const void *key,
			 kavl_cmp cmp, void *ctx, struct kavl **found);

/* Remove the node equal to key (into *removed, NULL if none).  Returns
 * the new root. */
struct kavl *kavl_remove(struct kavl *root, const void *key, kavl_cmp cmp,
			 void *ctx, struct kavl **removed);

/* True if every node is balanced and its height right (tests); *n = nodes. */
bool kavl_check(const struct kavl *root, unsigned long *n);

#endif
