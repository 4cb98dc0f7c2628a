/* The demand-paging manager: faults, COW, fork, release.  See demand.h. */
#include "abi/err.h"
#include "abi/fault.h"
#include "abi/syscall.h"
#include "lib/string.h"
#include "cow.h"
#include "demand.h"
#include "filecache.h"
#include "hot.h"

PG_HOT_DATA struct pg_stats dp_stats;
/* The share lock: what spaces share (cow.c's table, filecache.c, the
 * shared objects of backing_shared.c, the references of shared page-table
 * leaves, KSM's dp_ksm_last) while faults of several spaces run at once
 * (demand.h).  Held for short steps, never across an ops call that waits. */
static PG_HOT_DATA struct lock share;
static PG_HOT_DATA const struct dp_ops *ops;
static PG_HOT_DATA uint64_t zero_pfn;
static PG_HOT_DATA uint32_t zero_gen;
static PG_HOT_DATA bool have_zero;
static PG_HOT_DATA bool fills; /* dp_fills_on */
static void drop_pending(struct dp_space *s, uint64_t start, uint64_t end);

#define RELEASE_BATCH 64 /* pages dp_release_range unmaps, then releases */

/* A run of consecutive pages for one unmap call. */
struct run {
	uint32_t space;
	uint64_t start, n;
};

static void run_flush(struct run *r)
{
	if (r->n)
		ops->unmap(r->space, r->start, r->n);
	r->n = 0;
}

static void run_add(struct run *r, uint64_t va)
{
	if (r->n && r->start + r->n * PAGE_SIZE == va) {
		r->n++;
		return;
	}
	run_flush(r);
	r->start = va;
	r->n = 1;
}

void dp_init(const struct dp_ops *o, uint64_t zpfn, uint32_t zgen)
{
	ops = o;
	zero_pfn = zpfn;
	zero_gen = zgen;
	have_zero = zpfn || zgen;
	fills = false; /* dp_fills_on */
}

void dp_fills_on(void)
{
	fills = have_zero && ops->fill_mark && ops->fill_take;
}

void dp_space_init(struct dp_space *s, uint32_t space)
{
	memset(s, 0, sizeof *s);
	region_init(&s->regions);
	pagetab_init(&s->pages);
	s->space = space;
}

int dp_register_lazy(struct dp_space *s, uint64_t start, uint64_t size,
		     unsigned rights, const struct backing *b, struct region **out)
{
	if (start + size < start)
		return E_INVAL;
	int e = region_add(&s->regions, start, start + size, b->kind, rights);
	if (e)
		return e;
	struct region *r = region_find(&s->regions, start);
	r->b = b;
	if (out)
		*out = r;
	return E_OK;
}

int dp_register_fixed(struct dp_space *s, uint64_t start, uint64_t size,
		      unsigned rights)
{
	if (start + size < start)
		return E_INVAL;
	return region_add(&s->regions, start, start + size, PG_BACK_FIXED, rights);
}

void (*dp_ksm_last)(uint64_t pfn, uint32_t gen);

/* After p let go of its share: a merged frame with only KSM's share left
 * goes back to KSM. */
static void ksm_unshared(const struct page *p)
{
	if ((p->flags & PAGE_KSM) && !(p->flags & PAGE_ZERO) && dp_ksm_last &&
	    cow_count(p->pfn) == 1)
		dp_ksm_last(p->pfn, p->gen);
}

/* Give back the pager's share of the page p (already unrecorded); freed:
 * the kernel dropped the pager's hold already (ksm_merge). */
static PG_HOT void release_freed(const struct page *p, bool freed)
{
	if (p->flags & (PAGE_ZERO | PAGE_SHARED))
		return; /* the zero frame, or a shared object's: not ours */
	if ((p->flags & PAGE_COW) && cow_is_cow(p->pfn) && !cow_release(p->pfn)) {
		ksm_unshared(p);
		return; /* others still share it */
	}
	if (p->flags & PAGE_CACHED)
		filecache_drop(p->pfn);
	if (!freed)
		ops->free(p->pfn, p->gen);
	STAT_SUB(dp_stats.frames_held, 1);
}

static void release(const struct page *p)
{
	release_freed(p, false);
}

/* release the n pages of gone[] (unmapped already) for a caller without
 * the share lock (a request beside faults), taking it only if a frame
 * there may be shared (a private frame touches nothing other spaces see).
 * *n = 0. */
static void release_unlocked(const struct page *gone, unsigned *n)
{
	bool shared = false;
	for (unsigned i = 0; i < *n; i++)
		shared |= (gone[i].flags & (PAGE_COW | PAGE_CACHED)) != 0;
	if (shared)
		lock_take(&share);
	for (unsigned i = 0; i < *n; i++)
		release(&gone[i]);
	if (shared)
		lock_give(&share);
	*n = 0;
}

/* A shared object's references, taken and dropped under the share lock
 * (the last one frees the object's frames). */
static void obj_get(struct shm *o)
{
	lock_take(&share);
	shm_get(o);
	lock_give(&share);
}

static void obj_put(struct shm *o)
{
	lock_take(&share);
	shm_put(o, ops);
	lock_give(&share);
}

/* True if p holds the last share of its frame (release would free it). */
static bool last_share(const struct page *p)
{
	return !(p->flags & PAGE_ZERO) &&
	       !((p->flags & PAGE_COW) && cow_is_cow(p->pfn) && cow_count(p->pfn) > 1);
}

/* pagetab_own's step: an entry of the private copy is one more record of
 * its frame, so a COW frame gets one more share. */
static void owned(struct page *p, void *arg)
{
	(void)arg;
	if (p->flags & PAGE_COW)
		cow_mark(p->pfn); /* a frame in use: within the table */
}

/* Before an entry near va changes: if its leaf is shared since a fork, s
 * takes its own copy (then each COW frame in it has one more share), under
 * the share lock (a leaf s alone holds stays so: only a fork, never
 * concurrent with a fault, shares it).  E_NOMEM. */
static int own_shared(struct dp_space *s, uint64_t va)
{
	lock_take(&share);
	int e = pagetab_own(&s->pages, va, owned, NULL);
	lock_give(&share);
	return e;
}

static int own(struct dp_space *s, uint64_t va)
{
	return pagetab_is_shared(&s->pages, va) ? own_shared(s, va) : E_OK;
}

/* own() for va whose leaf hint (pagetab_lookup_leaf) is *leaf: no walk
 * when the leaf is ours; if it was shared, *leaf is no hint any more. */
static int own_at(struct dp_space *s, uint64_t va, void **leaf)
{
	if (!pagetab_leaf_shared(*leaf))
		return E_OK;
	*leaf = NULL;
	return own_shared(s, va);
}

/* The pages are unmapped before their shares go: once a COW share is
 * given up, another space's fault may make the frame writable there, and
 * s must not map it any more (as cow_fault installs its copy first). */
void dp_release_range(struct dp_space *s, uint64_t start, uint64_t end)
{
	struct run run = { .space = s->space };
	struct page gone[RELEASE_BATCH];
	unsigned n = 0;
	uint64_t va;
	dp_settle(s, start, end);
	drop_pending(s, start, end);
	for (struct page *p = pagetab_from(&s->pages, start); p && p->va < end;
	     p = pagetab_from(&s->pages, va + PAGE_SIZE)) {
		va = p->va;
		if (n == RELEASE_BATCH) {
			run_flush(&run);
			release_unlocked(gone, &n);
		}
		run_add(&run, va);
		if (own(s, va) == E_OK && pagetab_remove(&s->pages, va, &gone[n]))
			n++;
		/* else out of memory: the record stays; its page maps again on
		 * a touch, and goes when the process does */
	}
	run_flush(&run);
	release_unlocked(gone, &n);
}

int dp_resize(struct dp_space *s, uint64_t start, uint64_t end)
{
	struct region *r = region_find(&s->regions, start);
	if (!r || r->start != start)
		return E_NOENT;
	if (end < r->end)
		dp_release_range(s, end, r->end);
	if (end == start)
		return region_remove(&s->regions, start);
	return region_resize(&s->regions, start, end);
}

struct region *dp_region(struct dp_space *s, uint64_t va)
{
	return region_find(&s->regions, va);
}

int dp_place(const struct dp_space *s, uint64_t size, uint64_t lo, uint64_t hi,
	     uint64_t *at)
{
	return region_place(&s->regions, size, lo, hi, at);
}

const struct page *dp_page(const struct dp_space *s, uint64_t va)
{
	return pagetab_lookup(&s->pages, va);
}

uint64_t dp_pages(const struct dp_space *s)
{
	return pagetab_count(&s->pages);
}

int dp_unregister_lazy(struct dp_space *s, uint64_t start)
{
	struct region *r = region_find(&s->regions, start);
	if (!r || r->start != start)
		return E_NOENT;
	struct shm *o = r->shm;
	dp_release_range(s, r->start, r->end);
	int e = region_remove(&s->regions, start);
	if (o)
		obj_put(o);
	return e;
}

int dp_add_page(struct dp_space *s, uint64_t va, uint64_t pfn, uint32_t gen)
{
	int e = own(s, va);
	if (e == E_OK)
		e = pagetab_insert(&s->pages, va, pfn, gen, 0);
	if (e == E_OK)
		STAT_ADD(dp_stats.frames_held, 1);
	return e;
}

/* The rights page p of region r is mapped with. */
static unsigned rights_of(const struct region *r, const struct page *p)
{
	unsigned ro = (p->flags & (PAGE_COW | PAGE_ZERO)) ||
		      ((p->flags & PAGE_SHARED) && r->shm_private) ? MAP_W : 0;
	return r->rights & ~ro;
}

/* True if a write to present page p of r copies it first: a COW share,
 * the zero frame, an object's frame in a private mapping of it. */
static inline bool copy_on_write(const struct region *r, const struct page *p)
{
	return (p->flags & (PAGE_COW | PAGE_ZERO)) ||
	       ((p->flags & PAGE_SHARED) && r->shm_private);
}

static void answer(const struct region *r, const struct page *p, struct dp_map *m)
{
	m->va = p->va;
	m->pfn = p->pfn;
	m->gen = p->gen;
	m->rights = rights_of(r, p);
}

/* True if region r allows access acc. */
static bool allowed(const struct region *r, unsigned acc)
{
	if (!r || !r->b || !(r->rights & MAP_R))
		return false;
	if ((acc & FAULT_ACC_WRITE) && !(r->rights & MAP_W))
		return false;
	return !(acc & FAULT_ACC_EXEC) || (r->rights & MAP_X);
}

/* The page index of va in r's segment (whose bytes start at fdata). */
static uint64_t seg_page(const struct region *r, uint64_t va)
{
	return (va - (r->fvaddr & ~(PAGE_SIZE - 1))) / PAGE_SIZE;
}

/* Read-only program pages come from (and go to) the page cache. */
static bool cacheable(const struct region *r, uint64_t va)
{
	return r->kind == PG_BACK_FILE && !(r->rights & MAP_W) &&
	       (uintptr_t)r->fdata < (1ull << 47) && seg_page(r, va) < (1u << 16);
}

/* The cache key of r's page at va: its segment (by where the segment's
 * bytes are: two segments may share a file page but not a start) and the
 * page's index in it. */
static uint64_t cache_key(const struct region *r, uint64_t va)
{
	return (uint64_t)(uintptr_t)r->fdata << 16 | seg_page(r, va);
}

/* True if the kernel may fill r's absent pages (fill marks): anonymous,
 * heap and stack memory whose reads take the zero frame and whose writes
 * a zeroed frame, nothing to check or fill, no other space's pages. */
static inline bool fillable(const struct region *r)
{
	return fills && r->b && r->b->zero_read && !r->b->fill && !r->b->check && !r->shm &&
	       (r->rights & MAP_R);
}

/* Record the kernel's copy of the copy-on-write page at va: frame (pfn,
 * gen) with the bytes of old_pfn, mapped writable in its place; our share
 * of the old frame goes, as cow_fault's copy gives it up (after the copy
 * is mapped).  E_NOMEM (nothing changed: try again later), E_BUSY (not
 * that page's record: none of the marks' rules let that happen). */
static int take_copy(struct dp_space *s, uint64_t va, uint64_t pfn, uint32_t gen,
		     uint64_t old_pfn)
{
	struct region *r = region_find(&s->regions, va);
	struct page *p = pagetab_lookup(&s->pages, va);
	bool fits = r && fillable(r) && p && p->pfn == old_pfn &&
		    (p->flags & (PAGE_COW | PAGE_ZERO)) && !(p->flags & PAGE_SHARED);
	int e = !fits ? E_BUSY : pagetab_is_shared(&s->pages, va) ? own(s, va) : E_OK;
	if (e)
		return e;
	p = pagetab_lookup(&s->pages, va);
	struct page old = *p;
	*p = (struct page){ va, pfn, gen, 0 };
	STAT_ADD(dp_stats.frames_held, 1);
	s->faults++;
	STAT_ADD(dp_stats.faults_total, 1);
	STAT_ADD(dp_stats.faults_kernel, 1);
	if (old.flags & PAGE_ZERO) {
		STAT_ADD(*r->b->count, 1);
		return E_OK;
	}
	lock_take(&share);
	release(&old);
	lock_give(&share);
	STAT_ADD(dp_stats.cow_copies, 1);
	return E_OK;
}

/* Record what the kernel did at a page (rec: a fill_take record): a
 * fill (va | FILL_ZERO, or va with a fresh frame) or a copy (take_copy).
 * E_NOMEM (nothing changed: try again later), E_BUSY (no such region any
 * more, another record there: none of which the marks' rules let
 * happen). */
static int take_fill(struct dp_space *s, const uint64_t rec[FILL_REC_WORDS])
{
	uint64_t w = rec[0], pfn = rec[1], va = w & ~(uint64_t)(PAGE_SIZE - 1);
	uint32_t gen = (uint32_t)rec[2];
	bool zero = w & FILL_ZERO;
	if (w & FILL_COPY)
		return take_copy(s, va, pfn, gen, rec[3]);
	struct region *r = region_find(&s->regions, va);
	void *leaf;
	struct page *p = pagetab_lookup_leaf(&s->pages, va, &leaf), old;
	if (p && zero && (p->flags & PAGE_ZERO) && r && fillable(r))
		return E_OK; /* recorded already, as a refused answer left it */
	/* a write's frame replaces a zero-frame record (an answer the kernel
	 * refused left one behind a mark: the same bytes) */
	bool fits = r && fillable(r) && (!p || (!zero && (p->flags & PAGE_ZERO)));
	int e = fits ? own_at(s, va, &leaf) : E_BUSY;
	if (e == E_OK && p && pagetab_remove(&s->pages, va, &old))
		leaf = NULL;
	if (e == E_OK)
		e = pagetab_insert_hint(&s->pages, leaf, va, zero ? zero_pfn : pfn,
					zero ? zero_gen : gen, zero ? PAGE_ZERO : 0);
	if (e)
		return e == E_NOMEM ? E_NOMEM : E_BUSY;
	s->faults++;
	STAT_ADD(dp_stats.faults_total, 1);
	STAT_ADD(dp_stats.faults_kernel, 1);
	if (zero) {
		STAT_ADD(dp_stats.faults_zero_read, 1);
	} else {
		STAT_ADD(dp_stats.frames_held, 1);
		STAT_ADD(*r->b->count, 1);
	}
	return E_OK;
}

/* Record rec (take_fill); one that waits for memory goes to s's pending
 * ones (at the end), one that can never be recorded is unmapped and
 * given back (its access faults again). */
static void take_or_keep(struct dp_space *s, const uint64_t rec[FILL_REC_WORDS])
{
	int e = take_fill(s, rec);
	if (e == E_NOMEM && s->npend < sizeof s->pend / sizeof s->pend[0]) {
		memmove(s->pend[s->npend++], rec, sizeof s->pend[0]);
		return;
	}
	if (e) {
		ops->unmap(s->space, rec[0] & ~(uint64_t)(PAGE_SIZE - 1), 1);
		if (!(rec[0] & FILL_ZERO))
			ops->free(rec[1], (uint32_t)rec[2]);
	}
}

/* s's pending records for pages of [start, end) go (the pages are being
 * discarded: unmapped, their frames given back; a copy's old record
 * stays, released with the range). */
static void drop_pending(struct dp_space *s, uint64_t start, uint64_t end)
{
	unsigned k = 0;
	for (unsigned i = 0; i < s->npend; i++) {
		uint64_t va = s->pend[i][0] & ~(uint64_t)(PAGE_SIZE - 1);
		if (va < start || va >= end) {
			memmove(s->pend[k++], s->pend[i], sizeof s->pend[0]);
			continue;
		}
		ops->unmap(s->space, va, 1);
		if (!(s->pend[i][0] & FILL_ZERO))
			ops->free(s->pend[i][1], (uint32_t)s->pend[i][2]);
	}
	s->npend = k;
}

/* True if s has a pending record for a page of [start, end). */
static bool pending_in(const struct dp_space *s, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < s->npend; i++) {
		uint64_t va = s->pend[i][0] & ~(uint64_t)(PAGE_SIZE - 1);
		if (va >= start && va < end)
			return true;
	}
	return false;
}

/* dp_settle; forget: a later fault re-marks the block of a page it
 * cleared (not needed for pages the caller maps itself). */
static void settle_how(struct dp_space *s, uint64_t start, uint64_t end, bool forget,
		       bool keep_stopped)
{
	uint64_t rec[FILL_REC_WORDS * FILL_TAKE_MAX];
	uint64_t n = (end - start) / PAGE_SIZE;
	unsigned got;
	if (!fills)
		return;
	if (n && forget)
		s->marked = 0;
	unsigned waiting = s->npend;
	s->npend = 0;
	for (unsigned i = 0; i < waiting; i++) /* those that waited, first */
		take_or_keep(s, s->pend[i]); /* (back to pend[k <= i] if still) */
	/* the space's fills stopped while we take them: what cannot be
	 * recorded now waits in s->pend, which holds one log's worth */
	do {
		got = ops->fill_take(s->space, rec, FILL_TAKE_MAX | FILL_TAKE_STOP, start, n);
		n = 0;
		for (unsigned i = 0; i < got; i++)
			take_or_keep(s, &rec[FILL_REC_WORDS * i]);
	} while (got == FILL_TAKE_MAX);
	if (!s->npend && !keep_stopped)
		ops->fill_take(s->space, rec, 1 | FILL_TAKE_GO, 0, 0);
}

static void settle(struct dp_space *s, uint64_t start, uint64_t end, bool forget)
{
	settle_how(s, start, end, forget, false);
}

void dp_settle(struct dp_space *s, uint64_t start, uint64_t end)
{
	settle(s, start, end, true);
}

/* After a demand fault at va in r (fillable): fill marks on the pages of
 * va's 2 MiB block in r that s has no record of, so that their first
 * faults are the kernel's alone.  Once per block until a dp_settle with a
 * range (s->marked). */
static void mark_block(struct dp_space *s, const struct region *r, uint64_t va)
{
	const uint64_t block = 512 * PAGE_SIZE;
	uint64_t lo = va & ~(block - 1), hi = lo + block, mask[512 / 64];
	if (s->marked == lo + 1)
		return;
	s->marked = lo + 1;
	lo = lo > r->start ? lo : r->start;
	hi = hi < r->end ? hi : r->end;
	uint64_t n = (hi - lo) / PAGE_SIZE;
	for (unsigned i = 0; i < 512 / 64; i++)
		mask[i] = ~0ull;
	for (struct page *p = pagetab_from(&s->pages, lo); p && p->va < hi;
	     p = pagetab_next(&s->pages, p)) {
		uint64_t i = (p->va - lo) / PAGE_SIZE;
		mask[i / 64] &= ~(1ull << (i % 64));
	}
	ops->fill_mark(s->space, lo, n, r->rights, mask);
}

/* Record the cached frame of r's page at va in s, one more share. */
static int demand_cached(struct dp_space *s, uint64_t va, uint64_t pfn, uint32_t gen)
{
	if (cow_mark(pfn))
		return E_NOMEM;
	if (pagetab_insert(&s->pages, va, pfn, gen, PAGE_COW | PAGE_CACHED)) {
		cow_release(pfn);
		return E_NOMEM;
	}
	STAT_ADD(dp_stats.text_shared, 1);
	return E_OK;
}

/* A fresh frame for r's page at va, filled, recorded in s as *np; with
 * cache, offered to the page cache (the share lock held). */
static int fresh(struct dp_space *s, struct region *r, uint64_t va, bool cache,
		 struct page *np)
{
	uint64_t pfn;
	uint32_t gen;
	unsigned flags = 0;
	if (ops->alloc(&pfn, &gen))
		return E_NOMEM;
	if (r->b->fill)
		r->b->fill(r, va, ops->window(pfn));
	if (cache && filecache_add(cache_key(r, va), pfn, gen) == E_OK)
		flags = PAGE_COW | PAGE_CACHED; /* alone: not in cow.c yet */
	if (pagetab_insert(&s->pages, va, pfn, gen, flags)) {
		if (flags)
			filecache_drop(pfn);
		ops->free(pfn, gen);
		return E_NOMEM;
	}
	STAT_ADD(dp_stats.frames_held, 1);
	STAT_ADD(*r->b->count, 1);
	*np = (struct page){ va, pfn, gen, flags };
	return E_OK;
}

/* A new page at va of r that other spaces may share too: a shared
 * object's frame, or cached program text (the share lock held). */
static int demand_shared(struct dp_space *s, struct region *r, uint64_t va,
			 struct page *np)
{
	uint64_t pfn;
	uint32_t gen;
	int e;
	if (r->shm) {
		if ((e = shm_frame(r->shm, (va - r->shm_va0) / PAGE_SIZE, r->shm_hold, ops, &pfn,
				   &gen)))
			return e;
		if (pagetab_insert(&s->pages, va, pfn, gen, PAGE_SHARED))
			return E_NOMEM;
		*np = (struct page){ va, pfn, gen, PAGE_SHARED };
		return E_OK;
	}
	if (!filecache_find(cache_key(r, va), &pfn, &gen))
		return fresh(s, r, va, true, np);
	if ((e = demand_cached(s, va, pfn, gen)))
		return e;
	*np = (struct page){ va, pfn, gen, PAGE_COW | PAGE_CACHED };
	return E_OK;
}

/* A zero-fill page of r at va, its frame taken and mapped by one kernel
 * call (alloc_map1: no zeroing on the way if the kernel has a pre-zeroed
 * frame ready), recorded in s as *np.  E_BUSY: the kernel maps va already
 * (nothing taken; the caller goes the long way, which replaces it). */
static int fresh_mapped(struct dp_space *s, struct region *r, uint64_t va, void *leaf,
			struct page *np)
{
	uint64_t pfn;
	uint32_t gen;
	int e = ops->alloc_map1(s->space, va, rights_of(r, &(struct page){ .flags = 0 }),
				&pfn, &gen);
	if (e)
		return e == E_BUSY ? E_BUSY : E_NOMEM;
	if (pagetab_insert_hint(&s->pages, leaf, va, pfn, gen, 0)) {
		ops->unmap(s->space, va, 1);
		ops->free(pfn, gen);
		return E_NOMEM;
	}
	STAT_ADD(dp_stats.frames_held, 1);
	STAT_ADD(*r->b->count, 1);
	*np = (struct page){ va, pfn, gen, 0 };
	return E_OK;
}

/* A new page at va of r for access acc, recorded in s.  Only a page others
 * may share takes the share lock: an anonymous page is s's alone.  With
 * mapped, a zero-fill page is mapped here too (*mapped says so); with
 * reply, a zero-frame read is left to the caller's answer (*reply says
 * so).  leaf: va's leaf hint from the lookup that found no page
 * (pagetab.h). */
static inline __attribute__((always_inline)) int
demand(struct dp_space *s, struct region *r, uint64_t va, unsigned acc, struct dp_map *m,
       bool *mapped, bool *reply, void *leaf)
{
	struct page np; /* what we insert: the answer, no lookup after */
	int e = r->b->check ? r->b->check(r, va) : E_OK;
	if (!e)
		e = own_at(s, va, &leaf);
	if (e)
		return e;
	if (r->shm || cacheable(r, va)) {
		lock_take(&share);
		e = demand_shared(s, r, va, &np);
		lock_give(&share);
	} else if (r->b->zero_read && have_zero && !(acc & (FAULT_ACC_WRITE | FAULT_ACC_EXEC))) {
		if (pagetab_insert_hint(&s->pages, leaf, va, zero_pfn, zero_gen, PAGE_ZERO))
			return E_NOMEM;
		STAT_ADD(dp_stats.faults_zero_read, 1);
		np = (struct page){ va, zero_pfn, zero_gen, PAGE_ZERO };
		if (reply)
			*reply = true;
	} else if (mapped && !r->b->fill && ops->alloc_map1 &&
		   (e = fresh_mapped(s, r, va, leaf, &np)) != E_BUSY) {
		*mapped = e == E_OK;
	} else {
		e = fresh(s, r, va, false, &np);
	}
	if (e == E_OK)
		answer(r, &np, m);
	return e;
}

static int cow_fault(struct dp_space *s, struct region *r, struct page *p,
		     struct dp_map *m);

int dp_unshare(struct dp_space *s, uint64_t va, struct dp_map *m)
{
	va &= ~(PAGE_SIZE - 1);
	struct region *r = region_find(&s->regions, va);
	if (r && fillable(r)) { /* a copy the kernel made there first (KSM's unmerge) */
		settle(s, va, va + PAGE_SIZE, false);
		if (pending_in(s, va, va + PAGE_SIZE))
			return E_NOMEM;
	}
	struct page *p = pagetab_lookup(&s->pages, va);
	if (!p || !r || !r->b)
		return E_FAULT;
	return cow_fault(s, r, p, m);
}

/* Put the answer m in place in s's mappings (none without MAP_R: a
 * PROT_NONE page keeps its record, unmapped).  If the kernel refuses (no
 * page for its tables), the access faults again. */
static void install(const struct dp_space *s, const struct dp_map *m)
{
	if (m->rights & MAP_R)
		ops->map(s->space, m->va, m->pfn, m->gen, m->rights);
}

/* True if no one else shares p's frame (not the zero frame; the share
 * lock held): a write may make it writable where it is; a COW share is
 * given up first. */
static bool reuse_locked(struct page *p)
{
	if ((p->flags & PAGE_COW) && cow_count(p->pfn) > 1)
		return false;
	if (p->flags & PAGE_COW) {
		cow_release(p->pfn);
		if (p->flags & PAGE_CACHED)
			filecache_drop(p->pfn); /* private and writable now */
		STAT_ADD(dp_stats.cow_reuses, 1);
	}
	return true;
}

/* The write fault on present page p of r (allowed): the page made writable
 * if no one else shares its frame, else a private copy, installed (m)
 * before s gives up its share of the old frame: from then on another
 * space may make that frame writable, and s must not map it any more.
 * The copy is made without the share lock: s's share keeps the old frame
 * read-only everywhere meanwhile. */
static PG_HOT int cow_fault(struct dp_space *s, struct region *r, struct page *p,
			    struct dp_map *m)
{
	uint64_t va = p->va;
	if (pagetab_is_shared(&s->pages, va)) { /* our own leaf first: p moves */
		if (own(s, va))
			return E_NOMEM;
		p = pagetab_lookup(&s->pages, va);
	}
	bool reuse = false;
	if (!(p->flags & (PAGE_ZERO | PAGE_SHARED))) { /* an object's frame: never ours */
		lock_take(&share);
		reuse = reuse_locked(p);
		lock_give(&share);
	}
	if (!reuse) {
		struct page old = *p;
		uint64_t pfn;
		uint32_t gen;
		bool zero = old.flags & PAGE_ZERO, copied = !zero && ops->alloc_copy;
		if (copied ? ops->alloc_copy(old.pfn, old.gen, &pfn, &gen) : ops->alloc(&pfn, &gen))
			return E_NOMEM;
		STAT_ADD(dp_stats.frames_held, 1);
		if (zero)
			STAT_ADD(*r->b->count, 1);
		else if (!copied)
			memcpy(ops->window(pfn), ops->window(old.pfn), PAGE_SIZE);
		*p = (struct page){ va, pfn, gen, 0 };
		answer(r, p, m);
		install(s, m);
		if (!(old.flags & (PAGE_ZERO | PAGE_SHARED))) {
			lock_take(&share);
			release(&old); /* our share (the last one, if the others left meanwhile) */
			lock_give(&share);
		}
		if (!(old.flags & PAGE_ZERO))
			STAT_ADD(dp_stats.cow_copies, 1);
		return E_OK;
	}
	p->flags = 0;
	answer(r, p, m);
	install(s, m);
	return E_OK;
}

/* Map n zero-fill pages of r from at with one alloc_map call and record
 * them; returns how many. */
static unsigned around_zero(struct dp_space *s, struct region *r, uint64_t at,
			    unsigned n)
{
	struct dp_frame f[DP_AROUND];
	unsigned got = ops->alloc_map(s->space, at, n, r->rights, f), k;
	for (k = 0; k < got; k++) {
		if (own(s, at + k * PAGE_SIZE) ||
		    pagetab_insert(&s->pages, at + k * PAGE_SIZE, f[k].pfn,
				   (uint32_t)f[k].gen, 0))
			break;
		STAT_ADD(dp_stats.frames_held, 1);
		STAT_ADD(*r->b->count, 1);
	}
	if (k < got) { /* no room to record the rest: give them back */
		ops->unmap(s->space, at + k * PAGE_SIZE, got - k);
		for (unsigned j = k; j < got; j++)
			ops->free(f[j].pfn, (uint32_t)f[j].gen);
	}
	return k;
}

/* Map the n pages of r from at one by one, as faults would; returns how
 * many, and when fewer, *why the first one failed (demand's error, as
 * E_RANGE past a sized object's end, or the map's). */
static unsigned around_each(struct dp_space *s, struct region *r, uint64_t at,
			    unsigned n, unsigned acc, int *why)
{
	struct dp_map m;
	for (unsigned k = 0; k < n; k++, at += PAGE_SIZE) {
		void *leaf;
		pagetab_lookup_leaf(&s->pages, at, &leaf);
		if ((*why = demand(s, r, at, acc, &m, NULL, NULL, leaf)))
			return k;
		if ((*why = ops->map(s->space, at, m.pfn, m.gen, m.rights))) {
			struct page old; /* demand made its leaf ours */
			if (pagetab_remove(&s->pages, at, &old)) {
				lock_take(&share);
				release(&old);
				lock_give(&share);
			}
			return k;
		}
	}
	return n;
}

/* After a sequential demand fault at va in r: map the absent pages after
 * it, up to DP_AROUND, stopping at the first present one.  Zero-fill pages
 * (the common case: anonymous memory written in order) take one kernel
 * call for all; file pages and zero-frame reads go one by one. */
static void fault_around(struct dp_space *s, struct region *r, uint64_t va,
			 unsigned acc)
{
	unsigned n = 0;
	while (n < DP_AROUND && va + (n + 1) * PAGE_SIZE < r->end &&
	       !pagetab_lookup(&s->pages, va + (n + 1) * PAGE_SIZE))
		n++;
	bool zero_frame = r->b->zero_read && have_zero &&
			  !(acc & (FAULT_ACC_WRITE | FAULT_ACC_EXEC));
	bool zero_fill = !r->b->fill && !r->b->check && !zero_frame && !r->shm;
	int why;
	unsigned got = !n ? 0 : zero_fill ? around_zero(s, r, va + PAGE_SIZE, n) :
			    around_each(s, r, va + PAGE_SIZE, n, acc, &why);
	s->last_fault = va + got * PAGE_SIZE;
}

int dp_fault(struct dp_space *s, uint64_t addr, unsigned acc, struct dp_map *m)
{
	return dp_fault_reply(s, addr, acc, m, NULL);
}

PG_HOT int dp_fault_reply(struct dp_space *s, uint64_t addr, unsigned acc, struct dp_map *m,
		   bool *reply)
{
	uint64_t va = addr & ~(PAGE_SIZE - 1);
	if (reply)
		*reply = false;
	struct region *r = region_find(&s->regions, va);
	if (!allowed(r, acc))
		return E_FAULT;
	if (fills && fillable(r)) {
		/* va's mark goes (and those of the pages fault-around maps), and
		 * what the kernel filled or copied is recorded: no fill or copy
		 * there can come between our look and our mapping, which would
		 * replace it */
		bool ahead = !(acc & FAULT_ACC_PRESENT) && s->last_fault + PAGE_SIZE == va;
		uint64_t end = va + (ahead ? DP_AROUND + 1 : 1) * PAGE_SIZE;
		settle(s, va, end < r->end ? end : r->end, false);
		if (pending_in(s, va, va + PAGE_SIZE))
			return E_NOMEM; /* the kernel's page there waits for memory */
	}
	s->faults++;
	STAT_ADD(dp_stats.faults_total, 1);
	void *leaf; /* where va's entry goes: no second walk to insert it */
	struct page *p = pagetab_lookup_leaf(&s->pages, va, &leaf);
	if (p && (acc & FAULT_ACC_WRITE) && copy_on_write(r, p))
		return cow_fault(s, r, p, m); /* allowed() checked the write */
	if (p) {
		answer(r, p, m);
		install(s, m);
		return E_OK;
	}
	bool sequential = s->last_fault + PAGE_SIZE == va, mapped = false;
	int e = demand(s, r, va, acc, m, &mapped, sequential ? NULL : reply, leaf);
	if (e == E_OK && !mapped && !(reply && *reply))
		install(s, m);
	s->last_fault = va;
	if (e == E_OK && sequential && r->kind != PG_BACK_STACK)
		fault_around(s, r, va, acc);
	if (e == E_OK && fillable(r))
		mark_block(s, r, va);
	return e;
}

/* The mappings' half of COW sharing: one kernel call write-protects the
 * pages of s in [start, end) and maps them read-only in dst.  Returns the
 * kernel's error (E_NOMEM). */
static int dp_mark_cow_range(struct dp_space *s, struct dp_space *dst, const struct region *r,
			     uint64_t start, uint64_t end)
{
	/* copy marks where a write copies as the pager would (fillable) */
	bool copy = fillable(r) && (r->rights & MAP_W);
	return ops->share(dst->space, s->space, start, (end - start) / PAGE_SIZE, copy);
}

struct fork_ctx {
	struct dp_space *parent;
	const struct region *r; /* the region of the last page seen */
};

/* The records' half, pagetab_clone's step (arg: struct fork_ctx), on each
 * entry of a leaf that becomes shared: a page of a lazy region becomes
 * copy-on-write (its frame's count moves only when a sharer takes its own
 * copy of the leaf: own()).  Fixed pages (startup page, IPC buffers) and
 * the zero frame stay as they are. */
static void dp_add_cow_entry(struct page *p, void *arg)
{
	struct fork_ctx *f = arg;
	if (!f->r || p->va < f->r->start || p->va >= f->r->end)
		f->r = region_find(&f->parent->regions, p->va);
	if (f->r && f->r->b && !(p->flags & (PAGE_ZERO | PAGE_SHARED)))
		p->flags |= PAGE_COW;
}

/* The child's copy of region r, its pages shared in the kernel (none for
 * REGION_WIPEONFORK: the child's records go after the page table's clone,
 * dp_fork). */
static int fork_region(struct dp_space *parent, struct dp_space *child,
		       const struct region *r)
{
	struct region *c;
	int e;
	if (r->shm) { /* shared, not copied: the child faults the same frames in */
		e = dp_register_shared(child, r->start, r->end - r->start, r->rights,
				       r->shm, r->shm_va0);
		if (e == E_OK) {
			struct region *c = region_find(&child->regions, r->start);
			c->fork = r->fork;
			c->shm_hold = r->shm_hold;
			c->shm_private = r->shm_private;
			c->no_write = r->no_write;
		}
		/* a private mapping's written pages: copy-on-write, as anonymous
		 * memory's (its object's pages stay read-only in both) */
		if (e == E_OK && r->shm_private && !(r->fork & REGION_WIPEONFORK))
			e = dp_mark_cow_range(parent, child, r, r->start, r->end);
		return e;
	}
	e = dp_register_lazy(child, r->start, r->end - r->start, r->rights, r->b, &c);
	if (e)
		return e;
	c->fdata = r->fdata;
	c->fvaddr = r->fvaddr;
	c->filesz = r->filesz;
	c->mergeable = r->mergeable;
	c->no_write = r->no_write;
	c->fork = r->fork; /* Linux's VM_WIPEONFORK stays with the child */
	if (r->fork & REGION_WIPEONFORK)
		return E_OK;
	return dp_mark_cow_range(parent, child, r, r->start, r->end);
}

/* Regions first (one kernel call each shares their pages), then the page
 * table, whose leaves the child shares with the parent (O(leaves), no
 * per-page work); the parent's fixed pages are not the child's, so the
 * child drops their records (after taking its own copy of their leaf). */
int dp_fork(struct dp_space *parent, struct dp_space *child)
{
	struct fork_ctx f = { parent, NULL };
	struct region *r;
	int e = E_OK;
	/* no page of the parent filled or copied behind our back until we
	 * are done: one filled between a region's share and the clone would
	 * be recorded COW in the child while the parent still wrote it, and
	 * a copy there would leave the child's record on the old frame */
	settle_how(parent, 0, 0, false, true);
	if (parent->npend)
		return E_NOMEM; /* the child's records would miss them (fills stay stopped) */
	for (r = region_from(&parent->regions, 0); r && e == E_OK;
	     r = region_next(&parent->regions, r))
		if (r->b && !(r->fork & REGION_DONTFORK))
			e = fork_region(parent, child, r);
	if (e == E_OK)
		e = pagetab_clone(&child->pages, &parent->pages, dp_add_cow_entry, &f);
	/* MADV_DONTFORK and MADV_WIPEONFORK memory: the child lets go of the
	 * records the clone gave it, as if it had unmapped them at once (the
	 * parent's pages stay, COW-marked with no other sharer: a write
	 * takes them back without a copy) */
	for (r = region_from(&parent->regions, 0); r && e == E_OK;
	     r = region_next(&parent->regions, r))
		if (r->b && r->fork)
			dp_release_range(child, r->start, r->end);
	for (r = region_from(&parent->regions, 0); r && e == E_OK;
	     r = region_next(&parent->regions, r)) {
		struct page *p, old;
		while (!r->b && e == E_OK && (p = pagetab_from(&child->pages, r->start)) &&
		       p->va < r->end) {
			uint64_t va = p->va;
			if ((e = own(child, va)) == E_OK)
				pagetab_remove(&child->pages, va, &old);
		}
	}
	settle_how(parent, 0, 0, false, false); /* nothing came meanwhile: go again */
	return e;
}

/* region_split at at; the new upper part of a shared region holds a
 * reference of its own.  E_INVAL, E_NOMEM. */
static int split(struct dp_space *s, uint64_t at)
{
	struct region *r = region_find(&s->regions, at);
	bool splits = r && r->start != at;
	int e = region_split(&s->regions, at);
	if (e == E_OK && splits && r->shm)
		obj_get(r->shm);
	return e;
}

/* split at start and at end: [start, end) is whole regions then. */
static int split_ends(struct dp_space *s, uint64_t start, uint64_t end)
{
	int e = split(s, start);
	return e ? e : split(s, end);
}

/* One ops call for the present pages of [va, end) within DP_PROTECT_MAX
 * pages of the present page p: the mask lets MAP_W through only to pages
 * no one else shares (rights_of); without MAP_R they are unmapped (their
 * records wait for new rights).  The page after the chunk, or NULL. */
static struct page *protect_chunk(struct dp_space *s, struct page *p, uint64_t end,
				  unsigned rights)
{
	uint64_t mask[DP_PROTECT_MAX / 64] = { 0 }, va = p->va, last = va;
	if (end - va > DP_PROTECT_MAX * PAGE_SIZE)
		end = va + DP_PROTECT_MAX * PAGE_SIZE;
	for (; p && p->va < end; p = pagetab_next(&s->pages, p)) {
		uint64_t i = (p->va - va) / PAGE_SIZE;
		if (!(p->flags & (PAGE_COW | PAGE_ZERO)))
			mask[i / 64] |= 1ull << (i % 64);
		last = p->va;
	}
	uint64_t n = (last - va) / PAGE_SIZE + 1;
	if (rights & MAP_R)
		ops->protect(s->space, va, n, rights, mask);
	else
		ops->unmap(s->space, va, n);
	return p;
}

int dp_protect(struct dp_space *s, uint64_t start, uint64_t end, unsigned rights)
{
	struct region *r = region_find(&s->regions, start);
	if ((start | end) % PAGE_SIZE || end <= start || !r || !r->b || end > r->end ||
	    (rights & ~(MAP_R | MAP_W | MAP_X)))
		return E_INVAL;
	int e = split_ends(s, start, end);
	if (e)
		return e;
	dp_settle(s, start, end);
	if (pending_in(s, start, end))
		return E_NOMEM; /* a page the kernel filled there waits for memory */
	r = region_find(&s->regions, start);
	r->rights = (uint8_t)rights;
	struct page *p = pagetab_from(&s->pages, start);
	while (p && p->va < end)
		p = protect_chunk(s, p, end, rights);
	return E_OK;
}

static void release_entry(const struct page *p, void *arg)
{
	(void)arg;
	release(p);
}

bool dp_destroy_step(struct dp_space *s)
{
	const void *leaf = pagetab_first_leaf(&s->pages);
	if (leaf) {
		/* a leaf of ours alone with private frames only stays so (only
		 * fork, alone, shares leaves): no lock */
		bool shares = pagetab_leaf_touches(leaf, PAGE_COW | PAGE_CACHED);
		if (shares)
			lock_take(&share);
		pagetab_drop_leaf(&s->pages, leaf, release_entry, NULL);
		if (shares)
			lock_give(&share);
		return false;
	}
	for (unsigned i = 0; i < s->npend; i++) /* mapped in the space that went */
		if (!(s->pend[i][0] & FILL_ZERO))
			ops->free(s->pend[i][1], (uint32_t)s->pend[i][2]);
	s->npend = 0;
	struct region *r;
	while ((r = region_from(&s->regions, 0))) {
		struct shm *o = r->shm;
		region_remove(&s->regions, r->start);
		if (o)
			obj_put(o);
	}
	return true;
}

void dp_destroy(struct dp_space *s)
{
	while (!dp_destroy_step(s))
		;
}

/* dp_share_count with the share lock held. */
static unsigned share_count_locked(const struct dp_space *s, uint64_t va)
{
	const struct page *p = pagetab_lookup(&s->pages, va);
	if (!p)
		return 0;
	if (!(p->flags & PAGE_COW))
		return 1;
	return cow_count(p->pfn) - 1 + pagetab_sharers(&s->pages, va);
}

unsigned dp_share_count(const struct dp_space *s, uint64_t va)
{
	lock_take(&share);
	unsigned n = share_count_locked(s, va);
	lock_give(&share);
	return n;
}

uint64_t dp_shared_frames(void)
{
	lock_take(&share);
	uint64_t n = cow_shared_frames() + pagetab_shared_entries();
	lock_give(&share);
	return n;
}

uint64_t dp_resident(const struct dp_space *s, uint64_t start, uint64_t end)
{
	uint64_t n = 0;
	for (struct page *p = pagetab_from(&s->pages, start); p && p->va < end;
	     p = pagetab_next(&s->pages, p))
		n++;
	return n;
}

struct shm *dp_shm_new(void)
{
	lock_take(&share);
	struct shm *o = shm_new();
	lock_give(&share);
	return o;
}

int dp_shm_init(struct shm *o, const void *bytes, size_t n)
{
	uint64_t pfn;
	uint32_t gen;
	lock_take(&share);
	int e = shm_frame(o, 0, false, ops, &pfn, &gen);
	if (e == E_OK)
		memcpy(ops->window(pfn), bytes, n);
	lock_give(&share);
	return e;
}

void dp_shm_put(struct shm *o)
{
	obj_put(o);
}

void dp_shm_get(struct shm *o)
{
	lock_take(&share);
	shm_get(o);
	lock_give(&share);
}

void dp_shm_zero_from(struct shm *o, uint64_t from)
{
	lock_take(&share);
	shm_zero_from(o, from, ops);
	lock_give(&share);
}

void dp_shm_free_from(struct shm *o, uint64_t from)
{
	lock_take(&share);
	shm_free_from(o, from, ops);
	lock_give(&share);
}

void dp_shm_zero_range(struct shm *o, uint64_t from, uint64_t to)
{
	lock_take(&share);
	shm_zero_range(o, from, to, ops);
	lock_give(&share);
}

int dp_shm_fill(struct shm *o, uint64_t from, uint64_t to, uint64_t *done)
{
	lock_take(&share);
	int e = shm_fill(o, from, to, ops, done);
	lock_give(&share);
	return e;
}

struct shm *dp_shm_lookup(const char *name)
{
	lock_take(&share);
	struct shm *o = shm_lookup(name);
	lock_give(&share);
	return o;
}

int dp_shm_link(const char *name, struct shm *o)
{
	lock_take(&share);
	int e = shm_link(name, o);
	lock_give(&share);
	return e;
}

int dp_shm_unlink(const char *name)
{
	lock_take(&share);
	int e = shm_unlink_name(name, ops);
	lock_give(&share);
	return e;
}

int dp_shm_name_next(const char *after, const char *prefix, char *out, uint64_t *size)
{
	lock_take(&share);
	int e = shm_name_next(after, prefix, out, size);
	lock_give(&share);
	return e;
}

int dp_shm_rename(const char *old, const char *new)
{
	lock_take(&share);
	int e = shm_rename(old, new, ops);
	lock_give(&share);
	return e;
}

int dp_seg_get(int32_t key, uint64_t size, unsigned flags, uint32_t mode, uint32_t pid,
	       uint64_t now, int32_t *id)
{
	lock_take(&share);
	int e = shm_seg_get(key, size, flags, mode, pid, now, id);
	lock_give(&share);
	return e;
}

struct shm *dp_seg_find(int32_t id)
{
	lock_take(&share);
	struct shm *o = shm_seg_find(id);
	lock_give(&share);
	return o;
}

void dp_seg_remove(struct shm *o)
{
	lock_take(&share);
	shm_seg_remove(o, ops);
	lock_give(&share);
}

/* Take back the entries of [at, end) a failed dp_move copied (their
 * frames are the old range's: nothing released) and its new region. */
static void move_undo(struct dp_space *s, uint64_t at, uint64_t end)
{
	struct page gone;
	uint64_t va;
	for (struct page *p = pagetab_from(&s->pages, at); p && p->va < end;
	     p = pagetab_from(&s->pages, va + PAGE_SIZE)) {
		va = p->va;
		pagetab_remove(&s->pages, va, &gone);
	}
	region_remove(&s->regions, at);
}

int dp_move(struct dp_space *s, uint64_t old, uint64_t olen, uint64_t at, uint64_t nlen,
	    bool keep_old)
{
	struct region *r = region_find(&s->regions, old);
	if (!r || r->b != &backing_anon || r->shm || r->mergeable || olen > r->end - old)
		return E_NOMEM;
	uint64_t end = old + (olen < nlen ? olen : nlen), va;
	unsigned rights = r->rights;
	int e;
	dp_settle(s, old, old + olen);
	if (pending_in(s, old, old + olen))
		return E_NOMEM;
	/* first what may fail: the old range's leaves our own (a fork shares
	 * them), no KSM page (its records are by address) */
	for (struct page *p = pagetab_from(&s->pages, old); p && p->va < end;
	     p = pagetab_from(&s->pages, va + PAGE_SIZE)) {
		va = p->va;
		if (p->flags & PAGE_KSM)
			return E_NOMEM;
		if ((e = own(s, va)))
			return e;
	}
	if ((e = dp_register_lazy(s, at, nlen, rights, &backing_anon, NULL)))
		return e;
	/* the entries copied to the new range (a COW frame's records stay
	 * as many: the old ones go below without cow_release) */
	for (struct page *p = pagetab_from(&s->pages, old); p && p->va < end;
	     p = pagetab_from(&s->pages, va + PAGE_SIZE)) {
		struct page c = *p;
		va = c.va;
		uint64_t to = at + (va - old);
		if ((e = own(s, to)) || (e = pagetab_insert(&s->pages, to, c.pfn, c.gen, c.flags))) {
			move_undo(s, at, at + nlen);
			return e;
		}
	}
	/* the old mappings go (a thread writing there now faults, and waits
	 * for us: its earlier writes are in the frames that moved), then the
	 * old entries, without releasing their frames: they are the new
	 * range's now (mapped again by its faults) */
	ops->unmap(s->space, old, olen / PAGE_SIZE);
	struct page gone;
	for (struct page *p = pagetab_from(&s->pages, old); p && p->va < end;
	     p = pagetab_from(&s->pages, va + PAGE_SIZE)) {
		va = p->va;
		pagetab_remove(&s->pages, va, &gone);
	}
	s->last_fault = 0;
	/* a shrink's tail is released as an unmap releases it */
	if (keep_old)
		dp_release_range(s, end, old + olen);
	else
		dp_unmap(s, old, old + olen);
	dp_merge_around(s, at, at + nlen);
	return E_OK;
}

int dp_register_shared(struct dp_space *s, uint64_t start, uint64_t size,
		       unsigned rights, struct shm *o, uint64_t va0)
{
	struct region *r;
	int e = dp_register_lazy(s, start, size, rights, &backing_shared, &r);
	if (e)
		return e;
	r->shm = o;
	r->shm_va0 = va0;
	obj_get(o);
	return E_OK;
}

/* Merge r with the region after it if they are alike (region_merge_next);
 * the merged-away part's reference on a shared object goes.  True if
 * merged. */
static bool merge(struct dp_space *s, struct region *r)
{
	struct shm *o = r->shm;
	if (!region_merge_next(&s->regions, r))
		return false;
	if (o)
		obj_put(o); /* r still holds one: never the last */
	return true;
}

/* MADV_DONTFORK (set REGION_DONTFORK), MADV_DOFORK (clear it),
 * MADV_WIPEONFORK (set REGION_WIPEONFORK: private anonymous memory only,
 * else E_INVAL before anything changes), MADV_KEEPONFORK (clear it), on
 * the lazy regions of [start, end), split at its ends. */
int dp_set_fork(struct dp_space *s, uint64_t start, uint64_t end, unsigned set,
		unsigned clear)
{
	struct region *r;
	if (set & REGION_WIPEONFORK)
		for (r = region_first(&s->regions, start); r && r->start < end;
		     r = region_next(&s->regions, r))
			if (r->b && (r->shm || r->kind == PG_BACK_FILE))
				return E_INVAL;
	int e = split_ends(s, start, end);
	if (e)
		return e;
	for (r = region_first(&s->regions, start); r && r->start < end;
	     r = region_next(&s->regions, r))
		if (r->b)
			r->fork = (uint8_t)((r->fork | set) & ~clear);
	dp_merge_around(s, start, end);
	return E_OK;
}

/* From the region just below start, each with its next, up to the one
 * after end. */
void dp_merge_around(struct dp_space *s, uint64_t start, uint64_t end)
{
	struct region *r = start ? region_find(&s->regions, start - PAGE_SIZE) : NULL;
	if (!r)
		r = region_find(&s->regions, start);
	while (r && r->start < end) {
		uint64_t at = r->start;
		if (merge(s, r))
			r = region_find(&s->regions, at); /* and again with the new next */
		else
			r = region_next(&s->regions, r);
	}
}

bool dp_covered(struct dp_space *s, uint64_t start, uint64_t end)
{
	uint64_t at = start;
	while (at < end) {
		struct region *r = region_find(&s->regions, at);
		if (!r)
			return false;
		at = r->end;
	}
	return true;
}

/* True if a fixed region (startup page, IPC buffers) meets [start, end). */
static bool meets_fixed(struct dp_space *s, uint64_t start, uint64_t end)
{
	for (struct region *r = region_first(&s->regions, start); r && r->start < end;
	     r = region_next(&s->regions, r))
		if (!r->b)
			return true;
	return false;
}

int dp_unmap(struct dp_space *s, uint64_t start, uint64_t end)
{
	if (meets_fixed(s, start, end))
		return E_INVAL;
	int e = split_ends(s, start, end);
	if (e)
		return e;
	struct region *r;
	while ((r = region_first(&s->regions, start)) && r->start < end)
		dp_unregister_lazy(s, r->start);
	return E_OK;
}

int dp_protect_range(struct dp_space *s, uint64_t start, uint64_t end,
		     unsigned rights)
{
	if (!dp_covered(s, start, end))
		return E_NOMEM;
	if (meets_fixed(s, start, end))
		return E_INVAL;
	for (struct region *r = region_first(&s->regions, start); (rights & MAP_W) && r &&
	     r->start < end; r = region_next(&s->regions, r))
		if (r->no_write)
			return E_PERM; /* EACCES, nothing changed */
	uint64_t at = start;
	while (at < end) {
		struct region *r = region_find(&s->regions, at);
		uint64_t to = r->end < end ? r->end : end;
		int e = dp_protect(s, at, to, rights);
		if (e)
			return e;
		at = to;
	}
	dp_merge_around(s, start, end);
	return E_OK;
}

/* Run fn on the part [a, b) of each lazy region that meets [start, end),
 * in order; fn's first error ends the walk and is returned. */
static int each_lazy_part(struct dp_space *s, uint64_t start, uint64_t end,
			  int (*fn)(struct dp_space *s, struct region *r, uint64_t a, uint64_t b))
{
	for (struct region *r = region_first(&s->regions, start); r && r->start < end;
	     r = region_next(&s->regions, r)) {
		if (!r->b)
			continue;
		int e = fn(s, r, r->start > start ? r->start : start, r->end < end ? r->end : end);
		if (e)
			return e;
	}
	return E_OK;
}

static int release_part(struct dp_space *s, struct region *r, uint64_t a, uint64_t b)
{
	(void)r;
	dp_release_range(s, a, b);
	return E_OK;
}

void dp_dontneed(struct dp_space *s, uint64_t start, uint64_t end)
{
	each_lazy_part(s, start, end, release_part);
}

/* Give the absent pages of [va, end) in r (readable, lazy) their frames
 * and mappings: zero-fill runs with alloc_map, the rest as faults would.
 * E_RANGE at a page past a sized object's end (a fault's SIGBUS), E_NOMEM
 * at one that got no frame. */
static int populate_region(struct dp_space *s, struct region *r, uint64_t va,
			   uint64_t end)
{
	unsigned acc = (r->rights & MAP_W) ? FAULT_ACC_WRITE : FAULT_ACC_READ;
	bool zero_fill = !r->b->fill && !r->b->check && !r->shm && (r->rights & MAP_W);
	while (va < end) {
		unsigned n = 0;
		while (n < DP_AROUND && va + n * PAGE_SIZE < end &&
		       !pagetab_lookup(&s->pages, va + n * PAGE_SIZE))
			n++;
		if (!n) {
			va += PAGE_SIZE;
			continue;
		}
		int why = E_NOMEM;
		unsigned got = zero_fill ? around_zero(s, r, va, n) :
			       around_each(s, r, va, n, acc, &why);
		if (got < n && !pagetab_lookup(&s->pages, va + got * PAGE_SIZE))
			return why == E_RANGE ? E_RANGE : E_NOMEM;
		va += (uint64_t)got * PAGE_SIZE;
	}
	return E_OK;
}

/* populate_region for the readable part [a, b) of r, its stack guard page
 * left out (never filled). */
static int populate_part(struct dp_space *s, struct region *r, uint64_t a, uint64_t b)
{
	if (!(r->rights & MAP_R))
		return E_OK;
	if (r->b->check && a < r->start + PAGE_SIZE)
		a = r->start + PAGE_SIZE;
	if (a >= b)
		return E_OK;
	dp_settle(s, a, b); /* no fill behind our back: we map them */
	return pending_in(s, a, b) ? E_NOMEM : populate_region(s, r, a, b);
}

int dp_populate(struct dp_space *s, uint64_t start, uint64_t end)
{
	return each_lazy_part(s, start, end, populate_part);
}

void dp_page_info(struct dp_space *s, uint64_t va, struct pg_page_info *out)
{
	const struct region *r = region_find(&s->regions, va);
	const struct page *p = pagetab_lookup(&s->pages, va);
	memset(out, 0, sizeof *out);
	if (r)
		out->flags |= PGI_MAPPED;
	if (r && r->kind == PG_BACK_FILE)
		out->flags |= PGI_FILE;
	if (!p)
		return;
	out->flags |= PGI_PRESENT;
	out->pfn = p->pfn;
	if (r && (r->rights & MAP_R) && (rights_of(r, p) & MAP_W))
		out->flags |= PGI_WRITABLE;
	if (p->flags & PAGE_ZERO)
		out->flags |= PGI_ZERO;
	if (p->flags & PAGE_KSM)
		out->flags |= PGI_KSM;
	lock_take(&share); /* other spaces' faults change these counts */
	if (p->flags & PAGE_SHARED) {
		out->flags |= PGI_SHARED;
		out->mapcount = r && r->shm ? shm_users(r->shm) : 1;
	} else {
		unsigned n = share_count_locked(s, va);
		if ((p->flags & PAGE_COW) && n > 1)
			out->flags |= PGI_COW;
		out->mapcount = n;
	}
	lock_give(&share);
}
int dp_merge_prepare(struct dp_space *s, uint64_t va, uint64_t expect, uint64_t pfn,
		     uint32_t gen, uint32_t flags, struct dp_merge *m)
{
	struct region *r = region_find(&s->regions, va);
	struct page *p = pagetab_lookup(&s->pages, va);
	if (!r || !p || p->pfn != expect)
		return E_AGAIN;
	int e = own(s, va);
	if (e)
		return e;
	p = pagetab_lookup(&s->pages, va);
	if (flags & PAGE_ZERO) {
		if (!have_zero)
			return E_NOMEM;
		pfn = zero_pfn;
		gen = zero_gen;
	} else if (cow_mark(pfn)) {
		return E_NOMEM;
	}
	bool last = last_share(p) && !(p->flags & PAGE_CACHED);
	m->va = va;
	m->old_pfn = p->pfn;
	m->old_gen = p->gen;
	m->pfn = pfn;
	m->gen = gen;
	m->flags = flags;
	m->how = (last ? KSM_MERGE_FREE : 0) | (flags & PAGE_ZERO ? 0 : KSM_MERGE_TAG);
	return E_OK;
}

void dp_merge_commit(struct dp_space *s, const struct dp_merge *m, int e)
{
	struct page *p = e ? NULL : pagetab_lookup(&s->pages, m->va);
	if (!p) {
		if (!(m->flags & PAGE_ZERO))
			cow_release(m->pfn);
		return;
	}
	struct page old = *p;
	p->pfn = m->pfn;
	p->gen = m->gen;
	p->flags = m->flags;
	release_freed(&old, m->how & KSM_MERGE_FREE);
}

int dp_merge_page(struct dp_space *s, uint64_t va, uint64_t expect, uint64_t pfn,
		  uint32_t gen, uint32_t flags)
{
	struct dp_merge m;
	if (!ops->merge)
		return E_AGAIN;
	int e = dp_merge_prepare(s, va, expect, pfn, gen, flags, &m);
	if (e)
		return e;
	e = ops->merge(s->space, va, m.old_pfn, m.old_gen, m.pfn, m.gen, m.how);
	dp_merge_commit(s, &m, e);
	return e;
}
