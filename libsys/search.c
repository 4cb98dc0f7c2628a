/* <search.h>: binary search trees, one hash table, linear search and
 * queues, as POSIX and glibc have them.
 *
 * The trees are AVL trees of nodes whose first word is the caller's key,
 * so the pointer tsearch and tfind return can be read as a pointer to the
 * key, as callers do.  A node keeps its key for its whole life (deleting
 * relinks nodes, it never moves keys between them), so what tsearch
 * returned for one key stays valid until that key is deleted. */
#define _GNU_SOURCE
#include <errno.h>
#include <search.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct tnode {
	const void *key; /* first: a node pointer reads as a key pointer */
	struct tnode *left, *right;
	int height;
};

static int height(const struct tnode *n)
{
	return n ? n->height : 0;
}

static void fix_height(struct tnode *n)
{
	int l = height(n->left), r = height(n->right);
	n->height = (l > r ? l : r) + 1;
}

/* n's subtree rotated so that its child c rises (c is n's left or right);
 * returns c. */
static struct tnode *rotate(struct tnode *n, struct tnode *c)
{
	if (c == n->left) {
		n->left = c->right;
		c->right = n;
	} else {
		n->right = c->left;
		c->left = n;
	}
	fix_height(n);
	fix_height(c);
	return c;
}

/* The AVL balance of n's subtree restored after one insertion or removal
 * below it; returns the subtree's root. */
static struct tnode *balance(struct tnode *n)
{
	fix_height(n);
	int d = height(n->left) - height(n->right);
	if (d > 1) {
		if (height(n->left->left) < height(n->left->right))
			n->left = rotate(n->left, n->left->right);
		return rotate(n, n->left);
	}
	if (d < -1) {
		if (height(n->right->right) < height(n->right->left))
			n->right = rotate(n->right, n->right->left);
		return rotate(n, n->right);
	}
	return n;
}

/* Insert key below n unless it is there; *found is its node (NULL: no
 * memory).  Returns the subtree's new root. */
static struct tnode *insert(struct tnode *n, const void *key, __compar_fn_t cmp,
			    struct tnode **found)
{
	if (!n) {
		n = malloc(sizeof *n);
		if (n)
			*n = (struct tnode){ key, NULL, NULL, 1 };
		*found = n;
		return n;
	}
	int c = cmp(key, n->key);
	if (c == 0) {
		*found = n;
		return n;
	}
	if (c < 0)
		n->left = insert(n->left, key, cmp, found);
	else
		n->right = insert(n->right, key, cmp, found);
	return balance(n);
}

void *tsearch(const void *key, void **rootp, __compar_fn_t compar)
{
	struct tnode *found = NULL;
	if (!rootp)
		return NULL;
	*rootp = insert(*rootp, key, compar, &found);
	return found;
}

void *tfind(const void *key, void *const *rootp, __compar_fn_t compar)
{
	struct tnode *n = rootp ? *rootp : NULL;
	while (n) {
		int c = compar(key, n->key);
		if (c == 0)
			return n;
		n = c < 0 ? n->left : n->right;
	}
	return NULL;
}

/* Detach the smallest node of n's subtree into *min; returns the rest. */
static struct tnode *take_min(struct tnode *n, struct tnode **min)
{
	if (!n->left) {
		*min = n;
		return n->right;
	}
	n->left = take_min(n->left, min);
	return balance(n);
}

/* Remove key's node below n (*gone: it, NULL if absent; *parent: the
 * node above it, NULL for n itself).  Returns the subtree's new root. */
static struct tnode *remove_key(struct tnode *n, const void *key, __compar_fn_t cmp,
				struct tnode **gone, struct tnode **parent)
{
	if (!n)
		return NULL;
	int c = cmp(key, n->key);
	if (c != 0) {
		struct tnode **side = c < 0 ? &n->left : &n->right;
		*side = remove_key(*side, key, cmp, gone, parent);
		if (*gone && !*parent)
			*parent = n;
		return balance(n);
	}
	*gone = n;
	if (!n->left || !n->right)
		return n->left ? n->left : n->right;
	struct tnode *min;
	struct tnode *rest = take_min(n->right, &min);
	min->left = n->left;
	min->right = rest;
	return balance(min);
}

void *tdelete(const void *key, void **rootp, __compar_fn_t compar)
{
	struct tnode *gone = NULL, *parent = NULL;
	if (!rootp || !*rootp)
		return NULL;
	*rootp = remove_key(*rootp, key, compar, &gone, &parent);
	if (!gone)
		return NULL;
	free(gone);
	/* the root went: "an unspecified non-null pointer" (POSIX) */
	return parent ? (void *)parent : (void *)rootp;
}

static void walk(const struct tnode *n, __action_fn_t action, int depth)
{
	if (!n->left && !n->right) {
		action(n, leaf, depth);
		return;
	}
	action(n, preorder, depth);
	if (n->left)
		walk(n->left, action, depth + 1);
	action(n, postorder, depth);
	if (n->right)
		walk(n->right, action, depth + 1);
	action(n, endorder, depth);
}

void twalk(const void *root, __action_fn_t action)
{
	if (root && action)
		walk(root, action, 0);
}

void tdestroy(void *root, void (*free_node)(void *nodep))
{
	struct tnode *n = root;
	if (!n)
		return;
	tdestroy(n->left, free_node);
	tdestroy(n->right, free_node);
	free_node((void *)n->key);
	free(n);
}

/* ---- the hash table: open addressing over a prime number of slots,
 * probed by double hashing; keys are strings ---- */

struct _ENTRY {
	unsigned int used; /* the key's hash + 1; 0: empty */
	ENTRY entry;
};

static struct hsearch_data the_table;

static int is_prime(size_t n)
{
	for (size_t d = 3; d * d <= n; d += 2)
		if (n % d == 0)
			return 0;
	return 1;
}

int hcreate_r(size_t nel, struct hsearch_data *htab)
{
	if (!htab) {
		errno = EINVAL;
		return 0;
	}
	if (htab->table)
		return 0; /* already made */
	if (nel < 3)
		nel = 3;
	if (nel > UINT32_MAX / 2) {
		errno = ENOMEM;
		return 0;
	}
	nel |= 1;
	while (!is_prime(nel))
		nel += 2;
	htab->table = calloc(nel + 1, sizeof *htab->table);
	if (!htab->table)
		return 0; /* ENOMEM */
	htab->size = (unsigned int)nel;
	htab->filled = 0;
	return 1;
}

void hdestroy_r(struct hsearch_data *htab)
{
	if (!htab) {
		errno = EINVAL;
		return;
	}
	free(htab->table);
	htab->table = NULL;
}

static unsigned int str_hash(const char *s)
{
	unsigned int h = (unsigned int)strlen(s);
	for (; *s; s++)
		h = (h << 4) + h + (unsigned char)*s;
	return h;
}

int hsearch_r(ENTRY item, ACTION action, ENTRY **retval, struct hsearch_data *htab)
{
	if (!htab || !htab->table || !retval || !item.key) {
		errno = EINVAL;
		return 0;
	}
	unsigned int size = htab->size, hval = str_hash(item.key) % size + 1;
	unsigned int step = 1 + hval % (size - 2), idx = hval;
	for (unsigned int tries = 0; tries < size; tries++) {
		struct _ENTRY *e = &htab->table[idx];
		if (!e->used)
			break;
		if (e->used == hval && strcmp(e->entry.key, item.key) == 0) {
			*retval = &e->entry;
			return 1;
		}
		idx = idx > step ? idx - step : idx + size - step;
	}
	if (action == ENTER && htab->filled < size) {
		/* the first empty slot on the probe path */
		for (idx = hval; htab->table[idx].used;)
			idx = idx > step ? idx - step : idx + size - step;
		htab->table[idx].used = hval;
		htab->table[idx].entry = item;
		htab->filled++;
		*retval = &htab->table[idx].entry;
		return 1;
	}
	*retval = NULL;
	errno = action == ENTER ? ENOMEM : ESRCH;
	return 0;
}

int hcreate(size_t nel)
{
	return hcreate_r(nel, &the_table);
}

void hdestroy(void)
{
	hdestroy_r(&the_table);
}

ENTRY *hsearch(ENTRY item, ACTION action)
{
	ENTRY *e;
	return hsearch_r(item, action, &e, &the_table) ? e : NULL;
}

/* ---- linear search ---- */

void *lfind(const void *key, const void *base, size_t *nmemb, size_t size,
	    __compar_fn_t compar)
{
	const char *p = base;
	for (size_t i = 0; i < *nmemb; i++, p += size)
		if (compar(key, p) == 0)
			return (void *)p;
	return NULL;
}

void *lsearch(const void *key, void *base, size_t *nmemb, size_t size,
	      __compar_fn_t compar)
{
	void *p = lfind(key, base, nmemb, size, compar);
	if (p)
		return p;
	p = (char *)base + *nmemb * size;
	memcpy(p, key, size);
	++*nmemb;
	return p;
}

/* ---- queues: elements whose first two words are forward and back
 * pointers (struct qelem) ---- */

struct qlink {
	struct qlink *forw, *back;
};

void insque(void *elem, void *prev)
{
	struct qlink *e = elem, *p = prev;
	if (!p) { /* the first of a linear list */
		e->forw = e->back = NULL;
		return;
	}
	e->forw = p->forw;
	e->back = p;
	if (p->forw)
		p->forw->back = e;
	p->forw = e;
}

void remque(void *elem)
{
	struct qlink *e = elem;
	if (e->forw)
		e->forw->back = e->back;
	if (e->back)
		e->back->forw = e->forw;
}
