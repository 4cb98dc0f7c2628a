/* init: the first program the pager starts, with the run mode as argv[1].
 *   init test   run every initrd program test_* in turn (spawn, wait),
 *               report each, print "@@DONE failures=N" and exit 1 if any
 *               failed, else 0 (the pager halts the machine with it)
 *   init bench  the same for bench_*, then "@@BENCH_DONE"; "init bench
 *               boot-only" runs none
 *   init only PROGRAM [ARGS] [+ PROGRAM [ARGS]]...  run only PROGRAM
 *               with ARGS (make stress, make fuzz), and the next after a
 *               "+" in turn (one program's end beside the next's start),
 *               then "@@DONE failures=N" as for test
 *   init        start sh if the initrd has it (again when it ends), else
 *               say so and wait */
#include "sys/sys.h"
#include "sys/unistd.h"

#define NAME_MAX 64

/* Run argv[0] with argv to its end; returns 1 if it exited 0, else 0 (reported with
 * tag, "@@FAIL" in a test run). */
static int run_argv(const char *const *argv, const char *tag)
{
	struct wait_status st;
	uint32_t pid;
	const char *name = argv[0];
	int e = spawnv(argv, &pid);
	if (e) {
		printf("%s %s: spawn failed: %s\n", tag, name, err_str(e));
		return 0;
	}
	printf("init: running %s (pid %u)\n", name, pid);
	e = waitpid(pid, &st);
	/* what it forked or spawned and left running (orphans) */
	long left = pgreq_end_job(pid);
	if (left > 0)
		printf("init: %s left %ld processes running: ended\n", name, left);
	if (e != E_OK) {
		printf("%s %s: wait failed: %s\n", tag, name, err_str(e));
		return 0;
	}
	if (st.how == PG_WAIT_EXITED && st.code == 0) {
		printf("init: %s exited 0\n", name);
		return 1;
	}
	if (st.how == PG_WAIT_EXITED)
		printf("%s %s: exit status %ld\n", tag, name, (long)st.code);
	else
		printf("%s %s: killed (fault 0x%lx addr 0x%lx rip 0x%lx)\n", tag,
		       name, st.code, st.addr, st.rip);
	return 0;
}

/* Run every initrd program whose name starts with prefix; returns the
 * number that failed (a list that cannot be read counts as one). */
static int run_all(const char *prefix, const char *tag)
{
	char name[NAME_MAX];
	int failures = 0, n = 0, e;
	unsigned i = 0;
	for (; (e = initrd_name(i, name, sizeof name)) == E_OK; i++) {
		if (strncmp(name, prefix, strlen(prefix)) != 0)
			continue;
		n++;
		const char *argv[] = { name, NULL };
		failures += !run_argv(argv, tag);
	}
	if (e != E_NOENT) {
		printf("%s init: cannot list the initrd: %s\n", tag, err_str(e));
		failures++;
	}
	printf("init: %d programs run, %d failed\n", n, failures);
	return failures;
}

/* The interactive boot: keep a shell running, if there is one. */
static _Noreturn void run_shell(void)
{
	for (;;) {
		uint32_t pid;
		int e = spawn("sh", NULL, &pid);
		if (e) {
			printf("init: no shell (%s); waiting\n", err_str(e));
			for (;;)
				sleep_ms(1000000);
		}
		waitpid(pid, NULL);
		printf("init: sh ended; starting it again\n");
	}
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "test") == 0) {
		int failures = run_all("test_", "@@FAIL");
		printf("@@DONE failures=%d\n", failures);
		return failures ? 1 : 0;
	}
	if (strcmp(mode, "only") == 0 && argc > 2) {
		int failures = 0;
		for (int i = 2; i < argc; i++) {
			const char *args[PG_MAX_ARGS + 1] = { 0 };
			for (int n = 0; i < argc && strcmp(argv[i], "+") && n < PG_MAX_ARGS; i++)
				args[n++] = argv[i];
			if (args[0])
				failures += !run_argv(args, "@@FAIL");
		}
		printf("@@DONE failures=%d\n", failures);
		return failures != 0;
	}
	if (strcmp(mode, "bench") == 0) {
		int skip = argc > 2 && strcmp(argv[2], "boot-only") == 0;
		int failures = skip ? 0 : run_all("bench_", "init:");
		printf("@@BENCH_DONE\n");
		return failures ? 1 : 0;
	}
	run_shell();
}
