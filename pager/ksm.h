/* Same-page merging (KSM), the pure part: the scanner, its trees and its
 * statistics.  Host-tested; it reaches pages and frames only through
 * struct ksm_ops (ksmglue.c on the pager, a fake machine in
 * tests/unit/test_ksm.c).
 *
 * Linux's algorithm (mm/ksm.c).  Each mergeable page the scanner has seen
 * has an item (an "rmap item"), found by (owner, va).  A scan step takes
 * the next mergeable page: if its contents are in the stable tree (merged
 * frames) it joins that frame; else, if its checksum did not change since
 * its previous scan, it is looked up in the unstable tree (this pass's
 * unmerged candidates) and, on a match, both pages move to a new merged
 * frame; else it waits (volatile).  Both trees are AVL trees ordered by
 * (domain, checksum, bytes): the checksum orders, the bytes decide, so a
 * lookup costs O(log n) checksum compares and full compares only between
 * equal checksums.  Every merge write-protects the page first, then
 * compares all 4096 bytes with the target, then remaps (ops->merge, one
 * kernel call on the system).
 *
 * A merged frame ("dup") has at most max_page_sharing items; more pages of
 * the same contents get a second frame in the same stable node (a chain).
 * The owner of the frame is this module: it holds the frame (ops
 * frame_new .. frame_put) until ksm_frame_gone says no page maps it. */
#ifndef PAGER_KSM_H
#define PAGER_KSM_H

#include <stdbool.h>
#include <stdint.h>
#include "abi/ksm.h"

#define KSM_OWNERS 64           /* owner ids 0..KSM_OWNERS-1 (process slots) */
#define KSM_PAGE   4096
#define KSM_ZERO_FRAME UINT64_MAX /* ops->remap target: the shared zero frame */
#define KSM_ITEM_POOL 1024      /* fixed items; beyond them the pool grows */
#define KSM_SKIP_MAX 8          /* smart scan: at most this many passes skipped */

enum ksm_page_kind {
	KSM_PG_PRIVATE = 1, /* an ordinary frame (maybe shared by fork) */
	KSM_PG_MERGED,      /* a frame this module made (a dup's) */
	KSM_PG_ZERO,        /* the zero frame, put there by this module */
};

/* What a page holds now. */
struct ksm_page {
	const uint8_t *bytes; /* its 4096 bytes (NULL for KSM_PG_ZERO) */
	uint64_t frame;       /* identity of its frame */
	unsigned kind;        /* enum ksm_page_kind */
};

struct ksm_ops {
	/* The first mergeable page at or after (*owner, *va) in (owner, va)
	 * order, into (*owner, *va), and what it holds now into *pg (as
	 * page() would say: the scan's one look-up per page); false if none
	 * is left. */
	bool (*next)(uint32_t *owner, uint64_t *va, struct ksm_page *pg);
	/* The page at (owner, va) now; false if it is gone or not mergeable. */
	bool (*page)(uint32_t owner, uint64_t va, struct ksm_page *pg);
	/* The merge, in this order: take write access from the page at
	 * (owner, va) in every mapping (TLB shot down); if it still holds
	 * frame expect, compare its 4096 bytes with frame's (a merged frame,
	 * or KSM_ZERO_FRAME); if equal, map frame read-only there instead of
	 * expect, which it gives up.  E_AGAIN if the page no longer holds
	 * expect or the bytes differ (it stays read-only); E_NOMEM. */
	int (*merge)(uint32_t owner, uint64_t va, uint64_t expect, uint64_t frame);
	/* A new frame holding a copy of bytes, held by this module.  E_NOMEM. */
	int (*frame_new)(const uint8_t *bytes, uint64_t *frame);
	const uint8_t *(*frame_bytes)(uint64_t frame);
	/* Drop this module's hold on a frame no page maps. */
	void (*frame_put)(uint64_t frame);
	/* The checksum (NULL: ksm_hash); tests force collisions with it. */
	uint64_t (*hash)(const void *page);
	/* Batched merges (both NULL: each merge is done at once by merge).
	 * queue: the merge that merge describes, to be done by the next
	 * flush, in the order queued; E_OK if queued (the scanner counts the
	 * page merged until the flush says otherwise), else merge's error at
	 * once.  flush: do the n queued merges (n <= KSM_QUEUE), in order,
	 * each exactly as merge does it; res[i] = the i-th one's answer, or
	 * E_BUSY: not tried (dropped, as by cancel: a fault waits); with
	 * cancel, do none of them (the queue dropped: what queue took is
	 * given back). */
	int (*queue)(uint32_t owner, uint64_t va, uint64_t expect, uint64_t frame);
	void (*flush)(int *res, unsigned n, bool cancel);
};

#define KSM_QUEUE 16            /* merges queued at most (one flush) */

/* The checksum: 64 bits over 4096 bytes, general registers only. */
uint64_t ksm_hash(const void *page);

/* Start (or restart, forgetting everything: the tests) with ops; the
 * settings take Linux's defaults. */
void ksm_init(const struct ksm_ops *ops);

/* Scan up to n pages (the next batch), stopping at the end of a full
 * scan; returns the pages looked at.  With ops->queue, merges may be left
 * queued: the caller calls ksm_flush before anything else may change a
 * page or a frame (a pass's end, a full queue, ksm_stop, ksm_reset and
 * ksm_owner_gone flush by themselves). */
unsigned ksm_scan(unsigned n);

/* Do the queued merges (ops->flush); a page whose merge failed is not
 * merged after all (a merged frame left without pages goes back). */
void ksm_flush(void);

/* Drop the queued merges, undone (a fault waits: it must not wait for
 * them): their pages are not merged, not counted failed, and are tried
 * again at their next scan. */
void ksm_cancel(void);

/* Frame frame (a merged one) lost its last page: forget it.  The caller
 * then frees it (this module does not call frame_put for it). */
void ksm_frame_gone(uint64_t frame);

/* True if frame is a merged frame of this module. */
bool ksm_is_merged(uint64_t frame);

/* Owner owner ended (or its slot is reused): forget its items. */
void ksm_owner_gone(uint32_t owner);

/* The merge domain of owner (pages merge only within one, unless
 * domains are off). */
void ksm_set_domain(uint32_t owner, uint32_t domain);
uint32_t ksm_domain(uint32_t owner);

/* The scanner stops (run 0): the unstable tree goes, with the forgotten
 * items it kept; the next scan starts a new pass. */
void ksm_stop(void);

/* Forget every item and the unstable tree; merged frames stay (for run
 * 2 the caller unmerges every page first, then calls this). */
void ksm_reset(void);

/* A setting (KSM_CTL_*), checked: E_INVAL out of range; E_BUSY for
 * KSM_CTL_DOMAINS while frames are merged (as Linux's
 * merge_across_nodes).  RUN only records the value. */
int ksm_set(unsigned key, uint64_t value, uint64_t value2);

/* The statistics, and owner's (KSM_OWNERS: none) part of them. */
void ksm_get_stats(struct ksm_stats *s, uint32_t owner);

/* The advisor: pages per batch for a full scan of total pages in
 * target_ms, batches every sleep_ms, each page costing ns_per_page, using
 * at most cpu_pct of a CPU; within [KSM_ADV_MIN, KSM_PAGES_MAX]. */
#define KSM_ADV_MIN 16
uint32_t ksm_advise(uint64_t total, uint64_t ns_per_page, uint32_t sleep_ms,
		    uint64_t target_ms, uint32_t cpu_pct);

/* After a batch that took ns on the clock: the advisor's bookkeeping (a
 * new pages_to_scan at the end of each full scan). */
void ksm_account(uint64_t ns, unsigned scanned);

/* True if the trees, chains and counters are consistent (tests). */
bool ksm_check(void);

#endif
