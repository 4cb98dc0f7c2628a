/* /proc and /sys files as Linux programs read them, made in this process
 * from the pager's answers, in Linux's formats: /proc/PID/ (or self/)
 * status, statm, maps, smaps, smaps_rollup, stat, limits, pagemap
 * (binary, 8 bytes a page), oom_score_adj (read and write), ksm_stat,
 * ksm_merging_pages, cmdline; /proc/meminfo, /proc/cpuinfo, /proc/uptime,
 * /proc/loadavg, /proc/sys/vm/overcommit_memory, /proc/sys/kernel/pid_max,
 * /sys/devices/system/cpu/online and possible, and
 * /sys/kernel/mm/ksm/ (KSM's statistics, and its controls written as on
 * Linux).  files.c opens them as descriptors of kind OFD_PROC; a read
 * makes the text anew (as Linux's seq files do) and returns the part at
 * the descriptor's position. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <time.h>
#include "abi/err.h"
#include "abi/page.h"
#include "abi/pager.h"
#include "abi/stats.h"
#include "lib/string.h"
#include "sys/ksm.h"
#include "sys/mman.h"
#include "sys/unistd.h"
#include "libsys.h"
#include "lib/cputime.h"

enum {
	PF_STATUS = 1, PF_STATM, PF_MAPS, PF_PAGEMAP, PF_OOM_ADJ, PF_KSM_STAT,
	PF_KSM_MERGING, PF_CMDLINE, PF_MEMINFO, PF_CPUINFO, PF_CPU_ONLINE,
	PF_SMAPS, PF_SMAPS_ROLLUP, PF_STAT, PF_LIMITS, PF_UPTIME, PF_LOADAVG,
	PF_OVERCOMMIT, PF_PID_MAX,
	PF_KSM, /* + the row of ksm_files below, << 8 */
};

/* A process's files: name, kind, writable. */
static const struct { const char *name; int kind, rw; } pid_files[] = {
	{ "status", PF_STATUS, 0 },        { "statm", PF_STATM, 0 },
	{ "maps", PF_MAPS, 0 },            { "pagemap", PF_PAGEMAP, 0 },
	{ "oom_score_adj", PF_OOM_ADJ, 1 }, { "ksm_stat", PF_KSM_STAT, 0 },
	{ "ksm_merging_pages", PF_KSM_MERGING, 0 }, { "cmdline", PF_CMDLINE, 0 },
	{ "smaps", PF_SMAPS, 0 },          { "smaps_rollup", PF_SMAPS_ROLLUP, 0 },
	{ "stat", PF_STAT, 0 },            { "limits", PF_LIMITS, 0 },
};

/* /sys/kernel/mm/ksm/: Linux's name, struct ksm_stats field, 32-bit, the
 * KSM_CTL_* key that writes it (0: read-only). */
#define KS(f) __builtin_offsetof(struct ksm_stats, f)
static const struct { const char *name; unsigned off, u32, ctl; } ksm_files[] = {
	{ "run", KS(run), 1, KSM_CTL_RUN },
	{ "pages_to_scan", KS(pages_to_scan), 1, KSM_CTL_PAGES_TO_SCAN },
	{ "sleep_millisecs", KS(sleep_ms), 1, KSM_CTL_SLEEP_MS },
	{ "max_page_sharing", KS(max_page_sharing), 1, KSM_CTL_MAX_PAGE_SHARING },
	{ "use_zero_pages", KS(use_zero_pages), 1, KSM_CTL_USE_ZERO_PAGES },
	{ "pages_shared", KS(pages_shared), 0, 0 },
	{ "pages_sharing", KS(pages_sharing), 0, 0 },
	{ "pages_unshared", KS(pages_unshared), 0, 0 },
	{ "pages_volatile", KS(pages_volatile), 0, 0 },
	{ "pages_skipped", KS(pages_skipped), 0, 0 },
	{ "pages_scanned", KS(pages_scanned), 0, 0 },
	{ "full_scans", KS(full_scans), 0, 0 },
	{ "ksm_zero_pages", KS(ksm_zero_pages), 0, 0 },
	{ "stable_node_chains", KS(stable_node_chains), 0, 0 },
	{ "general_profit", KS(general_profit), 0, 0 },
	{ "merge_across_nodes", 0, 0, 0 }, /* one node: always 1 */
};
#define KSM_FILES (sizeof ksm_files / sizeof ksm_files[0])
#define NODES_ROW (KSM_FILES - 1)

/* The number at *s (decimal), *s moved past it; -1 if none or above
 * 2^31 - 1 (no pid or setting is larger). */
static long number(const char **s)
{
	long v = -1;
	for (; **s >= '0' && **s <= '9'; (*s)++) {
		v = (v < 0 ? 0 : v * 10) + (**s - '0');
		if (v > 0x7fffffffL) {
			while (**s >= '0' && **s <= '9')
				(*s)++;
			return -1;
		}
	}
	return v;
}

/* 1 with *pi if pid is a live process (PG_PS answers the first at or
 * after it: another pid means this one is gone), else 0. */
static int live_proc(long pid, struct pg_procinfo *pi)
{
	size_t n = 0;
	return pid > 0 && pager_ps((uint32_t)pid, pi, 1, &n) == E_OK && n == 1 &&
	       pi->pid == (uint32_t)pid && pi->state == PG_PROC_RUNNING;
}

/* The pid path names ("self" or digits, then '/' or its end), *rest after
 * it; 0 if none or not a live process. */
static int pid_part(const char *path, const char **rest)
{
	long pid;
	if (!strncmp(path, "self", 4)) {
		pid = getpid();
		path += 4;
	} else {
		pid = number(&path);
	}
	if (pid <= 0 || (*path && *path != '/'))
		return 0;
	struct pg_procinfo pi;
	if (!live_proc(pid, &pi))
		return 0;
	*rest = *path ? path + 1 : path;
	return (int)pid;
}

int libsys_procfs_find(const char *path, unsigned *kind, int *pid, int *dir,
		       int *writable)
{
	const char *rest;
	*pid = 0;
	*dir = 0;
	*writable = 0;
	if (!strcmp(path, "proc") || !strcmp(path, "sys") ||
	    !strcmp(path, "sys/kernel/mm/ksm") || !strcmp(path, "sys/devices/system/cpu")) {
		*dir = 1;
		return E_OK;
	}
	if (!strcmp(path, "proc/meminfo"))
		*kind = PF_MEMINFO;
	else if (!strcmp(path, "proc/uptime"))
		*kind = PF_UPTIME;
	else if (!strcmp(path, "proc/loadavg"))
		*kind = PF_LOADAVG;
	else if (!strcmp(path, "proc/sys/vm/overcommit_memory"))
		*kind = PF_OVERCOMMIT;
	else if (!strcmp(path, "proc/sys/kernel/pid_max"))
		*kind = PF_PID_MAX;
	else if (!strcmp(path, "proc/cpuinfo"))
		*kind = PF_CPUINFO;
	else if (!strcmp(path, "sys/devices/system/cpu/online") ||
		 !strcmp(path, "sys/devices/system/cpu/possible"))
		*kind = PF_CPU_ONLINE;
	else if (!strncmp(path, "sys/kernel/mm/ksm/", 18)) {
		for (unsigned i = 0; i < KSM_FILES; i++)
			if (!strcmp(path + 18, ksm_files[i].name)) {
				*kind = PF_KSM | i << 8;
				*writable = ksm_files[i].ctl != 0 || i == NODES_ROW;
				return E_OK;
			}
		return E_NOENT;
	} else if (!strncmp(path, "proc/", 5) && (*pid = pid_part(path + 5, &rest))) {
		if (!*rest) {
			*dir = 1;
			return E_OK;
		}
		if (!strcmp(rest, "fd")) { /* our own descriptors only: another's are its libsys's */
			*dir = 1;
			return *pid == getpid() ? E_OK : E_PERM;
		}
		for (unsigned i = 0; i < sizeof pid_files / sizeof pid_files[0]; i++)
			if (!strcmp(rest, pid_files[i].name)) {
				*kind = (unsigned)pid_files[i].kind;
				*writable = pid_files[i].rw;
				if (*kind == PF_PAGEMAP && *pid != getpid())
					return E_PERM; /* another's frames: Linux asks ptrace rights */
				if (*writable && *pid != getpid())
					*writable = 0; /* only our own oom_score_adj */
				return E_OK;
			}
		return E_NOENT;
	} else {
		return E_NOENT;
	}
	return E_OK;
}

/* ---- the text of a file ---- */

struct text {
	char *p;
	size_t len, cap;
	int failed;
};

static void put(struct text *t, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || t->failed)
		return;
	if ((size_t)n >= sizeof line)
		n = sizeof line - 1;
	if (t->len + (size_t)n > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		while (cap < t->len + (size_t)n)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p) {
			t->failed = 1;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, line, (size_t)n);
	t->len += (size_t)n;
}

/* Leave out of v[0..*n) the regions that are libsys's own mappings of
 * open objects (hold): Linux has none, so its maps, sizes and counts show
 * only the program's mappings. */
static void drop_held(struct pg_region_info *v, size_t *n)
{
	size_t k = 0;
	for (size_t i = 0; i < *n; i++)
		if (!v[i].hold)
			v[k++] = v[i];
	*n = k;
}

/* Every region of process pid that the program made (drop_held) into *v
 * (malloc'd), their count into *n. */
static int regions(int pid, struct pg_region_info **v, size_t *n)
{
	size_t max = 4096 / sizeof **v, got;
	*n = 0;
	*v = NULL;
	uint64_t from = 0;
	for (;;) {
		struct pg_region_info *w = realloc(*v, (*n + max) * sizeof **v);
		if (!w)
			return E_NOMEM;
		*v = w;
		int e = pager_pmap_from((uint32_t)pid, from, *v + *n, max, &got);
		if (e)
			return e;
		from = got ? (*v)[*n + got - 1].end : from;
		size_t all = got;
		drop_held(*v + *n, &got);
		*n += got;
		if (all < max)
			return E_OK;
	}
}

/* Pages of [start, end). */
static uint64_t pages(uint64_t start, uint64_t end)
{
	return (end - start) / PAGE_SIZE;
}

/* What Linux's status and statm count, in pages, from the regions. */
struct vm_sums {
	uint64_t size, rss, rss_file, rss_shmem, data, stack, exe;
};

static void vm_sums(const struct pg_region_info *v, size_t n, struct vm_sums *s)
{
	memset(s, 0, sizeof *s);
	for (size_t i = 0; i < n; i++) {
		uint64_t np = pages(v[i].start, v[i].end);
		s->size += np;
		s->rss += v[i].resident;
		if (v[i].backing == PG_BACK_FILE) {
			s->rss_file += v[i].resident;
			if (v[i].rights & MAP_X)
				s->exe += np;
			else if (v[i].rights & MAP_W)
				s->data += np;
		} else if (v[i].backing == PG_BACK_SHARED) {
			s->rss_shmem += v[i].resident;
		} else if (v[i].backing == PG_BACK_STACK) {
			s->stack += np;
		} else if (v[i].backing != PG_BACK_FIXED) {
			s->data += np;
		}
	}
}

static void text_status(struct text *t, const struct pg_procinfo *pi,
			const struct pg_region_info *v, size_t n)
{
	struct vm_sums s;
	vm_sums(v, n, &s);
	uint64_t kb = PAGE_SIZE / 1024, hwm = pi->maxrss > s.rss ? pi->maxrss : s.rss;
	put(t, "Name:\t%s\nUmask:\t0022\nState:\tR (running)\n", pi->name);
	put(t, "Tgid:\t%u\nNgid:\t0\nPid:\t%u\nPPid:\t%u\nTracerPid:\t0\n",
	    pi->pid, pi->pid, pi->ppid);
	put(t, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\n", LIBSYS_FD_MAX);
	put(t, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\n",
	    s.size * kb, s.size * kb, 0ul, 0ul);
	put(t, "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\n", hwm * kb, s.rss * kb);
	put(t, "RssAnon:\t%8lu kB\nRssFile:\t%8lu kB\nRssShmem:\t%8lu kB\n",
	    (s.rss - s.rss_file - s.rss_shmem) * kb, s.rss_file * kb, s.rss_shmem * kb);
	put(t, "VmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\nVmLib:\t%8lu kB\n",
	    s.data * kb, s.stack * kb, s.exe * kb, 0ul);
	put(t, "VmPTE:\t%8lu kB\nVmSwap:\t%8lu kB\nThreads:\t%u\n", 0ul, 0ul, pi->threads);
}

static void text_statm(struct text *t, const struct pg_region_info *v, size_t n)
{
	struct vm_sums s;
	vm_sums(v, n, &s);
	put(t, "%lu %lu %lu %lu 0 %lu 0\n", s.size, s.rss, s.rss_file + s.rss_shmem,
	    s.exe, s.data + s.stack);
}

/* The name Linux's maps gives shared region r: an object's path (its
 * st_ino found among the names now: /dev/shm/X of shm_open's X, a tmpfs
 * file's path), else "/dev/zero (deleted)" (MAP_SHARED|MAP_ANONYMOUS's, as
 * Linux's; also here an unlinked object's or a memfd's, whose names are
 * not known). */
static const char *shared_name(const struct pg_region_info *r, char *buf, size_t cap)
{
	if (r->ino && libsys_tmpfs_path_of(r->ino, buf, cap))
		return buf;
	return "/dev/zero (deleted)";
}

static void text_maps(struct text *t, const struct pg_procinfo *pi,
		      const struct pg_region_info *v, size_t n)
{
	char buf[LIBSYS_PATH_MAX + 16];
	for (size_t i = 0; i < n; i++) {
		const char *name = v[i].backing == PG_BACK_HEAP ? "[heap]" :
				   v[i].backing == PG_BACK_STACK ? "[stack]" :
				   v[i].backing == PG_BACK_SHARED ? shared_name(&v[i], buf, sizeof buf) :
				   v[i].backing == PG_BACK_FILE ? pi->name : "";
		put(t, "%08lx-%08lx %c%c%c%c 00000000 00:00 0%s%s%s\n",
		    (unsigned long)v[i].start, (unsigned long)v[i].end,
		    v[i].rights & MAP_R ? 'r' : '-', v[i].rights & MAP_W ? 'w' : '-',
		    v[i].rights & MAP_X ? 'x' : '-',
		    v[i].backing == PG_BACK_SHARED && !v[i].priv ? 's' : 'p', *name ? "    " : "",
		    v[i].backing == PG_BACK_FILE ? "/" : "", name);
	}
}

/* smaps' lines for one region (or, rollup, the sums of all: name NULL). */
static void smaps_block(struct text *t, uint64_t size, uint64_t rss, uint64_t anon,
			uint64_t shared)
{
	uint64_t kb = PAGE_SIZE / 1024;
	put(t, "Size:           %8lu kB\nKernelPageSize: %8lu kB\nMMUPageSize:    %8lu kB\n",
	    size * kb, kb, kb);
	put(t, "Rss:            %8lu kB\nPss:            %8lu kB\nPss_Dirty:      %8lu kB\n",
	    rss * kb, rss * kb, rss * kb);
	put(t, "Shared_Clean:   %8lu kB\nShared_Dirty:   %8lu kB\n", 0ul, shared * kb);
	put(t, "Private_Clean:  %8lu kB\nPrivate_Dirty:  %8lu kB\n", 0ul, (rss - shared) * kb);
	put(t, "Referenced:     %8lu kB\nAnonymous:      %8lu kB\nLazyFree:       %8lu kB\n",
	    rss * kb, anon * kb, 0ul);
	put(t, "AnonHugePages:  %8lu kB\nShmemPmdMapped: %8lu kB\nFilePmdMapped:  %8lu kB\n",
	    0ul, 0ul, 0ul);
	put(t, "Shared_Hugetlb: %8lu kB\nPrivate_Hugetlb:%8lu kB\n", 0ul, 0ul);
	put(t, "Swap:           %8lu kB\nSwapPss:        %8lu kB\nLocked:         %8lu kB\n",
	    0ul, 0ul, 0ul);
}

/* /proc/PID/smaps: each maps line and its sizes (every resident page is
 * counted as the process's own and dirty; MAP_SHARED memory's as shared;
 * Pss is Rss), THPeligible and VmFlags as Linux's; rollup: one block for
 * the whole space. */
static void text_smaps(struct text *t, const struct pg_procinfo *pi,
		       const struct pg_region_info *v, size_t n, int rollup)
{
	uint64_t size = 0, rss = 0, anon = 0, shared = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t sz = pages(v[i].start, v[i].end), r = v[i].resident;
		uint64_t sh = v[i].backing == PG_BACK_SHARED && !v[i].priv ? r : 0;
		uint64_t an = v[i].backing == PG_BACK_FILE || sh ? 0 : r;
		if (rollup) {
			size += sz, rss += r, anon += an, shared += sh;
			continue;
		}
		text_maps(t, pi, v + i, 1);
		smaps_block(t, sz, r, an, sh);
		put(t, "THPeligible:    0\nVmFlags: %s%s%s%s%s%s%s\n",
		    v[i].rights & MAP_R ? "rd " : "", v[i].rights & MAP_W ? "wr " : "",
		    v[i].rights & MAP_X ? "ex " : "", sh ? "sh " : "", "mr mw me ",
		    v[i].backing == PG_BACK_STACK ? "gd " : "", v[i].mergeable ? "mg " : "");
	}
	if (rollup) {
		put(t, "%08lx-%08lx ---p 00000000 00:00 0                          [rollup]\n",
		    n ? (unsigned long)v[0].start : 0ul, n ? (unsigned long)v[n - 1].end : 0ul);
		smaps_block(t, size, rss, anon, shared);
	}
}

/* /proc/PID/stat: Linux's 52 fields; what the pager knows (pid, name,
 * parent, group, faults, CPU times (all user time), threads, sizes), 0
 * for the rest. */
static void text_stat(struct text *t, const struct pg_procinfo *pi,
		      const struct pg_region_info *v, size_t n)
{
	struct vm_sums s;
	vm_sums(v, n, &s);
	int pgrp = getpgid((pid_t)pi->pid), sid = getsid((pid_t)pi->pid);
	put(t, "%u (%s) %c %u %d %d 0 -1 4194304 %lu %lu 0 0 %lu 0 %lu 0 20 %d %u 0 0 ",
	    pi->pid, pi->name, pi->state == PG_PROC_ZOMBIE ? 'Z' : 'R', pi->ppid,
	    pgrp < 0 ? 0 : pgrp, sid < 0 ? 0 : sid, (unsigned long)pi->faults,
	    (unsigned long)pi->cfaults, (unsigned long)cputime_units(pi->cpu_ns, 100),
	    (unsigned long)cputime_units(pi->ccpu_ns, 100), getpriority(PRIO_PROCESS, 0),
	    pi->threads);
	put(t, "%lu %lu 18446744073709551615 4194304 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 "
	       "0 0 0 0 0 0 0 0\n",
	    (unsigned long)(s.size * PAGE_SIZE), (unsigned long)s.rss);
}

/* /proc/self/limits: each resource limit as Linux's table prints it. */
static void text_limits(struct text *t)
{
	static const struct { const char *name, *unit; int res; } rows[] = {
		{ "Max cpu time", "seconds", RLIMIT_CPU },
		{ "Max file size", "bytes", RLIMIT_FSIZE },
		{ "Max data size", "bytes", RLIMIT_DATA },
		{ "Max stack size", "bytes", RLIMIT_STACK },
		{ "Max core file size", "bytes", RLIMIT_CORE },
		{ "Max resident set", "bytes", RLIMIT_RSS },
		{ "Max processes", "processes", RLIMIT_NPROC },
		{ "Max open files", "files", RLIMIT_NOFILE },
		{ "Max locked memory", "bytes", RLIMIT_MEMLOCK },
		{ "Max address space", "bytes", RLIMIT_AS },
		{ "Max file locks", "locks", RLIMIT_LOCKS },
		{ "Max pending signals", "signals", RLIMIT_SIGPENDING },
		{ "Max msgqueue size", "bytes", RLIMIT_MSGQUEUE },
		{ "Max nice priority", "", RLIMIT_NICE },
		{ "Max realtime priority", "", RLIMIT_RTPRIO },
		{ "Max realtime timeout", "us", RLIMIT_RTTIME },
	};
	put(t, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
	for (unsigned i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct rlimit rl;
		char soft[24], hard[24];
		getrlimit(rows[i].res, &rl);
		if (rl.rlim_cur == RLIM_INFINITY)
			snprintf(soft, sizeof soft, "unlimited");
		else
			snprintf(soft, sizeof soft, "%lu", (unsigned long)rl.rlim_cur);
		if (rl.rlim_max == RLIM_INFINITY)
			snprintf(hard, sizeof hard, "unlimited");
		else
			snprintf(hard, sizeof hard, "%lu", (unsigned long)rl.rlim_max);
		put(t, "%-25s %-20s %-20s %-10s\n", rows[i].name, soft, hard, rows[i].unit);
	}
}

/* /proc/uptime (seconds since boot; the idle time as the CPUs' idle
 * sum is not kept here: 0) and /proc/loadavg (sysinfo's loads, the
 * processes, the last pid). */
static void text_uptime(struct text *t, int loadavg)
{
	struct sysinfo si;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (!loadavg) {
		put(t, "%ld.%02ld 0.00\n", (long)ts.tv_sec, ts.tv_nsec / 10000000);
		return;
	}
	if (sysinfo(&si) != 0) {
		t->failed = 1;
		return;
	}
	put(t, "%lu.%02lu %lu.%02lu %lu.%02lu 1/%u %d\n", si.loads[0] >> 16,
	    ((si.loads[0] & 0xffff) * 100) >> 16, si.loads[1] >> 16,
	    ((si.loads[1] & 0xffff) * 100) >> 16, si.loads[2] >> 16,
	    ((si.loads[2] & 0xffff) * 100) >> 16, si.procs, getpid());
}

static void text_meminfo(struct text *t)
{
	struct abi_frame_stats *fs = malloc(sizeof *fs); /* large: not on the stack */
	if (!fs || sys_frame_stats((uint64_t)fs, sizeof *fs) != E_OK) {
		free(fs);
		t->failed = 1;
		return;
	}
	uint64_t kb = PAGE_SIZE / 1024;
	put(t, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n",
	    fs->total * kb, fs->free * kb, fs->free * kb);
	put(t, "Buffers:        %8lu kB\nCached:         %8lu kB\nSwapCached:     %8lu kB\n",
	    0ul, 0ul, 0ul);
	put(t, "Active:         %8lu kB\nInactive:       %8lu kB\n",
	    (fs->total - fs->free) * kb, 0ul);
	put(t, "SwapTotal:      %8lu kB\nSwapFree:       %8lu kB\n", 0ul, 0ul);
	put(t, "Dirty:          %8lu kB\nAnonPages:      %8lu kB\nMapped:         %8lu kB\n"
	       "Shmem:          %8lu kB\n", 0ul, (fs->total - fs->free) * kb, 0ul, 0ul);
	/* Linux's heuristic overcommit: the limit is RAM (no swap) */
	put(t, "CommitLimit:    %8lu kB\nCommitted_AS:   %8lu kB\n", fs->total * kb,
	    (fs->total - fs->free) * kb);
	put(t, "HugePages_Total:       0\nHugePages_Free:        0\nHugepagesize:       2048 kB\n");
	free(fs);
}

static void text_cpuinfo(struct text *t)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	for (long i = 0; i < n; i++)
		put(t, "processor\t: %ld\nvendor_id\t: AuthenticAMD\nmodel name\t: QEMU Virtual CPU\n"
		       "cpu cores\t: %ld\nflags\t\t: fpu tsc msr pae cx8 apic sep pge cmov pat "
		       "clflush mmx fxsr sse sse2 syscall nx lm\n\n", i, n);
}

/* The text of file kind for process pid into *t. */
static void make_text(unsigned kind, int pid, struct text *t)
{
	struct pg_procinfo pi;
	struct ksm_stats ks;
	struct pg_region_info *v = NULL;
	size_t n = 0;
	switch (kind & 0xFF) {
	case PF_STATUS:
	case PF_STATM:
	case PF_MAPS:
	case PF_SMAPS:
	case PF_SMAPS_ROLLUP:
	case PF_STAT:
		if (!live_proc(pid, &pi) || regions(pid, &v, &n) != E_OK) {
			t->failed = 1;
			break;
		}
		if ((kind & 0xFF) == PF_STATUS)
			text_status(t, &pi, v, n);
		else if ((kind & 0xFF) == PF_STATM)
			text_statm(t, v, n);
		else if ((kind & 0xFF) == PF_STAT)
			text_stat(t, &pi, v, n);
		else if ((kind & 0xFF) == PF_MAPS)
			text_maps(t, &pi, v, n);
		else
			text_smaps(t, &pi, v, n, (kind & 0xFF) == PF_SMAPS_ROLLUP);
		break;
	case PF_LIMITS: /* the limits are each process's libsys's: ours */
		if (pid != getpid())
			t->failed = 1;
		else
			text_limits(t);
		break;
	case PF_UPTIME:
	case PF_LOADAVG:
		text_uptime(t, (kind & 0xFF) == PF_LOADAVG);
		break;
	case PF_OVERCOMMIT: /* heuristic, as Linux's default */
		put(t, "0\n");
		break;
	case PF_PID_MAX:
		put(t, "65536\n");
		break;
	case PF_OOM_ADJ:
		if (!live_proc(pid, &pi))
			t->failed = 1;
		else
			put(t, "%d\n", pi.oom_score_adj);
		break;
	case PF_KSM_STAT:
	case PF_KSM_MERGING:
		if (ksm_stats((uint32_t)pid, &ks) != E_OK)
			t->failed = 1;
		else if ((kind & 0xFF) == PF_KSM_MERGING)
			put(t, "%lu\n", ks.ksm_merging_pages);
		else
			put(t, "ksm_rmap_items %lu\nksm_merging_pages %lu\nksm_process_profit %ld\n",
			    ks.ksm_rmap_items, ks.ksm_merging_pages, ks.ksm_process_profit);
		break;
	case PF_CMDLINE:
		if (!live_proc(pid, &pi))
			t->failed = 1;
		else
			put(t, "%s%c", pi.name, 0);
		break;
	case PF_MEMINFO:
		text_meminfo(t);
		break;
	case PF_CPUINFO:
		text_cpuinfo(t);
		break;
	case PF_CPU_ONLINE:
		put(t, "0-%ld\n", sysconf(_SC_NPROCESSORS_ONLN) - 1);
		break;
	case PF_KSM:
		if (ksm_stats(0, &ks) != E_OK) {
			t->failed = 1;
		} else if (kind >> 8 == NODES_ROW) {
			put(t, "1\n");
		} else {
			const char *f = (const char *)&ks + ksm_files[kind >> 8].off;
			if (ksm_files[kind >> 8].u32)
				put(t, "%u\n", *(const uint32_t *)f);
			else
				put(t, "%ld\n", *(const int64_t *)f);
		}
		break;
	default:
		t->failed = 1;
	}
	free(v);
}

/* /proc/PID/pagemap at byte pos: Linux's entries, one 8-byte word per
 * page from address pos / 8 * PAGE_SIZE: bit 63 present, 61 file page or
 * shared, 56 mapped by this process only, 0-54 the frame number. */
static ssize_t read_pagemap(uint64_t pos, void *buf, size_t count)
{
	struct pg_page_info info[PG_INFO_MAX_PAGES];
	size_t done = 0;
	while (done < count) {
		uint64_t page = (pos + done) / 8;
		if (page >= PG_USER_END / PAGE_SIZE)
			break;
		size_t want = (count - done) / 8;
		if (want > PG_INFO_MAX_PAGES)
			want = PG_INFO_MAX_PAGES;
		if (page + want > PG_USER_END / PAGE_SIZE)
			want = PG_USER_END / PAGE_SIZE - page;
		if (page_info((void *)(page * PAGE_SIZE), want * PAGE_SIZE, info))
			return done ? (ssize_t)done : -1;
		for (size_t i = 0; i < want; i++) {
			uint64_t e = 0;
			if (info[i].flags & PGI_PRESENT) {
				e = 1ull << 63 | (info[i].pfn & ((1ull << 55) - 1));
				if (info[i].flags & (PGI_FILE | PGI_SHARED))
					e |= 1ull << 61;
				if (info[i].mapcount == 1)
					e |= 1ull << 56;
			}
			memcpy((char *)buf + done, &e, 8);
			done += 8;
		}
	}
	return (ssize_t)done;
}

ssize_t libsys_procfs_read(unsigned kind, int pid, uint64_t pos, void *buf, size_t count)
{
	if (kind == PF_PAGEMAP && (pos % 8 || count % 8))
		return libsys_fail(E_INVAL); /* whole entries only, as Linux's */
	if (count) { /* a bad buffer is EFAULT, part of one a short read */
		count = libsys_user_room(buf, count, 1);
		if (kind == PF_PAGEMAP)
			count -= count % 8;
		if (!count)
			return libsys_fail(E_FAULT);
	}
	if (kind == PF_PAGEMAP) {
		if (pid != getpid()) /* a descriptor a fork child inherited */
			return libsys_fail(E_PERM);
		return read_pagemap(pos, buf, count);
	}
	struct text t = { 0 };
	make_text(kind, pid, &t);
	if (t.failed) {
		free(t.p);
		return libsys_fail(E_NOMEM);
	}
	size_t n = pos < t.len ? t.len - pos : 0;
	if (n > count)
		n = count;
	if (n)
		memcpy(buf, t.p + pos, n);
	free(t.p);
	return (ssize_t)n;
}

ssize_t libsys_procfs_write(unsigned kind, const void *buf, size_t count)
{
	char s[32];
	size_t n = count < sizeof s - 1 ? count : sizeof s - 1;
	if (n && libsys_user_room(buf, n, 0) < n)
		return libsys_fail(E_FAULT);
	memcpy(s, buf, n);
	s[n] = 0;
	const char *p = s;
	int neg = *p == '-';
	p += neg;
	long v = number(&p);
	if (v < 0 || (*p && *p != '\n'))
		return libsys_fail(E_INVAL);
	int e = E_INVAL;
	if (kind == PF_OOM_ADJ) {
		e = v > 1000 ? E_INVAL : oom_score_adj_set((int)(neg ? -v : v), NULL);
	} else if ((kind & 0xFF) == PF_KSM && !neg) {
		unsigned row = kind >> 8;
		if (row == NODES_ROW) /* one node: either setting is the same */
			e = v <= 1 ? E_OK : E_INVAL;
		else if (ksm_files[row].ctl)
			e = ksm_ctl(ksm_files[row].ctl, (uint64_t)v, 0, NULL);
	}
	return e ? libsys_fail(e) : (ssize_t)count;
}

/* ---- directories and links ---- */

/* The initrd name of process pid's program into name (cap bytes): ours
 * from the startup page (the program's name first in its strings, as
 * spawn and exec put it), another's from PG_PS's name, which is cut at
 * PG_NAME_MAX - 1 bytes (then the one initrd program it begins).  0 if
 * pid is no live process. */
static int program_of(int pid, char *name, size_t cap)
{
	struct pg_procinfo pi;
	if (pid == getpid()) {
		const struct pg_startup *st = (const void *)PG_STARTUP_VA;
		snprintf(name, cap, "%.*s", (int)sizeof st->strings, st->strings);
		return 1;
	}
	if (!live_proc(pid, &pi))
		return 0;
	pi.name[sizeof pi.name - 1] = '\0';
	snprintf(name, cap, "%s", pi.name);
	size_t n = strlen(pi.name), found = 0;
	char f[256];
	uint64_t size;
	for (unsigned i = 0; n == sizeof pi.name - 1 &&
	     initrd_stat(i, f, sizeof f, &size) == E_OK; i++)
		if (!strncmp(f, pi.name, n) && !found++)
			snprintf(name, cap, "%s", f);
	if (found > 1)
		snprintf(name, cap, "%s", pi.name);
	return 1;
}

/* The /proc link path names ("proc/self", "proc/PID/exe", "proc/PID/fd/N";
 * no leading '/'): its target into out (cap bytes, NUL-terminated), *fd =
 * N for a descriptor's link (else -1).  E_OK, E_NOENT (no such link),
 * E_PERM (another process's descriptors), E_RANGE (cap too small). */
int libsys_procfs_link(const char *path, char *out, size_t cap, int *fd)
{
	const char *rest;
	*fd = -1;
	if (!strcmp(path, "proc/self")) {
		snprintf(out, cap, "%d", (int)getpid());
		return E_OK;
	}
	int pid = strncmp(path, "proc/", 5) ? 0 : pid_part(path + 5, &rest);
	if (!pid)
		return E_NOENT;
	if (!strcmp(rest, "exe")) {
		char name[256];
		if (!program_of(pid, name, sizeof name))
			return E_NOENT;
		return (size_t)snprintf(out, cap, "/%s", name) < cap ? E_OK : E_RANGE;
	}
	if (strncmp(rest, "fd/", 3))
		return E_NOENT;
	rest += 3;
	long n = number(&rest);
	if (n < 0 || *rest)
		return E_NOENT;
	if (pid != getpid())
		return E_PERM;
	int e = libsys_fd_link((int)n, out, cap);
	if (e == E_OK)
		*fd = (int)n;
	return e;
}

/* The files of /proc/PID/ beyond pid_files: name, type. */
static const struct { const char *name; unsigned char type; } pid_more[] = {
	{ "fd", DT_DIR }, { "exe", DT_LNK },
};
#define PID_FILES (sizeof pid_files / sizeof pid_files[0])

/* The fixed entries of /proc: name, type. */
static const struct { const char *name; unsigned char type; } proc_fixed[] = {
	{ "self", DT_LNK }, { "meminfo", DT_REG }, { "cpuinfo", DT_REG },
	{ "uptime", DT_REG }, { "loadavg", DT_REG },
};
#define PROC_FIXED (sizeof proc_fixed / sizeof proc_fixed[0])

int libsys_procfs_dirent(const char *abs, uint64_t *at, char *name, size_t cap,
			 unsigned char *type)
{
	const char *rest;
	if (!strcmp(abs, "/proc")) {
		if (*at < PROC_FIXED) {
			snprintf(name, cap, "%s", proc_fixed[*at].name);
			*type = proc_fixed[(*at)++].type;
			return 1;
		}
		struct pg_procinfo pi; /* then the live processes, from the pid at says */
		size_t n = 0;
		for (uint64_t from = *at - PROC_FIXED + 1;; from = pi.pid + 1) {
			if (from > 0x7fffffff || pager_ps((uint32_t)from, &pi, 1, &n) || n != 1)
				return 0;
			if (pi.state == PG_PROC_RUNNING)
				break;
		}
		*at = pi.pid + PROC_FIXED;
		snprintf(name, cap, "%u", pi.pid);
		*type = DT_DIR;
		return 1;
	}
	if (strncmp(abs, "/proc/", 6))
		return 0;
	int pid = pid_part(abs + 6, &rest);
	if (!pid)
		return 0;
	if (!*rest) {
		if (*at < PID_FILES) {
			snprintf(name, cap, "%s", pid_files[(*at)++].name);
			*type = DT_REG;
			return 1;
		}
		if (*at >= PID_FILES + sizeof pid_more / sizeof pid_more[0])
			return 0;
		snprintf(name, cap, "%s", pid_more[*at - PID_FILES].name);
		*type = pid_more[(*at)++ - PID_FILES].type;
		return 1;
	}
	if (strcmp(rest, "fd") || pid != getpid())
		return 0;
	int fd = libsys_fd_next((int)*at);
	if (fd < 0)
		return 0;
	*at = (uint64_t)fd + 1;
	snprintf(name, cap, "%d", fd);
	*type = DT_LNK;
	return 1;
}
