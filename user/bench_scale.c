/* Fault scaling: 1, 2 and 4 processes (as many as there are CPUs), each
 * touching 4,096 fresh pages in a scattered order from a thread pinned to
 * its own CPU, all started at once; reports the aggregate pages per second
 * and its ratio to one process.  The same with COW faults: each process
 * first fills its pages, forks a child that keeps them shared, then
 * writes them all.  Each count of processes runs ROUNDS times: the host's
 * scheduling moves a single run by tens of percent, so the median and the
 * best run are reported, and a ratio of each.  A worker that is done
 * waits until every worker is, then ends: the end of one (its memory
 * given back, on whichever CPU its main thread runs) must not count in
 * another's span.  The program runs itself as the workers
 * ("worker MODE CPU PARENT").  Benchmarks report, they never fail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/proc.h"
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define PAGES 4096
#define MAXN  4
#define ROUNDS 5
#define SPIN_ITERS 10000 /* mode cpu: of the order of a fault's time under TCG */
#define KEY_GO   0x5CA1E00000ull
#define KEY_RES  0x5CA1F00000ull
#define KEY_HOLD 0x5CA1D00000ull

static volatile char *mem;
static int spin; /* mode cpu: compute only, no faults (the host's baseline) */
static uint32_t go, res;
static volatile uint32_t done; /* futex word: 1 once the toucher ends */

static unsigned num(const char *s)
{
	unsigned v = 0;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned)(*s++ - '0');
	return v;
}

/* The measured part, on a thread pinned to this worker's CPU: say it is
 * ready, wait for the go, touch every page once (scattered), send (t0, t1). */
static void toucher(void *arg)
{
	(void)arg;
	struct sys_msg m = { .label = 2 };
	if (ipc_send(res, &m) == E_OK && ipc_recv(go, &m) == E_OK) {
		uint64_t t0 = rdtsc();
		if (spin) { /* SPIN_ITERS steps of a register-only hash per "page" */
			uint64_t x = t0;
			for (uint64_t i = 0; i < (uint64_t)PAGES * SPIN_ITERS; i++)
				x = x * 6364136223846793005ull + 1442695040888963407ull;
			mem[0] = (char)x;
		} else {
			for (int i = 0; i < PAGES; i++)
				mem[(uint64_t)i * 1031 % PAGES * 4096] = 2;
		}
		uint64_t t1 = rdtsc();
		m = (struct sys_msg){ .label = 1, .w = { t0, t1 } };
		ipc_send(res, &m);
	}
	done = 1;
	futex_wake(&done, 1);
}

/* A worker: its pages (filled and shared with a waiting child for COW),
 * then the pinned toucher; the child is let go after. */
static int worker(const char *mode, unsigned cpu, unsigned parent)
{
	int cow = strcmp(mode, "cow") == 0;
	spin = strcmp(mode, "cpu") == 0;
	uint32_t hold = 0;
	pid_t child = -1;
	if (shared_ep(KEY_GO | parent, &go) || shared_ep(KEY_RES | parent, &res))
		return 1;
	mem = mmap(NULL, PAGES * 4096ull,
		   PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (mem == MAP_FAILED)
		return 1;
	if (cow) {
		for (int i = 0; i < PAGES; i++)
			mem[i * 4096ull] = 1;
		uint64_t key = KEY_HOLD | (uint64_t)getpid() << 8; /* ours, not the child's */
		if (shared_ep(key, &hold))
			return 1;
		child = fork();
		if (child == 0) { /* keeps every page shared until let go */
			struct sys_msg m;
			if (shared_ep(key, &hold) == E_OK)
				ipc_recv(hold, &m);
			exit(0);
		}
	}
	if (thread_start_on((int)cpu, toucher, NULL, 16 * 1024))
		return 1;
	while (!done) /* asleep: no wake-ups on the measured CPUs */
		futex_wait(&done, 0, FUTEX_FOREVER);
	struct sys_msg m;
	ipc_recv(go, &m); /* every worker is done */
	if (child > 0) {
		m = (struct sys_msg){ .label = 1 };
		ipc_send(hold, &m);
		waitpid(child, NULL, 0);
	}
	return 0;
}

/* Start n workers, release them together, return the aggregate pages per
 * second (0 if something failed). */
static uint64_t run(const char *mode, unsigned n, uint64_t hz)
{
	char cpu[8], parent[16];
	uint32_t pid[MAXN];
	snprintf(parent, sizeof parent, "%d", getpid());
	for (unsigned i = 0; i < n; i++) {
		snprintf(cpu, sizeof cpu, "%u", i);
		const char *argv[] = { "bench_scale", "worker", mode, cpu, parent, NULL };
		if (spawnv(argv, &pid[i]))
			return 0;
	}
	/* Every worker ready (its pages filled and forked for COW) before any
	 * goes: a worker still filling would count in the span. */
	struct sys_msg m = { .label = 1 };
	for (unsigned i = 0; i < n; i++)
		if (ipc_recv(res, &m))
			return 0;
	for (unsigned i = 0; i < n; i++) /* each send meets one waiting worker */
		ipc_send(go, &m);
	uint64_t first = ~0ull, last = 0;
	for (unsigned i = 0; i < n; i++) {
		if (ipc_recv(res, &m))
			return 0;
		first = m.w[0] < first ? m.w[0] : first;
		last = m.w[1] > last ? m.w[1] : last;
	}
	for (unsigned i = 0; i < n; i++) /* they may end now */
		ipc_send(go, &m);
	for (unsigned i = 0; i < n; i++)
		waitpid((pid_t)pid[i], NULL, 0);
	return last > first ? (uint64_t)n * PAGES * hz / (last - first) : 0;
}

/* Sort v[0..n) in place (n is ROUNDS: insertion sort). */
static void sort_rates(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* One RESULT line of a ratio a/b in hundredths. */
static void print_ratio(const char *name, uint64_t a, uint64_t b)
{
	printf("RESULT name=%s value=%lu.%02lu unit=x\n", name,
	       b ? a / b : 0, b ? a * 100 / b % 100 : 0);
}

int main(int argc, char **argv)
{
	if (argc > 4 && strcmp(argv[1], "worker") == 0)
		return worker(argv[2], num(argv[3]), num(argv[4]));
	uint64_t hz = tsc_hz();
	unsigned ncpu = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	uint32_t me = (uint32_t)getpid();
	if (shared_ep(KEY_GO | me, &go) || shared_ep(KEY_RES | me, &res))
		return 1;
	const char *modes[] = { "cpu", "zero", "cow" };
	char name[64];
	for (int k = 0; k < 3; k++) {
		if (argc > 1 && strcmp(argv[1], modes[k]) != 0)
			continue; /* "bench_scale MODE": that mode only */
		uint64_t med1 = 0, best1 = 0;
		for (unsigned n = 1; n <= MAXN && n <= ncpu; n *= 2) {
			uint64_t rate[ROUNDS];
			for (unsigned r = 0; r < ROUNDS; r++)
				rate[r] = run(modes[k], n, hz);
			sort_rates(rate, ROUNDS);
			uint64_t med = rate[ROUNDS / 2], best = rate[ROUNDS - 1];
			if (n == 1) {
				med1 = med;
				best1 = best;
			}
			printf("RESULT name=scale_%s_%up value=%lu unit=pages/s\n", modes[k], n, med);
			printf("RESULT name=scale_%s_%up_best value=%lu unit=pages/s\n", modes[k], n, best);
			snprintf(name, sizeof name, "scale_%s_%up_ratio", modes[k], n);
			print_ratio(name, med, med1);
			snprintf(name, sizeof name, "scale_%s_%up_best_ratio", modes[k], n);
			print_ratio(name, best, best1);
		}
	}
	return 0;
}
