/* Processes and threads as a reviewer probes them on Linux terms: vfork
 * then exec of another program (this one, with an argument), a pipeline of
 * fork children passing data through pipes, many threads touching their own
 * and shared memory, pthread keys, mlock past a shared object's end,
 * /proc/self/maps naming of shared objects.  Plain Linux C: passes under
 * Linux 6.1 and glibc too. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
static const char *cur;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", cur, __LINE__, #c, errno); fails++; bad++; } } while (0)
#define BEGIN(n) volatile int bad = 0; cur = (n)
#define END() do { if (!bad) printf("@@PASS %s\n", cur); } while (0)

static long pg;
static const char *self;

/* vfork + execv: the parent waits until the child has exec'd; the child's
 * arguments, exit status; a failed exec's _exit(127). */
static void t_vfork_exec(void)
{
	BEGIN("linux19_proc_vforkexec");
	pid_t c = vfork();
	if (c == 0) {
		char *argv[] = { (char *)self, "child", "hello", "42", NULL };
		execv(self, argv);
		_exit(127);
	}
	CHECK(c > 0);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 42);
	c = vfork();
	if (c == 0) {
		execl("/no/such/program", "x", (char *)NULL);
		_exit(127);
	}
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 127);
	/* exec with stdout a pipe: the child's output reaches the parent */
	int p[2];
	CHECK(pipe(p) == 0);
	c = vfork();
	if (c == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl(self, self, "echo", "through the pipe", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char buf[64] = { 0 };
	size_t got = 0;
	for (ssize_t n; (n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0;)
		got += (size_t)n;
	close(p[0]);
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(strcmp(buf, "through the pipe\n") == 0);
	END();
}

/* A pipeline: child 1 writes numbers, child 2 doubles them, the parent
 * sums; 64 KiB+ passes through each pipe so writers block on a full
 * pipe. */
static void t_pipeline(void)
{
	BEGIN("linux19_proc_pipeline");
	enum { N = 40000 };
	int a[2], b[2];
	CHECK(pipe(a) == 0 && pipe(b) == 0);
	pid_t w = fork();
	if (w == 0) {
		close(a[0]);
		close(b[0]);
		close(b[1]);
		for (int i = 1; i <= N; i++)
			if (write(a[1], &i, sizeof i) != sizeof i)
				_exit(1);
		_exit(0);
	}
	pid_t m = fork();
	if (m == 0) {
		close(a[1]);
		close(b[0]);
		int v;
		ssize_t n;
		while ((n = read(a[0], &v, sizeof v)) == sizeof v) {
			v *= 2;
			if (write(b[1], &v, sizeof v) != sizeof v)
				_exit(1);
		}
		_exit(n == 0 ? 0 : 2);
	}
	close(a[0]);
	close(a[1]);
	close(b[1]);
	long long sum = 0;
	int v, cnt = 0;
	while (read(b[0], &v, sizeof v) == sizeof v) {
		sum += v;
		cnt++;
	}
	close(b[0]);
	int st;
	CHECK(waitpid(w, &st, 0) == w && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(waitpid(m, &st, 0) == m && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(cnt == N);
	CHECK(sum == (long long)N * (N + 1));
	/* a write to a pipe with no reader: EPIPE (SIGPIPE ignored) */
	signal(SIGPIPE, SIG_IGN);
	CHECK(pipe(a) == 0);
	close(a[0]);
	errno = 0;
	CHECK(write(a[1], "x", 1) == -1 && errno == EPIPE);
	close(a[1]);
	signal(SIGPIPE, SIG_DFL);
	/* with the default action the writer dies of SIGPIPE */
	CHECK(pipe(a) == 0);
	close(a[0]); /* no reader anywhere */
	pid_t c = fork();
	if (c == 0) {
		write(a[1], "x", 1);
		_exit(0);
	}
	close(a[1]);
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
	END();
}

/* Many threads, each with its own malloc'd and mmap'd memory and a slice of
 * one shared array, checked by the main thread after join. */
enum { THREADS = 24, SLICE = 3 };
static unsigned char *shared_arr;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	size_t sz = (size_t)(id + 1) * 5000;
	unsigned char *own = malloc(sz);
	unsigned char *map = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!own || map == MAP_FAILED)
		return (void *)1;
	for (int round = 0; round < 5; round++) {
		memset(own, id + round, sz);
		memset(map, id * 3 + round, 4 * pg);
		for (size_t i = 0; i < SLICE * (size_t)pg; i++)
			shared_arr[id * SLICE * pg + i] = (unsigned char)(id ^ i);
		for (size_t i = 0; i < sz; i++)
			if (own[i] != (unsigned char)(id + round))
				return (void *)2;
		for (size_t i = 0; i < 4 * (size_t)pg; i++)
			if (map[i] != (unsigned char)(id * 3 + round))
				return (void *)3;
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
		sched_yield();
	}
	free(own);
	munmap(map, 4 * pg);
	return NULL;
}

static void *idle(void *arg)
{
	return arg;
}

static void t_threads(void)
{
	BEGIN("linux19_proc_threads");
	shared_arr = mmap(NULL, THREADS * SLICE * pg, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(shared_arr != MAP_FAILED);
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++)
		CHECK(pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i) == 0);
	for (int i = 0; i < THREADS; i++) {
		void *r = (void *)9;
		CHECK(pthread_join(th[i], &r) == 0);
		CHECK(r == NULL);
	}
	CHECK(counter == THREADS * 5);
	size_t wrong = 0;
	for (int id = 0; id < THREADS; id++)
		for (size_t i = 0; i < SLICE * (size_t)pg; i++)
			wrong += shared_arr[id * SLICE * pg + i] != (unsigned char)(id ^ i);
	CHECK(wrong == 0);
	munmap(shared_arr, THREADS * SLICE * pg);
	/* a joined thread's id: ESRCH for a second join is undefined on Linux;
	 * a detached thread cannot be joined: EINVAL */
	pthread_t d;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	CHECK(pthread_create(&d, &at, idle, NULL) == 0);
	CHECK(pthread_join(d, NULL) == EINVAL);
	pthread_attr_destroy(&at);
	CHECK(pthread_join(pthread_self(), NULL) == EDEADLK);
	END();
}

/* pthread keys: the limit sysconf gives (PTHREAD_KEYS_MAX, 1024 in glibc)
 * can all be created; one more is EAGAIN. */
static int dtors;
static void count_dtor(void *v)
{
	__atomic_fetch_add(&dtors, v == (void *)7, __ATOMIC_RELAXED);
}

static void *set_high(void *arg)
{
	pthread_key_t *k = arg;
	for (int i = 400; i < 600; i++)
		pthread_setspecific(k[i], (void *)7);
	return NULL;
}

static void t_keys(void)
{
	BEGIN("linux19_proc_keys");
	long max = sysconf(_SC_THREAD_KEYS_MAX);
	CHECK(max == 1024 && PTHREAD_KEYS_MAX == 1024);
	static pthread_key_t k[4096];
	long made = 0;
	int e = 0;
	while (made < 4096 && (e = pthread_key_create(&k[made], NULL)) == 0)
		made++;
	CHECK(e == EAGAIN);
	CHECK(made >= max - 8 && made <= max); /* (the library's own keys) */
	for (long i = 0; i < made; i++)
		CHECK(pthread_setspecific(k[i], (void *)(intptr_t)(i + 1)) == 0);
	int ok = 1;
	for (long i = 0; i < made; i++)
		ok &= pthread_getspecific(k[i]) == (void *)(intptr_t)(i + 1);
	CHECK(ok);
	for (long i = 0; i < made; i++)
		pthread_key_delete(k[i]);
	/* a thread's values of high keys go to their destructors at its end */
	for (int i = 0; i < 600; i++)
		CHECK(pthread_key_create(&k[i], i >= 500 ? count_dtor : NULL) == 0);
	pthread_t t;
	dtors = 0;
	CHECK(pthread_create(&t, NULL, set_high, k) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(dtors == 100);
	CHECK(pthread_getspecific(k[550]) == NULL);
	for (int i = 0; i < 600; i++)
		pthread_key_delete(k[i]);
	END();
}

/* mlock past a shared object's end: ENOMEM (no pages there to lock), as
 * past any mapping's. */
static void t_mlock_end(void)
{
	BEGIN("linux19_proc_mlockend");
	char *a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(munmap(a + 2 * pg, 2 * pg) == 0);
	errno = 0;
	CHECK(mlock(a, 4 * pg) == -1 && errno == ENOMEM);
	CHECK(mlock(a, 2 * pg) == 0 && munlock(a, 2 * pg) == 0);
	munmap(a, 2 * pg);
	char *s = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(munmap(s + 2 * pg, 2 * pg) == 0);
	errno = 0;
	CHECK(mlock(s, 4 * pg) == -1 && errno == ENOMEM);
	munmap(s, 2 * pg);
	/* a shared object's mapping past its end: the pages there would
	 * SIGBUS, so none to lock: ENOMEM (not EAGAIN) */
	int fd = memfd_create("l19lock", 0);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, pg) == 0);
	char *o = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(o != MAP_FAILED);
	CHECK(mlock(o, pg) == 0 && munlock(o, pg) == 0);
	errno = 0;
	CHECK(mlock(o, 4 * pg) == -1 && errno == ENOMEM);
	errno = 0;
	CHECK(madvise(o, 4 * pg, MADV_POPULATE_READ) == -1 && errno == EFAULT);
	CHECK(madvise(o, pg, MADV_POPULATE_WRITE) == 0);
	munmap(o, 4 * pg);
	close(fd);
	END();
}

static int helper(int argc, char **argv)
{
	if (!strcmp(argv[1], "child"))
		return argc == 4 && !strcmp(argv[2], "hello") ? atoi(argv[3]) : 1;
	if (!strcmp(argv[1], "echo")) {
		printf("%s\n", argv[2]);
		return 0;
	}
	return 99;
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc > 1)
		return helper(argc, argv);
	setvbuf(stdout, NULL, _IONBF, 0);
	pg = sysconf(_SC_PAGESIZE);
	t_vfork_exec();
	t_pipeline();
	t_threads();
	t_keys();
	t_mlock_end();
	return fails != 0;
}
