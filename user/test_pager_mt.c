/* The pager's threads (issue 11, section 1): faults on every CPU at once.
 *   pager_mt_storm       4 processes (the scheduler spreads them over the
 *                        CPUs) fault, fork and exit at once for ROUNDS
 *                        rounds; every
 *                        page's contents checked in parent and child
 *   pager_mt_same_pages  two threads of one process on two CPUs fault the
 *                        same fresh pages at once: each page is filled
 *                        once (resident = pages) and holds both writes
 *   pager_mt_kill_storm  processes faulting on every CPU are killed in the
 *                        middle of it
 *   pager_mt_map_loop    one process mmaps, mprotects, madvises, moves its
 *                        break and munmaps (also pages it shares
 *                        copy-on-write with the others) in a loop on CPU 0,
 *                        a second thread of it faults on CPU 1, other
 *                        processes fault (the same shared pages, then fresh
 *                        ones) on the other CPUs: every page checked; it
 *                        prints how many pages the others touched meanwhile
 * and after each, the free frames are what they were before (no leak;
 * first a child fills memory once, so what stays for good once grown, like
 * the kernel's small-object pages, is there before). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define PROCS  4
#define ROUNDS 6
#define PAGES  512
#define SAME   1024 /* pages both threads touch */

static uint64_t value(uint64_t who, uint64_t page, uint64_t round)
{
	return who << 40 | round << 24 | page;
}

/* Write every page of p (word 0 and the last word), in an order of our
 * own. */
static void fill(volatile uint64_t *p, uint64_t who, uint64_t round)
{
	for (uint64_t k = 0; k < PAGES; k++) {
		uint64_t i = (k * 37 + who) % PAGES;
		p[i * 512] = value(who, i, round);
		p[i * 512 + 511] = ~value(who, i, round);
	}
}

/* 1 + the first page of p not holding (who, round)'s values, or 0. */
static int check(volatile uint64_t *p, uint64_t who, uint64_t round)
{
	for (uint64_t i = 0; i < PAGES; i++)
		if (p[i * 512] != value(who, i, round) || p[i * 512 + 511] != ~value(who, i, round))
			return (int)i + 1;
	return 0;
}

/* One storm process: each round a fresh mapping,
 * filled, a fork whose child checks its copy, writes its own and checks
 * that, while we write ours again; both checked.  Exit status: 0, or the
 * round that went wrong + 1. */
static int storm(uint64_t who)
{
	for (uint64_t round = 0; round < ROUNDS; round++) {
		size_t len = PAGES * 4096;
		volatile uint64_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return (int)round + 1;
		fill(p, who, round);
		pid_t c = fork();
		if (c < 0)
			return (int)round + 1;
		if (c == 0) {
			if (check(p, who, round))
				_exit(1);
			fill(p, who + 100, round);
			_exit(check(p, who + 100, round) ? 2 : 0);
		}
		fill(p, who, round + 50);
		int st;
		if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
		    check(p, who, round + 50) || munmap((void *)p, len))
			return (int)round + 1;
	}
	return 0;
}

/* Start PROCS copies of us with mode and a number i each; their pids. */
static void start_all(const char *name, const char *mode, pid_t *pid, int n)
{
	for (int i = 0; i < n; i++) {
		char arg[8];
		fmt_snprintf(arg, sizeof arg, "%d", i);
		const char *argv[] = { "test_pager_mt", mode, arg, NULL };
		uint32_t p;
		if (spawnv(argv, &p))
			test_fail(name, "spawn %s %d failed", mode, i);
		pid[i] = (pid_t)p;
	}
}

static struct abi_frame_stats fs[2];

static void snap(int i)
{
	sys_frame_stats((uint64_t)&fs[i], sizeof fs[i]);
}

/* The free frames once nothing has changed for a while (250 ms: at 4G the
 * warm-up child's million frames come back over seconds, and on a busy
 * host a pause of the vCPU that frees them looked steady after 25 ms:
 * "free frames 781445 before, 1018891 after"), and the counters then
 * (for no_leak's report). */
static uint64_t frames_before(void)
{
	uint64_t n = frames_quiet(250, 30000);
	snap(0);
	return n;
}

/* The free frames once things settle must be before's: no frame leaked.
 * If not, the frames of each purpose before -> after. */
static void no_leak(const char *name, uint64_t before)
{
	uint64_t after = frames_settle(before, 30000);
	if (after == before)
		return;
	snap(1);
	for (int p = 0; p < ABI_PURPOSES; p++)
		if (fs[0].by_purpose[p] != fs[1].by_purpose[p])
			printf("%s: frames of purpose %d: %lu -> %lu\n", name, p,
			       fs[0].by_purpose[p], fs[1].by_purpose[p]);
	test_fail(name, "free frames %lu before, %lu after", before, after);
}

static void test_storm(void)
{
	const char *name = "pager_mt_storm";
	pid_t pid[PROCS];
	uint64_t before = frames_before();
	start_all(name, "storm", pid, PROCS);
	for (int i = 0; i < PROCS; i++) {
		int st;
		if (waitpid(pid[i], &st, 0) != pid[i] || !WIFEXITED(st) || WEXITSTATUS(st))
			test_fail(name, "storm %d ended with status 0x%x", i, st);
	}
	no_leak(name, before);
	printf("%s: %d processes x %d rounds of %d pages, fork and exit: all checked\n",
	       name, PROCS, ROUNDS, PAGES);
	test_pass(name);
}

static volatile uint8_t *same;
static volatile int same_done;

/* Touch every page of same: read it, then write byte `which` of it. */
static void toucher(void *arg)
{
	uint64_t which = (uint64_t)(uintptr_t)arg;
	for (uint64_t i = 0; i < SAME; i++) {
		uint64_t k = which ? SAME - 1 - i : i; /* the two meet in the middle */
		(void)same[k * 4096 + 100];
		same[k * 4096 + which] = (uint8_t)(k * 2 + which + 1);
	}
	__atomic_fetch_add(&same_done, 1, __ATOMIC_SEQ_CST);
}

/* The same-pages child: 0, or 2 (a call failed), 3 (a write lost), 4 (a
 * page with no frame of its own: filled twice or not at all). */
static int same_pages(void)
{
	size_t len = SAME * 4096;
	same = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (same == MAP_FAILED || thread_start_on(1, toucher, (void *)1, 16384))
		return 2;
	toucher((void *)0);
	while (__atomic_load_n(&same_done, __ATOMIC_SEQ_CST) < 2)
		sleep_ms(1);
	for (uint64_t k = 0; k < SAME; k++)
		if (same[k * 4096] != (uint8_t)(k * 2 + 1) || same[k * 4096 + 1] != (uint8_t)(k * 2 + 2))
			return 3;
	static struct pg_page_info info[64];
	for (uint64_t k = 0; k < SAME; k += 64) {
		if (page_info((void *)(same + k * 4096), 64 * 4096, info))
			return 2;
		for (int j = 0; j < 64; j++)
			if (!(info[j].flags & PGI_PRESENT) || (info[j].flags & PGI_ZERO) ||
			    info[j].mapcount != 1)
				return 4;
	}
	return 0;
}

static void test_same_pages(void)
{
	const char *name = "pager_mt_same_pages";
	uint64_t before = frames_before();
	const char *argv[] = { "test_pager_mt", "same", NULL };
	uint32_t c;
	int st;
	if (spawnv(argv, &c) || waitpid((pid_t)c, &st, 0) != (pid_t)c)
		test_fail(name, "spawn failed");
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		test_fail(name, "status 0x%x (exit 3: a write lost, 4: a page filled twice "
			  "or not at all)", st);
	no_leak(name, before);
	test_pass(name);
}

/* A kill-storm process: fault fresh pages forever. */
static int faulter(void)
{
	for (;;) {
		size_t len = 256 * 4096;
		volatile uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		for (size_t i = 0; i < len; i += 4096)
			p[i] = 1;
		if (fork() == 0) { /* COW faults too */
			for (size_t i = 0; i < len; i += 8192)
				p[i] = 2;
			_exit(0);
		}
		wait(NULL);
		munmap((void *)p, len);
	}
}

static void test_kill_storm(void)
{
	const char *name = "pager_mt_kill_storm";
	unsigned n = cpu_count() * 2;
	pid_t pid[16];
	if (n > 16)
		n = 16;
	uint64_t before = frames_before();
	for (int round = 0; round < 3; round++) {
		start_all(name, "fault", pid, (int)n);
		sleep_ms(200);
		for (unsigned i = 0; i < n; i++) {
			int st;
			if (kill(pid[i], SIGKILL))
				test_fail(name, "kill %d: still faulting? it ended", pid[i]);
			if (waitpid(pid[i], &st, 0) != pid[i] || !WIFSIGNALED(st))
				test_fail(name, "faulter %u ended with status 0x%x", i, st);
		}
	}
	no_leak(name, before);
	printf("%s: 3 rounds of %u faulting processes killed\n", name, n);
	test_pass(name);
}

/* ---- pager_mt_map_loop ---- */

#define ML_LOOPS  150
#define ML_PAGES  64    /* the mapper's mapping each loop */
#define ML_SHARED 256   /* pages written before the forks: COW-shared by all */
#define ML_FRESH  128   /* a faulter's fresh mapping each round */
#define ML_MAX    8     /* faulters at most */

/* In a MAP_SHARED page, seen by the test and every child. */
struct maploop {
	volatile int running, stop;
	volatile uint64_t loops, loop_cycles;
	volatile uint64_t during[ML_MAX + 1]; /* pages touched while the loop ran
						* ([ML_MAX]: the mapper's own thread) */
};
static struct maploop *ml;
static volatile uint64_t *ml_cow; /* ML_SHARED pages, word 0 of each written */

/* Write word 0 and the last word of n pages at p (value(who, page,
 * round)), then check them all; 0, or 1 + the first bad page. */
static int fill_check(volatile uint64_t *p, uint64_t n, uint64_t who, uint64_t round)
{
	for (uint64_t i = 0; i < n; i++) {
		p[i * 512] = value(who, i, round);
		p[i * 512 + 511] = ~value(who, i, round);
	}
	for (uint64_t i = 0; i < n; i++)
		if (p[i * 512] != value(who, i, round) || p[i * 512 + 511] != ~value(who, i, round))
			return (int)i + 1;
	return 0;
}

/* Fault fresh mappings until the loop ends, counting the pages touched
 * while it runs into *during.  0, or a failure code. */
static int fault_fresh(uint64_t who, volatile uint64_t *during)
{
	for (uint64_t round = 0; !ml->stop; round++) {
		size_t len = ML_FRESH * 4096;
		volatile uint64_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 10;
		bool ran = ml->running;
		if (fill_check(p, ML_FRESH, who, round))
			return 11;
		if (ran && ml->running)
			*during += ML_FRESH;
		if (munmap((void *)p, len))
			return 12;
	}
	return 0;
}

/* A faulter: write every shared page (COW: copies, or the frame reused
 * once the mapper and the others let go), check them, then fresh pages. */
static int ml_faulter(uint64_t who)
{
	while (!ml->running)
		sleep_ms(1);
	for (uint64_t k = 0; k < ML_SHARED; k++) {
		uint64_t i = (k * 37 + who * 11) % ML_SHARED;
		if (ml_cow[i * 512] != value(0xAA, i, 0) && ml_cow[i * 512] != value(who, i, 1))
			return 20;
		ml_cow[i * 512] = value(who, i, 1);
	}
	for (uint64_t i = 0; i < ML_SHARED; i++)
		if (ml_cow[i * 512] != value(who, i, 1))
			return 21;
	return fault_fresh(who, &ml->during[who - 1]);
}

/* One loop of the mapper: mmap, write, mprotect away and back, MADV_DONTNEED,
 * MAP_FIXED over a part, MAP_POPULATE, the break up and down, munmap; every
 * page checked.  0, or a failure code. */
static int ml_step(uint64_t it)
{
	size_t len = ML_PAGES * 4096, q = len / 4;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile uint64_t *w = (volatile uint64_t *)p;
	if (p == MAP_FAILED || fill_check(w, ML_PAGES, 0x55, it))
		return 30;
	if (mprotect(p, 2 * q, PROT_READ) || fill_check(w + 2 * q / 8, ML_PAGES / 2, 0x56, it))
		return 31;
	for (uint64_t i = 0; i < ML_PAGES / 2; i++)
		if (w[i * 512] != value(0x55, i, it))
			return 32;
	if (mprotect(p, 2 * q, PROT_READ | PROT_WRITE) || fill_check(w, ML_PAGES / 2, 0x57, it))
		return 33;
	if (madvise(p + q, q, MADV_DONTNEED))
		return 34;
	for (uint64_t i = ML_PAGES / 4; i < ML_PAGES / 2; i++)
		if (w[i * 512] || w[i * 512 + 511])
			return 35;
	void *f = mmap(p + 3 * q, q, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, -1, 0);
	if (f != p + 3 * q || w[3 * q / 8] || fill_check(w + 3 * q / 8, ML_PAGES / 4, 0x58, it))
		return 36;
	uint64_t brk0, brk1;
	if (pgreq_brk(0, &brk0) || pgreq_brk(brk0 + 16 * 4096, &brk1) || brk1 != brk0 + 16 * 4096)
		return 37;
	volatile uint64_t *h = (volatile uint64_t *)((brk0 + 4095) & ~4095ull);
	if (fill_check(h, 8, 0x59, it) || pgreq_brk(brk0, &brk1) || brk1 != brk0)
		return 38;
	if (munmap(p, len))
		return 39;
	return 0;
}

static volatile int ml_result[2], ml_done;

/* The mapper's loop (pinned to CPU 0): first each shared page checked and
 * its chunk unmapped over the first loops (its COW shares go while the
 * faulters copy and reuse the same frames), then ML_LOOPS loops. */
static void ml_loop(void *arg)
{
	(void)arg;
	int e = 0;
	ml->running = 1;
	uint64_t t0 = rdtsc();
	for (uint64_t it = 0; it < ML_LOOPS && !e; it++) {
		if (it < ML_SHARED / 16) {
			for (uint64_t i = it * 16; i < it * 16 + 16 && !e; i++)
				if (ml_cow[i * 512] != value(0xAA, i, 0))
					e = 40;
			if (!e && munmap((void *)(ml_cow + it * 16 * 512), 16 * 4096))
				e = 41;
		}
		if (!e)
			e = ml_step(it);
		ml->loops = it + 1;
	}
	ml->loop_cycles = rdtsc() - t0;
	ml->running = 0;
	ml->stop = 1;
	ml_result[0] = e;
	__atomic_fetch_add(&ml_done, 1, __ATOMIC_SEQ_CST);
}

/* The mapper's second thread (CPU 1): faults beside its own process's
 * requests. */
static void ml_own(void *arg)
{
	(void)arg;
	while (!ml->running && !ml->stop)
		sleep_ms(1);
	ml_result[1] = fault_fresh(0x77, &ml->during[ML_MAX]);
	__atomic_fetch_add(&ml_done, 1, __ATOMIC_SEQ_CST);
}

/* The mapper process: its two pinned threads; 0 or a failure code. */
static int ml_mapper(void)
{
	unsigned n = cpu_count();
	if (thread_start_on(0, ml_loop, NULL, 16384) ||
	    thread_start_on(n > 1 ? 1 : 0, ml_own, NULL, 16384))
		return 2;
	while (__atomic_load_n(&ml_done, __ATOMIC_SEQ_CST) < 2)
		sleep_ms(1);
	return ml_result[0] ? ml_result[0] : ml_result[1];
}

static volatile int fl_result, fl_done;
static uint64_t fl_who;

static void fl_thread(void *arg)
{
	(void)arg;
	fl_result = ml_faulter(fl_who);
	__atomic_store_n(&fl_done, 1, __ATOMIC_SEQ_CST);
}

/* A faulter process on CPU cpu. */
static int ml_faulter_on(int cpu, uint64_t who)
{
	fl_who = who;
	if (thread_start_on(cpu, fl_thread, NULL, 16384))
		return 3;
	while (!__atomic_load_n(&fl_done, __ATOMIC_SEQ_CST))
		sleep_ms(1);
	return fl_result;
}

static void test_map_loop(void)
{
	const char *name = "pager_mt_map_loop";
	unsigned ncpu = cpu_count(), nf = ncpu > 1 ? ncpu - 1 : 1;
	if (nf > ML_MAX)
		nf = ML_MAX;
	ml = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ml_cow = mmap(NULL, ML_SHARED * 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ml == MAP_FAILED || ml_cow == MAP_FAILED)
		test_fail(name, "mmap failed");
	for (uint64_t i = 0; i < ML_SHARED; i++)
		ml_cow[i * 512] = value(0xAA, i, 0);
	ml->stop = 0; /* its frame, the object's, made now */
	/* (measured with our mappings made and touched: the kernel's page
	 * tables for them stay when they go) */
	uint64_t before = frames_before();
	pid_t pid[ML_MAX + 1];
	for (unsigned i = 0; i <= nf; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			test_fail(name, "fork failed");
		if (pid[i] == 0)
			_exit(i == 0 ? ml_mapper() : ml_faulter_on(ncpu > 1 ? 1 + (int)(i - 1) % (int)(ncpu - 1) : 0, i));
	}
	for (unsigned i = 0; i <= nf; i++) {
		int st;
		if (waitpid(pid[i], &st, 0) != pid[i] || !WIFEXITED(st) || WEXITSTATUS(st))
			test_fail(name, "%s %u ended with status 0x%x", i ? "faulter" : "mapper", i, st);
	}
	uint64_t others = 0, ms = tsc_hz() ? ml->loop_cycles / (tsc_hz() / 1000) : 0;
	for (unsigned i = 0; i < nf; i++)
		others += ml->during[i];
	printf("%s: %lu loops of mmap/mprotect/madvise/MAP_FIXED/brk/munmap on CPU 0 in %lu ms; "
	       "meanwhile %u other processes touched %lu fresh pages and the mapper's own "
	       "second thread %lu\n", name, ml->loops, ms, nf, others, ml->during[ML_MAX]);
	no_leak(name, before);
	munmap((void *)ml_cow, ML_SHARED * 4096);
	munmap(ml, 4096);
	test_pass(name);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "storm") == 0)
		return storm((uint64_t)atoi(argv[2]) + 1);
	if (argc == 3 && strcmp(argv[1], "fault") == 0)
		return faulter();
	if (argc == 2 && strcmp(argv[1], "warm") == 0)
		return touch_until_margin();
	if (argc == 2 && strcmp(argv[1], "same") == 0)
		return same_pages();
	touch_image();
	snap(0); /* (fs is in .bss: its pages touched now, not between counts) */
	snap(1);
	const char *warm[] = { "test_pager_mt", "warm", NULL };
	uint32_t w;
	int st;
	if (spawnv(warm, &w) || waitpid((pid_t)w, &st, 0) != (pid_t)w || st)
		test_fail("pager_mt_storm", "the warm-up child failed (status 0x%x)", st);
	if (argc == 2 && strcmp(argv[1], "maploop") == 0) { /* (by hand: that test alone) */
		test_map_loop();
		return 0;
	}
	test_storm();
	if (cpu_count() < 2)
		test_skip("pager_mt_same_pages", "needs 2 CPUs");
	else
		test_same_pages();
	test_kill_storm();
	test_map_loop();
	return 0;
}
