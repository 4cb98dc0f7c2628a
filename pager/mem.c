/* Frames the pager holds for processes: one pager reference per page it
 * gave a process, recorded in pg.frames; a mapping holds its own. */
#include "pager.h"

/* Where the pager sees frame pfn while it holds it. */
void *mem_window(uint64_t pfn)
{
	return (void *)(PAGER_WINDOW + pfn * PAGE);
}

/* The frame for p's page va: the recorded one, else a new zeroed frame,
 * recorded now.  E_NOMEM (no frame, or the table is full). */
int mem_page(struct proc *p, uint64_t va, uint64_t *pfn, uint32_t *gen)
{
	if (pagetab_lookup(&pg.frames, p->pid, va, pfn, gen))
		return E_OK;
	struct sys_regs r;
	int e = sys_frame_alloc_r(FRAME_ZEROED, &r);
	if (e)
		return e;
	*pfn = r.rdi;
	*gen = (uint32_t)r.rsi;
	e = pagetab_insert(&pg.frames, p->pid, va, *pfn, *gen);
	if (e)
		sys_frame_free(*pfn, *gen);
	return e;
}

/* mem_page, then map the frame at va in p with rights; *win = its bytes in
 * our window.  Returns the first error. */
int mem_map(struct proc *p, uint64_t va, unsigned rights, void **win)
{
	uint64_t pfn;
	uint32_t gen;
	int e = mem_page(p, va, &pfn, &gen);
	if (e)
		return e;
	*win = mem_window(pfn);
	return sys_map(p->space, va, pfn, gen, rights);
}

/* Unmap npages of p from va and free the frames we held for them. */
void mem_release(struct proc *p, uint64_t va, uint64_t npages)
{
	uint64_t pfn;
	uint32_t gen;
	int e = sys_unmap(p->space, va, npages);
	if (e)
		printf("pager: unmap pid %u 0x%lx+%lu: %s\n", p->pid, va, npages,
		       err_str(e));
	for (uint64_t i = 0; i < npages; i++)
		if (pagetab_remove(&pg.frames, p->pid, va + i * PAGE, &pfn, &gen))
			sys_frame_free(pfn, gen);
}

static void free_frame(uint64_t pfn, uint32_t gen, void *ctx)
{
	(void)ctx;
	int e = sys_frame_free(pfn, gen);
	if (e)
		printf("pager: frame_free %lu: %s\n", pfn, err_str(e));
}

/* Free every frame we hold for p (its mappings must be gone or going). */
void mem_release_all(struct proc *p)
{
	pagetab_remove_pid(&pg.frames, p->pid, free_frame, NULL);
}
