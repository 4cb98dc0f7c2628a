/* Host benchmark of the frame allocator: the kernel's own sources, built
 * -O2 without sanitizers, over the tests/shim hooks.  Prints one
 *   RESULT name=<name> value=<v> unit=<u>
 * line per measurement; each value is the median of RUNS runs.
 *   host_pcp_alloc_free       order-0 frame_alloc + frame_free (per-CPU path)
 *   host_buddy_alloc_free     order-0 buddy_alloc + buddy_free (global lock)
 *   host_*_2t                 the same on 2 threads (2 CPUs) at once, per
 *                             pair per thread
 *   host_meta_setup_per_gib   meta_init_array + frame_init, per GiB */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mm/frame.h"
#include "mm/pcp.h"
#include "shim.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define RUNS 7
#define ITERS 2000000

typedef int (*alloc_fn)(const struct frame_alloc_options *, uint64_t *);
typedef int (*free_fn)(uint64_t, unsigned);

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof v[0], cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void result(const char *name, double v, const char *unit)
{
	printf("RESULT name=%s value=%.1f unit=%s\n", name, v, unit);
	fflush(stdout);
}

/* ns per alloc+free pair, n pairs, holding a few frames so the cache moves
 * up and down a little as real callers do. */
static double alloc_free_loop(alloc_fn af, free_fn ff, unsigned n)
{
	struct frame_alloc_options o = { 0, false, PURPOSE_KERNEL_DATA };
	uint64_t held[4];
	double t0 = now_ns();
	for (unsigned i = 0; i < n; i++) {
		uint64_t *slot = &held[i % 4];
		if (i >= 4 && ff(*slot, 0) != E_OK)
			abort();
		if (af(&o, slot) != E_OK)
			abort();
	}
	double t = now_ns() - t0;
	for (unsigned i = 0; i < 4 && i < n; i++)
		ff(held[i], 0);
	return t / n;
}

static double one_thread(alloc_fn af, free_fn ff)
{
	double v[RUNS];
	shim_set_cpu(0);
	alloc_free_loop(af, ff, ITERS / 10); /* warm up */
	for (int r = 0; r < RUNS; r++)
		v[r] = alloc_free_loop(af, ff, ITERS);
	return median(v, RUNS);
}

struct thr {
	unsigned cpu;
	alloc_fn af;
	free_fn ff;
	pthread_barrier_t *bar;
	double ns;
};

static void *thr_main(void *arg)
{
	struct thr *t = arg;
	shim_set_cpu(t->cpu);
	alloc_free_loop(t->af, t->ff, ITERS / 10);
	pthread_barrier_wait(t->bar);
	t->ns = alloc_free_loop(t->af, t->ff, ITERS);
	return NULL;
}

/* Both threads at once; per-pair ns averaged over the threads. */
static double two_threads(alloc_fn af, free_fn ff)
{
	double v[RUNS];
	pthread_barrier_t bar;
	pthread_barrier_init(&bar, NULL, 2);
	for (int r = 0; r < RUNS; r++) {
		struct thr t[2] = { { 0, af, ff, &bar, 0 }, { 1, af, ff, &bar, 0 } };
		pthread_t th[2];
		for (int i = 0; i < 2; i++)
			pthread_create(&th[i], NULL, thr_main, &t[i]);
		for (int i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		v[r] = (t[0].ns + t[1].ns) / 2;
	}
	pthread_barrier_destroy(&bar);
	return median(v, RUNS);
}

/* Microseconds to set up the MetaSlot array and the buddy lists for one
 * GiB, measured over 4 GiB of simulated RAM (array memory pre-touched, as
 * the kernel's is mapped already). */
static double meta_setup_us_per_gib(void)
{
	const uint64_t ram = 4 * GIB, n = ram >> 12;
	struct meta_slot *m = aligned_alloc(4096, meta_size_for(ram));
	if (!m)
		abort();
	memset(m, 0, meta_size_for(ram));
	struct memrange_set fr = { 0 };
	memrange_add(&fr, 1 * MIB, 640 * MIB);
	memrange_add(&fr, 641 * MIB, ram);
	double v[RUNS];
	for (int r = 0; r < RUNS; r++) {
		double t0 = now_ns();
		meta_init_array(m, n);
		frame_init(m, n, &fr, 2);
		v[r] = (now_ns() - t0) / 1e3 / (ram / GIB);
	}
	free(m);
	return median(v, RUNS);
}

int main(void)
{
	shim_set_cpu(0);
	shim_mm_init(256 * MIB, 1 * MIB, 256 * MIB, 2);
	result("host_pcp_alloc_free", one_thread(frame_alloc, frame_free), "ns");
	result("host_buddy_alloc_free", one_thread(buddy_alloc, buddy_free), "ns");
	result("host_pcp_alloc_free_2t", two_threads(frame_alloc, frame_free), "ns");
	result("host_buddy_alloc_free_2t", two_threads(buddy_alloc, buddy_free),
	       "ns");
	struct frame_stats s;
	frame_stats(&s);
	if (s.free != s.total) {
		fprintf(stderr, "host-bench: %lu of %lu frames free at the end\n",
			(unsigned long)s.free, (unsigned long)s.total);
		return 1;
	}
	shim_mm_fini();
	result("host_meta_setup_per_gib", meta_setup_us_per_gib(), "us");
	return 0;
}
