/* sh: the shell.  init keeps it running on the console (serial line and
 * VGA with the PS/2 keyboard).
 *
 * Input: a line editor over console_read (the kernel does not echo; we do):
 * backspace, Ctrl-U (erase the line), Ctrl-C (drop the line; while a
 * program runs in the foreground, kill it), up/down arrows (history).
 * Other control bytes and bytes >= 0x80 are ignored; a line longer than
 * LINE_MAX - 1 is refused whole.
 *
 * Commands: the built-ins in the table `builtins` (help lists them), else
 * a program from the initrd: `NAME [args...]` runs it and waits, `... &`
 * runs it in the background (reported "[pid] done, status N" at the next
 * prompt after it ends).  Statistics commands take -r for `key value`
 * lines (for scripts and tests) instead of the human form. */
#include <stdbool.h>
#include "sys/sys.h"
#include "sys/ksm.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define LINE_MAX 512 /* bytes of a command line, its NUL included */
#define ARGS_MAX 16  /* words of a command line */
#define HIST_MAX 16  /* lines remembered for the arrows */
#define JOBS_MAX 16  /* background programs at once */
#define PROMPT   "sh> "
#define CTRL(c)  ((c) & 0x1F)
#define KIB_PER_FRAME 4

/* ---- console input: typed bytes not used yet, read ahead ---- */

static char inq[1024];
static size_t inq_head, inq_len;

/* Echo and other output of the line editor, written in one go. */
static char outbuf[256];
static size_t out_len;

static void out_flush(void)
{
	if (out_len)
		console_write(outbuf, out_len);
	out_len = 0;
}

static void out_str(const char *s)
{
	for (; *s; s++) {
		if (out_len == sizeof outbuf)
			out_flush();
		outbuf[out_len++] = *s;
	}
}

/* Move whatever has been typed into the queue (at most what fits);
 * flags as console_read (CONSOLE_NOWAIT: do not wait). */
static void in_fill(unsigned flags)
{
	char buf[64];
	size_t room = sizeof inq - inq_len;
	int n = console_read(buf, room < sizeof buf ? room : sizeof buf, flags);
	for (int i = 0; i < n; i++)
		inq[(inq_head + inq_len++) % sizeof inq] = buf[i];
}

/* The next typed byte, waiting for one. */
static char in_getc(void)
{
	while (inq_len == 0) {
		out_flush();
		in_fill(0);
	}
	char c = inq[inq_head];
	inq_head = (inq_head + 1) % sizeof inq;
	inq_len--;
	return c;
}

/* True if Ctrl-C has been typed (without waiting); it and everything typed
 * before it are dropped, what follows stays for the next prompt. */
static bool in_ctrl_c(void)
{
	in_fill(CONSOLE_NOWAIT);
	for (size_t i = 0; i < inq_len; i++) {
		if (inq[(inq_head + i) % sizeof inq] == CTRL('C')) {
			inq_head = (inq_head + i + 1) % sizeof inq;
			inq_len -= i + 1;
			return true;
		}
	}
	return false;
}

/* Sleep ms milliseconds, in short naps; true (early) if Ctrl-C was typed. */
static bool nap_ctrl_c(unsigned ms)
{
	for (unsigned t = 0; t < ms; t += 20) {
		if (in_ctrl_c())
			return true;
		sleep_ms(ms - t < 20 ? ms - t : 20);
	}
	return in_ctrl_c();
}

/* ---- history ---- */

static char hist[HIST_MAX][LINE_MAX];
static unsigned hist_count; /* lines ever added; the last HIST_MAX are kept */

/* Remember line (not empty lines, not a repeat of the last one). */
static void hist_add(const char *line)
{
	if (!*line || (hist_count && strcmp(hist[(hist_count - 1) % HIST_MAX], line) == 0))
		return;
	fmt_snprintf(hist[hist_count % HIST_MAX], LINE_MAX, "%s", line);
	hist_count++;
}

/* The oldest history index still kept. */
static unsigned hist_first(void)
{
	return hist_count > HIST_MAX ? hist_count - HIST_MAX : 0;
}

/* ---- the line editor ---- */

struct editor {
	char line[LINE_MAX];
	size_t len;
	bool too_long;         /* bytes were dropped: the line is refused */
	int esc;               /* 0; 1 after ESC; 2 inside ESC [ (or ESC O) */
	unsigned hist_pos;     /* history line shown; hist_count: the new one */
	char draft[LINE_MAX];  /* the new line, while history is shown */
	char last;             /* the byte before: \r then \n is one Enter */
};

enum { ED_MORE, ED_ENTER, ED_CANCEL };

/* Erase the line from the screen (and the buffer). */
static void ed_erase(struct editor *ed)
{
	for (; ed->len; ed->len--)
		out_str("\b \b");
	ed->too_long = false;
}

/* Replace the line with text, on the screen too. */
static void ed_set(struct editor *ed, const char *text)
{
	ed_erase(ed);
	ed->len = strlen(text);
	memcpy(ed->line, text, ed->len);
	ed->line[ed->len] = 0;
	out_str(ed->line);
}

/* Arrow up (dir -1) or down (+1): show an older or newer history line. */
static void ed_history(struct editor *ed, int dir)
{
	if (dir < 0 && ed->hist_pos > hist_first()) {
		if (ed->hist_pos == hist_count) {
			ed->line[ed->len] = 0;
			memcpy(ed->draft, ed->line, ed->len + 1);
		}
		ed->hist_pos--;
		ed_set(ed, hist[ed->hist_pos % HIST_MAX]);
	} else if (dir > 0 && ed->hist_pos < hist_count) {
		ed->hist_pos++;
		ed_set(ed, ed->hist_pos == hist_count ? ed->draft :
			   hist[ed->hist_pos % HIST_MAX]);
	}
}

/* One byte after ESC: ESC [ A is up, ESC [ B down (also ESC O A/B); the
 * rest of a sequence is swallowed up to its final byte.  Returns false if
 * c is not part of a sequence (ESC alone, as the Escape key sends it):
 * the caller then takes c as typed. */
static bool ed_escape(struct editor *ed, char c)
{
	if (ed->esc == 1) {
		ed->esc = (c == '[' || c == 'O') ? 2 : 0;
		return ed->esc != 0;
	}
	if (c == 'A' || c == 'B')
		ed_history(ed, c == 'A' ? -1 : 1);
	if (c >= 0x40 && c <= 0x7E)
		ed->esc = 0; /* the final byte */
	else if (c < 0x20 || c > 0x3F)
		ed->esc = 0; /* not a parameter byte: the sequence is dropped */
	return true;
}

/* An ordinary byte: printable ones (tab as a space) go in the line. */
static void ed_insert(struct editor *ed, char c)
{
	if (c == '\t')
		c = ' ';
	if (c < 0x20 || c > 0x7E)
		return; /* other control bytes, bytes >= 0x80: ignored */
	if (ed->len + 1 >= LINE_MAX) {
		ed->too_long = true;
		return;
	}
	ed->line[ed->len++] = c;
	char s[2] = { c, 0 };
	out_str(s);
}

/* Feed one typed byte; ED_ENTER when the line is complete (in ed->line),
 * ED_CANCEL on Ctrl-C, else ED_MORE. */
static int ed_key(struct editor *ed, char c)
{
	char last = ed->last;
	ed->last = c;
	if (ed->esc && ed_escape(ed, c))
		; /* part of an escape sequence */
	else if (c == '\n' && last == '\r')
		; /* the second half of CR LF */
	else if (c == '\r' || c == '\n')
		return ED_ENTER;
	else if (c == CTRL('C'))
		return ED_CANCEL;
	else if (c == 0x7F || c == '\b') {
		if (ed->len) {
			ed->len--;
			out_str("\b \b");
		}
	} else if (c == CTRL('U'))
		ed_erase(ed);
	else if (c == 0x1B)
		ed->esc = 1;
	else
		ed_insert(ed, c);
	return ED_MORE;
}

/* Read one line into ed->line (NUL-terminated).  Returns false if it was
 * dropped: Ctrl-C, or too long (said so). */
static bool read_line(struct editor *ed)
{
	char last = ed->last;
	memset(ed, 0, sizeof *ed);
	ed->last = last;
	ed->hist_pos = hist_count;
	int r;
	while ((r = ed_key(ed, in_getc())) == ED_MORE)
		;
	ed->line[ed->len] = 0;
	out_str(r == ED_CANCEL ? "^C\n" : "\n");
	out_flush();
	if (r == ED_ENTER && ed->too_long)
		printf("sh: line too long (at most %d characters); ignored\n", LINE_MAX - 1);
	return r == ED_ENTER && !ed->too_long;
}

/* ---- helpers ---- */

/* Parse a decimal number in [0, max] from all of s; false if it is not. */
static bool parse_num(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t n = 0;
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*out = n;
	return true;
}

/* Take a leading -r from argv; returns true if it was there (argc, argv
 * then skip it). */
static bool take_raw(int *argc, char ***argv)
{
	if (*argc > 1 && strcmp((*argv)[1], "-r") == 0) {
		(*argv)[1] = (*argv)[0];
		(*argc)--;
		(*argv)++;
		return true;
	}
	return false;
}

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

/* How a child ended, in words: "exit status 3", "killed", "killed by
 * page fault at 0x10 (rip 0x401000)" into buf. */
static void describe_end(const struct wait_status *st, char *buf, size_t n)
{
	static const char *const names[] = { "page fault", "general protection",
					     "invalid opcode", "divide error",
					     "exception" };
	if (st->how == PG_WAIT_EXITED)
		fmt_snprintf(buf, n, "exit status %ld", (long)st->code);
	else if (st->code >= FAULT_PAGE && st->code <= FAULT_OTHER)
		fmt_snprintf(buf, n, "killed by the pager (%s at 0x%lx, rip 0x%lx)",
			     names[st->code - FAULT_PAGE], st->addr, st->rip);
	else
		fmt_snprintf(buf, n, "killed");
}

/* ---- background jobs ---- */

static struct {
	uint32_t pid;
	char name[PG_NAME_MAX];
} jobs[JOBS_MAX];

/* Remember background child pid; false if the table is full. */
static bool job_add(uint32_t pid, const char *name)
{
	for (int i = 0; i < JOBS_MAX; i++) {
		if (jobs[i].pid == 0) {
			jobs[i].pid = pid;
			fmt_snprintf(jobs[i].name, sizeof jobs[i].name, "%s", name);
			return true;
		}
	}
	return false;
}

static int job_count(void)
{
	int n = 0;
	for (int i = 0; i < JOBS_MAX; i++)
		n += jobs[i].pid != 0;
	return n;
}

/* Report and forget every background job that has ended. */
static void jobs_reap(void)
{
	struct wait_status st;
	char how[96];
	for (int i = 0; i < JOBS_MAX; i++) {
		if (jobs[i].pid == 0)
			continue;
		int e = wait_poll(jobs[i].pid, &st);
		if (e == E_AGAIN)
			continue;
		if (e)
			printf("[%u] %s: gone (%s)\n", jobs[i].pid, jobs[i].name, err_str(e));
		else if (st.how == PG_WAIT_EXITED)
			printf("[%u] done, status %ld (%s)\n", jobs[i].pid, (long)st.code,
			       jobs[i].name);
		else {
			describe_end(&st, how, sizeof how);
			printf("[%u] %s (%s)\n", jobs[i].pid, how, jobs[i].name);
		}
		jobs[i].pid = 0;
	}
}

/* ---- running programs ---- */

/* Say why spawning name failed. */
static void spawn_error(const char *name, int e)
{
	if (e == E_NOENT)
		printf("sh: %s: command not found (try 'help' or 'ls')\n", name);
	else if (e == E_NOEXEC)
		printf("sh: %s: not a program\n", name);
	else if (e == E_INVAL)
		printf("sh: %s: too many or too long arguments (at most %d)\n", name,
		       PG_MAX_ARGS - 1);
	else
		printf("sh: %s: cannot start: %s\n", name, err_str(e));
}

/* Wait for foreground child pid; Ctrl-C kills it.  Says how it ended
 * unless it exited 0 or was interrupted. */
static void wait_fg(uint32_t pid, const char *name)
{
	struct wait_status st;
	bool interrupted = false;
	int e;
	while ((e = wait_poll(pid, &st)) == E_AGAIN) {
		if (!interrupted && in_ctrl_c()) {
			interrupted = true;
			int k = kill(pid);
			printf("^C\n");
			if (k && k != E_NOENT)
				printf("sh: kill %u: %s\n", pid, err_str(k));
			continue;
		}
		sleep_ms(10);
	}
	if (e) {
		printf("sh: %s: wait: %s\n", name, err_str(e));
		return;
	}
	if (interrupted || (st.how == PG_WAIT_EXITED && st.code == 0))
		return;
	char how[96];
	describe_end(&st, how, sizeof how);
	printf("sh: %s (pid %u): %s\n", name, pid, how);
}

/* Run the initrd program argv[0] with argv (argv[argc] is NULL), in the
 * background if bg. */
static void run_program(int argc, char **argv, bool bg)
{
	uint32_t pid;
	(void)argc;
	if (strcmp(argv[0], "sh") == 0 || strcmp(argv[0], "init") == 0) {
		printf("sh: %s: not started from the shell (the console has one reader)\n",
		       argv[0]);
		return;
	}
	if (bg && job_count() == JOBS_MAX) {
		printf("sh: %d background jobs already; wait for one to end\n", JOBS_MAX);
		return;
	}
	int e = spawnv((const char *const *)argv, &pid);
	if (e) {
		spawn_error(argv[0], e);
		return;
	}
	if (bg) {
		job_add(pid, argv[0]);
		printf("[%u] %s\n", pid, argv[0]);
	} else {
		wait_fg(pid, argv[0]);
	}
}

/* ---- built-in commands ---- */

struct builtin {
	const char *name, *args, *help;
	int (*fn)(int argc, char **argv);
};
static const struct builtin builtins[];

static int usage(const char *name)
{
	for (const struct builtin *b = builtins; b->name; b++)
		if (strcmp(b->name, name) == 0)
			printf("usage: %s %s\n", b->name, b->args);
	return 2;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("Commands (statistics take -r for 'key value' lines):\n");
	for (const struct builtin *b = builtins; b->name; b++) {
		char head[40];
		fmt_snprintf(head, sizeof head, "%s %s", b->name, b->args);
		printf("  %-26s %s\n", head, b->help);
	}
	printf("  %-26s %s\n", "NAME [ARGS...] [&]",
	       "run program NAME from the initrd (& : in the background)");
	printf("Keys: Backspace, Ctrl-U erase line, Ctrl-C stop the program, Up/Down history\n");
	return 0;
}

static int cmd_echo(int argc, char **argv)
{
	char line[LINE_MAX];
	size_t len = 0;
	line[0] = 0;
	for (int i = 1; i < argc; i++)
		len += (size_t)fmt_snprintf(line + len, sizeof line - len, "%s%s",
					    i > 1 ? " " : "", argv[i]);
	printf("%s\n", line);
	return 0;
}

static int cmd_clear(int argc, char **argv)
{
	(void)argc, (void)argv;
	printf("\033[2J\033[H");
	return 0;
}

static int cmd_ls(int argc, char **argv)
{
	char name[64];
	uint64_t size, total = 0;
	unsigned i = 0;
	int e;
	(void)argv;
	if (argc > 1)
		return usage("ls");
	for (; (e = initrd_stat(i, name, sizeof name, &size)) == E_OK; i++) {
		printf("  %-16s %8lu%s", name, size, i % 3 == 2 ? "\n" : "");
		total += size;
	}
	printf("%s%u programs, %lu bytes\n", i % 3 ? "\n" : "", i, total);
	if (e != E_NOENT)
		printf("ls: %s\n", err_str(e));
	return e == E_NOENT ? 0 : 1;
}

static int cmd_ps(int argc, char **argv)
{
	bool raw = take_raw(&argc, &argv);
	if (argc > 1)
		return usage("ps");
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

/* oomadj [N]: the oom_score_adj this shell's programs inherit. */
static int cmd_oomadj(int argc, char **argv)
{
	bool raw = take_raw(&argc, &argv);
	int now = 0, old = 0;
	if (argc > 2)
		return usage("oomadj");
	if (argc == 2) {
		const char *a = argv[1];
		uint64_t v;
		bool neg = a[0] == '-';
		if (!parse_num(a + neg, 1000, &v)) {
			printf("oomadj: bad value '%s' (-1000 .. 1000)\n", a);
			return 1;
		}
		int e = oom_score_adj_set(neg ? -(int)v : (int)v, &old);
		if (e) {
			printf("oomadj: %s\n", err_str(e));
			return 1;
		}
	}
	if (oom_score_adj_get(&now))
		return 1;
	if (raw)
		printf("oom_score_adj %d\n", now);
	else
		printf("oom_score_adj %d for the programs started from here (-1000: never "
		       "killed for want of memory, 1000: first)\n", now);
	return 0;
}

static int cmd_kill(int argc, char **argv)
{
	uint64_t pid;
	if (argc != 2)
		return usage("kill");
	if (!parse_num(argv[1], UINT32_MAX, &pid) || pid == 0) {
		printf("kill: bad pid '%s'\n", argv[1]);
		return 1;
	}
	int e = kill((uint32_t)pid);
	if (e == E_NOENT)
		printf("kill: no such process: %lu\n", pid);
	else if (e == E_PERM)
		printf("kill: %lu: not started from this shell (permission denied)\n", pid);
	else if (e)
		printf("kill: %lu: %s\n", pid, err_str(e));
	return e ? 1 : 0;
}

/* The pager's counters, with the key, the offset in struct pg_stats and
 * the human label. */
#define PGS(field) __builtin_offsetof(struct pg_stats, field)
static const struct {
	const char *key;
	size_t off;
	const char *label;
} vm_rows[] = {
	{ "faults_total",     PGS(faults_total),     "page faults served (each maps up to 17 pages)" },
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

static int cmd_vmstat(int argc, char **argv)
{
	static struct pg_stats st, prev, zero;
	bool raw = take_raw(&argc, &argv);
	uint64_t every = 0, count = 0;
	if (argc > 3 || (argc > 1 && (!parse_num(argv[1], 3600, &every) || every == 0)) ||
	    (argc > 2 && (!parse_num(argv[2], 1000000, &count) || count == 0))) {
		printf("vmstat: bad interval or count (seconds 1..3600, count 1..1000000)\n");
		return usage("vmstat");
	}
	if (get_pager_stats(&st))
		return 1;
	if (!every) {
		vm_show(raw, &st);
		return 0;
	}
	for (uint64_t i = 0; count == 0 || i < count; i++) {
		if (i && (nap_ctrl_c((unsigned)every * 1000) || get_pager_stats(&st))) {
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

static int cmd_frames(int argc, char **argv)
{
	static const char *const purpose[ABI_PURPOSES] = {
		"none", "firmware", "kernel", "page_table", "kernel_data", "user_data", "custom" };
	bool raw = take_raw(&argc, &argv);
	char key[32];
	if (argc > 1)
		return usage("frames");
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
	for (int p = 1; p < ABI_PURPOSES; p++) {
		fmt_snprintf(key, sizeof key, "used_%s", purpose[p]);
		stat_line(raw, key, fstats.by_purpose[p], key + 5);
	}
	if (!raw)
		printf("free blocks, by order (order n = 2^n frames):\n");
	for (int o = 0; o <= ABI_MAX_ORDER; o++) {
		fmt_snprintf(key, sizeof key, "free_blocks_order%d", o);
		stat_line(raw, key, fstats.free_blocks[o], key + 12);
	}
	if (!raw)
		printf("per-CPU caches:\n");
	for (unsigned c = 0; c < fstats.ncpus && c < ABI_MAX_CPUS; c++) {
		fmt_snprintf(key, sizeof key, "pcp_cached_cpu%u", c);
		stat_line(raw, key, fstats.pcp_cached[c], key + 11);
	}
	stat_line(raw, "pcp_refills", fstats.pcp_refills, "refills (batches from the buddy lists)");
	stat_line(raw, "pcp_drains", fstats.pcp_drains, "drains (batches back)");
	stat_line(raw, "pcp_oom_drains", fstats.oom_drains,
		  "drains of every CPU's cache for want of memory");
	stat_line(raw, "pcp_oom_drained", fstats.oom_drained, "  frames they gave back");
	stat_line(raw, "nomem", fstats.nomem, "allocations refused for want of memory");
	stat_line(raw, "allocs", fstats.allocs, "blocks allocated since boot");
	stat_line(raw, "frees", fstats.frees, "blocks freed since boot");
	return 0;
}

static int cmd_meminfo(int argc, char **argv)
{
	static struct pg_stats st;
	bool raw = take_raw(&argc, &argv);
	if (argc > 1)
		return usage("meminfo");
	if (get_pager_stats(&st) || get_frame_stats())
		return 1;
	uint64_t *u = fstats.by_purpose, user_data = u[5];
	uint64_t pager = user_data > st.frames_held ? user_data - st.frames_held : 0;
	stat_kb(raw, "MemTotal", fstats.total, "managed by the frame allocator");
	stat_kb(raw, "MemFree", fstats.free, "");
	stat_kb(raw, "MemUsed", fstats.total - fstats.free, "");
	stat_kb(raw, "Kernel", u[0] + u[2] + u[4] + u[6], "kernel stacks and objects");
	stat_kb(raw, "PageTables", u[3], "");
	stat_kb(raw, "Pager", pager, "the pager itself: image, initrd copy, pools, zero frame");
	stat_kb(raw, "User", st.frames_held, "pages of processes");
	stat_kb(raw, "CowShared", st.cow_frames, "of them shared through copy-on-write");
	stat_kb(raw, "Firmware", u[1], "");
	stat_kb(raw, "Reserved", fstats.reserved, "not in MemTotal: kernel image, MetaSlots, holes");
	stat_kb(raw, "Poisoned", fstats.poisoned, "");
	return 0;
}

#define MAP_COLS  64
#define MAP_CELLS 1024
static const char map_chars[MEMMAP_KINDS] = { '.', '#', 'K', 'P', 'U', 'S', 'X', 'M' };
static const char *const map_names[MEMMAP_KINDS] = {
	"free", "firmware", "kernel", "page_table", "user", "shared", "poisoned", "merged" };

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

static int cmd_memmap(int argc, char **argv)
{
	static uint8_t cells[4096];
	static char map[4096 + 1];
	uint64_t per, count[MEMMAP_KINDS] = { 0 };
	bool raw = take_raw(&argc, &argv);
	if (argc > 1)
		return usage("memmap");
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
	       count[0], count[1], count[2], count[3], count[4], count[5], count[7], count[6]);
	return 0;
}

static int cmd_pmap(int argc, char **argv)
{
	static struct pg_region_info v[IPC_BUF_MAX / sizeof(struct pg_region_info)];
	static const char *const backing[] = { "fixed", "anon", "file", "stack", "heap", "shared" };
	bool raw = take_raw(&argc, &argv);
	uint64_t pid, total = 0, bytes = 0;
	size_t n;
	if (argc != 2)
		return usage("pmap");
	if (!parse_num(argv[1], UINT32_MAX, &pid) || pid == 0) {
		printf("pmap: bad pid '%s'\n", argv[1]);
		return 1;
	}
	int e = pager_pmap((uint32_t)pid, v, sizeof v / sizeof v[0], &n);
	if (e) {
		printf("pmap: %s: %s\n", argv[1], e == E_NOENT ? "no such process" : err_str(e));
		return 1;
	}
	if (!raw)
		printf("pid %lu (%s): %lu regions\n  START            END              "
		       "     SIZE RIGHTS BACKING RESIDENT   MERGED\n", pid, proc_name((uint32_t)pid), n);
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
static int cmd_ksm(int argc, char **argv)
{
	static struct ksm_stats st;
	bool raw = take_raw(&argc, &argv);
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
		v = parse_num(argv[2], KSM_PAGES_MAX, &v) ? v : KSM_PAGES_MAX + 1;
	if (k == KSM_CTL_ADVISOR && argc == 4) {
		size_t n = strlen(argv[3]);
		if (n && argv[3][n - 1] == '%')
			argv[3][n - 1] = 0;
		if (!parse_num(argv[3], 100, &cpu))
			return usage("ksm");
	}
	if (!k || argc != (k == KSM_CTL_ADVISOR ? 4 : 3))
		return usage("ksm");
	int e = ksm_ctl(k, v, cpu, NULL);
	if (e)
		printf("ksm: %s: %s\n", argv[1], err_str(e));
	return e ? 1 : 0;
}

static int cmd_uptime(int argc, char **argv)
{
	static struct pg_stats st;
	bool raw = take_raw(&argc, &argv);
	if (argc > 1)
		return usage("uptime");
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

static int cmd_cpus(int argc, char **argv)
{
	bool raw = take_raw(&argc, &argv);
	if (argc > 1)
		return usage("cpus");
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

static int cmd_history(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (unsigned i = hist_first(); i < hist_count; i++)
		printf("%5u  %s\n", i + 1, hist[i % HIST_MAX]);
	return 0;
}

/* A status argument (0..127, default 0) for halt and exit; -1 if bad. */
static int status_arg(int argc, char **argv)
{
	uint64_t v = 0;
	if (argc > 2 || (argc == 2 && !parse_num(argv[1], 127, &v))) {
		printf("%s: status must be a number 0..127\n", argv[0]);
		return -1;
	}
	return (int)v;
}

static int cmd_halt(int argc, char **argv)
{
	int status = status_arg(argc, argv);
	if (status < 0)
		return 2;
	printf("sh: halting\n");
	int e = machine_halt(status);
	printf("halt: %s\n", err_str(e));
	return 1;
}

static int cmd_reboot(int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return usage("reboot");
	printf("sh: rebooting\n");
	int e = machine_reboot();
	printf("reboot: %s\n", err_str(e));
	return 1;
}

static int cmd_exit(int argc, char **argv)
{
	int status = status_arg(argc, argv);
	if (status >= 0)
		exit(status); /* init starts a new shell */
	return 2;
}

static const struct builtin builtins[] = {
	{ "help",    "",                  "this list", cmd_help },
	{ "ls",      "",                  "the programs in the initrd, with sizes", cmd_ls },
	{ "ps",      "[-r]",              "processes: pid, name, state, resident pages, faults, oom_score_adj", cmd_ps },
	{ "kill",    "PID",               "end process PID (one started here) and its children", cmd_kill },
	{ "vmstat",  "[-r] [SECS [COUNT]]", "pager counters, OOM kills and waits (every SECS s; Ctrl-C stops)", cmd_vmstat },
	{ "oomadj",  "[-r] [N]",          "show or set (-1000..1000) the oom_score_adj programs started here inherit", cmd_oomadj },
	{ "frames",  "[-r]",              "frame allocator: free, by purpose, by order, per CPU", cmd_frames },
	{ "meminfo", "[-r]",              "memory summary in kB, Linux style", cmd_meminfo },
	{ "memmap",  "[-r]",              "a map of physical memory by kind", cmd_memmap },
	{ "pmap",    "[-r] PID",          "regions of process PID: range, rights, backing, resident", cmd_pmap },
	{ "ksm",     "[-r] [run 0|1|2 | pages_to_scan N | sleep_ms N | advisor SECS CPU% | domains on|off]",
	  "same-page merging: statistics, or set a control", cmd_ksm },
	{ "uptime",  "[-r]",              "time since boot", cmd_uptime },
	{ "cpus",    "[-r]",              "per CPU: idle and busy time, threads run", cmd_cpus },
	{ "echo",    "[WORDS...]",        "print the words", cmd_echo },
	{ "clear",   "",                  "clear the screen", cmd_clear },
	{ "history", "",                  "the lines the arrows recall", cmd_history },
	{ "exit",    "[STATUS]",          "end this shell (init starts a new one)", cmd_exit },
	{ "reboot",  "",                  "reset the machine", cmd_reboot },
	{ "halt",    "[STATUS]",          "stop the machine (QEMU exits)", cmd_halt },
	{ NULL, NULL, NULL, NULL },
};

/* ---- command lines ---- */

/* Split line into words at blanks; argv[argc] = NULL.  Returns argc, or
 * -1 if there are more than ARGS_MAX words. */
static int split(char *line, char **argv)
{
	int argc = 0;
	for (char *s = line; *s;) {
		while (*s == ' ')
			*s++ = 0;
		if (!*s)
			break;
		if (argc == ARGS_MAX)
			return -1;
		argv[argc++] = s;
		while (*s && *s != ' ')
			s++;
	}
	argv[argc] = NULL;
	return argc;
}

/* Take a trailing "&" (a word of its own or the end of the last word);
 * true if there was one. */
static bool take_background(int *argc, char **argv)
{
	if (*argc == 0)
		return false;
	char *last = argv[*argc - 1];
	size_t n = strlen(last);
	if (last[n - 1] != '&')
		return false;
	last[n - 1] = 0;
	if (n == 1)
		argv[--*argc] = NULL;
	return true;
}

/* Run one command line. */
static void run_line(char *line)
{
	char *argv[ARGS_MAX + 1];
	int argc = split(line, argv);
	if (argc < 0) {
		printf("sh: too many words (at most %d)\n", ARGS_MAX);
		return;
	}
	bool bg = take_background(&argc, argv);
	if (argc == 0) {
		if (bg)
			printf("sh: & needs a program before it\n");
		return;
	}
	for (const struct builtin *b = builtins; b->name; b++) {
		if (strcmp(b->name, argv[0]) == 0) {
			if (bg)
				printf("sh: %s is built in; it runs in the foreground\n", b->name);
			b->fn(argc, argv);
			return;
		}
	}
	run_program(argc, argv, bg);
}

int main(void)
{
	static struct editor ed;
	static char line[LINE_MAX];
	printf("sh: pid %u; 'help' lists the commands\n", sys_pid);
	for (;;) {
		jobs_reap();
		printf(PROMPT);
		if (!read_line(&ed))
			continue;
		hist_add(ed.line);
		memcpy(line, ed.line, sizeof line);
		run_line(line);
	}
}
