/* Statistics, the process list and a process's regions (PG_STATS, PG_PS,
 * PG_PMAP), answered in our IPC buffer. */
#include "pager.h"
#include "pool.h"

/* PG_STATS: struct pg_stats in the reply buffer: the demand manager's
 * counters (read a word at a time: other threads bump them meanwhile)
 * plus the COW table's size now. */
long do_stats(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)p;
	(void)m;
	(void)r;
	struct pg_stats *out = pg_self()->ipc_buf;
	_Static_assert(sizeof dp_stats % sizeof(uint64_t) == 0, "counters of 64 bits");
	uint64_t *to = (uint64_t *)out, *from = (uint64_t *)&dp_stats;
	for (size_t i = 0; i < sizeof dp_stats / sizeof *to; i++)
		to[i] = __atomic_load_n(&from[i], __ATOMIC_RELAXED);
	out->cow_frames = dp_shared_frames();
	out->pool_frames = __atomic_load_n(&pool_pages_held, __ATOMIC_RELAXED);
	out->pool_nodes = __atomic_load_n(&pool_nodes_inuse, __ATOMIC_RELAXED);
	pg_self()->reply_len = sizeof dp_stats;
	return E_OK;
}

/* Fill *out for process c. */
static void procinfo(const struct proc *c, struct pg_procinfo *out)
{
	memset(out, 0, sizeof *out);
	out->pid = c->pid;
	out->ppid = c->ppid;
	out->state = c->state == PROC_LIVE ? PG_PROC_RUNNING : PG_PROC_ZOMBIE;
	out->threads = c->nthreads;
	out->resident = dp_pages(&c->mem);
	out->faults = c->mem.faults;
	out->maxrss = c->state == PROC_LIVE ? pagetab_peak(&c->mem.pages) : c->maxrss;
	out->cfaults = c->cfaults;
	out->cmaxrss = c->cmaxrss;
	out->cpu_ns = proc_cpu_ns(c);
	out->ccpu_ns = c->ccpu_ns;
	fmt_snprintf(out->name, sizeof out->name, "%s", c->name);
	out->oom_score_adj = c->oom_adj;
	out->oom_flags = c->state == PROC_LIVE && oom_protected(c) ? PG_OOM_PROTECTED : 0;
	out->ksm_merging_pages = c->state == PROC_LIVE ? ksmd_merging(c) : 0;
}

/* PG_PS: the processes with pid >= w0, by pid, as struct pg_procinfo in
 * the reply buffer; w0 = how many. */
long do_ps(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)p;
	struct pg_procinfo *out = pg_self()->ipc_buf;
	size_t n = 0, max = IPC_BUF_MAX / sizeof *out;
	uint64_t from = m->w[0];
	while (n < max) {
		const struct proc *best = NULL;
		for (int i = 0; i < proc_slots(); i++) {
			const struct proc *c = proc_slot(i);
			if (c && c->state != PROC_FREE && c->pid >= from &&
			    (!best || c->pid < best->pid))
				best = c;
		}
		if (!best)
			break;
		procinfo(best, &out[n++]);
		from = (uint64_t)best->pid + 1;
	}
	pg_self()->reply_len = n * sizeof *out;
	r->w[0] = n;
	return E_OK;
}

/* PG_PMAP: the regions of live process w0 (0: the caller) that start at or
 * above address w1, as struct pg_region_info in the reply buffer (as many
 * as fit); w0 = how many.  E_NOENT. */
long do_pmap(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	struct proc *t = m->w[0] == 0 ? p :
			 m->w[0] <= UINT32_MAX ? proc_live((uint32_t)m->w[0]) : NULL;
	if (!t)
		return E_NOENT;
	if (t != p && !pg_alone())
		return PG_ALONE; /* another process's regions: its lock is not ours */
	struct pg_region_info *out = pg_self()->ipc_buf;
	size_t n = 0, max = IPC_BUF_MAX / sizeof *out;
	for (struct region *rg = region_from(&t->mem.regions, m->w[1]); rg && n < max;
	     rg = region_next(&t->mem.regions, rg), n++) {
		out[n].start = rg->start;
		out[n].end = rg->end;
		out[n].rights = rg->rights;
		out[n].backing = rg->kind;
		out[n].resident = dp_resident(&t->mem, rg->start, rg->end);
		out[n].merged = 0;
		for (struct page *pg = pagetab_from(&t->mem.pages, rg->start);
		     pg && pg->va < rg->end; pg = pagetab_next(&t->mem.pages, pg))
			out[n].merged += (pg->flags & (PAGE_KSM | PAGE_ZERO)) == PAGE_KSM;
		out[n].mergeable = rg->mergeable || t->ksm_all;
		out[n].priv = rg->shm_private;
		out[n].hold = rg->shm_hold;
		out[n].pad = 0;
		out[n].ino = rg->shm && rg->shm->sized ? rg->shm->ino : 0;
	}
	pg_self()->reply_len = n * sizeof *out;
	r->w[0] = n;
	return E_OK;
}

/* PG_LIST: the name (in the buffer) and size (w0) of initrd file w0. */
long do_list(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)p;
	struct initrd_file f;
	size_t pos = 0;
	int e = E_NOENT;
	for (uint64_t i = 0; i <= m->w[0]; i++)
		if ((e = initrd_next(pg.initrd, pg.initrd_size, &pos, &f)) != E_OK)
			return e;
	size_t n = strlen(f.name);
	memcpy(pg_self()->ipc_buf, f.name, n);
	pg_self()->reply_len = n;
	r->w[0] = f.size;
	return E_OK;
}
