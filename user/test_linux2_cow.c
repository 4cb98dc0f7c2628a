/* Copy-on-write after fork, from both sides: the parent's writes after
 * fork are not seen by the child and the reverse; MAP_SHARED anonymous
 * memory is seen both ways; a read-only page stays read-only in the
 * child (a write there is SIGSEGV, caught); a child may munmap, mprotect
 * and remap without touching the parent; fork from a second thread;
 * pipes of forks each writing all of a big array. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_cow: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define PAGES 256
static long pg;
static sigjmp_buf env;

static void on_segv(int sig) { (void)sig; siglongjmp(env, 1); }

static int wait_code(pid_t c)
{
	int st;
	if (waitpid(c, &st, 0) != c)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void *fork_from_thread(void *arg)
{
	volatile char *p = arg;
	pid_t c = fork();
	if (c == 0)
		_exit(p[0] == 'T' ? 0 : 1);
	return (void *)(intptr_t)wait_code(c);
}

int main(void)
{
	pg = sysconf(_SC_PAGESIZE);
	size_t len = PAGES * pg;
	char *priv = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *shr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(priv != MAP_FAILED && shr != MAP_FAILED);
	memset(priv, 'p', len);
	memset(shr, 's', len);
	volatile char *flag = shr; /* shr[0]: the child's progress */

	/* the parent writes after fork; the child keeps the old bytes */
	pid_t c = fork();
	if (c == 0) {
		while (flag[0] != 'G')
			sched_yield();
		int bad = 0;
		for (size_t i = 0; i < len; i += pg)
			bad += priv[i] != 'p';
		/* and sees the shared writes */
		bad += shr[len - 1] != 'S';
		for (size_t i = pg; i < len; i += pg)
			priv[i] = 'c';
		shr[1] = 'C';
		_exit(bad ? 1 : 0);
	}
	for (size_t i = 0; i < len; i += pg)
		priv[i] = 'P';
	shr[len - 1] = 'S';
	__atomic_store_n(&shr[0], 'G', __ATOMIC_RELEASE);
	CHECK(wait_code(c) == 0);
	CHECK(shr[1] == 'C');
	int ok = 1;
	for (size_t i = 0; i < len; i += pg)
		ok &= priv[i] == 'P';
	CHECK(ok);

	/* read-only stays read-only in the child */
	CHECK(mprotect(priv, pg, PROT_READ) == 0);
	c = fork();
	if (c == 0) {
		signal(SIGSEGV, on_segv);
		if (sigsetjmp(env, 1) == 0) {
			priv[0] = 'x';
			_exit(1);
		}
		_exit(priv[0] == 'P' ? 0 : 2);
	}
	CHECK(wait_code(c) == 0);
	CHECK(mprotect(priv, pg, PROT_READ | PROT_WRITE) == 0);

	/* a child changes its own map only */
	c = fork();
	if (c == 0) {
		munmap(priv + 10 * pg, 10 * pg);
		mprotect(priv, 10 * pg, PROT_NONE);
		char *n = mmap(priv + 10 * pg, 10 * pg, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		_exit(n == priv + 10 * pg && n[0] == 0 ? 0 : 1);
	}
	CHECK(wait_code(c) == 0);
	CHECK(priv[0] == 'P' && priv[10 * pg] == 'P' && priv[15 * pg + 7] == 'p');

	/* fork from a second thread: the child has the memory as it was */
	priv[0] = 'T';
	pthread_t t;
	void *r;
	CHECK(pthread_create(&t, NULL, fork_from_thread, priv) == 0);
	CHECK(pthread_join(t, &r) == 0 && r == NULL);

	/* a chain: each generation writes all pages, checks its parent's */
	c = fork();
	if (c == 0) {
		for (int gen = 1; gen <= 5; gen++) {
			for (size_t i = 0; i < len; i += pg)
				if (priv[i + 1] != (char)('0' + gen - 1) && gen > 1)
					_exit(10 + gen);
			for (size_t i = 0; i < len; i += pg)
				priv[i + 1] = (char)('0' + gen);
			pid_t k = fork();
			if (k != 0)
				_exit(k < 0 ? 30 : wait_code(k));
		}
		_exit(0);
	}
	CHECK(wait_code(c) == 0);
	CHECK(priv[1] == 'p' && priv[len - pg + 1] == 'p');
	munmap(priv, len);
	munmap(shr, len);
	if (!fails)
		printf("@@PASS linux2_cow\n");
	return fails != 0;
}
