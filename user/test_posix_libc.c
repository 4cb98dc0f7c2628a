/* The C library under its usual names, as a Linux program uses it:
 *   posix_libc      strings, numbers, qsort, sysconf, clock_gettime,
 *                   getpid/getppid, fork + wait(-1), exit codes, kill,
 *                   abort and assert ending a child as killed, files
 *   posix_pthreads  pthread_create/join with results, a mutex-guarded
 *                   counter, pthread_self, errno per thread */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "sys/test.h"

static const char *name;
#define CHECK(c) TEST_CHECK(name, c)

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Strings, numbers, qsort, sysconf, clock_gettime. */
static void strings_numbers(void)
{
	char buf[64], *end;
	CHECK(strtol("  -123xyz", &end, 10) == -123 && *end == 'x');
	CHECK(strtoul("0x1f", NULL, 0) == 31 && strtol("077", NULL, 0) == 63);
	errno = 0;
	CHECK(strtol("99999999999999999999", NULL, 10) == LONG_MAX && errno == ERANGE);
	CHECK(atoi("42") == 42 && abs(-5) == 5);
	snprintf(buf, sizeof buf, "%s-%d-%05.2f", "a", 7, 3.14159);
	CHECK(!strcmp(buf, "a-7-03.14"));
	CHECK(strstr("hello world", "o w") && !strchr("abc", 'z') && strrchr("a/b/c", '/')[1] == 'c');
	char *d = strdup("copy");
	CHECK(d && !strcmp(d, "copy"));
	free(d);
	int v[100];
	srand(7);
	for (int i = 0; i < 100; i++)
		v[i] = rand() % 1000;
	qsort(v, 100, sizeof v[0], cmp_int);
	for (int i = 1; i < 100; i++)
		CHECK(v[i - 1] <= v[i]);
	CHECK(sysconf(_SC_PAGESIZE) == 4096 && getpagesize() == 4096);
	CHECK(sysconf(_SC_NPROCESSORS_ONLN) >= 1 && sysconf(_SC_PHYS_PAGES) > 1000);
	struct timespec a, b;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	usleep(2000);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
	CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec > a.tv_nsec));
}

/* fork + wait(-1) and exit codes, kill, abort (assert) and a fault
 * ending a child as killed. */
static void processes(void)
{
	pid_t me = getpid(), kids[3];
	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0);
		if (kids[i] == 0)
			_exit(getppid() == me ? 10 + i : 99);
	}
	int seen = 0, st;
	for (int i = 0; i < 3; i++) {
		pid_t w = wait(&st);
		CHECK(w > 0 && WIFEXITED(st));
		for (int k = 0; k < 3; k++)
			if (w == kids[k]) {
				CHECK(WEXITSTATUS(st) == 10 + k);
				seen |= 1 << k;
			}
	}
	CHECK(seen == 7);
	errno = 0;
	CHECK(wait(&st) == -1 && errno == ECHILD);
	pid_t p = fork();
	if (p == 0) {
		for (;;)
			usleep(1000);
	}
	CHECK(kill(p, 0) == 0);
	CHECK(kill(p, SIGKILL) == 0);
	CHECK(waitpid(p, &st, 0) == p && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	errno = 0;
	CHECK(kill(p, 0) == -1 && errno == ESRCH);
	p = fork();
	if (p == 0) {
		assert(1 + 1 == 3);
		_exit(0);
	}
	CHECK(waitpid(p, &st, 0) == p && WIFSIGNALED(st));
	p = fork();
	if (p == 0) {
		volatile int *volatile bad = (int *)16;
		*bad = 1;
		_exit(0);
	}
	pid_t w = waitpid(p, &st, WNOHANG); /* 0 while it runs, or it ended */
	if (w == 0)
		w = waitpid(p, &st, 0);
	CHECK(w == p && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}

/* An initrd file through open, read and close. */
static void files(void)
{
	char buf[4];
	int fd = open("/test_posix_libc", O_RDONLY);
	CHECK(fd >= 3 && read(fd, buf, 4) == 4 && !memcmp(buf, "\177ELF", 4));
	CHECK(close(fd) == 0);
	errno = 0;
	CHECK(close(fd) == -1 && errno == EBADF);
}

static void libc(void)
{
	name = "posix_libc";
	strings_numbers();
	processes();
	files();
	test_pass(name);
}

#define THREADS 3
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *work(void *arg)
{
	long me = (long)arg;
	/* a different errno in each thread, checked after the others ran */
	int fails[THREADS] = { EBADF, EINVAL, ENOMEM };
	if (me == 0)
		close(77);
	else if (me == 1)
		munmap((void *)1, 4096);
	else
		mprotect((void *)0x7ffffff00000, 1ul << 22, PROT_READ);
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&lock);
		long c = counter;
		if (i % 64 == 0)
			sched_yield();
		counter = c + 1;
		pthread_mutex_unlock(&lock);
	}
	if (errno != fails[me])
		return (void *)-1l;
	return (void *)(me * 100 + (pthread_self() != NULL));
}

static void pthreads(void)
{
	name = "posix_pthreads";
	pthread_t t[THREADS];
	errno = 0;
	for (long i = 0; i < THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, work, (void *)i) == 0);
	CHECK(!pthread_equal(t[0], t[1]) && pthread_equal(pthread_self(), pthread_self()));
	for (long i = 0; i < THREADS; i++) {
		void *r;
		CHECK(pthread_join(t[i], &r) == 0);
		if ((long)r != i * 100 + 1)
			test_fail(name, "thread %ld returned %ld (its errno was not its own?)",
				  i, (long)r);
	}
	CHECK(counter == THREADS * 2000);
	CHECK(errno == 0); /* the main thread's is untouched */
	test_pass(name);
}

int main(void)
{
	libc();
	pthreads();
	return 0;
}
