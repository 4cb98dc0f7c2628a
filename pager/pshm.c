/* Named shared memory for every process (PG_PSH_*: libsys's shm_open,
 * shm_unlink, ftruncate and fstat of such objects, sem_open): the
 * namespace is backing_shared.c's, one for the whole system.  An open maps
 * the object whole (a PG_PSH_SPAN-byte MAP_SHARED region, frames only for
 * pages touched) in the caller: that region is the descriptor's hold on
 * the object (fork copies it, munmap lets it go), and libsys maps parts of
 * it again with mremap's alias.  The requests run alone (pg.big for
 * writing): the namespace and the objects' sizes have no other lock. */
#include "pager.h"

/* The request's name (the caller's buffer: NUL-terminated, no '/', at
 * most SHM_NAME_MAX bytes) copied to buf; E_INVAL if it is none. */
static int req_name(const struct sys_msg *m, char buf[SHM_NAME_MAX + 1])
{
	size_t len = IPC_LABEL_LEN(m->label);
	if (len < 2 || len > SHM_NAME_MAX + 1)
		return E_INVAL;
	memcpy(buf, pg_self()->ipc_buf, len);
	if (buf[len - 1] != '\0' || strlen(buf) != len - 1)
		return E_INVAL;
	for (size_t i = 0; i < len - 1; i++)
		if (buf[i] == '/')
			return E_INVAL;
	return E_OK;
}

/* Map o whole in p, read and write (the region's reference is its own). */
static int map_whole(struct proc *p, struct shm *o, uint64_t *at)
{
	int e = region_place(&p->mem.regions, PG_PSH_SPAN, PG_MMAP_BASE, PG_MMAP_LIMIT, at);
	return e ? e : dp_register_shared(&p->mem, *at, PG_PSH_SPAN, MAP_R | MAP_W, o, *at);
}

/* PG_PSH_OPEN (abi/pager.h).  An object made with PG_PSH_INIT has its
 * first bytes in before its name is linked: no other process can see it
 * half made, even if the maker dies in the middle (sem_open). */
long do_psh_open(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	char name[SHM_NAME_MAX + 1];
	uint64_t fl = m->w[0];
	int e = req_name(m, name);
	if (e == E_OK && (fl & ~(uint64_t)(PG_PSH_CREAT | PG_PSH_EXCL | PG_PSH_INIT)))
		e = E_INVAL;
	if (e)
		return e;
	struct shm *o = dp_shm_lookup(name);
	bool made = false;
	if (o && (fl & PG_PSH_EXCL))
		return E_BUSY;
	if (!o && !(fl & PG_PSH_CREAT))
		return E_NOENT;
	if (!o) {
		if (!(o = dp_shm_new()))
			return E_NOMEM;
		e = (fl & PG_PSH_INIT) ? dp_shm_init(o, &m->w[1], 2 * sizeof m->w[1]) : E_OK;
		if (e == E_OK)
			e = dp_shm_link(name, o);
		dp_shm_put(o); /* the name's reference is the one left */
		if (e)
			return e;
		made = true;
	}
	uint64_t at;
	e = map_whole(p, o, &at);
	if (e) {
		if (made)
			dp_shm_unlink(name);
		return e;
	}
	r->w[0] = at;
	r->w[1] = made;
	return E_OK;
}

/* PG_PSH_UNLINK (abi/pager.h). */
long do_psh_unlink(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)p, (void)r;
	char name[SHM_NAME_MAX + 1];
	int e = req_name(m, name);
	return e ? e : dp_shm_unlink(name);
}

/* PG_PSH_SIZE (abi/pager.h). */
long do_psh_size(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	struct region *rg = region_find(&p->mem.regions, m->w[0]);
	if (!rg || !rg->shm || rg->kind != PG_BACK_SHARED)
		return E_INVAL;
	if (m->w[2] && m->w[1] > PG_PSH_SPAN)
		return E_RANGE;
	r->w[0] = rg->shm->size;
	if (m->w[2] && m->w[1] < rg->shm->size) /* what is cut off reads 0 */
		dp_shm_zero_from(rg->shm, m->w[1]);  /* if it grows again */
	if (m->w[2])
		rg->shm->size = m->w[1];
	return E_OK;
}
