/* Per-process handle tables: the names user space holds for kernel objects.
 *
 * A handle value is 32 bits: bits 0..7 index a slot, bits 8..31 hold the
 * slot's generation (1 .. 0xFFFFFF, never 0), so value 0 is never valid.  A
 * slot's generation is bumped when its handle is removed: the old value is
 * stale from then on, also after the slot is reused.  Free slots are reused
 * oldest-first (a FIFO), so one slot comes back only after all other free
 * slots have; a stale value could match again only after 2^24 - 1 reuses of
 * the same slot.
 *
 * struct handle_table: 256 entries of 24 bytes plus the lock and the free
 * list, 6 KiB: it fits in two 4 KiB pages (asserted in handle.c).
 *   lock     guards every field below it; taken with interrupts off; never
 *            held while calling kobj_put (a destroy function may take locks).
 *   ent[i]   live iff ent[i].obj != NULL; a live entry holds one reference
 *            on obj.  type and rights are fixed at insert.
 *   free list: the free slots, linked through ent[i].next_free from
 *            free_head to free_tail (HANDLE_NIL ends it); count live.
 *   dead     set by handle_table_destroy: inserts are refused from then on,
 *            so a handle granted during teardown cannot outlive it. */
#ifndef HANDLE_H
#define HANDLE_H

#include <stdint.h>
#include "abi/err.h"
#include "abi/syscall.h"
#include "kobj.h"
#include "spinlock.h"

#define HANDLE_MAX        256
#define HANDLE_INDEX_BITS 8
#define HANDLE_INDEX_MASK ((1u << HANDLE_INDEX_BITS) - 1)
#define HANDLE_GEN_MAX    0xFFFFFFu /* generations run 1 .. HANDLE_GEN_MAX */
#define HANDLE_NIL        0xFFFFu   /* end of the free list */
#define HANDLE_ANY_TYPE   KOBJ_NONE /* handle_lookup: accept every type */

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
	uint16_t free_head, free_tail;
	uint16_t count;
	uint16_t dead;
	struct handle_entry ent[HANDLE_MAX];
};

/* Empty table: every slot free, generation 1. */
void handle_table_init(struct handle_table *t);

/* Name obj in t with rights and badge; *value = the new handle.  Takes one
 * reference on obj.  E_NOMEM when t is full, E_INVAL for a bad type or
 * rights outside RIGHT_ALL, E_DEAD once t is destroyed, E_OVERFLOW/E_DEAD
 * from kobj_get. */
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
 * kernel/fastpath.c).  Any 32-bit value is safe: the index is masked. */
static inline struct handle_entry *handle_find_locked(struct handle_table *t, uint32_t value)
{
	struct handle_entry *e = &t->ent[value & HANDLE_INDEX_MASK];
	if (!e->obj || e->gen != value >> HANDLE_INDEX_BITS)
		return NULL;
	return e;
}

/* Close value: the slot is freed and its reference dropped.
 * E_BADHANDLE if value is not live. */
int handle_remove(struct handle_table *t, uint32_t value);

/* Close every handle, dropping their references; t is then empty and
 * refuses inserts (E_DEAD) until handle_table_init. */
void handle_table_destroy(struct handle_table *t);

/* Number of live handles in t. */
unsigned handle_count(struct handle_table *t);

#endif
