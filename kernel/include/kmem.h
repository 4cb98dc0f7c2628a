/* Small kernel objects (endpoints, spaces): power-of-two size classes from
 * 32 to 2048 bytes, carved from order-0 frames of the frame allocator.
 * A freed object goes back to its page; a page with no object left goes
 * back to the frame allocator (none is kept for later).
 *   lock (one per class) guards the class's list of pages with a free
 *   object, and the free lists and counts of those pages. */
#ifndef KMEM_H
#define KMEM_H

#include <stddef.h>

/* A zeroed object of at least size bytes; NULL if size > 2048 or no memory. */
void *kmem_alloc(size_t size);

/* Return p (from kmem_alloc(size), same size) to its class. */
void kmem_free(void *p, size_t size);

#endif
