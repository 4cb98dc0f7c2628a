/* (pid, page) -> frame hash map: linear probing, backward-shift deletion. */
#include "abi/err.h"
#include "pagetab.h"

#define VPN_BITS 36
#define PID_MAX  ((1u << 28) - 1)
#define VA_LIMIT (1ull << 47)

void pagetab_init(struct pagetab *t, struct pt_entry *mem, size_t cap)
{
	t->e = mem;
	t->cap = cap;
	t->count = 0;
	for (size_t i = 0; i < cap; i++)
		mem[i] = (struct pt_entry){ 0, 0 };
}

static uint64_t make_key(uint32_t pid, uint64_t va)
{
	return (uint64_t)pid << VPN_BITS | (va >> 12);
}

static size_t home(const struct pagetab *t, uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (t->cap - 1);
}

/* Slot holding key, or the empty slot where it would go. */
static size_t probe(const struct pagetab *t, uint64_t key)
{
	size_t i = home(t, key);
	while (t->e[i].key && t->e[i].key != key)
		i = (i + 1) & (t->cap - 1);
	return i;
}

int pagetab_insert(struct pagetab *t, uint32_t pid, uint64_t va, uint64_t pfn,
		   uint32_t gen)
{
	if (pid == 0 || pid > PID_MAX || va >= VA_LIMIT)
		return E_INVAL;
	if (pfn >> 32)
		return E_RANGE;
	uint64_t key = make_key(pid, va);
	size_t i = probe(t, key);
	if (t->e[i].key)
		return E_BUSY;
	if ((t->count + 1) * 4 > t->cap * 3)
		return E_NOMEM;
	t->e[i] = (struct pt_entry){ key, (uint64_t)gen << 32 | pfn };
	t->count++;
	return E_OK;
}

bool pagetab_lookup(const struct pagetab *t, uint32_t pid, uint64_t va,
		    uint64_t *pfn, uint32_t *gen)
{
	if (pid == 0 || pid > PID_MAX || va >= VA_LIMIT)
		return false;
	size_t i = probe(t, make_key(pid, va));
	if (!t->e[i].key)
		return false;
	*pfn = (uint32_t)t->e[i].val;
	*gen = (uint32_t)(t->e[i].val >> 32);
	return true;
}

/* Empty slot i, moving later entries of the probe run back so each stays
 * reachable from its home slot. */
static void delete_at(struct pagetab *t, size_t i)
{
	size_t mask = t->cap - 1, j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (!t->e[j].key)
			break;
		size_t h = home(t, t->e[j].key);
		/* keep e[j] where it is if its home lies cyclically in (i, j] */
		if (((j - h) & mask) < ((j - i) & mask))
			continue;
		t->e[i] = t->e[j];
		i = j;
	}
	t->e[i] = (struct pt_entry){ 0, 0 };
	t->count--;
}

bool pagetab_remove(struct pagetab *t, uint32_t pid, uint64_t va,
		    uint64_t *pfn, uint32_t *gen)
{
	if (!pagetab_lookup(t, pid, va, pfn, gen))
		return false;
	delete_at(t, probe(t, make_key(pid, va)));
	return true;
}

size_t pagetab_remove_pid(struct pagetab *t, uint32_t pid,
			  void (*fn)(uint64_t pfn, uint32_t gen, void *ctx), void *ctx)
{
	size_t n = 0;
	for (size_t i = 0; i < t->cap; i++) {
		/* a deletion may shift another entry into slot i: look again */
		while (t->e[i].key && (uint32_t)(t->e[i].key >> VPN_BITS) == pid) {
			uint64_t v = t->e[i].val;
			delete_at(t, i);
			if (fn)
				fn((uint32_t)v, (uint32_t)(v >> 32), ctx);
			n++;
		}
	}
	return n;
}
