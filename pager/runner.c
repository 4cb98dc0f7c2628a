/* The test and bench runs: with the word "test" on the kernel command line,
 * run every initrd program named test_* one after another, then print
 * @@DONE and stop the machine (status 0 only if each exited 0); with
 * "bench", the same for bench_* (none with "boot-only") and @@BENCH_DONE.
 * Otherwise only say the pager is ready. */
#include "pager.h"

#define RUN_MAX  64
#define NAME_MAX 64

enum run_mode { RUN_NONE, RUN_TEST, RUN_BENCH };

static enum run_mode mode;
static char names[RUN_MAX][NAME_MAX];
static int count, next, failures;
static uint32_t current;

/* True if word appears in the command line as a whole word. */
static bool cmdline_has(const char *line, const char *word)
{
	size_t n = strlen(word);
	for (const char *s = line; *s;) {
		while (*s == ' ')
			s++;
		const char *end = s;
		while (*end && *end != ' ')
			end++;
		if ((size_t)(end - s) == n && strncmp(s, word, n) == 0)
			return true;
		s = end;
	}
	return false;
}

/* Collect the initrd programs whose names start with prefix, in archive
 * order (the Makefile sorts it). */
static void collect(const char *prefix)
{
	struct initrd_file f;
	size_t pos = 0, n = strlen(prefix);
	int e;
	while ((e = initrd_next(pg.initrd, pg.initrd_size, &pos, &f)) == E_OK) {
		if (strncmp(f.name, prefix, n) != 0)
			continue;
		if (count == RUN_MAX || strlen(f.name) >= NAME_MAX) {
			printf("pager: not running %s (too many or too long)\n", f.name);
			continue;
		}
		memcpy(names[count++], f.name, strlen(f.name) + 1);
	}
	if (e != E_NOENT)
		printf("pager: initrd damaged: %s\n", err_str(e));
}

static _Noreturn void finish(void)
{
	if (mode == RUN_TEST)
		printf("@@DONE failures=%d\n", failures);
	else
		printf("@@BENCH_DONE\n");
	sys_halt(mode == RUN_TEST && failures ? 1 : 0);
	for (;;)
		sys_thread_exit();
}

/* Start the next program; after the last one, finish the run. */
static void run_next(void)
{
	while (next < count) {
		const char *name = names[next++];
		uint32_t pid;
		int e = proc_spawn(0, name, strlen(name) + 1, &pid);
		if (e == E_OK) {
			current = pid;
			printf("pager: running %s (pid %u)\n", name, pid);
			return;
		}
		failures++;
		printf("%s %s: spawn failed: %s\n", mode == RUN_TEST ? "@@FAIL" : "pager:",
		       name, err_str(e));
	}
	finish();
}

/* Start the run the kernel command line asks for (at most one). */
void runner_start(void)
{
	const char *line = pg.boot->cmdline;
	mode = cmdline_has(line, "test") ? RUN_TEST :
	       cmdline_has(line, "bench") ? RUN_BENCH : RUN_NONE;
	collect(mode == RUN_TEST ? "test_" : mode == RUN_BENCH ? "bench_" : "");
	if (mode == RUN_BENCH && cmdline_has(line, "boot-only"))
		count = 0; /* bench.sh's boot-time runs: the kernel's lines only */
	if (mode == RUN_NONE) {
		printf("pager: ready, %d programs in the initrd; waiting\n", count);
		return;
	}
	printf("pager: %s run, %d programs\n", mode == RUN_TEST ? "test" : "bench", count);
	run_next();
}

/* Called when a process the pager itself started (ppid 0) has ended. */
void runner_exited(const struct proc *p)
{
	if (mode == RUN_NONE || p->pid != current)
		return;
	const char *tag = mode == RUN_TEST ? "@@FAIL" : "pager:";
	if (p->status.how == PG_WAIT_EXITED && p->status.code == 0)
		printf("pager: %s exited 0\n", p->name);
	else if (p->status.how == PG_WAIT_EXITED)
		printf("%s %s: exit status %ld\n", tag, p->name, (long)p->status.code);
	else
		printf("%s %s: killed (fault 0x%lx addr 0x%lx rip 0x%lx)\n", tag, p->name,
		       p->status.code, p->status.addr, p->status.rip);
	if (!(p->status.how == PG_WAIT_EXITED && p->status.code == 0))
		failures++;
	run_next();
}
