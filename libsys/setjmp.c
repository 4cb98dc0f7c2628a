/* setjmp and longjmp (setjmp.h) for x86_64: the buffer holds rbx, rbp,
 * r12-r15, the caller's rsp (after the return) and the return address;
 * longjmp puts them back and returns val (1 for 0) from that setjmp. */
#include <setjmp.h>
#include "libsys.h"

_Static_assert(__builtin_offsetof(struct __jmp_buf_tag, __mask_saved) == 64,
	       "the assembly below stores 8 words first");

/* Stores the registers into the buffer at rdi; leaves rdi and rsi alone. */
#define SAVE_REGS \
	"	mov %rbx, 0(%rdi)\n" \
	"	mov %rbp, 8(%rdi)\n" \
	"	mov %r12, 16(%rdi)\n" \
	"	mov %r13, 24(%rdi)\n" \
	"	mov %r14, 32(%rdi)\n" \
	"	mov %r15, 40(%rdi)\n" \
	"	lea 8(%rsp), %rdx\n" \
	"	mov %rdx, 48(%rdi)\n" \
	"	mov (%rsp), %rdx\n" \
	"	mov %rdx, 56(%rdi)\n"

int libsys_sigsetjmp_mask(sigjmp_buf env, int savemask);

__asm__(".text\n"
	".globl setjmp, _setjmp, sigsetjmp, longjmp, _longjmp\n"
	".type setjmp, @function\n"
	"setjmp:\n"
	"_setjmp:\n"
	SAVE_REGS
	"	movl $0, 64(%rdi)\n"
	"	xor %eax, %eax\n"
	"	ret\n"
	".size setjmp, .-setjmp\n"
	/* the registers, then the mask in C (a tail call: it returns 0 to
	 * sigsetjmp's caller) */
	".type sigsetjmp, @function\n"
	"sigsetjmp:\n"
	SAVE_REGS
	"	jmp libsys_sigsetjmp_mask\n"
	".size sigsetjmp, .-sigsetjmp\n"
	".type longjmp, @function\n"
	"longjmp:\n"
	"_longjmp:\n"
	"	mov %esi, %eax\n"
	"	test %eax, %eax\n"
	"	jnz 1f\n"
	"	inc %eax\n"
	"1:	mov 0(%rdi), %rbx\n"
	"	mov 8(%rdi), %rbp\n"
	"	mov 16(%rdi), %r12\n"
	"	mov 24(%rdi), %r13\n"
	"	mov 32(%rdi), %r14\n"
	"	mov 40(%rdi), %r15\n"
	"	mov 48(%rdi), %rsp\n"
	"	jmp *56(%rdi)\n"
	".size longjmp, .-longjmp\n");

/* sigsetjmp's second half: keep the mask if asked; 0 (sigsetjmp's answer
 * when called). */
int libsys_sigsetjmp_mask(sigjmp_buf env, int savemask)
{
	env->__mask_saved = savemask != 0;
	if (savemask)
		env->__mask = libsys_sigmask_get();
	return 0;
}

void siglongjmp(sigjmp_buf env, int val)
{
	if (env->__mask_saved)
		libsys_sigmask_set(env->__mask);
	longjmp(env, val);
}
