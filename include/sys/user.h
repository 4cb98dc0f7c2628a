/* <sys/user.h>: the page size names glibc's x86_64 header gives
 * (PAGE_SIZE, PAGE_SHIFT, PAGE_MASK) and its register set layout. */
#ifndef _SYS_USER_H
#define _SYS_USER_H
#include "abi/page.h"
#ifndef PAGE_MASK
#define PAGE_MASK (~(PAGE_SIZE - 1))
#endif
struct user_regs_struct {
	unsigned long long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi,
		rdi, orig_rax, rip, cs, eflags, rsp, ss, fs_base, gs_base, ds, es, fs, gs;
};
#endif
