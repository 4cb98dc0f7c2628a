/* Starting init, the first program: `init test` when the kernel command
 * line has the word "test", `init bench` (plus "boot-only") for "bench",
 * `init only WORDS...` for the word "only" followed by a program and its
 * arguments (make stress, make fuzz: one program alone), plain `init`
 * otherwise.  init runs the tests or benchmarks, or keeps a shell going;
 * when it ends in any run but the plain one, the machine stops with its
 * exit status (halting is a pager-only call). */
#include "pager.h"
#include "lib/cmdline.h"

enum run_mode { RUN_NONE, RUN_TEST, RUN_BENCH, RUN_ONLY };

static enum run_mode mode;
static uint32_t init_pid;

/* Stop the machine after a test or bench run (or one that cannot start). */
static _Noreturn void finish(int status)
{
	sys_halt(status ? 1 : 0);
	for (;;)
		sys_thread_exit();
}

/* "init\0only\0" and the words after the word "only" of line, each NUL-
 * terminated, into buf; returns the bytes used (words that do not fit are
 * dropped whole). */
static size_t only_args(const char *line, char *buf, size_t max)
{
	static const char head[] = "init\0only";
	size_t n = sizeof head;
	memcpy(buf, head, n);
	const char *p = line;
	while (*p && !(strncmp(p, "only", 4) == 0 && (p[4] == ' ' || !p[4]) &&
		       (p == line || p[-1] == ' ')))
		p++;
	for (p += *p ? 4 : 0; *p;) {
		while (*p == ' ')
			p++;
		size_t w = 0;
		while (p[w] && p[w] != ' ')
			w++;
		if (w && n + w + 1 <= max) {
			memcpy(buf + n, p, w);
			buf[n + w] = 0;
			n += w + 1;
		}
		p += w;
	}
	return n;
}

void runner_start(void)
{
	const char *line = pg.boot->cmdline;
	static char only[256];
	mode = cmdline_has(line, "only") ? RUN_ONLY :
	       cmdline_has(line, "test") ? RUN_TEST :
	       cmdline_has(line, "bench") ? RUN_BENCH : RUN_NONE;
	static const char args_test[] = "init\0test", args_bench[] = "init\0bench",
			  args_boot[] = "init\0bench\0boot-only", args_none[] = "init";
	const char *args = args_none;
	size_t len = sizeof args_none;
	if (mode == RUN_TEST)
		selftest_run();
	if (mode == RUN_ONLY)
		args = only, len = only_args(line, only, sizeof only);
	else if (mode == RUN_TEST)
		args = args_test, len = sizeof args_test;
	else if (mode == RUN_BENCH && cmdline_has(line, "boot-only"))
		args = args_boot, len = sizeof args_boot;
	else if (mode == RUN_BENCH)
		args = args_bench, len = sizeof args_bench;
	int e = proc_spawn(0, args, len, &init_pid);
	struct proc *init = e == E_OK ? proc_live(init_pid) : NULL;
	if (init && strcmp(args, "init") == 0)
		init->kept = true; /* oom_protected */
	if (e != E_OK) {
		printf("pager: cannot start init: %s\n", err_str(e));
		if (mode != RUN_NONE)
			finish(1);
	}
}

void runner_exited(const struct proc *p)
{
	if (p->pid != init_pid)
		return;
	bool ok = p->status.how == PG_WAIT_EXITED && p->status.code == 0;
	if (mode != RUN_NONE)
		finish(ok ? 0 : 1);
	printf("pager: init ended (%s)\n", ok ? "status 0" : "failed");
}

uint32_t runner_init_pid(void)
{
	return init_pid;
}
