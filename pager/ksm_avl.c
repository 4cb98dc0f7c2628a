/* AVL tree with a comparison function.  See ksm_avl.h. */
#include <stddef.h>
#include "ksm_avl.h"

static int height(const struct kavl *n)
{
	return n ? n->h : 0;
}

static void fix(struct kavl *n)
{
	int l = height(n->l), r = height(n->r);
	n->h = 1 + (l > r ? l : r);
}

static struct kavl *rot_right(struct kavl *n)
{
	struct kavl *l = n->l;
	n->l = l->r;
	l->r = n;
	fix(n);
	fix(l);
	return l;
}

static struct kavl *rot_left(struct kavl *n)
{
	struct kavl *r = n->r;
	n->r = r->l;
	r->l = n;
	fix(n);
	fix(r);
	return r;
}

/* n with its children balanced; n itself made so. */
static struct kavl *balance(struct kavl *n)
{
	fix(n);
	int b = height(n->l) - height(n->r);
	if (b > 1) {
		if (height(n->l->l) < height(n->l->r))
			n->l = rot_left(n->l);
		return rot_right(n);
	}
	if (b < -1) {
		if (height(n->r->r) < height(n->r->l))
			n->r = rot_right(n->r);
		return rot_left(n);
	}
	return n;
}

struct kavl *kavl_find(struct kavl *root, const void *key, kavl_cmp cmp, void *ctx)
{
	while (root) {
		int c = cmp(key, root, ctx);
		if (c == 0)
			return root;
		root = c < 0 ? root->l : root->r;
	}
	return NULL;
}

struct kavl *kavl_insert(struct kavl *root, struct kavl *n, const void *key,
			 kavl_cmp cmp, void *ctx, struct kavl **found)
{
	if (!root) {
		n->l = n->r = NULL;
		n->h = 1;
		return n;
	}
	int c = cmp(key, root, ctx);
	if (c == 0) {
		*found = root;
		return root;
	}
	if (c < 0)
		root->l = kavl_insert(root->l, n, key, cmp, ctx, found);
	else
		root->r = kavl_insert(root->r, n, key, cmp, ctx, found);
	return *found ? root : balance(root);
}

/* Unlink the lowest node of n into *min; returns the subtree left. */
static struct kavl *remove_min(struct kavl *n, struct kavl **min)
{
	if (!n->l) {
		*min = n;
		return n->r;
	}
	n->l = remove_min(n->l, min);
	return balance(n);
}

struct kavl *kavl_remove(struct kavl *root, const void *key, kavl_cmp cmp,
			 void *ctx, struct kavl **removed)
{
	if (!root)
		return NULL;
	int c = cmp(key, root, ctx);
	if (c < 0) {
		root->l = kavl_remove(root->l, key, cmp, ctx, removed);
	} else if (c > 0) {
		root->r = kavl_remove(root->r, key, cmp, ctx, removed);
	} else {
		*removed = root;
		if (!root->l || !root->r)
			return root->l ? root->l : root->r;
		struct kavl *m;
		struct kavl *r = remove_min(root->r, &m);
		m->l = root->l;
		m->r = r;
		return balance(m);
	}
	return balance(root);
}

bool kavl_check(const struct kavl *root, unsigned long *n)
{
	if (!root)
		return true;
	int l = height(root->l), r = height(root->r);
	int h = 1 + (l > r ? l : r);
	++*n;
	return root->h == h && l - r <= 1 && r - l <= 1 &&
	       kavl_check(root->l, n) && kavl_check(root->r, n);
}
