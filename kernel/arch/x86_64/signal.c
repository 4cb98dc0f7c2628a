/* The arch side of fault signals (kernel/signal.c): a thread's user
 * registers as abi/signal.h's gregs, and back. */
#include "arch.h"
#include "arch_api.h"
#include "abi/signal.h"

void arch_uregs_get(const void *uframe, uint64_t *g)
{
	const struct trap_frame *tf = uframe;
	g[ABI_REG_R8] = tf->r8, g[ABI_REG_R9] = tf->r9, g[ABI_REG_R10] = tf->r10;
	g[ABI_REG_R11] = tf->r11, g[ABI_REG_R12] = tf->r12, g[ABI_REG_R13] = tf->r13;
	g[ABI_REG_R14] = tf->r14, g[ABI_REG_R15] = tf->r15, g[ABI_REG_RDI] = tf->rdi;
	g[ABI_REG_RSI] = tf->rsi, g[ABI_REG_RBP] = tf->rbp, g[ABI_REG_RBX] = tf->rbx;
	g[ABI_REG_RDX] = tf->rdx, g[ABI_REG_RAX] = tf->rax, g[ABI_REG_RCX] = tf->rcx;
	g[ABI_REG_RSP] = tf->rsp, g[ABI_REG_RIP] = tf->rip, g[ABI_REG_EFL] = tf->rflags;
	g[ABI_REG_TRAPNO] = tf->vector, g[ABI_REG_ERR] = tf->error;
}

void arch_uregs_set(void *uframe, const uint64_t *g)
{
	struct trap_frame *tf = uframe;
	tf->r8 = g[ABI_REG_R8], tf->r9 = g[ABI_REG_R9], tf->r10 = g[ABI_REG_R10];
	tf->r11 = g[ABI_REG_R11], tf->r12 = g[ABI_REG_R12], tf->r13 = g[ABI_REG_R13];
	tf->r14 = g[ABI_REG_R14], tf->r15 = g[ABI_REG_R15], tf->rdi = g[ABI_REG_RDI];
	tf->rsi = g[ABI_REG_RSI], tf->rbp = g[ABI_REG_RBP], tf->rbx = g[ABI_REG_RBX];
	tf->rdx = g[ABI_REG_RDX], tf->rax = g[ABI_REG_RAX], tf->rcx = g[ABI_REG_RCX];
	tf->rsp = g[ABI_REG_RSP], tf->rip = g[ABI_REG_RIP];
	tf->rflags = g[ABI_REG_EFL]; /* trap_return keeps only the user bits */
	tf->cs = SEL_UCODE | 3;
	tf->ss = SEL_UDATA | 3;
}
