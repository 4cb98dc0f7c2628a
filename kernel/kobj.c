/* Reference counting for kernel objects (see kernel/include/kobj.h). */
#include "kobj.h"
#include "printk.h"

/* Destroy functions, one per type; set at boot, read on every last put. */
static _Atomic(kobj_destroy_fn) destroy_fns[KOBJ_TYPE_COUNT];

static const char *const type_names[KOBJ_TYPE_COUNT] = {
	[KOBJ_NONE] = "none",
	[KOBJ_SPACE] = "space",
	[KOBJ_THREAD] = "thread",
	[KOBJ_ENDPOINT] = "endpoint",
};

static int type_valid(unsigned type)
{
	return type > KOBJ_NONE && type < KOBJ_TYPE_COUNT;
}

const char *kobj_type_name(unsigned type)
{
	return type < KOBJ_TYPE_COUNT ? type_names[type] : "?";
}

int kobj_set_destroy(unsigned type, kobj_destroy_fn fn)
{
	if (!type_valid(type))
		return E_INVAL;
	atomic_store_explicit(&destroy_fns[type], fn, memory_order_release);
	return E_OK;
}

int kobj_init(struct kobj *o, unsigned type)
{
	if (!type_valid(type))
		return E_INVAL;
	o->type = (uint8_t)type;
	atomic_store_explicit(&o->refs, 1, memory_order_relaxed);
	return E_OK;
}

/* Compare-and-swap loop, so a refused get leaves refs exactly as it was. */
int kobj_get(struct kobj *o)
{
	uint32_t r = atomic_load_explicit(&o->refs, memory_order_relaxed);
	do {
		if (r == 0) {
			printk("kobj: get on dead %s object %p from %p\n",
			       kobj_type_name(o->type), (void *)o, __builtin_return_address(0));
			return E_DEAD;
		}
		if (r >= KOBJ_REFS_MAX)
			return E_OVERFLOW;
	} while (!atomic_compare_exchange_weak_explicit(&o->refs, &r, r + 1,
			memory_order_relaxed, memory_order_relaxed));
	return E_OK;
}

/* Release ordering on every put and an acquire before destroy, so destroy
 * sees every write other holders made before dropping their reference. */
int kobj_put(struct kobj *o)
{
	uint32_t r = atomic_load_explicit(&o->refs, memory_order_relaxed);
	do {
		if (r == 0) {
			printk("kobj: put on dead %s object %p from %p\n",
			       kobj_type_name(o->type), (void *)o, __builtin_return_address(0));
			return E_DOUBLEFREE;
		}
	} while (!atomic_compare_exchange_weak_explicit(&o->refs, &r, r - 1,
			memory_order_release, memory_order_relaxed));
	if (r == 1) {
		atomic_thread_fence(memory_order_acquire);
		kobj_destroy_fn fn = o->type < KOBJ_TYPE_COUNT ?
			atomic_load_explicit(&destroy_fns[o->type],
					     memory_order_acquire) : NULL;
		if (fn)
			fn(o);
	}
	return E_OK;
}

uint32_t kobj_refs(struct kobj *o)
{
	return atomic_load_explicit(&o->refs, memory_order_relaxed);
}
