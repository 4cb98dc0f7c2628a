/* Thread-local storage (__thread, _Thread_local) for programs: the x86_64
 * ELF "variant II" layout.  The linker script puts the TLS image (.tdata,
 * then .tbss) at [__tls_start, __tls_end), with the PT_TLS alignment A
 * (__tls_align, at least 64 here); each thread has a block holding a copy
 * of it, TLS_ROUND(size) bytes, then the thread pointer (TP, the FS base:
 * set_fs_base) whose first word points to itself (%fs:0, as the ABI wants).
 * A variable at image offset o is at TP - TLS_ROUND(size) + o, which is
 * what the linker puts in the code; the copy starts at an address equal to
 * __tls_start modulo A, so every variable keeps its alignment.
 * A program without __thread variables never sets an FS base. */
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

size_t libsys_tls_size(void)
{
	size_t n = (size_t)(__tls_end - __tls_start);
	return n ? TLS_ROUND(n) + tls_align() + 2 * 64 : 0; /* alignment, TP, thread_block */
}

uint64_t libsys_tls_init(void *block)
{
	size_t n = (size_t)(__tls_end - __tls_start);
	uint64_t skew = ((uint64_t)(uintptr_t)__tls_start - (uint64_t)(uintptr_t)block) & (tls_align() - 1);
	char *base = (char *)block + skew;
	size_t init = (size_t)(__tdata_end - __tls_start);
	memcpy(base, __tls_start, init);
	memset(base + init, 0, TLS_ROUND(n) - init);
	uint64_t tp = (uint64_t)(base + TLS_ROUND(n));
	*(uint64_t *)tp = tp;
	sys_set_fs_base(tp);
	return tp;
}

uint64_t libsys_tls_tp(void)
{
	uint64_t tp = 0;
	if (libsys_tls_size())
		__asm__ volatile("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}
