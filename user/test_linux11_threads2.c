/* More of POSIX threads as glibc's own tests and course code use them, as
 * an ordinary Linux program (checked under Linux 6.1: make linux-check
 * PROG=user/test_linux11_threads2.c):
 *   linux11_threads2_gnujoin pthread_tryjoin_np EBUSY while the thread runs,
 *                        0 with its value once it ended; pthread_timedjoin_np
 *                        ETIMEDOUT at a deadline that passes first, then 0;
 *                        pthread_clockjoin_np on CLOCK_MONOTONIC
 *   linux11_threads2_tls     __thread variables: each thread its own copy,
 *                        initialised from the image's value, its address
 *                        differing among threads alive together; pthread_getattr_np gives a stack that
 *                        holds a local variable; guard size read back; the
 *                        default stack is 8 MiB (RLIMIT_STACK's): a thread
 *                        with 2 MiB of locals runs
 *   linux11_threads2_cancel  pthread_cancel of a thread in pthread_cond_wait
 *                        (cleanup handler runs, mutex re-taken in it),
 *                        PTHREAD_CANCELED from join; cancel disabled
 *                        (pthread_setcancelstate) is held until enabled and
 *                        a pthread_testcancel
 *   linux11_threads2_sig     pthread_sigmask in a thread is its own; a new
 *                        thread inherits its creator's mask; pthread_kill
 *                        runs the handler in the target thread
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
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

static sem_t go;

static void *wait_go(void *p)
{
	while (sem_wait(&go))
		;
	return p;
}

static struct timespec in_ms(clockid_t clk, long ms)
{
	struct timespec t;
	clock_gettime(clk, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

static void gnujoin(void)
{
	int f = fails;
	part = "linux11_threads2_gnujoin";
	sem_init(&go, 0, 0);
	pthread_t t;
	void *r = NULL;
	CHECK(pthread_create(&t, NULL, wait_go, (void *)11L) == 0);
	CHECK(pthread_tryjoin_np(t, &r) == EBUSY);
	struct timespec dl = in_ms(CLOCK_REALTIME, 50);
	CHECK(pthread_timedjoin_np(t, &r, &dl) == ETIMEDOUT);
	sem_post(&go);
	dl = in_ms(CLOCK_REALTIME, 30000);
	CHECK(pthread_timedjoin_np(t, &r, &dl) == 0 && r == (void *)11L);

	CHECK(pthread_create(&t, NULL, wait_go, (void *)12L) == 0);
	dl = in_ms(CLOCK_MONOTONIC, 30);
	CHECK(pthread_clockjoin_np(t, &r, CLOCK_MONOTONIC, &dl) == ETIMEDOUT);
	sem_post(&go);
	int e;
	while ((e = pthread_tryjoin_np(t, &r)) == EBUSY)
		usleep(1000);
	CHECK(e == 0 && r == (void *)12L);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static __thread int tls_counter = 42;
static __thread char tls_buf[100] = "initial";

static pthread_barrier_t all_alive;

static void *tls_worker(void *p)
{
	long i = (long)p;
	int ok = tls_counter == 42 && !strcmp(tls_buf, "initial");
	tls_counter = (int)i;
	snprintf(tls_buf, sizeof tls_buf, "thread %ld", i);
	for (int k = 0; k < 1000; k++) {
		tls_counter++;
		if (k % 100 == 0)
			sched_yield();
	}
	ok &= tls_counter == (int)i + 1000;
	char want[100];
	snprintf(want, sizeof want, "thread %ld", i);
	ok &= !strcmp(tls_buf, want);
	/* the stack pthread_getattr_np reports holds our locals */
	pthread_attr_t a;
	void *stk = NULL;
	size_t sz = 0;
	int local = 0;
	if (pthread_getattr_np(pthread_self(), &a) == 0) {
		pthread_attr_getstack(&a, &stk, &sz);
		ok &= (char *)&local >= (char *)stk && (char *)&local < (char *)stk + sz;
		pthread_attr_destroy(&a);
	} else {
		ok = 0;
	}
	pthread_barrier_wait(&all_alive); /* so no two share a reused block */
	return (void *)(intptr_t)(ok ? (intptr_t)&tls_counter : 0);
}

/* a thread with 2 MiB of locals: within Linux's default 8 MiB stack */
static void *big_locals(void *p)
{
	volatile char buf[2 << 20];
	for (size_t i = 0; i < sizeof buf; i += 4096)
		buf[i] = (char)i;
	buf[sizeof buf - 1] = 1;
	return (void *)(long)(buf[0] == 0 && buf[sizeof buf - 1] == 1) + (long)p;
}

static void tls(void)
{
	int f = fails;
	part = "linux11_threads2_tls";
	pthread_t t[8];
	void *addr[8];
	pthread_barrier_init(&all_alive, NULL, 8);
	for (long i = 0; i < 8; i++)
		CHECK(pthread_create(&t[i], NULL, tls_worker, (void *)(i * 10000)) == 0);
	for (int i = 0; i < 8; i++)
		CHECK(pthread_join(t[i], &addr[i]) == 0 && addr[i] != NULL);
	int distinct = 1;
	for (int i = 0; i < 8; i++)
		for (int j = i + 1; j < 8; j++)
			distinct &= addr[i] != addr[j];
	CHECK(distinct);
	CHECK(tls_counter == 42 && !strcmp(tls_buf, "initial"));
	pthread_attr_t a;
	pthread_attr_init(&a);
	size_t def = 0;
	CHECK(pthread_attr_getstacksize(&a, &def) == 0 && def >= (8u << 20));
	void *r = NULL;
	pthread_t b;
	CHECK(pthread_create(&b, NULL, big_locals, NULL) == 0);
	CHECK(pthread_join(b, &r) == 0 && r == (void *)1L);
	CHECK(pthread_attr_setguardsize(&a, 8192) == 0);
	size_t g = 0;
	CHECK(pthread_attr_getguardsize(&a, &g) == 0 && g == 8192);
	pthread_attr_destroy(&a);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static pthread_mutex_t cmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ccv = PTHREAD_COND_INITIALIZER;
static volatile int cleanup_ran, cleanup_had_lock, waiting;

static void cleanup(void *p)
{
	(void)p;
	cleanup_ran = 1;
	cleanup_had_lock = pthread_mutex_trylock(&cmu) == EBUSY; /* held by us */
	pthread_mutex_unlock(&cmu);
}

static void *cond_waiter(void *p)
{
	(void)p;
	pthread_mutex_lock(&cmu);
	pthread_cleanup_push(cleanup, NULL);
	waiting = 1;
	for (;;)
		pthread_cond_wait(&ccv, &cmu);
	pthread_cleanup_pop(1);
	return NULL;
}

static volatile int reached;
static void *disabled(void *p)
{
	(void)p;
	int old = -1;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	while (sem_wait(&go))
		;
	pthread_testcancel(); /* disabled: nothing */
	reached = 1;
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
	pthread_testcancel();
	reached = 2;
	return (void *)(long)old;
}

static void cancel(void)
{
	int f = fails;
	part = "linux11_threads2_cancel";
	pthread_t t;
	CHECK(pthread_create(&t, NULL, cond_waiter, NULL) == 0);
	while (!waiting)
		usleep(1000);
	pthread_mutex_lock(&cmu); /* it is in the wait once we have the lock */
	pthread_mutex_unlock(&cmu);
	CHECK(pthread_cancel(t) == 0);
	void *r = NULL;
	CHECK(pthread_join(t, &r) == 0 && r == PTHREAD_CANCELED);
	CHECK(cleanup_ran && cleanup_had_lock);
	CHECK(pthread_mutex_trylock(&cmu) == 0);
	pthread_mutex_unlock(&cmu);

	CHECK(pthread_create(&t, NULL, disabled, NULL) == 0);
	CHECK(pthread_cancel(t) == 0);
	sem_post(&go);
	CHECK(pthread_join(t, &r) == 0 && r == PTHREAD_CANCELED && reached == 1);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static __thread volatile int got_usr1;
static volatile pthread_t handler_thread;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
	handler_thread = pthread_self();
}

static void *mask_child(void *p)
{
	(void)p;
	sigset_t cur;
	pthread_sigmask(SIG_SETMASK, NULL, &cur);
	return (void *)(long)(sigismember(&cur, SIGUSR2) && !sigismember(&cur, SIGUSR1));
}

static void *target(void *p)
{
	(void)p;
	while (!got_usr1)
		usleep(1000);
	return (void *)(long)got_usr1;
}

static void sig(void)
{
	int f = fails;
	part = "linux11_threads2_sig";
	signal(SIGUSR1, on_usr1);
	sigset_t s, old;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	CHECK(pthread_sigmask(SIG_BLOCK, &s, &old) == 0);
	pthread_t t;
	void *r = NULL;
	CHECK(pthread_create(&t, NULL, mask_child, NULL) == 0);
	CHECK(pthread_join(t, &r) == 0 && r == (void *)1L);
	CHECK(pthread_sigmask(SIG_SETMASK, &old, NULL) == 0);
	CHECK(pthread_create(&t, NULL, target, NULL) == 0);
	CHECK(pthread_kill(t, SIGUSR1) == 0);
	pthread_t seen_t = t;
	CHECK(pthread_join(t, &r) == 0 && r == (void *)1L);
	CHECK(got_usr1 == 0 && pthread_equal(handler_thread, seen_t));
	CHECK(pthread_kill(pthread_self(), 0) == 0);
	signal(SIGUSR1, SIG_DFL);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

int main(void)
{
	gnujoin();
	tls();
	cancel();
	sig();
	return fails != 0;
}
