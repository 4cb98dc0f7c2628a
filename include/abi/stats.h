/* Statistics the kernel reports to ring 3 (sysinfo, frame_stats calls). */
#ifndef ABI_STATS_H
#define ABI_STATS_H

#include <stdint.h>

#define ABI_MAX_CPUS 64
#define ABI_MAX_ORDER 10
/* What frames are used for: the indexes of by_purpose[]. */
#define ABI_PURPOSE_NONE        0 /* free */
#define ABI_PURPOSE_FIRMWARE    1
#define ABI_PURPOSE_KERNEL      2 /* kernel image, boot structures, MetaSlot array */
#define ABI_PURPOSE_PAGE_TABLE  3
#define ABI_PURPOSE_KERNEL_DATA 4
#define ABI_PURPOSE_USER_DATA   5 /* the frames user space (the pager included) holds */
#define ABI_PURPOSE_CUSTOM      6
#define ABI_PURPOSES            7

struct abi_frame_stats {
	uint64_t total, free, poisoned, reserved;
	uint64_t free_blocks[ABI_MAX_ORDER + 1];
	uint64_t by_purpose[ABI_PURPOSES];
	uint64_t allocs, frees;
	uint64_t pcp_refills, pcp_drains;
	uint32_t ncpus, pad;
	uint64_t pcp_cached[ABI_MAX_CPUS];
	uint64_t oom_drains;  /* order-0 allocations that found their CPU's cache
			       * and the buddy lists empty and drained every
			       * other CPU's cache before giving up */
	uint64_t oom_drained; /* frames those drains gave back */
	uint64_t nomem;       /* allocations refused for want of memory */
	uint64_t zero_ready;  /* free frames idle CPUs zeroed ahead, waiting in
			       * their caches (counted in free too) */
	uint64_t zero_hits;   /* zeroed one-frame requests served pre-zeroed */
	uint64_t zero_misses; /* ... that zeroed on the spot (none ready) */
	uint64_t zero_made;   /* frames idle CPUs zeroed ahead since boot */
};

struct abi_sysinfo {
	uint64_t ticks_ms;      /* milliseconds since the scheduler started */
	uint64_t tsc_hz;
	uint32_t ncpus, pad;
	struct {
		uint64_t idle_ticks, ticks, switches;
	} cpu[ABI_MAX_CPUS];
	uint64_t rtc_epoch;     /* calendar seconds (UTC) read at boot, 0: none */
	uint64_t rtc_tsc;       /* the cycle counter when it was read */
};

#endif
