/* Per-process handle tables: the names user space holds for kernel objects.
 *
 * A table has 2^bits slots at most: bits is HANDLE_INDEX_BITS (8: 256
 * slots) for an ordinary process and HANDLE_BIG_BITS (16: 65535 slots) for
 * the pager, which names every process's space and threads (set once, on
 * the empty table: handle_table_make_big).  A handle value is 32 bits:
 * bits 0..bits-1 index a slot, the bits above hold the slot's generation
 * (1 .. 2^(32-bits) - 1, never 0), so value 0 is never valid.  A slot's
 * generation is bumped when its handle is removed: the old value is stale
 * from then on, also after the slot is reused.  Free slots are reused
 * oldest-first (a FIFO), so one slot comes back only after all other free
 * slots have; a slot whose generation reaches its last value (2^24 - 1,
 * pager: 2^16 - 1) is retired when that handle is removed, never free
 * again, so a stale value never matches again.
 *
 * Slots live in chunks of HANDLE_CHUNK entries: dir[c] is chunk c.  Chunk
 * 0 is inside the table (struct handle_table fits in two 4 KiB pages, as
 * the space allocates it); the others are 4 KiB pages from
 * handle_page_alloc, added when every slot is in use (grown).  The last
 * grown chunk goes back to handle_page_free once none of its slots is
 * live and the chunks below it have half a chunk free (no page freed and
 * grown again at every insert and remove at the border), so a table holds
 * the pages of what it names, not of its highest count ever (the pager's
 * table follows the threads it names: the free-frame count after a
 * workload is the count before).  A slot's generation never starts over:
 * a chunk grown again starts every slot at gen_floor, above every
 * generation a slot of a chunk given back had; a chunk whose generations
 * are past half their range is kept for good instead.  dir[c] for a chunk not
 * grown points at an all-free chunk nobody writes (handle_no_chunk), so a
 * lookup reads two loads deeper than a flat array, with no test.
 *
 *   lock     guards every field below it; taken with interrupts off; never
 *            held while calling kobj_put (a destroy function may take locks)
 *            nor handle_page_alloc.
 *   entries  live iff obj != NULL; a live entry holds one reference on
 *            obj.  type and rights are fixed at insert.
 *   free list: the free slots, linked through next_free from free_head to
 *            free_tail (HANDLE_NIL ends it); count live.
 *   bits, mask: the value layout (mask = 2^bits - 1); nchunks: chunks
 *            0..nchunks-1 are real; max_chunks: how many it may have.
 *   last_used: live entries in chunk nchunks - 1 (when nchunks > 1);
 *            gen_floor: the generation a grown chunk's slots start at;
 *            keep: set once a chunk was too old to give back (none is).
 *   dead     set by handle_table_destroy: inserts are refused from then on,
 *            so a handle granted during teardown cannot outlive it. */
#ifndef HANDLE_H
#define HANDLE_H

#include <stdint.h>
#include "abi/err.h"
#include "abi/syscall.h"
#include "kobj.h"
#include "spinlock.h"

#define HANDLE_INDEX_BITS 8       /* an ordinary table */
#define HANDLE_MAX        256       /* 2^HANDLE_INDEX_BITS */
#define HANDLE_INDEX_MASK ((1u << HANDLE_INDEX_BITS) - 1)
#define HANDLE_GEN_MAX    0xFFFFFFu /* generations run 1 .. HANDLE_GEN_MAX */
#define HANDLE_BIG_BITS   16      /* the pager's table */
#define HANDLE_BIG_MAX    ((1u << HANDLE_BIG_BITS) - 1) /* slot 0xFFFF is NIL */
#define HANDLE_BIG_GEN_MAX 0xFFFFu
#define HANDLE_NIL        0xFFFFu   /* end of the free list */
#define HANDLE_ANY_TYPE   KOBJ_NONE /* handle_lookup: accept every type */
#define HANDLE_CHUNK_BITS 7
#define HANDLE_CHUNK      (1u << HANDLE_CHUNK_BITS) /* entries per chunk */
#define HANDLE_DIR_MAX    (1u << (HANDLE_BIG_BITS - HANDLE_CHUNK_BITS))

struct handle_entry {
	struct kobj *obj;   /* NULL while the slot is free */
	uint64_t badge;     /* given to receivers of messages sent through it */
	uint32_t gen;       /* this slot's current generation */
	uint8_t type;       /* KOBJ_* of obj */
	uint8_t rights;     /* RIGHT_* */
	uint16_t next_free; /* free list link (free slots only) */
};

struct handle_table {
	struct spinlock lock;
	uint32_t mask;
	uint8_t bits;
	uint8_t dead;
	uint16_t free_head, free_tail;
	uint16_t nchunks, max_chunks;
	uint32_t count;
	uint32_t gen_floor;
	uint16_t last_used;
	uint8_t keep;
	struct handle_entry *dir[HANDLE_DIR_MAX];
	struct handle_entry first[HANDLE_CHUNK];
};

/* Where grown chunks come from: a zeroed 4 KiB page (NULL: none), and
 * back.  NULL by default: tables do not grow past chunk 0. */
extern void *(*handle_page_alloc)(void);
extern void (*handle_page_free)(void *page);

/* Empty ordinary table: every slot free, generation 1. */
void handle_table_init(struct handle_table *t);

/* Make empty table t the pager's: HANDLE_BIG_BITS of index, up to
 * HANDLE_BIG_MAX slots.  E_BUSY if t holds a handle (nothing changed). */
int handle_table_make_big(struct handle_table *t);

/* Name obj in t with rights and badge; *value = the new handle.  Takes one
 * reference on obj.  E_NOMEM when t is full (at its maximum, or no page to
 * grow by), E_INVAL for a bad type or rights outside RIGHT_ALL, E_DEAD once
 * t is destroyed, E_OVERFLOW/E_DEAD from kobj_get. */
int handle_insert(struct handle_table *t, struct kobj *obj, unsigned rights,
		  uint64_t badge, uint32_t *value);

/* Find value in t; it must name an object of type (or HANDLE_ANY_TYPE) and
 * hold every right in need.  *out = a copy of the entry, and one reference
 * on out->obj the caller drops with kobj_put.  E_BADHANDLE for a value that
 * is not live (garbage, stale, closed) or names another type, E_PERM when
 * rights are missing, E_OVERFLOW from kobj_get; *out untouched on error. */
int handle_lookup(struct handle_table *t, uint32_t value, unsigned type,
		  unsigned need, struct handle_entry *out);

/* The live entry value names in t, or NULL; t->lock must be held (the
 * IPC fast path looks up under the lock without taking a reference: see
 * kernel/fastpath.c).  Any 32-bit value is safe: the index is masked, and
 * a chunk not grown is handle_no_chunk (no live entry). */
static inline struct handle_entry *handle_find_locked(struct handle_table *t, uint32_t value)
{
	uint32_t idx = value & t->mask;
	struct handle_entry *e = &t->dir[idx >> HANDLE_CHUNK_BITS][idx & (HANDLE_CHUNK - 1)];
	if (!e->obj || e->gen != value >> t->bits)
		return NULL;
	return e;
}

/* Slot idx of t (idx < handle_table_slots(t)); t->lock held, or no other
 * user of t (teardown). */
static inline struct handle_entry *handle_slot(struct handle_table *t, unsigned idx)
{
	return &t->dir[idx >> HANDLE_CHUNK_BITS][idx & (HANDLE_CHUNK - 1)];
}

/* Slots t has now (grown chunks included). */
static inline unsigned handle_table_slots(const struct handle_table *t)
{
	return (unsigned)t->nchunks * HANDLE_CHUNK;
}

/* Close value: the slot is freed and its reference dropped, and the last
 * grown chunk given back if it is free now (see above).  E_BADHANDLE if
 * value is not live. */
int handle_remove(struct handle_table *t, uint32_t value);

/* Close every handle, dropping their references, and give grown chunks
 * back; t is then empty and refuses inserts (E_DEAD) until
 * handle_table_init. */
void handle_table_destroy(struct handle_table *t);

/* Number of live handles in t. */
unsigned handle_count(struct handle_table *t);

#endif
