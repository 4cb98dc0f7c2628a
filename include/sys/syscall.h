/* System-call stubs for ring 3, generated from SYSCALL_TABLE.
 *
 * For every entry X(name, nr, nargs, pager) there are two inline functions:
 *   int sys_<name>(uint64_t a0, ..)                   returns the enum err
 *   int sys_<name>_r(uint64_t a0, .., struct sys_regs *out)
 *                   the same, and *out gets rdi, rsi, rdx, r10, r8, r9 as
 *                   the kernel left them (results: handles, pfn, messages).
 * Every argument is a raw 64-bit register value. */
#ifndef SYS_SYSCALL_H
#define SYS_SYSCALL_H

#include <stdint.h>
#include "abi/err.h"
#include "abi/syscall.h"
#include "asm/syscall_names.h" /* Linux's SYS_ numbers, for syscall(2) */

struct sys_regs {
	uint64_t rdi, rsi, rdx, r10, r8, r9;
};

/* One `syscall`: every argument register is also a result register, and
 * rcx/r11 are clobbered, as abi/syscall.h says. */
static inline __attribute__((always_inline)) long
sys_raw(long nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
	uint64_t a4, uint64_t a5, struct sys_regs *out)
{
	register uint64_t rdi __asm__("rdi") = a0;
	register uint64_t rsi __asm__("rsi") = a1;
	register uint64_t rdx __asm__("rdx") = a2;
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;
	long rax = nr;
	__asm__ volatile("syscall"
			 : "+a"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx),
			   "+r"(r10), "+r"(r8), "+r"(r9)
			 :
			 : "rcx", "r11", "memory");
	if (out) {
		out->rdi = rdi;
		out->rsi = rsi;
		out->rdx = rdx;
		out->r10 = r10;
		out->r8 = r8;
		out->r9 = r9;
	}
	return rax;
}

/* Parameter lists and argument lists by argument count. */
#define SYS_PARAMS_0 void
#define SYS_PARAMS_1 uint64_t a0
#define SYS_PARAMS_2 SYS_PARAMS_1, uint64_t a1
#define SYS_PARAMS_3 SYS_PARAMS_2, uint64_t a2
#define SYS_PARAMS_4 SYS_PARAMS_3, uint64_t a3
#define SYS_PARAMS_5 SYS_PARAMS_4, uint64_t a4
#define SYS_PARAMS_6 SYS_PARAMS_5, uint64_t a5
#define SYS_PARAMS_R_0 struct sys_regs *out
#define SYS_PARAMS_R_1 SYS_PARAMS_1, struct sys_regs *out
#define SYS_PARAMS_R_2 SYS_PARAMS_2, struct sys_regs *out
#define SYS_PARAMS_R_3 SYS_PARAMS_3, struct sys_regs *out
#define SYS_PARAMS_R_4 SYS_PARAMS_4, struct sys_regs *out
#define SYS_PARAMS_R_5 SYS_PARAMS_5, struct sys_regs *out
#define SYS_PARAMS_R_6 SYS_PARAMS_6, struct sys_regs *out
#define SYS_ARGS_0 0, 0, 0, 0, 0, 0
#define SYS_ARGS_1 a0, 0, 0, 0, 0, 0
#define SYS_ARGS_2 a0, a1, 0, 0, 0, 0
#define SYS_ARGS_3 a0, a1, a2, 0, 0, 0
#define SYS_ARGS_4 a0, a1, a2, a3, 0, 0
#define SYS_ARGS_5 a0, a1, a2, a3, a4, 0
#define SYS_ARGS_6 a0, a1, a2, a3, a4, a5

#define SYS_STUB(name, nr, nargs, pager)                                    \
	static inline int sys_##name(SYS_PARAMS_##nargs)                    \
	{                                                                   \
		return (int)sys_raw(nr, SYS_ARGS_##nargs, (struct sys_regs *)0); \
	}                                                                   \
	static inline int sys_##name##_r(SYS_PARAMS_R_##nargs)              \
	{                                                                   \
		return (int)sys_raw(nr, SYS_ARGS_##nargs, out);             \
	}
SYSCALL_TABLE(SYS_STUB)
#undef SYS_STUB

/* The table as data, for tests that walk every call. */
struct sys_call_info {
	const char *name;
	int nr, nargs, pager_only;
};
#define SYS_INFO(name, nr, nargs, pager) { #name, nr, nargs, pager },
#define SYS_CALL_INFO_INIT { SYSCALL_TABLE(SYS_INFO) }

#endif
