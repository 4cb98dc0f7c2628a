/* Running out of memory (issue 14): a fault that finds no free frame kills
 * the process with the highest score (oompolicy.c; if none may be chosen,
 * the largest but init and its shell, even at -1000), then waits for that
 * victim's frames to come back before choosing another: meanwhile every
 * fault that finds no frame is answered "resume after OOM_RETRY_MS" (the
 * kernel sleeps the thread, then it runs the access again and faults
 * anew), so no second process dies for the same shortage and the pager
 * never blocks.  The victim's frames are back once the user frames that
 * dead spaces still hold ("owed") are down to what they were before the
 * kill.  A system call's fault is never a reason to kill: it fails. */
#include "pager.h"
#include "pool.h"
#include "oompolicy.h"

static struct oom_wait wait_state;
static bool stuck_told; /* "no process may be killed" printed */

/* Milliseconds since the scheduler started. */
static uint64_t now_ms(void)
{
	static struct abi_sysinfo si; /* large: not on our stack */
	return sys_sysinfo((uint64_t)&si, sizeof si) == E_OK ? si.ticks_ms : 0;
}

/* User-data frames allocated that we hold neither for a process nor for
 * our tables: our image, initrd copy and zero frame (constant), plus the
 * frames of dead spaces that the kernel has not freed yet.  *total = the
 * frames the allocator manages. */
static uint64_t owed_frames(uint64_t *total)
{
	static struct abi_frame_stats fs;
	if (sys_frame_stats((uint64_t)&fs, sizeof fs) != E_OK)
		return 0;
	*total = fs.total;
	uint64_t mine = dp_stats.frames_held + pool_pages_held;
	uint64_t user = fs.by_purpose[ABI_PURPOSE_USER_DATA];
	return user > mine ? user - mine : 0;
}

/* oom_protected: init (started by us) and the shell it keeps, known by
 * who started them (struct proc's kept), not by name: a program that execs
 * "init" or "sh" is not either. */
bool oom_protected(const struct proc *p)
{
	return p->kept;
}

/* What p costs memory: its resident pages plus the pages its records
 * take in our pools, region nodes and page-table tree (as Linux counts a
 * process's page tables): a process mapping page after page, touching
 * none, holds little but region nodes (hostile18_maps; with Linux's limit
 * of REGION_SET_MAX regions each, enough such processes still fill
 * memory), and one touching a page in every 2 MiB costs a leaf of records
 * (and a kernel page-table page) a page (hostile18_sparse). */
static uint64_t records(const struct proc *p)
{
	return region_pages(&p->mem.regions) + pagetab_table_pages(&p->mem.pages);
}

static uint64_t footprint(const struct proc *p)
{
	return dp_pages(&p->mem) + records(p);
}

/* The live process to kill (the highest score), or NULL: oom_pick over
 * two at a time, the best so far and the next (it needs no memory). */
static struct proc *choose(uint64_t total)
{
	struct oom_cand c[2];
	struct proc *best = NULL;
	for (int i = 0; i < proc_slots(); i++) {
		struct proc *q = proc_slot(i);
		if (!q || q->state != PROC_LIVE)
			continue;
		struct oom_cand cand = { q->pid, footprint(q), q->oom_adj,
					 oom_protected(q) };
		if (oom_score(&cand, total) == 0)
			continue; /* never chosen */
		c[best ? 1 : 0] = cand;
		if (!best || oom_pick(c, 2, total) == 1) {
			c[0] = cand;
			best = q;
		}
	}
	return best;
}

/* The last resort when choose finds nobody: the live process with the
 * most resident pages that is neither init nor its shell nor one the
 * pager started itself (ksmd), oom_score_adj -1000 or not (any program
 * may set that: if such a one takes all memory and nobody else may be
 * chosen, every fault would wait for good, its own and init's too); NULL
 * if there is none. */
static struct proc *choose_unprotected(void)
{
	struct proc *best = NULL;
	uint64_t most = 0;
	for (int i = 0; i < proc_slots(); i++) {
		struct proc *q = proc_slot(i);
		if (!q || q->state != PROC_LIVE || oom_protected(q) || q->ppid == 0)
			continue;
		uint64_t n = footprint(q);
		if (!best || n > most || (n == most && q->pid > best->pid)) {
			best = q;
			most = n;
		}
	}
	return best;
}

/* The fault's answer while it waits: run the access again after ms. */
static long wait_reply(struct sys_msg *r, uint64_t ms)
{
	r->w[FAULT_RESUME_MS] = ms;
	STAT_ADD(dp_stats.oom_waits, 1);
	return FAULT_REPLY_RESUME;
}

/* Kill v for p's fault m, one console line naming it and why; then wait
 * for its frames (owed: measured just before).  The pager gives back its
 * own hold on them after this message (proc.c's doomed memory: seconds
 * for a 4 GiB victim under TCG); until it has, the wait goes on without
 * looking at owed (oom_wait_hold), then as long as owed falls. */
static long kill_victim(struct proc *v, struct proc *p, const struct sys_msg *m,
			uint64_t owed, struct sys_msg *r)
{
	uint32_t vpid = v->pid, ppid = p->pid;
	printf("pid %u killed: out of memory (%s, %lu resident pages, %lu pages of records, "
	       "oom_score_adj %d: %s; pid %u found no free frame at 0x%lx)\n", vpid, v->name,
	       dp_pages(&v->mem), records(v), v->oom_adj,
	       v->oom_adj ? "the highest score with its oom_score_adj" :
			    "the most pages", ppid, m->w[FAULT_MSG_ADDR]);
	STAT_ADD(dp_stats.kills, 1);
	STAT_ADD(dp_stats.oom_kills, 1);
	if (v == p)
		proc_end(v, PG_WAIT_KILLED, PG_KILLED_OOM, m->w[FAULT_MSG_ADDR],
			 m->w[FAULT_MSG_IP]);
	else
		proc_end(v, PG_WAIT_KILLED, PG_KILLED_OOM, 0, 0);
	oom_wait_start(&wait_state, vpid, owed, now_ms());
	if (!proc_live(ppid))
		return FAULT_REPLY_KILL; /* p was v, or one of its children */
	return wait_reply(r, OOM_RETRY_MS);
}

/* oom_victim_back: true once (then the fault is worth trying again) when
 * the last victim's frames have come back. */
bool oom_victim_back(void)
{
	uint64_t total;
	if (!wait_state.waiting || proc_dooming() || !oom_wait_back(&wait_state, owed_frames(&total)))
		return false;
	STAT_ADD(dp_stats.oom_reaped, 1);
	return true;
}

/* oom_no_frame: p's fault m found no free frame: wait for the last
 * victim's frames, or choose and kill a victim.  Returns the reply label. */
long oom_no_frame(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	uint64_t now = now_ms();
	if (proc_dooming()) { /* an ended process's frames are on their way back */
		oom_wait_hold(&wait_state, now);
		return wait_reply(r, OOM_RETRY_MS);
	}
	uint64_t total = 0, owed = owed_frames(&total);
	bool timed_out;
	switch (oom_wait_step(&wait_state, owed, now, &timed_out)) {
	case OOM_RETRY:
		STAT_ADD(dp_stats.oom_reaped, 1);
		return wait_reply(r, 0); /* back just now: at once */
	case OOM_WAIT:
		return wait_reply(r, OOM_RETRY_MS);
	case OOM_CHOOSE:
		break;
	}
	if (timed_out) {
		STAT_ADD(dp_stats.oom_timeouts, 1);
		printf("pager: the frames of pid %u (out of memory) are not back after %u ms; "
		       "choosing another victim\n", wait_state.victim, OOM_WAIT_MS);
	}
	struct proc *v = choose(total);
	if (!v)
		v = choose_unprotected();
	if (!v) {
		if (!stuck_told)
			printf("pager: out of memory and no process may be killed; pid %u waits\n",
			       p->pid);
		stuck_told = true;
		return wait_reply(r, OOM_RETRY_MS);
	}
	stuck_told = false;
	return kill_victim(v, p, m, owed, r);
}

/* PG_OOM_ADJ: w1 = 1: set the caller's oom_score_adj to w0 (signed);
 * w0 = the value before.  E_INVAL out of range or for another w1. */
long do_oom_adj(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	int64_t v = (int64_t)m->w[0];
	if (m->w[1] > 1 || (m->w[1] == 1 && (v < PG_OOM_ADJ_MIN || v > PG_OOM_ADJ_MAX)))
		return E_INVAL;
	r->w[0] = (uint64_t)(int64_t)p->oom_adj;
	if (m->w[1] == 1)
		p->oom_adj = (int)v;
	return E_OK;
}
