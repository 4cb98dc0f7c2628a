/* Running out of memory done right (issue 14), one test per item:
 *   oom_syscall_fails     a system call whose buffer cannot be paged in for
 *                         want of memory fails; the caller lives
 *   oom_one_per_shortage  four processes fault at once as memory runs out:
 *                         one dies, the others wait for its frames and end
 *   oom_kills_largest     a greedy process dies, not the small one that
 *                         faulted last
 *   oom_adj_protects      oom_score_adj -1000: the greedy one is spared
 *   oom_adj_first         oom_score_adj 1000: a small one dies before the
 *                         greedy one
 *   oom_waits_for_frames  the greedy victim's threads are running on every
 *                         CPU when it is killed, so its frames come back
 *                         only after they leave their CPUs (the kernel
 *                         frees a space when its last thread is off CPU):
 *                         the touchers that fault meanwhile wait, none dies
 * Children are this program run with a mode word (see main).  "Filling"
 * touches pages while more than a margin of frames is free (1024 plus
 * 1/32 of memory, as exit_no_leaks does), which never runs out itself.
 * The touchers that must make memory run out "grab": they touch pages
 * until an OOM kill has happened, not a fixed count, so that memory runs
 * out however many frames are free and however their turns fall.  With
 * fixed counts the test hung now and then on a loaded host: the eight
 * touchers of a waits_for_frames round (m/2 pages each: two fit in the m
 * left) never held enough at once, nobody was killed, and the test waited
 * for ever for the spinning holder.  A victim the test waits for must
 * have been killed by the time the toucher that saw the kill has ended:
 * if it still runs, it is killed and the test fails (victim_end). */
#include <stdbool.h>
#include "sys/sys.h"
#include "sys/ipc.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define KEY 0x6f6f6d6b696c6cull /* "oomkill": the ready endpoint */
#define GO_KEY (KEY + 1)       /* children racing or grabbing wait here for "go" */
#define MAX_REGIONS 64
#define GRAB_STEP 64 /* pages grab touches between looks at the kill count */

static void *regions[MAX_REGIONS];
static int nregions;

static uint64_t margin(void)
{
	static struct abi_frame_stats fs;
	if (sys_frame_stats((uint64_t)&fs, sizeof fs))
		return 0;
	return 1024 + fs.total / 32;
}

static long num(const char *s)
{
	long v = 0, sign = 1;
	if (*s == '-')
		sign = -1, s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return sign * v;
}

/* Touch n pages of new regions; 1 if a region could not be had. */
static int touch(uint64_t n)
{
	while (n) {
		uint64_t k = n * 4096 < PG_MMAP_MAX ? n : PG_MMAP_MAX / 4096;
		volatile char *p;
		if (nregions == MAX_REGIONS || mmap_anon(k * 4096, (void **)&p))
			return 1;
		regions[nregions++] = (void *)p;
		for (uint64_t i = 0; i < k; i++)
			p[i * 4096] = 1;
		n -= k;
	}
	return 0;
}

static uint64_t oom_kills(void)
{
	static struct pg_stats s;
	return pager_stats(&s) == E_OK ? s.oom_kills : 0;
}

/* Touch pages until no more than keep frames are free. */
static int fill_to(uint64_t keep)
{
	uint64_t left = frames_available();
	while (left > keep + 64) {
		if (touch(left - keep))
			return 1;
		left = frames_available();
	}
	return 0;
}

/* Tell the parent we are ready (on the shared endpoint); false if we
 * could not. */
static bool tell_ready(void)
{
	uint32_t ep;
	struct sys_msg m = { .label = 1 };
	return shared_ep(KEY, &ep) == E_OK && ipc_send(ep, &m) == E_OK;
}

/* "grab K0 AFTER": set up (every buffer a call of ours fills touched,
 * while memory is still there: a call whose buffer cannot be paged in
 * then fails), say ready, wait for "go" (every toucher is ready: the
 * parent's "go"s all find a receiver), then touch pages, GRAB_STEP at a
 * time, until the pager's OOM kill count is no longer K0 (the parent's
 * look before it started anything that holds memory), then AFTER pages
 * more (work still to do once the victim is chosen, whose faults may come
 * before its frames are back): 0 then.  5 if every frame the kernel
 * manages was touched with no kill (memory ran out with nobody killed:
 * the parent fails then, it does not wait), 2 or 3 if set-up failed. */
static int grab(uint64_t k0, uint64_t after)
{
	static struct abi_frame_stats fs;
	const uint64_t per = PG_MMAP_MAX / 4096; /* pages in a region */
	uint64_t used = per;                     /* of the last region */
	volatile char *p = NULL;
	uint32_t go;
	struct sys_msg m;
	if (sys_frame_stats((uint64_t)&fs, sizeof fs) || shared_ep(GO_KEY, &go))
		return 2;
	(void)oom_kills(); /* its buffer */
	if (!tell_ready())
		return 3;
	if (ipc_recv(go, &m))
		return 2;
	for (uint64_t n = 0; oom_kills() == k0; n += GRAB_STEP) {
		if (n > fs.total)
			return 5;
		if (used == per) {
			if (nregions == MAX_REGIONS || mmap_anon(PG_MMAP_MAX, (void **)&p))
				return 2;
			regions[nregions++] = (void *)p;
			used = 0;
		}
		for (uint64_t i = used; i < used + GRAB_STEP; i++)
			p[i * 4096] = 1;
		used += GRAB_STEP;
	}
	return touch(after) ? 2 : 0;
}

/* tell_ready, then sleep until killed; 3 if the parent was not told. */
static int ready_and_sleep(void)
{
	if (!tell_ready())
		return 3;
	for (;;)
		sleep_ms(1000);
}

/* "hold ADJ KEEP": set oom_score_adj, fill memory down to KEEP free. */
static int hold(int adj, uint64_t keep)
{
	if (oom_score_adj_set(adj, NULL) || fill_to(keep))
		return 2;
	return ready_and_sleep();
}

static void spin(void *arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("pause");
}

/* "busy KEEP": fill memory down to KEEP free, then spin on every CPU (a
 * thread pinned to each other CPU, and this one), so that when we are
 * killed our space outlives the kill until every thread has left its CPU. */
static int busy(uint64_t keep)
{
	if (fill_to(keep))
		return 2;
	for (int c = 1; c < (int)cpu_count(); c++)
		if (thread_start_on(c, spin, NULL, 4096))
			return 2;
	if (!tell_ready())
		return 3;
	spin(NULL);
	return 0;
}

/* "small ADJ N": set oom_score_adj, touch N pages. */
static int small(int adj, uint64_t n)
{
	if (oom_score_adj_set(adj, NULL) || touch(n))
		return 2;
	return ready_and_sleep();
}

/* "race N": wait for "go", touch N pages, report ready and sleep. */
static int race(uint64_t n)
{
	uint32_t go;
	struct sys_msg m;
	if (shared_ep(GO_KEY, &go) || ipc_recv(go, &m) || touch(n))
		return 2;
	return ready_and_sleep();
}

/* "callfail": fill memory, then hand frame_stats buffers in never-touched
 * pages until a call fails; give everything back; exit 0 if one failed. */
static int callfail(void)
{
	static struct abi_frame_stats probe;
	uint64_t m = margin(), n = 2 * m < PG_MMAP_MAX / 4096 ? 2 * m : PG_MMAP_MAX / 4096, i;
	char *buf;
	int e = E_OK;
	if (sys_frame_stats((uint64_t)&probe, sizeof probe) || fill_to(m) ||
	    mmap_anon(n * 4096, (void **)&buf))
		return 2;
	for (i = 0; i < n && e == E_OK; i++)
		e = sys_frame_stats((uint64_t)(buf + i * 4096), sizeof probe);
	mfree(buf);
	for (int r = 0; r < nregions; r++)
		mfree(regions[r]);
	printf("oom_syscall_fails: call %lu of %lu failed with %s; still here\n", i, n,
	       err_str(e));
	return e == E_OK ? 4 : 0;
}

/* ---- the parent ---- */

static uint32_t ep, go_ep;

static uint32_t start(const char *name, const char *const *argv)
{
	uint32_t pid;
	int e = spawnv(argv, &pid);
	if (e)
		test_fail(name, "spawn %s: %s", argv[1], err_str(e));
	return pid;
}

/* Start a child with argv and wait for its "ready" (it ends: fail). */
static uint32_t start_ready(const char *name, const char *const *argv)
{
	uint32_t pid = start(name, argv);
	struct sys_msg m;
	struct wait_status st;
	for (;;) {
		if (ipc_poll(ep, &m) == E_OK)
			return pid;
		if (wait_poll(pid, &st) != E_AGAIN)
			test_fail(name, "%s child ended before it was ready (how %d code %lu)",
				  argv[1], st.how, st.code);
		sleep_ms(5);
	}
}

static struct wait_status end_of(const char *name, uint32_t pid)
{
	struct wait_status st;
	TEST_ERR(name, waitpid(pid, &st), E_OK);
	return st;
}

static bool killed(struct wait_status st) { return st.how == PG_WAIT_KILLED; }
static bool exited0(struct wait_status st)
{
	return st.how == PG_WAIT_EXITED && st.code == 0;
}

/* Kill pid (still running: else fail) and reap it. */
static void stop(const char *name, uint32_t pid)
{
	struct wait_status st;
	if (wait_poll(pid, &st) != E_AGAIN)
		test_fail(name, "pid %u ended (how %d), it should live", pid, st.how);
	TEST_ERR(name, kill(pid), E_OK);
	end_of(name, pid);
}

/* Say "go" to n children waiting for it. */
static void go(const char *name, int n)
{
	for (int i = 0; i < n; i++) {
		struct sys_msg m = { .label = 2 };
		TEST_ERR(name, ipc_send(go_ep, &m), E_OK);
	}
}

static void numstr(char *buf, size_t n, long v)
{
	fmt_snprintf(buf, n, "%ld", v);
}

static void test_syscall(void)
{
	const char *name = "oom_syscall_fails";
	static struct pg_stats a, b;
	const char *argv[] = { "test_oomkill", "callfail", NULL };
	TEST_ERR(name, pager_stats(&a), E_OK);
	struct wait_status st = end_of(name, start(name, argv));
	TEST_ERR(name, pager_stats(&b), E_OK);
	if (!exited0(st))
		test_fail(name, "the caller ended how=%d code %lu (2: set-up, 4: no call "
			  "failed; killed: the bug)", st.how, st.code);
	TEST_CHECK(name, b.oom_kills == a.oom_kills && b.oom_call_fails > a.oom_call_fails);
	test_pass(name);
}

/* RACERS children, started together, touch share pages each, then report
 * ready and sleep: together they need more than there is, so they run out
 * at about the same moment; any RACERS - 1 of them fit. */
#define RACERS 4
static void test_one_per_shortage(void)
{
	const char *name = "oom_one_per_shortage";
	char n[24];
	uint64_t share = (frames_available() - margin()) * 3 / 10;
	numstr(n, sizeof n, (long)share);
	const char *argv[] = { "test_oomkill", "race", n, NULL };
	uint64_t k0 = oom_kills();
	uint32_t pid[RACERS];
	bool ready[RACERS] = { 0 }, gone[RACERS] = { 0 };
	for (int i = 0; i < RACERS; i++)
		pid[i] = start(name, argv);
	go(name, RACERS);
	for (int left = RACERS; left > 0;) {
		struct sys_msg m;
		struct wait_status st;
		bool got = ipc_poll(ep, &m) == E_OK;
		for (int i = 0; i < RACERS; i++) {
			if (got && PG_BADGE_PID(m.badge) == pid[i] && !ready[i] && !gone[i])
				ready[i] = true, left--;
			if (!gone[i] && wait_poll(pid[i], &st) != E_AGAIN) {
				if (!killed(st))
					test_fail(name, "pid %u ended how=%d code %lu", pid[i],
						  st.how, st.code);
				left -= !ready[i];
				gone[i] = true;
			}
		}
		if (!got)
			sleep_ms(5);
	}
	int dead = 0, done = 0;
	for (int i = 0; i < RACERS; i++) {
		dead += gone[i];
		done += !gone[i];
		if (!gone[i]) {
			TEST_ERR(name, kill(pid[i]), E_OK);
			end_of(name, pid[i]);
		}
	}
	static struct pg_stats s;
	TEST_ERR(name, pager_stats(&s), E_OK);
	printf("%s: %d processes of %lu pages each: %d killed, %d finished; "
	       "oom_waits %lu, oom_reaped %lu\n", name, RACERS, share, dead, done, s.oom_waits,
	       s.oom_reaped);
	if (dead != 1 || done != RACERS - 1 || s.oom_kills - k0 != 1)
		test_fail(name, "%d killed, %d finished, %lu OOM kills: want 1, %d, 1", dead,
			  done, s.oom_kills - k0, RACERS - 1);
	test_pass(name);
}

/* A holder with adj filling memory to keep free (started, ready): its pid. */
static uint32_t holder(const char *name, int adj, uint64_t keep)
{
	char a[24], k[24];
	numstr(a, sizeof a, adj);
	numstr(k, sizeof k, (long)keep);
	const char *argv[] = { "test_oomkill", "hold", a, k, NULL };
	return start_ready(name, argv);
}

/* Start a toucher and wait for its ready: once told "go", it grabs
 * memory until an OOM kill after k0 (a count read before anything was
 * started to hold memory), then touches after pages more.  Its pid. */
static uint32_t start_grab(const char *name, uint64_t k0, uint64_t after)
{
	char k[24], a[24];
	numstr(k, sizeof k, (long)k0);
	numstr(a, sizeof a, (long)after);
	const char *argv[] = { "test_oomkill", "grab", k, a, NULL };
	return start_ready(name, argv);
}

/* How a toucher that grabbed until an OOM kill after k0 ended. */
static struct wait_status toucher(const char *name, uint64_t k0)
{
	uint32_t pid = start_grab(name, k0, 0);
	go(name, 1);
	return end_of(name, pid);
}

/* How pid, which an OOM kill should have ended, ended: the kill came
 * before any toucher went on (the touchers wait for its frames), but its
 * end as a process (every thread gone, its status ready for a wait) may
 * come well after: on a loaded host the touchers ended first (SMP=3,
 * 256M), and at 4G the end of a holder of 3.7 GiB (its pages released 64
 * at a time, a TLB shootdown each) took more than 10 s under TCG.  So
 * wait up to 120 s for it, saying how long past 1 s; if pid still runs
 * then, the kill did not come: we kill it and say how = -1 (the caller's
 * check then fails). */
static struct wait_status victim_end(const char *name, uint32_t pid)
{
	struct wait_status st;
	for (int i = 0; i < 24000; i++) { /* naps of 5 ms or more */
		if (wait_poll(pid, &st) != E_AGAIN) {
			if (i > 200)
				printf("%s: the victim's end seen after %d naps of 5 ms\n", name, i);
			return st;
		}
		sleep_ms(5);
	}
	stop(name, pid);
	return (struct wait_status){ .how = -1 };
}

static void test_largest(void)
{
	const char *name = "oom_kills_largest";
	uint64_t m = margin(), k0 = oom_kills();
	uint32_t h = holder(name, 0, m);
	struct wait_status s = toucher(name, k0);
	struct wait_status hs = victim_end(name, h);
	if (!exited0(s) || !killed(hs) || oom_kills() - k0 != 1)
		test_fail(name, "small toucher how=%d code %lu, greedy holder how=%d, %lu OOM "
			  "kills: want the greedy one killed, the small one done", s.how, s.code,
			  hs.how, oom_kills() - k0);
	test_pass(name);
}

static void test_adj_protects(void)
{
	const char *name = "oom_adj_protects";
	uint64_t m = margin(), k0 = oom_kills();
	uint32_t h = holder(name, PG_OOM_ADJ_MIN, m);
	struct wait_status s = toucher(name, k0);
	if (!killed(s) || oom_kills() - k0 != 1)
		test_fail(name, "toucher how=%d, %lu OOM kills: want it killed, the -1000 "
			  "holder spared", s.how, oom_kills() - k0);
	stop(name, h);
	test_pass(name);
}

static void test_adj_first(void)
{
	const char *name = "oom_adj_first";
	uint64_t m = margin(), k0 = oom_kills();
	uint32_t h = holder(name, 0, 2 * m);
	char n[24];
	numstr(n, sizeof n, (long)m);
	const char *argv[] = { "test_oomkill", "small", "1000", n, NULL };
	uint32_t t = start_ready(name, argv);
	struct wait_status s = toucher(name, k0);
	struct wait_status ts = victim_end(name, t);
	if (!exited0(s) || !killed(ts) || oom_kills() - k0 != 1)
		test_fail(name, "toucher how=%d, +1000 process how=%d, %lu OOM kills: want "
			  "the +1000 one killed before the greedy one", s.how, ts.how,
			  oom_kills() - k0);
	stop(name, h);
	test_pass(name);
}

/* A busy holder of most of memory, then TOUCHERS touchers that grab what
 * is left and touch m/2 pages more: the holder dies while its threads
 * run, and each toucher that faults before the holder's frames are back
 * must wait, not die.  Two rounds: without the wait a round loses a
 * toucher more often than not (5 of 7 boots, at 2 and 4 CPUs). */
#define TOUCHERS 8
static void waits_round(const char *name)
{
	static struct pg_stats s0, s;
	TEST_ERR(name, pager_stats(&s0), E_OK);
	uint64_t m = margin(), k0 = s0.oom_kills;
	char k[24];
	numstr(k, sizeof k, (long)m);
	const char *hargv[] = { "test_oomkill", "busy", k, NULL };
	uint32_t h = start_ready(name, hargv), t[TOUCHERS];
	for (int i = 0; i < TOUCHERS; i++)
		t[i] = start_grab(name, k0, m / 2);
	go(name, TOUCHERS);
	int ok = 0;
	for (int i = 0; i < TOUCHERS; i++)
		ok += exited0(end_of(name, t[i]));
	struct wait_status hs = victim_end(name, h);
	TEST_ERR(name, pager_stats(&s), E_OK);
	printf("%s: %d of %d touchers done, holder how=%d, %lu OOM kills, %lu faults told "
	       "to wait\n", name, ok, TOUCHERS, hs.how, s.oom_kills - k0,
	       s.oom_waits - s0.oom_waits);
	if (ok != TOUCHERS || !killed(hs) || s.oom_kills - k0 != 1)
		test_fail(name, "want the busy holder killed once and every toucher done");
}

static void test_waits_for_frames(void)
{
	const char *name = "oom_waits_for_frames";
	if (cpu_count() < 2) { /* test_skip returns: without this the test ran anyway and hung */
		test_skip(name, "needs 2 CPUs: the holder must run while the pager kills it");
		return;
	}
	for (int round = 0; round < 2; round++) {
		waits_round(name);
		frames_steady(3000);
	}
	test_pass(name);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "callfail") == 0)
		return callfail();
	if (argc > 3 && strcmp(argv[1], "grab") == 0)
		return grab((uint64_t)num(argv[2]), (uint64_t)num(argv[3]));
	if (argc > 2 && strcmp(argv[1], "busy") == 0)
		return busy((uint64_t)num(argv[2]));
	if (argc > 2 && strcmp(argv[1], "race") == 0)
		return race((uint64_t)num(argv[2]));
	if (argc > 3 && strcmp(argv[1], "hold") == 0)
		return hold((int)num(argv[2]), (uint64_t)num(argv[3]));
	if (argc > 3 && strcmp(argv[1], "small") == 0)
		return small((int)num(argv[2]), (uint64_t)num(argv[3]));
	TEST_ERR("oom_kills_largest", shared_ep(KEY, &ep), E_OK);
	TEST_ERR("oom_kills_largest", shared_ep(GO_KEY, &go_ep), E_OK);
	test_syscall();
	frames_steady(3000);
	test_one_per_shortage();
	frames_steady(3000);
	test_largest();
	frames_steady(3000);
	test_adj_protects();
	frames_steady(3000);
	test_adj_first();
	frames_steady(3000);
	test_waits_for_frames();
	return 0;
}
