/* hunt16_exec: PROT_EXEC as a JIT or a course's test uses it (a plain
 * Linux program, checked on Linux 6.1).  Code written into an anonymous
 * mapping runs once the mapping is PROT_READ|PROT_EXEC; the same bytes in
 * a mapping without PROT_EXEC (mmap'd PROT_READ|PROT_WRITE, then made
 * PROT_READ, malloc's heap) are SIGSEGV with SEGV_ACCERR at the
 * code's address; code rewritten in a PROT_READ|PROT_WRITE|PROT_EXEC
 * mapping runs its new bytes; a fork child that rewrites the code of a
 * shared-by-COW exec page runs its own version while the parent keeps
 * its own; writing to the program's own text is SIGSEGV SEGV_ACCERR. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME "hunt16_exec"

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s\n", NAME, __LINE__, #c); fails++; } } while (0)

typedef int (*fn_t)(void);
static sigjmp_buf jb;
static volatile void *fault_addr;
static volatile int fault_code, fault_sig;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_sig = sig;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(jb, 1);
}

/* put_ret: "mov eax, v; ret" at p. */
static void put_ret(unsigned char *p, int v)
{
	p[0] = 0xb8;
	memcpy(p + 1, &v, 4);
	p[5] = 0xc3;
}

/* try_call: calls p; returns its value, or -1000 - signal if it faulted
 * (fault_addr and fault_code then say where and why). */
static int try_call(void *p)
{
	fault_sig = 0;
	fault_addr = NULL;
	if (sigsetjmp(jb, 1))
		return -1000 - fault_sig;
	fn_t f = (fn_t)(uintptr_t)p;
	return f();
}

static int try_write(volatile char *p)
{
	fault_sig = 0;
	if (sigsetjmp(jb, 1))
		return -1000 - fault_sig;
	*p = 0;
	return 0;
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	/* write, then make executable */
	unsigned char *a = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	put_ret(a + 16, 42);
	int r = try_call(a + 16);
	CHECK(r == -1000 - SIGSEGV);
	CHECK(fault_addr == a + 16 && fault_code == SEGV_ACCERR);
	CHECK(mprotect(a, pg, PROT_READ | PROT_EXEC) == 0);
	CHECK(try_call(a + 16) == 42);
	CHECK(try_write((char *)a + 16) == -1000 - SIGSEGV && fault_code == SEGV_ACCERR);
	CHECK(mprotect(a, pg, PROT_READ) == 0);
	r = try_call(a + 16);
	CHECK(r == -1000 - SIGSEGV && fault_addr == a + 16 && fault_code == SEGV_ACCERR);

	/* rewritten code in an RWX page */
	unsigned char *x = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE | PROT_EXEC,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(x != MAP_FAILED);
	put_ret(x + pg - 3, 7); /* straddles the two pages */
	CHECK(try_call(x + pg - 3) == 7);
	put_ret(x + pg - 3, 43);
	CHECK(try_call(x + pg - 3) == 43);

	/* fork: the child's rewrite is its own */
	pid_t pid = fork();
	if (pid == 0) {
		int ok = try_call(x + pg - 3) == 43;
		put_ret(x + pg - 3, 44);
		ok = ok && try_call(x + pg - 3) == 44;
		_exit(ok ? 0 : 1);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(try_call(x + pg - 3) == 43);

	/* the second page made non-executable: the call runs into it */
	CHECK(mprotect(x + pg, pg, PROT_READ | PROT_WRITE) == 0);
	r = try_call(x + pg - 3);
	CHECK(r == -1000 - SIGSEGV && fault_addr == x + pg && fault_code == SEGV_ACCERR);

	/* the heap is not executable */
	unsigned char *h = malloc(64);
	put_ret(h, 5);
	r = try_call(h);
	CHECK(r == -1000 - SIGSEGV && fault_addr == h && fault_code == SEGV_ACCERR);
	free(h);

	/* our own text is read-only */
	r = try_write((volatile char *)(uintptr_t)&put_ret);
	CHECK(r == -1000 - SIGSEGV && fault_addr == (void *)(uintptr_t)&put_ret &&
	      fault_code == SEGV_ACCERR);

	munmap(a, pg);
	munmap(x, 2 * pg);
	if (!fails)
		printf("@@PASS %s\n", NAME);
	return 0;
}
