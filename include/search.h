/* <search.h>: POSIX's searching tables (libsys/search.c): binary search
 * trees (tsearch, tfind, tdelete, twalk; glibc's tdestroy), one hash
 * table (hcreate, hsearch, hdestroy; glibc's _r forms take their own),
 * linear search (lfind, lsearch) and queues (insque, remque).  The trees
 * are kept balanced (AVL): every call is O(log n). */
#ifndef _SEARCH_H
#define _SEARCH_H
#include <stddef.h>

typedef enum { FIND, ENTER } ACTION;
typedef struct entry {
	char *key;
	void *data;
} ENTRY;

struct hsearch_data {
	struct _ENTRY *table;
	unsigned int size;
	unsigned int filled;
};

int hcreate(size_t nel);
void hdestroy(void);
ENTRY *hsearch(ENTRY item, ACTION action);
int hcreate_r(size_t nel, struct hsearch_data *htab);
void hdestroy_r(struct hsearch_data *htab);
int hsearch_r(ENTRY item, ACTION action, ENTRY **retval, struct hsearch_data *htab);

typedef enum { preorder, postorder, endorder, leaf } VISIT;
typedef int (*__compar_fn_t)(const void *, const void *);
typedef void (*__action_fn_t)(const void *nodep, VISIT which, int depth);

void *tsearch(const void *key, void **rootp, __compar_fn_t compar);
void *tfind(const void *key, void *const *rootp, __compar_fn_t compar);
void *tdelete(const void *key, void **rootp, __compar_fn_t compar);
void twalk(const void *root, __action_fn_t action);
void tdestroy(void *root, void (*free_node)(void *nodep));

void *lfind(const void *key, const void *base, size_t *nmemb, size_t size,
	    __compar_fn_t compar);
void *lsearch(const void *key, void *base, size_t *nmemb, size_t size,
	      __compar_fn_t compar);

void insque(void *elem, void *prev);
void remque(void *elem);
#endif
