/* kernel/handle.c: handle tables.  A wrong, stale or forged handle value
 * must be an error, never a crash and never another object: checked over
 * every index with many generations, random 32-bit values, after close and
 * after reuse, and against a model over random operations.
 * TEST_SEED=n in the environment replays another random sequence. */
#include <check.h>
#include "check_run.h"
#include "rng.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "handle.h"
#include "shim.h"

/* Check's ck_assert records a mark point (a write to a pipe) on every
 * success; the hot loops use FAST_EQ, which calls into Check only on failure. */
#define FAST_EQ(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) \
		ck_abort_msg("%s == %lld, expected %lld", #a, a_, b_); \
} while (0)

struct fake {
	struct kobj k;
	_Atomic int destroyed;
};

static struct handle_table tbl; /* the table most tests use */

static void fake_destroy(struct kobj *o)
{
	((struct fake *)o)->destroyed++;
}

/* Grown chunks come from here: pages_out counts those not given back;
 * pages_left (when >= 0) is how many more may be had. */
static atomic_long pages_out, pages_left = -1;

static void *test_page_alloc(void)
{
	if (atomic_load(&pages_left) >= 0 && atomic_fetch_sub(&pages_left, 1) <= 0) {
		atomic_fetch_add(&pages_left, 1);
		return NULL;
	}
	void *p = aligned_alloc(4096, 4096);
	ck_assert_ptr_nonnull(p);
	memset(p, 0, 4096);
	atomic_fetch_add(&pages_out, 1);
	return p;
}

static void test_page_free(void *p)
{
	ck_assert_ptr_nonnull(p);
	atomic_fetch_sub(&pages_out, 1);
	free(p);
}

static void setup(void)
{
	rng_state = rng_env_seed(0x9E3779B97F4A7C15ull);
	handle_page_alloc = test_page_alloc;
	handle_page_free = test_page_free;
	atomic_store(&pages_out, 0);
	atomic_store(&pages_left, -1);
	for (unsigned t = KOBJ_SPACE; t < KOBJ_TYPE_COUNT; t++)
		kobj_set_destroy(t, fake_destroy);
	handle_table_init(&tbl);
}

static void fake_init(struct fake *f, unsigned type)
{
	memset(f, 0, sizeof *f);
	ck_assert_int_eq(kobj_init(&f->k, type), E_OK);
}

static uint32_t insert_ok(struct fake *f, unsigned rights, uint64_t badge)
{
	uint32_t v = 0;
	ck_assert_int_eq(handle_insert(&tbl, &f->k, rights, badge, &v), E_OK);
	ck_assert_uint_ne(v, HANDLE_NONE);
	return v;
}

START_TEST(insert_lookup_remove)
{
	struct fake ep;
	fake_init(&ep, KOBJ_ENDPOINT);
	uint32_t v = insert_ok(&ep, RIGHT_SEND | RIGHT_RECV, 0xBADC0FFEEull);
	ck_assert_uint_eq(kobj_refs(&ep.k), 2);
	ck_assert_uint_eq(handle_count(&tbl), 1);
	struct handle_entry e;
	ck_assert_int_eq(handle_lookup(&tbl, v, KOBJ_ENDPOINT, RIGHT_SEND, &e), E_OK);
	ck_assert_ptr_eq(e.obj, &ep.k);
	ck_assert_uint_eq(e.badge, 0xBADC0FFEEull);
	ck_assert_uint_eq(e.rights, RIGHT_SEND | RIGHT_RECV);
	ck_assert_uint_eq(e.type, KOBJ_ENDPOINT);
	ck_assert_uint_eq(kobj_refs(&ep.k), 3); /* the lookup's reference */
	kobj_put(e.obj);
	ck_assert_int_eq(handle_lookup(&tbl, v, HANDLE_ANY_TYPE, 0, &e), E_OK);
	kobj_put(e.obj);
	ck_assert_int_eq(handle_remove(&tbl, v), E_OK);
	ck_assert_uint_eq(kobj_refs(&ep.k), 1);
	ck_assert_uint_eq(handle_count(&tbl), 0);
	ck_assert_int_eq(ep.destroyed, 0);
	ck_assert(shim_irqs_enabled());
}
END_TEST

START_TEST(type_and_rights_checked)
{
	struct fake sp, ep;
	fake_init(&sp, KOBJ_SPACE);
	fake_init(&ep, KOBJ_ENDPOINT);
	uint32_t vs = insert_ok(&sp, RIGHT_CONTROL, 1);
	uint32_t ve = insert_ok(&ep, RIGHT_SEND, 2);
	struct handle_entry e, untouched;
	memset(&e, 0x5A, sizeof e);
	untouched = e;
	ck_assert_int_eq(handle_lookup(&tbl, vs, KOBJ_ENDPOINT, 0, &e), E_BADHANDLE);
	ck_assert_int_eq(handle_lookup(&tbl, vs, KOBJ_THREAD, 0, &e), E_BADHANDLE);
	ck_assert_int_eq(handle_lookup(&tbl, ve, KOBJ_SPACE, 0, &e), E_BADHANDLE);
	ck_assert_int_eq(handle_lookup(&tbl, ve, KOBJ_ENDPOINT, RIGHT_RECV, &e), E_PERM);
	ck_assert_int_eq(handle_lookup(&tbl, ve, KOBJ_ENDPOINT,
				       RIGHT_SEND | RIGHT_RECV, &e), E_PERM);
	ck_assert_int_eq(handle_lookup(&tbl, vs, KOBJ_SPACE, RIGHT_SEND, &e), E_PERM);
	ck_assert_int_eq(memcmp(&e, &untouched, sizeof e), 0);
	ck_assert_uint_eq(kobj_refs(&sp.k), 2); /* failures take no reference */
	ck_assert_uint_eq(kobj_refs(&ep.k), 2);
	ck_assert_int_eq(handle_lookup(&tbl, vs, KOBJ_SPACE, RIGHT_CONTROL, &e), E_OK);
	kobj_put(e.obj);
	/* Rights outside RIGHT_ALL and typeless objects are refused. */
	uint32_t v;
	ck_assert_int_eq(handle_insert(&tbl, &ep.k, RIGHT_ALL + 1, 0, &v), E_INVAL);
	ck_assert_int_eq(handle_insert(&tbl, &ep.k, 0x80, 0, &v), E_INVAL);
	struct fake none = { 0 };
	atomic_store(&none.k.refs, 1);
	ck_assert_int_eq(handle_insert(&tbl, &none.k, 0, 0, &v), E_INVAL);
	none.k.type = KOBJ_TYPE_COUNT;
	ck_assert_int_eq(handle_insert(&tbl, &none.k, 0, 0, &v), E_INVAL);
	ck_assert_uint_eq(handle_count(&tbl), 2);
	ck_assert_uint_eq(kobj_refs(&ep.k), 2);
}
END_TEST

START_TEST(full_table)
{
	struct fake f;
	fake_init(&f, KOBJ_THREAD);
	static uint32_t v[HANDLE_MAX];
	unsigned seen[HANDLE_MAX] = { 0 };
	for (unsigned i = 0; i < HANDLE_MAX; i++) {
		v[i] = insert_ok(&f, RIGHT_CONTROL, i);
		seen[v[i] & HANDLE_INDEX_MASK]++;
	}
	for (unsigned i = 0; i < HANDLE_MAX; i++)
		ck_assert_uint_eq(seen[i], 1); /* every slot used once */
	uint32_t x = 0xDEAD;
	ck_assert_int_eq(handle_insert(&tbl, &f.k, 0, 0, &x), E_NOMEM);
	ck_assert_uint_eq(x, 0xDEAD);
	ck_assert_uint_eq(kobj_refs(&f.k), 1 + HANDLE_MAX);
	ck_assert_uint_eq(handle_count(&tbl), HANDLE_MAX);
	/* One free slot: it is reused, under a new value. */
	ck_assert_int_eq(handle_remove(&tbl, v[77]), E_OK);
	uint32_t nv = insert_ok(&f, 0, 0);
	ck_assert_uint_eq(nv & HANDLE_INDEX_MASK, v[77] & HANDLE_INDEX_MASK);
	ck_assert_uint_ne(nv, v[77]);
	struct handle_entry e;
	ck_assert_int_eq(handle_lookup(&tbl, v[77], HANDLE_ANY_TYPE, 0, &e), E_BADHANDLE);
	ck_assert_int_eq(handle_remove(&tbl, v[77]), E_BADHANDLE);
	ck_assert_int_eq(handle_lookup(&tbl, nv, KOBJ_THREAD, 0, &e), E_OK);
	ck_assert_uint_eq(e.badge, 0);
	kobj_put(e.obj);
	handle_table_destroy(&tbl);
	ck_assert_uint_eq(kobj_refs(&f.k), 1);
}
END_TEST

START_TEST(stale_after_close_and_reuse)
{
	struct fake a, b;
	fake_init(&a, KOBJ_ENDPOINT);
	fake_init(&b, KOBJ_ENDPOINT);
	uint32_t va = insert_ok(&a, RIGHT_ALL, 1);
	ck_assert_int_eq(handle_remove(&tbl, va), E_OK);
	ck_assert_int_eq(handle_remove(&tbl, va), E_BADHANDLE); /* double close */
	struct handle_entry e;
	ck_assert_int_eq(handle_lookup(&tbl, va, KOBJ_ENDPOINT, 0, &e), E_BADHANDLE);
	/* Reuse every slot, several times: the old value never names b. */
	for (int round = 0; round < 3 * HANDLE_MAX; round++) {
		uint32_t vb = insert_ok(&b, RIGHT_ALL, 2);
		ck_assert_uint_ne(vb, va);
		ck_assert_int_eq(handle_lookup(&tbl, va, HANDLE_ANY_TYPE, 0, &e),
				 E_BADHANDLE);
		ck_assert_int_eq(handle_remove(&tbl, va), E_BADHANDLE);
		ck_assert_int_eq(handle_remove(&tbl, vb), E_OK);
		ck_assert_int_eq(handle_lookup(&tbl, vb, HANDLE_ANY_TYPE, 0, &e),
				 E_BADHANDLE);
	}
	ck_assert_uint_eq(kobj_refs(&a.k), 1);
	ck_assert_uint_eq(kobj_refs(&b.k), 1);
	ck_assert_uint_eq(handle_count(&tbl), 0);
}
END_TEST

START_TEST(freed_slots_reused_oldest_first)
{
	struct fake f;
	fake_init(&f, KOBJ_SPACE);
	uint32_t v1 = insert_ok(&f, 0, 0);
	ck_assert_int_eq(handle_remove(&tbl, v1), E_OK);
	/* Every other slot is handed out before v1's slot comes back (the
	 * table has not grown: chunk 0's). */
	for (unsigned i = 0; i < handle_table_slots(&tbl) - 1; i++) {
		uint32_t v = insert_ok(&f, 0, 0);
		ck_assert_uint_ne(v & HANDLE_INDEX_MASK, v1 & HANDLE_INDEX_MASK);
		ck_assert_int_eq(handle_remove(&tbl, v), E_OK);
	}
	uint32_t v = insert_ok(&f, 0, 0);
	ck_assert_uint_eq(v & HANDLE_INDEX_MASK, v1 & HANDLE_INDEX_MASK);
	ck_assert_uint_eq(v >> HANDLE_INDEX_BITS, (v1 >> HANDLE_INDEX_BITS) + 1);
	handle_remove(&tbl, v);
	/* Full table closed in a random order: the slots come back in exactly
	 * that order. */
	static uint32_t vals[HANDLE_MAX];
	for (unsigned i = 0; i < HANDLE_MAX; i++)
		vals[i] = insert_ok(&f, 0, 0);
	for (unsigned i = HANDLE_MAX - 1; i > 0; i--) {
		unsigned j = rnd() % (i + 1);
		uint32_t x = vals[i];
		vals[i] = vals[j];
		vals[j] = x;
	}
	for (unsigned i = 0; i < HANDLE_MAX; i++)
		ck_assert_int_eq(handle_remove(&tbl, vals[i]), E_OK);
	/* (the grown chunk went back once it was all free: chunk 0's slots
	 * come back in their order, then the grown chunk's again, none of
	 * its old values live) */
	ck_assert_int_eq(atomic_load(&pages_out), 0);
	for (unsigned i = 0; i < HANDLE_MAX; i++) {
		if ((vals[i] & HANDLE_INDEX_MASK) >= HANDLE_CHUNK)
			continue;
		uint32_t w = insert_ok(&f, 0, 0);
		FAST_EQ(w & HANDLE_INDEX_MASK, vals[i] & HANDLE_INDEX_MASK);
		FAST_EQ(w >> HANDLE_INDEX_BITS, (vals[i] >> HANDLE_INDEX_BITS) + 1);
	}
	struct handle_entry e;
	for (unsigned i = HANDLE_CHUNK; i < HANDLE_MAX; i++)
		ck_assert_uint_ge(insert_ok(&f, 0, 0) & HANDLE_INDEX_MASK, HANDLE_CHUNK);
	for (unsigned i = 0; i < HANDLE_MAX; i++)
		FAST_EQ(handle_lookup(&tbl, vals[i], HANDLE_ANY_TYPE, 0, &e), E_BADHANDLE);
	handle_table_destroy(&tbl);
	ck_assert_uint_eq(kobj_refs(&f.k), 1);
}
END_TEST

/* White box: a slot at its last generation is retired when closed (never
 * reused: its generation cannot wrap), and no value names it again. */
START_TEST(last_generation_retired)
{
	struct fake f;
	fake_init(&f, KOBJ_SPACE);
	for (unsigned i = 0; i < handle_table_slots(&tbl); i++)
		handle_slot(&tbl, i)->gen = HANDLE_GEN_MAX;
	uint32_t v = insert_ok(&f, 0, 0);
	ck_assert_uint_eq(v >> HANDLE_INDEX_BITS, HANDLE_GEN_MAX);
	unsigned idx = v & HANDLE_INDEX_MASK;
	handle_remove(&tbl, v);
	struct handle_entry e;
	ck_assert_int_eq(handle_lookup(&tbl, v, HANDLE_ANY_TYPE, 0, &e), E_BADHANDLE);
	ck_assert_int_eq(handle_lookup(&tbl, idx, HANDLE_ANY_TYPE, 0, &e), E_BADHANDLE);
	for (unsigned i = 1; i < HANDLE_MAX; i++) /* every other slot, grown too */
		ck_assert_uint_ne(insert_ok(&f, 0, 0) & HANDLE_INDEX_MASK, idx);
	ck_assert_int_eq(handle_lookup(&tbl, v, HANDLE_ANY_TYPE, 0, &e), E_BADHANDLE);
}
END_TEST

/* Fill the table with handles, close some, and try every index with the
 * generations 0..65535 and the top 65536: exactly the live values work, and
 * they name the right object. */
static uint32_t live_gen[HANDLE_MAX]; /* 0: slot not live */
static struct fake objs[HANDLE_MAX];

static void expect_exact(uint32_t value)
{
	struct handle_entry e;
	unsigned idx = value & HANDLE_INDEX_MASK;
	int r = handle_lookup(&tbl, value, HANDLE_ANY_TYPE, 0, &e);
	if (live_gen[idx] && live_gen[idx] == value >> HANDLE_INDEX_BITS) {
		FAST_EQ(r, E_OK);
		FAST_EQ((uintptr_t)e.obj, (uintptr_t)&objs[e.badge].k);
		kobj_put(e.obj);
	} else {
		FAST_EQ(r, E_BADHANDLE);
	}
}

static void fill_some(void)
{
	memset(live_gen, 0, sizeof live_gen);
	for (unsigned i = 0; i < HANDLE_MAX; i++) {
		fake_init(&objs[i], KOBJ_SPACE + i % 3);
		uint32_t v = insert_ok(&objs[i], RIGHT_ALL, i);
		live_gen[v & HANDLE_INDEX_MASK] = v >> HANDLE_INDEX_BITS;
	}
	for (unsigned idx = 0; idx < HANDLE_MAX; idx += 3) { /* close a third */
		uint32_t v = live_gen[idx] << HANDLE_INDEX_BITS | idx;
		ck_assert_int_eq(handle_remove(&tbl, v), E_OK);
		live_gen[idx] = 0;
	}
}

START_TEST(every_index_many_generations)
{
	fill_some();
	for (uint32_t idx = 0; idx < HANDLE_MAX; idx++) {
		for (uint32_t g = 0; g < 65536; g++)
			expect_exact(g << HANDLE_INDEX_BITS | idx);
		for (uint32_t g = HANDLE_GEN_MAX - 65535; g <= HANDLE_GEN_MAX; g++)
			expect_exact(g << HANDLE_INDEX_BITS | idx);
	}
	handle_table_destroy(&tbl);
	for (unsigned i = 0; i < HANDLE_MAX; i++)
		ck_assert_uint_eq(kobj_refs(&objs[i].k), 1);
}
END_TEST

START_TEST(random_values)
{
	fill_some();
	for (int i = 0; i < 2000000; i++) {
		uint32_t v = (uint32_t)rnd();
		expect_exact(v);
		if (i % 4 == 0) /* near misses of live values */
			expect_exact((live_gen[v & HANDLE_INDEX_MASK] ^
				      (1u << (v >> 27))) << HANDLE_INDEX_BITS |
				     (v & HANDLE_INDEX_MASK));
		if (i % 1000 == 0) { /* removing garbage changes nothing */
			uint32_t idx = v & HANDLE_INDEX_MASK;
			if (!live_gen[idx] || live_gen[idx] != v >> HANDLE_INDEX_BITS)
				FAST_EQ(handle_remove(&tbl, v), E_BADHANDLE);
		}
	}
	FAST_EQ(handle_count(&tbl), HANDLE_MAX - (HANDLE_MAX + 2) / 3);
	FAST_EQ(shim_irqs_enabled(), 1);
	handle_table_destroy(&tbl);
}
END_TEST

START_TEST(destroy_drops_everything)
{
	struct fake a, b;
	fake_init(&a, KOBJ_THREAD);
	fake_init(&b, KOBJ_ENDPOINT);
	uint32_t va = insert_ok(&a, RIGHT_CONTROL, 0);
	for (int i = 0; i < 10; i++)
		insert_ok(&b, RIGHT_SEND, i);
	kobj_put(&a.k); /* now the table holds a's only reference */
	ck_assert_int_eq(a.destroyed, 0);
	handle_table_destroy(&tbl);
	ck_assert_int_eq(a.destroyed, 1);
	ck_assert_uint_eq(kobj_refs(&b.k), 1);
	ck_assert_int_eq(b.destroyed, 0);
	ck_assert_uint_eq(handle_count(&tbl), 0);
	struct handle_entry e;
	ck_assert_int_eq(handle_lookup(&tbl, va, HANDLE_ANY_TYPE, 0, &e), E_BADHANDLE);
	uint32_t v;
	ck_assert_int_eq(handle_insert(&tbl, &b.k, 0, 0, &v), E_DEAD);
	ck_assert_uint_eq(kobj_refs(&b.k), 1);
	handle_table_destroy(&tbl); /* twice is harmless */
	handle_table_init(&tbl);
	insert_ok(&b, 0, 0);
	ck_assert(shim_irqs_enabled());
}
END_TEST

/* The last reference is dropped outside the table lock: a destroy function
 * that uses the same table must not deadlock (the test would time out). */
static unsigned count_in_destroy;

static void reentrant_destroy(struct kobj *o)
{
	struct handle_entry e;
	count_in_destroy = handle_count(&tbl);
	ck_assert_int_eq(handle_lookup(&tbl, 1u << 8, HANDLE_ANY_TYPE, 0, &e),
			 E_BADHANDLE);
	((struct fake *)o)->destroyed++;
}

START_TEST(destroy_runs_without_the_lock)
{
	kobj_set_destroy(KOBJ_SPACE, reentrant_destroy);
	struct fake a, b;
	fake_init(&a, KOBJ_SPACE);
	fake_init(&b, KOBJ_SPACE);
	uint32_t va = insert_ok(&a, 0, 0);
	insert_ok(&b, 0, 0);
	insert_ok(&b, 0, 0);
	kobj_put(&a.k);
	kobj_put(&b.k);
	ck_assert_int_eq(handle_remove(&tbl, va), E_OK);
	ck_assert_int_eq(a.destroyed, 1);
	ck_assert_uint_eq(count_in_destroy, 2);
	handle_table_destroy(&tbl);
	ck_assert_int_eq(b.destroyed, 1);
	ck_assert_uint_eq(count_in_destroy, 0);
}
END_TEST

START_TEST(refcount_overflow)
{
	struct fake f;
	fake_init(&f, KOBJ_ENDPOINT);
	uint32_t v = insert_ok(&f, RIGHT_SEND, 0);
	atomic_store(&f.k.refs, KOBJ_REFS_MAX);
	struct handle_entry e;
	ck_assert_int_eq(handle_lookup(&tbl, v, KOBJ_ENDPOINT, 0, &e), E_OVERFLOW);
	uint32_t w;
	ck_assert_int_eq(handle_insert(&tbl, &f.k, 0, 0, &w), E_OVERFLOW);
	ck_assert_uint_eq(handle_count(&tbl), 1);
	ck_assert_uint_eq(kobj_refs(&f.k), KOBJ_REFS_MAX);
	/* The refused insert gave its slot back: the table still fills. */
	atomic_store(&f.k.refs, 2);
	for (unsigned i = 1; i < HANDLE_MAX; i++)
		insert_ok(&f, 0, 0);
	ck_assert_int_eq(handle_insert(&tbl, &f.k, 0, 0, &w), E_NOMEM);
	handle_table_destroy(&tbl);
	ck_assert_uint_eq(kobj_refs(&f.k), 1);
}
END_TEST

/* Random operations against a model: which values are live, what each
 * names, and how many references each object holds. */
#define NOBJ 24
#define MAXV 4096

struct mhandle {
	uint32_t value;
	unsigned obj, rights;
	uint64_t badge;
};

static struct fake mobj[NOBJ];
static struct mhandle live[HANDLE_MAX];
static unsigned nlive;
static uint32_t dead[MAXV]; /* closed values, never valid again (no wrap) */
static unsigned ndead;

static void model_check_refs(void)
{
	unsigned refs[NOBJ] = { 0 };
	for (unsigned i = 0; i < nlive; i++)
		refs[live[i].obj]++;
	for (unsigned o = 0; o < NOBJ; o++)
		FAST_EQ(kobj_refs(&mobj[o].k), 1 + refs[o]);
	FAST_EQ(handle_count(&tbl), nlive);
}

static void model_insert(void)
{
	unsigned o = rnd() % NOBJ, rights = rnd() % (RIGHT_ALL + 1);
	uint64_t badge = rnd();
	uint32_t v;
	int r = handle_insert(&tbl, &mobj[o].k, rights, badge, &v);
	if (nlive == HANDLE_MAX) {
		FAST_EQ(r, E_NOMEM);
		return;
	}
	FAST_EQ(r, E_OK);
	for (unsigned i = 0; i < nlive; i++)
		FAST_EQ(live[i].value != v, 1);
	live[nlive++] = (struct mhandle){ v, o, rights, badge };
}

static void model_remove(void)
{
	if (!nlive)
		return;
	unsigned i = rnd() % nlive;
	FAST_EQ(handle_remove(&tbl, live[i].value), E_OK);
	dead[ndead++ % MAXV] = live[i].value;
	live[i] = live[--nlive];
}

static void model_lookup_live(void)
{
	if (!nlive)
		return;
	struct mhandle *h = &live[rnd() % nlive];
	unsigned type = rnd() % 2 ? HANDLE_ANY_TYPE : rnd() % KOBJ_TYPE_COUNT;
	unsigned need = rnd() % (RIGHT_ALL + 1);
	struct handle_entry e;
	int r = handle_lookup(&tbl, h->value, type, need, &e);
	unsigned otype = mobj[h->obj].k.type;
	if (type != HANDLE_ANY_TYPE && type != otype) {
		FAST_EQ(r, E_BADHANDLE);
	} else if ((h->rights & need) != need) {
		FAST_EQ(r, E_PERM);
	} else {
		FAST_EQ(r, E_OK);
		FAST_EQ((uintptr_t)e.obj, (uintptr_t)&mobj[h->obj].k);
		FAST_EQ(e.rights, h->rights);
		FAST_EQ(e.badge, h->badge);
		FAST_EQ(e.type, otype);
		kobj_put(e.obj);
	}
}

static void model_lookup_dead(void)
{
	if (!ndead)
		return;
	uint32_t v = dead[rnd() % (ndead < MAXV ? ndead : MAXV)];
	struct handle_entry e;
	FAST_EQ(handle_lookup(&tbl, v, HANDLE_ANY_TYPE, 0, &e), E_BADHANDLE);
	FAST_EQ(handle_remove(&tbl, v), E_BADHANDLE);
}

START_TEST(random_ops_against_model)
{
	for (unsigned o = 0; o < NOBJ; o++)
		fake_init(&mobj[o], KOBJ_SPACE + o % 3);
	nlive = ndead = 0;
	for (int step = 0; step < 1000000; step++) {
		unsigned op = rnd() % 10;
		/* Drift between nearly empty and full. */
		bool grow = (step / 5000) % 2 == 0;
		if (op < 3)
			grow ? model_insert() : model_remove();
		else if (op < 4)
			grow ? model_remove() : model_insert();
		else if (op < 8)
			model_lookup_live();
		else
			model_lookup_dead();
		if (step % 100 == 0)
			model_check_refs();
	}
	model_check_refs();
	handle_table_destroy(&tbl);
	nlive = 0;
	model_check_refs();
	for (unsigned o = 0; o < NOBJ; o++)
		ck_assert_int_eq(mobj[o].destroyed, 0);
	ck_assert(shim_irqs_enabled());
}
END_TEST

/* Threads playing CPUs share one table and a few objects: each inserts,
 * looks up and removes its own handles, and probes the others' (possibly
 * stale) values.  At the end every reference is accounted for. */
#define NTHREADS 4
#define TOBJ 8
static struct fake tobj[TOBJ];
static _Atomic uint32_t published[NTHREADS][16];

static void *worker(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg;
	shim_set_cpu(me);
	uint64_t s = 0x1234567ull * (me + 1);
	uint32_t mine[16] = { 0 };
	for (int i = 0; i < 20000; i++) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		unsigned k = s % 16;
		struct handle_entry e;
		if (mine[k]) {
			FAST_EQ(handle_lookup(&tbl, mine[k], HANDLE_ANY_TYPE,
						       RIGHT_SEND, &e), E_OK);
			FAST_EQ(e.badge, me);
			kobj_put(e.obj);
			FAST_EQ(handle_remove(&tbl, mine[k]), E_OK);
			mine[k] = 0;
		} else {
			struct kobj *o = &tobj[(s >> 8) % TOBJ].k;
			int r = handle_insert(&tbl, o, RIGHT_SEND, me, &mine[k]);
			FAST_EQ(r == E_OK || r == E_NOMEM, 1);
			if (r != E_OK)
				mine[k] = 0;
		}
		atomic_store(&published[me][k], mine[k]);
		uint32_t other = atomic_load(&published[(me + 1) % NTHREADS][k]);
		if (other && handle_lookup(&tbl, other, HANDLE_ANY_TYPE, 0, &e) == E_OK) {
			FAST_EQ(e.badge, (me + 1) % NTHREADS);
			kobj_put(e.obj);
		}
		FAST_EQ(shim_irqs_enabled(), 1);
	}
	for (unsigned k = 0; k < 16; k++)
		if (mine[k])
			FAST_EQ(handle_remove(&tbl, mine[k]), E_OK);
	return NULL;
}

START_TEST(concurrent_threads)
{
	for (unsigned o = 0; o < TOBJ; o++)
		fake_init(&tobj[o], KOBJ_ENDPOINT);
	pthread_t th[NTHREADS];
	for (unsigned i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i);
	for (unsigned i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	ck_assert_uint_eq(handle_count(&tbl), 0);
	for (unsigned o = 0; o < TOBJ; o++)
		ck_assert_uint_eq(kobj_refs(&tobj[o].k), 1);
	/* The free list is whole: all HANDLE_MAX slots can be filled. */
	for (unsigned i = 0; i < HANDLE_MAX; i++)
		insert_ok(&tobj[0], 0, 0);
	uint32_t v;
	ck_assert_int_eq(handle_insert(&tbl, &tobj[0].k, 0, 0, &v), E_NOMEM);
}
END_TEST

/* The table's grown chunks go back without touching its objects (a test's
 * fakes may be gone by now). */
static void teardown(void)
{
	while (tbl.nchunks > 1) {
		tbl.nchunks--;
		test_page_free(tbl.dir[tbl.nchunks]);
	}
}

/* An ordinary table grows past chunk 0 on demand, up to HANDLE_MAX and no
 * further, with one page per chunk. */
START_TEST(small_table_grows_to_its_max)
{
	struct fake f;
	fake_init(&f, KOBJ_ENDPOINT);
	ck_assert_uint_eq(handle_table_slots(&tbl), HANDLE_CHUNK);
	for (unsigned i = 0; i < HANDLE_CHUNK; i++)
		insert_ok(&f, 0, i);
	ck_assert_int_eq(atomic_load(&pages_out), 0);
	insert_ok(&f, 0, 0);
	ck_assert_int_eq(atomic_load(&pages_out), 1);
	for (unsigned i = HANDLE_CHUNK + 1; i < HANDLE_MAX; i++)
		insert_ok(&f, 0, i);
	uint32_t v;
	ck_assert_int_eq(handle_insert(&tbl, &f.k, 0, 0, &v), E_NOMEM);
	ck_assert_int_eq(atomic_load(&pages_out), (HANDLE_MAX / HANDLE_CHUNK) - 1);
	handle_table_destroy(&tbl);
	ck_assert_int_eq(atomic_load(&pages_out), 0);
	ck_assert_uint_eq(kobj_refs(&f.k), 1);
}
END_TEST

/* The last grown chunk goes back once none of it is live and the chunks
 * below have half a chunk free (a big table filled to three chunks and
 * emptied holds no page; one handle going and coming at a chunk's border
 * frees and grows no page); a chunk grown again gives no closed value
 * life: its slots start above every generation the chunk had. */
START_TEST(grown_chunks_given_back)
{
	struct fake f;
	fake_init(&f, KOBJ_THREAD);
	ck_assert_int_eq(handle_table_make_big(&tbl), E_OK);
	enum { N = 3 * HANDLE_CHUNK };
	static uint32_t vals[N];
	struct handle_entry e;
	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < N; i++)
			vals[i] = insert_ok(&f, 0, i);
		ck_assert_int_eq(atomic_load(&pages_out), 2);
		for (unsigned k = 0; k < N; k++) { /* newest first, then oldest first */
			unsigned i = round == 1 ? k : N - 1 - k;
			ck_assert_int_eq(handle_remove(&tbl, vals[i]), E_OK);
		}
		ck_assert_int_eq(atomic_load(&pages_out), 0);
		ck_assert_uint_eq(tbl.nchunks, 1);
		for (unsigned i = 0; i < N; i++) /* every closed value stays closed */
			FAST_EQ(handle_lookup(&tbl, vals[i], HANDLE_ANY_TYPE, 0, &e), E_BADHANDLE);
		ck_assert_uint_eq(kobj_refs(&f.k), 1);
	}
	/* at the border: chunk 1 stays while chunk 0 is nearly full */
	for (unsigned i = 0; i < HANDLE_CHUNK; i++)
		vals[i] = insert_ok(&f, 0, i);
	for (unsigned i = 0; i < 100; i++) {
		uint32_t v = insert_ok(&f, 0, 0);
		ck_assert_int_eq(atomic_load(&pages_out), 1);
		ck_assert_int_eq(handle_remove(&tbl, v), E_OK);
		ck_assert_int_eq(atomic_load(&pages_out), 1);
	}
	for (unsigned i = 0; i < HANDLE_CHUNK; i++)
		ck_assert_int_eq(handle_remove(&tbl, vals[i]), E_OK);
	ck_assert_int_eq(atomic_load(&pages_out), 0);
	handle_table_destroy(&tbl);
	ck_assert_uint_eq(kobj_refs(&f.k), 1);
}
END_TEST

/* No page to grow by: E_NOMEM, nothing taken; with pages again it grows. */
START_TEST(grow_fails_cleanly)
{
	struct fake f;
	fake_init(&f, KOBJ_ENDPOINT);
	ck_assert_int_eq(handle_table_make_big(&tbl), E_OK);
	for (unsigned i = 0; i < HANDLE_CHUNK; i++)
		insert_ok(&f, 0, i);
	atomic_store(&pages_left, 0);
	uint32_t v;
	ck_assert_int_eq(handle_insert(&tbl, &f.k, 0, 0, &v), E_NOMEM);
	ck_assert_uint_eq(kobj_refs(&f.k), 1 + HANDLE_CHUNK);
	ck_assert_uint_eq(handle_count(&tbl), HANDLE_CHUNK);
	ck_assert_uint_eq(handle_table_slots(&tbl), HANDLE_CHUNK);
	atomic_store(&pages_left, 1);
	v = insert_ok(&f, 0, 7);
	ck_assert_uint_eq(v & 0xFFFF, HANDLE_CHUNK);
	ck_assert_uint_eq(v >> HANDLE_BIG_BITS, 1);
	handle_table_destroy(&tbl);
	ck_assert_int_eq(atomic_load(&pages_out), 0);
}
END_TEST

/* make_big only on an empty table. */
START_TEST(make_big_only_when_empty)
{
	struct fake f;
	fake_init(&f, KOBJ_ENDPOINT);
	uint32_t v = insert_ok(&f, 0, 0);
	ck_assert_int_eq(handle_table_make_big(&tbl), E_BUSY);
	ck_assert_uint_eq(v >> HANDLE_INDEX_BITS, 1);
	ck_assert_int_eq(handle_remove(&tbl, v), E_OK);
	ck_assert_int_eq(handle_table_make_big(&tbl), E_OK);
	v = insert_ok(&f, 0, 0);
	ck_assert_uint_eq(v & 0xFFFF, 1); /* slot 0 went to the back (FIFO) */
	ck_assert_uint_eq(v >> HANDLE_BIG_BITS, 1);
}
END_TEST

/* The pager's table: HANDLE_BIG_MAX handles, each value distinct and
 * naming its own badge; one more is E_NOMEM; the 0xFFFF index never names
 * anything; every grown page comes back at destroy. */
START_TEST(big_table_fills_and_empties)
{
	static uint32_t v[HANDLE_BIG_MAX];
	static uint8_t seen[1u << HANDLE_BIG_BITS];
	struct fake f;
	fake_init(&f, KOBJ_THREAD);
	ck_assert_int_eq(handle_table_make_big(&tbl), E_OK);
	for (unsigned i = 0; i < HANDLE_BIG_MAX; i++) {
		FAST_EQ(handle_insert(&tbl, &f.k, RIGHT_CONTROL, i, &v[i]), E_OK);
		FAST_EQ(seen[v[i] & 0xFFFF]++, 0);
		FAST_EQ(v[i] >> HANDLE_BIG_BITS, 1);
	}
	ck_assert_int_eq(seen[0xFFFF], 0);
	uint32_t x;
	ck_assert_int_eq(handle_insert(&tbl, &f.k, 0, 0, &x), E_NOMEM);
	ck_assert_int_eq(atomic_load(&pages_out), HANDLE_DIR_MAX - 1);
	ck_assert_uint_eq(handle_count(&tbl), HANDLE_BIG_MAX);
	struct handle_entry e;
	for (unsigned i = 0; i < HANDLE_BIG_MAX; i++) {
		FAST_EQ(handle_lookup(&tbl, v[i], KOBJ_THREAD, RIGHT_CONTROL, &e), E_OK);
		FAST_EQ(e.badge, i);
		kobj_put(e.obj);
	}
	for (uint32_t g = 0; g < 4; g++)
		FAST_EQ(handle_lookup(&tbl, g << 16 | 0xFFFF, HANDLE_ANY_TYPE, 0, &e),
			E_BADHANDLE);
	/* close every other one: stale values fail, the others still work,
	 * and reuse brings generation 2 */
	for (unsigned i = 0; i < HANDLE_BIG_MAX; i += 2)
		FAST_EQ(handle_remove(&tbl, v[i]), E_OK);
	for (unsigned i = 0; i < HANDLE_BIG_MAX; i++) {
		int want = i % 2 ? E_OK : E_BADHANDLE;
		FAST_EQ(handle_lookup(&tbl, v[i], HANDLE_ANY_TYPE, 0, &e), want);
		if (want == E_OK)
			kobj_put(e.obj);
	}
	FAST_EQ(handle_insert(&tbl, &f.k, 0, 0, &x), E_OK);
	ck_assert_uint_eq(x, 2u << 16 | (v[0] & 0xFFFF)); /* oldest free first */
	handle_table_destroy(&tbl);
	ck_assert_int_eq(atomic_load(&pages_out), 0);
	ck_assert_uint_eq(kobj_refs(&f.k), 1);
	ck_assert_int_eq(handle_lookup(&tbl, v[1], HANDLE_ANY_TYPE, 0, &e), E_BADHANDLE);
}
END_TEST

/* Big table: a slot at generation 0xFFFF is retired when closed. */
START_TEST(big_last_generation_retired)
{
	struct fake f;
	fake_init(&f, KOBJ_SPACE);
	ck_assert_int_eq(handle_table_make_big(&tbl), E_OK);
	for (unsigned i = 0; i < handle_table_slots(&tbl); i++)
		handle_slot(&tbl, i)->gen = HANDLE_BIG_GEN_MAX;
	uint32_t v = insert_ok(&f, 0, 0);
	ck_assert_uint_eq(v >> HANDLE_BIG_BITS, HANDLE_BIG_GEN_MAX);
	ck_assert_int_eq(handle_remove(&tbl, v), E_OK);
	struct handle_entry e;
	ck_assert_int_eq(handle_lookup(&tbl, v, HANDLE_ANY_TYPE, 0, &e), E_BADHANDLE);
	ck_assert_int_eq(handle_lookup(&tbl, v & 0xFFFF, HANDLE_ANY_TYPE, 0, &e), E_BADHANDLE);
	uint32_t w = insert_ok(&f, 0, 0); /* another slot: v's is retired */
	ck_assert_uint_ne(w & 0xFFFF, v & 0xFFFF);
	ck_assert_int_eq(handle_lookup(&tbl, v, HANDLE_ANY_TYPE, 0, &e), E_BADHANDLE);
}
END_TEST

/* A grown big table against a model under random operations and random
 * 32-bit values (also indexes of chunks not grown yet): exactly the live
 * values are found, each naming its own object. */
#define BIG_N 3000
static uint32_t big_val[BIG_N];
static struct fake big_obj[BIG_N];

START_TEST(big_table_random_against_model)
{
	ck_assert_int_eq(handle_table_make_big(&tbl), E_OK);
	for (unsigned i = 0; i < BIG_N; i++)
		fake_init(&big_obj[i], KOBJ_ENDPOINT);
	memset(big_val, 0, sizeof big_val);
	struct handle_entry e;
	for (unsigned step = 0; step < 200000; step++) {
		unsigned k = (unsigned)(rnd() % BIG_N);
		unsigned op = (unsigned)(rnd() % 4);
		if (op == 0 && !big_val[k]) {
			FAST_EQ(handle_insert(&tbl, &big_obj[k].k, RIGHT_SEND, k, &big_val[k]), E_OK);
		} else if (op == 1 && big_val[k]) {
			FAST_EQ(handle_remove(&tbl, big_val[k]), E_OK);
			FAST_EQ(handle_remove(&tbl, big_val[k]), E_BADHANDLE);
			big_val[k] = 0;
		} else if (op == 2 && big_val[k]) {
			FAST_EQ(handle_lookup(&tbl, big_val[k], KOBJ_ENDPOINT, RIGHT_SEND, &e), E_OK);
			FAST_EQ(e.badge, k);
			FAST_EQ(e.obj == &big_obj[k].k, 1);
			kobj_put(e.obj);
		} else {
			uint32_t r = (uint32_t)rnd();
			if (rnd() % 2) /* near a live value: another generation */
				r = (big_val[k] & 0xFFFF) | (r & 0xFFFF0000u);
			int got = handle_lookup(&tbl, r, HANDLE_ANY_TYPE, 0, &e);
			if (got == E_OK) {
				unsigned b = (unsigned)e.badge;
				FAST_EQ(b < BIG_N, 1);
				FAST_EQ(big_val[b], r);
				kobj_put(e.obj);
			}
		}
	}
	unsigned live = 0;
	for (unsigned i = 0; i < BIG_N; i++)
		live += big_val[i] != 0;
	ck_assert_uint_eq(handle_count(&tbl), live);
	handle_table_destroy(&tbl);
	ck_assert_int_eq(atomic_load(&pages_out), 0);
	for (unsigned i = 0; i < BIG_N; i++)
		FAST_EQ(kobj_refs(&big_obj[i].k), 1);
}
END_TEST

/* Threads fill a big table at once from empty, racing to grow it: every
 * handle distinct, no chunk grown twice (pages held = chunks grown), the
 * loser's pages given back. */
#define GROW_THREADS 4
#define GROW_EACH 2000
static uint32_t grow_vals[GROW_THREADS][GROW_EACH];
static struct fake grow_obj;

static void *grow_worker(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg;
	for (unsigned i = 0; i < GROW_EACH; i++)
		FAST_EQ(handle_insert(&tbl, &grow_obj.k, 0, me, &grow_vals[me][i]), E_OK);
	return NULL;
}

START_TEST(big_table_grows_concurrently)
{
	static uint8_t seen[1u << HANDLE_BIG_BITS];
	fake_init(&grow_obj, KOBJ_ENDPOINT);
	ck_assert_int_eq(handle_table_make_big(&tbl), E_OK);
	pthread_t th[GROW_THREADS];
	for (unsigned i = 0; i < GROW_THREADS; i++)
		pthread_create(&th[i], NULL, grow_worker, (void *)(uintptr_t)i);
	for (unsigned i = 0; i < GROW_THREADS; i++)
		pthread_join(th[i], NULL);
	ck_assert_uint_eq(handle_count(&tbl), GROW_THREADS * GROW_EACH);
	ck_assert_int_eq(atomic_load(&pages_out), tbl.nchunks - 1);
	ck_assert_uint_eq(tbl.nchunks, (GROW_THREADS * GROW_EACH + HANDLE_CHUNK - 1) / HANDLE_CHUNK);
	for (unsigned t = 0; t < GROW_THREADS; t++)
		for (unsigned i = 0; i < GROW_EACH; i++)
			FAST_EQ(seen[grow_vals[t][i] & 0xFFFF]++, 0);
	handle_table_destroy(&tbl);
	ck_assert_int_eq(atomic_load(&pages_out), 0);
	ck_assert_uint_eq(kobj_refs(&grow_obj.k), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("handle");
	TCase *t = tcase_create("handle");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, insert_lookup_remove);
	tcase_add_test(t, type_and_rights_checked);
	tcase_add_test(t, full_table);
	tcase_add_test(t, stale_after_close_and_reuse);
	tcase_add_test(t, freed_slots_reused_oldest_first);
	tcase_add_test(t, last_generation_retired);
	tcase_add_test(t, every_index_many_generations);
	tcase_add_test(t, random_values);
	tcase_add_test(t, destroy_drops_everything);
	tcase_add_test(t, destroy_runs_without_the_lock);
	tcase_add_test(t, refcount_overflow);
	tcase_add_test(t, random_ops_against_model);
	tcase_add_test(t, concurrent_threads);
	tcase_add_test(t, small_table_grows_to_its_max);
	tcase_add_test(t, grow_fails_cleanly);
	tcase_add_test(t, grown_chunks_given_back);
	tcase_add_test(t, make_big_only_when_empty);
	tcase_add_test(t, big_table_fills_and_empties);
	tcase_add_test(t, big_last_generation_retired);
	tcase_add_test(t, big_table_random_against_model);
	tcase_add_test(t, big_table_grows_concurrently);
	suite_add_tcase(s, t);
	return check_run(s);
}
