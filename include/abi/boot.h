/* What the kernel gives the pager at start: the boot-information page, the
 * initrd, and where they are in the pager's space.
 *
 * The pager runs one thread per CPU (at most PAGER_THREADS_MAX), thread i
 * pinned to CPU i.  Each starts at the ELF entry with rdi = BOOTINFO_VA,
 * rsp = PAGER_STACK_TOP_OF(i) (16-byte aligned; PAGER_STACK_SIZE bytes of
 * stack for thread 0, PAGER_THREAD_STACK for the others, each in its own
 * PAGER_STACK_STRIDE slot, so a thread's rsp tells which it is) and its IPC
 * buffer at PAGER_IPC_BUF_OF(i).  Its space holds the pager capability:
 * only it may make the calls marked pager_only in abi/syscall.h. */
#ifndef ABI_BOOT_H
#define ABI_BOOT_H

#include <stdint.h>

#define BOOTINFO_MAGIC   0x6F666E69746F6F62ull /* "bootinfo" */
#define BOOTINFO_VA      0x00007FFFFFFFC000ull /* one page, read-only */
#define PAGER_IPC_BUF    0x00007FFFFFFFB000ull
#define PAGER_STACK_TOP  0x00007FFFFFF00000ull
#define PAGER_STACK_SIZE (256ull * 1024)        /* mapped at start */
#define PAGER_THREADS_MAX  64
#define PAGER_THREAD_STACK (64ull * 1024)     /* threads 1.. */
#define PAGER_STACK_STRIDE (1ull << 20)
#define PAGER_STACK_TOP_OF(i) (PAGER_STACK_TOP - (uint64_t)(i) * PAGER_STACK_STRIDE)
#define PAGER_IPC_BUF_OF(i)   (PAGER_IPC_BUF - (uint64_t)(i) * 4096)
#define INITRD_VA        0x0000200000000000ull /* read-only copy of the initrd */

struct abi_bootinfo {
	uint64_t magic;          /* BOOTINFO_MAGIC */
	uint64_t total_frames;   /* frames the allocator manages */
	uint64_t free_frames;    /* free when the pager started */
	uint64_t ram_bytes;      /* usable RAM reported by the firmware */
	uint64_t tsc_hz;         /* cycle counter rate */
	uint32_t ncpus;
	uint32_t pad;
	uint64_t initrd_va, initrd_size; /* 0 size: no initrd module */
	char cmdline[256];       /* kernel command line, NUL-terminated */
	uint64_t pfn_limit;      /* every frame number is below it */
};

#endif
