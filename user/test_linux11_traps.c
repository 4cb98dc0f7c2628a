/* Hardware traps turned into signals, as an ordinary Linux program
 * (checked under Linux 6.1: make linux-check PROG=user/test_linux11_traps.c):
 *   linux11_traps_fpe    integer division by zero and INT_MIN / -1 raise
 *                        SIGFPE with si_code FPE_INTDIV and si_addr the
 *                        faulting instruction; caught with siglongjmp;
 *                        a handler that returns after moving REG_RIP past
 *                        the instruction (ucontext) goes on after it
 *   linux11_traps_ill    ud2 raises SIGILL (ILL_ILLOPN at the
 *                        instruction); int3 SIGTRAP (SI_KERNEL); without
 *                        a handler a child dies by that signal (WTERMSIG)
 *   linux11_traps_stack  a SIGSEGV from runaway recursion is caught on an
 *                        alternate stack (sigaltstack, SA_ONSTACK); the
 *                        handler sees it runs on that stack (SS_ONSTACK)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", part, __LINE__, \
	#c, errno); fails++; fflush(stdout); } } while (0)

static sigjmp_buf env;
static volatile int sig_no, sig_code;
static void *volatile sig_addr;
static volatile uintptr_t sig_rip;

static void catcher(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	sig_no = sig;
	sig_code = si->si_code;
	sig_addr = si->si_addr;
	sig_rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	siglongjmp(env, 1);
}

static void on(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static volatile int izero = 0, ineg1 = -1, imin = INT_MIN;

/* skip: the handler moves RIP over the 2-byte "idiv %ecx" */
static volatile int skipped;
static void skipper(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	ucontext_t *uc = ucv;
	if (si->si_code == FPE_INTDIV && (uintptr_t)si->si_addr == (uintptr_t)uc->uc_mcontext.gregs[REG_RIP])
		skipped++;
	uc->uc_mcontext.gregs[REG_RIP] += 2;
}

static int div_skipped(int a, int b)
{
	int q = 77;
	/* idiv %ecx: 2 bytes (f7 f9) */
	__asm__ volatile("cltd\n\tidivl %2" : "+a"(a), "=&d"(q) : "c"(b) : "cc");
	return a;
}

static void fpe(void)
{
	int f = fails;
	part = "linux11_traps_fpe";
	on(SIGFPE, catcher, 0);
	volatile int r = 0;
	if (sigsetjmp(env, 1) == 0) {
		r = 10 / izero;
		CHECK(0);
	}
	CHECK(sig_no == SIGFPE && sig_code == FPE_INTDIV && sig_addr == (void *)sig_rip);
	sig_no = 0;
	if (sigsetjmp(env, 1) == 0) {
		r = imin / ineg1;
		CHECK(0);
	}
	CHECK(sig_no == SIGFPE && sig_code == FPE_INTDIV);
	sig_no = 0;
	if (sigsetjmp(env, 1) == 0) {
		r = imin % ineg1;
		CHECK(0);
	}
	CHECK(sig_no == SIGFPE);
	(void)r;
	on(SIGFPE, skipper, 0);
	int a = div_skipped(1234, izero); /* skipped: eax stays 1234 */
	CHECK(skipped == 1 && a == 1234);
	a = div_skipped(1234, 2);
	CHECK(skipped == 1 && a == 617);
	signal(SIGFPE, SIG_DFL);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static int dies_by(void (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		fn();
		_exit(0);
	}
	int st = 0;
	if (waitpid(pid, &st, 0) != pid || !WIFSIGNALED(st))
		return -1;
	return WTERMSIG(st);
}

static void do_ud2(void) { __asm__ volatile("ud2"); }
static void do_int3(void) { __asm__ volatile("int3"); }
static void do_div0(void) { volatile int r = 10 / izero; (void)r; } /* (gcc makes 1 / x a compare) */

static void ill(void)
{
	int f = fails;
	part = "linux11_traps_ill";
	on(SIGILL, catcher, 0);
	on(SIGTRAP, catcher, 0);
	if (sigsetjmp(env, 1) == 0) {
		do_ud2();
		CHECK(0);
	}
	CHECK(sig_no == SIGILL && sig_code == ILL_ILLOPN && sig_addr == (void *)sig_rip);
	sig_no = 0;
	if (sigsetjmp(env, 1) == 0) {
		do_int3();
		CHECK(0);
	}
	CHECK(sig_no == SIGTRAP && sig_code == SI_KERNEL);
	signal(SIGILL, SIG_DFL);
	signal(SIGTRAP, SIG_DFL);
	CHECK(dies_by(do_ud2) == SIGILL);
	CHECK(dies_by(do_int3) == SIGTRAP);
	int dv = dies_by(do_div0);
	if (dv != SIGFPE)
		printf("div0 child: %d\n", dv);
	CHECK(dv == SIGFPE);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static char *alt;
static volatile int on_alt, depth_seen;

static void on_overflow(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	stack_t cur;
	int local;
	sigaltstack(NULL, &cur);
	on_alt = (cur.ss_flags & SS_ONSTACK) && (char *)&local >= alt &&
		 (char *)&local < alt + SIGSTKSZ * 4;
	sig_no = sig;
	siglongjmp(env, 1);
}

static int recurse(int n)
{
	volatile char pad[1024];
	if (n < 0) /* never: it recurses until the stack runs out */
		return 0;
	pad[0] = (char)n;
	depth_seen = n;
	return recurse(n + 1) + pad[0];
}

static void stack(void)
{
	int f = fails;
	part = "linux11_traps_stack";
	alt = malloc(SIGSTKSZ * 4);
	stack_t ss = { .ss_sp = alt, .ss_size = SIGSTKSZ * 4, .ss_flags = 0 };
	CHECK(sigaltstack(&ss, NULL) == 0);
	on(SIGSEGV, on_overflow, SA_ONSTACK);
	sig_no = 0;
	if (sigsetjmp(env, 1) == 0) {
		recurse(0);
		CHECK(0);
	}
	CHECK(sig_no == SIGSEGV && on_alt && depth_seen > 1000);
	stack_t now;
	CHECK(sigaltstack(NULL, &now) == 0 && !(now.ss_flags & SS_ONSTACK) && now.ss_sp == alt);
	signal(SIGSEGV, SIG_DFL);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	fpe();
	ill();
	stack();
	return fails != 0;
}
