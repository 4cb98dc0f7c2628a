/* Faults caught as a systems course catches them, as an ordinary Linux
 * program (checked under Linux 6.1: make linux-check
 * PROG=user/test_linux11_segv.c): a SIGSEGV handler installed with
 * SA_SIGINFO records si_addr and si_code and leaves with siglongjmp.
 *   linux11_segv_codes   a store to PROT_READ memory and a load of
 *                        PROT_NONE memory are SEGV_ACCERR at the exact
 *                        byte; a load of unmapped memory (a munmap'd page,
 *                        the page past a mapping, address 8) SEGV_MAPERR;
 *                        a store to the program's text SEGV_ACCERR
 *   linux11_segv_mask    siglongjmp(env, 1) out of the handler restores
 *                        the mask sigsetjmp(env, 1) saved (SIGSEGV is
 *                        not left blocked: the next fault is caught
 *                        too); mprotect back to writable lets the store
 *                        happen; 100 faults in a row each caught
 *   linux11_segv_guard   a handler that makes the page writable and
 *                        returns: the faulting store is retried and
 *                        lands (a lazily allocated region), once per page
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", part, __LINE__, \
	#c, errno); fails++; fflush(stdout); } } while (0)

static sigjmp_buf env;
static volatile void *fault_addr;
static volatile int fault_code, fault_sig, faults;
static long pg;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_sig = sig;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	faults++;
	siglongjmp(env, 1);
}

/* try_store/try_load: 1 if the access faulted (fault_* say how) */
static int try_store(volatile char *p)
{
	fault_addr = NULL;
	fault_code = 0;
	if (sigsetjmp(env, 1) == 0) {
		*p = 1;
		return 0;
	}
	return 1;
}

static int try_load(volatile char *p)
{
	fault_addr = NULL;
	fault_code = 0;
	if (sigsetjmp(env, 1) == 0) {
		char c = *p;
		(void)c;
		return 0;
	}
	return 1;
}

static void codes(void)
{
	int f = fails;
	part = "linux11_segv_codes";
	char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	memset(p, 1, 4 * pg);
	CHECK(mprotect(p, pg, PROT_READ) == 0);
	CHECK(mprotect(p + pg, pg, PROT_NONE) == 0);
	CHECK(munmap(p + 3 * pg, pg) == 0);

	CHECK(try_load(p + 100) == 0);
	CHECK(try_store(p + 123) == 1 && fault_addr == p + 123 && fault_code == SEGV_ACCERR &&
	      fault_sig == SIGSEGV);
	CHECK(try_load(p + pg + 7) == 1 && fault_addr == p + pg + 7 && fault_code == SEGV_ACCERR);
	CHECK(try_store(p + pg + 8) == 1 && fault_addr == p + pg + 8 && fault_code == SEGV_ACCERR);
	CHECK(try_store(p + 2 * pg + 9) == 0);
	CHECK(try_load(p + 3 * pg + 11) == 1 && fault_addr == p + 3 * pg + 11 &&
	      fault_code == SEGV_MAPERR);
	CHECK(try_load((char *)8) == 1 && fault_addr == (void *)8 && fault_code == SEGV_MAPERR);
	volatile char *text = (volatile char *)(uintptr_t)&codes;
	CHECK(try_store(text) == 1 && fault_addr == (void *)text && fault_code == SEGV_ACCERR);
	CHECK(munmap(p, 3 * pg) == 0);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static void mask(void)
{
	int f = fails;
	part = "linux11_segv_mask";
	char *p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	int n = faults;
	for (int i = 0; i < 100; i++)
		CHECK(try_store(p + i) == 1 && fault_addr == p + i);
	CHECK(faults == n + 100);
	sigset_t cur;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	CHECK(!sigismember(&cur, SIGSEGV));
	CHECK(mprotect(p, pg, PROT_READ | PROT_WRITE) == 0);
	CHECK(try_store(p + 5) == 0 && p[5] == 1);
	CHECK(mprotect(p, pg, PROT_READ) == 0);
	CHECK(try_store(p + 6) == 1 && p[6] == 0 && p[5] == 1);
	/* sigsetjmp(env, 0) does not restore: SIGSEGV stays blocked after
	 * the longjmp, as the handler left it; unblock by hand */
	if (sigsetjmp(env, 0) == 0) {
		p[7] = 1;
		CHECK(0);
	}
	sigprocmask(SIG_SETMASK, NULL, &cur);
	CHECK(sigismember(&cur, SIGSEGV));
	sigemptyset(&cur);
	sigprocmask(SIG_SETMASK, &cur, NULL);
	CHECK(munmap(p, pg) == 0);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static char *lazy;
static volatile int fixes;

static void on_segv_fix(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	char *a = si->si_addr;
	if (a < lazy || a >= lazy + 8 * pg || si->si_code != SEGV_ACCERR)
		_exit(3);
	fixes++;
	mprotect((void *)((uintptr_t)a & ~(uintptr_t)(pg - 1)), pg, PROT_READ | PROT_WRITE);
}

static void guard(void)
{
	int f = fails;
	part = "linux11_segv_guard";
	lazy = mmap(NULL, 8 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(lazy != MAP_FAILED);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv_fix;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
	for (long i = 0; i < 8 * pg; i += 512)
		lazy[i] = (char)(i / 512 + 1);
	CHECK(fixes == 8);
	int ok = 1;
	for (long i = 0; i < 8 * pg; i += 512)
		ok &= lazy[i] == (char)(i / 512 + 1);
	CHECK(ok);
	CHECK(munmap(lazy, 8 * pg) == 0);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

int main(void)
{
	pg = sysconf(_SC_PAGESIZE);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) != 0) {
		perror("sigaction");
		return 1;
	}
	codes();
	mask();
	guard();
	return fails != 0;
}
