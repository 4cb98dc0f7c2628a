/* syscall(2) and raw futexes as Linux programs use them (checked with
 * glibc on Linux): getpid/gettid by number (the main thread's tid is the
 * pid), mmap/munmap/write by number, an unknown number ENOSYS; a lock
 * built on FUTEX_WAIT_PRIVATE/FUTEX_WAKE_PRIVATE keeps a counter exact
 * under 4 threads; FUTEX_WAIT returns EAGAIN when the word moved and
 * ETIMEDOUT after its relative timeout, FUTEX_WAIT_BITSET after an
 * absolute one, a timeout of 2^34 seconds waits until the wake, a bad
 * timeout pointer is EFAULT; a futex in MAP_SHARED memory (no PRIVATE
 * flag) wakes a parent from its fork child. */
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux5_syscall: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static long futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts,
		  uint32_t *uaddr2, uint32_t val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

/* A lock as Drepper's "Futexes are tricky" builds it: 0 free, 1 held,
 * 2 held with waiters. */
static uint32_t lock_word;
static long counter;

static void lock(void)
{
	uint32_t c = 0;
	if (__atomic_compare_exchange_n(&lock_word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(&lock_word, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		futex(&lock_word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
		c = __atomic_exchange_n(&lock_word, 2, __ATOMIC_ACQUIRE);
	}
}

static void unlock(void)
{
	if (__atomic_fetch_sub(&lock_word, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
		futex(&lock_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
}

#define THREADS 4
#define ROUNDS  20000

static void *worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		lock();
		long v = counter;
		if (i % 64 == 0)
			sched_yield(); /* let others find the lock held */
		counter = v + 1;
		unlock();
	}
	return NULL;
}

/* Moves the word on and wakes its waiter, 100 ms later. */
static void *wake_later(void *arg)
{
	uint32_t *w = arg;
	struct timespec d = { 0, 100 * 1000000 };
	nanosleep(&d, NULL);
	__atomic_store_n(w, 6, __ATOMIC_RELEASE);
	futex(w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	return NULL;
}

int main(void)
{
	CHECK(syscall(SYS_getpid) == getpid());
	CHECK(syscall(SYS_gettid) == getpid()); /* the main thread */
	CHECK(syscall(99999) == -1 && errno == ENOSYS);
	char *p = (char *)syscall(SYS_mmap, NULL, 8192, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED && p[0] == 0);
	if (p != MAP_FAILED) {
		p[4096] = 7;
		CHECK(syscall(SYS_munmap, p, 8192) == 0);
	}
	CHECK(syscall(SYS_write, 1, "", 0) == 0);

	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, worker, NULL) == 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	CHECK(counter == (long)THREADS * ROUNDS);
	CHECK(lock_word == 0);

	uint32_t w = 5;
	struct timespec rel = { 0, 30 * 1000000 };
	CHECK(futex(&w, FUTEX_WAIT_PRIVATE, 4, &rel, NULL, 0) == -1 && errno == EAGAIN);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(futex(&w, FUTEX_WAIT_PRIVATE, 5, &rel, NULL, 0) == -1 && errno == ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long waited_ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CHECK(waited_ms >= 29);
	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 20 * 1000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	CHECK(futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 5, &abs, NULL, FUTEX_BITSET_MATCH_ANY) == -1 &&
	      errno == ETIMEDOUT);
	CHECK(futex(&w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 0); /* nobody waits */
	CHECK(futex(&w, FUTEX_WAIT_PRIVATE, 5, (struct timespec *)8, NULL, 0) == -1 &&
	      errno == EFAULT);
	pthread_t waker;
	CHECK(pthread_create(&waker, NULL, wake_later, &w) == 0);
	struct timespec huge = { 18446744074L, 0 }; /* seconds * 10^9 overflows */
	long r = 0;
	while (__atomic_load_n(&w, __ATOMIC_ACQUIRE) == 5) /* a wake may come early */
		if ((r = futex(&w, FUTEX_WAIT_PRIVATE, 5, &huge, NULL, 0)) == -1 &&
		    errno != EAGAIN && errno != EINTR)
			break;
	CHECK(__atomic_load_n(&w, __ATOMIC_ACQUIRE) == 6 && (r == 0 || errno == EAGAIN));
	pthread_join(waker, NULL);

	/* a shared futex: the child flips the word and wakes the parent */
	uint32_t *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED);
	if (sh != MAP_FAILED) {
		pid_t pid = fork();
		if (pid == 0) {
			struct timespec d = { 0, 50 * 1000000 };
			nanosleep(&d, NULL);
			__atomic_store_n(sh, 1, __ATOMIC_RELEASE);
			futex(sh, FUTEX_WAKE, 1, NULL, NULL, 0);
			_exit(0);
		}
		struct timespec limit = { 10, 0 };
		while (__atomic_load_n(sh, __ATOMIC_ACQUIRE) == 0)
			if (futex(sh, FUTEX_WAIT, 0, &limit, NULL, 0) == -1 &&
			    errno != EAGAIN && errno != EINTR)
				break;
		CHECK(*sh == 1);
		int st;
		CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
		munmap(sh, 4096);
	}
	if (!fails)
		printf("@@PASS linux5_syscall\n");
	return fails != 0;
}
