/* Robust mutexes when a process ends (exit, a kill, OOM, exec): the
 * pager walks each thread's robust list (PG_ROBUST registered it;
 * lib/robust.c) in the dead image's memory, read through our window, and
 * marks the lock words the thread still held ROBUST_OWNER_DIED, waking one
 * sleeper of each.  Only words in MAP_SHARED frames the process could
 * write are marked (no other process sees its private memory, and a COW
 * or KSM frame is not its alone); the wake is a FUTEX_SHARED wake of the
 * word's window address, whose key is the frame's, as the sleepers'.  A
 * hostile list costs at most ROBUST_LIST_LIMIT reads per thread and never
 * faults: a page not present ends the walk. */
#include "pager.h"
#include "demand.h"
#include "region.h"
#include "lib/robust.h"

/* The window address of p's byte at va, or NULL if no frame is there. */
static void *at(struct proc *p, uint64_t va)
{
	if (va >= PG_USER_END)
		return NULL;
	const struct page *pg = dp_page(&p->mem, va & ~(uint64_t)(PAGE_SIZE - 1));
	return pg ? (char *)mem_window(pg->pfn) + (va & (PAGE_SIZE - 1)) : NULL;
}

static bool load(void *ctx, uint64_t va, uint64_t *v)
{
	const uint64_t *w = (va & 7) ? NULL : at(ctx, va);
	if (w)
		*v = __atomic_load_n(w, __ATOMIC_RELAXED);
	return w != NULL;
}

/* A word of a MAP_SHARED object's frame that p's mapping may write. */
static uint32_t *word(void *ctx, uint64_t va)
{
	struct proc *p = ctx;
	if (va >= PG_USER_END)
		return NULL;
	const struct page *pg = dp_page(&p->mem, va & ~(uint64_t)(PAGE_SIZE - 1));
	struct region *r = pg && (pg->flags & PAGE_SHARED) ? dp_region(&p->mem, va) : NULL;
	if (!r || !(r->rights & MAP_W) || r->shm_private)
		return NULL;
	return (uint32_t *)((char *)mem_window(pg->pfn) + (va & (PAGE_SIZE - 1)));
}

static void wake(void *ctx, uint64_t va, uint32_t *w)
{
	(void)ctx;
	(void)va;
	struct sys_regs r;
	sys_futex_wake_r((uint64_t)(uintptr_t)w | FUTEX_SHARED, 1, &r);
}

void robust_proc_end(struct proc *p)
{
	const struct robust_ops ops = { p, load, word, wake };
	for (unsigned i = 0; i < p->nthr; i++) {
		uint64_t *head = proc_thr_robust(p, i);
		if (*head)
			robust_walk(*head, robust_id(p->pid, i), &ops);
		*head = 0;
	}
}

/* PG_ROBUST (abi/pager.h): w0 = the list head of the caller's thread
 * slot w1.  Served beside faults: it writes one word of the caller's own
 * slot table, which only requests run alone (thread spawn and end, the
 * walk) change or read otherwise. */
long do_robust(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	if (m->w[1] >= p->nthr || !*proc_thr(p, (unsigned)m->w[1]) || m->w[0] >= PG_USER_END)
		return E_INVAL;
	*proc_thr_robust(p, (unsigned)m->w[1]) = m->w[0];
	return E_OK;
}
