/* <ucontext.h>: ucontext_t (sys/ucontext.h).  No getcontext/setcontext/
 * makecontext/swapcontext. */
#ifndef _UCONTEXT_H
#define _UCONTEXT_H

#include <sys/ucontext.h>

#endif
