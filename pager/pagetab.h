/* Which frames the pager holds for which page of which process: a hash map
 * (pid, virtual page) -> (pfn, generation), open addressing with linear
 * probing and backward-shift deletion.  Pure (host-tested); the caller
 * gives the entry array.
 *
 * Invariant: every live key sits at or after (cyclically) its home slot with
 * no empty slot between; at most 3/4 of the slots are used. */
#ifndef PAGER_PAGETAB_H
#define PAGER_PAGETAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pt_entry {
	uint64_t key; /* pid << 36 | virtual page number; 0: empty */
	uint64_t val; /* generation << 32 | pfn */
};

struct pagetab {
	struct pt_entry *e;
	size_t cap;   /* a power of two */
	size_t count;
};

/* Use mem[0..cap) (cap a power of two >= 4) as an empty table. */
void pagetab_init(struct pagetab *t, struct pt_entry *mem, size_t cap);

/* Record frame (pfn, gen) for the page at va of pid (pid 1 .. 2^28-1).
 * E_INVAL (bad pid, va outside the 47-bit user half), E_RANGE (pfn does not
 * fit 32 bits), E_BUSY (the page already has a frame), E_NOMEM (full). */
int pagetab_insert(struct pagetab *t, uint32_t pid, uint64_t va, uint64_t pfn,
		   uint32_t gen);

/* The frame of pid's page at va: true and *pfn, *gen if there is one. */
bool pagetab_lookup(const struct pagetab *t, uint32_t pid, uint64_t va,
		    uint64_t *pfn, uint32_t *gen);

/* Forget pid's page at va; true and its frame in *pfn, *gen if it had one. */
bool pagetab_remove(struct pagetab *t, uint32_t pid, uint64_t va,
		    uint64_t *pfn, uint32_t *gen);

/* Forget every page of pid, calling fn(pfn, gen, ctx) for each (fn may be
 * NULL).  Returns how many there were. */
size_t pagetab_remove_pid(struct pagetab *t, uint32_t pid,
			  void (*fn)(uint64_t pfn, uint32_t gen, void *ctx), void *ctx);

#endif
