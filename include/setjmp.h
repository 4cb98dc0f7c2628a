/* <setjmp.h>: non-local jumps.  The buffer keeps rbx, rbp, r12-r15, rsp
 * and the return address (the registers the x86_64 System V ABI has a
 * callee keep); sigsetjmp also keeps the signal mask when asked (signal.h's
 * sigprocmask), and siglongjmp puts it back. */
#ifndef _SETJMP_H
#define _SETJMP_H

struct __jmp_buf_tag {
	unsigned long __regs[8]; /* rbx rbp r12 r13 r14 r15 rsp rip */
	int __mask_saved;
	unsigned long __mask;
};
typedef struct __jmp_buf_tag jmp_buf[1];
typedef struct __jmp_buf_tag sigjmp_buf[1];

/* 0 when called; val (1 if val is 0) when longjmp comes back here.  The
 * function that called setjmp must not have returned meanwhile. */
int setjmp(jmp_buf env) __attribute__((returns_twice));
int _setjmp(jmp_buf env) __attribute__((returns_twice));
_Noreturn void longjmp(jmp_buf env, int val);
_Noreturn void _longjmp(jmp_buf env, int val);
/* setjmp that also keeps the signal mask if savemask is not 0. */
int sigsetjmp(sigjmp_buf env, int savemask) __attribute__((returns_twice));
_Noreturn void siglongjmp(sigjmp_buf env, int val);

#endif
