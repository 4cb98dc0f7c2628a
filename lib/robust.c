/* robust_walk: Linux's exit_robust_list over robust_ops (lib/robust.h). */
#include "lib/robust.h"

bool robust_mark(uint32_t *w, uint32_t id, bool *waiters)
{
	uint32_t old = __atomic_load_n(w, __ATOMIC_RELAXED);
	do {
		if ((old & ROBUST_ID_MASK) != id)
			return false;
	} while (!__atomic_compare_exchange_n(w, &old, (old & ROBUST_WAITERS) | ROBUST_OWNER_DIED,
					      false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	*waiters = old & ROBUST_WAITERS;
	return true;
}

/* The entry at e (its low bit, Linux's PI flag, ignored): marked if id
 * holds its word. */
static unsigned one(uint64_t e, int64_t off, uint32_t id, const struct robust_ops *ops)
{
	uint64_t va = (e & ~1ull) + (uint64_t)off;
	if (va & 3)
		return 0;
	uint32_t *w = ops->word(ops->ctx, va);
	bool waiters = false;
	if (!w || !robust_mark(w, id, &waiters))
		return 0;
	if (waiters)
		ops->wake(ops->ctx, va, w);
	return 1;
}

unsigned robust_walk(uint64_t head, uint32_t id, const struct robust_ops *ops)
{
	uint64_t e, off, pending;
	if ((head & 7) || !ops->load(ops->ctx, head, &e) ||
	    !ops->load(ops->ctx, head + 8, &off) || !ops->load(ops->ctx, head + 16, &pending))
		return 0;
	unsigned marked = 0;
	for (unsigned n = 0; (e & ~1ull) != head && n < ROBUST_LIST_LIMIT; n++) {
		uint64_t next;
		/* the next link first: once marked, the entry may be freed */
		bool ok = !(e & 6) && ops->load(ops->ctx, e & ~1ull, &next);
		if (!ok)
			break;
		if ((e & ~1ull) != (pending & ~1ull))
			marked += one(e, (int64_t)off, id, ops);
		e = next;
	}
	if (pending)
		marked += one(pending, (int64_t)off, id, ops);
	return marked;
}
