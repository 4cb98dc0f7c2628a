/* Synchronous fault signals: what the kernel puts on a thread's user stack
 * when the pager answers a fault with FAULT_REPLY_SIGNAL (abi/fault.h),
 * and what sigreturn takes back.  The layouts follow Linux's x86_64
 * ucontext_t (gregs in REG_* order) and siginfo_t for the fields there
 * are, so <signal.h>'s ucontext_t and siginfo_t are these.
 *
 * Delivery: the frame is built below the interrupted rsp minus the 128-byte
 * red zone, 64-byte aligned; the thread resumes at the entry the pager
 * named with rsp = the frame, rdi = signal number, rsi = &frame->info, rdx
 * = &frame->uc, DF and TF clear, and the signal is added to its blocked
 * set.  sigreturn(&frame->uc) puts back every register of uc.uc_mcontext
 * (rip, rsp, rflags and the fifteen others, as possibly changed by the
 * handler) and the blocked set from uc.uc_sigmask. */
#ifndef ABI_SIGNAL_H
#define ABI_SIGNAL_H

#include <stdint.h>

/* gregs indices (Linux's REG_*) */
enum {
	ABI_REG_R8, ABI_REG_R9, ABI_REG_R10, ABI_REG_R11, ABI_REG_R12, ABI_REG_R13,
	ABI_REG_R14, ABI_REG_R15, ABI_REG_RDI, ABI_REG_RSI, ABI_REG_RBP, ABI_REG_RBX,
	ABI_REG_RDX, ABI_REG_RAX, ABI_REG_RCX, ABI_REG_RSP, ABI_REG_RIP, ABI_REG_EFL,
	ABI_REG_CSGSFS, ABI_REG_ERR, ABI_REG_TRAPNO, ABI_REG_OLDMASK, ABI_REG_CR2,
	ABI_NGREG
};

struct abi_stack {
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
};

struct abi_mcontext {
	uint64_t gregs[ABI_NGREG];
	uint64_t fpregs;        /* 0: the FPU state is kept by the entry code */
	uint64_t reserved1[8];
};

struct abi_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct abi_stack uc_stack;
	struct abi_mcontext uc_mcontext;
	uint64_t uc_sigmask;    /* signals 1..64, bit sig - 1 */
};

struct abi_siginfo {
	int32_t si_signo, si_errno, si_code, pad;
	uint64_t si_addr;       /* the faulting address (page faults), else
				 * the faulting instruction (SIGILL, SIGFPE);
				 * a sent one's si_pid | si_uid << 32 */
	int32_t si_status, pad2; /* SIGCHLD's */
	uint64_t reserved[13];  /* 128 bytes, as Linux's */
};

/* sig_post's sig word: the number in bits 0..7, and what the handler's
 * siginfo says: si_code (int8) in bits 8..15, si_status in 16..23, si_pid
 * in 32..63 (si_uid is 0: one user). */
#define SIG_WORD(sig, code, status, pid) \
	((uint64_t)(sig) | (uint64_t)(uint8_t)(int8_t)(code) << 8 | \
	 (uint64_t)(uint8_t)(status) << 16 | (uint64_t)(uint32_t)(pid) << 32)
#define SIG_WORD_INFO(w) ((w) & ~0xffull) /* of one signal, kept while pending */

struct abi_sigframe {
	struct abi_ucontext uc;
	struct abi_siginfo info;
} __attribute__((aligned(64)));

/* Signals that can never be blocked (SIGKILL, SIGSTOP). */
#define ABI_SIG_UNBLOCKABLE ((1ull << (9 - 1)) | (1ull << (19 - 1)))

/* sigmask's how (Linux's SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK) */
#define ABI_SIG_BLOCK   0
#define ABI_SIG_UNBLOCK 1
#define ABI_SIG_SETMASK 2
#define ABI_SIG_RAISE   3 /* make set pending on the caller (raise); | pid
			   * << 32: the caller's, for si_pid */
#define ABI_SI_USER     0  /* si_code of kill */
#define ABI_SI_TKILL    -6 /* of pthread_kill, raise */
#define ABI_CLD_EXITED  1  /* of SIGCHLD: the child exited, si_status its status */
#define ABI_CLD_KILLED  2  /* ended by signal si_status */

/* sig_post's flags.  FORCE: make the signal pending on the thread even
 * if it blocks it (E_BUSY then, E_OK if not).  OWN (with FORCE): sent to
 * that thread alone (pthread_kill): not passed on to another thread at
 * its end.  PROBE: only answer E_BUSY if the thread blocks it, else E_OK;
 * nothing changes.  SHARED: make it pending for the thread's process
 * (every thread blocked it): E_OK.  CLAIM: if it is pending for the
 * process and the thread does not block it, move it to the thread (E_OK),
 * else E_BUSY.  The pager's order for a signal to a process: try each
 * thread (0, or PROBE for a default action), else SHARED, then CLAIM to
 * each thread (one may have unblocked it between). */
#define SIG_POST_FORCE  0x1
#define SIG_POST_PROBE  0x2
#define SIG_POST_SHARED 0x4
#define SIG_POST_CLAIM  0x8
#define SIG_POST_OWN    0x10
/* Job control (alone, entry 0; sig ignored but for DISCARD): STOP: the
 * thread's process is stopped: every thread parks on its way back to ring
 * 3 (the pager posts STOP to each), and the call returns once this one
 * can run no more ring-3 code (off its CPU or parked); CONT: no longer, and the thread goes
 * on if it parked; DISCARD: sig is a mask (bit sig - 1) of signals taken
 * out of the thread's pending set and its process's. */
#define SIG_POST_STOP    0x20
#define SIG_POST_CONT    0x40
#define SIG_POST_DISCARD 0x80

#endif
