/* Synchronous fault signals: a process that registered handlers
 * (PG_SIGACTION) has a fault that would kill it answered with
 * FAULT_REPLY_SIGNAL instead; the kernel then runs the handler on the
 * faulting thread (abi/signal.h).  A fault that comes back marked
 * FAULT_ACC_NOSIGNAL (the signal was blocked: the handler itself faulted,
 * or the frame could not be written) kills as without a handler. */
#include "pager.h"
#include "abi/signal.h"

/* Linux's signal numbers and si_code values. */
enum { SIGILL_ = 4, SIGTRAP_ = 5, SIGBUS_ = 7, SIGFPE_ = 8, SIGSEGV_ = 11 };
enum { SEGV_MAPERR_ = 1, SEGV_ACCERR_ = 2, ILL_ILLOPN_ = 2, FPE_INTDIV_ = 1,
       FPE_FLTINV_ = 7, BUS_ADRALN_ = 1, TRAP_BRKPT_ = 1, SI_KERNEL_ = 0x80 };

/* The signal (0: none) and si_code of the fault in m; *addr = si_addr. */
static int fault_signal(struct proc *p, const struct sys_msg *m, int *code, uint64_t *addr)
{
	uint64_t vector = m->w[FAULT_MSG_ACCESS] & ~FAULT_ACC_NOSIGNAL;
	*addr = m->w[FAULT_MSG_IP];
	switch (IPC_LABEL_TAG(m->label)) {
	case FAULT_PAGE:
		*addr = m->w[FAULT_MSG_ADDR];
		*code = region_find(&p->mem.regions, *addr) ? SEGV_ACCERR_ : SEGV_MAPERR_;
		return SIGSEGV_;
	case FAULT_GP:
		*addr = 0;
		*code = SI_KERNEL_;
		return SIGSEGV_;
	case FAULT_UD: *code = ILL_ILLOPN_; return SIGILL_;
	case FAULT_DE: *code = FPE_INTDIV_; return SIGFPE_;
	case FAULT_OTHER:
		switch (vector) {
		case 3: *code = TRAP_BRKPT_; return SIGTRAP_;
		case 16: case 19: *code = FPE_FLTINV_; return SIGFPE_;
		case 17: *code = BUS_ADRALN_; return SIGBUS_;
		default: return 0;
		}
	default:
		return 0;
	}
}

long sig_fault(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	int code = 0;
	uint64_t addr;
	if ((m->w[FAULT_MSG_ACCESS] & FAULT_ACC_NOSIGNAL) || !p->sig_entry)
		return 0;
	int sig = fault_signal(p, m, &code, &addr);
	if (!sig || !((p->sig_handled >> (sig - 1)) & 1))
		return 0;
	r->w[FAULT_SIG_ENTRY] = p->sig_entry;
	r->w[FAULT_SIG_INFO] = (uint64_t)sig | (uint64_t)(uint32_t)code << 8;
	r->w[FAULT_SIG_ADDR] = addr;
	return FAULT_REPLY_SIGNAL;
}

/* PG_SIGACTION: w0 = signals with a handler, w1 = the entry. */
long do_sigaction(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	if (m->w[1] >= PG_USER_END || (m->w[0] && !m->w[1]))
		return E_INVAL;
	p->sig_handled = m->w[0];
	p->sig_entry = m->w[1];
	return E_OK;
}
