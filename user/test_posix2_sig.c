/* Fault signals, as Linux memory tests use them:
 *   posix2_sig_segv    SA_SIGINFO handler for SIGSEGV: si_addr and si_code
 *                      (SEGV_ACCERR writing PROT_READ memory, SEGV_MAPERR
 *                      an unmapped address), siglongjmp back, again and
 *                      again; in a second thread too; SIGFPE and SIGILL
 *   posix2_sig_return  return from the handler: it mprotects the page and
 *                      the write then succeeds; every register (rcx, r11,
 *                      xmm0 too) as before; a handler moving REG_RIP past
 *                      a ud2; longjmp (not siglongjmp) leaves SIGSEGV
 *                      blocked, so the next fault kills (a child)
 *   posix2_sig_kill    a bad handler address, a handler that faults, a
 *                      stack the frame cannot be written to, SIG_DFL: each
 *                      child is killed with SIGSEGV and a console line, and
 *                      every frame comes back */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "sys/test.h"

static const char *name;
#define CHECK(c) TEST_CHECK(name, c)
#define PG 4096ul

static sigjmp_buf env;
static volatile int got_sig, got_code, handled;
static void *volatile got_addr;

static void h_jump(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	handled++;
	siglongjmp(env, 1);
}

static void set_handler(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

/* Write *p under a handler that jumps back: 1 if it faulted. */
static int faults_writing(volatile int *p)
{
	got_sig = 0;
	if (sigsetjmp(env, 1) == 0) {
		*p = 1;
		return 0;
	}
	return 1;
}

static volatile int zero;
static volatile int *volatile null_page; /* NULL, out of the compiler's sight */

static void *thread_fault(void *arg)
{
	sigjmp_buf tenv;
	volatile int *p = arg;
	(void)tenv;
	return (void *)(long)faults_writing(p);
}

static void segv(void)
{
	char *ro = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *gone = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED && gone != MAP_FAILED && munmap(gone, PG) == 0);
	set_handler(SIGSEGV, h_jump, 0);
	for (int i = 0; i < 5; i++) {
		CHECK(faults_writing((volatile int *)(ro + 8)));
		CHECK(got_sig == SIGSEGV && got_code == SEGV_ACCERR && got_addr == ro + 8);
		CHECK(faults_writing((volatile int *)(gone + 16)));
		CHECK(got_sig == SIGSEGV && got_code == SEGV_MAPERR && got_addr == gone + 16);
	}
	CHECK(faults_writing(NULL) && got_code == SEGV_MAPERR && got_addr == NULL);
	CHECK(handled == 11);
	sigset_t now;
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0 && !sigismember(&now, SIGSEGV));

	pthread_t t;
	void *r;
	CHECK(pthread_create(&t, NULL, thread_fault, ro + 100) == 0);
	CHECK(pthread_join(t, &r) == 0 && r == (void *)1l);
	CHECK(got_addr == ro + 100 && got_code == SEGV_ACCERR);

	set_handler(SIGFPE, h_jump, 0);
	got_sig = 0;
	if (sigsetjmp(env, 1) == 0)
		zero = 10 / zero;
	CHECK(got_sig == SIGFPE && got_code == FPE_INTDIV && got_addr != NULL);
	set_handler(SIGILL, h_jump, 0);
	got_sig = 0;
	if (sigsetjmp(env, 1) == 0)
		__asm__ volatile("ud2");
	CHECK(got_sig == SIGILL && got_code == ILL_ILLOPN);
	CHECK(munmap(ro, PG) == 0);
}

/* ---- posix2_sig_return ---- */

static void h_fix(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_addr = si->si_addr;
	handled++;
	uintptr_t page = (uintptr_t)si->si_addr & ~(PG - 1);
	mprotect((void *)page, PG, PROT_READ | PROT_WRITE);
	__asm__ volatile("pxor %%xmm0, %%xmm0\n mov $-1, %%rcx\n mov $-1, %%r11"
			 ::: "xmm0", "rcx", "r11"); /* clobbered here; must come back */
}

/* Store 42 at p with known values in rcx, r11, r8-r10, rsi and xmm0;
 * 1 if all still hold them after the store (which faults first). */
static int regs_kept(volatile int *p)
{
	long ok;
	__asm__ volatile(
		"mov $0x1111, %%rcx\n"
		"mov $0x2222, %%r11\n"
		"mov $0x3333, %%r8\n"
		"mov $0x4444, %%r9\n"
		"mov $0x5555, %%r10\n"
		"mov $0x6666, %%rsi\n"
		"mov $0x7777, %%rax\n"
		"movq %%rax, %%xmm0\n"
		"movl $42, (%1)\n"
		"xor %%eax, %%eax\n"
		"cmp $0x1111, %%rcx\n jne 1f\n"
		"cmp $0x2222, %%r11\n jne 1f\n"
		"cmp $0x3333, %%r8\n jne 1f\n"
		"cmp $0x4444, %%r9\n jne 1f\n"
		"cmp $0x5555, %%r10\n jne 1f\n"
		"cmp $0x6666, %%rsi\n jne 1f\n"
		"movq %%xmm0, %%rdx\n"
		"cmp $0x7777, %%rdx\n jne 1f\n"
		"mov $1, %%eax\n"
		"1:\n"
		: "=&a"(ok)
		: "D"(p)
		: "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "xmm0", "memory", "cc");
	return (int)ok;
}

static void h_skip(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	(void)si;
	got_sig = sig;
	uc->uc_mcontext.gregs[REG_RIP] += 2; /* past the ud2 */
}

static jmp_buf plain;
static void h_plain(int sig)
{
	got_sig = sig;
	longjmp(plain, 1);
}

static void returns(void)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	set_handler(SIGSEGV, h_fix, 0);
	handled = 0;
	*(volatile int *)(p + 8) = 42;
	CHECK(handled == 1 && got_addr == p + 8 && p[8] == 42);
	*(volatile int *)(p + 12) = 43; /* writable now: no second fault */
	CHECK(handled == 1);
	CHECK(regs_kept((volatile int *)(p + PG + 4)) == 1);
	CHECK(handled == 2 && *(int *)(p + PG + 4) == 42);
	CHECK(munmap(p, 2 * PG) == 0);

	set_handler(SIGILL, h_skip, 0);
	got_sig = 0;
	__asm__ volatile("ud2");
	CHECK(got_sig == SIGILL);

	/* longjmp out leaves SIGSEGV blocked (as on Linux): the next fault
	 * kills; unblocked again, the handler runs */
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		signal(SIGSEGV, h_plain);
		if (setjmp(plain) == 0)
			*null_page = 1;
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGSEGV);
		sigprocmask(SIG_UNBLOCK, &s, NULL);
		if (setjmp(plain) == 0)
			*null_page = 1;
		if (setjmp(plain) == 0)
			*null_page = 1; /* blocked again: the end */
		_exit(0);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}

/* ---- posix2_sig_kill ---- */

static void h_faults(int sig)
{
	(void)sig;
	*null_page = 1;
}

static void h_never(int sig)
{
	(void)sig;
	_exit(9);
}

/* A child that faults as how says; returns its wait status. */
static int child(int how)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = how == 0 ? (void (*)(int))0x1000 : how == 1 ? h_faults : h_never;
		sigaction(SIGSEGV, &sa, NULL);
		if (how == 2) /* the frame goes below an unmapped stack pointer */
			__asm__ volatile("mov $0x10000, %%rsp\n movl $1, 0" ::: "memory");
		if (how == 3) /* a kernel-half stack pointer */
			__asm__ volatile("mov $0xffff800000100000, %%rsp\n movl $1, 0" ::: "memory");
		if (how == 4) {
			sa.sa_handler = SIG_DFL;
			sigaction(SIGSEGV, &sa, NULL);
		}
		null_page[2] = 1;
		_exit(0);
	}
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid);
	return st;
}

static void kills(void)
{
	uint64_t before = frames_steady(2000);
	for (int how = 0; how <= 4; how++) {
		int st = child(how);
		if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGSEGV)
			test_fail(name, "child %d: status 0x%x, want killed by SIGSEGV", how, st);
	}
	uint64_t after = frames_settle(before, 2000);
	if (after + 16 < before)
		test_fail(name, "%lu frames not returned", before - after);
}

int main(void)
{
	name = "posix2_sig_segv";
	segv();
	test_pass(name);
	name = "posix2_sig_return";
	returns();
	test_pass(name);
	name = "posix2_sig_kill";
	kills();
	test_pass(name);
	return 0;
}
