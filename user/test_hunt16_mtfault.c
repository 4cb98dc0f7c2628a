/* hunt16_mtfault: threads, twice as many as CPUs, faulting the same
 * pages at once (a plain Linux program, checked on Linux 6.1).
 *   rounds  every thread adds 1 to a counter in each page of an untouched
 *           private mapping (first touches race), the main thread checks
 *           every counter is the thread count, then MADV_DONTNEED drops
 *           the pages and the next round faults them in again as zeros
 *   fork    the main thread forks while the others add: the child's copy
 *           holds counters between 0 and the thread count and does not
 *           change under it (the adders are not in the child); the
 *           parent's counters still end at the thread count
 *   unmap   a thread unmaps the pages the others read in a loop: each
 *           reader gets SIGSEGV (SEGV_MAPERR, si_addr inside the mapping)
 *           and leaves by siglongjmp; nothing hangs */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME "hunt16_mtfault"
#define PAGES 128
#define ROUNDS 6
#define MAXT 32

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s\n", NAME, __LINE__, #c); fails++; } } while (0)

static long pg;
static int nthreads;
static char *region;
static pthread_barrier_t bar;
static atomic_int segv_ok, segv_bad, readers_ready;
static __thread sigjmp_buf tjb;
static char *volatile unmap_base;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	char *a = si->si_addr;
	if (si->si_code == SEGV_MAPERR && a >= unmap_base && a < unmap_base + PAGES * pg)
		atomic_fetch_add(&segv_ok, 1);
	else
		atomic_fetch_add(&segv_bad, 1);
	siglongjmp(tjb, 1);
}

static void add_all(int start)
{
	for (int i = 0; i < PAGES; i++) {
		int p = (i + start) % PAGES;
		atomic_fetch_add((atomic_int *)(region + p * pg + 64), 1);
	}
}

static void *worker(void *arg)
{
	int idx = (int)(long)arg;
	for (int r = 0; r < ROUNDS; r++) {
		pthread_barrier_wait(&bar);
		add_all(idx * 7);
		pthread_barrier_wait(&bar);
		pthread_barrier_wait(&bar); /* main checked and dropped them */
	}
	/* unmap phase: read until the pages go away */
	if (sigsetjmp(tjb, 1) == 0) {
		atomic_fetch_add(&readers_ready, 1);
		volatile long sum = 0;
		for (;;)
			for (int i = 0; i < PAGES; i++)
				sum += unmap_base[i * pg + (idx % 64)];
	}
	return NULL;
}

int main(void)
{
	pg = sysconf(_SC_PAGESIZE);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	nthreads = (int)(2 * n > MAXT ? MAXT : 2 * n);
	if (nthreads < 3)
		nthreads = 3;
	region = mmap(NULL, PAGES * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmap_base = mmap(NULL, PAGES * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(region != MAP_FAILED && unmap_base != MAP_FAILED);
	memset(unmap_base, 1, PAGES * pg);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	pthread_barrier_init(&bar, NULL, (unsigned)nthreads + 1);
	pthread_t t[MAXT];
	for (int i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, worker, (void *)(long)i);
	int child_bad = 0;
	for (int r = 0; r < ROUNDS; r++) {
		pthread_barrier_wait(&bar);
		if (r == 2 || r == 4) {
			pid_t pid = fork();
			if (pid == 0) {
				int snap[PAGES], bad = 0;
				for (int i = 0; i < PAGES; i++) {
					snap[i] = *(int *)(region + i * pg + 64);
					if (snap[i] < 0 || snap[i] > nthreads)
						bad++;
				}
				usleep(20000);
				for (int i = 0; i < PAGES; i++)
					if (*(int *)(region + i * pg + 64) != snap[i])
						bad++;
				for (int i = 0; i < PAGES; i++)
					*(int *)(region + i * pg + 64) = -5;
				_exit(bad ? 1 : 0);
			}
			int st = 0;
			waitpid(pid, &st, 0);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				child_bad++;
		}
		pthread_barrier_wait(&bar);
		int wrong = 0;
		for (int i = 0; i < PAGES; i++)
			if (*(int *)(region + i * pg + 64) != nthreads)
				wrong++;
		CHECK(wrong == 0);
		CHECK(madvise(region, PAGES * pg, MADV_DONTNEED) == 0);
		for (int i = 0; i < PAGES; i += 17)
			CHECK(*(int *)(region + i * pg + 64) == 0);
		pthread_barrier_wait(&bar);
	}
	CHECK(child_bad == 0);
	while (atomic_load(&readers_ready) < nthreads)
		usleep(1000);
	usleep(5000);
	CHECK(munmap(unmap_base, PAGES * pg) == 0);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	CHECK(atomic_load(&segv_ok) == nthreads && atomic_load(&segv_bad) == 0);
	printf("%s: %d threads, %d rounds, %d readers left by SIGSEGV\n", NAME,
	       nthreads, ROUNDS, atomic_load(&segv_ok));
	if (!fails)
		printf("@@PASS %s\n", NAME);
	return 0;
}
