/* KSM on the system: the ops of the pure scanner (ksm.h) on the pager's
 * processes, page tables and frames, the requests (PG_MADVISE, PG_KSM_*)
 * and ksmd, the process that paces the scanner.
 *
 * ksmd calls PG_KSM_SCAN; the pager thread that takes it saves the reply
 * and scans a batch of pages_to_scan pages alone (pg.big held for
 * writing, main.c).  Every KSMD_POLL_US of scanning it calls pager_poll:
 * a fault or request that came to this thread ends the batch and is
 * served next, so a fault waits about that long at most.  A fault that
 * another pager thread holds, waiting for pg.big, is seen after the page
 * being scanned: the batch polls then (letting it in) and ends.  A
 * request that waits for pg.big in another pager thread is seen there
 * too: the queued merges are flushed, it is let in, and the batch goes
 * on.  With more than one CPU and sleep_ms 0, one call scans batch after
 * batch for up to KSMD_BATCH_MS.  The scanner gives way to faults (as
 * Linux's ksmd runs at a lower priority): a batch a fault ended gets
 * ksmd a sleep of 1 ms, then 2, 4 .. KSMD_BACKOFF_MS while faults keep
 * ending batches, so that the pager mostly waits for them in receive,
 * where a fault takes its fast path (a direct switch, no wake-up of
 * another CPU).  A call also ends
 * after KSMD_BATCH_MS.  Merges go to the kernel (ksm_merge_many:
 * write-protect, compare, remap), during which the pager serves no fault:
 * a write after the write-protect waits, and is served afterwards by COW.
 * A merged frame is a frame the pager holds (counted in frames_held) with
 * one COW share for KSM; its pages are PAGE_COW | PAGE_KSM, so a write
 * copies (cow.c), and when the last page lets go (write, unmap, unmerge,
 * exit) dp_ksm_last gives the frame back. */
#include "pager.h"
#include "cow.h"
#include "ksm.h"
#include "abi/ksm.h"

#define KSMD_POLL_US    20 /* scanning between two polls of the endpoint */
#define KSMD_BATCH_MS   10 /* longest batch */
#define KSMD_BACKOFF_MS 16 /* ksmd's longest sleep while faults end its batches */
#define KSMD_YIELD_MS   4  /* longest wait for a request to take pg.big */

static uint32_t ksmd_pid;     /* 0: not running */
static unsigned backoff_ms;   /* ksmd's least sleep: 1, 2, 4 .. KSMD_BACKOFF_MS
			       * ms while each batch ends with a fault, else 0 */
static uint32_t next_domain = 1;
static uint64_t tsc_per_ms;
static uint64_t last_merge_tsc; /* ksm_stats.last_merge_tsc */

/* A frame's identity for ksm.h: (generation, pfn). */
static uint64_t fid(uint64_t pfn, uint32_t gen) { return (uint64_t)gen << 32 | pfn; }
static uint64_t fpfn(uint64_t id) { return id & 0xFFFFFFFFull; }
static uint32_t fgen(uint64_t id) { return (uint32_t)(id >> 32); }

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint32_t owner_of(const struct proc *p)
{
	return p->slot;
}

static struct proc *owner_proc(uint32_t o)
{
	struct proc *p = o < (uint32_t)proc_slots() ? proc_slot((int)o) : NULL;
	return p && p->state == PROC_LIVE && p->pid != ksmd_pid ? p : NULL;
}

/* KSM may merge the pages of r: anonymous or heap, readable and writable,
 * opted in (never text, stacks, fixed pages). */
static bool region_ok(const struct proc *p, const struct region *r)
{
	return r && r->b && (r->kind == PG_BACK_ANON || r->kind == PG_BACK_SHARED ||
			   r->kind == PG_BACK_HEAP) &&
	       (r->rights & (MAP_R | MAP_W)) == (MAP_R | MAP_W) &&
	       (r->mergeable || p->ksm_all);
}

/* A page KSM looks at: not program text, not MAP_SHARED memory (a merge
 * would make it copy-on-write), not a zero page of a read. */
static bool page_ok(const struct page *pg)
{
	return !(pg->flags & (PAGE_CACHED | PAGE_SHARED)) &&
	       (!(pg->flags & PAGE_ZERO) || (pg->flags & PAGE_KSM));
}

static void describe(const struct page *pg, struct ksm_page *out);

static bool k_next(uint32_t *owner, uint64_t *va, struct ksm_page *out)
{
	for (uint32_t o = *owner; o < (uint32_t)proc_slots(); o++, *va = 0) {
		struct proc *p = owner_proc(o);
		if (!p)
			continue;
		uint64_t at = *va;
		struct region *r = region_find(&p->mem.regions, at);
		for (r = r ? r : region_from(&p->mem.regions, at); r;
		     r = region_next(&p->mem.regions, r)) {
			if (!region_ok(p, r))
				continue;
			uint64_t from = at > r->start ? at : r->start;
			struct page *pg = pagetab_lookup(&p->mem.pages, from); /* mostly there */
			for (pg = pg ? pg : pagetab_from(&p->mem.pages, from);
			     pg && pg->va < r->end; pg = pagetab_next(&p->mem.pages, pg))
				if (page_ok(pg)) {
					*owner = o;
					*va = pg->va;
					describe(pg, out);
					return true;
				}
		}
	}
	return false;
}

static bool k_page(uint32_t o, uint64_t va, struct ksm_page *out)
{
	struct proc *p = owner_proc(o);
	if (!p)
		return false;
	struct page *pg = pagetab_lookup(&p->mem.pages, va);
	if (!pg || !page_ok(pg) || !region_ok(p, region_find(&p->mem.regions, va)))
		return false;
	describe(pg, out);
	return true;
}

/* What pg holds, for ksm.h. */
static void describe(const struct page *pg, struct ksm_page *out)
{
	out->frame = fid(pg->pfn, pg->gen);
	out->kind = (pg->flags & PAGE_ZERO) ? KSM_PG_ZERO :
		    (pg->flags & PAGE_KSM) ? KSM_PG_MERGED : KSM_PG_PRIVATE;
	out->bytes = out->kind == KSM_PG_ZERO ? NULL : mem_window(pg->pfn);
}

/* One ksm_merge call (dp_merge_page): write-protect, compare, remap, and
 * the old frame's last share freed. */
static int k_merge(uint32_t o, uint64_t va, uint64_t expect, uint64_t frame)
{
	struct proc *p = owner_proc(o);
	struct page *pg = p ? pagetab_lookup(&p->mem.pages, va) : NULL;
	if (!pg || pg->gen != fgen(expect))
		return E_AGAIN;
	int e = frame == KSM_ZERO_FRAME ?
		dp_merge_page(&p->mem, va, fpfn(expect), 0, 0, PAGE_ZERO | PAGE_KSM) :
		dp_merge_page(&p->mem, va, fpfn(expect), fpfn(frame), fgen(frame),
			      PAGE_COW | PAGE_KSM);
	if (e == E_OK)
		last_merge_tsc = tsc();
	return e;
}

/* The merges queued for one ksm_merge_many call: the pager's half of
 * each (dp_merge_prepare: the page checked, the target's share taken)
 * and the kernel's. */
_Static_assert(KSM_QUEUE <= KSM_MERGE_MANY_MAX, "a flush is one ksm_merge_many call");
static struct {
	struct proc *p;
	struct dp_merge m;
} mq[KSM_QUEUE];
static struct abi_ksm_merge mreq[KSM_QUEUE];
static unsigned nmq;

static int k_queue(uint32_t o, uint64_t va, uint64_t expect, uint64_t frame)
{
	struct proc *p = owner_proc(o);
	struct page *pg = p ? pagetab_lookup(&p->mem.pages, va) : NULL;
	if (!pg || pg->gen != fgen(expect) || nmq == KSM_QUEUE)
		return E_AGAIN;
	struct dp_merge *m = &mq[nmq].m;
	int e = frame == KSM_ZERO_FRAME ?
		dp_merge_prepare(&p->mem, va, fpfn(expect), 0, 0, PAGE_ZERO | PAGE_KSM, m) :
		dp_merge_prepare(&p->mem, va, fpfn(expect), fpfn(frame), fgen(frame),
				 PAGE_COW | PAGE_KSM, m);
	if (e)
		return e;
	mq[nmq].p = p;
	struct abi_ksm_merge *q = &mreq[nmq++];
	q->space = p->mem.space;
	q->va = va | m->how;
	q->pfn = m->old_pfn;
	q->gen = m->old_gen;
	q->tpfn = m->pfn;
	q->tgen = m->gen;
	q->err = E_AGAIN;
	return E_OK;
}

/* The queued merges in one ksm_merge_many call (or none: cancel), then
 * the pager's half of each. */
static void k_flush(int *res, unsigned n, bool cancel)
{
	/* with other pager threads, a fault waiting for pg.big stops the
	 * call after the merge in progress (the rest: E_BUSY, dropped) */
	uint64_t stop = pg.boot->ncpus > 1 ? (uint64_t)&pg.big.readers : 0;
	int e = cancel ? E_AGAIN : sys_ksm_merge_many((uint64_t)mreq, n, stop);
	bool merged = false;
	for (unsigned i = 0; i < n; i++) {
		res[i] = e ? e : (int)mreq[i].err;
		merged |= res[i] == E_OK;
		dp_merge_commit(&mq[i].p->mem, &mq[i].m, res[i]);
	}
	nmq = 0;
	if (merged)
		last_merge_tsc = tsc();
}

static int k_frame_new(const uint8_t *bytes, uint64_t *frame)
{
	struct sys_regs r;
	int e = sys_frame_alloc_r(FRAME_ZEROED, &r);
	if (e)
		return e;
	memcpy(mem_window(r.rdi), bytes, PAGE_SIZE);
	STAT_ADD(dp_stats.frames_held, 1);
	*frame = fid(r.rdi, (uint32_t)r.rsi);
	return E_OK;
}

static const uint8_t *k_frame_bytes(uint64_t frame)
{
	return mem_window(fpfn(frame));
}

static void k_frame_put(uint64_t frame)
{
	sys_frame_free(fpfn(frame), fgen(frame));
	STAT_SUB(dp_stats.frames_held, 1);
}

/* dp_ksm_last: the merged frame's last page let go; KSM's share goes. */
static void last_share(uint64_t pfn, uint32_t gen)
{
	ksm_frame_gone(fid(pfn, gen));
	cow_release(pfn);
	k_frame_put(fid(pfn, gen));
}

static const struct ksm_ops ops = {
	k_next, k_page, k_merge, k_frame_new, k_frame_bytes, k_frame_put, NULL, k_queue, k_flush,
};

void ksmd_init(void)
{
	ksm_init(&ops);
	dp_ksm_last = last_share;
	tsc_per_ms = pg.boot->tsc_hz / 1000 ? pg.boot->tsc_hz / 1000 : 1;
}

/* ---- processes ---- */

void ksmd_proc_new(struct proc *p, const struct proc *parent)
{
	ksm_set_domain(owner_of(p), parent ? ksm_domain(owner_of(parent)) : 0);
}

void ksmd_fork(struct proc *parent, struct proc *child)
{
	child->ksm_all = parent->ksm_all;
}

void ksmd_proc_gone(struct proc *p)
{
	ksm_owner_gone(owner_of(p));
	if (p->pid == ksmd_pid)
		ksmd_pid = 0;
}

/* ---- unmerging ---- */

/* Give p's merged pages in [start, end) private copies, mapped with their
 * region's rights (read-only in a read-only region; a PROT_NONE page stays
 * unmapped, its record waits for new rights).  E_NOMEM. */
static int unmerge_range(struct proc *p, uint64_t start, uint64_t end)
{
	struct page *pg;
	for (uint64_t va = start; (pg = pagetab_from(&p->mem.pages, va)) && pg->va < end;
	     va = pg->va + PAGE_SIZE) {
		if (!(pg->flags & PAGE_KSM))
			continue;
		struct dp_map m;
		va = pg->va;
		int e = dp_unshare(&p->mem, va, &m); /* mapped there too */
		if (e == E_NOMEM)
			return e;
		pg = pagetab_lookup(&p->mem.pages, va);
		if (!pg)
			break;
	}
	return E_OK;
}

static int unmerge_all(void)
{
	int e = E_OK;
	for (int i = 0; i < proc_slots() && e == E_OK; i++)
		if (proc_slot(i) && proc_slot(i)->state == PROC_LIVE)
			e = unmerge_range(proc_slot(i), 0, PG_STACK_TOP);
	if (e == E_OK)
		ksm_reset();
	return e;
}

/* ---- ksmd ---- */

static void ksmd_start(void)
{
	uint32_t pid;
	static const char args[] = "ksmd";
	if (ksmd_pid || proc_spawn(0, args, sizeof args, &pid) != E_OK)
		return;
	ksmd_pid = pid;
	struct proc *k = proc_live(pid);
	if (k)
		k->oom_adj = PG_OOM_ADJ_MIN; /* never the OOM victim */
}

static void ksmd_stop(void)
{
	struct proc *k = ksmd_pid ? proc_live(ksmd_pid) : NULL;
	ksmd_pid = 0;
	if (k)
		proc_end(k, PG_WAIT_KILLED, 0, 0, 0);
}

/* True while ksmd (pid) is the one running and the scanner is on: after
 * letting a request in, `ksm run 0|2` may have been served meanwhile. */
static bool scanning(uint32_t pid)
{
	struct ksm_stats st;
	ksm_get_stats(&st, KSM_OWNERS);
	return ksmd_pid == pid && st.run == 1;
}

/* True if a fault waits for pg.big in another pager thread (the batch
 * holds it for writing). */
static bool fault_waits(void)
{
	return __atomic_load_n(&pg.big.readers, __ATOMIC_RELAXED) != 0;
}

/* True if a request waits for pg.big (for writing) in another thread. */
static bool request_waits(void)
{
	return __atomic_load_n(&pg.big.writers, __ATOMIC_RELAXED) != 0;
}

/* Give pg.big (held for writing by the batch; the merge queue flushed)
 * to the request that waits for it, and take it back after: a waiting
 * writer may be off its CPU (asleep on the lock), and one that wakes to
 * find the batch holding the lock again goes back to sleep, so a plain
 * release and retake would keep it out until the batch ends.  Waits until another
 * thread has taken the lock (or the writers waiting are fewer), at most
 * KSMD_YIELD_MS. */
static void let_request_in(void)
{
	int w = __atomic_load_n(&pg.big.writers, __ATOMIC_RELAXED);
	uint64_t until = tsc() + KSMD_YIELD_MS * tsc_per_ms;
	br_write_done(&pg.big);
	while (!__atomic_load_n(&pg.big.wr, __ATOMIC_RELAXED) && br_readers_out(&pg.big) &&
	       __atomic_load_n(&pg.big.writers, __ATOMIC_RELAXED) >= w && tsc() < until)
		lock_relax();
	br_write(&pg.big);
}

/* How a batch ended. */
enum batch_end {
	END_DONE,    /* pages_to_scan pages, or the end of a full scan */
	END_FAULT,   /* a fault waited (ksmd backs off) */
	END_OTHER,   /* a message came, the time is up, nothing to scan, or
		      * the scanner was stopped */
};

/* One batch for ksmd (pid): pages_to_scan pages at most, a page at a time,
 * polling the endpoint every KSMD_POLL_US (a system call per page would
 * cost more than many pages' scans), until a message waits, a fault waits
 * in another pager thread (looked at after every page: it comes in at
 * once), the scanner is stopped meanwhile (by a request let in) or the
 * batch has used the call's time (until deadline).  A request waiting for
 * pg.big in another pager thread (looked at after every page too) is let
 * in once the queued merges are flushed (let_request_in), and the batch
 * goes on after it. */
static enum batch_end batch(uint32_t pid, uint64_t deadline)
{
	struct ksm_stats st;
	ksm_get_stats(&st, KSM_OWNERS);
	uint64_t t0 = tsc(), polled = t0, now = t0, done = 0;
	/* on one CPU nothing else runs during the batch (the pager thread
	 * outranks every program): nothing to poll for */
	uint64_t poll_every = pg.boot->ncpus > 1 ? tsc_per_ms * KSMD_POLL_US / 1000 : UINT64_MAX;
	enum batch_end end = END_DONE;
	while (done < st.pages_to_scan) {
		if (now > deadline) {
			end = END_OTHER;
			break;
		}
		if (!ksm_scan(1)) { /* a pass ended */
			end = done ? END_DONE : END_OTHER; /* nothing to scan: no more */
			break;
		}
		done++;
		now = tsc();
		if (fault_waits()) {
			ksm_cancel(); /* the fault does not wait for them */
			pager_poll(true); /* it comes in */
			end = END_FAULT;
			break;
		}
		bool req = request_waits();
		if (req || now - polled >= poll_every) {
			polled = now;
			if (req) {
				ksm_flush(); /* nothing queued while others run */
				let_request_in();
			}
			if (pager_poll(false) || (req && !scanning(pid))) {
				end = END_OTHER;
				break;
			}
		}
	}
	ksm_flush();
	ksm_account((tsc() - t0) * 1000000 / tsc_per_ms, (unsigned)done);
	return end;
}

/* ksmd's batches for one PG_KSM_SCAN: one batch; with more than one CPU
 * and sleep_ms 0, more batches back to back while each ends normally
 * (pages_to_scan pages, or a pass), until KSMD_BATCH_MS have passed:
 * ksmd would call again at once, and its round trip (a wake-up of its
 * CPU, then of a pager thread) is saved.  On one CPU, one batch per call
 * as before (ksmd's round trip is where programs run).  True if a fault
 * ended the last batch. */
static bool batches(uint32_t pid)
{
	uint64_t deadline = tsc() + KSMD_BATCH_MS * tsc_per_ms;
	struct ksm_stats st;
	enum batch_end end;
	do {
		end = batch(pid, deadline);
		ksm_get_stats(&st, KSM_OWNERS); /* a request let in may change it */
	} while (end == END_DONE && st.sleep_ms == 0 && backoff_ms == 0 && pg.boot->ncpus > 1 &&
		 tsc() < deadline);
	const struct sys_msg *m = pager_polled();
	return end == END_FAULT || (m && !(m->badge & PG_BADGE_CALL));
}

/* PG_KSM_SCAN from ksmd, a call: the pager saves the reply (so that
 * polling during the batch may take other calls), scans a batch and then
 * answers w0 = milliseconds to sleep.  (w0 = 0, a send: a batch, no
 * answer owed; the first version's protocol, whose following call ended
 * every batch after one chunk.) */
long do_ksm_scan(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	struct ksm_stats st;
	struct sys_regs k;
	if (p->pid != ksmd_pid)
		return E_PERM;
	ksm_get_stats(&st, KSM_OWNERS);
	bool saved = m->w[0] == 1 && (m->badge & PG_BADGE_CALL) && sys_reply_save_r(0, &k) == E_OK;
	bool faulted = (m->w[0] == 0 || saved) && st.run == 1 && batches(p->pid);
	backoff_ms = !faulted ? 0 : !backoff_ms ? 1 :
		     backoff_ms * 2 < KSMD_BACKOFF_MS ? backoff_ms * 2 : KSMD_BACKOFF_MS;
	uint64_t sleep = st.sleep_ms > backoff_ms ? st.sleep_ms : backoff_ms;
	if (!saved) {
		r->w[0] = sleep;
		return E_OK;
	}
	sys_reply_send((uint32_t)k.rdi, E_OK, sleep, 0, 0, 0);
	return PG_DEFERRED;
}

/* ---- requests ---- */

/* Regions KSM's madvise marks: private anonymous memory and the heap (as
 * Linux, which leaves files, stacks and MAP_SHARED memory alone). */
static bool advisable(const struct region *r)
{
	return r->b && (r->kind == PG_BACK_ANON || r->kind == PG_BACK_HEAP);
}

/* Split the advisable region holding at there, unless it is marked on
 * already.  E_NOMEM (no region node). */
static int split_at(struct proc *p, uint64_t at, bool on)
{
	struct region *r = region_find(&p->mem.regions, at);
	if (!r || r->start == at || !advisable(r) || r->mergeable == on)
		return E_OK;
	return region_split(&p->mem.regions, at);
}

/* ksm_madvise: MADV_MERGEABLE (on) or MADV_UNMERGEABLE on exactly the
 * pages [start, end) (page-aligned; mman.c's do_madvise checked it), as
 * Linux: the advisable regions there are split at the range's edges and
 * marked (neighbours marked alike merge again, dp_merge_around);
 * unmerging gives the range's merged pages private copies.  Holes and
 * other regions are skipped; the caller answers E_NOMEM for a hole. */
int ksm_madvise(struct proc *p, uint64_t start, uint64_t end, bool on)
{
	int e = split_at(p, start, on);
	if (e == E_OK)
		e = split_at(p, end, on);
	if (e) {
		dp_merge_around(&p->mem, start, end); /* undo a split */
		return e;
	}
	for (struct region *rg = region_first(&p->mem.regions, start); rg && rg->start < end;
	     rg = region_next(&p->mem.regions, rg))
		if (advisable(rg))
			rg->mergeable = on;
	if (!on)
		e = unmerge_range(p, start, end);
	dp_merge_around(&p->mem, start, end);
	return e;
}

/* The setting key now (for PG_KSM_CTL's answer). */
static uint64_t setting(unsigned key)
{
	struct ksm_stats s;
	ksm_get_stats(&s, KSM_OWNERS);
	switch (key) {
	case KSM_CTL_RUN: return s.run;
	case KSM_CTL_PAGES_TO_SCAN: return s.pages_to_scan;
	case KSM_CTL_SLEEP_MS: return s.sleep_ms;
	case KSM_CTL_MAX_PAGE_SHARING: return s.max_page_sharing;
	case KSM_CTL_USE_ZERO_PAGES: return s.use_zero_pages;
	case KSM_CTL_ADVISOR: return s.advisor_secs;
	case KSM_CTL_DOMAINS: return s.domains;
	}
	return 0;
}

long do_ksm_ctl(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)p;
	unsigned key = m->w[0] < KSM_CTL_COUNT ? (unsigned)m->w[0] : 0;
	r->w[0] = setting(key);
	int e = ksm_set(key, m->w[1], m->w[2]);
	if (e || key != KSM_CTL_RUN)
		return e;
	if (m->w[1] == 1) {
		ksmd_start();
	} else {
		ksmd_stop();
		ksm_stop();
	}
	return m->w[1] == 2 ? unmerge_all() : E_OK;
}

long do_ksm_stats(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)r;
	struct proc *t = m->w[0] == 0 ? p :
			 m->w[0] <= UINT32_MAX ? proc_live((uint32_t)m->w[0]) : NULL;
	if (!t)
		return E_NOENT;
	struct ksm_stats *out = pg_self()->ipc_buf;
	ksm_get_stats(out, owner_of(t));
	out->ksm_process = t->ksm_all;
	out->last_merge_tsc = last_merge_tsc;
	pg_self()->reply_len = sizeof *out;
	return E_OK;
}

long do_ksm_process(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	r->w[0] = p->ksm_all;
	if (m->w[0] > 2)
		return E_INVAL;
	if (m->w[0] < 2)
		p->ksm_all = m->w[0] == 1;
	return E_OK;
}

/* PG_KSM_DOMAIN: the caller's merged pages are unmerged first, so that no
 * frame stays shared with its old domain. */
long do_ksm_domain(struct proc *p, const struct sys_msg *m, struct sys_msg *r)
{
	(void)m;
	int e = unmerge_range(p, 0, PG_STACK_TOP);
	if (e)
		return e;
	ksm_set_domain(owner_of(p), next_domain);
	r->w[0] = next_domain++;
	return E_OK;
}

uint64_t ksmd_merging(const struct proc *p)
{
	struct ksm_stats s;
	ksm_get_stats(&s, owner_of(p));
	return s.ksm_merging_pages;
}
