/* Intrusive doubly linked circular list (as in Linux/xv6 style kernels).
 * An empty list is a head whose next and prev point at itself. */
#ifndef LIB_LIST_H
#define LIB_LIST_H

#include <stddef.h>
#include <stdbool.h>

struct list_link {
	struct list_link *next, *prev;
};

#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

static inline void list_init(struct list_link *h) { h->next = h->prev = h; }
static inline bool list_empty(const struct list_link *h) { return h->next == h; }

static inline void list_add(struct list_link *h, struct list_link *n)
{
	n->next = h->next;
	n->prev = h;
	h->next->prev = n;
	h->next = n;
}

static inline void list_del(struct list_link *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->next = n->prev = NULL;
}

#endif
