/* In-kernel benchmarks, run by the "bench" boot entry: RESULT lines only,
 * nothing passes or fails here. */
#include <stdatomic.h>
#include "arch_api.h"
#include "kernel.h"
#include "lib/cmdline.h"
#include "mm/frame.h"
#include "printk.h"

#define BATCH   1000 /* operations timed together */
#define ROUNDS  101  /* batches; the median is reported */

extern uint64_t frames_ready_cycles;

static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = i; j && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

typedef int (*alloc_fn)(const struct frame_alloc_options *, uint64_t *);
typedef int (*free_fn)(uint64_t, unsigned);

/* Median cycles of one order-0 alloc+free pair through the given path. */
static uint64_t measure(alloc_fn a, free_fn f)
{
	static uint64_t per_cpu_samples[MAX_CPUS][ROUNDS];
	uint64_t *s = per_cpu_samples[arch_cpu_id()];
	struct frame_alloc_options o = { 0, false, PURPOSE_KERNEL_DATA };
	uint64_t pfn;
	for (unsigned r = 0; r < ROUNDS; r++) {
		uint64_t t0 = arch_cycles();
		for (unsigned i = 0; i < BATCH; i++) {
			a(&o, &pfn);
			f(pfn, 0);
		}
		s[r] = (arch_cycles() - t0) / BATCH;
	}
	sort(s, ROUNDS);
	return s[ROUNDS / 2];
}

static uint64_t all_result[MAX_CPUS];
static alloc_fn all_a;
static free_fn all_f;

static void measure_cpu(void *unused)
{
	(void)unused;
	all_result[arch_cpu_id()] = measure(all_a, all_f);
}

/* Every CPU measures at once; report the median of the CPUs' medians. */
static uint64_t measure_all(alloc_fn a, free_fn f)
{
	all_a = a;
	all_f = f;
	smp_run_all(measure_cpu, NULL);
	sort(all_result, arch_ncpus());
	return all_result[arch_ncpus() / 2];
}

void kbench_run(const struct boot_info *bi, bool final)
{
	uint64_t hz = arch_cycles_per_sec();
	uint64_t boot = frames_ready_cycles - bi->entry_cycles;
	/* tests/qemu/bench.sh adds the guest's RAM size to these two names */
	printk("RESULT name=boot_to_frames_ready value=%lu unit=us\n", boot * 1000000 / hz);
	printk("RESULT name=boot_to_frames_ready_cycles value=%lu unit=cycles\n", boot);
	if (cmdline_has(bi->mb.cmdline, "boot-only"))
		arch_exit(0);
	{
		printk("RESULT name=qemu_pcp_alloc_free value=%lu unit=cycles\n",
		       measure(frame_alloc, frame_free));
		printk("RESULT name=qemu_buddy_alloc_free value=%lu unit=cycles\n",
		       measure(buddy_alloc, buddy_free));
		printk("RESULT name=qemu_pcp_alloc_free_allcpus value=%lu unit=cycles\n",
		       measure_all(frame_alloc, frame_free));
		printk("RESULT name=qemu_buddy_alloc_free_allcpus value=%lu unit=cycles\n",
		       measure_all(buddy_alloc, buddy_free));
	}
	if (!final)
		return; /* the pager runs the ring-3 benchmarks and ends the run */
	printk("@@BENCH_DONE cpus=%u tsc_mhz=%lu\n", arch_ncpus(), hz / 1000000);
	arch_exit(0);
}
