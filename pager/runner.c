/* Starting init, the first program: `init test` when the kernel command
 * line has the word "test" (`init stress N` if it also has "stress=N":
 * make stress), `init bench` (plus "boot-only") for "bench", `init fuzz
 * WORDS...` for "fuzz" (the words after it: test_fuzz's arguments, make
 * fuzz), plain `init` otherwise.  init runs the tests or benchmarks, or keeps a
 * shell going; when it ends in a test or bench run, the machine stops with
 * its exit status (halting is a pager-only call). */
#include "pager.h"
#include "lib/cmdline.h"

enum run_mode { RUN_NONE, RUN_TEST, RUN_BENCH, RUN_FUZZ };

static enum run_mode mode;
static uint32_t init_pid;

/* Stop the machine after a test or bench run (or one that cannot start). */
static _Noreturn void finish(int status)
{
	sys_halt(status ? 1 : 0);
	for (;;)
		sys_thread_exit();
}

/* "init\0fuzz\0" and the words after "fuzz" in line, NUL-separated, into
 * buf; returns the bytes used. */
static size_t fuzz_args(const char *line, char *buf, size_t max)
{
	static const char head[] = "init\0fuzz";
	size_t n = sizeof head;
	const char *p = line;
	memcpy(buf, head, n);
	while (*p && !(strncmp(p, "fuzz", 4) == 0 && (p[4] == ' ' || !p[4]) &&
		       (p == line || p[-1] == ' ')))
		p++;
	for (p += *p ? 4 : 0; *p && n + 1 < max; p++) {
		if (*p != ' ')
			buf[n++] = *p;
		else if (buf[n - 1] != 0)
			buf[n++] = 0;
	}
	if (buf[n - 1] != 0)
		buf[n++] = 0;
	return n;
}

/* The digits of the word "stress=N" of line (at most 9) into out, NUL-
 * terminated; false if there is no such word. */
static bool stress_secs(const char *line, char out[10])
{
	static const char key[] = "stress=";
	for (const char *p = line; *p; p++) {
		if ((p != line && p[-1] != ' ') || strncmp(p, key, sizeof key - 1))
			continue;
		size_t n = 0;
		for (p += sizeof key - 1; n < 9 && *p >= '0' && *p <= '9'; p++)
			out[n++] = *p;
		out[n] = 0;
		return n > 0;
	}
	return false;
}

void runner_start(void)
{
	const char *line = pg.boot->cmdline;
	static char fuzz[128];
	mode = cmdline_has(line, "test") ? RUN_TEST :
	       cmdline_has(line, "bench") ? RUN_BENCH :
	       cmdline_has(line, "fuzz") ? RUN_FUZZ : RUN_NONE;
	static const char args_test[] = "init\0test", args_bench[] = "init\0bench",
			  args_boot[] = "init\0bench\0boot-only", args_none[] = "init";
	const char *args = args_none;
	size_t len = sizeof args_none;
	if (mode == RUN_TEST)
		selftest_run();
	static char args_stress[32] = "init\0stress";
	char secs[10];
	if (mode == RUN_TEST && stress_secs(line, secs)) {
		len = sizeof "init\0stress";
		memcpy(args_stress + len, secs, strlen(secs) + 1);
		args = args_stress, len += strlen(secs) + 1;
	} else if (mode == RUN_TEST) {
		args = args_test, len = sizeof args_test;
	}
	else if (mode == RUN_BENCH && cmdline_has(line, "boot-only"))
		args = args_boot, len = sizeof args_boot;
	else if (mode == RUN_BENCH)
		args = args_bench, len = sizeof args_bench;
	else if (mode == RUN_FUZZ)
		args = fuzz, len = fuzz_args(line, fuzz, sizeof fuzz);
	int e = proc_spawn(0, args, len, &init_pid);
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
