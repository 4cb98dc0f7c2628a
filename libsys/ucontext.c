/* getcontext, setcontext, makecontext, swapcontext (ucontext.h) for
 * x86_64: the registers a call keeps (rbx, rbp, r12-r15, rsp, the return
 * address as rip), the argument registers (for makecontext), FXSAVE's
 * FPU/SSE image and the signal mask. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <ucontext.h>

/* The offsets the assembly below uses. */
#define UC_GREG(r) (offsetof(ucontext_t, uc_mcontext.gregs) + 8 * (r))
_Static_assert(UC_GREG(REG_R8) == 40 && UC_GREG(REG_R12) == 72 && UC_GREG(REG_R15) == 96,
	       "ucontext_t: r8..r15");
_Static_assert(UC_GREG(REG_RDI) == 104 && UC_GREG(REG_RSI) == 112 && UC_GREG(REG_RBP) == 120 &&
		       UC_GREG(REG_RBX) == 128 && UC_GREG(REG_RDX) == 136 &&
		       UC_GREG(REG_RCX) == 152 && UC_GREG(REG_RSP) == 160 &&
		       UC_GREG(REG_RIP) == 168,
	       "ucontext_t: gregs");
_Static_assert(offsetof(ucontext_t, uc_mcontext.fpregs) == 224, "ucontext_t: fpregs");
_Static_assert(offsetof(ucontext_t, __fpregs_mem) == 304, "ucontext_t: fpregs_mem");

void libsys_ctx_swap(ucontext_t *oucp, const ucontext_t *ucp) __attribute__((noreturn, used));
void libsys_ctx_link(const ucontext_t *next) __attribute__((noreturn, used));
int libsys_ctx_mask(ucontext_t *ucp) __attribute__((used));
void libsys_ctx_load(const ucontext_t *ucp) __attribute__((noreturn));
void libsys_ctx_start(void);

/* Save the caller's registers into *rdi (its rsp and rip as after this
 * call returns), FXSAVE into __fpregs_mem; clobbers rax, r11 only. */
#define SAVE_REGS                                   \
	"	movq %rbx, 128(%rdi)\n"             \
	"	movq %rbp, 120(%rdi)\n"             \
	"	movq %r12, 72(%rdi)\n"              \
	"	movq %r13, 80(%rdi)\n"              \
	"	movq %r14, 88(%rdi)\n"              \
	"	movq %r15, 96(%rdi)\n"              \
	"	movq %rdi, 104(%rdi)\n"             \
	"	movq %rsi, 112(%rdi)\n"             \
	"	movq %rdx, 136(%rdi)\n"             \
	"	movq %rcx, 152(%rdi)\n"             \
	"	movq %r8, 40(%rdi)\n"               \
	"	movq %r9, 48(%rdi)\n"               \
	"	movq $0, 144(%rdi)\n" /* rax: 0 */ \
	"	movq (%rsp), %rax\n"                \
	"	movq %rax, 168(%rdi)\n"             \
	"	leaq 8(%rsp), %rax\n"               \
	"	movq %rax, 160(%rdi)\n"             \
	"	leaq 304(%rdi), %rax\n"             \
	"	fxsave (%rax)\n"                    \
	"	movq %rax, 224(%rdi)\n"

/* getcontext: the registers, then (a tail call) the signal mask. */
__asm__(".text\n"
	".globl getcontext\n"
	".type getcontext, @function\n"
	"getcontext:\n" SAVE_REGS
	"	jmp libsys_ctx_mask\n"
	".size getcontext, . - getcontext\n");

/* swapcontext: getcontext's saving into oucp, then libsys_ctx_swap
 * (masks, and ucp resumed) on this stack. */
__asm__(".text\n"
	".globl swapcontext\n"
	".type swapcontext, @function\n"
	"swapcontext:\n" SAVE_REGS
	"	jmp libsys_ctx_swap\n"
	".size swapcontext, . - swapcontext\n");

/* Resume *ucp: FPU state (if it has one), every saved register, its
 * stack, and a jump to its rip (pushed on its stack, then ret). */
__asm__(".text\n"
	".globl libsys_ctx_load\n"
	".type libsys_ctx_load, @function\n"
	"libsys_ctx_load:\n"
	"	movq 224(%rdi), %rax\n"
	"	testq %rax, %rax\n"
	"	jz 1f\n"
	"	fxrstor (%rax)\n"
	"1:	movq 160(%rdi), %rsp\n"
	"	pushq 168(%rdi)\n"
	"	movq 128(%rdi), %rbx\n"
	"	movq 120(%rdi), %rbp\n"
	"	movq 72(%rdi), %r12\n"
	"	movq 80(%rdi), %r13\n"
	"	movq 88(%rdi), %r14\n"
	"	movq 96(%rdi), %r15\n"
	"	movq 112(%rdi), %rsi\n"
	"	movq 136(%rdi), %rdx\n"
	"	movq 152(%rdi), %rcx\n"
	"	movq 40(%rdi), %r8\n"
	"	movq 48(%rdi), %r9\n"
	"	movq 144(%rdi), %rax\n"
	"	movq 104(%rdi), %rdi\n"
	"	ret\n"
	".size libsys_ctx_load, . - libsys_ctx_load\n");

/* Where a makecontext function returns to: rbx holds uc_link. */
__asm__(".text\n"
	".globl libsys_ctx_start\n"
	".type libsys_ctx_start, @function\n"
	"libsys_ctx_start:\n"
	"	movq %rbx, %rdi\n"
	"	andq $-16, %rsp\n"
	"	call libsys_ctx_link\n"
	"	hlt\n"
	".size libsys_ctx_start, . - libsys_ctx_start\n");

/* getcontext's second half: the signal mask; 0. */
int libsys_ctx_mask(ucontext_t *ucp)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	ucp->uc_sigmask = cur;
	return 0;
}

/* swapcontext's second half: the masks swapped, ucp resumed. */
void libsys_ctx_swap(ucontext_t *oucp, const ucontext_t *ucp)
{
	sigset_t old, next = ucp->uc_sigmask;
	sigprocmask(SIG_SETMASK, &next, &old);
	oucp->uc_sigmask = old;
	libsys_ctx_load(ucp);
}

/* A makecontext function returned: resume next, or exit(0) if none. */
void libsys_ctx_link(const ucontext_t *next)
{
	if (!next)
		exit(0);
	setcontext(next);
	abort();
}

/* Resume *ucp with its signal mask; returns only on failure (never). */
int setcontext(const ucontext_t *ucp)
{
	sigset_t m = ucp->uc_sigmask;
	sigprocmask(SIG_SETMASK, &m, NULL);
	libsys_ctx_load(ucp);
}

/* Make *ucp (from getcontext) run func(args) on ucp->uc_stack, then
 * resume ucp->uc_link: arguments 1-6 in rdi, rsi, rdx, rcx, r8, r9, the
 * rest on the new stack above the return address (libsys_ctx_start),
 * rsp + 8 16-byte aligned at func's entry, as the ABI has it. */
void makecontext(ucontext_t *ucp, void (*func)(void), int argc, ...)
{
	static const int reg[6] = { REG_RDI, REG_RSI, REG_RDX, REG_RCX, REG_R8, REG_R9 };
	int nstack = argc > 6 ? argc - 6 : 0;
	unsigned long top = (unsigned long)ucp->uc_stack.ss_sp + ucp->uc_stack.ss_size;
	unsigned long sp = (top - 8ul * (unsigned long)nstack) & ~15ul;
	sp -= 8; /* the return address: rsp % 16 == 8 at entry */
	unsigned long *stack = (unsigned long *)sp;
	stack[0] = (unsigned long)libsys_ctx_start;
	va_list ap;
	va_start(ap, argc);
	for (int i = 0; i < argc; i++) {
		long v = va_arg(ap, long);
		if (i < 6)
			ucp->uc_mcontext.gregs[reg[i]] = v;
		else
			stack[1 + i - 6] = (unsigned long)v;
	}
	va_end(ap);
	ucp->uc_mcontext.gregs[REG_RIP] = (long)func;
	ucp->uc_mcontext.gregs[REG_RSP] = (long)sp;
	ucp->uc_mcontext.gregs[REG_RBX] = (long)ucp->uc_link;
}
