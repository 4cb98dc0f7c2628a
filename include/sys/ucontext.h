/* <sys/ucontext.h>: the context a signal handler gets as its third
 * argument (SA_SIGINFO), laid out as Linux's x86_64 ucontext_t for the
 * fields there are (abi/signal.h): uc_mcontext.gregs[REG_RIP] and the
 * others may be changed by the handler; returning from it resumes with
 * them.  The FPU state is not in it (the entry code keeps it aside). */
#ifndef _SYS_UCONTEXT_H
#define _SYS_UCONTEXT_H

#include <stddef.h>

#define NGREG 23
typedef long long greg_t;
typedef greg_t gregset_t[NGREG];
typedef void *fpregset_t;

#ifdef _GNU_SOURCE
enum {
	REG_R8 = 0, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
	REG_RDI, REG_RSI, REG_RBP, REG_RBX, REG_RDX, REG_RAX, REG_RCX, REG_RSP,
	REG_RIP, REG_EFL, REG_CSGSFS, REG_ERR, REG_TRAPNO, REG_OLDMASK, REG_CR2
};
#endif

typedef struct {
	gregset_t gregs;
	fpregset_t fpregs;
	unsigned long long __reserved1[8];
} mcontext_t;

typedef struct {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
} stack_t;

typedef struct ucontext_t {
	unsigned long uc_flags;
	struct ucontext_t *uc_link;
	stack_t uc_stack;
	mcontext_t uc_mcontext;
	unsigned long uc_sigmask; /* sigset_t */
	/* getcontext's FPU and SSE state (FXSAVE's image; uc_mcontext.fpregs
	 * points here); not in a signal handler's context */
	unsigned char __fpregs_mem[512] __attribute__((aligned(16)));
} ucontext_t;

#endif
