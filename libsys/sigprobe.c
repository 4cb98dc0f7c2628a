/* sigret_probe (sys/sigprobe.h): sigreturn with a chosen frame, and what
 * came back.  The assembly uses fixed offsets into struct sigret_probe,
 * checked below. */
#include <stddef.h>
#include "sys/sigprobe.h"
#include "lib/string.h"

#define OFF_SEEN   304
#define OFF_SEG    488
#define OFF_SETSEG 536
#define OFF_ERR    568
#define OFF_FXRAND 576
#define OFF_FXBEF  1088
#define OFF_FXAFT  1600
#define OFF_FXORIG 2112
#define OFF_RSP    160 /* gregs at 40, REG_RSP 15 */
#define OFF_RIP    168 /* REG_RIP 16 */
_Static_assert(offsetof(struct sigret_probe, seen) == OFF_SEEN, "seen");
_Static_assert(offsetof(struct sigret_probe, seg) == OFF_SEG, "seg");
_Static_assert(offsetof(struct sigret_probe, set_seg) == OFF_SETSEG, "set_seg");
_Static_assert(offsetof(struct sigret_probe, err) == OFF_ERR, "err");
_Static_assert(offsetof(struct sigret_probe, fx_rand) == OFF_FXRAND, "fx_rand");
_Static_assert(offsetof(struct sigret_probe, fx_before) == OFF_FXBEF, "fx_before");
_Static_assert(offsetof(struct sigret_probe, fx_after) == OFF_FXAFT, "fx_after");
_Static_assert(offsetof(struct sigret_probe, fx_orig) == OFF_FXORIG, "fx_orig");
_Static_assert(offsetof(struct sigret_probe, uc.uc_mcontext.gregs[ABI_REG_RSP]) == OFF_RSP, "rsp");
_Static_assert(offsetof(struct sigret_probe, uc.uc_mcontext.gregs[ABI_REG_RIP]) == OFF_RIP, "rip");
_Static_assert(ABI_REG_R8 == 0 && ABI_REG_RSP == 15 && ABI_REG_EFL == 17, "gregs order");

#define S(x) #x
#define STR(x) S(x)

/* Stack in the probe, from the top: six callee-saved registers, ds es fs
 * gs as they were, p.  The landing pad finds p at (%rsp). */
__asm__(".text\n"
	".globl sigret_probe\n"
	"sigret_probe:\n"
	"	push %rbx\n	push %rbp\n	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
	"	xor %eax, %eax\n"
	"	mov %ds, %ax\n	push %rax\n"
	"	mov %es, %ax\n	push %rax\n"
	"	mov %fs, %ax\n	push %rax\n"
	"	mov %gs, %ax\n	push %rax\n"
	"	push %rdi\n"
	"	cmpq $1, " STR(OFF_RIP) "(%rdi)\n"
	"	jne 1f\n"
	"	lea sigret_land(%rip), %rax\n"
	"	mov %rax, " STR(OFF_RIP) "(%rdi)\n"
	"1:	cmpq $1, " STR(OFF_RSP) "(%rdi)\n"
	"	jne 1f\n"
	"	mov %rsp, " STR(OFF_RSP) "(%rdi)\n"
	"1:	fxsaveq " STR(OFF_FXORIG) "(%rdi)\n"
	"	fxrstorq " STR(OFF_FXRAND) "(%rdi)\n"
	"	fxsaveq " STR(OFF_FXBEF) "(%rdi)\n"
	"	mov " STR(OFF_SETSEG) "(%rdi), %rax\n	mov %ax, %ds\n"
	"	mov " STR(OFF_SETSEG) "+8(%rdi), %rax\n	mov %ax, %es\n"
	"	mov " STR(OFF_SETSEG) "+16(%rdi), %rax\n	mov %ax, %fs\n"
	"	mov " STR(OFF_SETSEG) "+24(%rdi), %rax\n	mov %ax, %gs\n"
	"	mov $42, %eax\n"
	"	syscall\n"
	"	mov (%rsp), %rdi\n"          /* refused: rax = the error */
	"	mov %rax, " STR(OFF_ERR) "(%rdi)\n"
	"	jmp 2f\n"
	"sigret_land:\n"
	"	push %rdi\n"
	"	mov 8(%rsp), %rdi\n"
	"	mov %r8, " STR(OFF_SEEN) "+0(%rdi)\n"
	"	mov %r9, " STR(OFF_SEEN) "+8(%rdi)\n"
	"	mov %r10, " STR(OFF_SEEN) "+16(%rdi)\n"
	"	mov %r11, " STR(OFF_SEEN) "+24(%rdi)\n"
	"	mov %r12, " STR(OFF_SEEN) "+32(%rdi)\n"
	"	mov %r13, " STR(OFF_SEEN) "+40(%rdi)\n"
	"	mov %r14, " STR(OFF_SEEN) "+48(%rdi)\n"
	"	mov %r15, " STR(OFF_SEEN) "+56(%rdi)\n"
	"	mov %rsi, " STR(OFF_SEEN) "+72(%rdi)\n"
	"	mov %rbp, " STR(OFF_SEEN) "+80(%rdi)\n"
	"	mov %rbx, " STR(OFF_SEEN) "+88(%rdi)\n"
	"	mov %rdx, " STR(OFF_SEEN) "+96(%rdi)\n"
	"	mov %rax, " STR(OFF_SEEN) "+104(%rdi)\n"
	"	mov %rcx, " STR(OFF_SEEN) "+112(%rdi)\n"
	"	pop %rax\n"
	"	mov %rax, " STR(OFF_SEEN) "+64(%rdi)\n"
	"	mov %rsp, " STR(OFF_SEEN) "+120(%rdi)\n"
	"	pushfq\n	pop %rax\n"
	"	mov %rax, " STR(OFF_SEEN) "+136(%rdi)\n"
	"	xor %eax, %eax\n"
	"	mov %cs, %ax\n	mov %rax, " STR(OFF_SEG) "(%rdi)\n"
	"	mov %ss, %ax\n	mov %rax, " STR(OFF_SEG) "+8(%rdi)\n"
	"	mov %ds, %ax\n	mov %rax, " STR(OFF_SEG) "+16(%rdi)\n"
	"	mov %es, %ax\n	mov %rax, " STR(OFF_SEG) "+24(%rdi)\n"
	"	mov %fs, %ax\n	mov %rax, " STR(OFF_SEG) "+32(%rdi)\n"
	"	mov %gs, %ax\n	mov %rax, " STR(OFF_SEG) "+40(%rdi)\n"
	"	fxsaveq " STR(OFF_FXAFT) "(%rdi)\n"
	"	movq $-1, " STR(OFF_ERR) "(%rdi)\n"
	"2:	pushq $2\n	popfq\n"
	"	mov (%rsp), %rdi\n"
	"	fxrstorq " STR(OFF_FXORIG) "(%rdi)\n"
	"	pop %rdi\n"
	"	pop %rax\n	mov %ax, %gs\n"
	"	pop %rax\n	mov %ax, %fs\n"
	"	pop %rax\n	mov %ax, %es\n"
	"	pop %rax\n	mov %ax, %ds\n"
	"	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n	pop %rbp\n	pop %rbx\n"
	"	mov " STR(OFF_ERR) "(%rdi), %rax\n"
	"	ret\n");

void sigret_random_fpu(struct sigret_probe *p, uint64_t (*r)(void *), void *arg)
{
	memset(p->fx_rand, 0, sizeof p->fx_rand);
	__asm__ volatile("fxsaveq %0" : "=m"(p->fx_rand));
	uint32_t mask;
	memcpy(&mask, p->fx_rand + 28, 4);
	if (!mask)
		mask = 0xFFBF; /* the default MXCSR_MASK */
	for (unsigned i = 0; i < 416; i += 8) {
		uint64_t w = r(arg);
		memcpy(p->fx_rand + i, &w, 8);
	}
	uint32_t mxcsr;
	memcpy(&mxcsr, p->fx_rand + 24, 4);
	mxcsr &= mask;
	memcpy(p->fx_rand + 24, &mxcsr, 4);
	memcpy(p->fx_rand + 28, &mask, 4);
	memset(p->fx_before, 0, sizeof p->fx_before);
	memset(p->fx_after, 0, sizeof p->fx_after);
}

const char *sigret_check(const struct sigret_probe *p)
{
	static const unsigned regs[] = { ABI_REG_R8, ABI_REG_R9, ABI_REG_R10, ABI_REG_R11,
		ABI_REG_R12, ABI_REG_R13, ABI_REG_R14, ABI_REG_R15, ABI_REG_RDI, ABI_REG_RSI,
		ABI_REG_RBP, ABI_REG_RBX, ABI_REG_RDX, ABI_REG_RAX, ABI_REG_RCX, ABI_REG_RSP };
	const uint64_t *g = p->uc.uc_mcontext.gregs;
	for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i++)
		if (p->seen[regs[i]] != g[regs[i]])
			return "a general register differs from the frame's";
	uint64_t want = (g[ABI_REG_EFL] & SIGRET_USER_RFLAGS) | SIGRET_RFLAGS_ON;
	if (p->seen[ABI_REG_EFL] != want)
		return "RFLAGS is not the frame's user bits with IF on";
	if (p->seg[0] != 0x2B || p->seg[1] != 0x23)
		return "cs or ss is not the user selector";
	/* ds es fs gs are not kept per thread (a switch may bring another
	 * thread's): not checked */
	if (memcmp(p->fx_before, p->fx_after, 416) != 0)
		return "the FPU state changed";
	return NULL;
}
