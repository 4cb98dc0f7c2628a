/* pager/demand.c from several threads at once, as the pager's threads run
 * it: faults of different spaces side by side, one space's faults one at a
 * time (the pager's process lock; here a mutex per space), everything else
 * with no fault running.  Spaces forked from one parent share page-table
 * leaves and COW frames, so the threads meet in demand.c's share lock,
 * cow.c, pagetab.c's leaf references and the node pools.  Run under ASan
 * and UBSan; each page's bytes and every frame's references are checked,
 * and no frame is ever mapped writable in one space and mapped in another.
 * The machine is a fake like test_demand.c's, behind one mutex. */
#include <check.h>
#include <pthread.h>
#include <string.h>
#include "abi/err.h"
#include "abi/fault.h"
#include "abi/syscall.h"
#include "cow.h"
#include "demand.h"

#define P        4096ull
#define NF       2304  /* 2 regions x 4 spaces x NVA, and a margin */
#define NSPACE   4
#define NVA      256   /* pages per region */
#define BASE     0x10000000ull
#define FRESH    (BASE + NVA * P) /* a second region, never touched before */
#define ROUNDS   3

static pthread_mutex_t machine = PTHREAD_MUTEX_INITIALIZER;
static struct { int refs; bool held; uint32_t gen; uint8_t data[P]; } fr[NF];
static struct { bool on; uint64_t pfn; unsigned rights; } pt[NSPACE][2 * NVA];

static int slot(uint64_t va)
{
	ck_assert(va >= BASE && va < BASE + 2 * NVA * P && va % P == 0);
	return (int)((va - BASE) / P);
}

/* (machine held) */
static int alloc_locked(uint64_t *pfn, uint32_t *gen)
{
	for (uint64_t i = 1; i < NF; i++) {
		if (fr[i].refs)
			continue;
		fr[i].refs = 1;
		fr[i].held = true;
		memset(fr[i].data, 0, P);
		*pfn = i;
		*gen = ++fr[i].gen;
		return E_OK;
	}
	return E_NOMEM;
}

static void drop_locked(uint32_t s, int i)
{
	if (pt[s][i].on)
		fr[pt[s][i].pfn].refs--;
	pt[s][i].on = false;
}

/* A frame mapped writable in one space is mapped in no other: else that
 * space would see the writer's bytes (a COW copy installed too late). */
static void check_private(uint32_t s, int i, uint64_t pfn)
{
	for (uint32_t o = 0; o < NSPACE; o++)
		for (int j = 0; j < 2 * NVA; j++)
			if ((o != s || j != i) && pt[o][j].on && pt[o][j].pfn == pfn)
				ck_abort_msg("frame %lu writable in space %u, mapped in %u too",
					     (unsigned long)pfn, s, o);
}

static void map_locked(uint32_t s, uint64_t va, uint64_t pfn, uint32_t gen, unsigned rights)
{
	ck_assert(fr[pfn].held && fr[pfn].gen == gen);
	int i = slot(va);
	if (rights & MAP_W)
		check_private(s, i, pfn);
	fr[pfn].refs++;
	drop_locked(s, i);
	pt[s][i].on = true;
	pt[s][i].pfn = pfn;
	pt[s][i].rights = rights;
}

static int f_alloc(uint64_t *pfn, uint32_t *gen)
{
	pthread_mutex_lock(&machine);
	int e = alloc_locked(pfn, gen);
	pthread_mutex_unlock(&machine);
	return e;
}

static void f_free(uint64_t pfn, uint32_t gen)
{
	pthread_mutex_lock(&machine);
	ck_assert(fr[pfn].held && fr[pfn].gen == gen);
	fr[pfn].held = false;
	fr[pfn].refs--;
	pthread_mutex_unlock(&machine);
}

static void *f_window(uint64_t pfn)
{
	ck_assert(pfn < NF);
	return fr[pfn].data;
}

static int f_map(uint32_t s, uint64_t va, uint64_t pfn, uint32_t gen, unsigned rights)
{
	pthread_mutex_lock(&machine);
	map_locked(s, va, pfn, gen, rights);
	pthread_mutex_unlock(&machine);
	return E_OK;
}

static void f_unmap(uint32_t s, uint64_t va, uint64_t n)
{
	pthread_mutex_lock(&machine);
	for (uint64_t k = 0; k < n; k++)
		drop_locked(s, slot(va + k * P));
	pthread_mutex_unlock(&machine);
}

static void f_protect(uint32_t s, uint64_t va, uint64_t n, unsigned rights,
		      const uint64_t *mask)
{
	pthread_mutex_lock(&machine);
	for (uint64_t k = 0; k < n; k++)
		if (pt[s][slot(va + k * P)].on)
			pt[s][slot(va + k * P)].rights =
				(mask[k / 64] >> (k % 64)) & 1 ? rights : rights & ~MAP_W;
	pthread_mutex_unlock(&machine);
}

static int f_share(uint32_t dst, uint32_t src, uint64_t va, uint64_t n)
{
	pthread_mutex_lock(&machine);
	for (uint64_t k = 0; k < n; k++) {
		int i = slot(va + k * P);
		if (!pt[src][i].on)
			continue;
		pt[src][i].rights &= ~MAP_W;
		fr[pt[src][i].pfn].refs++;
		drop_locked(dst, i);
		pt[dst][i] = pt[src][i];
	}
	pthread_mutex_unlock(&machine);
	return E_OK;
}

static unsigned f_alloc_map(uint32_t s, uint64_t va, unsigned n, unsigned rights,
			    struct dp_frame *out)
{
	unsigned k;
	pthread_mutex_lock(&machine);
	for (k = 0; k < n; k++) {
		uint32_t gen;
		if (pt[s][slot(va + k * P)].on || alloc_locked(&out[k].pfn, &gen))
			break;
		out[k].gen = gen;
		map_locked(s, va + k * P, out[k].pfn, gen, rights);
	}
	pthread_mutex_unlock(&machine);
	return k;
}

static const struct dp_ops ops = { f_alloc, f_free, f_window, f_map, f_unmap,
				   f_protect, f_share, f_alloc_map, NULL };

/* A space and the lock its faults take (the pager's process lock). */
static struct dp_space spaces[NSPACE];
static pthread_mutex_t space_lock[NSPACE];

/* The CPU and kernel: fault until the mapping allows the access, then do
 * it on the page's first 8 bytes.  Faults of one space one at a time. */
static void access_word(uint32_t s, uint64_t va, bool write, uint64_t *val)
{
	int i = slot(va);
	for (int tries = 0; tries < 4; tries++) {
		unsigned need = write ? MAP_W : MAP_R;
		pthread_mutex_lock(&machine);
		bool ok = pt[s][i].on && (pt[s][i].rights & need) == need;
		if (ok) {
			uint8_t *w = fr[pt[s][i].pfn].data;
			if (write)
				memcpy(w, val, sizeof *val);
			else
				memcpy(val, w, sizeof *val);
		}
		unsigned acc = (write ? FAULT_ACC_WRITE : FAULT_ACC_READ) |
			       (pt[s][i].on ? FAULT_ACC_PRESENT : 0);
		pthread_mutex_unlock(&machine);
		if (ok)
			return;
		struct dp_map m;
		pthread_mutex_lock(&space_lock[s]);
		int e = dp_fault(&spaces[s], va, acc, &m);
		if (e == E_OK)
			f_map(s, m.va, m.pfn, m.gen, m.rights);
		pthread_mutex_unlock(&space_lock[s]);
		ck_assert_int_eq(e, E_OK);
	}
	ck_abort_msg("fault loop at 0x%lx", (unsigned long)va);
}

static uint64_t value(uint32_t s, int page, int round)
{
	return (uint64_t)s << 32 | (uint64_t)round << 16 | (uint64_t)page;
}

/* One space's thread: ROUNDS times, write every page of the forked region
 * (COW copies and reuses) and of the fresh one (demand-zero, sequential:
 * fault-around), in an order of its own, then read them all back. */
static void *worker(void *arg)
{
	uint32_t s = (uint32_t)(uintptr_t)arg;
	for (int round = 0; round < ROUNDS; round++) {
		for (int k = 0; k < NVA; k++) {
			int page = (int)((k * 37u + s * 11u) % NVA);
			uint64_t v = value(s, page, round);
			access_word(s, BASE + (uint64_t)page * P, true, &v);
			access_word(s, FRESH + (uint64_t)k * P, true, &v);
		}
		for (int page = 0; page < NVA; page++) {
			uint64_t v = 0;
			access_word(s, BASE + (uint64_t)page * P, false, &v);
			ck_assert_uint_eq(v, value(s, page, round));
		}
	}
	return NULL;
}

/* Two threads of space 0 read every page of the fresh region at once: one
 * fills each page, the other finds it there (no double allocation). */
static void *reader(void *arg)
{
	(void)arg;
	for (int k = 0; k < NVA; k++) {
		uint64_t v;
		access_word(0, FRESH + (uint64_t)k * P, false, &v);
	}
	return NULL;
}

START_TEST(faults_of_forked_spaces_at_once)
{
	uint32_t zgen;
	uint64_t zpfn;
	memset(&dp_stats, 0, sizeof dp_stats);
	f_alloc(&zpfn, &zgen);
	dp_init(&ops, zpfn, zgen);
	for (uint32_t s = 0; s < NSPACE; s++) {
		pthread_mutex_init(&space_lock[s], NULL);
		dp_space_init(&spaces[s], s);
	}
	ck_assert_int_eq(dp_register_lazy(&spaces[0], BASE, NVA * P, MAP_R | MAP_W,
					  &backing_anon, NULL), E_OK);
	for (int page = 0; page < NVA; page++) {
		uint64_t v = value(0, page, 99);
		access_word(0, BASE + (uint64_t)page * P, true, &v);
	}
	for (uint32_t s = 1; s < NSPACE; s++) /* leaves and frames shared by 4 */
		ck_assert_int_eq(dp_fork(&spaces[0], &spaces[s]), E_OK);
	for (uint32_t s = 0; s < NSPACE; s++)
		ck_assert_int_eq(dp_register_lazy(&spaces[s], FRESH, NVA * P, MAP_R | MAP_W,
						  &backing_anon, NULL), E_OK);
	pthread_t t[NSPACE + 2];
	for (uint32_t s = 1; s < NSPACE; s++)
		ck_assert_int_eq(pthread_create(&t[s], NULL, worker, (void *)(uintptr_t)s), 0);
	ck_assert_int_eq(pthread_create(&t[NSPACE], NULL, reader, NULL), 0);
	ck_assert_int_eq(pthread_create(&t[NSPACE + 1], NULL, reader, NULL), 0);
	worker((void *)0);
	for (uint32_t s = 1; s < NSPACE + 2; s++)
		ck_assert_int_eq(pthread_join(t[s], NULL), 0);

	/* each space holds its own copy of every page of both regions */
	ck_assert_uint_eq(dp_stats.frames_held, NSPACE * 2 * NVA);
	for (uint32_t s = 0; s < NSPACE; s++) {
		f_unmap(s, BASE, 2 * NVA); /* the space dies: its mappings, then pages */
		dp_destroy(&spaces[s]);
	}
	for (int i = 1; i < NF; i++)
		if ((uint64_t)i != zpfn)
			ck_assert_msg(fr[i].refs == 0, "frame %d refs %d", i, fr[i].refs);
	ck_assert_uint_eq(cow_entries(), 0);
	ck_assert_uint_eq(pagetab_pages_used(), 0);
	ck_assert_uint_eq(dp_stats.frames_held, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("demand_mt");
	TCase *tc = tcase_create("threads");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, faults_of_forked_spaces_at_once);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
