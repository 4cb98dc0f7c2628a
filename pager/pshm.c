/* Named shared memory for every process (PG_PSH_*: libsys's shm_open,
 * shm_unlink, ftruncate and fstat of such objects, sem_open): the
 * namespace is backing_shared.c's, one for the whole system.  An open maps
 * the object whole (a PG_PSH_SPAN-byte MAP_SHARED region, frames only for
 * pages touched) in the caller: that region is the descriptor's hold on
 * the object (fork copies it, munmap lets it go), and libsys maps parts of
 * it again with mremap's alias.  The requests run alone (pg.big for
 * writing): the namespace and the objects' sizes have no other lock. */
#include "pager.h"
#include "pool.h"

/* Whether name (NUL-terminated) is one: no '/' (shm_open's), or a
 * path that starts with one (libsys's tmpfs). */
static bool name_ok(const char *name)
{
	if (name[0] == '/')
		return true;
	for (; *name; name++)
		if (*name == '/')
			return false;
	return true;
}

/* The request's name (the caller's buffer: NUL-terminated, at most
 * SHM_NAME_MAX bytes, name_ok) copied to buf; E_INVAL if it is none. */
static int req_name(const struct sys_msg *m, char buf[SHM_NAME_MAX + 1])
{
	size_t len = IPC_LABEL_LEN(m->label);
	if (len < 2 || len > SHM_NAME_MAX + 1)
		return E_INVAL;
	memcpy(buf, pg_self()->ipc_buf, len);
	if (buf[len - 1] != '\0' || strlen(buf) != len - 1 || !name_ok(buf))
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
		o->sized = true; /* a page past its size is SIGBUS */
		o->fs = true;    /* its frames count toward the files' total */
		o->size = (fl & PG_PSH_INIT) ? 2 * sizeof m->w[1] : 0; /* sem_open's page 0 */
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
	region_find(&p->mem.regions, at)->shm_hold = true; /* libsys's own */
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

/* o shrunk to size: its pages wholly past it leave every mapping of o
 * in every process (a touch there is SIGBUS again, as on Linux; libsys's
 * own mapping makes a zeroed frame), and their frames come back.  Run
 * alone (PG_PSH_SIZE): no fault is in flight. */
static void drop_past(struct shm *o, uint64_t size)
{
	uint64_t from = (size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	for (int i = 0; i < proc_slots(); i++) {
		struct proc *q = proc_slot(i);
		if (!q || q->state == PROC_FREE)
			continue;
		for (struct region *rg = region_first(&q->mem.regions, 0); rg;
		     rg = region_next(&q->mem.regions, rg)) {
			uint64_t a = rg->shm_va0 + from;
			if (rg->shm == o && a < rg->end)
				dp_dontneed(&q->mem, a > rg->start ? a : rg->start, rg->end);
		}
	}
	dp_shm_free_from(o, from);
}

/* The size PG_PSH_SIZE's mode (w2) asks for o, with w1: E_RANGE past
 * PG_PSH_SPAN. */
static int new_size(const struct shm *o, uint64_t mode, uint64_t w1, uint64_t *size)
{
	if (mode == PG_PSH_GROW)
		*size = w1 > o->size ? w1 : o->size;
	else if (mode == PG_PSH_ADD)
		*size = w1 <= PG_PSH_SPAN ? o->size + w1 : ~0ull;
	else
		*size = w1;
	return *size > PG_PSH_SPAN ? E_RANGE : E_OK;
}

/* A write's bytes [from, *end) of o: their frames made now, so that the
 * copy through libsys's mapping never faults for want of one; *end cut
 * back to the first page the files' total has no room for (E_NOSPC if
 * that is from: no byte fits).  Short of memory, the copy's faults go
 * the OOM way as any other. */
static int write_room(struct shm *o, uint64_t from, uint64_t *end)
{
	uint64_t done;
	int e = dp_shm_fill(o, from, *end, &done);
	if (e != E_NOSPC)
		return E_OK;
	*end = done;
	return done > from ? E_OK : E_NOSPC;
}

/* PG_PSH_SIZE (abi/pager.h).  Only a file's size is set: a named
 * object's, or a memfd's (its first while its one mapping holds it); not a
 * System V segment's nor a MAP_SHARED region's another process shares
 * (E_INVAL, as Linux's ftruncate there). */
long do_psh_size(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	struct region *rg = region_find(&p->mem.regions, m->w[0]);
	uint64_t mode = m->w[2], size;
	if (!rg || !rg->shm || rg->kind != PG_BACK_SHARED || rg->shm_private || mode > PG_PSH_ADD)
		return E_INVAL;
	struct shm *o = rg->shm;
	if (mode && (o->seg || (!o->sized && shm_users(o) > 1)))
		return E_INVAL;
	size = o->size;
	int e = mode ? new_size(o, mode, m->w[1], &size) : E_OK;
	/* a write's bytes: [w3, w1) (PG_PSH_GROW) or w1 past the end (ADD) */
	uint64_t from = mode == PG_PSH_GROW ? m->w[3] : o->size;
	uint64_t end = mode == PG_PSH_GROW ? m->w[1] : size;
	if (e == E_OK && mode >= PG_PSH_GROW && from > end)
		e = E_INVAL;
	if (e)
		return e;
	if (size > o->size) /* bytes a write racing a truncate left there */
		dp_shm_zero_range(o, o->size, size);
	if (mode >= PG_PSH_GROW) {
		if ((e = write_room(o, from, &end))) /* as much of it as fits */
			return e;
		size = mode == PG_PSH_ADD || end > o->size ? end : o->size;
	}
	r->w[3] = end;
	r->w[0] = o->size;
	r->w[1] = o->ino;
	r->w[2] = o->names;
	if (!mode)
		return E_OK;
	if (size < o->size) { /* what is cut off reads 0 if it grows again: */
		drop_past(o, size);  /* the whole pages go, */
		dp_shm_zero_range(o, size, o->size); /* the last one's tail zeroed */
	}
	if (!o->sized)
		rg->shm_hold = true; /* a memfd's first: libsys's own mapping */
	o->size = size;
	o->sized = true;
	return E_OK;
}

/* PG_PSH_STAT (abi/pager.h). */
long do_psh_stat(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)p;
	char name[SHM_NAME_MAX + 1];
	int e = req_name(m, name);
	if (e)
		return e;
	struct shm *o = dp_shm_lookup(name);
	if (!o)
		return E_NOENT;
	r->w[0] = o->size;
	r->w[1] = o->ino;
	r->w[2] = o->names;
	return E_OK;
}

/* PG_PSH_LIST (abi/pager.h): the name goes back in the caller's buffer. */
long do_psh_list(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)p;
	char buf[2 * (SHM_NAME_MAX + 1)], name[SHM_NAME_MAX + 1];
	size_t len = IPC_LABEL_LEN(m->label);
	if (len < 2 || len > sizeof buf)
		return E_INVAL;
	memcpy(buf, pg_self()->ipc_buf, len);
	if (buf[len - 1] != '\0')
		return E_INVAL;
	size_t pl = strlen(buf);
	if (pl + 2 > len || pl > SHM_NAME_MAX || strlen(buf + pl + 1) + pl + 2 != len ||
	    strlen(buf + pl + 1) > SHM_NAME_MAX)
		return E_INVAL;
	uint64_t size;
	int e = dp_shm_name_next(buf + pl + 1, buf, name, &size);
	if (e)
		return e;
	memcpy(pg_self()->ipc_buf, name, strlen(name) + 1);
	pg_self()->reply_len = strlen(name) + 1;
	r->w[1] = size;
	return E_OK;
}

/* PG_PSH_RENAME (abi/pager.h). */
long do_psh_rename(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)p, (void)r;
	char buf[2 * (SHM_NAME_MAX + 1)];
	size_t len = IPC_LABEL_LEN(m->label);
	if (len < 4 || len > sizeof buf)
		return E_INVAL;
	memcpy(buf, pg_self()->ipc_buf, len);
	if (buf[len - 1] != '\0')
		return E_INVAL;
	size_t ol = strlen(buf);
	if (ol + 2 > len || ol > SHM_NAME_MAX)
		return E_INVAL;
	const char *old = buf, *new = buf + ol + 1;
	if (!*old || !*new || strlen(new) + ol + 2 != len || strlen(new) > SHM_NAME_MAX ||
	    !name_ok(old) || !name_ok(new))
		return E_INVAL;
	return dp_shm_rename(old, new);
}

/* System V shared memory (PG_SHM_*: libsys's shmget, shmat, shmdt,
 * shmctl): the segments are backing_shared.c's table, one for the whole
 * system; an attachment is a MAP_SHARED region on the segment's object
 * (fork copies it, exit and exec let it go, as every region), so
 * shm_nattch counts them in every process.  Run alone, as the rest. */

/* The whole pages of o's segment. */
static uint64_t seg_span(const struct shm *o)
{
	return (o->seg->segsz + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
}

/* PG_SHM_GET (abi/pager.h). */
long do_shm_get(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	int32_t id;
	unsigned fl = (unsigned)m->w[2];
	int e = dp_seg_get((int32_t)m->w[0], m->w[1], fl & (SHM_SEG_CREAT | SHM_SEG_EXCL),
			   (fl >> 8) & 0777, p->pid, m->w[3], &id);
	if (e == E_OK)
		r->w[0] = (uint64_t)id;
	return e;
}

/* PG_SHM_AT (abi/pager.h). */
long do_shm_at(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	struct shm *o = dp_seg_find((int32_t)m->w[0]);
	uint64_t at = m->w[1], fl = m->w[2];
	if (!o || (fl & ~(uint64_t)(PG_SHM_RDONLY | PG_SHM_REMAP)))
		return E_INVAL;
	uint64_t len = seg_span(o);
	int e;
	if (at) {
		if (at % PAGE_SIZE || at < PG_MMAP_MIN || at + len > PG_IPC_BUF_BASE ||
		    at + len < at)
			return E_INVAL;
		if ((fl & PG_SHM_REMAP) && (e = dp_unmap(&p->mem, at, at + len)))
			return e;
	} else if ((e = region_place(&p->mem.regions, len, PG_MMAP_BASE, PG_MMAP_LIMIT, &at))) {
		return e;
	}
	e = dp_register_shared(&p->mem, at, len,
			       (fl & PG_SHM_RDONLY) ? MAP_R : MAP_R | MAP_W, o, at);
	if (e)
		return e == E_BUSY ? E_INVAL : e; /* an attachment there: EINVAL */
	if (fl & PG_SHM_RDONLY) /* as Linux's: never made writable (EACCES) */
		region_find(&p->mem.regions, at)->no_write = 1;
	o->seg->atime = m->w[3];
	o->seg->lpid = p->pid;
	r->w[0] = at;
	return E_OK;
}

/* PG_SHM_DT (abi/pager.h): the regions of one segment from w0 on, while
 * each maps the segment from its page 0 at w0 (an mprotect split it). */
long do_shm_dt(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	uint64_t at = m->w[0];
	struct region *rg = region_find(&p->mem.regions, at);
	if (!rg || rg->start != at || !rg->shm || !rg->shm->seg || rg->shm_va0 != at)
		return E_INVAL;
	struct shm *o = rg->shm;
	uint64_t end = rg->end, last = at + seg_span(o);
	while (end < last && (rg = region_find(&p->mem.regions, end)) && rg->start == end &&
	       rg->shm == o && rg->shm_va0 == at)
		end = rg->end;
	o->seg->dtime = m->w[1];
	o->seg->lpid = p->pid; /* before the unmap: it may free o */
	return dp_unmap(&p->mem, at, end);
}

/* PG_SHM_CTL (abi/pager.h). */
long do_shm_ctl(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)p;
	struct shm *o = dp_seg_find((int32_t)m->w[0]);
	if (!o)
		return E_INVAL;
	struct shm_seg *g = o->seg;
	switch (m->w[1]) {
	case PG_SHM_STAT: {
		uint64_t *t = pg_self()->ipc_buf;
		r->w[0] = g->segsz;
		r->w[1] = shm_seg_nattch(o);
		r->w[2] = g->cpid | (uint64_t)g->lpid << 32;
		r->w[3] = (uint32_t)g->key | (uint64_t)(g->mode | (g->removed ? PG_SHM_DEST : 0)) << 32;
		t[0] = g->atime, t[1] = g->dtime, t[2] = g->ctime;
		return E_OK;
	}
	case PG_SHM_SET:
		g->mode = m->w[2] & 0777;
		g->ctime = m->w[3];
		return E_OK;
	case PG_SHM_RMID:
		dp_seg_remove(o);
		return E_OK;
	default:
		return E_INVAL;
	}
}

/* PG_SHM_NOTE: what a process asks done to segments' words when it ends
 * (libsys's SEM_UNDO records: sysvsem.c).  Each note is a node of
 * note_pool on its process's list (struct proc's notes), kept across exec
 * (the list is the process's, not its image's), none in a fork child,
 * fired and freed by proc_end (shm_notes_end) after its threads are gone
 * and before it is a zombie, so whoever sees the process gone (PG_PS)
 * sees its marks too.  A note names the segment by id and its object's
 * number (ino: an id that came round again names another): a segment
 * removed (or gone) since is left alone.  Run alone. */
struct shm_note {
	struct shm_note *next;
	uint64_t ino;
	int32_t id;
	uint32_t mark, wake; /* offsets in the segment */
};

#define NOTES_FIXED 64 /* notes of the pool's own array; more grow it */
static struct shm_note note_mem[NOTES_FIXED];
static struct pool note_pool;

/* Segment id's object if it is there, not removed, and object number ino
 * (0: any), else NULL. */
static struct shm *note_seg(int32_t id, uint64_t ino)
{
	struct shm *o = dp_seg_find(id);
	return o && !o->seg->removed && (!ino || o->ino == ino) ? o : NULL;
}

/* The window address of o's 32-bit word at off, NULL if its page has no
 * frame (never touched: nothing there to mark). */
static uint32_t *note_word(struct shm *o, uint32_t off)
{
	struct page *pg = pagetab_lookup(&o->pages, off & ~(uint64_t)(PAGE_SIZE - 1));
	return pg ? (uint32_t *)((char *)mem_window(pg->pfn) + (off & (PAGE_SIZE - 1))) : NULL;
}

/* PG_SHM_NOTE (abi/pager.h).  The caller's notes on segments gone or
 * removed meanwhile are dropped first. */
long do_shm_note(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	if (!note_pool.mem)
		pool_init(&note_pool, note_mem, sizeof note_mem[0], NOTES_FIXED);
	int32_t id = (int32_t)m->w[0];
	struct shm *o = note_seg(id, 0);
	uint64_t mark = m->w[1], wake = m->w[2];
	if (!o || mark % 4 || wake % 4 || mark >= o->seg->segsz || wake >= o->seg->segsz)
		return E_INVAL;
	for (struct shm_note **pp = &p->notes; *pp;) {
		struct shm_note *n = *pp;
		if (!note_seg(n->id, n->ino)) {
			*pp = n->next;
			pool_put(&note_pool, n);
			p->nnotes--;
			continue;
		}
		if (n->id == id && n->ino == o->ino && n->mark == mark) {
			n->wake = (uint32_t)wake;
			return E_OK;
		}
		pp = &n->next;
	}
	if (p->nnotes >= PG_SHM_NOTES_MAX)
		return E_OVERFLOW;
	struct shm_note *n = pool_get(&note_pool);
	if (!n)
		return E_NOMEM;
	n->id = id;
	n->ino = o->ino;
	n->mark = (uint32_t)mark;
	n->wake = (uint32_t)wake;
	n->next = p->notes;
	p->notes = n;
	p->nnotes++;
	return E_OK;
}

/* Do what note n asks: its mark, then the wake word moved on and its
 * sleepers woken (a FUTEX_SHARED wake of the window address: the key is
 * the frame's, as the sleepers'). */
static void note_fire(const struct shm_note *n)
{
	struct shm *o = note_seg(n->id, n->ino);
	if (!o)
		return;
	uint32_t *mark = note_word(o, n->mark), *wake = note_word(o, n->wake);
	if (mark)
		__atomic_fetch_or(mark, PG_SHM_NOTE_DEAD, __ATOMIC_SEQ_CST);
	if (wake) {
		struct sys_regs r;
		__atomic_fetch_add(wake, 1, __ATOMIC_SEQ_CST);
		sys_futex_wake_r((uint64_t)(uintptr_t)wake | FUTEX_SHARED, INT32_MAX, &r);
	}
}

void shm_notes_end(struct proc *p)
{
	while (p->notes) {
		struct shm_note *n = p->notes;
		p->notes = n->next;
		note_fire(n);
		pool_put(&note_pool, n);
	}
	p->nnotes = 0;
}
