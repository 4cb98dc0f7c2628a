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
#include "sh.h"

#define ARGS_MAX 16  /* words of a command line */
#define JOBS_MAX 16  /* background programs at once */
#define PROMPT   "sh> "

/* ---- helpers (the statistics commands use them too) ---- */

/* Parse a decimal number in [0, max] from all of s; false if it is not. */
bool sh_parse_num(const char *s, uint64_t max, uint64_t *out)
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

/* Parse a pid (1 .. UINT32_MAX) from s for command cmd; false (said:
 * "cmd: bad pid 's'") if it is not one. */
bool sh_parse_pid(const char *cmd, const char *s, uint32_t *pid)
{
	uint64_t v;
	if (!sh_parse_num(s, UINT32_MAX, &v) || v == 0) {
		printf("%s: bad pid '%s'\n", cmd, s);
		return false;
	}
	*pid = (uint32_t)v;
	return true;
}

/* Take a leading -r from argv; returns true if it was there (argc, argv
 * then skip it). */
bool sh_take_raw(int *argc, char ***argv)
{
	if (*argc > 1 && strcmp((*argv)[1], "-r") == 0) {
		(*argv)[1] = (*argv)[0];
		(*argc)--;
		(*argv)++;
		return true;
	}
	return false;
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
	else if (st->code == PG_KILLED_OOM)
		fmt_snprintf(buf, n, "killed: out of memory");
	else if ((st->code & ~0xffull) == PG_KILLED_SIGNAL)
		fmt_snprintf(buf, n, "killed by signal %d", (int)(st->code & 0xff));
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
	ed_fg_begin(pid);
	int e = waitpid(pid, &st); /* the pager answers when pid ends */
	bool interrupted = ed_fg_end();
	if (interrupted)
		printf("^C\n");
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

int sh_usage(const char *name)
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
		return sh_usage("ls");
	for (; (e = initrd_stat(i, name, sizeof name, &size)) == E_OK; i++) {
		printf("  %-16s %8lu%s", name, size, i % 3 == 2 ? "\n" : "");
		total += size;
	}
	printf("%s%u programs, %lu bytes\n", i % 3 ? "\n" : "", i, total);
	if (e != E_NOENT)
		printf("ls: %s\n", err_str(e));
	return e == E_NOENT ? 0 : 1;
}

/* oomadj [N]: the oom_score_adj this shell's programs inherit. */
static int cmd_oomadj(int argc, char **argv)
{
	bool raw = sh_take_raw(&argc, &argv);
	int now = 0, old = 0;
	if (argc > 2)
		return sh_usage("oomadj");
	if (argc == 2) {
		const char *a = argv[1];
		uint64_t v;
		bool neg = a[0] == '-';
		if (!sh_parse_num(a + neg, 1000, &v)) {
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

int sh_kill_job(uint32_t pid)
{
	return pgreq_end_job(pid) > 0 ? E_OK : kill(pid);
}

static int cmd_kill(int argc, char **argv)
{
	uint32_t pid;
	if (argc != 2)
		return sh_usage("kill");
	if (!sh_parse_pid("kill", argv[1], &pid))
		return 1;
	int e = sh_kill_job(pid);
	if (e == E_NOENT)
		printf("kill: no such process: %u\n", pid);
	else if (e == E_PERM)
		printf("kill: %u: not started from this shell (permission denied)\n", pid);
	else if (e)
		printf("kill: %u: %s\n", pid, err_str(e));
	return e ? 1 : 0;
}


/* A status argument (0..127, default 0) for halt and exit; -1 if bad. */
static int status_arg(int argc, char **argv)
{
	uint64_t v = 0;
	if (argc > 2 || (argc == 2 && !sh_parse_num(argv[1], 127, &v))) {
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
		return sh_usage("reboot");
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
	{ "kill",    "PID",               "end process PID (one started here) and all it started", cmd_kill },
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
	static char line[LINE_MAX];
	printf("sh: pid %u; 'help' lists the commands\n", sys_pid);
	if (!ed_start())
		printf("sh: no console reader thread: input will not be read\n");
	for (;;) {
		jobs_reap();
		printf(PROMPT);
		if (ed_read_line(line))
			run_line(line);
	}
}
