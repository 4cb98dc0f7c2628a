/* kernel/kobj.c: reference counts, destroy exactly once on the last put,
 * refused overflow and use after free, concurrent get/put. */
#include <check.h>
#include "check_run.h"
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include "kobj.h"
#include "shim.h"

struct fake {
	struct kobj k;
	int destroyed;
	unsigned destroyed_type;
};

static _Atomic int destroy_calls;

static void fake_destroy(struct kobj *o)
{
	struct fake *f = (struct fake *)o;
	f->destroyed++;
	f->destroyed_type = o->type;
	atomic_fetch_add(&destroy_calls, 1);
}

static void setup(void)
{
	for (unsigned t = KOBJ_SPACE; t < KOBJ_TYPE_COUNT; t++)
		ck_assert_int_eq(kobj_set_destroy(t, fake_destroy), E_OK);
	atomic_store(&destroy_calls, 0);
	shim_console_clear();
}

START_TEST(init_get_put)
{
	for (unsigned t = KOBJ_SPACE; t < KOBJ_TYPE_COUNT; t++) {
		struct fake f = { 0 };
		ck_assert_int_eq(kobj_init(&f.k, t), E_OK);
		ck_assert_uint_eq(f.k.type, t);
		ck_assert_uint_eq(kobj_refs(&f.k), 1);
		for (int i = 0; i < 10; i++)
			ck_assert_int_eq(kobj_get(&f.k), E_OK);
		ck_assert_uint_eq(kobj_refs(&f.k), 11);
		for (int i = 0; i < 10; i++) {
			ck_assert_int_eq(kobj_put(&f.k), E_OK);
			ck_assert_int_eq(f.destroyed, 0);
		}
		ck_assert_int_eq(kobj_put(&f.k), E_OK);
		ck_assert_int_eq(f.destroyed, 1);
		ck_assert_uint_eq(f.destroyed_type, t);
		ck_assert_uint_eq(kobj_refs(&f.k), 0);
	}
	ck_assert_int_eq(atomic_load(&destroy_calls), KOBJ_TYPE_COUNT - 1);
}
END_TEST

START_TEST(bad_types_refused)
{
	struct fake f;
	memset(&f, 0xAB, sizeof f);
	ck_assert_int_eq(kobj_init(&f.k, KOBJ_NONE), E_INVAL);
	ck_assert_int_eq(kobj_init(&f.k, KOBJ_TYPE_COUNT), E_INVAL);
	ck_assert_int_eq(kobj_init(&f.k, 200), E_INVAL);
	ck_assert_uint_eq(f.k.type, 0xAB); /* untouched */
	ck_assert_int_eq(kobj_set_destroy(KOBJ_NONE, fake_destroy), E_INVAL);
	ck_assert_int_eq(kobj_set_destroy(KOBJ_TYPE_COUNT, fake_destroy), E_INVAL);
	ck_assert_str_eq(kobj_type_name(KOBJ_ENDPOINT), "endpoint");
	ck_assert_str_eq(kobj_type_name(99), "?");
}
END_TEST

static _Atomic int thread_calls;

static void thread_destroy(struct kobj *o)
{
	(void)o;
	thread_calls++;
}

START_TEST(per_type_destroy)
{
	kobj_set_destroy(KOBJ_THREAD, thread_destroy);
	struct fake a = { 0 }, b = { 0 };
	kobj_init(&a.k, KOBJ_THREAD);
	kobj_init(&b.k, KOBJ_SPACE);
	kobj_put(&a.k);
	kobj_put(&b.k);
	ck_assert_int_eq(thread_calls, 1);
	ck_assert_int_eq(a.destroyed, 0);
	ck_assert_int_eq(b.destroyed, 1);
	/* No destroy function: the last put just ends at 0. */
	kobj_set_destroy(KOBJ_THREAD, NULL);
	kobj_init(&a.k, KOBJ_THREAD);
	ck_assert_int_eq(kobj_put(&a.k), E_OK);
	ck_assert_int_eq(thread_calls, 1);
	ck_assert_uint_eq(kobj_refs(&a.k), 0);
}
END_TEST

START_TEST(overflow_refused)
{
	struct fake f = { 0 };
	kobj_init(&f.k, KOBJ_ENDPOINT);
	atomic_store(&f.k.refs, KOBJ_REFS_MAX - 3);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(kobj_get(&f.k), E_OK);
	ck_assert_uint_eq(kobj_refs(&f.k), KOBJ_REFS_MAX);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(kobj_get(&f.k), E_OVERFLOW);
	ck_assert_uint_eq(kobj_refs(&f.k), KOBJ_REFS_MAX);
	ck_assert_int_eq(kobj_put(&f.k), E_OK);
	ck_assert_int_eq(kobj_get(&f.k), E_OK);
	ck_assert_int_eq(f.destroyed, 0);
}
END_TEST

START_TEST(dead_object_refused_and_reported)
{
	struct fake f = { 0 };
	kobj_init(&f.k, KOBJ_SPACE);
	kobj_put(&f.k);
	ck_assert_int_eq(f.destroyed, 1);
	ck_assert(!shim_console_has("kobj:"));
	ck_assert_int_eq(kobj_get(&f.k), E_DEAD);
	ck_assert(shim_console_has("kobj: get on dead space object"));
	ck_assert_uint_eq(kobj_refs(&f.k), 0);
	ck_assert_int_eq(kobj_put(&f.k), E_DOUBLEFREE);
	ck_assert(shim_console_has("kobj: put on dead space object"));
	ck_assert_uint_eq(kobj_refs(&f.k), 0);
	ck_assert_int_eq(f.destroyed, 1); /* never twice */
}
END_TEST

/* Threads take and drop references on one shared object; the creator's
 * reference keeps it alive, and its final put destroys it exactly once. */
#define NTHREADS 8
#define ROUNDS 100000

static void *hammer(void *arg)
{
	struct kobj *o = arg;
	for (int i = 0; i < ROUNDS; i++) {
		ck_assert_int_eq(kobj_get(o), E_OK);
		if (i % 3 == 0)
			ck_assert_int_eq(kobj_get(o), E_OK);
		ck_assert_int_eq(kobj_put(o), E_OK);
		if (i % 3 == 0)
			ck_assert_int_eq(kobj_put(o), E_OK);
	}
	return NULL;
}

START_TEST(concurrent_get_put)
{
	struct fake f = { 0 };
	kobj_init(&f.k, KOBJ_ENDPOINT);
	pthread_t th[NTHREADS];
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, hammer, &f.k);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	ck_assert_int_eq(f.destroyed, 0);
	ck_assert_uint_eq(kobj_refs(&f.k), 1);
	kobj_put(&f.k);
	ck_assert_int_eq(f.destroyed, 1);
}
END_TEST

/* Many threads each drop one of N references at once: exactly one of them
 * runs destroy. */
static void *drop_one(void *arg)
{
	kobj_put(arg);
	return NULL;
}

START_TEST(concurrent_last_put_destroys_once)
{
	for (int round = 0; round < 200; round++) {
		struct fake f = { 0 };
		kobj_init(&f.k, KOBJ_THREAD);
		for (int i = 1; i < NTHREADS; i++)
			kobj_get(&f.k);
		pthread_t th[NTHREADS];
		for (int i = 0; i < NTHREADS; i++)
			pthread_create(&th[i], NULL, drop_one, &f.k);
		for (int i = 0; i < NTHREADS; i++)
			pthread_join(th[i], NULL);
		ck_assert_int_eq(f.destroyed, 1);
		ck_assert_uint_eq(kobj_refs(&f.k), 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kobj");
	TCase *t = tcase_create("kobj");
	tcase_add_checked_fixture(t, setup, NULL);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, init_get_put);
	tcase_add_test(t, bad_types_refused);
	tcase_add_test(t, per_type_destroy);
	tcase_add_test(t, overflow_refused);
	tcase_add_test(t, dead_object_refused_and_reported);
	tcase_add_test(t, concurrent_get_put);
	tcase_add_test(t, concurrent_last_put_destroys_once);
	suite_add_tcase(s, t);
	return check_run(s);
}
