/* Probing memory with sigsetjmp/siglongjmp out of a SIGSEGV handler:
 * a PROT_NONE page, a guard page between two mappings, a write to a
 * read-only page, a hole punched by munmap; si_addr and si_code checked,
 * and the handler used many times (the mask restored by siglongjmp). */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_guard: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static sigjmp_buf env;
static volatile void *fault_addr;
static volatile int fault_code;
static volatile int faults;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig != SIGSEGV)
		_exit(99);
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	faults++;
	siglongjmp(env, 1);
}

/* 1 if reading p faults */
static int read_faults(volatile char *p)
{
	if (sigsetjmp(env, 1) == 0) {
		(void)*p;
		return 0;
	}
	return 1;
}

static int write_faults(volatile char *p)
{
	if (sigsetjmp(env, 1) == 0) {
		*p = 1;
		return 0;
	}
	return 1;
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);

	/* three pages, the middle one a guard */
	char *m = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK(mprotect(m + pg, pg, PROT_NONE) == 0);
	m[0] = 'a';
	m[2 * pg] = 'c';
	CHECK(!write_faults(m + pg - 1));
	CHECK(read_faults(m + pg));
	CHECK(fault_addr == m + pg && fault_code == SEGV_ACCERR);
	CHECK(write_faults(m + 2 * pg - 1));
	CHECK(fault_addr == m + 2 * pg - 1);
	CHECK(!read_faults(m + 2 * pg));
	CHECK(m[0] == 'a' && m[2 * pg] == 'c');

	/* read-only: reads work, writes fault, contents kept */
	CHECK(mprotect(m, pg, PROT_READ) == 0);
	CHECK(!read_faults(m));
	CHECK(write_faults(m + 10));
	CHECK(fault_addr == m + 10 && fault_code == SEGV_ACCERR);
	CHECK(mprotect(m, pg, PROT_READ | PROT_WRITE) == 0);
	CHECK(!write_faults(m + 10) && m[10] == 1 && m[0] == 'a');

	/* a hole from munmap: SEGV_MAPERR */
	CHECK(munmap(m + pg, pg) == 0);
	CHECK(read_faults(m + pg + 100));
	CHECK(fault_addr == m + pg + 100 && fault_code == SEGV_MAPERR);

	/* the handler runs again and again: siglongjmp restored the mask */
	int before = faults;
	for (int i = 0; i < 200; i++)
		CHECK(read_faults(m + pg + (i * 8) % pg));
	CHECK(faults == before + 200);
	sigset_t cur;
	CHECK(sigprocmask(SIG_BLOCK, NULL, &cur) == 0);
	CHECK(!sigismember(&cur, SIGSEGV));

	/* a guard below a stack-like region: find the lowest usable byte */
	char *st = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(st != MAP_FAILED);
	CHECK(mprotect(st, pg, PROT_NONE) == 0);
	char *p = st + 16 * pg - 1;
	while (!write_faults(p))
		p -= 512;
	CHECK(p < st + pg && p >= st);
	CHECK(fault_addr == p);

	/* NULL and a kernel address */
	CHECK(read_faults((char *)0));
	CHECK(fault_addr == NULL);
	CHECK(read_faults((char *)16));

	/* sigsetjmp without mask saving still returns twice properly */
	volatile int n = 0;
	if (sigsetjmp(env, 0) == 0)
		n = 1;
	CHECK(n == 1);
	munmap(m, 3 * pg);
	munmap(st, 16 * pg);
	if (!fails)
		printf("@@PASS linux2_guard\n");
	return fails != 0;
}
