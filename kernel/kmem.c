/* Size-class allocator for small kernel objects (see kmem.h). */
#include <stdint.h>
#include "kmem.h"
#include "mm/frame.h"
#include "spinlock.h"
#include "lib/string.h"

#define KMEM_MIN_SHIFT 5
#define KMEM_CLASSES   7 /* 32 .. 2048 */

struct free_obj {
	struct free_obj *next;
};

static struct kmem_class {
	struct spinlock lock;
	struct free_obj *free;
} classes[KMEM_CLASSES];

static int class_of(size_t size)
{
	for (int c = 0; c < KMEM_CLASSES; c++)
		if (size <= (1u << (KMEM_MIN_SHIFT + c)))
			return c;
	return -1;
}

/* Carve a fresh frame into objects of class c (lock held). */
static int refill(struct kmem_class *k, int c)
{
	struct frame_alloc_options o = { 0, false, PURPOSE_KERNEL_DATA };
	uint64_t pfn;
	if (frame_alloc(&o, &pfn) != E_OK)
		return E_NOMEM;
	char *page = arch_phys_to_virt(pfn << 12);
	size_t sz = 1u << (KMEM_MIN_SHIFT + c);
	for (size_t off = 0; off + sz <= 4096; off += sz) {
		struct free_obj *f = (struct free_obj *)(page + off);
		f->next = k->free;
		k->free = f;
	}
	return E_OK;
}

void *kmem_alloc(size_t size)
{
	int c = class_of(size);
	if (c < 0)
		return NULL;
	struct kmem_class *k = &classes[c];
	unsigned long f = spin_lock_irqsave(&k->lock);
	struct free_obj *o = NULL;
	if (k->free || refill(k, c) == E_OK) {
		o = k->free;
		k->free = o->next;
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
	unsigned long f = spin_lock_irqsave(&k->lock);
	struct free_obj *o = p;
	o->next = k->free;
	k->free = o;
	spin_unlock_irqrestore(&k->lock, f);
}
