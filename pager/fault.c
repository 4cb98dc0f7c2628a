/* Fault messages (abi/fault.h): the demand manager serves them; anything
 * it refuses kills the process with one console line and returns all it
 * held.  A fault on behalf of a system call (FAULT_ACC_SYSCALL) that is
 * refused only fails that call, also for want of memory (but a signal
 * frame's, FAULT_ACC_OOMWAIT, waits as the thread's own fault).  A fault that
 * finds no free frame goes to oom.c: a victim is chosen (not necessarily
 * the faulting process) and the fault waits for its frames. */
#include "pager.h"
#include "hot.h"

/* Describe a page fault's access bits: "write, not present". */
static void pf_reason(char *buf, size_t n, uint64_t acc)
{
	const char *what = (acc & FAULT_ACC_EXEC) ? "exec" :
			   (acc & FAULT_ACC_WRITE) ? "write" : "read";
	fmt_snprintf(buf, n, "page fault (%s, %s)", what,
		     (acc & FAULT_ACC_PRESENT) ? "protection" : "not present");
}

#define SIGSEGV_NO_FRAME 11 /* Linux's SIGSEGV */

/* Kill p for the fault in m: print the reason line, end the process.
 * Unless p has a handler for the fault's signal (SIGBUS with bus, else
 * the fault's own): then run it (signal.c).
 * A fault of a thread that is no longer p's (destroyed while its fault
 * was on its way; an exec's old image also has another badge, see
 * main.c's sender) only ends that thread. */
static long kill(struct proc *p, const struct sys_msg *m, struct sys_msg *r, const char *why,
		 bool bus)
{
	uint32_t label = IPC_LABEL_TAG(m->label);
	if (!proc_has_thread(p, m->w[FAULT_MSG_TID]))
		return FAULT_REPLY_KILL;
	long sig = sig_fault(p, m, r, bus);
	if (sig)
		return sig;
	uint64_t acc = m->w[FAULT_MSG_ACCESS];
	bool noframe = (acc & FAULT_ACC_NOSIGNAL) && (acc & FAULT_ACC_NOFRAME);
	printf("pid %u killed: %s%s addr 0x%lx rip 0x%lx\n", p->pid, why,
	       noframe ? " (no stack for its signal handler)" :
	       (acc & FAULT_ACC_NOSIGNAL) ? " (its signal blocked)" : "",
	       m->w[FAULT_MSG_ADDR], m->w[FAULT_MSG_IP]);
	STAT_ADD(dp_stats.kills, 1);
	/* the status says the fault (libsys makes it the signal), or for
	 * another vector (int3's #BP: SIGTRAP, x87/SIMD: SIGFPE, #AC: SIGBUS)
	 * the signal itself, as WTERMSIG shows it on Linux; a handler with
	 * no stack to run on is SIGSEGV's (Linux's force_sigsegv) */
	int osig = noframe ? SIGSEGV_NO_FRAME : bus ? 7 : label == FAULT_OTHER ? sig_of_fault(p, m) : 0;
	proc_end(p, PG_WAIT_KILLED,
		 osig ? PG_KILLED_SIGNAL | (uint64_t)osig : label,
		 m->w[FAULT_MSG_ADDR], m->w[FAULT_MSG_IP]);
	return FAULT_REPLY_KILL; /* the thread is gone already; harmless */
}

/* True if addr lies in a mapping of a sized shared object (a fault there
 * that shm_frame refused with E_RANGE is past the object's end). */
static bool past_object(struct proc *p, uint64_t addr)
{
	struct region *rg = region_find(&p->mem.regions, addr & ~(PAGE_SIZE - 1));
	return rg && rg->shm && rg->shm->sized;
}

/* FAULT_PAGE: the address and access bits in m (abi/fault.h slots).  The
 * reply r comes uncleared (main.c's serve_beside leaves it to us): every
 * word of the answer is written (a PG_ALONE is served again by
 * serve_alone, which clears it). */
PG_HOT long fault_page(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	struct dp_map map;
	char why[64];
	bool reply = false;
	int e = dp_fault_reply(&p->mem, m->w[FAULT_MSG_ADDR], (unsigned)m->w[FAULT_MSG_ACCESS],
			       &map, &reply);
	if (e != E_OK && !pg_alone())
		return PG_ALONE; /* a kill, a failed call or OOM: once more, alone */
	if (e == E_NOMEM && oom_victim_back()) /* frames came back: once more */
		e = dp_fault(&p->mem, m->w[FAULT_MSG_ADDR], (unsigned)m->w[FAULT_MSG_ACCESS], &map);
	if (e == E_OK && reply) {
		/* the zero frame, read-only: installed in our reply if nothing
		 * was unmapped or protected in the space meanwhile (abi/fault.h) */
		r->w[FAULT_INST_PFN] = map.pfn;
		r->w[FAULT_INST_GEN] = map.gen;
		r->w[FAULT_INST_RIGHTS] = map.rights;
		r->w[3] = 0;
		return FAULT_REPLY_INSTALL;
	}
	if (e == E_OK) {
		/* dp_fault mapped it, under our locks, not the reply: another
		 * pager thread may change this space (a fork's write-protect) as
		 * soon as we let go, and an answer installed after would undo it */
		r->w[FAULT_RESUME_MS] = r->w[1] = r->w[2] = r->w[3] = 0;
		return FAULT_REPLY_RESUME;
	}
	*r = (struct sys_msg){ 0 };
	if ((m->w[FAULT_MSG_ACCESS] & FAULT_ACC_OOMWAIT) && e == E_NOMEM &&
	    proc_has_thread(p, m->w[FAULT_MSG_TID]))
		return oom_no_frame(p, m, r); /* a signal frame: as its own fault */
	if (m->w[FAULT_MSG_ACCESS] & FAULT_ACC_SYSCALL) {
		if (e == E_NOMEM)
			STAT_ADD(dp_stats.oom_call_fails, 1);
		r->w[FAULT_KILL_REASON] = (uint64_t)e;
		return FAULT_REPLY_KILL; /* the call fails (E_FAULT), the caller lives */
	}
	if (e == E_NOMEM && proc_has_thread(p, m->w[FAULT_MSG_TID]))
		return oom_no_frame(p, m, r);
	pf_reason(why, sizeof why, m->w[FAULT_MSG_ACCESS]);
	if (e == E_RANGE && past_object(p, m->w[FAULT_MSG_ADDR]))
		return kill(p, m, r, "bus error: past the end of its shared memory object", true);
	if (e == E_NOSPC) /* as Linux's SIGBUS on a full tmpfs */
		return kill(p, m, r, "bus error: no room left in tmpfs", true);
	return kill(p, m, r, why, false);
}

/* Every other fault kills: #GP (privileged instructions too), #UD, #DE
 * (served alone: main.c sends only page faults to be served beside others). */
long fault_fatal(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	char why[64];
	switch (IPC_LABEL_TAG(m->label)) {
	case FAULT_GP: return kill(p, m, r, "general protection", false);
	case FAULT_UD: return kill(p, m, r, "invalid opcode", false);
	case FAULT_DE: return kill(p, m, r, "divide error", false);
	default:
		fmt_snprintf(why, sizeof why, "exception %lu",
			     m->w[FAULT_MSG_ACCESS] & ~(FAULT_ACC_NOSIGNAL | FAULT_ACC_NOFRAME));
		return kill(p, m, r, why, false);
	}
}
