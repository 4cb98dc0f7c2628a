/* Handle tables (see kernel/include/handle.h for the value layout, the
 * chunks and the locks). */
#include "handle.h"
#include "lib/string.h"

_Static_assert(sizeof(struct handle_entry) == 24, "handle entry size");
_Static_assert(sizeof(struct handle_table) <= 2 * 4096, "table fits 2 pages");
_Static_assert(HANDLE_CHUNK * sizeof(struct handle_entry) <= 4096, "chunk fits a page");
_Static_assert(HANDLE_MAX == 1u << HANDLE_INDEX_BITS, "index bits");
_Static_assert(HANDLE_MAX % HANDLE_CHUNK == 0, "ordinary tables: whole chunks");
_Static_assert(HANDLE_BIG_MAX < HANDLE_NIL + 1u, "free-list links fit 16 bits");

void *(*handle_page_alloc)(void);
void (*handle_page_free)(void *page);

/* The chunk every dir entry not grown names: all free, never written. */
static struct handle_entry handle_no_chunk[HANDLE_CHUNK];

static uint32_t make_value(const struct handle_table *t, uint32_t idx, uint32_t gen)
{
	return gen << t->bits | idx;
}

static uint32_t gen_max(const struct handle_table *t)
{
	return 0xFFFFFFFFu >> t->bits;
}

/* Append slot idx to the free list (lock held). */
static void free_push(struct handle_table *t, uint16_t idx)
{
	handle_slot(t, idx)->next_free = HANDLE_NIL;
	if (t->free_head == HANDLE_NIL)
		t->free_head = idx;
	else
		handle_slot(t, t->free_tail)->next_free = idx;
	t->free_tail = idx;
}

/* Take the oldest free slot (lock held); HANDLE_NIL when full. */
static uint16_t free_pop(struct handle_table *t)
{
	uint16_t idx = t->free_head;
	if (idx != HANDLE_NIL) {
		t->free_head = handle_slot(t, idx)->next_free;
		if (t->free_head == HANDLE_NIL)
			t->free_tail = HANDLE_NIL;
	}
	return idx;
}

/* Make chunk c of t real with the entries at ch (lock held, or t not
 * shared yet): its slots join the free list, generation gen_floor (above
 * every generation of a chunk given back). */
static void add_chunk(struct handle_table *t, struct handle_entry *ch)
{
	unsigned c = t->nchunks++;
	t->dir[c] = ch;
	t->last_used = 0;
	for (unsigned i = 0; i < HANDLE_CHUNK; i++) {
		uint32_t idx = c * HANDLE_CHUNK + i;
		ch[i] = (struct handle_entry){ .gen = t->gen_floor };
		if (idx < HANDLE_NIL) /* the big table's last slot is the NIL */
			free_push(t, (uint16_t)idx);
	}
}

void handle_table_init(struct handle_table *t)
{
	memset(t, 0, sizeof *t);
	t->bits = HANDLE_INDEX_BITS;
	t->mask = HANDLE_INDEX_MASK;
	t->max_chunks = HANDLE_MAX / HANDLE_CHUNK;
	t->free_head = t->free_tail = HANDLE_NIL;
	t->gen_floor = 1;
	for (unsigned c = 0; c < HANDLE_DIR_MAX; c++)
		t->dir[c] = handle_no_chunk;
	add_chunk(t, t->first);
}

int handle_table_make_big(struct handle_table *t)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	int err = t->count || t->nchunks != 1 ? E_BUSY : E_OK;
	if (err == E_OK) {
		t->bits = HANDLE_BIG_BITS;
		t->mask = (1u << HANDLE_BIG_BITS) - 1;
		t->max_chunks = HANDLE_DIR_MAX;
	}
	spin_unlock_irqrestore(&t->lock, f);
	return err;
}

/* The live entry value names, or NULL (lock held). */
static struct handle_entry *find(struct handle_table *t, uint32_t value)
{
	return handle_find_locked(t, value);
}

/* Take a free slot for obj (lock held): its index, or HANDLE_NIL with *err
 * set (E_NOMEM: no free slot).  On success obj has one more reference. */
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

/* t is full: add a chunk if it may have one more (lock held on entry and
 * on return, let go meanwhile for the allocation).  False if it may not
 * or no page is left; true also when another thread grew t meanwhile. */
static bool grow(struct handle_table *t, unsigned long *f)
{
	if (t->nchunks >= t->max_chunks || !handle_page_alloc)
		return false;
	spin_unlock_irqrestore(&t->lock, *f);
	struct handle_entry *ch = handle_page_alloc();
	*f = spin_lock_irqsave(&t->lock);
	if (!ch)
		return false;
	if (t->free_head == HANDLE_NIL && !t->dead && t->nchunks < t->max_chunks) {
		add_chunk(t, ch);
		return true;
	}
	spin_unlock_irqrestore(&t->lock, *f); /* not needed any more */
	handle_page_free(ch);
	*f = spin_lock_irqsave(&t->lock);
	return true;
}

int handle_insert(struct handle_table *t, struct kobj *obj, unsigned rights,
		  uint64_t badge, uint32_t *value)
{
	if (obj->type == KOBJ_NONE || obj->type >= KOBJ_TYPE_COUNT ||
	    (rights & ~(unsigned)RIGHT_ALL))
		return E_INVAL;
	int err;
	unsigned long f = spin_lock_irqsave(&t->lock);
	uint16_t idx;
	while ((idx = claim(t, obj, &err)) == HANDLE_NIL && err == E_NOMEM &&
	       t->free_head == HANDLE_NIL && grow(t, &f))
		;
	if (idx != HANDLE_NIL) {
		struct handle_entry *e = handle_slot(t, idx);
		e->obj = obj;
		e->badge = badge;
		e->type = obj->type;
		e->rights = (uint8_t)rights;
		t->count++;
		if (t->nchunks > 1 && idx >> HANDLE_CHUNK_BITS == t->nchunks - 1u)
			t->last_used++;
		*value = make_value(t, idx, e->gen);
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

/* Free slot idx, bumping its generation; returns the object (lock held).
 * A slot at its last generation is retired instead (never free again): a
 * generation that wrapped would let a closed value name a new object, and
 * the pager's table has only 16 bits of it. */
static struct kobj *release(struct handle_table *t, uint16_t idx)
{
	if (t->nchunks > 1 && idx >> HANDLE_CHUNK_BITS == t->nchunks - 1u)
		t->last_used--;
	struct handle_entry *e = handle_slot(t, idx);
	struct kobj *obj = e->obj;
	e->obj = NULL;
	e->badge = 0;
	e->type = KOBJ_NONE;
	e->rights = 0;
	if (e->gen < gen_max(t)) {
		e->gen++;
		free_push(t, idx);
	}
	t->count--;
	return obj;
}

/* Live entries of chunk c (lock held). */
static unsigned chunk_live(struct handle_table *t, unsigned c)
{
	unsigned n = 0;
	for (unsigned i = 0; i < HANDLE_CHUNK; i++)
		n += t->dir[c][i].obj != NULL;
	return n;
}

/* The last grown chunk, taken out of t if none of its slots is live and
 * the chunks below have half a chunk free (lock held): its slots leave the
 * free list, gen_floor goes above their generations, and the page is
 * returned for the caller to give back without the lock.  NULL if it
 * stays: in use, t nearly full without it, t dead (destroy gives chunks
 * back), or its generations are past half their range (kept for good, so
 * gen_floor never nears the last generation). */
static struct handle_entry *shrink(struct handle_table *t)
{
	if (t->nchunks < 2 || t->last_used || t->dead || t->keep ||
	    t->count + HANDLE_CHUNK / 2 > (t->nchunks - 1u) * HANDLE_CHUNK)
		return NULL;
	unsigned c = t->nchunks - 1u;
	struct handle_entry *ch = t->dir[c];
	uint32_t top = t->gen_floor;
	for (unsigned i = 0; i < HANDLE_CHUNK; i++)
		if (ch[i].gen > top)
			top = ch[i].gen;
	if (top + 1 > gen_max(t) / 2) {
		t->keep = 1;
		return NULL;
	}
	uint16_t idx = t->free_head; /* the free list without chunk c's slots */
	t->free_head = t->free_tail = HANDLE_NIL;
	while (idx != HANDLE_NIL) {
		uint16_t next = handle_slot(t, idx)->next_free;
		if (idx >> HANDLE_CHUNK_BITS != c)
			free_push(t, idx);
		idx = next;
	}
	t->gen_floor = top + 1;
	t->dir[c] = handle_no_chunk;
	t->nchunks--;
	t->last_used = t->nchunks > 1 ? (uint16_t)chunk_live(t, t->nchunks - 1u) : 0;
	return ch;
}

int handle_remove(struct handle_table *t, uint32_t value)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	struct handle_entry *e = find(t, value);
	struct kobj *obj = e ? release(t, (uint16_t)(value & t->mask)) : NULL;
	struct handle_entry *gone;
	while (obj && (gone = shrink(t))) { /* the chunk below may be free too */
		spin_unlock_irqrestore(&t->lock, f);
		handle_page_free(gone);
		f = spin_lock_irqsave(&t->lock);
	}
	spin_unlock_irqrestore(&t->lock, f);
	if (!obj)
		return E_BADHANDLE;
	kobj_put(obj); /* outside the lock: destroy may take other locks */
	return E_OK;
}

/* One slot at a time, so kobj_put always runs without the lock; then the
 * grown chunks go (nobody can insert any more, and no value finds a live
 * entry: chunk 0 alone, all free, stays). */
void handle_table_destroy(struct handle_table *t)
{
	unsigned long f0 = spin_lock_irqsave(&t->lock);
	t->dead = 1;
	unsigned slots = handle_table_slots(t); /* no chunk is added once dead */
	spin_unlock_irqrestore(&t->lock, f0);
	for (unsigned i = 0; i < slots; i++) {
		unsigned long f = spin_lock_irqsave(&t->lock);
		struct handle_entry *e = handle_slot(t, i);
		struct kobj *obj = e->obj ? release(t, (uint16_t)i) : NULL;
		spin_unlock_irqrestore(&t->lock, f);
		if (obj)
			kobj_put(obj);
	}
	unsigned long f = spin_lock_irqsave(&t->lock);
	t->free_head = t->free_tail = HANDLE_NIL; /* chunk 0's slots only */
	for (unsigned i = 0; i < HANDLE_CHUNK; i++)
		free_push(t, (uint16_t)i);
	while (t->nchunks > 1) {
		struct handle_entry *ch = t->dir[--t->nchunks];
		t->dir[t->nchunks] = handle_no_chunk;
		spin_unlock_irqrestore(&t->lock, f);
		handle_page_free(ch);
		f = spin_lock_irqsave(&t->lock);
	}
	spin_unlock_irqrestore(&t->lock, f);
}

unsigned handle_count(struct handle_table *t)
{
	unsigned long f = spin_lock_irqsave(&t->lock);
	unsigned n = t->count;
	spin_unlock_irqrestore(&t->lock, f);
	return n;
}
