/* POSIX threads as a systems course's exercises use them, as an ordinary
 * Linux program (checked under Linux 6.1: make linux-check
 * PROG=user/test_linux11_threads.c):
 *   linux11_threads_join     pthread_create/join of 64 threads at once,
 *                        each returning its own value (by pthread_exit
 *                        and by return); join of a detached thread EINVAL;
 *                        join of itself EDEADLK; pthread_equal/self
 *   linux11_threads_once     pthread_once from 16 threads runs the routine
 *                        once, all see it done; thread-specific data with
 *                        destructors run at each thread's end (not the
 *                        main thread's), a value set by a destructor
 *                        calls it again (up to PTHREAD_DESTRUCTOR_ITERATIONS);
 *                        pthread_key_delete
 *   linux11_threads_sync     a barrier of 8 threads for 50 rounds (exactly one
 *                        PTHREAD_BARRIER_SERIAL_THREAD a round); a
 *                        rwlock with readers together and writers alone
 *                        (tryrdlock EBUSY while written, trywrlock EBUSY
 *                        while read); a mutex-protected counter of 8x10000
 *   linux11_threads_timed    pthread_cond_timedwait on CLOCK_MONOTONIC
 *                        (pthread_condattr_setclock) times out ETIMEDOUT
 *                        no earlier than asked, and is woken by a signal
 *                        before; a timed wait in the past returns at once;
 *                        detached threads finish their work (counted with
 *                        a semaphore); pthread_mutex_timedlock ETIMEDOUT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", part, __LINE__, \
	#c, errno); fails++; fflush(stdout); } } while (0)

static void *ret_value(void *p)
{
	long i = (long)p;
	if (i % 2)
		pthread_exit((void *)(i * 3));
	return (void *)(i * 3);
}

static void *self_join(void *p)
{
	(void)p;
	return (void *)(long)pthread_join(pthread_self(), NULL);
}

static pthread_t main_tid;
static void *check_equal(void *p)
{
	(void)p;
	return (void *)(long)(!pthread_equal(pthread_self(), main_tid) &&
			      pthread_equal(pthread_self(), pthread_self()));
}

static void join(void)
{
	int f = fails;
	part = "linux11_threads_join";
	pthread_t t[64];
	for (long i = 0; i < 64; i++)
		CHECK(pthread_create(&t[i], NULL, ret_value, (void *)i) == 0);
	for (long i = 63; i >= 0; i--) {
		void *r = NULL;
		CHECK(pthread_join(t[i], &r) == 0 && r == (void *)(i * 3));
	}
	pthread_attr_t a;
	pthread_attr_init(&a);
	CHECK(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED) == 0);
	int ds = -1;
	CHECK(pthread_attr_getdetachstate(&a, &ds) == 0 && ds == PTHREAD_CREATE_DETACHED);
	CHECK(pthread_attr_setstacksize(&a, 256 * 1024) == 0);
	size_t ss = 0;
	CHECK(pthread_attr_getstacksize(&a, &ss) == 0 && ss == 256 * 1024);
	pthread_attr_destroy(&a);
	void *r = NULL;
	pthread_t s;
	CHECK(pthread_create(&s, NULL, self_join, NULL) == 0);
	CHECK(pthread_join(s, &r) == 0 && r == (void *)(long)EDEADLK);
	main_tid = pthread_self();
	CHECK(pthread_create(&s, NULL, check_equal, NULL) == 0);
	CHECK(pthread_join(s, &r) == 0 && r == (void *)1L);
	CHECK(pthread_equal(main_tid, pthread_self()));
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static volatile int once_seen;
static void once_fn(void)
{
	usleep(20000); /* others arrive meanwhile and must wait */
	__atomic_add_fetch(&once_runs, 1, __ATOMIC_SEQ_CST);
	once_seen = 1;
}

static pthread_key_t key, key2;
static int dtor_calls, dtor2_calls, dtor_values_ok = 1;
static pthread_mutex_t dmu = PTHREAD_MUTEX_INITIALIZER;

static void dtor(void *v)
{
	pthread_mutex_lock(&dmu);
	dtor_calls++;
	if ((long)v < 1000 || (long)v > 1016)
		dtor_values_ok = 0;
	pthread_mutex_unlock(&dmu);
}

static void dtor2(void *v)
{
	long n = (long)v;
	pthread_mutex_lock(&dmu);
	dtor2_calls++;
	pthread_mutex_unlock(&dmu);
	if (n < 3)
		pthread_setspecific(key2, (void *)(n + 1)); /* again, next round */
}

static void *once_worker(void *p)
{
	long i = (long)p;
	pthread_once(&once, once_fn);
	int ok = once_seen == 1;
	CHECK(pthread_getspecific(key) == NULL);
	pthread_setspecific(key, (void *)(1000 + i));
	if (i == 0)
		pthread_setspecific(key2, (void *)1L);
	ok &= pthread_getspecific(key) == (void *)(1000 + i);
	return (void *)(long)ok;
}

static void once_part(void)
{
	int f = fails;
	part = "linux11_threads_once";
	CHECK(pthread_key_create(&key, dtor) == 0);
	CHECK(pthread_key_create(&key2, dtor2) == 0);
	pthread_setspecific(key, (void *)1016L); /* the main thread's: no destructor run */
	pthread_t t[16];
	for (long i = 0; i < 16; i++)
		CHECK(pthread_create(&t[i], NULL, once_worker, (void *)i) == 0);
	for (int i = 0; i < 16; i++) {
		void *r = NULL;
		CHECK(pthread_join(t[i], &r) == 0 && r == (void *)1L);
	}
	CHECK(once_runs == 1);
	pthread_once(&once, once_fn);
	CHECK(once_runs == 1);
	CHECK(dtor_calls == 16 && dtor_values_ok);
	CHECK(dtor2_calls == 3); /* 1, then 2, then 3 (which sets nothing) */
	CHECK(pthread_getspecific(key) == (void *)1016L);
	CHECK(pthread_key_delete(key) == 0);
	CHECK(pthread_key_delete(key2) == 0);
	pthread_key_t many[8];
	for (int i = 0; i < 8; i++)
		CHECK(pthread_key_create(&many[i], NULL) == 0);
	for (int i = 0; i < 8; i++)
		pthread_key_delete(many[i]);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static pthread_barrier_t bar;
static int serial_count[50];
static int round_count[50];
static pthread_mutex_t cmu = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *bar_worker(void *p)
{
	(void)p;
	for (int r = 0; r < 50; r++) {
		__atomic_add_fetch(&round_count[r], 1, __ATOMIC_SEQ_CST);
		int e = pthread_barrier_wait(&bar);
		if (e == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_add_fetch(&serial_count[r], 1, __ATOMIC_SEQ_CST);
		else if (e != 0)
			return (void *)0L;
		if (__atomic_load_n(&round_count[r], __ATOMIC_SEQ_CST) != 8)
			return (void *)0L; /* passed before all arrived */
	}
	for (int i = 0; i < 10000; i++) {
		pthread_mutex_lock(&cmu);
		counter++;
		pthread_mutex_unlock(&cmu);
	}
	return (void *)1L;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static volatile int readers_in, max_readers, writer_in, rw_bad;

static void *rw_reader(void *p)
{
	(void)p;
	for (int i = 0; i < 200; i++) {
		pthread_rwlock_rdlock(&rw);
		int n = __atomic_add_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
		if (writer_in)
			rw_bad = 1;
		if (n > max_readers)
			max_readers = n;
		if (i % 20 == 0)
			usleep(1000);
		__atomic_sub_fetch(&readers_in, 1, __ATOMIC_SEQ_CST);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *rw_writer(void *p)
{
	(void)p;
	for (int i = 0; i < 100; i++) {
		pthread_rwlock_wrlock(&rw);
		if (__atomic_add_fetch(&writer_in, 1, __ATOMIC_SEQ_CST) != 1 || readers_in)
			rw_bad = 1;
		__atomic_sub_fetch(&writer_in, 1, __ATOMIC_SEQ_CST);
		pthread_rwlock_unlock(&rw);
	}
	return NULL;
}

static void *try_locks(void *p)
{
	long want = (long)p;
	if (want == 1) /* written by main: both tries busy */
		return (void *)(long)(pthread_rwlock_tryrdlock(&rw) == EBUSY &&
				      pthread_rwlock_trywrlock(&rw) == EBUSY);
	/* read by main: another reader gets in, a writer does not */
	int ok = pthread_rwlock_trywrlock(&rw) == EBUSY && pthread_rwlock_tryrdlock(&rw) == 0;
	pthread_rwlock_unlock(&rw);
	return (void *)(long)ok;
}

static void sync_part(void)
{
	int f = fails;
	part = "linux11_threads_sync";
	CHECK(pthread_barrier_init(&bar, NULL, 8) == 0);
	pthread_t t[8];
	for (int i = 0; i < 8; i++)
		CHECK(pthread_create(&t[i], NULL, bar_worker, NULL) == 0);
	for (int i = 0; i < 8; i++) {
		void *r = NULL;
		CHECK(pthread_join(t[i], &r) == 0 && r == (void *)1L);
	}
	int serial_ok = 1;
	for (int r = 0; r < 50; r++)
		serial_ok &= serial_count[r] == 1;
	CHECK(serial_ok);
	CHECK(counter == 80000);
	CHECK(pthread_barrier_destroy(&bar) == 0);
	errno = 0;
	CHECK(pthread_barrier_init(&bar, NULL, 0) == EINVAL);

	pthread_t rd[4], wr[2];
	for (int i = 0; i < 4; i++)
		CHECK(pthread_create(&rd[i], NULL, rw_reader, NULL) == 0);
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&wr[i], NULL, rw_writer, NULL) == 0);
	for (int i = 0; i < 4; i++)
		pthread_join(rd[i], NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(wr[i], NULL);
	CHECK(!rw_bad);
	void *r = NULL;
	CHECK(pthread_rwlock_wrlock(&rw) == 0);
	CHECK(pthread_create(&t[0], NULL, try_locks, (void *)1L) == 0);
	CHECK(pthread_join(t[0], &r) == 0 && r == (void *)1L);
	CHECK(pthread_rwlock_unlock(&rw) == 0);
	CHECK(pthread_rwlock_rdlock(&rw) == 0);
	CHECK(pthread_create(&t[0], NULL, try_locks, (void *)2L) == 0);
	CHECK(pthread_join(t[0], &r) == 0 && r == (void *)1L);
	CHECK(pthread_rwlock_unlock(&rw) == 0);
	CHECK(pthread_rwlock_destroy(&rw) == 0);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static pthread_mutex_t tmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tcv;
static int flag;
static sem_t done_sem;
static long detached_sum;

static void *signaller(void *p)
{
	(void)p;
	usleep(50000);
	pthread_mutex_lock(&tmu);
	flag = 1;
	pthread_cond_signal(&tcv);
	pthread_mutex_unlock(&tmu);
	return NULL;
}

static void *detached_worker(void *p)
{
	__atomic_add_fetch(&detached_sum, (long)p, __ATOMIC_SEQ_CST);
	sem_post(&done_sem);
	return NULL;
}

static sem_t held, release;
static void *hold_mutex(void *p)
{
	pthread_mutex_t *m = p;
	pthread_mutex_lock(m);
	sem_post(&held);
	while (sem_wait(&release))
		;
	pthread_mutex_unlock(m);
	return NULL;
}

static long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

static void timed(void)
{
	int f = fails;
	part = "linux11_threads_timed";
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	CHECK(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0);
	clockid_t clk = -1;
	CHECK(pthread_condattr_getclock(&ca, &clk) == 0 && clk == CLOCK_MONOTONIC);
	CHECK(pthread_condattr_setclock(&ca, CLOCK_PROCESS_CPUTIME_ID) == EINVAL);
	CHECK(pthread_cond_init(&tcv, &ca) == 0);
	struct timespec t0, dl, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dl = t0;
	dl.tv_nsec += 150 * 1000000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&tmu);
	int e;
	while ((e = pthread_cond_timedwait(&tcv, &tmu, &dl)) == 0)
		; /* a spurious wake-up: wait on */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(e == ETIMEDOUT);
	CHECK(t1.tv_sec > dl.tv_sec || (t1.tv_sec == dl.tv_sec && t1.tv_nsec >= dl.tv_nsec));
	/* woken before the deadline */
	pthread_t s;
	CHECK(pthread_create(&s, NULL, signaller, NULL) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dl = t0;
	dl.tv_sec += 30;
	e = 0;
	while (!flag && e == 0)
		e = pthread_cond_timedwait(&tcv, &tmu, &dl);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(e == 0 && flag == 1 && ms_between(&t0, &t1) < 20000);
	/* a deadline already past */
	dl = t0;
	dl.tv_sec -= 1;
	CHECK(pthread_cond_timedwait(&tcv, &tmu, &dl) == ETIMEDOUT);
	dl.tv_nsec = 1000000000;
	CHECK(pthread_cond_timedwait(&tcv, &tmu, &dl) == EINVAL);
	pthread_mutex_unlock(&tmu);
	pthread_join(s, NULL);
	CHECK(pthread_cond_destroy(&tcv) == 0);

	/* detached threads */
	CHECK(sem_init(&done_sem, 0, 0) == 0);
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	for (long i = 1; i <= 20; i++) {
		pthread_t d;
		CHECK(pthread_create(&d, &a, detached_worker, (void *)i) == 0);
	}
	for (int i = 0; i < 20; i++)
		CHECK(sem_wait(&done_sem) == 0);
	CHECK(detached_sum == 210);
	pthread_attr_destroy(&a);
	pthread_t d;
	CHECK(pthread_create(&d, NULL, detached_worker, (void *)0L) == 0);
	CHECK(pthread_detach(d) == 0);
	CHECK(sem_wait(&done_sem) == 0);

	/* timedlock on a held mutex */
	static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	sem_init(&held, 0, 0);
	sem_init(&release, 0, 0);
	CHECK(pthread_create(&s, NULL, hold_mutex, &m) == 0);
	CHECK(sem_wait(&held) == 0);
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	rt.tv_nsec += 50 * 1000000;
	if (rt.tv_nsec >= 1000000000) {
		rt.tv_sec++;
		rt.tv_nsec -= 1000000000;
	}
	CHECK(pthread_mutex_timedlock(&m, &rt) == ETIMEDOUT);
	CHECK(pthread_mutex_trylock(&m) == EBUSY);
	sem_post(&release);
	pthread_join(s, NULL);
	CHECK(pthread_mutex_trylock(&m) == 0);
	pthread_mutex_unlock(&m);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

int main(void)
{
	join();
	once_part();
	sync_part();
	timed();
	return fails != 0;
}
