/* Futexes and what sleeps on them (issue 11, section 4: nothing that waits
 * polls).
 *
 *   futex_calls       E_AGAIN when the word differs, E_TIMEDOUT when nobody
 *                     wakes, E_INVAL for a misaligned word or an absurd
 *                     time, E_FAULT for a kernel or unmapped address; a
 *                     wake with nobody waiting wakes 0
 *   futex_wake_n      4 waiters: wake(2) wakes exactly two (the other two
 *                     stay asleep), wake(all) the rest
 *   futex_private     a forked child waiting at the same address is not
 *                     woken by the parent's wake (the key is the space)
 *   futex_pingpong    two threads hand a turn back and forth 20,000 times
 *                     with bare futexes, and a producer and a consumer pass
 *                     20,000 numbers through a pthread mutex and condition
 *                     variable (a lost wake-up hangs: the run's time-out)
 *   futex_no_polling  pthread_join of a thread that sleeps 500 ms, and
 *                     pthread_mutex_lock of a mutex held 500 ms, each
 *                     cost a handful of context switches (polling every
 *                     millisecond made hundreds) and leave the CPUs idle
 *   futex_kill        a child whose threads sleep in futex_wait for good
 *                     is killed, and one exits while they sleep: both are
 *                     reaped and every frame comes back; then children
 *                     whose threads wait on words of pages never touched
 *                     (each wait asks the pager first) are killed mid-way,
 *                     20 times, and futexes of every bucket are used after:
 *                     a waiter left queued by a thread that ended while its
 *                     word was paged in corrupted the queues (the fuzzer
 *                     found it as a kernel page fault in futex_wake) */
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define ROUNDS   20000
#define HOLD_MS  500
#define MAX_SWITCHES 100 /* polling each ms makes >= HOLD_MS */
#define WAIT_MS  30000

static volatile unsigned word, asleep, returned;

static struct abi_sysinfo si;

/* Context switches and idle milliseconds of CPU cpu so far. */
static void cpu_totals(unsigned cpu, uint64_t *switches, uint64_t *idle)
{
	*switches = *idle = 0;
	if (sys_sysinfo((uint64_t)&si, sizeof si) == E_OK && cpu < si.ncpus)
		*switches = si.cpu[cpu].switches, *idle = si.cpu[cpu].idle_ticks;
}

static void calls(void)
{
	const char *name = "futex_calls";
	word = 7;
	TEST_ERR(name, futex_wait(&word, 6, FUTEX_FOREVER), E_AGAIN);
	TEST_ERR(name, futex_wait(&word, 7, 5), E_TIMEDOUT);
	TEST_ERR(name, futex_wait(&word, 7, 0), E_TIMEDOUT);
	TEST_ERR(name, futex_wait((char *)&word + 2, 7, 5), E_INVAL);
	TEST_ERR(name, futex_wait((char *)&word + 3, 7, 5), E_INVAL);
	/* FUTEX_SHARED (bit 0) on private memory: the private key */
	TEST_ERR(name, sys_futex_wait((uint64_t)&word | FUTEX_SHARED, 6, 5), E_AGAIN);
	TEST_ERR(name, sys_futex_wait((uint64_t)&word | FUTEX_SHARED, 7, 5), E_TIMEDOUT);
	TEST_ERR(name, sys_futex_wake((uint64_t)&word | FUTEX_SHARED, 1), E_OK);
	TEST_ERR(name, sys_futex_wake(0x1000 | FUTEX_SHARED, 1), E_FAULT);
	TEST_ERR(name, futex_wait(&word, 7, FUTEX_MAX_MS + 1), E_INVAL);
	TEST_ERR(name, futex_wait((void *)0xffff800000001000ull, 0, 5), E_FAULT);
	TEST_ERR(name, futex_wait((void *)0x1000, 0, 5), E_FAULT);
	TEST_ERR(name, sys_futex_wake((uint64_t)&word + 2, 1), E_INVAL);
	TEST_CHECK(name, futex_wake(&word, INT_MAX) == 0);
	TEST_CHECK(name, futex_wake((void *)0xffff800000001000ull, 1) == 0);
	test_pass(name);
}

static void sleeper(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&asleep, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&word, __ATOMIC_SEQ_CST) == 0 &&
	       futex_wait(&word, 0, FUTEX_FOREVER) != E_OK)
		;
	__atomic_fetch_add(&returned, 1, __ATOMIC_SEQ_CST);
}

/* Wake n more, retrying while the sleepers are still on their way in. */
static void wake_exactly(const char *name, unsigned n)
{
	unsigned got = 0;
	for (int tries = 0; got < n; tries++) {
		unsigned w = futex_wake(&word, n - got);
		TEST_CHECK(name, w <= n - got);
		got += w;
		TEST_CHECK(name, tries < WAIT_MS);
		if (got < n)
			sleep_ms(1);
	}
}

static void until_returned(const char *name, unsigned n)
{
	for (int ms = 0; __atomic_load_n(&returned, __ATOMIC_SEQ_CST) < n; ms++) {
		TEST_CHECK(name, ms < WAIT_MS);
		sleep_ms(1);
	}
}

static void wake_n(void)
{
	const char *name = "futex_wake_n";
	word = asleep = returned = 0;
	for (int i = 0; i < 4; i++)
		TEST_ERR(name, thread_start(sleeper, NULL, 16384), E_OK);
	while (__atomic_load_n(&asleep, __ATOMIC_SEQ_CST) < 4)
		sleep_ms(1);
	sleep_ms(20); /* most are in futex_wait by now; wake_exactly copes if not */
	wake_exactly(name, 2);
	until_returned(name, 2);
	sleep_ms(100);
	TEST_CHECK(name, returned == 2); /* the two not woken sleep on */
	wake_exactly(name, 2);
	until_returned(name, 4);
	TEST_CHECK(name, futex_wake(&word, INT_MAX) == 0);
	test_pass(name);
}

static void private_key(void)
{
	const char *name = "futex_private";
	struct wait_status st;
	word = 0;
	int pid = fork();
	if (pid == 0) /* the child: nobody here wakes it */
		exit(futex_wait(&word, 0, 400) == E_TIMEDOUT ? 0 : 1);
	TEST_CHECK(name, pid > 0);
	unsigned woken = 0;
	for (int i = 0; i < 100; i++) {
		woken += futex_wake(&word, INT_MAX);
		sleep_ms(2);
	}
	TEST_ERR(name, waitpid((uint32_t)pid, &st), E_OK);
	TEST_CHECK(name, woken == 0);
	TEST_CHECK(name, st.how == PG_WAIT_EXITED && st.code == 0);
	test_pass(name);
}

static volatile unsigned turn;

static void ponger(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 1)
			futex_wait(&turn, 0, FUTEX_FOREVER);
		__atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
		futex_wake(&turn, 1);
	}
	__atomic_fetch_add(&returned, 1, __ATOMIC_SEQ_CST);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static volatile int slot = -1; /* one number in flight, -1: empty */
static volatile uint64_t consumed;

static void *consumer(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&mu);
		while (slot < 0)
			pthread_cond_wait(&cv, &mu);
		consumed += (uint64_t)slot;
		slot = -1;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static void pingpong(void)
{
	const char *name = "futex_pingpong";
	uint64_t sw, idle;
	cpu_totals(0, &sw, &idle);
	int cpu = si.ncpus > 1 ? 1 : 0;
	turn = 0, returned = 0;
	TEST_ERR(name, thread_start_on(cpu, ponger, NULL, 16384), E_OK);
	for (int i = 0; i < ROUNDS; i++) {
		__atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
		futex_wake(&turn, 1);
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 0)
			futex_wait(&turn, 1, FUTEX_FOREVER);
	}
	until_returned(name, 1);

	pthread_t t;
	uint64_t want = 0;
	TEST_CHECK(name, pthread_create(&t, NULL, consumer, NULL) == 0);
	for (int i = 0; i < ROUNDS; i++) {
		pthread_mutex_lock(&mu);
		while (slot >= 0)
			pthread_cond_wait(&cv, &mu);
		slot = i;
		want += (uint64_t)i;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	TEST_CHECK(name, pthread_join(t, NULL) == 0);
	TEST_CHECK(name, consumed == want);
	test_pass(name);
}

static void *sleep_hold(void *arg)
{
	pthread_mutex_t *m = arg;
	if (m)
		pthread_mutex_lock(m);
	__atomic_store_n(&asleep, 1, __ATOMIC_SEQ_CST);
	sleep_ms(HOLD_MS);
	if (m)
		pthread_mutex_unlock(m);
	return NULL;
}

/* One wait, made by a thread pinned to CPU cpu, for a thread t that
 * sleeps HOLD_MS (holding m if not NULL): that CPU's context switches and
 * idle milliseconds meanwhile. */
struct wait_job {
	pthread_t t;
	pthread_mutex_t *m;
	unsigned cpu;
	uint64_t switches, idle;
	volatile unsigned done;
};

static void waiter(void *arg)
{
	struct wait_job *j = arg;
	uint64_t s0, i0, s1, i1;
	cpu_totals(j->cpu, &s0, &i0);
	if (j->m) {
		pthread_mutex_lock(j->m);
		pthread_mutex_unlock(j->m);
	}
	pthread_join(j->t, NULL);
	cpu_totals(j->cpu, &s1, &i1);
	j->switches = s1 - s0, j->idle = i1 - i0;
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	futex_wake(&j->done, 1);
}

static void measure_wait(const char *name, pthread_mutex_t *m)
{
	struct wait_job j = { .m = m };
	uint64_t sw, idle;
	cpu_totals(0, &sw, &idle);
	j.cpu = si.ncpus - 1;
	asleep = 0;
	TEST_CHECK(name, pthread_create(&j.t, NULL, sleep_hold, m) == 0);
	while (!__atomic_load_n(&asleep, __ATOMIC_SEQ_CST))
		sleep_ms(1);
	TEST_ERR(name, thread_start_on((int)j.cpu, waiter, &j, 16384), E_OK);
	while (!__atomic_load_n(&j.done, __ATOMIC_ACQUIRE))
		futex_wait(&j.done, 0, FUTEX_FOREVER);
	printf("%s: %s: CPU %u made %lu switches and was idle %lu ms of %d\n", name,
	       m ? "mutex" : "join", j.cpu, (unsigned long)j.switches,
	       (unsigned long)j.idle, HOLD_MS);
	if (j.switches > MAX_SWITCHES || j.idle < HOLD_MS / 2)
		test_fail(name, "%s: %lu context switches, %lu ms idle in %d ms",
			  m ? "mutex" : "join", (unsigned long)j.switches,
			  (unsigned long)j.idle, HOLD_MS);
}

static void no_polling(void)
{
	const char *name = "futex_no_polling";
	static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
	measure_wait(name, NULL);
	measure_wait(name, &held);
	test_pass(name);
}

static int child_sleeps(bool exit_early)
{
	word = 0;
	for (int i = 0; i < 3; i++)
		if (thread_start(sleeper, NULL, 16384) != E_OK)
			return 2;
	while (__atomic_load_n(&asleep, __ATOMIC_SEQ_CST) < 3)
		sleep_ms(1);
	sleep_ms(20);
	if (exit_early)
		return 0; /* exit with three threads asleep */
	futex_wait(&asleep, 3, FUTEX_FOREVER); /* until killed */
	return 3;
}

/* Threads that wait a millisecond on a word of a fresh page, again and
 * again: most of their time goes in asking the pager for the page. */
static void lazy_waiter(void *arg)
{
	(void)arg;
	for (;;) {
		void *m;
		if (mmap_anon(1 << 20, &m) != E_OK)
			continue;
		for (int i = 0; i < 256; i++)
			futex_wait((uint32_t *)m + i * 1024, 0, 1);
	}
}

static int child_lazy(void)
{
	for (int i = 0; i < 3; i++)
		thread_start(lazy_waiter, NULL, 16384);
	lazy_waiter(NULL);
	return 0;
}

/* Every bucket's queue used: waits of 0 ms and wakes on 4096 words. */
static void all_buckets(void *arg)
{
	(void)arg;
	static volatile uint32_t words[4096];
	for (int i = 0; i < 4096; i++) {
		futex_wait(&words[i], 0, 0);
		futex_wake(&words[i], 1);
	}
	__atomic_fetch_add(&returned, 1, __ATOMIC_SEQ_CST);
}

static void kill_waiters(void)
{
	const char *name = "futex_kill";
	struct wait_status st;
	uint32_t pid;
	for (int round = 0; round < 20; round++) {
		TEST_ERR(name, spawn("test_futex", "lazy", &pid), E_OK);
		sleep_ms(5 + 7 * (round % 5));
		TEST_ERR(name, kill(pid), E_OK);
		TEST_ERR(name, waitpid(pid, &st), E_OK);
		returned = 0;
		for (int i = 0; i < 3; i++)
			TEST_ERR(name, thread_start(all_buckets, NULL, 16384), E_OK);
		all_buckets(NULL);
		until_returned(name, 4);
	}
	sleep_ms(50);
	/* a long quiet spell: the 60 helper threads above may still be ending */
	uint64_t before = frames_steady(5000);
	TEST_ERR(name, spawn("test_futex", "sleeps", &pid), E_OK);
	sleep_ms(300);
	TEST_ERR(name, kill(pid), E_OK);
	TEST_ERR(name, waitpid(pid, &st), E_OK);
	TEST_CHECK(name, st.how != PG_WAIT_EXITED);
	TEST_ERR(name, spawn("test_futex", "exits", &pid), E_OK);
	TEST_ERR(name, waitpid(pid, &st), E_OK);
	TEST_CHECK(name, st.how == PG_WAIT_EXITED && st.code == 0);
	uint64_t after = frames_settle(before, WAIT_MS);
	if (after != before)
		test_fail(name, "free frames %lu before, %lu after", (unsigned long)before,
			  (unsigned long)after);
	test_pass(name);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "sleeps") == 0)
		return child_sleeps(false);
	if (argc > 1 && strcmp(argv[1], "exits") == 0)
		return child_sleeps(true);
	if (argc > 1 && strcmp(argv[1], "lazy") == 0)
		return child_lazy();
	calls();
	wake_n();
	private_key();
	pingpong();
	no_polling();
	kill_waiters();
	return 0;
}
