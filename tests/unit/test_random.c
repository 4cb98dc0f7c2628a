/* Randomized tests against a simple model: a seeded sequence of 20000
 * mixed operations across simulated CPUs, checked after every step; and
 * pthreads playing CPUs, hammering the allocator concurrently.
 * TEST_SEED=n in the environment replays another sequence. */
#include <check.h>
#include "check_run.h"
#include "rng.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mm/frame.h"
#include "mm/pcp.h"
#include "shim.h"

#define MIB (1ull << 20)
#define NFRAMES 4096u        /* 16 MiB */
#define FIRST_FREE 256u      /* [1 MiB, 16 MiB) is free */
#define MANAGED (NFRAMES - FIRST_FREE)
#define NCPUS 4


static uint64_t seed(uint64_t dflt)
{
	const char *e = getenv("TEST_SEED");
	uint64_t s = e ? strtoull(e, NULL, 0) : dflt;
	return s ? s : 1;
}

/* Mostly order 0, sometimes larger (geometric). */
static unsigned rnd_order(uint64_t r)
{
	if (r % 10 < 7)
		return 0;
	unsigned k = 1;
	while (k < FRAME_MAX_ORDER && (r >>= 1) & 1)
		k++;
	return k;
}

static void audit(void)
{
	char why[200];
	ck_assert_msg(shim_mm_audit(why, sizeof why), "audit: %s", why);
}

static void drain_all(void)
{
	for (unsigned c = 0; c < NCPUS; c++) {
		shim_set_cpu(c);
		pcp_batch_drain(pcp_of(c), pcp_cached_count(pcp_of(c)));
	}
	shim_set_cpu(0);
}

static void setup(void)
{
	shim_set_cpu(0);
	shim_mm_init(NFRAMES * 4096ull, FIRST_FREE * 4096ull, NFRAMES * 4096ull,
		     NCPUS);
	shim_console_clear();
}

static void teardown(void)
{
	shim_mm_fini();
}

/* ---- the sequential model ---- */

struct block {
	uint64_t pfn;
	unsigned order, refs;
};

static struct model {
	struct block live[NFRAMES];
	unsigned nlive;
	uint32_t owner[NFRAMES];  /* 1 + index in live of the owning block */
	bool marked[NFRAMES];     /* mark_poisoned called */
	uint64_t alloc_frames;
	uint64_t quarantined;     /* marked, managed, not owned */
	bool poison, misuse;      /* which operations to mix in */
} M;

static void own(uint64_t pfn, unsigned k, unsigned idx)
{
	for (uint64_t p = pfn; p < pfn + (1ull << k); p++) {
		ck_assert_msg(M.owner[p] == 0, "pfn %lu handed out twice",
			      (unsigned long)p);
		ck_assert_msg(!M.marked[p], "poisoned pfn %lu handed out",
			      (unsigned long)p);
		M.owner[p] = idx + 1;
	}
}

static void check_zero(uint64_t pfn, unsigned k)
{
	const uint64_t *w = arch_phys_to_virt(pfn << 12);
	for (uint64_t i = 0; i < (512ull << k); i++)
		ck_assert_uint_eq(w[i], 0);
}

static void step_alloc(uint64_t r)
{
	unsigned k = rnd_order(r >> 8);
	struct frame_alloc_options o = { k, (r >> 40) % 8 == 0,
					 PURPOSE_PAGE_TABLE + (r >> 44) % 4 };
	uint64_t pfn = ~0ull;
	bool buddy = (r >> 50) % 5 == 0;
	int e = buddy ? buddy_alloc(&o, &pfn) : frame_alloc(&o, &pfn);
	if (e == E_NOMEM) {
		struct frame_stats s;
		frame_stats(&s);
		for (unsigned j = k; j <= FRAME_MAX_ORDER; j++)
			ck_assert_uint_eq(s.free_blocks[j], 0);
		return;
	}
	ck_assert_int_eq(e, E_OK);
	ck_assert_uint_eq(pfn & ((1ull << k) - 1), 0);
	ck_assert_uint_ge(pfn, FIRST_FREE);
	ck_assert_uint_le(pfn + (1ull << k), NFRAMES);
	own(pfn, k, M.nlive);
	if (o.zeroed)
		check_zero(pfn, k);
	else /* dirty it: the allocator must not care */
		memset(arch_phys_to_virt(pfn << 12), 0x6B, 4096ull << k);
	M.live[M.nlive++] = (struct block){ pfn, k, 1 };
	M.alloc_frames += 1ull << k;
}

static void release(unsigned i)
{
	struct block b = M.live[i];
	for (uint64_t p = b.pfn; p < b.pfn + (1ull << b.order); p++) {
		M.owner[p] = 0;
		M.quarantined += M.marked[p];
	}
	M.alloc_frames -= 1ull << b.order;
	M.live[i] = M.live[--M.nlive];
	if (i < M.nlive) /* renumber the moved block's frames */
		for (uint64_t p = M.live[i].pfn;
		     p < M.live[i].pfn + (1ull << M.live[i].order); p++)
			M.owner[p] = i + 1;
}

static void step_free(uint64_t r)
{
	if (!M.nlive)
		return;
	unsigned i = (unsigned)((r >> 8) % M.nlive);
	struct block *b = &M.live[i];
	bool buddy = (r >> 50) % 5 == 0;
	int e = buddy ? buddy_free(b->pfn, b->order) : frame_free(b->pfn, b->order);
	ck_assert_int_eq(e, E_OK);
	if (--b->refs == 0)
		release(i);
}

static void step_get(uint64_t r)
{
	if (!M.nlive)
		return;
	struct block *b = &M.live[(r >> 8) % M.nlive];
	ck_assert_int_eq(frame_get(b->pfn), E_OK);
	b->refs++;
}

/* What a free of (pfn, k) must be refused with, or E_OK if it is legal. */
static int expected_refusal(uint64_t pfn, unsigned k)
{
	if (pfn >= NFRAMES)
		return E_RANGE;
	if (k > FRAME_MAX_ORDER)
		return E_BADORDER;
	if (M.owner[pfn]) {
		struct block *b = &M.live[M.owner[pfn] - 1];
		if (b->pfn != pfn)
			return E_NOTALLOC;
		return b->order == k ? E_OK : E_BADORDER;
	}
	if (pfn < FIRST_FREE || M.marked[pfn])
		return E_NOTALLOC;
	return E_DOUBLEFREE;
}

static void step_misuse(uint64_t r)
{
	uint64_t pfn = (r >> 8) % (NFRAMES + 16);
	unsigned k = (unsigned)((r >> 30) % (FRAME_MAX_ORDER + 2));
	int want = expected_refusal(pfn, k);
	if (want == E_OK)
		return;
	struct frame_stats before, after;
	frame_stats(&before);
	shim_console_clear();
	int e = (r >> 50) % 2 ? buddy_free(pfn, k) : frame_free(pfn, k);
	ck_assert_msg(e == want, "free(0x%lx, %u): got %d want %d",
		      (unsigned long)pfn, k, e, want);
	frame_stats(&after);
	ck_assert_mem_eq(&before, &after, sizeof before);
	ck_assert(shim_console_has("frame: refused free of pfn"));
	ck_assert_uint_eq(shim_console_lines(), 1);
}

static void step_poison(uint64_t r)
{
	uint64_t pfn = FIRST_FREE + (r >> 8) % MANAGED;
	ck_assert_int_eq(mark_poisoned(pfn), E_OK);
	if (!M.marked[pfn] && !M.owner[pfn])
		M.quarantined++;
	M.marked[pfn] = true;
}

/* After every step: the counters agree with the model. */
static void check_model(void)
{
	struct frame_stats s;
	frame_stats(&s);
	ck_assert_uint_eq(s.free + M.alloc_frames, s.total);
	ck_assert_uint_eq(s.total + s.poisoned, MANAGED);
	ck_assert_uint_eq(s.poisoned, M.quarantined);
	ck_assert_uint_eq(s.reserved, FIRST_FREE);
	uint64_t by = 0;
	for (int p = 0; p < PURPOSE_COUNT; p++)
		by += s.by_purpose[p];
	ck_assert_uint_eq(by, M.alloc_frames);
	ck_assert_uint_eq(s.allocs - s.frees, M.nlive);
	ck_assert(shim_irqs_enabled());
}

static void run_sequence(uint64_t sd, unsigned steps)
{
	rng_state = sd;
	for (unsigned i = 0; i < steps; i++) {
		uint64_t r = rnd();
		shim_set_cpu((unsigned)(r % NCPUS));
		unsigned op = (unsigned)((r >> 56) % 100);
		if (op < 46)
			step_alloc(r);
		else if (op < 88)
			step_free(r);
		else if (op < 92)
			step_get(r);
		else if (op < 99 && M.misuse)
			step_misuse(r);
		else if (op == 99 && M.poison)
			step_poison(r);
		check_model();
		if (i % 250 == 0)
			audit();
	}
	audit();
	while (M.nlive) /* give everything back */
		step_free((uint64_t)(M.nlive - 1) << 8);
	check_model();
	drain_all();
	audit();
}

START_TEST(random_sequence_clean_recovery)
{
	uint64_t sd = seed(0x5eed1234);
	fprintf(stderr, "test_random: clean sequence, seed 0x%lx\n",
		(unsigned long)sd);
	memset(&M, 0, sizeof M);
	struct frame_stats s0, s;
	frame_stats(&s0);
	run_sequence(sd, 20000);
	frame_stats(&s);
	ck_assert_uint_eq(s.free, s0.free);
	ck_assert_mem_eq(s.free_blocks, s0.free_blocks, sizeof s.free_blocks);
	ck_assert_uint_gt(s.allocs, 5000);
	ck_assert_uint_gt(s.pcp_refills, 10);
	ck_assert_uint_gt(s.pcp_drains, 0);
}
END_TEST

START_TEST(random_sequence_with_misuse_and_poison)
{
	uint64_t sd = seed(0xfeedbeef) + 1;
	fprintf(stderr, "test_random: mixed sequence, seed 0x%lx\n",
		(unsigned long)sd);
	memset(&M, 0, sizeof M);
	M.misuse = M.poison = true;
	run_sequence(sd, 20000);
	struct frame_stats s;
	frame_stats(&s);
	ck_assert_uint_gt(s.poisoned, 20);
	ck_assert_uint_eq(s.free, s.total);
	unsigned guarded = 0;
	for (uint64_t p = FIRST_FREE; p < NFRAMES; p++)
		if (meta_get(p)->guard & GUARD_POISONED) {
			guarded++;
			ck_assert_uint_eq(meta_get(p)->flags, META_QUARANTINE);
		}
	ck_assert_uint_eq(guarded, s.poisoned);
}
END_TEST

/* ---- threads as CPUs ---- */

#define NTHREADS 4
#define OPS_PER_THREAD 20000
#define QUEUE_MAX 256

static _Atomic uint8_t frame_owner[NFRAMES]; /* 0, or 1 + thread */
static _Atomic uint64_t poison_seq[NFRAMES]; /* when its mark returned */
static _Atomic uint64_t seq_clock = 1;
static atomic_int errors_twice, errors_poison, errors_free, errors_owner;
static atomic_bool stop_poisoner;

/* Blocks handed from one thread to another to free (remote frees). */
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static struct block queue[QUEUE_MAX];
static unsigned q_len;

static bool t_claim(unsigned me, uint64_t pfn, unsigned k, uint64_t t0)
{
	bool ok = true;
	for (uint64_t p = pfn; p < pfn + (1ull << k); p++) {
		uint8_t old = atomic_exchange(&frame_owner[p], (uint8_t)(me + 1));
		if (old) {
			atomic_fetch_add(&errors_twice, 1);
			ok = false;
		}
		uint64_t ps = atomic_load(&poison_seq[p]);
		if (ps && ps < t0) /* marked before this allocation began */
			atomic_fetch_add(&errors_poison, 1);
	}
	return ok;
}

static void t_unclaim(unsigned me, const struct block *b)
{
	for (uint64_t p = b->pfn; p < b->pfn + (1ull << b->order); p++)
		if (atomic_exchange(&frame_owner[p], 0) != me + 1)
			atomic_fetch_add(&errors_owner, 1);
}

static void t_free(unsigned me, const struct block *b)
{
	t_unclaim(me, b);
	if (frame_free(b->pfn, b->order) != E_OK)
		atomic_fetch_add(&errors_free, 1);
}

static bool q_put(struct block b)
{
	pthread_mutex_lock(&q_lock);
	bool ok = q_len < QUEUE_MAX;
	if (ok)
		queue[q_len++] = b;
	pthread_mutex_unlock(&q_lock);
	return ok;
}

static bool q_get(struct block *b)
{
	pthread_mutex_lock(&q_lock);
	bool ok = q_len > 0;
	if (ok)
		*b = queue[--q_len];
	pthread_mutex_unlock(&q_lock);
	return ok;
}

struct worker {
	unsigned cpu;
	uint64_t rng;
	struct block held[512];
	unsigned n;
	unsigned allocs, nomem;
};

static uint64_t w_rnd(struct worker *w)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545F4914F6CDD1Dull;
}

static void w_alloc(struct worker *w, uint64_t r)
{
	unsigned k = (r >> 8) % 8 ? 0 : (unsigned)((r >> 12) % 5);
	struct frame_alloc_options o = { k, false, PURPOSE_USER_DATA };
	uint64_t t0 = atomic_fetch_add(&seq_clock, 1), pfn;
	if (w->n == 512 || frame_alloc(&o, &pfn) != E_OK) {
		w->nomem++;
		return;
	}
	w->allocs++;
	if (t_claim(w->cpu, pfn, k, t0))
		w->held[w->n++] = (struct block){ pfn, k, 1 };
}

/* Free one held block: sometimes here, sometimes on another CPU. */
static void w_free(struct worker *w, uint64_t r)
{
	if (!w->n)
		return;
	unsigned i = (unsigned)((r >> 8) % w->n);
	struct block b = w->held[i];
	w->held[i] = w->held[--w->n];
	if ((r >> 20) % 4 == 0) {
		t_unclaim(w->cpu, &b);
		for (uint64_t p = b.pfn; p < b.pfn + (1ull << b.order); p++)
			atomic_store(&frame_owner[p], NTHREADS + 1); /* in transit */
		if (q_put(b))
			return;
		for (uint64_t p = b.pfn; p < b.pfn + (1ull << b.order); p++)
			atomic_store(&frame_owner[p], w->cpu + 1);
	}
	t_free(w->cpu, &b);
}

static void w_free_remote(struct worker *w)
{
	struct block b;
	if (q_get(&b))
		t_free(NTHREADS, &b);
	(void)w;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	shim_set_cpu(w->cpu);
	for (unsigned i = 0; i < OPS_PER_THREAD; i++) {
		uint64_t r = w_rnd(w);
		unsigned op = (unsigned)(r % 100);
		if (op < 48)
			w_alloc(w, r);
		else if (op < 90)
			w_free(w, r);
		else
			w_free_remote(w);
	}
	while (w->n)
		w_free(w, 0);
	return NULL;
}

static void *poisoner_main(void *arg)
{
	uint64_t r = (uint64_t)(uintptr_t)arg;
	shim_set_cpu(NTHREADS);
	do { /* once at least: on a busy host the workers may end first */
		r ^= r >> 12, r ^= r << 25, r ^= r >> 27;
		uint64_t pfn = FIRST_FREE + (r * 0x2545F4914F6CDD1Dull) % MANAGED;
		mark_poisoned(pfn);
		if (!atomic_load(&poison_seq[pfn]))
			atomic_store(&poison_seq[pfn], atomic_fetch_add(&seq_clock, 1));
		for (volatile int i = 0; i < 20000; i++)
			;
	} while (!atomic_load(&stop_poisoner));
	return NULL;
}

static void run_threads(bool with_poisoner)
{
	static struct worker w[NTHREADS];
	pthread_t th[NTHREADS], pt;
	uint64_t sd = seed(0xabcdef);
	for (unsigned i = 0; i < NTHREADS; i++)
		w[i] = (struct worker){ .cpu = i, .rng = sd * (i + 7) };
	if (with_poisoner)
		pthread_create(&pt, NULL, poisoner_main, (void *)(uintptr_t)sd);
	for (unsigned i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, worker_main, &w[i]);
	for (unsigned i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	atomic_store(&stop_poisoner, true);
	if (with_poisoner)
		pthread_join(pt, NULL);
	struct block b;
	while (q_get(&b))
		t_free(NTHREADS, &b);
	unsigned allocs = 0;
	for (unsigned i = 0; i < NTHREADS; i++)
		allocs += w[i].allocs;
	ck_assert_uint_gt(allocs, NTHREADS * OPS_PER_THREAD / 4);
}

static void check_threads_end(void)
{
	ck_assert_int_eq(atomic_load(&errors_twice), 0);
	ck_assert_int_eq(atomic_load(&errors_poison), 0);
	ck_assert_int_eq(atomic_load(&errors_free), 0);
	ck_assert_int_eq(atomic_load(&errors_owner), 0);
	struct frame_stats s;
	frame_stats(&s);
	ck_assert_uint_eq(s.free, s.total);
	ck_assert_uint_eq(s.allocs, s.frees);
	for (int p = 0; p < PURPOSE_COUNT; p++)
		ck_assert_uint_eq(s.by_purpose[p], 0);
	ck_assert_uint_eq(s.total + s.poisoned, MANAGED);
	ck_assert_uint_eq(shim_console_len(), 0); /* nothing refused */
	audit();
	drain_all();
	audit();
}

START_TEST(threads_hammer_alloc_free)
{
	run_threads(false);
	check_threads_end();
	struct frame_stats s;
	frame_stats(&s);
	ck_assert_uint_eq(s.free, MANAGED);
	ck_assert_uint_eq(s.free_blocks[FRAME_MAX_ORDER], 3);
}
END_TEST

START_TEST(threads_with_concurrent_poisoning)
{
	run_threads(true);
	check_threads_end();
	struct frame_stats s;
	frame_stats(&s);
	ck_assert_uint_gt(s.poisoned, 0);
	unsigned guarded = 0;
	for (uint64_t p = FIRST_FREE; p < NFRAMES; p++) {
		bool g = meta_get(p)->guard & GUARD_POISONED;
		guarded += g;
		ck_assert_uint_eq(g, atomic_load(&poison_seq[p]) != 0);
	}
	ck_assert_uint_eq(guarded, s.poisoned);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("random");
	TCase *t = tcase_create("random");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 300);
	tcase_add_test(t, random_sequence_clean_recovery);
	tcase_add_test(t, random_sequence_with_misuse_and_poison);
	tcase_add_test(t, threads_hammer_alloc_free);
	tcase_add_test(t, threads_with_concurrent_poisoning);
	suite_add_tcase(s, t);

	return check_run(s);
}
