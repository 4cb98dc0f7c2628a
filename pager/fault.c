/* Fault messages (abi/fault.h): serve lazy pages, kill for everything else
 * with one console line, and return all the process held. */
#include "pager.h"

/* Describe a page fault's access bits: "write, not present". */
static void pf_reason(char *buf, size_t n, uint64_t acc)
{
	const char *what = (acc & FAULT_ACC_EXEC) ? "exec" :
			   (acc & FAULT_ACC_WRITE) ? "write" : "read";
	fmt_snprintf(buf, n, "page fault (%s, %s)", what,
		     (acc & FAULT_ACC_PRESENT) ? "protection" : "not present");
}

/* Kill p for the fault in m: print the reason line, end the process. */
static long kill(struct proc *p, const struct sys_msg *m, const char *why)
{
	uint32_t label = IPC_LABEL_TAG(m->label);
	printf("pid %u killed: %s addr 0x%lx rip 0x%lx\n", p->pid, why, m->w[0], m->w[2]);
	proc_end(p, PG_WAIT_KILLED, label, m->w[0], m->w[2]);
	return FAULT_REPLY_KILL; /* the thread is gone already; harmless */
}

/* FAULT_PAGE: w0 = address, w1 = access bits, w2 = rip, w3 = thread id. */
long fault_page(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	uint64_t addr = m->w[0], acc = m->w[1];
	char why[64];
	struct region *rg = region_find(&p->regions, addr);
	if (rg && region_is_lazy(rg) && !(acc & (FAULT_ACC_PRESENT | FAULT_ACC_EXEC))) {
		long label = anon_fault(p, rg, addr, r);
		if (label >= 0)
			return label;
		return kill(p, m, "out of memory");
	}
	pf_reason(why, sizeof why, acc);
	return kill(p, m, why);
}

/* Every other fault kills: #GP (privileged instructions too), #UD, #DE. */
long fault_fatal(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	char why[64];
	(void)r;
	switch (IPC_LABEL_TAG(m->label)) {
	case FAULT_GP: return kill(p, m, "general protection");
	case FAULT_UD: return kill(p, m, "invalid opcode");
	case FAULT_DE: return kill(p, m, "divide error");
	default:
		fmt_snprintf(why, sizeof why, "exception %lu", m->w[1]);
		return kill(p, m, why);
	}
}
