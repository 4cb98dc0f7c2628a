/* A fake machine for the demand manager's host tests (test_demand.c, one
 * thread; test_demand_mt.c, several): frames with reference counts (the
 * pager's hold plus one per mapping) and a page table per space, like the
 * kernel's, behind one mutex, and struct dp_ops on them (fm_ops).
 *
 * The including file defines NF (frames), NSPACE, NVA (pages per space,
 * from BASE) before including it.  frames_left: allocations left before
 * alloc fails (E_NOMEM), or negative for no limit. */
#ifndef TESTS_FAKE_MACHINE_H
#define TESTS_FAKE_MACHINE_H

#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "abi/err.h"
#include "cow.h"
#include "abi/syscall.h"
#include "demand.h"

#define P    4096ull
#define BASE 0x10000000ull

static pthread_mutex_t machine = PTHREAD_MUTEX_INITIALIZER;
static struct { int refs; bool held, shared; uint32_t gen; uint8_t data[P]; } fr[NF];
static struct { bool on, copy; uint64_t pfn; unsigned rights; } pt[NSPACE][NVA];
/* Fill marks and the fills logged (as the kernel's space_fill keeps them):
 * mark[s][i] = the mark's rights (0: none). */
#define FM_FILLS 16
static unsigned mark[NSPACE][NVA];
static struct { uint64_t w, pfn, old; } flog[NSPACE][FM_FILLS];
static unsigned nflog[NSPACE];
static bool fills_stopped[NSPACE]; /* fill_take's FILL_TAKE_STOP */
static void (*fm_on_share)(void);  /* run by f_share (a thread that
				    * touches pages meanwhile) */
static uint64_t fm_zero_pfn; /* read fills map it */
static uint32_t fm_zero_gen;
static int frames_left = -1;
static int unmap_calls, protect_calls, alloc_map_calls, alloc_map1_calls, alloc_copy_calls; /* calls seen */

/* A page for cow.c's table (cow_init): zeroed, page-aligned, kept for
 * good as the pager keeps it. */
static inline void *fm_cow_page(uint64_t *cookie)
{
	*cookie = 0;
	void *p = aligned_alloc(P, P);
	if (p)
		memset(p, 0, P);
	return p;
}

static int slot(uint64_t va)
{
	ck_assert(va >= BASE && va < BASE + NVA * P && va % P == 0);
	return (int)((va - BASE) / P);
}

/* The fm_*_locked functions: the machine's mutex held. */
static int fm_alloc_locked(uint64_t *pfn, uint32_t *gen)
{
	if (frames_left == 0)
		return E_NOMEM;
	for (uint64_t i = 1; i < NF; i++) {
		if (fr[i].refs)
			continue;
		frames_left--;
		fr[i].refs = 1;
		fr[i].held = true;
		fr[i].shared = false;
		memset(fr[i].data, 0, P);
		*pfn = i;
		*gen = ++fr[i].gen;
		return E_OK;
	}
	return E_NOMEM;
}

static void fm_unref_locked(uint64_t pfn)
{
	if (--fr[pfn].refs == 0 && frames_left >= 0)
		frames_left++;
}

static void fm_drop_locked(uint32_t s, int i)
{
	if (pt[s][i].on)
		fm_unref_locked(pt[s][i].pfn);
	pt[s][i].on = false;
}

static void fm_map_locked(uint32_t s, uint64_t va, uint64_t pfn, uint32_t gen, unsigned rights)
{
	ck_assert(fr[pfn].held && fr[pfn].gen == gen);
	int i = slot(va);
	mark[s][i] = 0;
	fr[pfn].refs++;
	fm_drop_locked(s, i);
	pt[s][i].on = true;
	pt[s][i].copy = false;
	pt[s][i].pfn = pfn;
	pt[s][i].rights = rights;
}

static void fm_fills_gone_locked(uint32_t s, uint64_t va, uint64_t n);

/* The kernel drops space s's mapping of page i (the space ends). */
static inline void fm_drop(uint32_t s, int i)
{
	pthread_mutex_lock(&machine);
	fm_drop_locked(s, i);
	mark[s][i] = 0;
	if (i == NVA - 1) /* the last page: the space's end drops its fills */
		fm_fills_gone_locked(s, 0, ~0ull);
	pthread_mutex_unlock(&machine);
}

static int f_alloc(uint64_t *pfn, uint32_t *gen)
{
	pthread_mutex_lock(&machine);
	int e = fm_alloc_locked(pfn, gen);
	pthread_mutex_unlock(&machine);
	return e;
}

static void f_free(uint64_t pfn, uint32_t gen)
{
	pthread_mutex_lock(&machine);
	ck_assert(fr[pfn].held && fr[pfn].gen == gen);
	fr[pfn].held = false;
	fm_unref_locked(pfn);
	pthread_mutex_unlock(&machine);
}

static void *f_window(uint64_t pfn)
{
	ck_assert(pfn < NF && fr[pfn].held);
	return fr[pfn].data;
}

static int f_map(uint32_t s, uint64_t va, uint64_t pfn, uint32_t gen, unsigned rights)
{
	pthread_mutex_lock(&machine);
	fm_map_locked(s, va, pfn, gen, rights);
	pthread_mutex_unlock(&machine);
	return E_OK;
}

/* Fills logged in space s for [va, va + n pages) (all: n = ~0) go, their
 * frames with them: the kernel's unmap and space end. */
static void fm_fills_gone_locked(uint32_t s, uint64_t va, uint64_t n)
{
	unsigned k = 0;
	for (unsigned j = 0; j < nflog[s]; j++) {
		uint64_t at = flog[s][j].w & ~(P - 1);
		if (n == ~0ull || (at >= va && (at - va) / P < n)) {
			if (!(flog[s][j].w & FILL_ZERO)) {
				fr[flog[s][j].pfn].held = false;
				fm_unref_locked(flog[s][j].pfn);
			}
			continue;
		}
		flog[s][k++] = flog[s][j];
	}
	nflog[s] = k;
}

static void f_unmap(uint32_t s, uint64_t va, uint64_t n)
{
	pthread_mutex_lock(&machine);
	unmap_calls++;
	for (uint64_t k = 0; k < n; k++) {
		fm_drop_locked(s, slot(va + k * P));
		mark[s][slot(va + k * P)] = 0;
	}
	fm_fills_gone_locked(s, va, n);
	pthread_mutex_unlock(&machine);
}

/* The kernel's space_fill for a thread of space s touching va: if va
 * holds a mark allowing the access and the log has room, map the zero
 * frame (read) or a new zeroed frame held like alloc's (write), log it
 * and return true; else false (the fault goes to the pager). */
static inline bool fm_fill(uint32_t s, uint64_t va, bool write)
{
	pthread_mutex_lock(&machine);
	int i = slot(va & ~(P - 1));
	unsigned r = mark[s][i];
	uint64_t pfn = fm_zero_pfn;
	uint32_t gen = fm_zero_gen;
	bool ok = r && !pt[s][i].on && (!write || (r & MAP_W)) && nflog[s] < FM_FILLS &&
		  !fills_stopped[s] &&
		  (!write || fm_alloc_locked(&pfn, &gen) == E_OK);
	if (ok) {
		fm_map_locked(s, va & ~(P - 1), pfn, gen, write ? r : r & ~MAP_W);
		flog[s][nflog[s]].w = (va & ~(P - 1)) | (write ? 0 : FILL_ZERO);
		flog[s][nflog[s]].old = 0;
		flog[s][nflog[s]++].pfn = pfn;
	}
	pthread_mutex_unlock(&machine);
	return ok;
}

/* The kernel's copy at a write to a copy-marked page of space s: a new
 * frame (held like alloc's) with the old one's bytes, mapped writable,
 * logged; false if va has no copy mark or the log is full. */
static inline bool fm_copy(uint32_t s, uint64_t va)
{
	pthread_mutex_lock(&machine);
	int i = slot(va & ~(P - 1));
	uint64_t pfn, old = pt[s][i].pfn;
	uint32_t gen;
	bool ok = pt[s][i].on && pt[s][i].copy && !(pt[s][i].rights & MAP_W) &&
		  nflog[s] < FM_FILLS && !fills_stopped[s] && fm_alloc_locked(&pfn, &gen) == E_OK;
	if (ok) {
		memcpy(fr[pfn].data, fr[old].data, P);
		fm_map_locked(s, va & ~(P - 1), pfn, gen, pt[s][i].rights | MAP_W);
		flog[s][nflog[s]].w = (va & ~(P - 1)) | FILL_COPY;
		flog[s][nflog[s]].old = old;
		flog[s][nflog[s]++].pfn = pfn;
	}
	pthread_mutex_unlock(&machine);
	return ok;
}

static void f_fill_mark(uint32_t s, uint64_t va, uint64_t n, unsigned rights,
			const uint64_t *mask)
{
	pthread_mutex_lock(&machine);
	ck_assert_uint_le(n, DP_PROTECT_MAX);
	for (uint64_t k = 0; k < n; k++)
		if (((mask[k / 64] >> (k % 64)) & 1) && !pt[s][slot(va + k * P)].on)
			mark[s][slot(va + k * P)] = rights;
	pthread_mutex_unlock(&machine);
}

static unsigned f_fill_take(uint32_t s, uint64_t *buf, unsigned max, uint64_t va, uint64_t n)
{
	pthread_mutex_lock(&machine);
	if (max & FILL_TAKE_STOP)
		fills_stopped[s] = true;
	if (max & FILL_TAKE_GO)
		fills_stopped[s] = false;
	max &= 0xFFFF;
	uint64_t lo = va > BASE ? va : BASE, end = va + n * P; /* the machine's part */
	for (uint64_t a = lo; a < end && a < BASE + NVA * P; a += P) {
		mark[s][slot(a)] = 0;
		pt[s][slot(a)].copy = false;
	}
	unsigned got = 0;
	for (; got < max && got < nflog[s]; got++) {
		buf[FILL_REC_WORDS * got] = flog[s][got].w;
		buf[FILL_REC_WORDS * got + 1] = flog[s][got].pfn;
		buf[FILL_REC_WORDS * got + 2] = fr[flog[s][got].pfn].gen;
		buf[FILL_REC_WORDS * got + 3] = flog[s][got].old;
	}
	for (unsigned j = got; j < nflog[s]; j++)
		flog[s][j - got] = flog[s][j];
	nflog[s] -= got;
	pthread_mutex_unlock(&machine);
	return got;
}

static void f_protect(uint32_t s, uint64_t va, uint64_t n, unsigned rights,
		      const uint64_t *mask)
{
	pthread_mutex_lock(&machine);
	protect_calls++;
	ck_assert_uint_le(n, DP_PROTECT_MAX);
	for (uint64_t k = 0; k < n; k++) {
		mark[s][slot(va + k * P)] = 0;
		pt[s][slot(va + k * P)].copy = false;
		if (pt[s][slot(va + k * P)].on)
			pt[s][slot(va + k * P)].rights =
				(mask[k / 64] >> (k % 64)) & 1 ? rights : rights & ~MAP_W;
	}
	pthread_mutex_unlock(&machine);
}

/* Like the kernel's share_cow: mapped pages of src lose MAP_W there and
 * appear read-only in dst, one more frame reference each. */
static int f_share(uint32_t dst, uint32_t src, uint64_t va, uint64_t n, bool copy)
{
	ck_assert_uint_ne(dst, src);
	pthread_mutex_lock(&machine);
	for (uint64_t k = 0; k < n; k++) {
		int i = slot(va + k * P);
		if (!pt[src][i].on)
			continue;
		pt[src][i].rights &= ~MAP_W;
		pt[src][i].copy = copy;
		fr[pt[src][i].pfn].refs++;
		fm_drop_locked(dst, i);
		pt[dst][i] = pt[src][i];
	}
	pthread_mutex_unlock(&machine);
	if (fm_on_share)
		fm_on_share();
	return E_OK;
}

/* Like the kernel's frame_alloc_map: alloc then map, page by page, until
 * a page is mapped already or frames run out. */
static unsigned f_alloc_map(uint32_t s, uint64_t va, unsigned n, unsigned rights,
			    struct dp_frame *out)
{
	unsigned k;
	pthread_mutex_lock(&machine);
	alloc_map_calls++;
	for (k = 0; k < n; k++) {
		uint32_t gen;
		if (pt[s][slot(va + k * P)].on || fm_alloc_locked(&out[k].pfn, &gen))
			break;
		out[k].gen = gen;
		fm_map_locked(s, va + k * P, out[k].pfn, gen, rights);
	}
	pthread_mutex_unlock(&machine);
	return k;
}

/* The kernel's ksm_merge: if (s, va) still maps pfn and its bytes equal
 * the target's, map the target read-only there; KSM_MERGE_FREE drops the
 * pager's hold on pfn too. */
static int f_merge(uint32_t s, uint64_t va, uint64_t pfn, uint32_t gen, uint64_t tpfn,
		   uint32_t tgen, unsigned how)
{
	int i = slot(va);
	if (!pt[s][i].on || pt[s][i].pfn != pfn || memcmp(fr[pfn].data, fr[tpfn].data, P))
		return E_AGAIN;
	f_map(s, va, tpfn, tgen, MAP_R);
	if (how & KSM_MERGE_FREE)
		f_free(pfn, gen);
	return E_OK;
}

/* Like the kernel's frame_alloc_map1: E_BUSY if va is mapped, else alloc
 * (E_NOMEM: nothing taken) and map. */
static int f_alloc_map1(uint32_t s, uint64_t va, unsigned rights, uint64_t *pfn,
			uint32_t *gen)
{
	pthread_mutex_lock(&machine);
	alloc_map1_calls++;
	int e = pt[s][slot(va)].on ? E_BUSY : fm_alloc_locked(pfn, gen);
	if (e == E_OK)
		fm_map_locked(s, va, *pfn, *gen, rights);
	pthread_mutex_unlock(&machine);
	return e;
}

/* Like the kernel's frame_alloc_copy: E_STALE unless (src, src_gen) is
 * held, else alloc (E_NOMEM: nothing taken) with src's bytes. */
static int f_alloc_copy(uint64_t src, uint32_t src_gen, uint64_t *pfn, uint32_t *gen)
{
	pthread_mutex_lock(&machine);
	alloc_copy_calls++;
	int e = src < NF && fr[src].held && fr[src].gen == src_gen ? fm_alloc_locked(pfn, gen) :
		E_STALE;
	if (e == E_OK)
		memcpy(fr[*pfn].data, fr[src].data, P);
	pthread_mutex_unlock(&machine);
	return e;
}

/* A frame of a shared object: marked as the kernel marks META_SHARED. */
static int f_alloc_shared(uint64_t *pfn, uint32_t *gen)
{
	pthread_mutex_lock(&machine);
	int e = fm_alloc_locked(pfn, gen);
	if (e == E_OK)
		fr[*pfn].shared = true;
	pthread_mutex_unlock(&machine);
	return e;
}

static const struct dp_ops fm_ops = { f_alloc, f_free, f_window, f_map, f_unmap,
				      f_protect, f_share, f_alloc_map, f_merge,
				      f_alloc_map1, f_alloc_copy, f_alloc_shared,
				      f_fill_mark, f_fill_take };

#endif
