/* The demand manager's ops on the real system: frames through the pager's
 * window, mappings through the pager-only system calls. */
#include "pager.h"
#include "hot.h"

/* Where the pager sees frame pfn while it holds it. */
void *mem_window(uint64_t pfn)
{
	return (void *)(PAGER_WINDOW + pfn * PAGE_SIZE);
}

/* A frame from the kernel; if memory is out, again after giving back the
 * frames this thread has given up. */
static int alloc_flags(uint64_t *pfn, uint32_t *gen, uint64_t flags)
{
	struct sys_regs r;
	int e = sys_frame_alloc_r(flags, &r);
	if (e == E_NOMEM && mem_flush())
		e = sys_frame_alloc_r(flags, &r);
	if (e == E_OK) {
		*pfn = r.rdi;
		*gen = (uint32_t)r.rsi;
	}
	return e;
}

static int mem_alloc(uint64_t *pfn, uint32_t *gen)
{
	return alloc_flags(pfn, gen, FRAME_ZEROED);
}

/* A frame of a shared object: the kernel keys futexes in it by the frame. */
static int mem_alloc_shared(uint64_t *pfn, uint32_t *gen)
{
	return alloc_flags(pfn, gen, FRAME_ZEROED | FRAME_SHARED);
}

void *mem_pool_page(uint64_t *gen)
{
	uint64_t pfn;
	uint32_t g;
	if (mem_alloc(&pfn, &g) != E_OK)
		return NULL;
	*gen = g;
	return mem_window(pfn);
}

static void mem_free(uint64_t pfn, uint32_t gen);

void mem_pool_free(void *page, uint64_t gen)
{
	mem_free(((uint64_t)(uintptr_t)page - PAGER_WINDOW) / PAGE_SIZE, (uint32_t)gen);
}

/* Frames given up wait in the thread's gone[] and go back together
 * (frame_free_many): one TLB shootdown for up to FRAME_FREE_MANY_MAX, where
 * each frame alone cost an IPI round to every CPU running a pager thread. */
static void mem_free(uint64_t pfn, uint32_t gen)
{
	struct pg_thread *me = pg_self();
	if (me->ngone == FRAME_FREE_MANY_MAX)
		mem_flush();
	me->gone[2 * me->ngone] = pfn;
	me->gone[2 * me->ngone + 1] = gen;
	me->ngone++;
}

bool mem_flush(void)
{
	struct pg_thread *me = pg_self();
	unsigned n = me->ngone;
	if (!n)
		return false;
	struct sys_regs r;
	int e = sys_frame_free_many_r((uint64_t)(uintptr_t)me->gone, n, &r);
	me->ngone = 0;
	if (e != E_OK || r.rdi != n)
		printf("pager: frame_free_many: %s, %lu of %u freed\n", err_str(e),
		       e == E_OK ? r.rdi : 0, n);
	return true;
}

static PG_HOT int mem_map(uint32_t space, uint64_t va, uint64_t pfn, uint32_t gen,
		   unsigned rights)
{
	return sys_map(space, va, pfn, gen, rights);
}

static void mem_unmap(uint32_t space, uint64_t va, uint64_t n)
{
	int e = sys_unmap(space, va, n);
	if (e)
		printf("pager: unmap 0x%lx+%lu: %s\n", va, n, err_str(e));
}

static void mem_protect(uint32_t space, uint64_t va, uint64_t n, unsigned rights,
			const uint64_t *mask)
{
	_Static_assert(DP_PROTECT_MAX == PROTECT_MASK_MAX, "one chunk, one call");
	int e = sys_protect_mask(space, va, n, rights, (uint64_t)(uintptr_t)mask);
	if (e)
		printf("pager: protect 0x%lx+%lu: %s\n", va, n, err_str(e));
}

static int mem_share(uint32_t dst, uint32_t src, uint64_t va, uint64_t n, bool copy)
{
	return sys_share_cow(dst, src, va, n, copy);
}

static unsigned mem_alloc_map(uint32_t space, uint64_t va, unsigned n,
			      unsigned rights, struct dp_frame *out)
{
	struct sys_regs r;
	_Static_assert(sizeof *out == 16, "a (pfn, gen) pair as the kernel writes it");
	int e = sys_frame_alloc_map_r(space, va, n, rights, (uint64_t)out, &r);
	if (e == E_NOMEM && mem_flush())
		e = sys_frame_alloc_map_r(space, va, n, rights, (uint64_t)out, &r);
	if (e != E_OK)
		return 0;
	return (unsigned)r.rdi;
}

static int mem_merge(uint32_t space, uint64_t va, uint64_t pfn, uint32_t gen,
		     uint64_t tpfn, uint32_t tgen, unsigned how)
{
	return sys_ksm_merge(space, va | how, pfn, gen, tpfn, tgen);
}

static PG_HOT int mem_alloc_map1(uint32_t space, uint64_t va, unsigned rights, uint64_t *pfn,
			  uint32_t *gen)
{
	struct sys_regs r;
	int e = sys_frame_alloc_map1_r(space, va, rights, FRAME_ZEROED, &r);
	if (e == E_NOMEM && mem_flush())
		e = sys_frame_alloc_map1_r(space, va, rights, FRAME_ZEROED, &r);
	if (e == E_OK) {
		*pfn = r.rdi;
		*gen = (uint32_t)r.rsi;
	}
	return e;
}

static PG_HOT int mem_alloc_copy(uint64_t src, uint32_t src_gen, uint64_t *pfn, uint32_t *gen)
{
	struct sys_regs r;
	int e = sys_frame_alloc_copy_r(src, src_gen, &r);
	if (e == E_NOMEM && mem_flush())
		e = sys_frame_alloc_copy_r(src, src_gen, &r);
	if (e == E_OK) {
		*pfn = r.rdi;
		*gen = (uint32_t)r.rsi;
	}
	return e;
}

static void mem_fill_mark(uint32_t space, uint64_t va, uint64_t n, unsigned rights,
			  const uint64_t *mask)
{
	/* E_NOMEM (a table) only leaves fewer marks: those pages ask us */
	(void)sys_fill_mark(space, va, n, rights, (uint64_t)(uintptr_t)mask);
}

static unsigned mem_fill_take(uint32_t space, uint64_t *buf, unsigned max, uint64_t va,
			      uint64_t n)
{
	struct sys_regs r;
	return sys_fill_take_r(space, (uint64_t)(uintptr_t)buf, max, va, n, &r) == E_OK
		       ? (unsigned)r.rdi : 0;
}

static const struct dp_ops ops = {
	mem_alloc, mem_free, mem_window, mem_map, mem_unmap, mem_protect, mem_share,
	mem_alloc_map, mem_merge, mem_alloc_map1, mem_alloc_copy, mem_alloc_shared,
	mem_fill_mark, mem_fill_take,
};

/* Set up the demand manager with a shared zero frame, and the kernel's
 * fills with it.  E_NOMEM. */
int mem_init(void)
{
	uint64_t pfn;
	uint32_t gen;
	int e = mem_alloc(&pfn, &gen);
	if (e == E_OK)
		dp_init(&ops, pfn, gen);
	if (e == E_OK && sys_fill_setup(pfn, gen) == E_OK)
		dp_fills_on();
	return e;
}

/* A new zeroed frame mapped at va in p with rights, recorded as p's page;
 * *win = its bytes.  Returns the first error. */
int mem_fixed_page(struct proc *p, uint64_t va, unsigned rights, void **win)
{
	uint64_t pfn;
	uint32_t gen;
	int e = mem_alloc(&pfn, &gen);
	if (e)
		return e;
	e = dp_add_page(&p->mem, va, pfn, gen);
	if (e) {
		mem_free(pfn, gen);
		return e;
	}
	*win = mem_window(pfn);
	return sys_map(p->space, va, pfn, gen, rights);
}
