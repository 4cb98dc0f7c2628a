/* Page tables of user address spaces (4-level, 4 KiB leaves).  The kernel
 * half (PML4 entries 256..511) is shared with boot_pml4, so every space sees
 * the same kernel.  Callers serialise changes to one space (struct space's
 * lock) and do the TLB invalidation (tlb.c). */
#include "arch.h"
#include "cpu.h"
#include "memlayout.h"
#include "arch_api.h"
#include "mm/frame.h"
#include "lib/string.h"
#include "abi/syscall.h"

#define PTE_P    0x001ull
#define PTE_W    0x002ull
#define PTE_U    0x004ull
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull
/* A fill mark: a not-present leaf entry (P clear: the MMU ignores the
 * rest) the pager set where the kernel may put a zero-fill page itself on
 * a fault (space_fill); the MAP_* rights it may map it with in bits 1..3.
 * Every unmap, protect or map at the page clears it. */
#define PTE_FILL 0x400ull
#define FILL_RIGHTS(e) ((unsigned)((e) >> 1) & (MAP_R | MAP_W | MAP_X))
/* A copy mark: on a present read-only leaf (a frame shared copy-on-write
 * by share_cow), where the kernel may copy the frame on a write fault
 * and map the copy writable (space_fill).  Any rewrite of the entry
 * (protect, map, unmap, a merge) drops it. */
#define PTE_COPY 0x200ull

extern uint64_t boot_pml4[512];

static inline uint64_t *table(uint64_t pa) { return P2V(pa); }

/* A zeroed page-table frame; 0 if memory is exhausted. */
static uint64_t new_table(void)
{
	struct frame_alloc_options o = { 0, true, PURPOSE_PAGE_TABLE };
	uint64_t pfn;
	return frame_alloc(&o, &pfn) == E_OK ? pfn << PAGE_SHIFT : 0;
}

/* arch_pt_create: a new PML4 sharing the kernel half; 0 if out of memory. */
uint64_t arch_pt_create(void)
{
	uint64_t root = new_table();
	if (root)
		memcpy(table(root) + 256, boot_pml4 + 256, 256 * sizeof(uint64_t));
	return root;
}

/* walk's way when a table on va's path is missing. */
static __attribute__((noinline)) uint64_t *walk_missing(uint64_t root, uint64_t va, bool create)
{
	uint64_t *t = table(root);
	for (int level = 3; level > 0; level--) {
		uint64_t *e = &t[(va >> (12 + 9 * level)) & 511];
		if (!(*e & PTE_P)) {
			uint64_t pa = create ? new_table() : 0;
			if (!pa)
				return NULL;
			*e = pa | PTE_P | PTE_W | PTE_U;
		}
		t = table(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

/* The leaf entry for va, creating missing tables if create; NULL if absent
 * (or out of memory while creating).  The common case (every table there)
 * makes no call and saves no register: the map at reply time and
 * frame_alloc_map1's two maps walk on every fault. */
static inline uint64_t *walk(uint64_t root, uint64_t va, bool create)
{
	uint64_t *t = table(root);
#pragma GCC unroll 3
	for (int level = 3; level > 0; level--) {
		uint64_t e = t[(va >> (12 + 9 * level)) & 511];
		if (__builtin_expect(!(e & PTE_P), 0))
			return walk_missing(root, va, create);
		t = table(e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

/* arch_pt_prepare: make every table down to the one holding va's leaf,
 * mapping nothing.  E_NOMEM if a table could not be allocated (those made
 * stay, as every table does until the space ends). */
int arch_pt_prepare(uint64_t root, uint64_t va)
{
	return walk(root, va, true) ? E_OK : E_NOMEM;
}

/* PTE_NX if the CPU has no-execute turned on (EFER.NXE), read once: the
 * MSR read is a slow exit under emulation and paging.c sets NXE at boot,
 * before any user table exists. */
static uint64_t nx_bit(void)
{
	static uint64_t nx = ~0ull;
	if (nx == ~0ull)
		nx = (rdmsr(MSR_EFER) & (1u << 11)) ? PTE_NX : 0;
	return nx;
}

static inline uint64_t leaf_bits(unsigned rights)
{
	uint64_t f = PTE_P | PTE_U | ((rights & MAP_W) ? PTE_W : 0);
	return (rights & MAP_X) ? f : f | nx_bit();
}

static unsigned pte_rights(uint64_t pte)
{
	return MAP_R | ((pte & PTE_W) ? MAP_W : 0) | ((pte & PTE_NX) ? 0 : MAP_X);
}

/* arch_pt_map: map va -> pa with MAP_* rights; *old = the frame that was
 * mapped there (0 if none). E_NOMEM if a table could not be allocated. */
int arch_pt_map(uint64_t root, uint64_t va, uint64_t pa, unsigned rights, uint64_t *old)
{
	uint64_t *pte = walk(root, va, true);
	if (!pte)
		return E_NOMEM;
	*old = (*pte & PTE_P) ? (*pte & PTE_ADDR) : 0;
	*pte = pa | leaf_bits(rights);
	return E_OK;
}

/* Map va -> pa only if va maps nothing (one walk, making missing tables
 * if create); E_BUSY if it does, E_NOMEM if a table is missing or could
 * not be made.  The entry is stored with release: a lockless reader (the
 * pager's window, space.c's window_set) sees the frame ready. */
static inline int map_empty(uint64_t root, uint64_t va, uint64_t pa, unsigned rights,
			    bool create)
{
	uint64_t *pte = walk(root, va, create);
	if (!pte)
		return E_NOMEM;
	if (*pte & PTE_P)
		return E_BUSY;
	__atomic_store_n(pte, pa | leaf_bits(rights), __ATOMIC_RELEASE);
	return E_OK;
}

/* arch_pt_map_new: map va -> pa only if va maps nothing (one walk).
 * E_BUSY if it does, E_NOMEM if a table could not be allocated. */
int arch_pt_map_new(uint64_t root, uint64_t va, uint64_t pa, unsigned rights)
{
	return map_empty(root, va, pa, rights, true);
}

/* arch_pt_unmap: remove va's mapping; *old = its frame. E_NOENT if none
 * (a fill mark there goes). */
int arch_pt_unmap(uint64_t root, uint64_t va, uint64_t *old)
{
	uint64_t *pte = walk(root, va, false);
	if (pte && !(*pte & PTE_P))
		*pte = 0;
	if (!pte || !(*pte & PTE_P))
		return E_NOENT;
	*old = *pte & PTE_ADDR;
	*pte = 0;
	return E_OK;
}

/* arch_pt_protect: change va's rights. E_NOENT if not mapped (a fill mark
 * there goes). */
int arch_pt_protect(uint64_t root, uint64_t va, unsigned rights)
{
	uint64_t *pte = walk(root, va, false);
	if (pte && !(*pte & PTE_P))
		*pte = 0;
	if (!pte || !(*pte & PTE_P))
		return E_NOENT;
	*pte = (*pte & PTE_ADDR) | leaf_bits(rights);
	return E_OK;
}

/* arch_pt_replace_if: if va maps pa, map newpa there instead (pa again:
 * only the rights change) with its rights less clear; *rights = the
 * rights it had.  One walk.  E_NOENT (nothing changed) if va maps
 * another frame or none. */
int arch_pt_replace_if(uint64_t root, uint64_t va, uint64_t pa, uint64_t newpa, unsigned clear,
		       unsigned *rights)
{
	uint64_t *pte = walk(root, va, false);
	if (!pte || !(*pte & PTE_P) || (*pte & PTE_ADDR) != pa)
		return E_NOENT;
	*rights = pte_rights(*pte);
	*pte = newpa | leaf_bits(*rights & ~clear);
	return E_OK;
}

/* arch_pt_fill_mark: a fill mark with rights at va if nothing is mapped
 * there; E_AGAIN if a mark was there already (it takes the new rights),
 * E_BUSY if va is mapped, E_NOMEM if a table could not be allocated. */
int arch_pt_fill_mark(uint64_t root, uint64_t va, unsigned rights)
{
	uint64_t *pte = walk(root, va, true);
	if (!pte)
		return E_NOMEM;
	if (*pte & PTE_P)
		return E_BUSY;
	int e = *pte ? E_AGAIN : E_OK;
	*pte = PTE_FILL | (uint64_t)rights << 1;
	return e;
}

/* arch_pt_fill_clear's walk of the table at pa (level 2 = PDPT .. 0 =
 * PT), whose entries cover [base, ...), over [va, end): only the tables
 * that are there are visited. */
static void fill_clear_level(uint64_t pa, int level, uint64_t base, uint64_t va, uint64_t end)
{
	uint64_t *t = table(pa), span = 1ull << (12 + 9 * level);
	unsigned first = va > base ? (unsigned)((va - base) / span) : 0;
	for (unsigned i = first; i < 512 && base + i * span < end; i++) {
		uint64_t e = t[i];
		if (level == 0) {
			if ((e & (PTE_P | PTE_FILL)) == PTE_FILL)
				t[i] = 0;
			else if (e & PTE_COPY)
				t[i] = e & ~PTE_COPY;
		} else if (e & PTE_P) {
			fill_clear_level(e & PTE_ADDR, level - 1, base + i * span, va, end);
		}
	}
}

/* arch_pt_fill_clear: no fill or copy mark in the npages from va (missing
 * tables skipped); mappings unchanged. */
void arch_pt_fill_clear(uint64_t root, uint64_t va, uint64_t npages)
{
	uint64_t end = va + npages * PAGE_SIZE;
	uint64_t *t = table(root), span = 1ull << 39;
	for (unsigned i = (unsigned)(va / span); i < 256 && i * span < end; i++)
		if (t[i] & PTE_P)
			fill_clear_level(t[i] & PTE_ADDR, 2, i * span, va, end);
}

/* arch_pt_fill_rights: the rights of va's fill mark; 0 if there is none
 * (mapped, empty, or no table). */
unsigned arch_pt_fill_rights(uint64_t root, uint64_t va)
{
	uint64_t *pte = walk(root, va, false);
	return pte && (*pte & (PTE_P | PTE_FILL)) == PTE_FILL ? FILL_RIGHTS(*pte) : 0;
}

/* arch_pt_fill_map: map va -> pa with rights if va holds a fill mark that
 * allows them; E_BUSY (nothing changed) if not. */
int arch_pt_fill_map(uint64_t root, uint64_t va, uint64_t pa, unsigned rights)
{
	uint64_t *pte = walk(root, va, false);
	if (!pte || (*pte & (PTE_P | PTE_FILL)) != PTE_FILL || (rights & ~FILL_RIGHTS(*pte)))
		return E_BUSY;
	*pte = pa | leaf_bits(rights);
	return E_OK;
}

/* arch_pt_set_empty: map va -> pa with rights where nothing is mapped and
 * every table exists (no walk creates one); E_BUSY or E_NOMEM if not. */
int arch_pt_set_empty(uint64_t root, uint64_t va, uint64_t pa, unsigned rights)
{
	return map_empty(root, va, pa, rights, false);
}

/* arch_pt_copy_rights: the rights of va's copy-marked mapping and its
 * frame (*pa); 0 if va has none. */
unsigned arch_pt_copy_rights(uint64_t root, uint64_t va, uint64_t *pa)
{
	uint64_t *pte = walk(root, va, false);
	if (!pte || (*pte & (PTE_P | PTE_COPY | PTE_W)) != (PTE_P | PTE_COPY))
		return 0;
	*pa = *pte & PTE_ADDR;
	return pte_rights(*pte);
}

/* arch_pt_copy_map: if va still maps pa with a copy mark, map newpa there
 * with rights and MAP_W (no mark); E_BUSY (nothing changed) if not. */
int arch_pt_copy_map(uint64_t root, uint64_t va, uint64_t pa, uint64_t newpa, unsigned rights)
{
	uint64_t *pte = walk(root, va, false);
	if (!pte || (*pte & (PTE_P | PTE_COPY | PTE_W)) != (PTE_P | PTE_COPY) ||
	    (*pte & PTE_ADDR) != pa)
		return E_BUSY;
	*pte = newpa | leaf_bits(rights | MAP_W);
	return E_OK;
}

/* arch_pt_lookup: frame and rights of va; false if not mapped. */
bool arch_pt_lookup(uint64_t root, uint64_t va, uint64_t *pa, unsigned *rights)
{
	uint64_t *pte = walk(root, va, false);
	if (!pte || !(*pte & PTE_P))
		return false;
	*pa = *pte & PTE_ADDR;
	*rights = pte_rights(*pte);
	return true;
}

/* arch_pt_hole: how many pages from va to the end of the biggest table
 * missing around it (its page table missing: to the next 2 MiB line, its
 * page directory: the next 1 GiB, ...); 0 if va's page table exists.
 * Walks over huge lazy ranges skip what was never mapped with it. */
uint64_t arch_pt_hole(uint64_t root, uint64_t va)
{
	uint64_t *t = table(root);
	for (int level = 3; level > 0; level--) {
		uint64_t e = t[(va >> (12 + 9 * level)) & 511];
		if (!(e & PTE_P)) {
			uint64_t span = 1ull << (9 * level); /* pages under one entry */
			return span - ((va >> PAGE_SHIFT) & (span - 1));
		}
		t = table(e & PTE_ADDR);
	}
	return 0;
}

/* arch_pt_share_cow: for each page of [va, va + npages pages), all inside
 * one page table (one 2 MiB-aligned block), that src maps, dst does not,
 * and take(frame, arg) accepts: take MAP_W from it in src and map the same
 * frame at va in dst with its other rights; with copy, both entries get a
 * copy mark.  *shared += pages mapped in
 * dst; *wrprotected set if a src entry lost MAP_W.  E_NOMEM if dst's table
 * could not be made (nothing was done). */
int arch_pt_share_cow(uint64_t src, uint64_t dst, uint64_t va, uint64_t npages,
		      bool (*take)(uint64_t pa, void *arg), void *arg, bool copy,
		      uint64_t *shared, bool *wrprotected)
{
	const uint64_t mark = copy ? PTE_COPY : 0;
	uint64_t *s = walk(src, va, false), *d = NULL;
	for (uint64_t i = 0; s && i < npages; i++) {
		uint64_t e = s[i];
		if (!(e & PTE_P))
			continue;
		if (!d && !(d = walk(dst, va, true)))
			return E_NOMEM;
		if ((d[i] & PTE_P) || !take(e & PTE_ADDR, arg))
			continue;
		if (e & PTE_W)
			*wrprotected = true;
		s[i] = (e & ~PTE_W) | mark;
		d[i] = (e & (PTE_ADDR | PTE_P | PTE_U | PTE_NX)) | mark;
		(*shared)++;
	}
	return E_OK;
}

static void free_table(uint64_t pa)
{
	frame_free(pa >> PAGE_SHIFT, 0);
}

/* Free the table at pa (level 3 = PDPT .. 1 = PT) and everything below it,
 * calling leaf(frame, arg) for each mapped page. */
static void destroy_level(uint64_t pa, int level, void (*leaf)(uint64_t, void *), void *arg)
{
	uint64_t *t = table(pa);
	for (int i = 0; i < 512; i++) {
		if (!(t[i] & PTE_P))
			continue;
		if (level == 1)
			leaf(t[i] & PTE_ADDR, arg);
		else
			destroy_level(t[i] & PTE_ADDR, level - 1, leaf, arg);
	}
	free_table(pa);
}

/* arch_pt_destroy: free every table of the user half and the PML4, calling
 * leaf(frame, arg) for each page still mapped. The space must not be loaded
 * on any CPU. */
void arch_pt_destroy(uint64_t root, void (*leaf)(uint64_t, void *), void *arg)
{
	uint64_t *t = table(root);
	for (int i = 0; i < 256; i++)
		if (t[i] & PTE_P)
			destroy_level(t[i] & PTE_ADDR, 3, leaf, arg);
	free_table(root);
}

/* Copy n bytes between kernel buffer k and user address u in the space at
 * root, page by page through the direct map, after checking every page is
 * mapped for the user (and writable when writing). E_FAULT otherwise. The
 * kernel never faults on a user pointer. */
static int user_copy(uint64_t root, void *k, uint64_t u, size_t n, bool to_user)
{
	if (u >= USER_END || n > USER_END - u)
		return E_FAULT;
	while (n) {
		uint64_t *pte = walk(root, u, false);
		if (!pte || !(*pte & PTE_P) || !(*pte & PTE_U) || (to_user && !(*pte & PTE_W)))
			return E_FAULT;
		size_t off = u & (PAGE_SIZE - 1), chunk = PAGE_SIZE - off;
		if (chunk > n)
			chunk = n;
		void *p = (char *)P2V(*pte & PTE_ADDR) + off;
		if (to_user)
			memcpy(p, k, chunk);
		else
			memcpy(k, p, chunk);
		k = (char *)k + chunk;
		u += chunk;
		n -= chunk;
	}
	return E_OK;
}

int arch_copy_from_user(uint64_t root, void *dst, uint64_t src, size_t n)
{
	return user_copy(root, dst, src, n, false);
}

int arch_copy_to_user(uint64_t root, uint64_t dst, const void *src, size_t n)
{
	return user_copy(root, (void *)src, dst, n, true);
}
