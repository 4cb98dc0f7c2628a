/* sh's statistics commands: ps, vmstat, frames, meminfo, memmap, pmap,
 * ksm, uptime, cpus.  Each takes -r for `key value` lines (for scripts
 * and tests) instead of the human form. */
#include "sh.h"
#include "sys/ksm.h"

#define KIB_PER_FRAME 4

/* A statistic: "key value" with -r, else "  label   value". */
static void stat_line(bool raw, const char *key, uint64_t v, const char *label)
{
	if (raw)
		printf("%s %lu\n", key, v);
	else
		printf("  %-44s %12lu\n", label, v);
}

/* The same for a number of frames, shown in kB in the human form. */
static void stat_kb(bool raw, const char *key, uint64_t frames, const char *label)
{
	if (raw)
		printf("%s %lu\n", key, frames * KIB_PER_FRAME);
	else
		printf("%-12s %10lu kB  %s\n", key, frames * KIB_PER_FRAME, label);
}

static struct abi_frame_stats fstats; /* large: not on the stack */
static struct abi_sysinfo sinfo;

static int get_frame_stats(void)
{
	int e = sys_frame_stats((uint64_t)&fstats, sizeof fstats);
	if (e)
		printf("sh: frame_stats: %s\n", err_str(e));
	return e;
}

static int get_sysinfo(void)
{
	int e = sys_sysinfo((uint64_t)&sinfo, sizeof sinfo);
	if (e)
		printf("sh: sysinfo: %s\n", err_str(e));
	return e;
}

static int get_pager_stats(struct pg_stats *st)
{
	int e = pager_stats(st);
	if (e)
		printf("sh: pager stats: %s\n", err_str(e));
	return e;
}

static struct pg_procinfo procs[IPC_BUF_MAX / sizeof(struct pg_procinfo)];

/* Every process into procs[]; returns how many (0 on error, said). */
static size_t get_procs(void)
{
	size_t n = 0;
	int e = pager_ps(0, procs, sizeof procs / sizeof procs[0], &n);
	if (e)
		printf("sh: ps: %s\n", err_str(e));
	return e ? 0 : n;
}

/* The name of process pid ("?" if unknown). */
static const char *proc_name(uint32_t pid)
{
	size_t n = get_procs();
	for (size_t i = 0; i < n; i++)
		if (procs[i].pid == pid)
			return procs[i].name;
	return "?";
}

int cmd_ps(int argc, char **argv)
{
	bool raw = sh_take_raw(&argc, &argv);
	if (argc > 1)
		return sh_usage("ps");
	size_t n = get_procs();
	if (!raw)
		printf("  PID  PPID NAME             STATE   THREADS RESIDENT   FAULTS OOM_ADJ  MERGED\n");
	for (size_t i = 0; i < n; i++) {
		const struct pg_procinfo *p = &procs[i];
		const char *state = p->state == PG_PROC_RUNNING ? "running" : "zombie";
		bool prot = p->oom_flags & PG_OOM_PROTECTED;
		char adj[12];
		fmt_snprintf(adj, sizeof adj, "%d", p->oom_score_adj);
		if (raw)
			printf("proc %u %u %s %s %u %lu %lu %d %d %lu\n", p->pid, p->ppid,
			       p->name, state, p->threads, p->resident, p->faults,
			       p->oom_score_adj, prot, p->ksm_merging_pages);
		else
			printf("%5u %5u %-16s %-7s %7u %8lu %8lu %7s %7lu\n", p->pid, p->ppid,
			       p->name, state, p->threads, p->resident, p->faults,
			       prot ? "never" : adj, p->ksm_merging_pages);
	}
	return n ? 0 : 1;
}

/* The pager's counters, with the key, the offset in struct pg_stats and
 * the human label. */
#define PGS(field) __builtin_offsetof(struct pg_stats, field)
static const struct {
	const char *key;
	size_t off;
	const char *label;
} vm_rows[] = {
	{ "faults_total",     PGS(faults_total),     "page faults served (the pager's map up to 17 pages)" },
	{ "faults_kernel",    PGS(faults_kernel),    "  of them by the kernel alone (fill marks)" },
	{ "faults_zero",      PGS(faults_zero),      "  pages filled: demand-zero (anonymous, heap)" },
	{ "faults_zero_read", PGS(faults_zero_read), "  reads mapped to the shared zero frame" },
	{ "faults_file",      PGS(faults_file),      "  pages filled from the initrd (program)" },
	{ "faults_stack",     PGS(faults_stack),     "  stack pages grown" },
	{ "text_shared",      PGS(text_shared),      "  program pages shared with a running copy" },
	{ "cow_copies",       PGS(cow_copies),       "copy-on-write: copies" },
	{ "cow_reuses",       PGS(cow_reuses),       "copy-on-write: reuses (last sharer)" },
	{ "cow_frames",       PGS(cow_frames),       "frames shared through COW now" },
	{ "kills",            PGS(kills),            "processes killed by a fault" },
	{ "oom_kills",        PGS(oom_kills),        "  of them for want of memory (OOM)" },
	{ "oom_waits",        PGS(oom_waits),        "faults that waited for an OOM victim's frames" },
	{ "oom_reaped",       PGS(oom_reaped),       "OOM victims whose frames came back" },
	{ "oom_timeouts",     PGS(oom_timeouts),     "OOM victims not back in time (another chosen)" },
	{ "oom_call_fails",   PGS(oom_call_fails),   "system calls failed for want of memory" },
	{ "forks",            PGS(forks),            "forks" },
	{ "spawns",           PGS(spawns),           "spawns" },
	{ "exits",            PGS(exits),            "exits (killed ones too)" },
	{ "processes",        PGS(processes),        "processes alive" },
	{ "frames_held",      PGS(frames_held),      "frames the pager gave to processes" },
	{ "pool_frames",      PGS(pool_frames),      "frames the pager's own tables grew by" },
	{ "requests",         PGS(requests),         "requests served (mmap, fork, waitpid, ...)" },
	{ "waits_blocked",    PGS(waits_blocked),    "waitpid calls answered when the child ended" },
};
#define VM_ROWS (sizeof vm_rows / sizeof vm_rows[0])

/* The counter at byte offset off of st. */
static uint64_t vm_field(const struct pg_stats *st, size_t off)
{
	return *(const uint64_t *)((const char *)st + off);
}

static void vm_show(bool raw, const struct pg_stats *st)
{
	for (size_t i = 0; i < VM_ROWS; i++)
		stat_line(raw, vm_rows[i].key, vm_field(st, vm_rows[i].off), vm_rows[i].label);
	if (sys_frame_stats((uint64_t)&fstats, sizeof fstats) == E_OK)
		stat_line(raw, "pcp_oom_drains", fstats.oom_drains,
			  "per-CPU caches drained for want of memory");
	static struct ksm_stats ks;
	if (ksm_stats(0, &ks) == E_OK) {
		stat_line(raw, "ksm_pages_shared", ks.pages_shared, "KSM: merged frames");
		stat_line(raw, "ksm_pages_sharing", ks.pages_sharing, "KSM: pages sharing them (less one each)");
		stat_line(raw, "ksm_zero_pages", ks.ksm_zero_pages, "KSM: pages mapped to the zero frame");
		stat_line(raw, "ksm_full_scans", ks.full_scans, "KSM: full scans");
	}
}

/* vmstat N: one line per interval, the first since boot, then the change;
 * each column names its field (never a position in vm_rows). */
static const struct {
	const char *head;
	size_t off;
} vm_cols[] = {
	{ "faults", PGS(faults_total) }, { "zero", PGS(faults_zero) },
	{ "zread", PGS(faults_zero_read) }, { "file", PGS(faults_file) },
	{ "stack", PGS(faults_stack) }, { "cow-cp", PGS(cow_copies) },
	{ "cow-re", PGS(cow_reuses) }, { "forks", PGS(forks) },
	{ "spawns", PGS(spawns) }, { "exits", PGS(exits) }, { "kills", PGS(kills) },
	{ "oom", PGS(oom_kills) }, { "oomwt", PGS(oom_waits) },
};
#define VM_COLS (sizeof vm_cols / sizeof vm_cols[0])

static void vm_line(const struct pg_stats *now, const struct pg_stats *before, bool head)
{
	if (head) {
		for (size_t i = 0; i < VM_COLS; i++)
			printf(i == 0 ? "%8s" : " %6s", vm_cols[i].head);
		printf("\n");
	}
	for (size_t i = 0; i < VM_COLS; i++)
		printf(i == 0 ? "%8lu" : " %6lu",
		       vm_field(now, vm_cols[i].off) - vm_field(before, vm_cols[i].off));
	printf("\n");
}

int cmd_vmstat(int argc, char **argv)
{
	static struct pg_stats st, prev, zero;
	bool raw = sh_take_raw(&argc, &argv);
	uint64_t every = 0, count = 0;
	if (argc > 3 || (argc > 1 && (!sh_parse_num(argv[1], 3600, &every) || every == 0)) ||
	    (argc > 2 && (!sh_parse_num(argv[2], 1000000, &count) || count == 0))) {
		printf("vmstat: bad interval or count (seconds 1..3600, count 1..1000000)\n");
		return sh_usage("vmstat");
	}
	if (get_pager_stats(&st))
		return 1;
	if (!every) {
		vm_show(raw, &st);
		return 0;
	}
	for (uint64_t i = 0; count == 0 || i < count; i++) {
		if (i && (ed_nap_ctrl_c((unsigned)every * 1000) || get_pager_stats(&st))) {
			printf("^C\n");
			break;
		}
		if (raw) {
			vm_show(true, &st);
			printf("\n");
		} else {
			vm_line(&st, i ? &prev : &zero, i % 20 == 0);
		}
		prev = st;
	}
	return 0;
}

int cmd_frames(int argc, char **argv)
{
	static const char *const purpose[ABI_PURPOSES] = {
		[ABI_PURPOSE_NONE] = "none", [ABI_PURPOSE_FIRMWARE] = "firmware",
		[ABI_PURPOSE_KERNEL] = "kernel", [ABI_PURPOSE_PAGE_TABLE] = "page_table",
		[ABI_PURPOSE_KERNEL_DATA] = "kernel_data", [ABI_PURPOSE_USER_DATA] = "user_data",
		[ABI_PURPOSE_CUSTOM] = "custom" };
	bool raw = sh_take_raw(&argc, &argv);
	char key[32];
	if (argc > 1)
		return sh_usage("frames");
	if (get_frame_stats())
		return 1;
	if (!raw)
		printf("frames (4 KiB):\n");
	stat_line(raw, "total", fstats.total, "managed by the allocator");
	stat_line(raw, "free", fstats.free, "free (buddy lists and per-CPU caches)");
	stat_line(raw, "reserved", fstats.reserved, "reserved (firmware, kernel image, MetaSlots)");
	stat_line(raw, "poisoned", fstats.poisoned, "poisoned (out of service)");
	if (!raw)
		printf("used, by purpose:\n");
	for (int p = ABI_PURPOSE_NONE + 1; p < ABI_PURPOSES; p++) {
		fmt_snprintf(key, sizeof key, "used_%s", purpose[p]);
		stat_line(raw, key, fstats.by_purpose[p], purpose[p]);
	}
	if (!raw)
		printf("free blocks, by order (order n = 2^n frames):\n");
	for (int o = 0; o <= ABI_MAX_ORDER; o++) {
		fmt_snprintf(key, sizeof key, "free_blocks_order%d", o);
		stat_line(raw, key, fstats.free_blocks[o], key + strlen("free_blocks_"));
	}
	if (!raw)
		printf("per-CPU caches:\n");
	for (unsigned c = 0; c < fstats.ncpus && c < ABI_MAX_CPUS; c++) {
		fmt_snprintf(key, sizeof key, "pcp_cached_cpu%u", c);
		stat_line(raw, key, fstats.pcp_cached[c], key + strlen("pcp_cached_"));
	}
	stat_line(raw, "pcp_refills", fstats.pcp_refills, "refills (batches from the buddy lists)");
	stat_line(raw, "pcp_drains", fstats.pcp_drains, "drains (batches back)");
	stat_line(raw, "pcp_oom_drains", fstats.oom_drains,
		  "drains of every CPU's cache for want of memory");
	stat_line(raw, "pcp_oom_drained", fstats.oom_drained, "  frames they gave back");
	stat_line(raw, "nomem", fstats.nomem, "allocations refused for want of memory");
	stat_line(raw, "zero_ready", fstats.zero_ready, "free frames zeroed ahead by idle CPUs");
	stat_line(raw, "zero_hits", fstats.zero_hits, "zeroed requests served pre-zeroed");
	stat_line(raw, "zero_misses", fstats.zero_misses, "  zeroed on the spot (none ready)");
	stat_line(raw, "zero_made", fstats.zero_made, "frames zeroed ahead since boot");
	stat_line(raw, "allocs", fstats.allocs, "blocks allocated since boot");
	stat_line(raw, "frees", fstats.frees, "blocks freed since boot");
	return 0;
}

int cmd_meminfo(int argc, char **argv)
{
	static struct pg_stats st;
	bool raw = sh_take_raw(&argc, &argv);
	if (argc > 1)
		return sh_usage("meminfo");
	if (get_pager_stats(&st) || get_frame_stats())
		return 1;
	uint64_t *u = fstats.by_purpose, user_data = u[ABI_PURPOSE_USER_DATA];
	uint64_t pager = user_data > st.frames_held ? user_data - st.frames_held : 0;
	stat_kb(raw, "MemTotal", fstats.total, "managed by the frame allocator");
	stat_kb(raw, "MemFree", fstats.free, "");
	stat_kb(raw, "MemUsed", fstats.total - fstats.free, "");
	stat_kb(raw, "Kernel", u[ABI_PURPOSE_NONE] + u[ABI_PURPOSE_KERNEL] +
		u[ABI_PURPOSE_KERNEL_DATA] + u[ABI_PURPOSE_CUSTOM], "kernel stacks and objects");
	stat_kb(raw, "PageTables", u[ABI_PURPOSE_PAGE_TABLE], "");
	stat_kb(raw, "Pager", pager, "the pager itself: image, initrd copy, pools, zero frame");
	stat_kb(raw, "User", st.frames_held, "pages of processes");
	stat_kb(raw, "CowShared", st.cow_frames, "of them shared through copy-on-write");
	stat_kb(raw, "Firmware", u[ABI_PURPOSE_FIRMWARE], "");
	stat_kb(raw, "Reserved", fstats.reserved, "not in MemTotal: kernel image, MetaSlots, holes");
	stat_kb(raw, "Poisoned", fstats.poisoned, "");
	return 0;
}

#define MAP_COLS  64
#define MAP_CELLS 1024
static const char map_chars[MEMMAP_KINDS] = {
	[MEMMAP_FREE] = '.', [MEMMAP_FIRMWARE] = '#', [MEMMAP_KERNEL] = 'K',
	[MEMMAP_PAGE_TABLE] = 'P', [MEMMAP_USER] = 'U', [MEMMAP_SHARED] = 'S',
	[MEMMAP_POISONED] = 'X', [MEMMAP_MERGED] = 'M' };
static const char *const map_names[MEMMAP_KINDS] = {
	[MEMMAP_FREE] = "free", [MEMMAP_FIRMWARE] = "firmware", [MEMMAP_KERNEL] = "kernel",
	[MEMMAP_PAGE_TABLE] = "page_table", [MEMMAP_USER] = "user", [MEMMAP_SHARED] = "shared",
	[MEMMAP_POISONED] = "poisoned", [MEMMAP_MERGED] = "merged" };

/* Fill cells[] from the kernel with about MAP_CELLS cells; *per = frames
 * per cell.  Returns the number of cells, 0 on error (said). */
static size_t memmap_read(uint8_t *cells, size_t max, uint64_t *per)
{
	struct sys_regs r;
	uint64_t frames = fstats.total + fstats.reserved;
	*per = frames / MAP_CELLS + 1;
	int e;
	while ((e = sys_memmap_r((uint64_t)cells, max, *per, &r)) == E_INVAL && *per < frames)
		*per *= 2;
	if (e)
		printf("memmap: %s\n", err_str(e));
	return e ? 0 : r.rdi;
}

int cmd_memmap(int argc, char **argv)
{
	static uint8_t cells[4096];
	static char map[4096 + 1];
	uint64_t per, count[MEMMAP_KINDS] = { 0 };
	bool raw = sh_take_raw(&argc, &argv);
	if (argc > 1)
		return sh_usage("memmap");
	size_t n = get_frame_stats() ? 0 : memmap_read(cells, sizeof cells, &per);
	if (!n)
		return 1;
	for (size_t i = 0; i < n; i++) {
		unsigned k = cells[i] < MEMMAP_KINDS ? cells[i] : MEMMAP_FIRMWARE;
		count[k]++;
		map[i] = map_chars[k];
	}
	map[n] = 0;
	if (raw) {
		printf("frames_per_cell %lu\ncells %lu\n", per, (uint64_t)n);
		for (int k = 0; k < MEMMAP_KINDS; k++)
			printf("cells_%s %lu\n", map_names[k], count[k]);
		map[n] = '\n'; /* longer than one printf (1 KiB): written whole */
		printf("map ");
		console_write(map, n + 1);
		return 0;
	}
	printf("physical memory: one character = %lu frames (%lu KiB), the kind most of them are\n",
	       per, per * KIB_PER_FRAME);
	for (size_t i = 0; i < n; i += MAP_COLS)
		printf("%5lu MiB %.*s\n", i * per * KIB_PER_FRAME / 1024,
		       (int)(n - i < MAP_COLS ? n - i : MAP_COLS), map + i);
	printf("legend: . free %lu   # firmware %lu   K kernel %lu   P page tables %lu\n"
	       "        U user %lu   S shared (COW, zero page) %lu   M merged (KSM) %lu"
	       "   X poisoned %lu\n",
	       count[MEMMAP_FREE], count[MEMMAP_FIRMWARE], count[MEMMAP_KERNEL],
	       count[MEMMAP_PAGE_TABLE], count[MEMMAP_USER], count[MEMMAP_SHARED],
	       count[MEMMAP_MERGED], count[MEMMAP_POISONED]);
	return 0;
}

int cmd_pmap(int argc, char **argv)
{
	static struct pg_region_info v[IPC_BUF_MAX / sizeof(struct pg_region_info)];
	static const char *const backing[] = {
		[PG_BACK_FIXED] = "fixed", [PG_BACK_ANON] = "anon", [PG_BACK_FILE] = "file",
		[PG_BACK_STACK] = "stack", [PG_BACK_HEAP] = "heap", [PG_BACK_SHARED] = "shared" };
	bool raw = sh_take_raw(&argc, &argv);
	uint64_t total = 0, bytes = 0;
	uint32_t pid;
	size_t n;
	if (argc != 2)
		return sh_usage("pmap");
	if (!sh_parse_pid("pmap", argv[1], &pid))
		return 1;
	int e = pager_pmap(pid, v, sizeof v / sizeof v[0], &n);
	if (e) {
		printf("pmap: %s: %s\n", argv[1], e == E_NOENT ? "no such process" : err_str(e));
		return 1;
	}
	if (!raw)
		printf("pid %u (%s): %lu regions\n  START            END              "
		       "     SIZE RIGHTS BACKING RESIDENT   MERGED\n", pid, proc_name(pid), n);
	for (size_t i = 0; i < n; i++) {
		char rights[4] = { v[i].rights & MAP_R ? 'r' : '-', v[i].rights & MAP_W ? 'w' : '-',
				   v[i].rights & MAP_X ? 'x' : '-', 0 };
		const char *b = v[i].backing <= PG_BACK_SHARED ? backing[v[i].backing] : "?";
		total += v[i].resident;
		bytes += v[i].end - v[i].start;
		if (raw)
			printf("region %lx %lx %s %s %lu %lu\n", v[i].start, v[i].end, rights, b,
			       v[i].resident, v[i].merged);
		else
			printf("  %016lx %016lx %7lu KiB %s    %-7s %8lu %8lu%s\n", v[i].start,
			       v[i].end, (v[i].end - v[i].start) >> 10, rights, b, v[i].resident,
			       v[i].merged, v[i].mergeable ? " mergeable" : "");
	}
	if (raw)
		printf("regions %lu\nresident %lu\n", (uint64_t)n, total);
	else
		printf("  total %lu KiB mapped, %lu pages resident\n", bytes >> 10, total);
	return 0;
}

/* ksm [-r]: the statistics; ksm KEY VALUE [CPU%]: a control. */
int cmd_ksm(int argc, char **argv)
{
	static struct ksm_stats st;
	bool raw = sh_take_raw(&argc, &argv);
	unsigned k = argc > 1 ? ksm_ctl_key(argv[1]) : 0;
	uint64_t v = 0, cpu = 0;
	if (argc == 1) {
		if (ksm_stats(0, &st))
			return 1;
		ksm_stats_print(&st, raw);
		return 0;
	}
	if (k == KSM_CTL_DOMAINS && argc == 3)
		v = strcmp(argv[2], "on") == 0 ? 1 : strcmp(argv[2], "off") == 0 ? 0 : 2;
	else if (argc == 3 || argc == 4)
		v = sh_parse_num(argv[2], KSM_PAGES_MAX, &v) ? v : KSM_PAGES_MAX + 1;
	if (k == KSM_CTL_ADVISOR && argc == 4) {
		size_t n = strlen(argv[3]);
		if (n && argv[3][n - 1] == '%')
			argv[3][n - 1] = 0;
		if (!sh_parse_num(argv[3], 100, &cpu))
			return sh_usage("ksm");
	}
	if (!k || argc != (k == KSM_CTL_ADVISOR ? 4 : 3))
		return sh_usage("ksm");
	int e = ksm_ctl(k, v, cpu, NULL);
	if (e)
		printf("ksm: %s: %s\n", argv[1], err_str(e));
	return e ? 1 : 0;
}

int cmd_uptime(int argc, char **argv)
{
	static struct pg_stats st;
	bool raw = sh_take_raw(&argc, &argv);
	if (argc > 1)
		return sh_usage("uptime");
	if (get_sysinfo() || get_pager_stats(&st))
		return 1;
	uint64_t ms = sinfo.ticks_ms, s = ms / 1000;
	if (raw)
		printf("uptime_ms %lu\ncpus %u\nprocesses %lu\n", ms, sinfo.ncpus, st.processes);
	else
		printf("up %lu:%02lu:%02lu.%03lu, %u CPUs, %lu processes\n", s / 3600,
		       s / 60 % 60, s % 60, ms % 1000, sinfo.ncpus, st.processes);
	return 0;
}

int cmd_cpus(int argc, char **argv)
{
	bool raw = sh_take_raw(&argc, &argv);
	if (argc > 1)
		return sh_usage("cpus");
	if (get_sysinfo())
		return 1;
	if (!raw)
		printf("CPU   IDLE(ms)  BUSY(ms) IDLE%%   SWITCHES (threads run)\n");
	for (unsigned c = 0; c < sinfo.ncpus && c < ABI_MAX_CPUS; c++) {
		uint64_t idle = sinfo.cpu[c].idle_ticks, t = sinfo.cpu[c].ticks;
		uint64_t busy = t > idle ? t - idle : 0;
		if (raw)
			printf("cpu%u_idle_ms %lu\ncpu%u_ticks %lu\ncpu%u_switches %lu\n", c,
			       idle, c, t, c, sinfo.cpu[c].switches);
		else
			printf("%3u %10lu %9lu %4lu%% %10lu\n", c, idle, busy,
			       t ? idle * 100 / t : 0, sinfo.cpu[c].switches);
	}
	return 0;
}
