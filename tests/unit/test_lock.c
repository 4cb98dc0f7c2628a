/* pager/lock.h: the pager's spin-then-sleep locks, run by pthreads with
 * Linux futexes as lock_sleep/lock_wake (the pager's are its kernel's
 * futex calls).  Holders sometimes keep the lock for milliseconds, so
 * waiters go past RW_SPINS and sleep: a lost wake-up hangs the test (its
 * time-out fails it), a missing exclusion breaks the counts. */
#include <check.h>
#include "check_run.h"
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "lock.h"

static long sleeps;

static void host_sleep(int *word, int val)
{
	__atomic_fetch_add(&sleeps, 1, __ATOMIC_RELAXED);
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void host_wake(int *word, int n)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

static void hooks(bool sleep)
{
	lock_sleep = sleep ? host_sleep : NULL;
	lock_wake = sleep ? host_wake : NULL;
	sleeps = 0;
}

static void run(int n, void *(*fn)(void *))
{
	pthread_t t[8];
	for (long i = 0; i < n; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, fn, (void *)i), 0);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

/* ---- struct lock ---- */

#define M_THREADS 4
#define M_ROUNDS  2000

static struct lock mutex;
static int inside, count, overlaps; /* plain: guarded by mutex */

static void *mutex_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < M_ROUNDS; i++) {
		lock_take(&mutex);
		if (inside++)
			overlaps++;
		count++;
		if (i % 50 == 0)
			usleep(2000); /* long enough that waiters sleep */
		inside--;
		lock_give(&mutex);
	}
	return NULL;
}

static void mutex_case(bool sleep)
{
	hooks(sleep);
	count = overlaps = 0;
	run(M_THREADS, mutex_worker);
	ck_assert_int_eq(overlaps, 0);
	ck_assert_int_eq(count, M_THREADS * M_ROUNDS);
	ck_assert_int_eq(mutex.held, 0);
}

START_TEST(mutex_sleeps_and_excludes)
{
	mutex_case(true);
	ck_assert_int_gt(sleeps, 0); /* the sleeping path ran */
}
END_TEST

START_TEST(mutex_spins_without_hooks)
{
	mutex_case(false);
	ck_assert_int_eq(sleeps, 0);
}
END_TEST

/* ---- struct brlock ---- */

#define W_THREADS 2
#define W_ROUNDS  400
#define R_THREADS 4
#define R_ROUNDS  2000

static int a, b, writing, reading, bad; /* a == b after each write */

/* ---- struct brlock: the same, each reader in a slot of its own; and a
 * writer that yields to the readers it holds back ---- */

static struct brlock br;
static int yields;

static void *br_writer(void *arg)
{
	(void)arg;
	for (int i = 0; i < W_ROUNDS; i++) {
		br_write(&br);
		if (__atomic_load_n(&reading, __ATOMIC_RELAXED) || writing++)
			__atomic_fetch_add(&bad, 1, __ATOMIC_RELAXED);
		a++;
		if (i % 20 == 0)
			usleep(2000);
		if (i % 50 == 0) { /* (as ksmd's scan does between batches) */
			writing--;
			br_write_yield(&br);
			writing++;
			__atomic_fetch_add(&yields, 1, __ATOMIC_RELAXED);
		}
		b++;
		writing--;
		br_write_done(&br);
	}
	return NULL;
}

static void *br_reader(void *arg)
{
	unsigned slot = (unsigned)(long)arg - W_THREADS;
	for (int i = 0; i < R_ROUNDS; i++) {
		br_read(&br, slot);
		__atomic_fetch_add(&reading, 1, __ATOMIC_RELAXED);
		if (writing)
			__atomic_fetch_add(&bad, 1, __ATOMIC_RELAXED);
		if (i % 100 == 0)
			usleep(1000);
		__atomic_fetch_sub(&reading, 1, __ATOMIC_RELAXED);
		br_read_done(&br, slot);
	}
	return NULL;
}

static void *br_either(void *arg)
{
	return (long)arg < W_THREADS ? br_writer(arg) : br_reader(arg);
}

START_TEST(brlock_sleeps_and_excludes)
{
	hooks(true);
	a = b = writing = reading = bad = 0;
	br_init(&br, R_THREADS);
	run(W_THREADS + R_THREADS, br_either);
	ck_assert_int_eq(bad, 0);
	ck_assert_int_eq(a, W_THREADS * W_ROUNDS);
	ck_assert_int_eq(b, a);
	ck_assert_int_eq(br.wr, 0);
	ck_assert_int_eq(br.sleepers, 0);
	ck_assert_int_eq(br.readers, 0);
	for (int i = 0; i < R_THREADS; i++)
		ck_assert_int_eq(br.slot[i].n, 0);
	ck_assert_int_gt(sleeps, 0);
	ck_assert_int_eq(yields, W_THREADS * (W_ROUNDS / 50));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120); /* a lost wake-up hangs: this fails it */
	tcase_add_test(tc, mutex_sleeps_and_excludes);
	tcase_add_test(tc, mutex_spins_without_hooks);
	tcase_add_test(tc, brlock_sleeps_and_excludes);
	suite_add_tcase(s, tc);
	return check_run(s);
}
