/* AVL tree (recursive insert and remove; the depth is <= 1.44 log2 n). */
#include "abi/err.h"
#include "tree.h"

uint64_t tree_steps;

void tree_init(struct tree *t)
{
	t->root = NULL;
	t->count = 0;
	t->augment = NULL;
}

static int height(const struct tnode *n)
{
	return n ? n->height : 0;
}

/* n's height, and its augmented data if t keeps any, from its children's. */
static void update(const struct tree *t, struct tnode *n)
{
	int l = height(n->left), r = height(n->right);
	n->height = 1 + (l > r ? l : r);
	if (t->augment)
		t->augment(n);
}

static struct tnode *rotate_right(const struct tree *t, struct tnode *n)
{
	struct tnode *l = n->left;
	n->left = l->right;
	l->right = n;
	update(t, n);
	update(t, l);
	return l;
}

static struct tnode *rotate_left(const struct tree *t, struct tnode *n)
{
	struct tnode *r = n->right;
	n->right = r->left;
	r->left = n;
	update(t, n);
	update(t, r);
	return r;
}

/* Restore the balance at n after one of its subtrees changed by one. */
static struct tnode *balance(const struct tree *t, struct tnode *n)
{
	update(t, n);
	int b = height(n->left) - height(n->right);
	if (b > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate_left(t, n->left);
		return rotate_right(t, n);
	}
	if (b < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate_right(t, n->right);
		return rotate_left(t, n);
	}
	return n;
}

/* One descent: n's links are set only where it goes in, so a node already
 * in the tree (E_BUSY) is left as it is. */
static struct tnode *insert(const struct tree *t, struct tnode *at,
			    struct tnode *n, int *err)
{
	STAT_ADD(tree_steps, 1);
	if (!at) {
		n->left = n->right = NULL;
		update(t, n);
		return n;
	}
	if (n->key == at->key) {
		*err = E_BUSY;
		return at;
	}
	if (n->key < at->key)
		at->left = insert(t, at->left, n, err);
	else
		at->right = insert(t, at->right, n, err);
	return balance(t, at);
}

int tree_insert(struct tree *t, struct tnode *n)
{
	int err = E_OK;
	t->root = insert(t, t->root, n, &err);
	if (err == E_OK)
		t->count++;
	return err;
}

struct tnode *tree_find(const struct tree *t, uint64_t key)
{
	struct tnode *n = t->root;
	while (n && n->key != key) {
		STAT_ADD(tree_steps, 1);
		n = key < n->key ? n->left : n->right;
	}
	return n;
}

struct tnode *tree_floor(const struct tree *t, uint64_t key)
{
	struct tnode *n = t->root, *best = NULL;
	while (n) {
		STAT_ADD(tree_steps, 1);
		if (n->key == key)
			return n;
		if (n->key < key) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

struct tnode *tree_ceil(const struct tree *t, uint64_t key)
{
	struct tnode *n = t->root, *best = NULL;
	while (n) {
		STAT_ADD(tree_steps, 1);
		if (n->key == key)
			return n;
		if (n->key > key) {
			best = n;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct tnode *tree_next(const struct tree *t, const struct tnode *n)
{
	return n->key == UINT64_MAX ? NULL : tree_ceil(t, n->key + 1);
}

/* Recompute the nodes on the path from n down to key, bottom up. */
static void refresh(const struct tree *t, struct tnode *n, uint64_t key)
{
	if (!n)
		return;
	STAT_ADD(tree_steps, 1);
	if (key != n->key)
		refresh(t, key < n->key ? n->left : n->right, key);
	update(t, n);
}

void tree_refresh(struct tree *t, uint64_t key)
{
	if (t->augment)
		refresh(t, t->root, key);
}

/* Unlink the smallest node under n into *min; the new subtree root. */
static struct tnode *remove_min(const struct tree *t, struct tnode *n,
				struct tnode **min)
{
	STAT_ADD(tree_steps, 1);
	if (!n->left) {
		*min = n;
		return n->right;
	}
	n->left = remove_min(t, n->left, min);
	return balance(t, n);
}

static struct tnode *remove(const struct tree *t, struct tnode *n, uint64_t key,
			    struct tnode **out)
{
	if (!n)
		return NULL;
	STAT_ADD(tree_steps, 1);
	if (key < n->key) {
		n->left = remove(t, n->left, key, out);
	} else if (key > n->key) {
		n->right = remove(t, n->right, key, out);
	} else {
		*out = n;
		if (!n->left || !n->right)
			return n->left ? n->left : n->right;
		struct tnode *m;
		struct tnode *rest = remove_min(t, n->right, &m);
		m->left = n->left;
		m->right = rest;
		n = m;
	}
	return balance(t, n);
}

struct tnode *tree_remove(struct tree *t, uint64_t key)
{
	struct tnode *out = NULL;
	t->root = remove(t, t->root, key, &out);
	if (out)
		t->count--;
	return out;
}

/* Height of n's subtree if it is a valid AVL tree with keys in (lo, hi),
 * else -1. */
static int check(const struct tnode *n, uint64_t lo, uint64_t hi, bool has_lo,
		 bool has_hi, size_t *count)
{
	if (!n)
		return 0;
	if ((has_lo && n->key <= lo) || (has_hi && n->key >= hi))
		return -1;
	(*count)++;
	int l = check(n->left, lo, n->key, has_lo, true, count);
	int r = check(n->right, n->key, hi, true, has_hi, count);
	if (l < 0 || r < 0 || l - r > 1 || r - l > 1)
		return -1;
	int h = 1 + (l > r ? l : r);
	return h == n->height ? h : -1;
}

bool tree_check(const struct tree *t)
{
	size_t count = 0;
	return check(t->root, 0, 0, false, false, &count) >= 0 && count == t->count;
}
