/* Same-page merging (KSM): the controls and statistics of PG_KSM_CTL and
 * PG_KSM_STATS (abi/pager.h), under Linux's names (/sys/kernel/mm/ksm). */
#ifndef ABI_KSM_H
#define ABI_KSM_H

#include <stdint.h>

/* madvise advice (Linux's numbers) for PG_MADVISE. */
#define MADV_MERGEABLE   12
#define MADV_UNMERGEABLE 13

/* PG_KSM_CTL keys (w0); the value in w1 (ADVISOR: w1 seconds for a full
 * scan, w2 CPU percent; 0 seconds turns the advisor off). */
enum ksm_ctl {
	KSM_CTL_RUN = 1,          /* 0 stop, 1 scan, 2 unmerge everything and stop */
	KSM_CTL_PAGES_TO_SCAN,    /* pages per batch, 1..KSM_PAGES_MAX */
	KSM_CTL_SLEEP_MS,         /* between batches, 0..KSM_SLEEP_MAX */
	KSM_CTL_MAX_PAGE_SHARING, /* pages per merged frame, 2..KSM_SHARING_MAX */
	KSM_CTL_USE_ZERO_PAGES,   /* 0/1: pages of zeros map the zero frame */
	KSM_CTL_ADVISOR,          /* w1 target seconds per full scan, w2 CPU % */
	KSM_CTL_DOMAINS,          /* 1: merge only inside a domain; 0: across all */
	KSM_CTL_COUNT
};
#define KSM_PAGES_MAX   100000
#define KSM_SLEEP_MAX   10000
#define KSM_SHARING_MAX 65536

/* PG_KSM_STATS: everything since boot unless "now". */
struct ksm_stats {
	uint64_t pages_shared;       /* merged frames now */
	uint64_t pages_sharing;      /* pages mapping them now, less one per frame */
	uint64_t pages_unshared;     /* unique pages in the unstable tree */
	uint64_t pages_volatile;     /* pages that changed since their last scan */
	uint64_t pages_skipped;      /* scans skipped by smart scan (backoff) */
	uint64_t full_scans;
	uint64_t pages_scanned;
	uint64_t ksm_zero_pages;     /* pages mapped to the zero frame by KSM now */
	uint64_t stable_node_chains; /* contents with more than one merged frame */
	int64_t general_profit;      /* bytes saved less the scanner's metadata */
	uint64_t rmap_items;         /* pages KSM tracks now */
	uint64_t merges_failed;      /* compare after write-protect differed */
	uint64_t page_compares;      /* full 4 KiB compares (tree searches) */
	uint64_t pages_merged;       /* pages KSM found merged or merged itself */
	/* settings */
	uint32_t run, pages_to_scan, sleep_ms, max_page_sharing;
	uint32_t use_zero_pages, domains, advisor_secs, advisor_cpu;
	/* per process (w0 = pid of PG_KSM_STATS; 0: the caller) */
	uint64_t ksm_merging_pages;  /* its pages mapping a merged or zero frame */
	uint64_t ksm_rmap_items;     /* its pages KSM tracks */
	int64_t ksm_process_profit;
	uint32_t ksm_process;        /* ksm_process(on) set */
	uint32_t domain;
	uint64_t last_merge_tsc;     /* the TSC when the scanner last merged a page
				      * (0: never), for benchmarks */
};

#endif
