/* Test and benchmark helpers (sys/test.h). */
#include <stdio.h>
#include <stdlib.h>
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"

void test_pass(const char *name)
{
	printf("@@PASS %s\n", name);
}

/* Print "@@TAG name: <fmt, ap>" as one line. */
static void report(const char *tag, const char *name, const char *fmt, va_list ap)
{
	char why[512];
	vsnprintf(why, sizeof why, fmt, ap);
	printf("@@%s %s: %s\n", tag, name, why);
}

void test_skip(const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report("SKIP", name, fmt, ap);
	va_end(ap);
}

void test_fail(const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report("FAIL", name, fmt, ap);
	va_end(ap);
	exit(1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

uint64_t median_u64(uint64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_u64);
	return v[n / 2];
}

void bench_result(const char *name, uint64_t value)
{
	bench_result_unit(name, value, "cycles");
}

void bench_result_unit(const char *name, uint64_t value, const char *unit)
{
	printf("RESULT name=%s value=%lu unit=%s\n", name, value, unit);
}

uint64_t frames_available(void)
{
	struct abi_frame_stats st;
	memset(&st, 0, sizeof st); /* the kernel copies only to mapped pages */
	if (sys_frame_stats((uint64_t)&st, sizeof st) != E_OK)
		return 0;
	return st.free; /* the kernel's free count includes the per-CPU caches */
}

/* The pools as the last frames_steady/frames_quiet left them, and the
 * count it returned (frames_settle's adjustment is for that count). */
static struct frames_pool quiet_pools;
static uint64_t quiet_count;
static int quiet_have;
static struct abi_frame_stats quiet_stats; /* the kernel's, then */
static struct pg_stats quiet_pager;        /* the pager's, then */

/* n, free frames now, with the pager's pool pages moved since the count
 * want was taken by frames_steady made good (frames_pool_moved): pages the
 * pools grew into for nodes that were in use then too (a page-table leaf
 * a parent copied while the fixed part was full) are added back, and
 * pages they gave back since are taken off, so that a count settles to
 * want exactly when nothing leaked.  Not when more nodes are in use than
 * then (a leaked node must show), nor for a want frames_steady did not
 * return. */
static uint64_t pools_made_good(uint64_t n, uint64_t want)
{
	struct frames_pool now;
	if (!quiet_have || want != quiet_count || frames_pool_now(&now) ||
	    now.nodes > quiet_pools.nodes)
		return n;
	return n + now.frames - quiet_pools.frames;
}

uint64_t frames_settle(uint64_t want, unsigned ms)
{
	uint64_t n = pools_made_good(frames_available(), want);
	for (unsigned t = 0; n < want && t < ms; t += 5) {
		sys_sleep_ms(5);
		n = pools_made_good(frames_available(), want);
	}
	return n;
}

int frames_pool_now(struct frames_pool *p)
{
	struct pg_stats st;
	int e = pager_stats(&st);
	p->frames = e ? 0 : st.pool_frames;
	p->nodes = e ? 0 : st.pool_nodes;
	return e;
}

int frames_pool_moved(uint64_t before, const struct frames_pool *then, uint64_t after)
{
	struct frames_pool now;
	if (frames_pool_now(&now))
		return 0;
	return after + now.frames >= before + then->frames && now.nodes <= then->nodes;
}

/* The 16 KiB of stack below the caller's frame, touched: a count's caller
 * that goes deeper between two counts grows no stack page. */
static __attribute__((noinline)) void touch_stack(void)
{
	volatile uint8_t below[16384];
	for (size_t i = 0; i < sizeof below; i += 4096)
		below[i] = 0;
}

uint64_t frames_steady(unsigned ms)
{
	return frames_quiet(250, ms);
}

uint64_t frames_quiet(unsigned quiet, unsigned ms)
{
	touch_image(); /* a first touch between two counts is no leak */
	touch_stack();
	uint64_t n = frames_available();
	for (unsigned t = 0, same = 0; same < quiet && t < ms; t += 5) {
		sys_sleep_ms(5);
		uint64_t m = frames_available();
		same = m == n ? same + 5 : 0;
		n = m;
	}
	quiet_have = frames_pool_now(&quiet_pools) == 0;
	quiet_count = n;
	sys_frame_stats((uint64_t)&quiet_stats, sizeof quiet_stats);
	pager_stats(&quiet_pager);
	return n;
}

void frames_explain(const char *name)
{
	static struct abi_frame_stats now;
	static const char *const what[ABI_PURPOSES] = {
		[ABI_PURPOSE_PAGE_TABLE] = "page tables",
		[ABI_PURPOSE_KERNEL_DATA] = "kernel objects",
		[ABI_PURPOSE_USER_DATA] = "user frames",
		[ABI_PURPOSE_CUSTOM] = "custom",
	};
	struct pg_stats pg;
	if (sys_frame_stats((uint64_t)&now, sizeof now) || pager_stats(&pg))
		return;
	for (int i = 0; i < ABI_PURPOSES; i++)
		if (what[i] && now.by_purpose[i] != quiet_stats.by_purpose[i])
			printf("%s: %s %ld frames against the last quiet count\n", name, what[i],
			       (long)(now.by_purpose[i] - quiet_stats.by_purpose[i]));
	printf("%s: the pager's frames %ld (pools %ld pages, %ld nodes; COW %ld), processes %ld "
	       "against the last quiet count\n", name,
	       (long)(pg.frames_held - quiet_pager.frames_held),
	       (long)(pg.pool_frames - quiet_pager.pool_frames),
	       (long)(pg.pool_nodes - quiet_pager.pool_nodes),
	       (long)(pg.cow_frames - quiet_pager.cow_frames),
	       (long)(pg.processes - quiet_pager.processes));
}

int touch_until_margin(void)
{
	static struct abi_frame_stats fs;
	if (sys_frame_stats((uint64_t)&fs, sizeof fs))
		return 1;
	uint64_t margin = 1024 + fs.total / 32, left = frames_available();
	while (left > margin + 4096) {
		volatile char *p;
		uint64_t n = (left - margin) * 4096 < PG_MMAP_MAX ? (left - margin) * 4096
								   : PG_MMAP_MAX;
		if (mmap_anon(n, (void **)&p))
			return 1;
		for (uint64_t off = 0; off < n; off += 4096)
			p[off] = 1;
		left = frames_available();
	}
	return 0;
}

void touch_image(void)
{
	extern char __tls_start[], end[]; /* the data segment: user.ld */
	static struct pg_region_info v[64];
	size_t n;
	if (pager_pmap(0, v, 64, &n) == E_OK)
		for (size_t i = 0; i < n; i++)
			if (v[i].backing == PG_BACK_FILE && !(v[i].rights & MAP_W))
				for (uint64_t a = v[i].start; a < v[i].end; a += 4096)
					(void)*(volatile uint8_t *)a;
	/* data and bss, written by an atomic add of 0: another thread's
	 * store meanwhile is not undone */
	for (uintptr_t a = (uintptr_t)__tls_start & ~(uintptr_t)4095; a < (uintptr_t)end; a += 4096)
		__atomic_fetch_add((uint8_t *)a, 0, __ATOMIC_RELAXED);
}

