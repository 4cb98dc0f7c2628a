/* <ucontext.h>: ucontext_t (sys/ucontext.h) and the System V context
 * calls (libsys/ucontext.c), as glibc's on x86_64: getcontext saves the
 * callee-saved registers, the stack and return address, the FPU and SSE
 * state and the signal mask; setcontext resumes one (getcontext then
 * returns 0 again); makecontext makes one that runs func(args...) (up to
 * 6 integer arguments in registers, more on the stack) on uc_stack and,
 * when func returns, resumes uc_link (or exits with 0 when it is NULL);
 * swapcontext saves the current context and resumes another.  A signal
 * handler's context is not one for setcontext here (it lacks the FPU
 * state and the scratch registers' values are the handler's). */
#ifndef _UCONTEXT_H
#define _UCONTEXT_H

#include <sys/ucontext.h>

int getcontext(ucontext_t *ucp);
int setcontext(const ucontext_t *ucp);
void makecontext(ucontext_t *ucp, void (*func)(void), int argc, ...);
int swapcontext(ucontext_t *oucp, const ucontext_t *ucp);

#endif
