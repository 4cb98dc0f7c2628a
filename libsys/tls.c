/* Thread-local storage (__thread, _Thread_local) for programs: the x86_64
 * ELF "variant II" layout.  The linker script puts the TLS image (.tdata,
 * then .tbss) at [__tls_start, __tls_end), 64-byte aligned; each thread has
 * a block of TLS_ROUND(size) bytes holding a copy of it, then the thread
 * pointer (TP, the FS base: set_fs_base) whose first word points to itself
 * (%fs:0, as the ABI wants).  A variable at image offset o is at
 * TP - TLS_ROUND(size) + o, which is what the linker puts in the code.
 * A program without __thread variables never sets an FS base. */
#include "abi/syscall.h"
#include "sys/syscall.h"
#include "lib/string.h"
#include "libsys.h"

extern char __tls_start[], __tdata_end[], __tls_end[];

#define TLS_ALIGN 64ul
#define TLS_ROUND(n) (((n) + TLS_ALIGN - 1) & ~(TLS_ALIGN - 1))

size_t libsys_tls_size(void)
{
	size_t n = (size_t)(__tls_end - __tls_start);
	return n ? TLS_ROUND(n) + 3 * TLS_ALIGN : 0; /* alignment, TP, thread_block */
}

uint64_t libsys_tls_init(void *block)
{
	size_t n = (size_t)(__tls_end - __tls_start);
	char *base = (char *)TLS_ROUND((uint64_t)block);
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
