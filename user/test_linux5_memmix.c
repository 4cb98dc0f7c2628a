/* Memory calls as a Linux test program makes them (checked on Linux 6.1):
 * SIGSEGV with si_addr and SEGV_ACCERR for a write to a read-only page,
 * SEGV_MAPERR in an unmapped hole, recovered by siglongjmp;
 * MAP_FIXED_NOREPLACE over a mapping EEXIST; MAP_POPULATE resident at
 * once (mincore); MADV_DONTNEED zeros; MADV_WIPEONFORK zeros in the
 * child; a child killed by SIGSEGV seen by waitpid; ru_minflt and
 * ru_maxrss grow with touched memory; sbrk grows and shrinks; __thread
 * variables per thread; mremap MAYMOVE keeps the bytes. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pthread.h>

static int fails;
static volatile unsigned long bad_addr = 8; /* no page there */
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux5_memmix: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)
static sigjmp_buf jb;
static volatile void *fault_addr;
static volatile int fault_code;
static void segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(jb, 1);
}
static __thread int tls_v = 42;
static void *thr(void *a) { tls_v += (int)(long)a; return (void *)(long)tls_v; }

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct sigaction sa = { 0 };
	sa.sa_sigaction = segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = 1;
	mprotect(p, pg, PROT_READ);
	if (sigsetjmp(jb, 1) == 0) { p[10] = 2; CHECK(0); }
	CHECK(fault_addr == p + 10 && fault_code == SEGV_ACCERR);
	munmap(p + 2 * pg, pg);
	if (sigsetjmp(jb, 1) == 0) { p[2 * pg + 5] = 2; CHECK(0); }
	CHECK(fault_addr == p + 2 * pg + 5 && fault_code == SEGV_MAPERR);
	/* MAP_FIXED_NOREPLACE on a used range */
	void *q = mmap(p + pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == MAP_FAILED && errno == EEXIST);
	/* MAP_POPULATE: resident at once */
	char *pop = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	unsigned char vec[16];
	CHECK(mincore(pop, 16 * pg, vec) == 0);
	int res = 0;
	for (int i = 0; i < 16; i++) res += vec[i] & 1;
	CHECK(res == 16);
	/* MADV_DONTNEED gives zeros back; MADV_WIPEONFORK child sees zeros */
	memset(pop, 7, 16 * pg);
	CHECK(madvise(pop, pg, MADV_DONTNEED) == 0 && pop[0] == 0 && pop[pg] == 7);
	CHECK(madvise(pop + pg, pg, MADV_WIPEONFORK) == 0);
	pid_t c = fork();
	if (c == 0) _exit(pop[pg] == 0 && pop[2 * pg] == 7 ? 0 : 1);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* a child killed by SIGSEGV */
	c = fork();
	if (c == 0) { signal(SIGSEGV, SIG_DFL); *(volatile int *)bad_addr = 1; _exit(0); }
	CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	/* minflt counts faults */
	struct rusage r0, r1;
	getrusage(RUSAGE_SELF, &r0);
	char *m = mmap(NULL, 1000 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 1000; i++) m[i * pg] = 1;
	getrusage(RUSAGE_SELF, &r1);
	CHECK(r1.ru_minflt > r0.ru_minflt); /* one per fault: fewer with fault-around */
	CHECK(r1.ru_maxrss >= 1000 * pg / 1024);
	/* sbrk grows and shrinks */
	char *b0 = sbrk(0);
	CHECK(sbrk(10 * pg) == b0);
	b0[10 * pg - 1] = 1;
	CHECK(sbrk(-10 * pg) == b0 + 10 * pg && sbrk(0) == b0);
	/* TLS per thread */
	pthread_t t[8];
	for (long i = 0; i < 8; i++) pthread_create(&t[i], NULL, thr, (void *)i);
	for (long i = 0; i < 8; i++) { void *rv; pthread_join(t[i], &rv); CHECK((long)rv == 42 + i); }
	CHECK(tls_v == 42);
	/* mremap grow keeps contents */
	char *g = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	strcpy(g, "hello");
	char *g2 = mremap(g, pg, 64 * pg, MREMAP_MAYMOVE);
	CHECK(g2 != MAP_FAILED && !strcmp(g2, "hello") && g2[63 * pg] == 0);
	printf("%s linux5_memmix\n", fails ? "@@FAIL" : "@@PASS");
	return fails != 0;
}
