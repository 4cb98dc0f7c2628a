/* Address spaces: a page-table root, the handle table of the process that
 * lives in it, and where its faults go.
 *
 *   lock      guards the page tables and `resident`; taken with interrupts
 *             off; never held across a TLB shootdown wait.
 *   cpus      bit c set while CPU c has this space loaded (tlb.c).
 *   handles   the process's handle table (its own lock).
 *   pager_ep  endpoint its faults are sent to (a reference; NULL for the
 *             pager, whose faults are fatal).
 *   badge     the badge fault messages carry: the pager's name for it.
 *   unmaps    bumped (under lock) by every unmap and protect: a fault
 *             answer installed at reply time (space_map_fresh) is refused
 *             if it moved since the fault was sent.
 *   fill      the pages the kernel filled at fill marks (space_fill), in
 *             order, until the pager takes them (space_fill_take); nfills
 *             of them (under lock; read without it for the badge hint).
 *
 * Two counts, as Linux's mm_users and mm_count:
 *   obj.refs  the space's users: one per handle naming it, one per live
 *             thread in it (dropped once the thread is dead, off its CPU
 *             and no receiver has its call to answer: thread_life_put),
 *             one per lookup in progress.  The last one ends the space
 *             (space_destroy): its page tables, frames and handle table
 *             go back, and its pager hears (FAULT_SPACE_END).
 *   holds     the struct itself: one for the space's contents (dropped
 *             once they are gone and the notice received), one per thread
 *             object naming it (t->space, until the thread is destroyed).
 *             A dead thread that handles still hold (a saved call) so
 *             keeps only this struct, never the memory.  Through such a
 *             thread only plain words of an ended space are reached (the
 *             signal and stop words: signal.c); never its tables: a fault
 *             answer goes to a thread whose call the pager holds, and
 *             the pager's reply reference keeps the thread's use
 *             (thread.h). */
#ifndef SPACE_H
#define SPACE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "kobj.h"
#include "handle.h"
#include "spinlock.h"
#include "arch_api.h"
#include "ipc_msg.h"
#include "abi/fault.h"

struct endpoint;

#define SPACE_FILLS 16 /* fills a space keeps for its pager; then faults go there
			* (the pager's dp_space.pend holds as many) */

struct space_fill_rec {
	uint64_t va;  /* | FILL_ZERO or FILL_COPY */
	uint64_t pfn;
	uint64_t old; /* FILL_COPY: the frame copied (no reference held) */
};

struct space {
	struct kobj obj;
	struct spinlock lock;
	uint64_t root;
	_Atomic uint64_t cpus;
	struct handle_table *handles;
	uint64_t handles_pfn;
	struct endpoint *pager_ep;
	uint64_t badge;
	bool is_pager;
	uint64_t resident;
	uint32_t unmaps;
	uint64_t sigpending; /* signals sent to the process while each of its
			      * threads blocked them (sig_post's
			      * SIG_POST_SHARED): the first thread that lets
			      * one through takes it (signal_claim) */
	uint64_t sig_entry;  /* their handlers' entry (0: none given) */
	uint64_t siginfo[64]; /* and what each one's siginfo says */
	_Atomic bool stopped; /* job control: its threads park on their way
			       * back to ring 3 (SIG_POST_STOP, _CONT) */
	struct ipc_notice gone; /* FAULT_SPACE_END to the pager at its end */
	_Atomic uint64_t cpu_ns; /* CPU time of all its threads, ended ones
				  * too (sched_tick), in the notice at its
				  * end */
	_Atomic uint32_t holds; /* the struct's count (above) */
	unsigned nfills;
	bool fills_stopped; /* space_fill_take's stop: the pager forks */
	struct space_fill_rec fill[SPACE_FILLS];
};

/* A new empty space whose faults go to pager_ep (may be NULL) with badge:
 * one user (the caller's reference) and the contents' hold.  E_NOMEM. */
int space_create(struct endpoint *pager_ep, uint64_t badge, struct space **out);

/* One more hold on s's struct (s has a user: the caller's).  A thread
 * object's, taken by thread_create, dropped by its destroy. */
void space_hold(struct space *s);

/* Drop a hold; the last one frees the struct (its contents went first). */
void space_unhold(struct space *s);

/* Map frame (pfn, gen) at va with MAP_* rights; the mapping holds one frame
 * reference, and a replaced mapping's reference is dropped.  E_FAULT (va not
 * a page in the user half), E_STALE (handle does not name a live user
 * frame), E_NOMEM. */
int space_map(struct space *s, uint64_t va, uint64_t pfn, uint32_t gen, unsigned rights);

/* A fault answer installed at reply time: space_map's checks (MAP_R
 * required; gen and rights as the pager gave them, 64 bits: E_STALE and
 * E_INVAL above 32), then frame (pfn, gen) mapped at va only if nothing is mapped
 * there and s->unmaps is still seq (nothing unmapped or protected since
 * the fault was sent).  E_FAULT, E_INVAL, E_STALE (bad answer); E_BUSY,
 * E_AGAIN, E_NOMEM (nothing mapped: the access faults again).  Interrupts
 * must be off (the reply paths of system calls run so; fault_install
 * turns them off for anyone else). */
int space_map_fresh(struct space *s, uint64_t va, uint64_t pfn, uint64_t gen,
		    uint64_t rights, uint32_t seq);

/* Unmap npages from va (holes are skipped), shoot down stale TLB entries,
 * drop the frames' references.  E_FAULT for a range outside the user half. */
int space_unmap(struct space *s, uint64_t va, uint64_t npages);

/* Unmap base + pfn * 4096 for each of the n (<= SPACE_UNMAP_LIST_MAX)
 * (pfn, gen) pairs at pairs whose page there maps that live user frame
 * with that generation (checked under s's lock, so another thread's free
 * and reuse of the frame cannot come between), with one TLB shootdown
 * for all; then drop the frames' references.  Returns how many. */
#define SPACE_UNMAP_LIST_MAX 64
unsigned space_unmap_frames(struct space *s, uint64_t base, const uint64_t *pairs,
			    unsigned n);

/* Change the rights of npages mapped from va.  E_FAULT as above, E_NOENT if
 * a page is not mapped (pages before it are changed). */
int space_protect(struct space *s, uint64_t va, uint64_t npages, unsigned rights);

/* Rights for the pages mapped in npages from va, holes skipped: page i
 * gets rights if bit i of mask is set, else rights without MAP_W (a
 * frame the pager shares stays read-only).  *changed = pages changed.
 * E_FAULT as above, E_INVAL for bad rights. */
int space_protect_mask(struct space *s, uint64_t va, uint64_t npages, unsigned rights,
		       const uint64_t *mask, uint64_t *changed);

/* Copy-on-write sharing (fork): every user frame mapped in src within
 * npages from va loses its write right there and is mapped at the same
 * address in dst with src's remaining rights, one more reference each;
 * other pages (holes, kernel-owned frames) are skipped.  *shared = pages
 * mapped in dst.  copy (once fills are set up): both entries get a copy
 * mark (space_fill copies the frame on a write there).  E_FAULT as above, E_INVAL if src is dst, E_NOMEM (a dst
 * table: the pages before it are done). */
int space_share_cow(struct space *dst, struct space *src, uint64_t va,
		    uint64_t npages, bool copy, uint64_t *shared);

/* Map a kernel-owned frame (IPC buffers, the pager's window) without the
 * user-frame checks: the caller already holds the reference it passes. */
int space_map_owned(struct space *s, uint64_t va, uint64_t pfn, unsigned rights);

/* Map pfn at va in s where nothing is mapped yet; the caller's reference
 * to pfn becomes the mapping's, and is dropped on any failure: E_FAULT
 * (va not a user page), E_BUSY (va is mapped: unchanged), E_NOMEM. */
int space_map_new(struct space *s, uint64_t va, uint64_t pfn, unsigned rights);

/* Make s's page tables for va now, mapping nothing: a later mapping at va
 * allocates no table (tables stay until s ends).  E_FAULT (va not a user
 * page), E_NOMEM. */
int space_prepare(struct space *s, uint64_t va);

/* Make the page tables of the pager's window in s (PAGER_WINDOW + pfn *
 * 4096) for every frame the allocator manages, once, before the pager
 * runs.  E_NOMEM. */
int space_window_prepare(struct space *s);

/* Fill marks (the pager's delegation of zero-fill faults; ARCHITECTURE.md
 * "Fills in the kernel").  space_fill_setup: the pager (its space) and its
 * zero frame (pfn, gen: a reference kept for good), once; E_STALE, E_BUSY
 * (done already).  space_fill_mark: a mark with rights at each unmapped
 * page i of npages from va whose mask bit is set; *marked = new marks
 * (one there already takes the new rights, uncounted).
 * E_FAULT, E_INVAL (rights, no setup), E_NOMEM (a table: the marks before
 * stay).  space_fill: at a ring-3 fault at va with access (FAULT_ACC_*) in
 * s, fill the page if it holds a mark that allows the access (a read maps
 * the zero frame, a write a fresh zeroed frame held in the pager's window
 * too) and the log has room; true if the access should simply run again,
 * false to ask the pager; and at a write to a copy-marked page (share_cow
 * with copy) copy the frame to a new one held in the pager's window and
 * map it writable instead.  Interrupts off.  space_fill_take: clear the
 * marks of [va, va + npages pages), then hand out up to max logged fills,
 * oldest first, FILL_REC_WORDS words each, to out (kernel memory);
 * returns how many; stop 1: no fill nor copy in s from then on (first),
 * 0: again (-1: as it was). */
int space_fill_setup(struct space *pager, uint64_t zero_pfn, uint32_t zero_gen);
int space_fill_mark(struct space *s, uint64_t va, uint64_t npages, unsigned rights,
		    const uint64_t *mask, uint64_t *marked);
bool space_fill(struct space *s, uint64_t va, uint64_t access);
unsigned space_fill_take(struct space *s, uint64_t va, uint64_t npages, uint64_t *out,
			 unsigned max, int stop);

/* FAULT_BADGE_FILLS if s has fills its pager has not taken: in the badge
 * of its faults, and of its calls on ep if ep is its pager's endpoint. */
static inline uint64_t space_fill_hint(const struct space *s)
{
	return __atomic_load_n(&s->nfills, __ATOMIC_RELAXED) ? FAULT_BADGE_FILLS : 0;
}

static inline uint64_t space_call_hint(const struct space *s, const struct endpoint *ep)
{
	return ep == s->pager_ep ? space_fill_hint(s) : 0;
}

/* True and *rights = its MAP_* rights if va is mapped in s. */
bool space_query(struct space *s, uint64_t va, unsigned *rights);

/* True and *pa = the frame's physical address if va is mapped in s. */
bool space_lookup(struct space *s, uint64_t va, uint64_t *pa);

/* Futex lookup, under s's lock: the frame va maps (*pa: its physical
 * address plus va's offset in the page; *gen: its generation; *shared:
 * marked META_SHARED) and the 32-bit word at va (*word).  Never blocks.
 * E_FAULT if va's page is not mapped (or va is not 4-byte aligned). */
int space_futex_word(struct space *s, uint64_t va, uint64_t *pa, uint32_t *gen,
		     bool *shared, uint32_t *word);

/* Copy between a kernel buffer and user memory of s; E_FAULT if any byte is
 * not mapped for the user (writable, when writing). Never faults. */
int space_copy_in(struct space *s, void *dst, uint64_t uva, uint64_t n);
int space_copy_out(struct space *s, uint64_t uva, const void *src, uint64_t n);

/* Load s (NULL: kernel only) on this CPU, maintaining the CPU masks.
 * Inline: both switches of every fault and round trip run it. */
static inline void space_switch(struct space *from, struct space *to, unsigned cpu)
{
	uint64_t bit = 1ull << cpu;
	if (to)
		atomic_fetch_or(&to->cpus, bit);
	arch_load_root(to ? to->root : 0);
	if (from)
		atomic_fetch_and(&from->cpus, ~bit);
}

#endif
