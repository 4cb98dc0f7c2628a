/* Thread-local storage (__thread, _Thread_local) for programs: the x86_64
 * ELF "variant II" layout.  The linker script puts the TLS image (.tdata,
 * then .tbss) at [__tls_start, __tls_end), with the PT_TLS alignment A
 * (__tls_align, at least 64 here); each thread has a block holding a copy
 * of it, TLS_ROUND(size) bytes, then the thread pointer (TP, the FS base:
 * set_fs_base) whose first word points to itself (%fs:0, as the ABI wants).
 * A variable at image offset o is at TP - TLS_ROUND(size) + o, which is
 * what the linker puts in the code; the copy starts at an address equal to
 * __tls_start modulo A, so every variable keeps its alignment.
 *
 * Every thread of a program has a block, even without __thread variables
 * (then it is the TCB alone): the TP's second word (%fs:8) is the
 * thread's libsys slot (struct libsys_tls, proc.c; NULL for the main
 * thread and threads of thread_spawn), so libsys_tls() is one load.  The
 * FS base never changes in a signal handler (on an alternate stack too),
 * and a new thread or a fork child has it from its first instruction
 * (THREAD_FS: the pager creates the thread with it), so a handler that
 * runs before the thread's first instruction finds its slot too.
 * libsys_tls() itself is in tls_slot.c (the pager has its own). */
#include "abi/syscall.h"
#include "sys/syscall.h"
#include "lib/string.h"
#include "libsys.h"

extern char __tls_start[], __tdata_end[], __tls_end[], __tls_align[];

/* A: the segment's alignment, 64 at least (a power of two). */
static uint64_t tls_align(void)
{
	uint64_t a = (uint64_t)(uintptr_t)__tls_align;
	return a > 64 ? a : 64;
}

#define TLS_ROUND(n) (((n) + tls_align() - 1) & ~(tls_align() - 1))

/* What the thread pointer points at (%fs:0): the ABI's self pointer, then
 * the thread's libsys slot. */
struct tcb {
	uint64_t self;
	struct libsys_tls *slot;
};

size_t libsys_tls_size(void)
{
	size_t n = (size_t)(__tls_end - __tls_start);
	return TLS_ROUND(n) + tls_align() + 2 * 64; /* alignment, TCB, thread_block */
}

uint64_t libsys_tls_build(void *block, struct libsys_tls *slot)
{
	size_t n = (size_t)(__tls_end - __tls_start);
	uint64_t skew = ((uint64_t)(uintptr_t)__tls_start - (uint64_t)(uintptr_t)block) & (tls_align() - 1);
	char *base = (char *)block + skew;
	size_t init = (size_t)(__tdata_end - __tls_start);
	memcpy(base, __tls_start, init);
	memset(base + init, 0, TLS_ROUND(n) - init);
	uint64_t tp = (uint64_t)(base + TLS_ROUND(n));
	struct tcb *tcb = (struct tcb *)tp;
	tcb->self = tp;
	tcb->slot = slot;
	return tp;
}

uint64_t libsys_main_tp;

uint64_t libsys_tls_init(void *block)
{
	uint64_t tp = libsys_tls_build(block, NULL);
	sys_set_fs_base(tp);
	libsys_main_tp = tp;
	return tp;
}

uint64_t libsys_tls_tp(void)
{
	uint64_t tp;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}

