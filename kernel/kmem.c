/* Size-class allocator for small kernel objects (see kmem.h).
 *
 * Each class lists its pages that have a free object (partial).  A page's
 * bookkeeping lives in its MetaSlot, not in the page: free_list_link links
 * it on the partial list (unused while a frame is allocated), private_[0]
 * heads the page's own list of free objects, private_[1] counts its objects
 * in use.  A page whose last object is freed goes back to the frame
 * allocator at once, so the kernel keeps no frame for objects that are gone
 * and the free-frame count after a workload is exactly the count before. */
#include <stdint.h>
#include "kmem.h"
#include "mm/frame.h"
#include "spinlock.h"
#include "lib/list.h"
#include "lib/string.h"

#define KMEM_MIN_SHIFT 5
#define KMEM_CLASSES   7 /* 32 .. 2048 */

struct free_obj {
	struct free_obj *next;
};

static struct kmem_class {
	struct spinlock lock;
	struct list_link partial; /* pages with a free object */
	bool ready;               /* partial initialised */
} classes[KMEM_CLASSES];

static int class_of(size_t size)
{
	for (int c = 0; c < KMEM_CLASSES; c++)
		if (size <= (1u << (KMEM_MIN_SHIFT + c)))
			return c;
	return -1;
}

static struct free_obj **page_free(struct meta_slot *m) { return (struct free_obj **)&m->private_[0]; }
static uint64_t *page_used(struct meta_slot *m) { return &m->private_[1]; }

/* A fresh frame carved into objects of class c, on the partial list (lock
 * held).  E_NOMEM. */
static int refill(struct kmem_class *k, int c)
{
	struct frame_alloc_options o = { 0, false, PURPOSE_KERNEL_DATA };
	uint64_t pfn;
	if (frame_alloc(&o, &pfn) != E_OK)
		return E_NOMEM;
	struct meta_slot *m = meta_get(pfn);
	char *page = arch_phys_to_virt(pfn << 12);
	size_t sz = 1u << (KMEM_MIN_SHIFT + c);
	*page_free(m) = NULL;
	*page_used(m) = 0;
	for (size_t off = 4096; off >= sz; off -= sz) { /* the first object first */
		struct free_obj *f = (struct free_obj *)(page + off - sz);
		f->next = *page_free(m);
		*page_free(m) = f;
	}
	list_add(&k->partial, &m->free_list_link);
	return E_OK;
}

void *kmem_alloc(size_t size)
{
	int c = class_of(size);
	if (c < 0)
		return NULL;
	struct kmem_class *k = &classes[c];
	unsigned long f = spin_lock_irqsave(&k->lock);
	if (!k->ready) {
		list_init(&k->partial);
		k->ready = true;
	}
	struct free_obj *o = NULL;
	if (!list_empty(&k->partial) || refill(k, c) == E_OK) {
		struct meta_slot *m = container_of(k->partial.next, struct meta_slot, free_list_link);
		o = *page_free(m);
		*page_free(m) = o->next;
		++*page_used(m);
		if (!*page_free(m)) /* full */
			list_del(&m->free_list_link);
	}
	spin_unlock_irqrestore(&k->lock, f);
	if (o)
		memset(o, 0, 1u << (KMEM_MIN_SHIFT + c));
	return o;
}

void kmem_free(void *p, size_t size)
{
	int c = class_of(size);
	if (!p || c < 0)
		return;
	struct kmem_class *k = &classes[c];
	uint64_t pfn = arch_virt_to_phys(p) >> 12;
	struct meta_slot *m = meta_get(pfn);
	unsigned long f = spin_lock_irqsave(&k->lock);
	struct free_obj *o = p;
	if (!*page_free(m)) /* was full: has a free object again */
		list_add(&k->partial, &m->free_list_link);
	o->next = *page_free(m);
	*page_free(m) = o;
	bool empty = --*page_used(m) == 0;
	if (empty) {
		list_del(&m->free_list_link);
		*page_free(m) = NULL;
	}
	spin_unlock_irqrestore(&k->lock, f);
	if (empty)
		frame_free(pfn, 0);
}
