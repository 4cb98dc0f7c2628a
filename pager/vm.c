/* Memory requests: mmap_anon, munmap, mfree, mprotect, brk. */
#include "pager.h"

static uint64_t page_up(uint64_t x)
{
	return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* PG_MMAP_ANON: a new lazy R|W region of w0 bytes (rounded up to pages)
 * in [PG_MMAP_BASE, PG_MMAP_LIMIT); w0 = its address.  E_INVAL for 0 or
 * more than PG_MMAP_MAX bytes, E_NOMEM when no room or too many regions. */
long do_mmap_anon(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	uint64_t size = m->w[0], at;
	if (size == 0 || size > PG_MMAP_MAX)
		return E_INVAL;
	size = page_up(size);
	int e = dp_place(&p->mem, size, PG_MMAP_BASE, PG_MMAP_LIMIT, &at);
	if (!e)
		e = dp_register_lazy(&p->mem, at, size, MAP_R | MAP_W, &backing_anon, NULL);
	if (!e)
		r->w[0] = at;
	return e;
}

/* The lazy region holding all of [addr, addr + size), or NULL. */
static struct region *lazy_range(struct proc *p, uint64_t addr, uint64_t size)
{
	struct region *rg = dp_region(&p->mem, addr);
	if (!rg || !region_is_lazy(rg) || size > rg->end - addr)
		return NULL;
	return rg;
}

/* PG_MUNMAP: unmap [w0, w0 + w1) (page-aligned start, inside one lazy
 * region) and free its frames; the pages read zero at the next touch. */
long do_munmap(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	uint64_t addr = m->w[0], size = page_up(m->w[1]);
	if (addr % PAGE_SIZE || m->w[1] == 0 || size < m->w[1] || !lazy_range(p, addr, size))
		return E_INVAL;
	if (pg_frees_many(p, addr, addr + size))
		return PG_ALONE;
	dp_release_range(&p->mem, addr, addr + size);
	return E_OK;
}

/* PG_MFREE: remove the anonymous region starting at w0 with its frames.
 * E_NOENT if no region starts there, E_INVAL for a non-anonymous one. */
long do_mfree(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	struct region *rg = dp_region(&p->mem, m->w[0]);
	if (!rg || rg->start != m->w[0])
		return E_NOENT;
	if (rg->kind != PG_BACK_ANON && rg->kind != PG_BACK_SHARED)
		return E_INVAL;
	if (pg_frees_many(p, rg->start, rg->end))
		return PG_ALONE;
	return dp_unregister_lazy(&p->mem, rg->start);
}

/* PG_MPROTECT: rights w2 for [w0, w0 + w1) inside one lazy region.
 * E_INVAL (unaligned, outside one region, bad rights), E_NOMEM. */
long do_mprotect(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	uint64_t addr = m->w[0], size = page_up(m->w[1]);
	if (addr % PAGE_SIZE || m->w[1] == 0 || size < m->w[1] || m->w[2] > 7 ||
	    !lazy_range(p, addr, size))
		return E_INVAL;
	return dp_protect(&p->mem, addr, addr + size, (unsigned)m->w[2]);
}

/* Move p's break to want: the heap [heap_start, page_up(brk)) grows
 * (its last region, lazily) or shrinks (pages freed); it may be several
 * regions (mprotect, madvise split it).  E_INVAL, E_NOMEM. */
static int heap_set(struct proc *p, uint64_t want)
{
	uint64_t start = p->heap_start, old_end = page_up(p->brk);
	if (!start || want < start || want > PG_MMAP_BASE - PAGE_SIZE)
		return E_INVAL;
	uint64_t new_end = page_up(want);
	if (new_end < old_end && pg_frees_many(p, new_end, old_end))
		return PG_ALONE;
	struct region *last = old_end > start ? dp_region(&p->mem, old_end - PAGE_SIZE) : NULL;
	int e = E_OK;
	if (new_end > old_end && !last)
		e = dp_register_lazy(&p->mem, old_end, new_end - old_end, MAP_R | MAP_W,
				     &backing_heap, NULL);
	else if (new_end > old_end)
		e = dp_resize(&p->mem, last->start, new_end);
	else if (new_end < old_end)
		e = dp_unmap(&p->mem, new_end, old_end);
	if (e)
		return e == E_BUSY ? E_NOMEM : e;
	p->brk = want;
	return E_OK;
}

/* PG_BRK: set the break to w0 (0: only ask); w0 = the break. */
long do_brk(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	int e = m->w[0] ? heap_set(p, m->w[0]) : E_OK;
	if (e == PG_ALONE)
		return PG_ALONE;
	if (e == E_OK)
		r->w[0] = p->brk;
	return e;
}
