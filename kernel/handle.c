/* Handle tables (see kernel/include/handle.h for the value layout and the locks). */
#include "handle.h"
#include "lib/string.h"

_Static_assert(sizeof(struct handle_entry) == 24, "handle entry size");
_Static_assert(sizeof(struct handle_table) <= 2 * 4096, "table fits 2 pages");
_Static_assert(HANDLE_MAX == 1u << HANDLE_INDEX_BITS, "index bits");
_Static_assert(HANDLE_MAX < HANDLE_NIL, "free-list links fit 16 bits");

static uint32_t make_value(uint32_t idx, uint32_t gen)
{
	return gen << HANDLE_INDEX_BITS | idx;
}

/* Append slot idx to the free list (lock held). */
static void free_push(struct handle_table *t, uint16_t idx)
{
	t->ent[idx].next_free = HANDLE_NIL;
	if (t->free_head == HANDLE_NIL)
		t->free_head = idx;
	else
		t->ent[t->free_tail].next_free = idx;
	t->free_tail = idx;
}

/* Take the oldest free slot (lock held); HANDLE_NIL when full. */
static uint16_t free_pop(struct handle_table *t)
{
	uint16_t idx = t->free_head;
	if (idx != HANDLE_NIL) {
		t->free_head = t->ent[idx].next_free;
		if (t->free_head == HANDLE_NIL)
			t->free_tail = HANDLE_NIL;
	}
	return idx;
}

void handle_table_init(struct handle_table *t)
{
	memset(t, 0, sizeof *t);
	t->free_head = t->free_tail = HANDLE_NIL;
	for (uint16_t i = 0; i < HANDLE_MAX; i++) {
		t->ent[i].gen = 1;
		free_push(t, i);
	}
}

/* The live entry value names, or NULL (lock held). */
static struct handle_entry *find(struct handle_table *t, uint32_t value)
{
	return handle_find_locked(t, value);
}

/* Take a free slot for obj (lock held): its index, or HANDLE_NIL with *err
 * set.  On success obj has one more reference. */
static uint16_t claim(struct handle_table *t, struct kobj *obj, int *err)
{
	if (t->dead) {
		*err = E_DEAD;
		return HANDLE_NIL;
	}
	uint16_t idx = free_pop(t);
	*err = idx == HANDLE_NIL ? E_NOMEM : kobj_get(obj);
	if (*err != E_OK && idx != HANDLE_NIL) {
		free_push(t, idx); /* kobj_get refused: give the slot back */
		idx = HANDLE_NIL;
	}
	return idx;
}

int handle_insert(struct handle_table *t, struct kobj *obj, unsigned rights,
		  uint64_t badge, uint32_t *value)
{
	if (obj->type == KOBJ_NONE || obj->type >= KOBJ_TYPE_COUNT ||
	    (rights & ~(unsigned)RIGHT_ALL))
		return E_INVAL;
	int err;
	unsigned long f = spin_lock_irqsave(&t->lock);
	uint16_t idx = claim(t, obj, &err);
	if (idx != HANDLE_NIL) {
		struct handle_entry *e = &t->ent[idx];
		e->obj = obj;
		e->badge = badge;
		e->type = obj->type;
		e->rights = (uint8_t)rights;
		t->count++;
		*value = make_value(idx, e->gen);
	}
	spin_unlock_irqrestore(&t->lock, f);
	return err;
}

int handle_lookup(struct handle_table *t, uint32_t value, unsigned type,
		  unsigned need, struct handle_entry *out)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	struct handle_entry *e = find(t, value);
	int err = E_OK;
	if (!e || (type != HANDLE_ANY_TYPE && e->type != type))
		err = E_BADHANDLE;
	else if ((e->rights & need) != need)
		err = E_PERM;
	else
		err = kobj_get(e->obj); /* the table's reference keeps it >= 1 */
	if (err == E_OK)
		*out = *e;
	spin_unlock_irqrestore(&t->lock, f);
	return err;
}

/* Free e's slot, bumping its generation; returns the object (lock held). */
static struct kobj *release(struct handle_table *t, struct handle_entry *e)
{
	struct kobj *obj = e->obj;
	e->obj = NULL;
	e->badge = 0;
	e->type = KOBJ_NONE;
	e->rights = 0;
	e->gen = e->gen >= HANDLE_GEN_MAX ? 1 : e->gen + 1;
	free_push(t, (uint16_t)(e - t->ent));
	t->count--;
	return obj;
}

int handle_remove(struct handle_table *t, uint32_t value)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	struct handle_entry *e = find(t, value);
	struct kobj *obj = e ? release(t, e) : NULL;
	spin_unlock_irqrestore(&t->lock, f);
	if (!obj)
		return E_BADHANDLE;
	kobj_put(obj); /* outside the lock: destroy may take other locks */
	return E_OK;
}

/* One slot at a time, so kobj_put always runs without the lock. */
void handle_table_destroy(struct handle_table *t)
{
	unsigned long f0 = spin_lock_irqsave(&t->lock);
	t->dead = 1;
	spin_unlock_irqrestore(&t->lock, f0);
	for (unsigned i = 0; i < HANDLE_MAX; i++) {
		unsigned long f = spin_lock_irqsave(&t->lock);
		struct handle_entry *e = &t->ent[i];
		struct kobj *obj = e->obj ? release(t, e) : NULL;
		spin_unlock_irqrestore(&t->lock, f);
		if (obj)
			kobj_put(obj);
	}
}

unsigned handle_count(struct handle_table *t)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	unsigned n = t->count;
	spin_unlock_irqrestore(&t->lock, f);
	return n;
}
