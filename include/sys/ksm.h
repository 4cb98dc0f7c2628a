/* Same-page merging (KSM) from a program: opting in, the controls and the
 * statistics (abi/ksm.h, the PG_MADVISE and PG_KSM_* requests). */
#ifndef SYS_KSM_H
#define SYS_KSM_H

#include <stddef.h>
#include <stdint.h>
#include "abi/ksm.h"

/* madvise for [addr, addr + len): MADV_MERGEABLE, MADV_UNMERGEABLE (and
 * whatever else the pager takes).  Returns the pager's enum err. */
int pg_madvise(void *addr, size_t len, int advice);

/* Set KSM control key (KSM_CTL_*) to value (ADVISOR: value seconds,
 * value2 CPU percent); *old (may be NULL) = the value before. */
int ksm_ctl(unsigned key, uint64_t value, uint64_t value2, uint64_t *old);

/* The statistics, with process pid's part (0: the caller's). */
int ksm_stats(uint32_t pid, struct ksm_stats *st);

/* Every anonymous region of this process, now and later, mergeable (on
 * 1) or not (0), as Linux's PR_SET_MEMORY_MERGE; inherited by fork.
 * Returns the setting before (0/1) or minus an error. */
int ksm_process(int on);

/* A new merge domain for this process and the children it makes from
 * now on; returns the domain (> 0) or minus an error. */
int ksm_new_domain(void);

/* Print the statistics and settings: "key value" lines when raw, else
 * one labelled line each. */
void ksm_stats_print(const struct ksm_stats *st, int raw);

/* The KSM_CTL_* key named name ("run", "pages_to_scan", ...), or 0. */
unsigned ksm_ctl_key(const char *name);

#endif
