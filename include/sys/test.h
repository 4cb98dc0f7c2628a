/* Helpers for test and benchmark programs: the machine-read console lines
 * (@@PASS, @@FAIL, RESULT) and cycle counting. */
#ifndef SYS_TEST_H
#define SYS_TEST_H

#include <stddef.h>
#include <stdint.h>

/* Print "@@PASS name". */
void test_pass(const char *name);

/* Print "@@SKIP name: <reason>" (a test that cannot run here, such as one
 * needing more CPUs than the machine has; the run counts it as skipped,
 * not passed).  The caller then exits 0. */
void test_skip(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "@@FAIL name: <reason>" and end the process with status 1. */
_Noreturn void test_fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Fail name with the expression's text if cond is false. */
#define TEST_CHECK(name, cond) do { \
	if (!(cond)) \
		test_fail(name, "%s:%d: %s", __FILE__, __LINE__, #cond); \
} while (0)

/* Fail name unless the call returned the expected error code. */
#define TEST_ERR(name, expr, want) do { \
	int e_ = (expr); \
	if (e_ != (int)(want)) \
		test_fail(name, "%s:%d: %s returned %d (%s), want %d (%s)", \
			  __FILE__, __LINE__, #expr, e_, err_str(e_), \
			  (int)(want), err_str(want)); \
} while (0)

/* Frames the allocator could hand out now: sys_frame_stats's free, which
 * already counts the per-CPU caches (adding pcp_cached again would count
 * them twice); 0 if the call failed. */
uint64_t frames_available(void);

/* Wait up to ms milliseconds for frames_available() to reach want (the
 * kernel frees a killed thread's space once the thread has left its CPU);
 * returns the last count seen.  When want is what the last frames_steady
 * or frames_quiet returned, the count is made good for the pager's pool
 * pages moved since (frames_pool_moved's case, either way: pages grown
 * for nodes that were in use then too, or given back), unless more pool
 * nodes are in use now: then it settles to want exactly when nothing
 * leaked. */
uint64_t frames_settle(uint64_t want, unsigned ms);

/* Touch fresh anonymous pages until only a margin of free frames is left
 * (1024 plus 1/32 of memory, for the page tables the pager and the caller
 * need on the way); 0, or 1 if a call failed.  Run in a child that exits
 * after: it primes the page tables and pools that stay for good. */
int touch_until_margin(void);

/* Every page of the caller's program image: text read, data and bss
 * written (an atomic add of 0).  frames_steady and frames_quiet call it
 * (and touch 16 KiB of stack below them): a page of the program's own
 * that it touched first between two counts would look like a lost frame. */
void touch_image(void);

/* frames_available() once it has not changed for 250 ms (frames of ended
 * processes come back a little after they end: 300 children just reaped
 * took longer than 25 ms on a loaded host), or after ms at most. */
uint64_t frames_steady(unsigned ms);

/* The pager's pools now: the pages they hold beyond their fixed parts
 * (pg_stats.pool_frames) and their nodes in use (pool_nodes). */
struct frames_pool {
	uint64_t frames, nodes;
};

/* Fill *p from the pager's statistics; 0, or the error (then *p is 0s). */
int frames_pool_now(struct frames_pool *p);

/* 1 if after free frames, fewer than before (counted when the pools were
 * *then), are all in pages the pager's pools hold now for nodes in use:
 * after + the pool pages now >= before + the pool pages then, and no
 * more pool nodes in use now than then.  That is not a leak: a node
 * freed from a pool's fixed part and taken again while that part was
 * full comes from a grown page (a page-table leaf a parent copies when
 * it writes a page it shares with a child, while other processes fill
 * the fixed part), and that page stays as long as the node does.  A node
 * that leaked makes one more in use, and is caught either way.  0 if
 * the pool state cannot be read now. */
int frames_pool_moved(uint64_t before, const struct frames_pool *then, uint64_t after);

/* frames_steady with another quiet time: frames_available() once it has
 * not changed for quiet ms, or after ms at most. */
uint64_t frames_quiet(unsigned quiet, unsigned ms);

/* Where the frames went since the last frames_steady/frames_quiet: a
 * line per kernel purpose whose count moved (page tables, kernel objects,
 * user frames) and one for the pager's pools, each headed name.  For a
 * test's failure report. */
void frames_explain(const char *name);

/* The cycle counter. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Sort v[0..n) in place and return its median (0 for n = 0). */
uint64_t median_u64(uint64_t *v, size_t n);

/* Print "RESULT name=<name> value=<value> unit=cycles". */
void bench_result(const char *name, uint64_t value);

/* Print "RESULT name=<name> value=<value> unit=<unit>". */
void bench_result_unit(const char *name, uint64_t value, const char *unit);

#endif
