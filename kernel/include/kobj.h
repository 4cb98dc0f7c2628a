/* Kernel objects: the common header every reference-counted kernel object
 * (address space, thread, endpoint) embeds, and the reference operations.
 *
 * struct kobj
 *   refs  number of references: one per handle naming the object, one per
 *         kernel pointer that outlives a lock (a running thread, a lookup in
 *         progress).  Changed only atomically (compare-and-swap; the
 *         fast forms below, an add or a subtract): no lock
 *         guards it, and get/put are safe under any other lock.
 *   type  KOBJ_*; fixed at kobj_init.
 * Invariant: refs >= 1 while anyone may reach the object; the put that
 * moves refs from 1 to 0 calls the type's destroy function exactly once,
 * with no lock of this module held.  A get on an object with refs == 0 is a
 * use after free: it is reported and refused. */
#ifndef KOBJ_H
#define KOBJ_H

#include <stdatomic.h>
#include <stdint.h>
#include "abi/err.h"

enum kobj_type {
	KOBJ_NONE = 0, /* never a live object's type; "any type" in lookups */
	KOBJ_SPACE,
	KOBJ_THREAD,
	KOBJ_ENDPOINT,
	KOBJ_TYPE_COUNT
};

#define KOBJ_REFS_MAX 0x7FFFFFFFu /* a get beyond this is refused */

struct kobj {
	_Atomic uint32_t refs;
	uint8_t type;
};

typedef void (*kobj_destroy_fn)(struct kobj *o);

/* Register fn as type's destroy function (called on the last put; NULL:
 * nothing is called).  Returns E_INVAL for an unknown type. */
int kobj_set_destroy(unsigned type, kobj_destroy_fn fn);

/* Make o an object of type with one reference (the creator's).
 * Returns E_INVAL (o untouched) for an unknown type. */
int kobj_init(struct kobj *o, unsigned type);

/* Take one more reference.  Returns E_OVERFLOW at KOBJ_REFS_MAX, E_DEAD
 * (reported on the console) if o has no references left; refs unchanged. */
int kobj_get(struct kobj *o);

/* Drop one reference; the last one calls the type's destroy function.
 * Returns E_DOUBLEFREE (reported, nothing changed) if refs was already 0. */
int kobj_put(struct kobj *o);

/* The IPC fast path's forms, one atomic instruction inline, for a caller
 * that knows more than kobj_get/kobj_put can check.  kobj_get_held: o
 * already has a reference that cannot go meanwhile (a running thread's
 * own, a live handle's under its table lock), so refs >= 1, and it is far
 * from KOBJ_REFS_MAX (every reference is a thread, a handle or a kernel
 * pointer: memory ends long before 2^31).  kobj_put_held: another
 * reference stays after this one (this put is never the last). */
static inline void kobj_get_held(struct kobj *o)
{
	atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
}

static inline void kobj_put_held(struct kobj *o)
{
	atomic_fetch_sub_explicit(&o->refs, 1, memory_order_release);
}

/* Current reference count (a snapshot, for reports and tests). */
uint32_t kobj_refs(struct kobj *o);

/* Short name of a type ("space"); "?" for an unknown one. */
const char *kobj_type_name(unsigned type);

#endif
