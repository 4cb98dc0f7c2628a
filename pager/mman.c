/* POSIX memory requests (issue 12): mmap, munmap, mprotect, madvise,
 * mincore over any range, the page introspection call, and reading initrd
 * files.  Arguments are checked as Linux checks them; the errors are enum
 * err (libsys turns them into errno: E_BUSY is EEXIST, E_PERM EACCES). */
#include "pager.h"

#define MMAP_MIN  0x10000ull    /* as Linux's vm.mmap_min_addr */
#define PROT_ALL  (MAP_R | MAP_W | MAP_X)

/* Linux's MAP_* and MADV_* values (libsys's sys/mman.h has them all). */
#define LX_MAP_SHARED          0x01
#define LX_MAP_PRIVATE         0x02
#define LX_MAP_SHARED_VALIDATE 0x03
#define LX_MAP_TYPE            0x0f
#define LX_MAP_FIXED           0x10
#define LX_MAP_ANONYMOUS       0x20
#define LX_MAP_NORESERVE       0x4000
/* The swap heuristic overcommit counts as there (mmap_check). */
#define OVERCOMMIT_SWAP (32ull << 30)
#define LX_MAP_POPULATE        0x8000
#define LX_MAP_HUGETLB         0x40000
#define LX_MAP_FIXED_NOREPLACE 0x100000
#define LX_MAP_KNOWN           0x17ff3f /* every flag Linux defines here */

enum {
	LX_MADV_NORMAL, LX_MADV_RANDOM, LX_MADV_SEQUENTIAL, LX_MADV_WILLNEED,
	LX_MADV_DONTNEED, LX_MADV_FREE = 8, LX_MADV_REMOVE, LX_MADV_DONTFORK,
	LX_MADV_DOFORK, LX_MADV_MERGEABLE, LX_MADV_UNMERGEABLE, LX_MADV_HUGEPAGE,
	LX_MADV_NOHUGEPAGE, LX_MADV_DONTDUMP, LX_MADV_DODUMP, LX_MADV_WIPEONFORK,
	LX_MADV_KEEPONFORK, LX_MADV_COLD, LX_MADV_PAGEOUT, LX_MADV_POPULATE_READ,
	LX_MADV_POPULATE_WRITE,
};

static uint64_t page_up(uint64_t x)
{
	return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* The user half's pages [start, start + page_up(len)) as [*s, *e): false if
 * len rounds past the user half or wraps. */
static bool user_range(uint64_t start, uint64_t len, uint64_t *s, uint64_t *e)
{
	uint64_t end = page_up(len) + start;
	if (page_up(len) < len || end < start || end > PG_USER_END)
		return false;
	*s = start;
	*e = end;
	return true;
}

/* Region rights for PROT bits: x86 cannot write or run what it cannot read. */
static unsigned rights_for(uint64_t prot)
{
	unsigned r = (unsigned)prot & PROT_ALL;
	return r ? r | MAP_R : 0;
}

/* The initrd's index-th file.  E_NOENT. */
static int initrd_nth(uint64_t index, struct initrd_file *f)
{
	size_t pos = 0;
	for (uint64_t i = 0; i <= index; i++) {
		int e = initrd_next(pg.initrd, pg.initrd_size, &pos, f);
		if (e)
			return e;
	}
	return E_OK;
}

/* How a new mapping is filled: anonymous, shared, or from a file. */
struct mmap_req {
	uint64_t at, size, off;
	unsigned rights, flags;
	uint64_t file; /* PG_LIST index + 1, or 0 */
};

/* Add the mapping q describes to p at q->at.  E_BUSY if it overlaps. */
static int map_at(struct proc *p, const struct mmap_req *q)
{
	struct region *rg;
	unsigned type = q->flags & LX_MAP_TYPE;
	if (q->file) {
		struct initrd_file f;
		int e = initrd_nth(q->file - 1, &f);
		if (e)
			return e;
		e = dp_register_lazy(&p->mem, q->at, q->size, q->rights, &backing_mapfile, &rg);
		if (e)
			return e;
		rg->fdata = f.data + (q->off < f.size ? q->off : f.size);
		rg->fvaddr = q->at;
		rg->filesz = q->off < f.size ? f.size - q->off : 0;
		return E_OK;
	}
	if (type == LX_MAP_PRIVATE)
		return dp_register_lazy(&p->mem, q->at, q->size, q->rights, &backing_anon, NULL);
	struct shm *o = dp_shm_new();
	if (!o)
		return E_NOMEM;
	int e = dp_register_shared(&p->mem, q->at, q->size, q->rights, o, q->at);
	dp_shm_put(o); /* the region's reference is the one left */
	return e;
}

/* Where the mapping goes: the fixed address, the hint if it is free, or
 * the lowest hole in the mmap area. */
static int place(struct proc *p, uint64_t addr, struct mmap_req *q)
{
	int e;
	if (q->flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) {
		q->at = addr;
		if (!(q->flags & LX_MAP_FIXED_NOREPLACE)) {
			if ((e = dp_unmap(&p->mem, addr, addr + q->size)))
				return e;
		}
		return map_at(p, q);
	}
	q->at = addr & ~(PAGE_SIZE - 1);
	if (q->at >= MMAP_MIN && q->at + q->size <= PG_IPC_BUF_BASE && q->at + q->size > q->at &&
	    (e = map_at(p, q)) != E_BUSY)
		return e;
	e = region_place(&p->mem.regions, q->size, PG_MMAP_BASE, PG_MMAP_LIMIT, &q->at);
	return e ? e : map_at(p, q);
}

/* The checks of Linux's do_mmap, in its order. */
static int mmap_check(const struct sys_msg *m, struct mmap_req *q)
{
	uint64_t addr = m->w[0], len = m->w[1], prot = m->w[2] & 0xffffffffu;
	unsigned type = q->flags & LX_MAP_TYPE;
	if (len == 0 || prot & ~(uint64_t)PROT_ALL)
		return E_INVAL;
	if (type != LX_MAP_SHARED && type != LX_MAP_PRIVATE && type != LX_MAP_SHARED_VALIDATE)
		return E_INVAL;
	if (type == LX_MAP_SHARED_VALIDATE && (q->flags & ~LX_MAP_KNOWN))
		return E_INVAL;
	if (type == LX_MAP_SHARED_VALIDATE && !q->file)
		return E_INVAL; /* a file's type only: anonymous memory (MAP_SHARED |
				 * MAP_PRIVATE) is EINVAL on Linux */
	if (q->flags & LX_MAP_HUGETLB)
		return E_INVAL; /* no huge pages here */
	if (page_up(len) < len || page_up(len) > PG_USER_END - MMAP_MIN)
		return E_NOMEM;
	if (q->off % PAGE_SIZE || (q->file && q->off + page_up(len) < q->off))
		return E_INVAL;
	if ((q->flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) &&
	    (addr % PAGE_SIZE || addr < MMAP_MIN))
		return addr % PAGE_SIZE ? E_INVAL : E_PERM;
	if ((q->flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE)) &&
	    addr + page_up(len) > PG_IPC_BUF_BASE)
		return E_NOMEM; /* past the user half, or where the pager puts
				 * thread IPC buffers and the startup page */
	if (q->file && type != LX_MAP_PRIVATE && (prot & MAP_W))
		return E_PERM; /* the file is open read-only: EACCES */
	/* heuristic overcommit: no single mapping larger than memory plus
	 * OVERCOMMIT_SWAP unless MAP_NORESERVE (Linux's vm.overcommit_memory=0
	 * compares with RAM + swap; we have no swap, but count as if, so that
	 * a sparse mapping of a few GiB works at any memory size, as on the
	 * machines Linux programs are written on) */
	bool commits = (prot & MAP_W) || type != LX_MAP_PRIVATE;
	if (commits && !(q->flags & LX_MAP_NORESERVE) &&
	    page_up(len) / PAGE_SIZE > pg.boot->total_frames + OVERCOMMIT_SWAP / PAGE_SIZE)
		return E_NOMEM;
	return E_OK;
}

/* PG_MMAP (abi/pager.h). */
long do_mmap(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	struct mmap_req q = {
		.size = page_up(m->w[1]), .rights = rights_for(m->w[2] & 0xffffffffu),
		.flags = (unsigned)(m->w[2] >> 32), .off = m->w[3] & ~PG_MMAP_FILE_MASK,
		.file = m->w[3] & PG_MMAP_FILE_MASK,
	};
	if (q.flags & LX_MAP_ANONYMOUS)
		q.file = 0, q.off = 0;
	else if (!q.file)
		return E_BADHANDLE; /* EBADF */
	int e = mmap_check(m, &q);
	if (e == E_OK && (q.flags & LX_MAP_FIXED) && !(q.flags & LX_MAP_FIXED_NOREPLACE) &&
	    pg_frees_many(p, m->w[0], m->w[0] + q.size))
		return PG_ALONE; /* it replaces many pages */
	if (e == E_OK)
		e = place(p, m->w[0], &q);
	if (e)
		return e;
	if (q.file && (q.flags & LX_MAP_TYPE) != LX_MAP_PRIVATE)
		region_find(&p->mem.regions, q.at)->no_write = 1; /* a read-only file */
	if (q.flags & LX_MAP_POPULATE)
		dp_populate(&p->mem, q.at, q.at + q.size); /* best effort, as Linux */
	if (q.flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE))
		dp_merge_around(&p->mem, q.at, q.at + q.size);
	r->w[0] = q.at;
	return E_OK;
}

/* PG_UNMAP: munmap. */
long do_unmap(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	uint64_t s, e;
	if (m->w[0] % PAGE_SIZE || m->w[1] == 0 || !user_range(m->w[0], m->w[1], &s, &e))
		return E_INVAL;
	if (pg_frees_many(p, s, e))
		return PG_ALONE;
	return dp_unmap(&p->mem, s, e);
}

#define LX_MREMAP_MAYMOVE   1
#define LX_MREMAP_FIXED     2
#define LX_MREMAP_DONTUNMAP 4

/* mremap's growth in place: the region rg ending at old_end takes
 * [old_end, new_end) if that is free.  E_NOMEM if not (or rg is the heap
 * or a stack, which grow their own way). */
static int grow_in_place(struct proc *p, struct region *rg, uint64_t old_end,
			 uint64_t new_end)
{
	struct region *next = region_from(&p->mem.regions, old_end);
	if (rg->end != old_end || new_end < old_end || new_end > PG_IPC_BUF_BASE ||
	    (next && next->start < new_end))
		return E_NOMEM;
	if (rg->kind != PG_BACK_ANON && rg->kind != PG_BACK_SHARED && rg->kind != PG_BACK_FILE)
		return E_NOMEM;
	return dp_resize(&p->mem, rg->start, new_end);
}

/* mremap(a, 0, nlen, MREMAP_MAYMOVE) as Linux: a new mapping of nlen
 * bytes of the MAP_SHARED object a lies in, from a's page on, placed as
 * mmap places, or at dst (MREMAP_FIXED: replacing what is there, unless
 * noreplace, PG_MREMAP_NOREPLACE, which is E_BUSY over a mapping, as
 * MAP_FIXED_NOREPLACE) (w0 = its address); both see the same frames.
 * With priv (PG_MREMAP_PRIVATE: libsys's MAP_PRIVATE of a file) the new
 * mapping is private: copy-on-write over the object's frames.  E_INVAL
 * if a is not in shared memory. */
static long mremap_alias(struct proc *p, uint64_t a, uint64_t nlen, bool priv, uint64_t dst,
			 bool noreplace, bool no_write, struct sys_msg *r)
{
	struct region *rg = region_find(&p->mem.regions, a);
	if (!rg || !rg->shm || rg->kind != PG_BACK_SHARED || rg->shm_private)
		return E_INVAL;
	struct shm *o = rg->shm;
	uint64_t at = dst, va0 = rg->shm_va0;
	unsigned rights = rg->rights;
	int e;
	if (dst && (dst < MMAP_MIN || dst + nlen > PG_IPC_BUF_BASE || dst + nlen < dst))
		return E_INVAL;
	if (dst && !noreplace && pg_frees_many(p, dst, dst + nlen))
		return PG_ALONE; /* nothing changed yet */
	dp_shm_get(o); /* the unmap below may take a's own region */
	if (dst && !noreplace)
		e = dp_unmap(&p->mem, dst, dst + nlen);
	else if (!dst)
		e = region_place(&p->mem.regions, nlen, PG_MMAP_BASE, PG_MMAP_LIMIT, &at);
	else
		e = E_OK;
	/* the new region's page at `at` is the object's page at a */
	if (!e)
		e = dp_register_shared(&p->mem, at, nlen, rights, o, at - (a - va0));
	if (!e) {
		struct region *nr = region_find(&p->mem.regions, at);
		nr->shm_private = priv;
		nr->no_write = !priv && no_write;
		if (dst)
			dp_merge_around(&p->mem, at, at + nlen);
		r->w[0] = at;
	}
	dp_shm_put(o);
	return e;
}

/* mremap's move of [a, a + olen) of shared region rg to nlen bytes at dst
 * (0: placed as mmap places): a new region on the same object, its first
 * page the object's page at a (no frame copied: every mapper, the moved
 * one too, keeps seeing the same frames), then the old range unmapped
 * (with MREMAP_DONTUNMAP it stays: still the object's pages, as Linux's
 * shared mapping refaults them from the object).  w0 = the new address. */
static long move_shared(struct proc *p, struct region *rg, uint64_t a, uint64_t olen,
			uint64_t nlen, uint64_t dst, uint64_t flags, struct sys_msg *r)
{
	struct shm *o = rg->shm;
	uint64_t va0 = rg->shm_va0, at = dst;
	unsigned rights = rg->rights;
	bool no_write = rg->no_write;
	int e;
	if (pg_frees_many(p, a, a + olen) || (dst && pg_frees_many(p, dst, dst + nlen)))
		return PG_ALONE;
	if (dst && (e = dp_unmap(&p->mem, dst, dst + nlen))) /* MREMAP_FIXED replaces */
		return e;
	if (!dst && (e = region_place(&p->mem.regions, nlen, PG_MMAP_BASE, PG_MMAP_LIMIT, &at)))
		return e;
	/* the new region's page at `at` is the object's page at a */
	if ((e = dp_register_shared(&p->mem, at, nlen, rights, o, at - (a - va0))))
		return e;
	region_find(&p->mem.regions, at)->no_write = no_write;
	if (!(flags & LX_MREMAP_DONTUNMAP) && (e = dp_unmap(&p->mem, a, a + olen))) {
		dp_unmap(&p->mem, at, at + nlen);
		return e;
	}
	r->w[0] = at;
	return E_OK;
}

/* mremap's move of private anonymous memory [a, a + olen) to nlen bytes
 * at dst (0: placed as mmap places): the pager's page entries move
 * (dp_move; frames not copied, COW shares kept), alone, so no write of
 * another thread is lost.  E_NOMEM for other private memory (a file's,
 * the heap, a stack, KSM's): libsys copies it. */
static long move_private(struct proc *p, struct region *rg, uint64_t a, uint64_t olen,
			 uint64_t nlen, uint64_t dst, uint64_t flags, struct sys_msg *r)
{
	if (rg->kind != PG_BACK_ANON || rg->mergeable)
		return E_NOMEM;
	if (!pg_alone())
		return PG_ALONE; /* nothing changed yet */
	uint64_t at = dst;
	int e;
	if (dst && (e = dp_unmap(&p->mem, dst, dst + nlen))) /* MREMAP_FIXED replaces */
		return e;
	if (!dst && (e = region_place(&p->mem.regions, nlen, PG_MMAP_BASE, PG_MMAP_LIMIT, &at)))
		return e;
	if ((e = dp_move(&p->mem, a, olen, at, nlen, flags & LX_MREMAP_DONTUNMAP)))
		return e;
	r->w[0] = at;
	return E_OK;
}

/* PG_MREMAP: w0 = old address, w1 = old length, w2 = new length, w3 =
 * MREMAP_* flags | MREMAP_FIXED's new address (page-aligned); w0 = the
 * address: the same when it shrinks or grows in place; a new one when
 * it moves (move_shared, move_private; other private memory E_NOMEM:
 * libsys moves it itself); or with an old length of 0 and MREMAP_MAYMOVE, a second
 * mapping of shared memory (mremap_alias). */
long do_mremap(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	uint64_t a = m->w[0], olen = page_up(m->w[1]), nlen = page_up(m->w[2]);
	uint64_t flags = m->w[3] & (PAGE_SIZE - 1), dst = m->w[3] & ~(uint64_t)(PAGE_SIZE - 1);
	uint64_t aflags = flags & ~(uint64_t)(PG_MREMAP_PRIVATE | PG_MREMAP_NOREPLACE |
					      PG_MREMAP_RDONLY);
	if (m->w[1] == 0 && (aflags == LX_MREMAP_MAYMOVE ||
			     (aflags == (LX_MREMAP_MAYMOVE | LX_MREMAP_FIXED) && dst)) &&
	    a % PAGE_SIZE == 0 && nlen && nlen >= m->w[2] && nlen <= PG_MMAP_LIMIT - PG_MMAP_BASE)
		return mremap_alias(p, a, nlen, flags & PG_MREMAP_PRIVATE, dst,
				    flags & PG_MREMAP_NOREPLACE, flags & PG_MREMAP_RDONLY, r);
	if ((flags & ~(uint64_t)(LX_MREMAP_MAYMOVE | LX_MREMAP_FIXED | LX_MREMAP_DONTUNMAP)) ||
	    ((flags & (LX_MREMAP_FIXED | LX_MREMAP_DONTUNMAP)) && !(flags & LX_MREMAP_MAYMOVE)) ||
	    a % PAGE_SIZE || nlen < m->w[2] || olen < m->w[1] || nlen == 0 || olen == 0)
		return E_INVAL;
	if (!(flags & LX_MREMAP_FIXED) != !dst || ((flags & LX_MREMAP_DONTUNMAP) && olen != nlen))
		return E_INVAL;
	if (dst && (dst < MMAP_MIN || dst + nlen > PG_IPC_BUF_BASE || dst + nlen < dst ||
		    (dst < a + olen && a < dst + nlen)))
		return E_INVAL;
	struct region *rg = region_find(&p->mem.regions, a);
	if (!rg || !rg->b || olen > rg->end - a)
		return E_FAULT; /* [a, a + olen) is not one mapping */
	bool shared = rg->shm && rg->kind == PG_BACK_SHARED && !rg->shm_private;
	if (flags & (LX_MREMAP_FIXED | LX_MREMAP_DONTUNMAP))
		return shared ? move_shared(p, rg, a, olen, nlen, dst, flags, r) :
				move_private(p, rg, a, olen, nlen, dst, flags, r);
	r->w[0] = a;
	if (nlen == olen)
		return E_OK;
	if (nlen < olen) {
		if (pg_frees_many(p, a + nlen, a + olen))
			return PG_ALONE;
		return dp_unmap(&p->mem, a + nlen, a + olen);
	}
	int e = grow_in_place(p, rg, a + olen, a + nlen);
	if (e == E_NOMEM && (flags & LX_MREMAP_MAYMOVE))
		return shared ? move_shared(p, rg, a, olen, nlen, 0, flags, r) :
				move_private(p, rg, a, olen, nlen, 0, flags, r);
	return e;
}

/* PG_PROTECT: mprotect. */
long do_protect(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	uint64_t s, e;
	if (m->w[0] % PAGE_SIZE || (m->w[2] & ~(uint64_t)PROT_ALL))
		return E_INVAL;
	if (m->w[1] == 0)
		return E_OK;
	if (!user_range(m->w[0], m->w[1], &s, &e))
		return E_NOMEM;
	return dp_protect_range(&p->mem, s, e, rights_for(m->w[2]));
}

/* The advice madvise handles here (all but KSM's MERGEABLE and
 * UNMERGEABLE) for [s, e): E_INVAL for advice it does not know. */
int vm_madvise(struct proc *p, uint64_t s, uint64_t e, unsigned advice)
{
	switch (advice) {
	case LX_MADV_DONTNEED:
		dp_dontneed(&p->mem, s, e);
		return E_OK;
	case LX_MADV_FREE: /* private anonymous memory only; freed at once */
		for (struct region *rg = region_find(&p->mem.regions, s) ?:
			 region_from(&p->mem.regions, s);
		     rg && rg->start < e; rg = region_next(&p->mem.regions, rg))
			if (rg->b && (rg->shm || rg->kind == PG_BACK_FILE))
				return E_INVAL;
		dp_dontneed(&p->mem, s, e);
		return E_OK;
	case LX_MADV_WILLNEED:
		dp_populate(&p->mem, s, e); /* best effort: a hint */
		return E_OK;
	case LX_MADV_POPULATE_READ: case LX_MADV_POPULATE_WRITE: {
		/* as Linux's: EFAULT at a page that would SIGBUS, ENOMEM */
		int pe = dp_populate(&p->mem, s, e);
		return pe == E_RANGE ? E_FAULT : pe;
	}
	case LX_MADV_DONTFORK:
		return dp_set_fork(&p->mem, s, e, REGION_DONTFORK, 0);
	case LX_MADV_DOFORK:
		return dp_set_fork(&p->mem, s, e, 0, REGION_DONTFORK);
	case LX_MADV_WIPEONFORK:
		return dp_set_fork(&p->mem, s, e, REGION_WIPEONFORK, 0);
	case LX_MADV_KEEPONFORK:
		return dp_set_fork(&p->mem, s, e, 0, REGION_WIPEONFORK);
	case LX_MADV_NORMAL: case LX_MADV_RANDOM: case LX_MADV_SEQUENTIAL:
	case LX_MADV_HUGEPAGE: case LX_MADV_NOHUGEPAGE: case LX_MADV_DONTDUMP:
	case LX_MADV_DODUMP: case LX_MADV_COLD: case LX_MADV_PAGEOUT:
		return E_OK; /* accepted; nothing to do here (no swap to page
			      * out to, no core dumps) */
	default:
		return E_INVAL;
	}
}

/* PG_MADVISE: the range checks, then the advice. */
long do_madvise(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	uint64_t s, e;
	unsigned advice = (unsigned)m->w[2];
	if (m->w[0] % PAGE_SIZE || m->w[2] > 0xffffffffu)
		return E_INVAL;
	if (!user_range(m->w[0], m->w[1], &s, &e))
		return E_INVAL;
	if ((advice == LX_MADV_MERGEABLE || advice == LX_MADV_UNMERGEABLE) && !pg_alone())
		return PG_ALONE; /* KSM's: alone (nothing changed yet) */
	if ((advice == LX_MADV_DONTNEED || advice == LX_MADV_FREE) && pg_frees_many(p, s, e))
		return PG_ALONE;
	int err = advice == LX_MADV_MERGEABLE || advice == LX_MADV_UNMERGEABLE ?
		  ksm_madvise(p, s, e, advice == LX_MADV_MERGEABLE) :
		  vm_madvise(p, s, e, advice);
	if (err == E_OK && !dp_covered(&p->mem, s, e))
		err = E_NOMEM; /* done where mapped; Linux says ENOMEM for the hole */
	return err;
}

/* True if [va, va + n) lies in writable lazy regions of p (a reply
 * buffer libsys will copy to). */
static bool user_writable(struct proc *p, uint64_t va, uint64_t n)
{
	uint64_t end = va + n;
	if (end < va || end > PG_USER_END)
		return false;
	while (va < end) {
		struct region *rg = region_find(&p->mem.regions, va);
		if (!rg || !rg->b || !(rg->rights & MAP_W))
			return false;
		va = rg->end;
	}
	return true;
}

/* PG_MINCORE: one byte per page (1 = resident) in the reply buffer. */
long do_mincore(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	uint64_t s, e;
	if (m->w[0] % PAGE_SIZE)
		return E_INVAL;
	if (!user_range(m->w[0], m->w[1], &s, &e) || (e - s) / PAGE_SIZE > PG_INFO_MAX_MINCORE)
		return E_NOMEM;
	if (!dp_covered(&p->mem, s, e))
		return E_NOMEM;
	if (!user_writable(p, m->w[2], (e - s) / PAGE_SIZE))
		return E_FAULT;
	uint8_t *out = pg_self()->ipc_buf;
	for (uint64_t va = s; va < e; va += PAGE_SIZE)
		*out++ = pagetab_lookup(&p->mem.pages, va) != NULL;
	pg_self()->reply_len = (e - s) / PAGE_SIZE;
	return E_OK;
}

/* PG_PAGEINFO: struct pg_page_info per page in the reply buffer. */
long do_pageinfo(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	uint64_t n = m->w[1], va = m->w[0];
	if (va % PAGE_SIZE || n == 0 || n > PG_INFO_MAX_PAGES || va + n * PAGE_SIZE > PG_USER_END)
		return E_INVAL;
	struct pg_page_info *out = pg_self()->ipc_buf;
	for (uint64_t i = 0; i < n; i++)
		dp_page_info(&p->mem, va + i * PAGE_SIZE, &out[i]);
	pg_self()->reply_len = n * sizeof *out;
	return E_OK;
}

/* PG_FREAD: up to w2 (<= 4096) bytes of initrd file w0 from offset w1,
 * for the caller's buffer at w3 (checked writable); w0 = bytes. */
long do_fread(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	struct initrd_file f;
	if (m->w[2] > IPC_BUF_MAX)
		return E_INVAL;
	int e = initrd_nth(m->w[0], &f);
	if (e)
		return e;
	uint64_t n = m->w[1] >= f.size ? 0 : f.size - m->w[1];
	if (n > m->w[2])
		n = m->w[2];
	if (n && !user_writable(p, m->w[3], n))
		return E_FAULT;
	memcpy(pg_self()->ipc_buf, f.data + m->w[1], n);
	pg_self()->reply_len = n;
	r->w[0] = n;
	return E_OK;
}
