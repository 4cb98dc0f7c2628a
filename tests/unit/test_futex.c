/* kernel/futex.c: waiters are woken by their whole key (space and
 * address, not just the bucket), oldest first, at most n; a waiter that
 * leaves is never woken; a woken one learns it in futex_leave; and
 * threads waking and leaving at once never lose or double a wake-up. */
#include <check.h>
#include "check_run.h"
#include <pthread.h>
#include <stdatomic.h>
#include "futex.h"

static struct futex_waiter *seen[64];
static int nseen;

static void record(struct futex_waiter *w)
{
	ck_assert(w->woken);
	seen[nseen++] = w;
}

static void waiter(struct futex_waiter *w, const void *space, uint64_t va)
{
	*w = (struct futex_waiter){ .space = space, .va = va };
	futex_enqueue(w);
}

START_TEST(oldest_first_at_most_n)
{
	static int a;
	struct futex_waiter w[4];
	nseen = 0;
	for (int i = 0; i < 4; i++)
		waiter(&w[i], &a, 0x1000);
	ck_assert_uint_eq(futex_wake(&a, 0x1000, 2, record), 2);
	ck_assert_int_eq(nseen, 2);
	ck_assert_ptr_eq(seen[0], &w[0]);
	ck_assert_ptr_eq(seen[1], &w[1]);
	ck_assert(futex_leave(&w[0]));
	ck_assert(futex_leave(&w[1]));
	ck_assert(!futex_leave(&w[2])); /* left before a wake: not woken */
	ck_assert_uint_eq(futex_wake(&a, 0x1000, 10, record), 1);
	ck_assert_ptr_eq(seen[2], &w[3]);
	ck_assert(futex_leave(&w[3]));
	ck_assert_uint_eq(futex_wake(&a, 0x1000, 10, record), 0);
}
END_TEST

START_TEST(whole_key)
{
	static int a, b;
	struct futex_waiter w[3];
	nseen = 0;
	waiter(&w[0], &a, 0x2000);
	waiter(&w[1], &b, 0x2000); /* another space, same address */
	waiter(&w[2], &a, 0x2004); /* same space, the next word */
	ck_assert_uint_eq(futex_wake(&a, 0x2000, 10, record), 1);
	ck_assert_ptr_eq(seen[0], &w[0]);
	ck_assert_uint_eq(futex_wake(&b, 0x2004, 10, record), 0);
	ck_assert(!futex_leave(&w[1]));
	ck_assert(!futex_leave(&w[2]));
	ck_assert(futex_leave(&w[0]));
}
END_TEST

/* Keys of shared frames: the same (frame, generation, offset) is one key
 * whichever space made it; another offset, another generation (the frame
 * freed and handed out again) or a private key with the same numbers is
 * another futex. */
START_TEST(frame_keys)
{
	static int space_a;
	const void *ks[4];
	uint64_t kv[4];
	futex_key_shared(0x123000 + 8, 7, &ks[0], &kv[0]); /* process A's view */
	futex_key_shared(0x123000 + 8, 7, &ks[1], &kv[1]); /* process B's */
	futex_key_shared(0x123000 + 8, 8, &ks[2], &kv[2]); /* reused frame */
	futex_key_shared(0x123000 + 12, 7, &ks[3], &kv[3]); /* next word */
	ck_assert(ks[0] == ks[1] && kv[0] == kv[1]);
	ck_assert(futex_key_is_shared(ks[0]));
	ck_assert(!futex_key_is_shared(&space_a));
	ck_assert(ks[2] != ks[0]);
	ck_assert(kv[3] != kv[0]);
	struct futex_waiter w[5];
	nseen = 0;
	for (int i = 0; i < 4; i++)
		waiter(&w[i], ks[i], kv[i]);
	waiter(&w[4], &space_a, kv[0]); /* private, same number */
	ck_assert_uint_eq(futex_wake(ks[1], kv[1], 10, record), 2); /* A's and B's */
	ck_assert_ptr_eq(seen[0], &w[0]);
	ck_assert_ptr_eq(seen[1], &w[1]);
	ck_assert(futex_leave(&w[0]) && futex_leave(&w[1]));
	for (int i = 2; i < 5; i++)
		ck_assert(!futex_leave(&w[i]));
}
END_TEST

/* Many keys share the 64 buckets: each wake finds its own waiter only. */
START_TEST(shared_buckets)
{
	static int a;
	static struct futex_waiter w[512];
	for (int i = 0; i < 512; i++)
		waiter(&w[i], &a, 0x10000 + 4 * (uint64_t)i);
	for (int i = 511; i >= 0; i--) {
		nseen = 0;
		ck_assert_uint_eq(futex_wake(&a, 0x10000 + 4 * (uint64_t)i, 5, record), 1);
		ck_assert_ptr_eq(seen[0], &w[i]);
		ck_assert(futex_leave(&w[i]));
	}
}
END_TEST

/* Threads each queue, then leave; a waker wakes them meanwhile.  Every
 * waiter is either woken (counted by the waker, and futex_leave says so)
 * or left unwoken, never both, never neither. */
#define ROUNDS 20000
#define THREADS 4
static atomic_int wakes_counted, leaves_woken;
static int space_key;

static void count(struct futex_waiter *w) { (void)w; }

static void *queuer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		struct futex_waiter w;
		waiter(&w, &space_key, 0x3000);
		if (futex_leave(&w))
			atomic_fetch_add(&leaves_woken, 1);
	}
	return NULL;
}

static atomic_bool stop;

static void *waker(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop))
		atomic_fetch_add(&wakes_counted, (int)futex_wake(&space_key, 0x3000, 1, count));
	return NULL;
}

START_TEST(wake_and_leave_race)
{
	pthread_t q[THREADS], wk;
	atomic_store(&stop, false);
	pthread_create(&wk, NULL, waker, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&q[i], NULL, queuer, NULL);
	for (int i = 0; i < THREADS; i++)
		pthread_join(q[i], NULL);
	atomic_store(&stop, true);
	pthread_join(wk, NULL);
	ck_assert_int_eq(atomic_load(&wakes_counted), atomic_load(&leaves_woken));
	ck_assert_uint_eq(futex_wake(&space_key, 0x3000, 100, count), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("futex");
	TCase *t = tcase_create("futex");
	tcase_set_timeout(t, 120);
	tcase_add_test(t, oldest_first_at_most_n);
	tcase_add_test(t, whole_key);
	tcase_add_test(t, frame_keys);
	tcase_add_test(t, shared_buckets);
	tcase_add_test(t, wake_and_leave_race);
	suite_add_tcase(s, t);
	return check_run(s);
}
