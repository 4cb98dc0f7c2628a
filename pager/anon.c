/* Anonymous memory: lazy zero-fill regions (mmap_anon and the main stack).
 * A page gets a zeroed frame at its first touch; munmap gives the frames
 * back and the pages read zero again; mfree removes the region. */
#include "pager.h"

/* PG_MMAP_ANON: a new lazy R|W region of w0 bytes (rounded up to pages)
 * in [PG_MMAP_BASE, PG_MMAP_LIMIT); w0 = its address.  E_INVAL for 0 or
 * more than PG_MMAP_MAX bytes, E_NOMEM when no room or too many regions. */
long do_mmap_anon(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	uint64_t size = m->w[0], at;
	if (size == 0 || size > PG_MMAP_MAX)
		return E_INVAL;
	size = (size + PAGE - 1) & ~(PAGE - 1);
	int e = region_place(&p->regions, size, PG_MMAP_BASE, PG_MMAP_LIMIT, &at);
	if (!e)
		e = region_add(&p->regions, at, at + size, REGION_ANON, MAP_R | MAP_W);
	if (!e)
		r->w[0] = at;
	return e;
}

/* The lazy region holding all of [addr, addr + size), or NULL. */
static struct region *lazy_range(struct proc *p, uint64_t addr, uint64_t size)
{
	struct region *rg = region_find(&p->regions, addr);
	if (!rg || !region_is_lazy(rg) || size > rg->end - addr)
		return NULL;
	return rg;
}

/* PG_MUNMAP: unmap [w0, w0 + w1) (page-aligned start, inside one lazy
 * region) and free its frames; the pages read zero at the next touch. */
long do_munmap(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	uint64_t addr = m->w[0], size = (m->w[1] + PAGE - 1) & ~(PAGE - 1);
	if (addr % PAGE || m->w[1] == 0 || size < m->w[1] || !lazy_range(p, addr, size))
		return E_INVAL;
	mem_release(p, addr, size / PAGE);
	return E_OK;
}

/* PG_MFREE: remove the anonymous region starting at w0 with its frames.
 * E_NOENT if no region starts there, E_INVAL for a non-anonymous one. */
long do_mfree(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	struct region *rg = region_find(&p->regions, m->w[0]);
	if (!rg || rg->start != m->w[0])
		return E_NOENT;
	if (rg->kind != REGION_ANON)
		return E_INVAL;
	mem_release(p, rg->start, (rg->end - rg->start) / PAGE);
	return region_remove(&p->regions, rg->start);
}

/* A not-present fault at addr in lazy region rg: map the page's frame (a
 * new zeroed one unless a racing fault already gave it one). */
long anon_fault(struct proc *p, struct region *rg, uint64_t addr, struct sys_msg *r)
{
	uint64_t va = addr & ~(PAGE - 1), pfn;
	uint32_t gen;
	int e = mem_page(p, va, &pfn, &gen);
	if (e) {
		printf("pager: no frame for pid %u at 0x%lx: %s\n", p->pid, va, err_str(e));
		return -(long)e;
	}
	r->w[0] = va | rg->rights;
	r->w[1] = pfn;
	r->w[2] = gen;
	return FAULT_REPLY_MAP;
}
