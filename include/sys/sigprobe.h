/* A probe of sigreturn (call 42) for tests and the fuzzer: hand the kernel
 * a frame with chosen (random) registers, RFLAGS bits, selectors and FPU
 * state, and see what ring 3 gets back.
 *
 * sigret_probe(p) saves this thread's FPU state, loads p->fx_rand (and the
 * data selectors p->set_seg), and calls sigreturn(&p->uc).  If uc's rip is
 * SIGRET_LAND and its rsp SIGRET_HERE, they become a landing pad in the
 * probe and the probe's own stack: a frame the kernel accepts then comes
 * back there, where every register, RFLAGS, the selectors and the FPU image
 * are recorded (p->seen, p->seg, p->fx_after; p->err = SIGRET_LANDED).  A
 * refused frame returns from the call: p->err = its error, nothing else
 * changed.  Either way the thread's FPU state, selectors and callee-saved
 * registers are back as before when sigret_probe returns p->err. */
#ifndef SYS_SIGPROBE_H
#define SYS_SIGPROBE_H

#include <stdint.h>
#include "abi/signal.h"

#define SIGRET_LAND   1ull     /* uc's rip: the probe's landing pad */
#define SIGRET_HERE   1ull     /* uc's rsp: the probe's stack */
#define SIGRET_LANDED (~0ull)  /* p->err when the frame was taken */

/* RFLAGS bits ring 3 keeps through any return (the kernel's USER_RFLAGS:
 * CF PF AF ZF SF TF DF OF NT AC ID), and what every return forces on. */
#define SIGRET_USER_RFLAGS 0x244DD5ull
#define SIGRET_RFLAGS_ON   0x202ull

struct sigret_probe {
	struct abi_ucontext uc;     /* the frame */
	uint64_t seen[ABI_NGREG];   /* at the landing, in gregs order; EFL: pushfq */
	uint64_t seg[6];            /* at the landing: cs ss ds es fs gs */
	uint64_t set_seg[4];        /* ds es fs gs loaded before the call */
	uint64_t err;
	uint8_t fx_rand[512] __attribute__((aligned(16)));   /* loaded before */
	uint8_t fx_before[512] __attribute__((aligned(16))); /* fxsave of it */
	uint8_t fx_after[512] __attribute__((aligned(16)));  /* at the landing */
	uint8_t fx_orig[512] __attribute__((aligned(16)));   /* the caller's */
} __attribute__((aligned(16)));

/* Call sigreturn as above; returns p->err. */
uint64_t sigret_probe(struct sigret_probe *p);

/* Fill p->fx_rand with random x87/SSE state from the 64-bit words r
 * gives (an MXCSR the CPU accepts), zero the other images. */
void sigret_random_fpu(struct sigret_probe *p, uint64_t (*r)(void *), void *arg);

/* After a landing: NULL if every register, RFLAGS (the user bits of uc's,
 * IF on), cs/ss (user selectors) and the FPU image came
 * back as they should; else what did not.  (The data selectors are not
 * kept per thread by the kernel, so they are not judged.) */
const char *sigret_check(const struct sigret_probe *p);

#endif
