/* pager/demand.c from several threads at once, as the pager's threads run
 * it: faults of different spaces side by side, one space's faults one at a
 * time (the pager's process lock; here a mutex per space), everything else
 * with no fault running.  Spaces forked from one parent share page-table
 * leaves and COW frames, so the threads meet in demand.c's share lock,
 * cow.c, pagetab.c's leaf references and the node pools.  Run under ASan
 * and UBSan; each page's bytes and every frame's references are checked,
 * and no frame is ever mapped writable in one space and mapped in another.
 * The machine is fake_machine.h's. */
#include "abi/fault.h"
#include "cow.h"

#define NF       2304  /* 2 regions x 4 spaces x REGION, and a margin */
#define NSPACE   4
#define REGION   256   /* pages per region */
#define NVA      (2 * REGION)
#define ROUNDS   3
#include "fake_machine.h"

#define FRESH    (BASE + REGION * P) /* a second region, never touched before */

/* A frame mapped writable in one space is mapped in no other: else that
 * space would see the writer's bytes (a COW copy installed too late). */
static void check_private(uint32_t s, int i, uint64_t pfn)
{
	for (uint32_t o = 0; o < NSPACE; o++)
		for (int j = 0; j < NVA; j++)
			if ((o != s || j != i) && pt[o][j].on && pt[o][j].pfn == pfn)
				ck_abort_msg("frame %lu writable in space %u, mapped in %u too",
					     (unsigned long)pfn, s, o);
}

/* f_map, checking check_private's rule first. */
static int map_private(uint32_t s, uint64_t va, uint64_t pfn, uint32_t gen, unsigned rights)
{
	pthread_mutex_lock(&machine);
	if (rights & MAP_W)
		check_private(s, slot(va), pfn);
	fm_map_locked(s, va, pfn, gen, rights);
	pthread_mutex_unlock(&machine);
	return E_OK;
}

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
			map_private(s, m.va, m.pfn, m.gen, m.rights);
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
		for (int k = 0; k < REGION; k++) {
			int page = (int)((k * 37u + s * 11u) % REGION);
			uint64_t v = value(s, page, round);
			access_word(s, BASE + (uint64_t)page * P, true, &v);
			access_word(s, FRESH + (uint64_t)k * P, true, &v);
		}
		for (int page = 0; page < REGION; page++) {
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
	for (int k = 0; k < REGION; k++) {
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
	static struct dp_ops ops;
	ops = fm_ops;
	ops.map = map_private;
	dp_init(&ops, zpfn, zgen);
	for (uint32_t s = 0; s < NSPACE; s++) {
		pthread_mutex_init(&space_lock[s], NULL);
		dp_space_init(&spaces[s], s);
	}
	ck_assert_int_eq(dp_register_lazy(&spaces[0], BASE, REGION * P, MAP_R | MAP_W,
					  &backing_anon, NULL), E_OK);
	for (int page = 0; page < REGION; page++) {
		uint64_t v = value(0, page, 99);
		access_word(0, BASE + (uint64_t)page * P, true, &v);
	}
	for (uint32_t s = 1; s < NSPACE; s++) /* leaves and frames shared by 4 */
		ck_assert_int_eq(dp_fork(&spaces[0], &spaces[s]), E_OK);
	for (uint32_t s = 0; s < NSPACE; s++)
		ck_assert_int_eq(dp_register_lazy(&spaces[s], FRESH, REGION * P, MAP_R | MAP_W,
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
	ck_assert_uint_eq(dp_stats.frames_held, NSPACE * 2 * REGION);
	for (uint32_t s = 0; s < NSPACE; s++) {
		f_unmap(s, BASE, NVA); /* the space dies: its mappings, then pages */
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
