/* Synchronous fault signals (abi/signal.h): when the pager answers a fault
 * with FAULT_REPLY_SIGNAL, the faulting thread resumes in its process's
 * signal entry with a frame on its own user stack; sigreturn puts the
 * registers back from it, sigmask sets the blocked set.  Every user
 * address is checked: a frame that cannot be written is no delivery (the
 * pager then kills, fault.c), a bad sigreturn frame an error. */
#include "kernel.h"
#include "arch_api.h"
#include "sched.h"
#include "space.h"
#include "thread.h"
#include "ipc.h"
#include "memlayout.h"
#include "lib/string.h"
#include "abi/fault.h"
#include "abi/signal.h"
#include "syscall_impl.h"

#define RED_ZONE 128
#define RFLAGS_TF 0x100
#define RFLAGS_DF 0x400

/* Write f at sp in the current space, asking the pager for the pages. */
static int frame_out(struct thread *me, uint64_t sp, const struct abi_sigframe *f)
{
	int e = space_copy_out(me->space, sp, f, sizeof *f);
	if (e == E_FAULT && fault_in_user(sp, sizeof *f, true) == E_OK)
		e = space_copy_out(me->space, sp, f, sizeof *f);
	return e;
}

bool signal_deliver(const struct ipc_msg *r)
{
	struct thread *me = sched_current();
	uint64_t entry = r->w[FAULT_SIG_ENTRY], sig = r->w[FAULT_SIG_INFO] & 0xff;
	if (sig < 1 || sig > 64 || entry >= USER_END || ((me->sigblocked >> (sig - 1)) & 1))
		return false;
	struct abi_sigframe f;
	memset(&f, 0, sizeof f);
	uint64_t *g = f.uc.uc_mcontext.gregs;
	arch_uregs_get(me->uframe, g);
	g[ABI_REG_CR2] = r->w[FAULT_SIG_ADDR];
	g[ABI_REG_OLDMASK] = f.uc.uc_sigmask = me->sigblocked;
	f.info.si_signo = (int32_t)sig;
	f.info.si_code = (int32_t)(r->w[FAULT_SIG_INFO] >> 8);
	f.info.si_addr = r->w[FAULT_SIG_ADDR];
	uint64_t rsp = g[ABI_REG_RSP];
	if (rsp > USER_END || rsp < RED_ZONE + 2 * sizeof f)
		return false;
	uint64_t sp = (rsp - RED_ZONE - sizeof f) & ~63ull;
	if (frame_out(me, sp, &f) != E_OK)
		return false;
	g[ABI_REG_RIP] = entry;
	g[ABI_REG_RSP] = sp;
	g[ABI_REG_RDI] = sig;
	g[ABI_REG_RSI] = sp + __builtin_offsetof(struct abi_sigframe, info);
	g[ABI_REG_RDX] = sp + __builtin_offsetof(struct abi_sigframe, uc);
	g[ABI_REG_EFL] &= ~(uint64_t)(RFLAGS_DF | RFLAGS_TF);
	arch_uregs_set(me->uframe, g);
	me->sigblocked |= 1ull << (sig - 1);
	return true;
}

int ksys_sigreturn(const uint64_t a[6], uint64_t out[6])
{
	(void)out;
	struct thread *me = cur();
	struct abi_ucontext uc;
	if (user_in(&uc, a[0], sizeof uc) != E_OK)
		return E_FAULT;
	const uint64_t *g = uc.uc_mcontext.gregs;
	if (g[ABI_REG_RIP] >= USER_END || g[ABI_REG_RSP] > USER_END)
		return E_INVAL;
	arch_uregs_set(me->uframe, g);
	me->sigblocked = uc.uc_sigmask & ~ABI_SIG_UNBLOCKABLE;
	thread_check_kill();
	arch_user_return(me->uframe);
}

int ksys_sigmask(const uint64_t a[6], uint64_t out[6])
{
	struct thread *me = cur();
	uint64_t old = me->sigblocked, set = a[1];
	switch (a[0]) {
	case ABI_SIG_BLOCK: me->sigblocked |= set; break;
	case ABI_SIG_UNBLOCK: me->sigblocked &= ~set; break;
	case ABI_SIG_SETMASK: me->sigblocked = set; break;
	case ~0ull: break;
	default: return E_INVAL;
	}
	me->sigblocked &= ~ABI_SIG_UNBLOCKABLE;
	out[0] = old;
	return E_OK;
}
