/* More of Linux's C library, as a small Linux test program includes it
 * (these headers only, no sys/ ones but the test helpers):
 *   posix2_libc     inttypes.h formats and strtoimax, endian.h,
 *                   gettimeofday and timersub, stat/fstat, setjmp/longjmp
 *                   (callee-saved registers kept), sigsetjmp's mask
 *   posix2_sched    sched_getcpu, sched_setaffinity to each CPU (the thread
 *                   stays there), sched_getaffinity, errors
 *   posix2_rusage   getrusage: faults and peak resident size of self and of
 *                   waited-for children; getrlimit/setrlimit
 *   posix2_sem      sem_wait sleeps until sem_post, trywait, timedwait,
 *                   producer/consumer counts
 *   posix2_pthread  pthread_once, barriers, malloc/free from four threads
 *                   at once, attr stack size (a thread using more stack
 *                   than the default), detach (threads freeing their own
 *                   blocks), pthread_exit, mutex_timedlock, spin locks */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sys/test.h"

static const char *name;
#define CHECK(c) TEST_CHECK(name, c)

/* ---- posix2_libc ---- */

static void formats(void)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%" PRId64 " %" PRIu64 " %" PRIx64 " %" PRIX32,
		 INT64_MIN, UINT64_MAX, (uint64_t)0xdeadbeefcafeull, (uint32_t)0xabcdu);
	CHECK(!strcmp(buf, "-9223372036854775808 18446744073709551615 deadbeefcafe ABCD"));
	uintptr_t p = (uintptr_t)0x7fffffffe000ull;
	snprintf(buf, sizeof buf, "%" PRIuPTR " %" PRIxPTR " %" PRIdMAX " %" PRIu8 " %" PRId16,
		 p, p, (intmax_t)-5, (uint8_t)200, (int16_t)-300);
	CHECK(!strcmp(buf, "140737488347136 7fffffffe000 -5 200 -300"));
	char *end;
	CHECK(strtoimax(" -9223372036854775808x", &end, 10) == INT64_MIN && *end == 'x');
	CHECK(strtoumax("0xffffffffffffffff", NULL, 0) == UINT64_MAX);
	errno = 0;
	CHECK(strtoimax("99999999999999999999", NULL, 10) == INTMAX_MAX && errno == ERANGE);
	CHECK(imaxabs(-7) == 7 && imaxdiv(17, 5).quot == 3 && imaxdiv(17, 5).rem == 2);
	CHECK(htobe32(0x11223344u) == 0x44332211u && le64toh(5) == 5 && BYTE_ORDER == LITTLE_ENDIAN);
}

static void times_and_files(void)
{
	struct timeval a, b, d;
	CHECK(gettimeofday(&a, NULL) == 0);
	usleep(3000);
	CHECK(gettimeofday(&b, NULL) == 0);
	CHECK(!timercmp(&b, &a, <) && b.tv_usec >= 0 && b.tv_usec < 1000000);
	timersub(&b, &a, &d);
	CHECK(d.tv_sec >= 0 && d.tv_usec >= 0 && d.tv_usec < 1000000);
	struct timespec ts;
	CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0 && gettimeofday(&a, NULL) == 0);
	CHECK(a.tv_sec >= ts.tv_sec); /* the same clock */
	struct timeval x = { 1, 900000 }, y = { 0, 200000 }, z;
	timeradd(&x, &y, &z);
	CHECK(z.tv_sec == 2 && z.tv_usec == 100000);
	timersub(&y, &x, &z);
	CHECK(z.tv_sec == -2 && z.tv_usec == 300000);

	struct stat st;
	CHECK(stat("/init", &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 4096);
	int fd = open("init", O_RDONLY);
	CHECK(fd >= 3);
	struct stat fst;
	CHECK(fstat(fd, &fst) == 0 && fst.st_size == st.st_size && fst.st_ino == st.st_ino);
	CHECK(lseek(fd, 0, SEEK_END) == st.st_size);
	close(fd);
	CHECK(stat("no_such_file", &st) == -1 && errno == ENOENT);
	CHECK(fstat(99, &st) == -1 && errno == EBADF);
	CHECK(fstat(1, &st) == 0 && S_ISCHR(st.st_mode));
}

static jmp_buf jb;
static sigjmp_buf sjb;
static int depth;

static __attribute__((noinline)) void dive(int n, int val)
{
	volatile char pad[256];
	pad[0] = (char)n;
	depth = pad[0];
	if (n < 0)
		return; /* never: (a path that returns, for gcc's recursion check) */
	if (n > 0)
		dive(n - 1, val);
	longjmp(jb, val);
}

/* check_regs(env): sets rbx, rbp and r12-r15 to known values, setjmp(env),
 * overwrites them, longjmp(env, 7); 1 if setjmp's second return found
 * them all as they were and returned 7, else 0. */
int check_regs(jmp_buf env);
__asm__(".text\n"
	"check_regs:\n"
	"	push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n push %r15\n"
	"	sub $8, %rsp\n"
	"	mov %rdi, (%rsp)\n"
	"	mov $0x0b0b, %rbx\n mov $0x0bbb, %rbp\n mov $0x1212, %r12\n"
	"	mov $0x1313, %r13\n mov $0x1414, %r14\n mov $0x1515, %r15\n"
	"	call setjmp\n"
	"	test %eax, %eax\n"
	"	jnz 1f\n"
	"	xor %ebx, %ebx\n xor %ebp, %ebp\n xor %r12, %r12\n"
	"	xor %r13, %r13\n xor %r14, %r14\n xor %r15, %r15\n"
	"	mov (%rsp), %rdi\n"
	"	mov $7, %esi\n"
	"	call longjmp\n"
	"1:	cmp $7, %eax\n jne 2f\n"
	"	cmp $0x0b0b, %rbx\n jne 2f\n cmp $0x0bbb, %rbp\n jne 2f\n"
	"	cmp $0x1212, %r12\n jne 2f\n cmp $0x1313, %r13\n jne 2f\n"
	"	cmp $0x1414, %r14\n jne 2f\n cmp $0x1515, %r15\n jne 2f\n"
	"	mov $1, %eax\n jmp 3f\n"
	"2:	xor %eax, %eax\n"
	"3:	add $8, %rsp\n"
	"	pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n pop %rbx\n"
	"	ret\n");

static void jumps(void)
{
	volatile int count = 0;
	int r = setjmp(jb);
	count++;
	if (r == 0)
		dive(20, 0); /* val 0 comes back as 1 */
	CHECK(r == 1 && count == 2 && depth == 0);
	r = setjmp(jb);
	if (r == 0)
		dive(5, 42);
	CHECK(r == 42);
	jmp_buf regs;
	CHECK(check_regs(regs) == 1);

	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_SETMASK, &set, NULL) == 0);
	if (sigsetjmp(sjb, 1) == 0) {
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_SETMASK, &set, NULL);
		siglongjmp(sjb, 3);
	}
	sigprocmask(SIG_SETMASK, NULL, &old);
	CHECK(sigismember(&old, SIGUSR1) == 1 && sigismember(&old, SIGUSR2) == 0);
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
}

/* ---- posix2_sched ---- */

static void sched(void)
{
	int n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	CHECK(n >= 1 && sched_getcpu() >= 0 && sched_getcpu() < n);
	CHECK(sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) == n);
	for (int cpu = n - 1; cpu >= 0; cpu--) {
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		CHECK(sched_setaffinity(0, sizeof set, &set) == 0);
		for (int i = 0; i < 20; i++) { /* it stays there */
			CHECK(sched_getcpu() == cpu);
			sched_yield();
			usleep(100);
		}
		cpu_set_t got;
		CHECK(sched_getaffinity(getpid(), sizeof got, &got) == 0);
		CHECK(CPU_COUNT(&got) == 1 && CPU_ISSET(cpu, &got) && CPU_EQUAL(&got, &set));
	}
	if (n >= 3) { /* a set of two: the thread stays inside it */
		CPU_ZERO(&set);
		CPU_SET(1, &set);
		CPU_SET(2, &set);
		CHECK(sched_setaffinity(0, sizeof set, &set) == 0);
		int c = sched_getcpu();
		CHECK(c == 1 || c == 2);
	}
	CPU_ZERO(&set);
	for (int cpu = 0; cpu < n; cpu++)
		CPU_SET(cpu, &set);
	CHECK(sched_setaffinity(0, sizeof set, &set) == 0);
	CHECK(sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) == n);
	CPU_ZERO(&set);
	CHECK(sched_setaffinity(0, sizeof set, &set) == -1 && errno == EINVAL);
	CPU_SET(n, &set); /* no such CPU */
	CHECK(sched_setaffinity(0, sizeof set, &set) == -1 && errno == EINVAL);
	CHECK(sched_getaffinity(99999, sizeof set, &set) == -1 && errno == ESRCH);
	CHECK(sched_yield() == 0);
}

/* ---- posix2_rusage ---- */

#define TOUCH 300

/* Write every other page of 2 * pages (the pager maps the pages after a
 * sequential fault too, as Linux's fault-around: with gaps every write is
 * one fault). */
static void touch(char *p, int pages)
{
	for (int i = 0; i < pages; i++)
		p[(size_t)i * 2 * 4096] = 1;
}

static void rusage(void)
{
	struct rusage a, b;
	CHECK(getrusage(RUSAGE_SELF, &a) == 0 && a.ru_minflt > 0 && a.ru_maxrss > 0);
	CHECK(a.ru_majflt == 0);
	char *p = mmap(NULL, 2 * TOUCH * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	touch(p, TOUCH);
	CHECK(getrusage(RUSAGE_SELF, &b) == 0);
	CHECK(b.ru_minflt >= a.ru_minflt + TOUCH);
	CHECK(b.ru_maxrss >= TOUCH * 4 && b.ru_maxrss > a.ru_maxrss); /* KiB */
	CHECK(munmap(p, 2 * TOUCH * 4096) == 0);
	CHECK(getrusage(RUSAGE_SELF, &a) == 0 && a.ru_maxrss >= b.ru_maxrss); /* a peak */

	struct rusage c0, c1;
	CHECK(getrusage(RUSAGE_CHILDREN, &c0) == 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *q = mmap(NULL, 4 * TOUCH * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (q == MAP_FAILED)
			_exit(2);
		touch(q, 2 * TOUCH);
		_exit(0);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(getrusage(RUSAGE_CHILDREN, &c1) == 0);
	CHECK(c1.ru_minflt >= c0.ru_minflt + 2 * TOUCH);
	CHECK(c1.ru_maxrss >= 2 * TOUCH * 4);
	CHECK(getrusage(42, &c1) == -1 && errno == EINVAL);

	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == 8u << 20 && rl.rlim_max == 8u << 20);
	CHECK(getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_cur == 0);
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= 3 && rl.rlim_cur < 100000);
	CHECK(getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY);
	CHECK(setrlimit(RLIMIT_AS, &rl) == 0);
	rl.rlim_cur = 1 << 20; /* kept, read back */
	CHECK(setrlimit(RLIMIT_AS, &rl) == 0);
	CHECK(getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur == 1 << 20 && rl.rlim_max == RLIM_INFINITY);
	rl.rlim_max = 1 << 19;
	CHECK(setrlimit(RLIMIT_AS, &rl) == -1 && errno == EINVAL); /* cur > max */
	rl.rlim_cur = rl.rlim_max = RLIM_INFINITY; /* enforced: the threads' heap below needs room */
	CHECK(setrlimit(RLIMIT_AS, &rl) == 0);
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0);
	rl.rlim_max += 4096;
	CHECK(setrlimit(RLIMIT_STACK, &rl) == -1 && errno == EPERM); /* past the system's */
	CHECK(getrlimit(99, &rl) == -1 && errno == EINVAL);
}

/* ---- posix2_sem ---- */

static sem_t items, spaces, started;
static volatile int ring[4], produced_sum;
#define ITEMS 2000

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= ITEMS; i++) {
		sem_wait(&spaces);
		ring[i % 4] = i;
		sem_post(&items);
	}
	return NULL;
}

static void *sleeper(void *arg)
{
	sem_t *s = arg;
	sem_post(&started);
	return (void *)(long)sem_wait(s);
}

static void semaphores(void)
{
	sem_t s;
	int v;
	CHECK(sem_init(&s, 0, 2) == 0);
	CHECK(sem_trywait(&s) == 0 && sem_trywait(&s) == 0);
	CHECK(sem_trywait(&s) == -1 && errno == EAGAIN);
	CHECK(sem_getvalue(&s, &v) == 0 && v == 0);
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += 20 * 1000000;
	if (t.tv_nsec >= 1000000000)
		t.tv_sec++, t.tv_nsec -= 1000000000;
	CHECK(sem_timedwait(&s, &t) == -1 && errno == ETIMEDOUT);
	t.tv_nsec = 2000000000;
	CHECK(sem_timedwait(&s, &t) == -1 && errno == EINVAL);
	CHECK(sem_post(&s) == 0);
	CHECK(sem_timedwait(&s, &t) == 0); /* not blocking: the time is not looked at */
	CHECK(sem_init(&s, 1, 0) == 0); /* pshared: test_linux3_pshared_* */
	CHECK(sem_init(&s, 0, (unsigned)SEM_VALUE_MAX + 1) == -1 && errno == EINVAL);

	/* a waiter asleep in sem_wait is woken by sem_post */
	pthread_t th;
	CHECK(sem_init(&s, 0, 0) == 0 && sem_init(&started, 0, 0) == 0);
	CHECK(pthread_create(&th, NULL, sleeper, &s) == 0);
	sem_wait(&started);
	usleep(20000); /* most likely asleep by now; correct either way */
	CHECK(sem_getvalue(&s, &v) == 0 && v == 0);
	CHECK(sem_post(&s) == 0);
	void *ret;
	CHECK(pthread_join(th, &ret) == 0 && ret == NULL);
	CHECK(sem_getvalue(&s, &v) == 0 && v == 0);

	/* producer/consumer through a ring of 4 */
	CHECK(sem_init(&items, 0, 0) == 0 && sem_init(&spaces, 0, 4) == 0);
	CHECK(pthread_create(&th, NULL, producer, NULL) == 0);
	long sum = 0;
	for (int i = 1; i <= ITEMS; i++) {
		sem_wait(&items);
		CHECK(ring[i % 4] == i);
		sum += ring[i % 4];
		sem_post(&spaces);
	}
	CHECK(pthread_join(th, NULL) == 0 && sum == (long)ITEMS * (ITEMS + 1) / 2);
	CHECK(sem_destroy(&items) == 0 && sem_destroy(&spaces) == 0);
}

/* ---- posix2_pthread ---- */

#define NT 4
#define ROUNDS 50
static pthread_once_t once = PTHREAD_ONCE_INIT;
static volatile int once_runs;
static pthread_barrier_t bar;
static volatile int arrived[ROUNDS], serials[ROUNDS], bad_round;
static pthread_spinlock_t spin;
static volatile long spin_count;

static void once_fn(void)
{
	usleep(10000); /* the other threads wait meanwhile */
	__atomic_add_fetch(&once_runs, 1, __ATOMIC_RELAXED);
}

static void *worker(void *arg)
{
	(void)arg;
	pthread_once(&once, once_fn);
	if (once_runs != 1)
		bad_round = -1;
	for (int r = 0; r < ROUNDS; r++) {
		__atomic_add_fetch(&arrived[r], 1, __ATOMIC_RELAXED);
		int s = pthread_barrier_wait(&bar);
		if (arrived[r] != NT) /* everyone arrived before anyone left */
			bad_round = r + 1;
		if (s == PTHREAD_BARRIER_SERIAL_THREAD)
			__atomic_add_fetch(&serials[r], 1, __ATOMIC_RELAXED);
		else if (s != 0)
			bad_round = 1000;
	}
	for (int i = 0; i < 10000; i++) {
		pthread_spin_lock(&spin);
		spin_count++;
		pthread_spin_unlock(&spin);
	}
	return NULL;
}

/* Uses 1 MiB of stack: only a thread made with a bigger stack survives. */
static void *big_stack(void *arg)
{
	volatile char buf[1 << 20];
	for (size_t i = 0; i < sizeof buf; i += 4096)
		buf[i] = (char)i;
	buf[sizeof buf - 1] = 7;
	return (void *)(long)(buf[sizeof buf - 1] + (long)arg);
}

static void *exits_early(void *arg)
{
	pthread_exit((void *)((long)arg * 2));
	return NULL; /* not reached */
}

static volatile int detached_done;
static void *detached(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&detached_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* malloc and free from several threads at once: each block keeps its
 * owner's pattern while it lives. */
static void *heap_user(void *arg)
{
	unsigned seed = (unsigned)(long)arg;
	unsigned char *live[16] = { 0 };
	size_t len[16] = { 0 };
	for (int i = 0; i < 4000; i++) {
		int k = rand_r(&seed) % 16;
		if (live[k]) {
			for (size_t j = 0; j < len[k]; j++)
				if (live[k][j] != (unsigned char)(k + (long)arg))
					return (void *)1l;
			free(live[k]);
		}
		len[k] = 1 + rand_r(&seed) % 3000;
		live[k] = malloc(len[k]);
		if (!live[k])
			return (void *)2l;
		memset(live[k], k + (int)(long)arg, len[k]);
	}
	for (int k = 0; k < 16; k++)
		free(live[k]);
	return NULL;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static void *try_timed(void *arg)
{
	(void)arg;
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += 0;
	t.tv_nsec += 30 * 1000000;
	if (t.tv_nsec >= 1000000000)
		t.tv_sec++, t.tv_nsec -= 1000000000;
	return (void *)(long)pthread_mutex_timedlock(&held, &t);
}

static void threads(void)
{
	pthread_t t[NT];
	CHECK(pthread_barrier_init(&bar, NULL, NT) == 0);
	CHECK(pthread_barrier_init(&bar, NULL, 0) == EINVAL);
	CHECK(pthread_barrier_init(&bar, NULL, NT) == 0);
	CHECK(pthread_spin_init(&spin, 0) == 0);
	for (int i = 0; i < NT; i++)
		CHECK(pthread_create(&t[i], NULL, worker, NULL) == 0);
	for (int i = 0; i < NT; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(once_runs == 1 && bad_round == 0 && spin_count == NT * 10000);
	for (int r = 0; r < ROUNDS; r++)
		CHECK(serials[r] == 1);
	CHECK(pthread_barrier_destroy(&bar) == 0);
	pthread_once(&once, once_fn);
	CHECK(once_runs == 1);

	for (int i = 0; i < NT; i++)
		CHECK(pthread_create(&t[i], NULL, heap_user, (void *)(long)(i * 37 + 1)) == 0);
	for (int i = 0; i < NT; i++) {
		void *r;
		CHECK(pthread_join(t[i], &r) == 0 && r == NULL);
	}

	pthread_attr_t a;
	size_t sz;
	CHECK(pthread_attr_init(&a) == 0);
	CHECK(pthread_attr_getstacksize(&a, &sz) == 0 && sz >= PTHREAD_STACK_MIN);
	CHECK(pthread_attr_setstacksize(&a, 100) == EINVAL);
	CHECK(pthread_attr_setstacksize(&a, 4u << 20) == 0);
	CHECK(pthread_attr_getstacksize(&a, &sz) == 0 && sz == 4u << 20);
	void *ret;
	CHECK(pthread_create(&t[0], &a, big_stack, (void *)5l) == 0);
	CHECK(pthread_join(t[0], &ret) == 0 && ret == (void *)12l);
	CHECK(pthread_attr_destroy(&a) == 0);

	CHECK(pthread_create(&t[0], NULL, exits_early, (void *)21l) == 0);
	CHECK(pthread_join(t[0], &ret) == 0 && ret == (void *)42l);
	CHECK(pthread_equal(pthread_self(), pthread_self()) && !pthread_equal(t[0], pthread_self()));

	/* detached threads: more than PG_MAX_THREADS in turn, never joined */
	CHECK(pthread_attr_init(&a) == 0);
	CHECK(pthread_attr_setdetachstate(&a, 7) == EINVAL);
	CHECK(pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED) == 0);
	for (int i = 0; i < 40; i++) {
		CHECK(pthread_create(&t[0], i % 2 ? &a : NULL, detached, NULL) == 0);
		if (!(i % 2))
			CHECK(pthread_detach(t[0]) == 0);
		while (__atomic_load_n(&detached_done, __ATOMIC_ACQUIRE) != i + 1)
			sched_yield();
	}

	CHECK(pthread_mutex_trylock(&held) == 0);
	CHECK(pthread_create(&t[0], NULL, try_timed, NULL) == 0);
	CHECK(pthread_join(t[0], &ret) == 0 && ret == (void *)(long)ETIMEDOUT);
	CHECK(pthread_mutex_unlock(&held) == 0);
	CHECK(pthread_create(&t[0], NULL, try_timed, NULL) == 0);
	CHECK(pthread_join(t[0], &ret) == 0 && ret == (void *)0l);
	CHECK(pthread_mutex_unlock(&held) == 0);
	CHECK(pthread_spin_trylock(&spin) == 0 && pthread_spin_trylock(&spin) == EBUSY);
	CHECK(pthread_spin_unlock(&spin) == 0);
}

int main(void)
{
	name = "posix2_libc";
	formats();
	times_and_files();
	jumps();
	test_pass(name);
	name = "posix2_sched";
	sched();
	test_pass(name);
	name = "posix2_rusage";
	rusage();
	test_pass(name);
	name = "posix2_sem";
	semaphores();
	test_pass(name);
	name = "posix2_pthread";
	threads();
	test_pass(name);
	return 0;
}
