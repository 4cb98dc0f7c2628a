/* Memory stress: several worker processes per CPU, at once, each round
 * mapping a region, writing a seeded pattern in every page (a hash of
 * pid, page and generation), forking (the child checks it sees the
 * parent's pre-fork bytes while the parent overwrites them, then writes
 * its own), mprotecting read-only and back, munmapping part, writing
 * again, and exiting; every page is checked after every step.  A mismatch
 * prints "@@FAIL stress: pid P page 0x... expected X got Y" and ends the
 * worker.  Afterwards the pager holds the frames it held before and the
 * kernel's free frames are back (less at most the page tables the pager's
 * window keeps for frames it had never held before).
 *
 *   test_stress          a bounded run (make test): two generations of
 *                        workers, ROUNDS rounds each
 *   test_stress SECS     workers are replaced as they end, for SECS seconds
 *                        (make stress) */
#include <stdbool.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define NAME    "stress"
#define PAGES   24        /* pages of a worker's region */
#define WORDS   64        /* words checked per page (one per 64 bytes) */
#define ROUNDS  2         /* rounds per worker */
#define PER_CPU 3
#define WMAX    16        /* workers at once */
#define WPAGES  8         /* pages the writer thread writes */
#define SNAPS   3         /* snapshot children per round */

static volatile uint64_t *wbuf; /* the writer's pages (first word each) */

static struct abi_sysinfo si;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

/* The pattern of page p written by pid in generation gen (never 0). */
static uint64_t key(uint32_t pid, unsigned p, unsigned gen)
{
	return mix((uint64_t)pid << 40 ^ (uint64_t)p << 24 ^ gen) | 1;
}

static volatile uint64_t *page(volatile uint64_t *a, unsigned p)
{
	return a + p * (4096 / 8);
}

static void fill(volatile uint64_t *a, unsigned p, uint64_t k)
{
	for (unsigned i = 0; i < WORDS; i++)
		page(a, p)[i * 8] = mix(k + i);
}

/* Page p holds pattern k (0: reads zero), else fail naming the page. */
static void check(volatile uint64_t *a, unsigned p, uint64_t k, const char *what)
{
	for (unsigned i = 0; i < WORDS; i++) {
		uint64_t want = k ? mix(k + i) : 0, got = page(a, p)[i * 8];
		if (got != want) {
			printf("@@FAIL " NAME ": pid %u page 0x%lx expected 0x%lx got 0x%lx (%s, word %u)\n",
			       sys_pid, (uint64_t)(uintptr_t)page(a, p), want, got, what, i);
			exit(1);
		}
	}
}

/* Every page of a holds what want[] says. */
static void check_all(volatile uint64_t *a, const uint64_t *want, const char *what)
{
	for (unsigned p = 0; p < PAGES; p++)
		check(a, p, want[p], what);
}

static void write_all(volatile uint64_t *a, uint64_t *want, unsigned gen)
{
	for (unsigned p = 0; p < PAGES; p++)
		fill(a, p, want[p] = key(sys_pid, p, gen));
}

static void must(int e, const char *what)
{
	if (e) {
		printf("@@FAIL " NAME ": pid %u %s: %s\n", sys_pid, what, err_str(e));
		exit(1);
	}
}

/* Read-only and back, munmap pages [lo, hi) (they read zero), write
 * generation gen: each step checked. */
static void churn(volatile uint64_t *a, uint64_t *want, unsigned gen, unsigned lo,
		  unsigned hi)
{
	must(mprotect((void *)a, PAGES * 4096, MAP_R), "mprotect read-only");
	check_all(a, want, "read-only");
	must(mprotect((void *)a, PAGES * 4096, MAP_R | MAP_W), "mprotect back");
	check_all(a, want, "writable again");
	must(munmap((void *)page(a, lo), (hi - lo) * 4096), "munmap");
	for (unsigned p = lo; p < hi; p++)
		want[p] = 0;
	check_all(a, want, "after munmap");
	write_all(a, want, gen);
	check_all(a, want, "rewritten");
}

/* The worker's second thread: counter k into each page, in order, for
 * ever (it ends with its process). */
static void writer(void *arg)
{
	(void)arg;
	for (uint64_t k = 1;; k++) {
		for (unsigned p = 0; p < WPAGES; p++)
			page(wbuf, p)[0] = k;
		if (k % 16 == 0)
			sys_yield();
	}
}

static _Noreturn void snap_fail(unsigned p, uint64_t want, uint64_t got, const char *what)
{
	printf("@@FAIL " NAME ": pid %u page 0x%lx expected 0x%lx got 0x%lx (%s)\n", sys_pid,
	       (uint64_t)(uintptr_t)page(wbuf, p), want, got, what);
	exit(1);
}

/* In a child: the writer's pages are a state the writer passed through at
 * fork (k on a prefix of the pages, k - 1 on the rest), and stay so. */
static void check_snapshot(void)
{
	uint64_t v[WPAGES];
	for (unsigned p = 0; p < WPAGES; p++) {
		v[p] = page(wbuf, p)[0];
		if (p && v[p] != v[p - 1] && v[p] + 1 != v[p - 1])
			snap_fail(p, v[p - 1], v[p], "not a state of the writer at fork");
		if (p && v[p] != v[0] && v[p] + 1 != v[0])
			snap_fail(p, v[0], v[p], "not a state of the writer at fork");
	}
	for (unsigned t = 0; t < 3; t++) {
		sleep_ms(1);
		for (unsigned p = 0; p < WPAGES; p++)
			if (page(wbuf, p)[0] != v[p])
				snap_fail(p, v[p], page(wbuf, p)[0],
					  "changed under the child after fork: COW broken");
	}
}

/* The child of a round: the parent's pre-fork bytes, then its own. */
static _Noreturn void child(volatile uint64_t *a, const uint64_t *parent, unsigned gen)
{
	static uint64_t want[PAGES];
	check_snapshot();
	check_all(a, parent, "child sees the pre-fork bytes");
	write_all(a, want, gen);
	check_all(a, want, "child's own");
	churn(a, want, gen + 1, PAGES / 2, PAGES / 2 + 5);
	must(mfree((void *)a), "mfree");
	exit(0);
}

/* Wait for child pid of this worker; fail unless it exited 0. */
static void reap_child(int pid)
{
	struct wait_status st;
	must(waitpid((uint32_t)pid, &st), "wait");
	if (st.how != PG_WAIT_EXITED || st.code != 0) {
		printf("@@FAIL " NAME ": pid %u: child %d ended how=%d code 0x%lx addr 0x%lx rip 0x%lx\n",
		       sys_pid, pid, st.how, st.code, st.addr, st.rip);
		exit(1);
	}
}

static void snapshots(void)
{
	int pids[SNAPS];
	for (unsigned i = 0; i < SNAPS; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			must(-pids[i], "fork");
		if (pids[i] == 0) {
			check_snapshot();
			exit(0);
		}
	}
	for (unsigned i = 0; i < SNAPS; i++)
		reap_child(pids[i]);
}

static void round_(unsigned r, unsigned seed)
{
	static uint64_t want[PAGES], before[PAGES];
	volatile uint64_t *a;
	unsigned gen = r * 8, lo = (seed + r) % (PAGES - 4), hi = lo + 1 + (seed + r) % 4;
	snapshots();
	must(mmap_anon(PAGES * 4096, (void **)&a), "mmap");
	write_all(a, want, gen);
	check_all(a, want, "written");
	memcpy(before, want, sizeof want);
	int pid = fork();
	if (pid < 0)
		must(-pid, "fork");
	if (pid == 0)
		child(a, before, gen + 4);
	write_all(a, want, gen + 1); /* while the child reads the old bytes */
	check_all(a, want, "parent after fork");
	churn(a, want, gen + 2, lo, hi);
	reap_child(pid);
	check_all(a, want, "after the child ended");
	must(mfree((void *)a), "mfree");
}

static _Noreturn void worker(unsigned seed, unsigned rounds)
{
	must(mmap_anon(WPAGES * 4096, (void **)&wbuf), "mmap the writer's pages");
	must(thread_start(writer, NULL, 16384), "start the writer");
	for (unsigned r = 1; r <= rounds; r++)
		round_(r, seed);
	exit(0);
}

static uint32_t workers[WMAX];
static unsigned started, ended;

static void start_worker(unsigned slot)
{
	int pid = fork();
	if (pid < 0)
		test_fail(NAME, "fork a worker: %s", err_str(-pid));
	if (pid == 0)
		worker(started * 7919 + slot, ROUNDS);
	workers[slot] = (uint32_t)pid;
	started++;
}

/* A worker that ended: 0 if it exited 0, else fail. */
static void reap(unsigned slot, const struct wait_status *st)
{
	if (st->how != PG_WAIT_EXITED || st->code != 0)
		test_fail(NAME, "worker %u ended how=%d code 0x%lx addr 0x%lx rip 0x%lx",
			  workers[slot], st->how, st->code, st->addr, st->rip);
	workers[slot] = 0;
	ended++;
}

/* n workers at once; each that ends is replaced while more() says so. */
static void run(unsigned n, bool (*more)(void))
{
	struct wait_status st;
	unsigned live = n;
	for (unsigned i = 0; i < n; i++)
		start_worker(i);
	while (live) {
		for (unsigned i = 0; i < n; i++) {
			if (!workers[i] || wait_poll(workers[i], &st) != E_OK)
				continue;
			reap(i, &st);
			live--;
			if (more()) {
				start_worker(i);
				live++;
			}
		}
		sleep_ms(5);
	}
}

static uint64_t deadline_ms;
static unsigned generation_left;

static bool until_deadline(void)
{
	sys_sysinfo((uint64_t)&si, sizeof si);
	return si.ticks_ms < deadline_ms;
}

static bool one_more_generation(void)
{
	return generation_left && generation_left--;
}

static bool none(void)
{
	return false;
}

static unsigned parse(const char *s)
{
	unsigned v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned)(*s++ - '0');
	return v;
}

int main(int argc, char **argv)
{
	static struct pg_stats a, b;
	static struct abi_frame_stats fs, fb, fa;
	unsigned secs = argc > 1 ? parse(argv[1]) : 0;
	TEST_ERR(NAME, sys_sysinfo((uint64_t)&si, sizeof si), E_OK);
	unsigned n = si.ncpus * PER_CPU;
	n = n < 3 ? 3 : n > WMAX ? WMAX : n;
	printf(NAME ": %u workers at once on %u CPUs, %s%u\n", n, si.ncpus,
	       secs ? "seconds " : "generations ", secs ? secs : 2);
	/* warm-up: what the pager and kernel keep for good; and every page of
	 * ours the counts below touch, touched before them */
	deadline_ms = generation_left = 0;
	run(n, none);
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	TEST_ERR(NAME, sys_frame_stats((uint64_t)&fs, sizeof fs), E_OK);
	frames_steady(2000);
	TEST_ERR(NAME, sys_frame_stats((uint64_t)&fb, sizeof fb), E_OK);
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	uint64_t before = fb.free;
	started = ended = 0;
	TEST_ERR(NAME, sys_sysinfo((uint64_t)&si, sizeof si), E_OK);
	uint64_t t0 = si.ticks_ms;
	if (secs) {
		deadline_ms = si.ticks_ms + secs * 1000ull;
		run(n, until_deadline);
	} else {
		generation_left = n;
		run(n, one_more_generation);
	}
	TEST_ERR(NAME, sys_sysinfo((uint64_t)&si, sizeof si), E_OK);
	uint64_t ms = si.ticks_ms - t0;
	frames_settle(before, 5000);
	TEST_ERR(NAME, sys_frame_stats((uint64_t)&fa, sizeof fa), E_OK);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	uint64_t after = fa.free;
	/* page tables may stay (the pager's window keeps those it ever
	 * needed), pages the pager's tables grew by (a node of a process
	 * that lives on, such as init or this one, may keep one), and a page
	 * or two of the kernel's small-object classes (kmem keeps its pages:
	 * more spaces and endpoints alive at once than ever before leave one;
	 * a leaked thread or space would be 4 frames or more) */
	int64_t pt = (int64_t)(fa.by_purpose[3] - fb.by_purpose[3]);
	int64_t pool = (int64_t)(b.pool_frames - a.pool_frames);
	int64_t kd = (int64_t)(fa.by_purpose[4] - fb.by_purpose[4]);
	int64_t ud = (int64_t)(fa.by_purpose[5] - fb.by_purpose[5]);
	printf(NAME ": %u workers (%u at once), %u rounds each, %lu ms; free frames %lu "
	       "before, %lu after (page tables %+ld, pager tables %+ld, kernel data %+ld, user "
	       "data %+ld); pager holds %lu frames, held %lu\n", started, n, ROUNDS, ms, before,
	       after, pt, pool, kd, ud, b.frames_held, a.frames_held);
	if (b.frames_held != a.frames_held)
		test_fail(NAME, "pager holds %lu frames, held %lu before", b.frames_held,
			  a.frames_held);
	int64_t kmem = kd > 0 && kd <= 2 ? kd : 0;
	if ((int64_t)after + (pt > 0 ? pt : 0) + (pool > 0 ? pool : 0) + kmem < (int64_t)before ||
	    pt > (int64_t)(fs.total / 512 + 8))
		test_fail(NAME, "free frames %lu before, %lu after; page tables %+ld, pager "
			  "tables %+ld", before, after, pt, pool);
	test_pass(NAME);
	return 0;
}
