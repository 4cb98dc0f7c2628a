/* pager/demand.c from several threads at once, as the pager's threads run
 * it: faults, and the requests on a space's own regions (mmap, munmap,
 * mprotect, madvise, page info: main.c's BESIDE), of different spaces side
 * by side, one space's one at a time (the pager's process lock; here a
 * mutex per space), fork with nothing else running, and a space that no
 * process names any more (a process's end) destroyed beside the faults
 * of the spaces it shares with.  Spaces
 * forked from one parent share page-table leaves, COW frames and a
 * MAP_SHARED object, so the threads meet in demand.c's share lock, cow.c,
 * pagetab.c's leaf references, the object's references and the node
 * pools.  Run under ASan and UBSan, and again under ThreadSanitizer
 * (tsan_demand_mt: a missing lock is a report even when the threads did
 * not collide); each page's bytes and every frame's references are
 * checked, and no frame is ever mapped writable in one space and mapped in
 * another.  The machine is fake_machine.h's. */
#include <sched.h>
#include "abi/fault.h"
#include "cow.h"

#define NF       3072  /* 2 regions x 4 spaces x REGION, the shared ones, a margin */
#define NSPACE   4
#define REGION   256   /* pages per region */
#define NVA      (4 * REGION)
#define ROUNDS   3
#include "fake_machine.h"

#define FRESH    (BASE + REGION * P) /* a second region, never touched before */
#define SHARED   (BASE + 2 * REGION * P) /* MAP_SHARED (requests test) */
#define SCRATCH  (BASE + 3 * REGION * P) /* mapped and unmapped (requests test) */

/* A frame mapped writable in one space (outside the MAP_SHARED areas) is
 * mapped nowhere else: else that space would see the writer's bytes (a
 * COW copy installed too late).  Its references are the pager's hold and
 * one per mapping. */
static void check_private(uint32_t s, int i, uint64_t pfn)
{
	if (BASE + (uint64_t)i * P >= SHARED)
		return;
	int others = fr[pfn].refs - fr[pfn].held - (pt[s][i].on && pt[s][i].pfn == pfn);
	if (others)
		ck_abort_msg("frame %lu writable in space %u, mapped %d times elsewhere",
			     (unsigned long)pfn, s, others);
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

/* f_protect, checking check_private's rule on each page made writable. */
static void protect_private(uint32_t s, uint64_t va, uint64_t n, unsigned rights,
			    const uint64_t *mask)
{
	pthread_mutex_lock(&machine);
	ck_assert_uint_le(n, DP_PROTECT_MAX);
	for (uint64_t k = 0; k < n; k++) {
		int i = slot(va + k * P);
		if (!pt[s][i].on)
			continue;
		bool w = (mask[k / 64] >> (k % 64)) & 1;
		pt[s][i].rights = w ? rights : rights & ~MAP_W;
		if (pt[s][i].rights & MAP_W)
			check_private(s, i, pt[s][i].pfn);
	}
	pthread_mutex_unlock(&machine);
}

/* A space and the lock its faults take (the pager's process lock). */
static struct dp_space spaces[NSPACE];
static pthread_mutex_t space_lock[NSPACE];

/* The CPU and kernel: fault until the mapping allows the access, then do
 * it on the 8 bytes at off in the page.  Faults of one space one at a
 * time. */
static void access_at(uint32_t s, uint64_t va, unsigned off, bool write, uint64_t *val)
{
	int i = slot(va);
	for (int tries = 0; tries < 4; tries++) {
		unsigned need = write ? MAP_W : MAP_R;
		pthread_mutex_lock(&machine);
		bool ok = pt[s][i].on && (pt[s][i].rights & need) == need;
		if (ok) {
			uint8_t *w = fr[pt[s][i].pfn].data + off;
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

static void access_word(uint32_t s, uint64_t va, bool write, uint64_t *val)
{
	access_at(s, va, 0, write, val);
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

/* The demand manager on the fake machine, with the checking map and
 * protect (no frame writable in one space while mapped in another). */
static uint32_t zgen;
static uint64_t zpfn; /* the zero frame */

static void init_private_dp(void)
{
	memset(&dp_stats, 0, sizeof dp_stats);
	f_alloc(&zpfn, &zgen);
	static struct dp_ops ops;
	ops = fm_ops;
	ops.map = map_private;
	ops.protect = protect_private;
	ck_assert_int_eq(cow_init(NF, fm_cow_page), E_OK);
	dp_init(&ops, zpfn, zgen);
}

/* Once every space is gone: no frame but the zero frame referenced, no
 * COW entry, page-table page or held frame left. */
static void assert_all_released(void)
{
	for (int i = 1; i < NF; i++)
		if ((uint64_t)i != zpfn)
			ck_assert_msg(fr[i].refs == 0, "frame %d refs %d", i, fr[i].refs);
	ck_assert_uint_eq(cow_entries(), 0);
	ck_assert_uint_eq(pagetab_pages_used(), 0);
	ck_assert_uint_eq(dp_stats.frames_held, 0);
}

START_TEST(faults_of_forked_spaces_at_once)
{
	init_private_dp();
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
	assert_all_released();
	f_free(zpfn, zgen);
}
END_TEST

/* ---- requests beside faults ---- */

#define CHUNK  16                  /* pages the mapper works on at a time */
#define LOOPS  (3 * REGION / CHUNK) /* every chunk of the region three times */

#ifndef REPS                       /* (2 in the ThreadSanitizer build) */
#define REPS   8                   /* fork, run, destroy: 8 times */
#endif

static struct shm *shared_obj;     /* SHARED's object, in every space */
static uint64_t expect1[REGION];   /* space 1's words at BASE, as it wrote them */
static pthread_barrier_t start;    /* the threads of one run start at once */

/* Run a request on space s under its lock (the pager's process lock). */
#define REQ(s, call) do {                                 \
		pthread_mutex_lock(&space_lock[s]);       \
		int e_ = (call);                          \
		pthread_mutex_unlock(&space_lock[s]);     \
		ck_assert_int_eq(e_, E_OK);               \
	} while (0)

static int dontneed(struct dp_space *s, uint64_t a, uint64_t b)
{
	dp_dontneed(s, a, b);
	return E_OK;
}

/* MAP_FIXED anonymous memory over [a, b): unmap, register, merge. */
static int map_fixed(struct dp_space *s, uint64_t a, uint64_t b)
{
	int e = dp_unmap(s, a, b);
	if (e == E_OK)
		e = dp_register_lazy(s, a, b - a, MAP_R | MAP_W, &backing_anon, NULL);
	if (e == E_OK)
		dp_merge_around(s, a, b);
	return e;
}

/* The same for SHARED's pages [a, b): a region on the shared object again. */
static int map_shared_again(struct dp_space *s, uint64_t a, uint64_t b)
{
	int e = dp_unmap(s, a, b);
	if (e == E_OK)
		e = dp_register_shared(s, a, b - a, MAP_R | MAP_W, shared_obj, SHARED);
	if (e == E_OK)
		dp_merge_around(s, a, b);
	return e;
}

/* mprotect [a, b) read-only, check that no page there is mapped writable,
 * then read and writable again (splits, then merges). */
static void protect_cycle(uint32_t s, uint64_t a, uint64_t b)
{
	REQ(s, dp_protect_range(&spaces[s], a, b, MAP_R));
	pthread_mutex_lock(&machine);
	for (uint64_t va = a; va < b; va += P)
		ck_assert(!pt[s][slot(va)].on || !(pt[s][slot(va)].rights & MAP_W));
	pthread_mutex_unlock(&machine);
	REQ(s, dp_protect_range(&spaces[s], a, b, MAP_R | MAP_W));
}

/* A new MAP_SHARED object at SCRATCH (its last reference the region's),
 * written and read, unmapped (the object and its frames go); then
 * anonymous memory there, populated (zero), released, unmapped. */
static void scratch_cycle(int it)
{
	struct dp_space *sp = &spaces[1];
	uint64_t end = SCRATCH + CHUNK * P;
	pthread_mutex_lock(&space_lock[1]);
	struct shm *o = dp_shm_new();
	ck_assert_ptr_nonnull(o);
	int e = dp_register_shared(sp, SCRATCH, CHUNK * P, MAP_R | MAP_W, o, SCRATCH);
	dp_shm_put(o);
	pthread_mutex_unlock(&space_lock[1]);
	ck_assert_int_eq(e, E_OK);
	for (int k = 0; k < CHUNK; k++) {
		uint64_t v = value(1, k, it), got = 0;
		access_word(1, SCRATCH + k * P, true, &v);
		access_word(1, SCRATCH + k * P, false, &got);
		ck_assert_uint_eq(got, v);
	}
	REQ(1, dp_unmap(sp, SCRATCH, end));
	REQ(1, dp_register_lazy(sp, SCRATCH, CHUNK * P, MAP_R | MAP_W, &backing_anon, NULL));
	REQ(1, dp_populate(sp, SCRATCH, end));
	for (int k = 0; k < CHUNK; k++) {
		uint64_t got = 1;
		access_word(1, SCRATCH + k * P, false, &got);
		ck_assert_uint_eq(got, 0);
	}
	REQ(1, dontneed(sp, SCRATCH, end));
	REQ(1, dp_unmap(sp, SCRATCH, end));
}

/* Space 1's requests while the other spaces (and space 1's own faulter)
 * fault: per chunk of BASE, check and write its pages (COW faults on the
 * frames the other spaces share), mprotect them away and back, then unmap
 * and map them again, or release them (MADV_DONTNEED), or release and
 * populate them (MAP_POPULATE): their COW shares go while the others copy
 * and reuse the same frames.  The same chunk of SHARED is protected and
 * remapped (the object's references), and SCRATCH comes and goes. */
static void *mapper(void *arg)
{
	(void)arg;
	struct dp_space *sp = &spaces[1];
	pthread_barrier_wait(&start);
	REQ(1, dontneed(sp, BASE, BASE + REGION * P)); /* 256 COW shares go at once */
	memset(expect1, 0, sizeof expect1);
	for (int it = 0; it < LOOPS; it++) {
		int c = it % (REGION / CHUNK);
		uint64_t a = BASE + (uint64_t)c * CHUNK * P, b = a + CHUNK * P;
		for (int k = 0; k < CHUNK; k++) {
			int page = c * CHUNK + k;
			uint64_t got = 0, v = value(1, page, it);
			access_word(1, a + k * P, false, &got);
			ck_assert_uint_eq(got, expect1[page]);
			access_word(1, a + k * P, true, &v);
			expect1[page] = v;
		}
		protect_cycle(1, a, b);
		REQ(1, it % 3 == 0 ? map_fixed(sp, a, b) : dontneed(sp, a, b));
		if (it % 3 == 2)
			REQ(1, dp_populate(sp, a, b));
		for (int k = 0; k < CHUNK; k++)
			expect1[c * CHUNK + k] = 0;
		uint64_t sa = SHARED + (uint64_t)c * CHUNK * P, sb = sa + CHUNK * P;
		protect_cycle(1, sa, sb);
		if (it % 2)
			REQ(1, map_shared_again(sp, sa, sb));
		for (int k = 0; k < CHUNK; k++) {
			uint64_t v = value(1, c * CHUNK + k, it), got = 0;
			access_at(1, sa + k * P, 8, true, &v);
			access_at(1, sa + k * P, 8, false, &got);
			ck_assert_uint_eq(got, v);
		}
		scratch_cycle(it);
	}
	return NULL;
}

static int writes; /* faulter's COW writes so far (destroy_beside_faults) */

/* Spaces 0, 2, 3 (1, 2, 3 beside a destroy): ROUNDS times, write every
 * page of BASE (COW), FRESH (demand-zero) and their own word of SHARED's
 * pages, protect and map again a chunk of SHARED (its object's references
 * change beside space 1's), then read them all back. */
static void *faulter(void *arg)
{
	uint32_t s = (uint32_t)(uintptr_t)arg;
	pthread_barrier_wait(&start);
	for (int round = 0; round < ROUNDS; round++) {
		for (int k = 0; k < REGION; k++) {
			int page = (int)((k * 37u + s * 11u) % REGION);
			uint64_t v = value(s, page, round);
			struct pg_page_info pi; /* PG_PAGEINFO: COW share counts */
			pthread_mutex_lock(&space_lock[s]);
			dp_page_info(&spaces[s], BASE + (uint64_t)page * P, &pi);
			pthread_mutex_unlock(&space_lock[s]);
			ck_assert(pi.flags & PGI_PRESENT);
			ck_assert_uint_ge(pi.mapcount, 1);
			access_word(s, BASE + (uint64_t)page * P, true, &v);
			access_word(s, FRESH + (uint64_t)k * P, true, &v);
			access_at(s, SHARED + (uint64_t)page * P, 8 * s, true, &v);
			__atomic_fetch_add(&writes, 1, __ATOMIC_RELAXED);
		}
		uint64_t sa = SHARED + (uint64_t)((round * 5 + (int)s) % (REGION / CHUNK)) * CHUNK * P;
		protect_cycle(s, sa, sa + CHUNK * P);
		REQ(s, map_shared_again(&spaces[s], sa, sa + CHUNK * P));
		for (int page = 0; page < REGION; page++) {
			uint64_t v = 0, w = 0;
			access_word(s, BASE + (uint64_t)page * P, false, &v);
			ck_assert_uint_eq(v, value(s, page, round));
			access_at(s, SHARED + (uint64_t)page * P, 8 * s, false, &w);
			ck_assert_uint_eq(w, value(s, page, round));
		}
	}
	return NULL;
}

/* Space 1's faults beside its own requests: its FRESH region. */
static void *own_faulter(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start);
	for (int round = 0; round < ROUNDS; round++) {
		for (int k = 0; k < REGION; k++) {
			uint64_t v = value(1, k, round);
			access_word(1, FRESH + (uint64_t)k * P, true, &v);
		}
		for (int k = 0; k < REGION; k++) {
			uint64_t v = 0;
			access_word(1, FRESH + (uint64_t)k * P, false, &v);
			ck_assert_uint_eq(v, value(1, k, round));
		}
	}
	return NULL;
}

/* One run: space 0 with BASE written and SHARED, forked three times, a
 * FRESH region each; the threads; every word checked; all destroyed. */
static void requests_run(void)
{
	for (uint32_t s = 0; s < NSPACE; s++) {
		pthread_mutex_init(&space_lock[s], NULL);
		dp_space_init(&spaces[s], s);
	}
	struct dp_space *s0 = &spaces[0];
	ck_assert_int_eq(dp_register_lazy(s0, BASE, REGION * P, MAP_R | MAP_W, &backing_anon,
					  NULL), E_OK);
	ck_assert_ptr_nonnull(shared_obj = dp_shm_new());
	ck_assert_int_eq(dp_register_shared(s0, SHARED, REGION * P, MAP_R | MAP_W, shared_obj,
					    SHARED), E_OK);
	dp_shm_put(shared_obj); /* the regions hold it */
	for (int page = 0; page < REGION; page++) {
		uint64_t v = value(0, page, 99);
		access_word(0, BASE + (uint64_t)page * P, true, &v);
		expect1[page] = v;
	}
	for (uint32_t s = 1; s < NSPACE; s++) /* leaves and frames shared by 4 */
		ck_assert_int_eq(dp_fork(s0, &spaces[s]), E_OK);
	for (uint32_t s = 0; s < NSPACE; s++)
		ck_assert_int_eq(dp_register_lazy(&spaces[s], FRESH, REGION * P, MAP_R | MAP_W,
						  &backing_anon, NULL), E_OK);
	pthread_t t[NSPACE + 1];
	pthread_barrier_init(&start, NULL, NSPACE + 1);
	ck_assert_int_eq(pthread_create(&t[0], NULL, mapper, NULL), 0);
	ck_assert_int_eq(pthread_create(&t[1], NULL, own_faulter, NULL), 0);
	for (uint32_t s = 2; s < NSPACE; s++)
		ck_assert_int_eq(pthread_create(&t[s], NULL, faulter, (void *)(uintptr_t)s), 0);
	faulter((void *)0);
	for (uint32_t s = 0; s < NSPACE; s++)
		ck_assert_int_eq(pthread_join(t[s], NULL), 0);
	pthread_barrier_destroy(&start);

	for (int page = 0; page < REGION; page++) {
		uint64_t v = 0;
		access_word(1, BASE + (uint64_t)page * P, false, &v);
		ck_assert_uint_eq(v, expect1[page]);
		for (uint32_t s = 0; s < NSPACE; s++) { /* every space's word of SHARED */
			uint64_t w = 0;
			access_at(s, SHARED + (uint64_t)page * P, 8 * s, false, &w);
			ck_assert_uint_eq(w, s == 1 ? value(1, page, LOOPS - REGION / CHUNK +
								    page / CHUNK)
						    : value(s, page, ROUNDS - 1));
		}
	}
	ck_assert_uint_eq(shm_users(shared_obj), NSPACE); /* one region each again */
	for (uint32_t s = 0; s < NSPACE; s++) {
		ck_assert(region_check(&spaces[s].regions));
		f_unmap(s, BASE, NVA);
		dp_destroy(&spaces[s]);
	}
	assert_all_released();
	ck_assert_uint_eq(shm_objects_used(), 0);
	ck_assert_uint_eq(region_nodes_used(), 0);
}

START_TEST(requests_beside_faults)
{
	init_private_dp();
	for (int rep = 0; rep < REPS; rep++)
		requests_run();
	f_free(zpfn, zgen);
}
END_TEST

/* ---- a space destroyed beside the faults of the spaces it shares with
 * (proc.c's doomed memory: a process's end, pg.big for reading) ---- */

static struct dp_space doomed; /* no process names it: no space lock */

static void *destroyer(void *arg)
{
	(void)arg;
	unsigned steps = 0;
	pthread_barrier_wait(&start);
	while (__atomic_load_n(&writes, __ATOMIC_RELAXED) < REGION / 4)
		sched_yield(); /* in the middle of the writers' COW faults */
	while (!dp_destroy_step(&doomed))
		steps++;
	ck_assert_uint_ge(steps, REGION / PAGETAB_LEAF); /* a leaf at a time */
	return NULL;
}

START_TEST(destroy_beside_faults)
{
	init_private_dp();
	for (int rep = 0; rep < REPS; rep++) {
		for (uint32_t s = 0; s < NSPACE; s++) {
			pthread_mutex_init(&space_lock[s], NULL);
			dp_space_init(&spaces[s], s);
		}
		struct dp_space *s0 = &spaces[0];
		ck_assert_int_eq(dp_register_lazy(s0, BASE, REGION * P, MAP_R | MAP_W,
						  &backing_anon, NULL), E_OK);
		ck_assert_ptr_nonnull(shared_obj = dp_shm_new());
		ck_assert_int_eq(dp_register_shared(s0, SHARED, REGION * P, MAP_R | MAP_W,
						    shared_obj, SHARED), E_OK);
		dp_shm_put(shared_obj);
		for (int page = 0; page < REGION; page++) {
			uint64_t v = value(0, page, 99);
			access_word(0, BASE + (uint64_t)page * P, true, &v);
			access_word(0, SHARED + (uint64_t)page * P, true, &v);
		}
		for (uint32_t s = 1; s < NSPACE; s++)
			ck_assert_int_eq(dp_fork(s0, &spaces[s]), E_OK);
		for (int page = 0; page < REGION; page += PAGETAB_LEAF) {
			/* leaves of its own, COW entries in them (shared frames) */
			uint64_t v = value(0, page, 98);
			access_word(0, BASE + (uint64_t)page * P, true, &v);
		}
		for (uint32_t s = 1; s < NSPACE; s++)
			ck_assert_int_eq(dp_register_lazy(&spaces[s], FRESH, REGION * P,
							  MAP_R | MAP_W, &backing_anon, NULL),
					 E_OK);
		writes = 0;
		/* space 0 ends: its mappings go, its memory is handed over */
		f_unmap(0, BASE, NVA);
		doomed = *s0;
		dp_space_init(s0, 0);
		pthread_t t[NSPACE];
		pthread_barrier_init(&start, NULL, NSPACE);
		ck_assert_int_eq(pthread_create(&t[0], NULL, destroyer, NULL), 0);
		for (uint32_t s = 1; s < NSPACE - 1; s++)
			ck_assert_int_eq(pthread_create(&t[s], NULL, faulter,
							 (void *)(uintptr_t)s), 0);
		faulter((void *)(uintptr_t)(NSPACE - 1));
		for (uint32_t s = 0; s < NSPACE - 1; s++)
			ck_assert_int_eq(pthread_join(t[s], NULL), 0);
		pthread_barrier_destroy(&start);

		ck_assert_uint_eq(shm_users(shared_obj), NSPACE - 1);
		for (int page = 0; page < REGION; page++) { /* space 0's word stays */
			uint64_t w = 0;
			access_word(1, SHARED + (uint64_t)page * P, false, &w);
			ck_assert_uint_eq(w, value(0, page, 99));
		}
		/* each space its own copy of BASE and FRESH, and the object's */
		ck_assert_uint_eq(dp_stats.frames_held, (NSPACE - 1) * 2 * REGION + REGION);
		for (uint32_t s = 0; s < NSPACE; s++) {
			f_unmap(s, BASE, NVA);
			dp_destroy(&spaces[s]);
		}
		assert_all_released();
		ck_assert_uint_eq(shm_objects_used(), 0);
		ck_assert_uint_eq(region_nodes_used(), 0);
	}
	f_free(zpfn, zgen);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("demand_mt");
	TCase *tc = tcase_create("threads");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, faults_of_forked_spaces_at_once);
	tcase_add_test(tc, requests_beside_faults);
	tcase_add_test(tc, destroy_beside_faults);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
