/* KSM's internal state, shared by ksm.c (scanning, merging) and
 * ksm_ctl.c (settings, statistics, the advisor).  Pure. */
#ifndef PAGER_KSM_INT_H
#define PAGER_KSM_INT_H

#include "ksm.h"
#include "ksm_avl.h"
#include "pool.h"
#include "tree.h"

enum item_state { IT_NEW, IT_VOLATILE, IT_UNSTABLE, IT_STABLE, IT_ZERO, IT_STATES };

struct ksm_dup;

/* One mergeable page KSM has seen ("rmap item").  On the items list in
 * (owner, page) order; in this pass's unstable tree while in_tree (also
 * after it merged or was forgotten: the tree is only ever dropped whole,
 * so a forgotten item stays allocated, dead, until the pass ends); on its
 * dup's list while merged. */
struct ksm_item {
	uint64_t key;                /* owner << 35 | va / 4096 */
	struct ksm_item *lprev, *lnext; /* the items list, by key */
	struct kavl un;              /* unstable tree */
	struct ksm_item *prev, *next; /* the dup's items */
	struct ksm_dup *dup;
	uint64_t hash;               /* checksum at its last scan */
	uint32_t owner, dom;         /* dom: its domain when it went in the tree */
	uint8_t state, in_tree, dead, hashed;
	uint8_t age, skip;           /* smart scan: failed passes, passes to skip */
	uint8_t slow;                /* a queued merge of it failed: no merge
				      * without the pager's own compare (the
				      * quick join, a single stable node) until
				      * it merges, since its failure comes too
				      * late to try the next way in that step */
};

/* One content in the stable tree: the merged frames (dups) holding it.
 * twin: another node has (or had) the same domain and checksum; set on
 * both when the second comes, never cleared (a stale one only costs a
 * compare). */
struct ksm_stable {
	struct kavl avl;
	uint64_t hash;
	uint32_t dom;
	uint8_t twin;
	unsigned ndups;
	struct ksm_dup *dups;
};

/* One merged frame; in the dups tree by frame. */
struct ksm_dup {
	struct tnode node;           /* key: frame */
	struct ksm_stable *head;
	struct ksm_dup *next;
	struct ksm_item *items;
	unsigned nitems;
	uint8_t live;                /* a merge into it was done (not only
				      * queued): pages may map it */
};

struct ksm_owner {
	uint32_t domain;
	uint64_t items, merging;
	struct ksm_item *head;       /* its first item on the list, or NULL */
};

struct ksm_state {
	const struct ksm_ops *ops;
	struct ksm_item *first, *last; /* the items list, by key */
	uint64_t nitems;
	struct tree dups;
	struct kavl *stable, *unstable;
	uint32_t cur_owner;          /* where the scan goes on */
	uint64_t cur_va;
	struct ksm_item *cur;        /* the first item at or after the cursor
				      * (NULL: none), so that a scan step finds
				      * its item without a search */
	uint64_t pass_pages;         /* pages scanned in this pass */
	uint64_t count[IT_STATES];
	uint64_t sharing, chains, zero_hash;
	struct ksm_stats st;         /* the cumulative counters */
	struct ksm_owner owners[KSM_OWNERS];
	uint64_t adv_ns, adv_pages;  /* this pass, for the advisor */
	bool pass_ended;
	struct {                     /* merges queued (ops->queue), counted
				      * done until ksm_flush says otherwise */
		struct ksm_item *it;
		uint64_t frame;
	} q[KSM_QUEUE];
	unsigned nq;
};
extern struct ksm_state ksm;

#endif
