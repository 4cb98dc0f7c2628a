/* KSM requests to the pager (sys/ksm.h). */
#include "sys/sys.h"
#include "sys/ksm.h"
#include "libsys.h"

int pg_madvise(void *addr, size_t len, int advice)
{
	struct sys_msg m = { .label = PG_MADVISE,
			     .w = { (uint64_t)(uintptr_t)addr, len, (uint64_t)(int64_t)advice } };
	return libsys_pg_call(&m);
}

int ksm_ctl(unsigned key, uint64_t value, uint64_t value2, uint64_t *old)
{
	struct sys_msg m = { .label = PG_KSM_CTL, .w = { key, value, value2 } };
	int e = libsys_pg_call(&m);
	if (e == E_OK && old)
		*old = m.w[0];
	return e;
}

int ksm_stats(uint32_t pid, struct ksm_stats *st)
{
	struct sys_msg m = { .label = PG_KSM_STATS, .w = { pid } };
	memset(st, 0, sizeof *st);
	int e = libsys_pg_call(&m);
	size_t n = IPC_LABEL_LEN(m.label);
	if (e == E_OK)
		memcpy(st, libsys_ipc_buf(), n < sizeof *st ? n : sizeof *st);
	return e;
}

int ksm_process(int on)
{
	struct sys_msg m = { .label = PG_KSM_PROCESS, .w = { on ? 1 : 0 } };
	int e = libsys_pg_call(&m);
	return e ? -e : (int)m.w[0];
}

int ksm_new_domain(void)
{
	struct sys_msg m = { .label = PG_KSM_DOMAIN };
	int e = libsys_pg_call(&m);
	return e ? -e : (int)m.w[0];
}

#define KS(f) __builtin_offsetof(struct ksm_stats, f)
static const struct {
	const char *key;
	unsigned off, u32;
	const char *label;
} rows[] = {
	{ "pages_shared", KS(pages_shared), 0, "merged frames now" },
	{ "pages_sharing", KS(pages_sharing), 0, "pages mapping them, less one per frame" },
	{ "pages_unshared", KS(pages_unshared), 0, "unique pages waiting in the unstable tree" },
	{ "pages_volatile", KS(pages_volatile), 0, "pages changed since their last scan" },
	{ "pages_skipped", KS(pages_skipped), 0, "scans skipped by smart scan" },
	{ "ksm_zero_pages", KS(ksm_zero_pages), 0, "pages mapped to the zero frame" },
	{ "stable_node_chains", KS(stable_node_chains), 0, "contents with several frames" },
	{ "general_profit", KS(general_profit), 0, "bytes saved less KSM's metadata" },
	{ "full_scans", KS(full_scans), 0, "full scans" },
	{ "pages_scanned", KS(pages_scanned), 0, "pages scanned" },
	{ "pages_merged", KS(pages_merged), 0, "pages merged" },
	{ "merges_failed", KS(merges_failed), 0, "merges refused: bytes differed at the compare" },
	{ "rmap_items", KS(rmap_items), 0, "pages tracked" },
	{ "run", KS(run), 1, "run (0 stop, 1 scan, 2 unmerge)" },
	{ "pages_to_scan", KS(pages_to_scan), 1, "pages per batch" },
	{ "sleep_ms", KS(sleep_ms), 1, "ms between batches" },
	{ "max_page_sharing", KS(max_page_sharing), 1, "pages per frame at most" },
	{ "use_zero_pages", KS(use_zero_pages), 1, "pages of zeros map the zero frame" },
	{ "domains", KS(domains), 1, "merge only inside a domain" },
	{ "advisor_secs", KS(advisor_secs), 1, "advisor: seconds per full scan (0 off)" },
	{ "advisor_cpu", KS(advisor_cpu), 1, "advisor: CPU percent" },
};

void ksm_stats_print(const struct ksm_stats *st, int raw)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *p = (const char *)st + rows[i].off;
		int64_t v = rows[i].u32 ? (int64_t)*(const uint32_t *)p : *(const int64_t *)p;
		if (raw)
			printf("%s %ld\n", rows[i].key, v);
		else
			printf("  %-20s %12ld  %s\n", rows[i].key, v, rows[i].label);
	}
}

unsigned ksm_ctl_key(const char *name)
{
	static const char *const keys[KSM_CTL_COUNT] = {
		NULL, "run", "pages_to_scan", "sleep_ms", "max_page_sharing",
		"use_zero_pages", "advisor", "domains",
	};
	for (unsigned k = 1; k < KSM_CTL_COUNT; k++)
		if (strcmp(name, keys[k]) == 0)
			return k;
	return 0;
}
