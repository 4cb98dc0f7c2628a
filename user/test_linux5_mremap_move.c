/* mremap moving private memory while a sibling thread writes it (a plain
 * Linux program; passes with gcc and glibc): a thread stores a new value
 * into each page of a 16 MiB private anonymous mapping, round after
 * round, and keeps the last value it read back from each page; the main
 * thread moves the mapping (it cannot grow in place) in the middle of
 * that, then stops it (a store that faults at the old address after the
 * move ends it: SIGSEGV handler).  No write may be lost: every page of
 * the moved mapping holds what the thread last read back there (a copy
 * of the pages loses the stores made to pages copied already).  A fork
 * child made before the move keeps its own copy (COW), both ways.  Run
 * three times, the free frames counted around the third. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define T "linux5_mremap_move"
#include "linux_frames.h"

#define P 4096
#define PAGES 4096
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static long *volatile cur;       /* where the mapping is now */
static long last[PAGES];         /* the writer's last value read back, per page */
static int rounds, stop;         /* the writer's full rounds; set: end */
static sigjmp_buf jb;            /* the writer's: a store at the old address */

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

static void *writer(void *arg)
{
	(void)arg;
	volatile long v = 1;
	for (;;) {
		for (volatile int i = 0; i < PAGES; i++) {
			sigsetjmp(jb, 1); /* back here after a fault: cur again */
			if (__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
				return NULL;
			long *b = __atomic_load_n((long **)&cur, __ATOMIC_ACQUIRE);
			b[(size_t)i * (P / sizeof(long))] = v;
			if (b[(size_t)i * (P / sizeof(long))] == v)
				last[i] = v;
			v++;
		}
		__atomic_add_fetch(&rounds, 1, __ATOMIC_SEQ_CST);
	}
}

static int run(void)
{
	size_t len = (size_t)PAGES * P;
	long *a = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	if (a == MAP_FAILED)
		return 1;
	/* something right after it: no growth in place (EEXIST: something is) */
	char *block = mmap((char *)a + len, P, PROT_READ,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(block == (char *)a + len || (block == MAP_FAILED && errno == EEXIST));
	for (int i = 0; i < PAGES; i++)
		a[(size_t)i * (P / sizeof(long))] = -i;

	/* a fork child: its copy stays the fork's bytes (COW), both ways */
	int go[2], back[2];
	CHECK(pipe(go) == 0 && pipe(back) == 0);
	pid_t c = fork();
	if (c == 0) {
		char x;
		if (read(go[0], &x, 1) != 1)
			_exit(2);
		for (int i = 0; i < PAGES; i++)
			if (a[(size_t)i * (P / sizeof(long))] != -i)
				_exit(3);
		a[0] = 77; /* its own page, never the parent's */
		if (write(back[1], "k", 1) != 1)
			_exit(4);
		_exit(0);
	}

	struct sigaction sa, old;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_NODEFER;
	CHECK(sigaction(SIGSEGV, &sa, &old) == 0);
	memset(last, 0, sizeof last);
	__atomic_store_n(&rounds, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&stop, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n((long **)&cur, a, __ATOMIC_RELEASE);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, writer, NULL) == 0);
	while (__atomic_load_n(&rounds, __ATOMIC_SEQ_CST) < 1)
		sched_yield();
	long *n = mremap(a, len, len + 2 * P, MREMAP_MAYMOVE);
	CHECK(n != MAP_FAILED && n != a);
	if (n == MAP_FAILED)
		n = a;
	/* the writer ends at its next store: one at the old address faults
	 * and ends there (nothing rewrites the pages after the move) */
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	__atomic_store_n((long **)&cur, n, __ATOMIC_RELEASE);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(sigaction(SIGSEGV, &old, NULL) == 0);
	int lost = 0;
	for (int i = 0; i < PAGES; i++)
		lost += n[(size_t)i * (P / sizeof(long))] != last[i];
	if (lost)
		printf(T ": %d of %d pages lost the writer's last store\n", lost, PAGES);
	CHECK(lost == 0);
	CHECK(n[PAGES * (P / sizeof(long))] == 0); /* the new pages: zero */

	char x;
	CHECK(write(go[1], "m", 1) == 1 && read(back[0], &x, 1) == 1);
	int st = 0;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(n[0] != 77);
	CHECK(munmap(n, len + 2 * P) == 0);
	if (block != MAP_FAILED)
		munmap(block, P);
	close(go[0]), close(go[1]), close(back[0]), close(back[1]);
	return fails;
}

int main(void)
{
	/* once more before the counted runs, as test_linux5_sysvshm */
	if (run())
		return 1;
	return run_twice_counted(run);
}
