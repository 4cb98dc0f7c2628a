/* In-kernel self-tests, run by the "test" boot entry.  Each test prints
 * "@@PASS name" or "@@FAIL name: reason"; the run ends with "@@DONE" and
 * leaves QEMU through isa-debug-exit.  tests/qemu/run.sh judges the log. */
#include <stdatomic.h>
#include "arch_api.h"
#include "kernel.h"
#include "lib/cmdline.h"
#include "memlayout.h"
#include "mm/frame.h"
#include "mm/pcp.h"
#include "printk.h"
#include "space.h"
#include "thread.h"
#include "mm/meta_slot.h"
#include "abi/syscall.h"
#include "lib/fmt.h"
#include "lib/string.h"

static int failures;

static void check(bool ok, const char *name, const char *why)
{
	if (ok) {
		printk("@@PASS %s\n", name);
	} else {
		printk("@@FAIL %s: %s\n", name, why);
		failures++;
	}
}

/* Barrier for the CPUs of one smp_run_all: the last to arrive releases all. */
static _Atomic unsigned barrier_count, barrier_gen;

static void barrier(void)
{
	unsigned gen = atomic_load(&barrier_gen);
	if (atomic_fetch_add(&barrier_count, 1) + 1 == arch_ncpus()) {
		atomic_store(&barrier_count, 0);
		atomic_fetch_add(&barrier_gen, 1);
	} else {
		while (atomic_load(&barrier_gen) == gen)
			arch_cpu_relax();
	}
}

/* What each word of a test frame holds: unique per CPU, frame and word. */
static inline uint64_t pattern(unsigned cpu, uint64_t pfn, unsigned i)
{
	return ((uint64_t)(cpu + 1) << 56) ^ (pfn << 12) ^ (i * 0x9E3779B97F4A7C15ull);
}

struct exhaust {
	unsigned max_order;           /* CPU c starts at order c % (max_order+1) */
	_Atomic uint64_t frames;      /* frames allocated by all CPUs */
	_Atomic unsigned bad_pattern; /* words found wrong */
	_Atomic unsigned bad_free;    /* frees refused */
};

/* Allocate until exhausted, falling back to smaller orders; chain the blocks
 * through their first word (word 1 holds the order). Returns the chain head. */
static uint64_t grab_all(unsigned cpu, unsigned order, uint64_t *frames)
{
	uint64_t head = ~0ull, pfn;
	for (;;) {
		struct frame_alloc_options o = { order, false, PURPOSE_KERNEL_DATA };
		if (frame_alloc(&o, &pfn) != E_OK) {
			if (order == 0)
				return head;
			order--;
			continue;
		}
		uint64_t n = 1ull << order;
		for (uint64_t f = pfn; f < pfn + n; f++) {
			uint64_t *w = P2V(f << PAGE_SHIFT);
			for (unsigned i = 2; i < PAGE_SIZE / 8; i++)
				w[i] = pattern(cpu, f, i);
		}
		uint64_t *w = P2V(pfn << PAGE_SHIFT);
		w[0] = head;
		w[1] = order;
		head = pfn;
		*frames += n;
	}
}

/* Check every word of every block on the chain, free the blocks. */
static void check_and_free(unsigned cpu, uint64_t head, struct exhaust *ex)
{
	while (head != ~0ull) {
		uint64_t *w = P2V(head << PAGE_SHIFT);
		uint64_t next = w[0], order = w[1];
		for (uint64_t f = head; f < head + (1ull << order); f++) {
			uint64_t *fw = P2V(f << PAGE_SHIFT);
			for (unsigned i = 2; i < PAGE_SIZE / 8; i++)
				if (fw[i] != pattern(cpu, f, i))
					atomic_fetch_add(&ex->bad_pattern, 1);
		}
		if (frame_free(head, (unsigned)order) != E_OK)
			atomic_fetch_add(&ex->bad_free, 1);
		head = next;
	}
}

static void exhaust_cpu(void *arg)
{
	struct exhaust *ex = arg;
	unsigned cpu = arch_cpu_id();
	uint64_t frames = 0;
	uint64_t head = grab_all(cpu, cpu % (ex->max_order + 1), &frames);
	atomic_fetch_add(&ex->frames, frames);
	barrier(); /* every CPU has written before anyone checks */
	check_and_free(cpu, head, ex);
}

static void drain_cpu(void *unused)
{
	(void)unused;
	pcp_drain_all(pcp_of(arch_cpu_id()));
}

/* All CPUs at once allocate until memory is exhausted, write a per-CPU
 * pattern, check it, free everything: the free count and the buddy free
 * lists return exactly to where they began. */
static void test_exhaust(const char *name, unsigned max_order)
{
	struct frame_stats before, after;
	smp_run_all(drain_cpu, NULL);
	frame_stats(&before);
	struct exhaust ex = { .max_order = max_order };
	smp_run_all(exhaust_cpu, &ex);
	smp_run_all(drain_cpu, NULL);
	frame_stats(&after);
	bool lists_same = true;
	for (unsigned o = 0; o <= FRAME_MAX_ORDER; o++)
		lists_same &= before.free_blocks[o] == after.free_blocks[o];
	printk("%s: %u CPUs took %lu frames of %lu free, %u bad words, %u refused frees\n",
	       name, arch_ncpus(), (uint64_t)ex.frames, before.free,
	       ex.bad_pattern, ex.bad_free);
	check(ex.frames == before.free && ex.bad_pattern == 0 && ex.bad_free == 0 &&
	      after.free == before.free && lists_same, name,
	      ex.frames != before.free ? "not every free frame was handed out" :
	      ex.bad_pattern ? "pattern overwritten: a frame was shared" :
	      ex.bad_free ? "a free was refused" :
	      after.free != before.free ? "free count did not return" :
	      "buddy free lists differ after coalescing");
}

/* Every CPU but the BSP fills its cache to the high mark (from the lists). */
static void fill_cache_cpu(void *unused)
{
	(void)unused;
	if (arch_cpu_id() == 0)
		return;
	struct pcp_cache *c = pcp_of(arch_cpu_id());
	unsigned long f = spin_lock_irqsave(&c->lock);
	pcp_batch_refill(c, PCP_HIGH - c->count);
	spin_unlock_irqrestore(&c->lock, f);
}

/* Take every block left in the buddy lists (largest first), chained through
 * their first words (word 1: the order); returns the chain head. */
static uint64_t take_lists(void)
{
	uint64_t head = ~0ull, pfn;
	for (int k = FRAME_MAX_ORDER; k >= 0;) {
		struct frame_alloc_options o = { (unsigned)k, false, PURPOSE_KERNEL_DATA };
		if (buddy_alloc(&o, &pfn) != E_OK) {
			k--;
			continue;
		}
		uint64_t *w = P2V(pfn << PAGE_SHIFT);
		w[0] = head;
		w[1] = (uint64_t)k;
		head = pfn;
	}
	return head;
}

static void free_chain(uint64_t head)
{
	while (head != ~0ull) {
		uint64_t *w = P2V(head << PAGE_SHIFT);
		uint64_t next = w[0];
		buddy_free(head, (unsigned)w[1]);
		head = next;
	}
}

/* Issue 14, item 2: the other CPUs' caches full, the buddy lists empty and
 * the BSP's cache empty, an order-0 allocation on the BSP must still get a
 * frame (by draining the other caches), and count the drain. */
static void test_remote_drain(void)
{
	const char *name = "frames_pcp_remote_drain";
	if (arch_ncpus() < 4) {
		printk("@@SKIP %s: needs 4 CPUs\n", name);
		return;
	}
	struct frame_stats before, mid, after;
	smp_run_all(drain_cpu, NULL);
	frame_stats(&before);
	smp_run_all(fill_cache_cpu, NULL);
	uint64_t chain = take_lists();
	frame_stats(&mid);
	uint64_t cached = 0, pfn = 0;
	for (unsigned c = 1; c < arch_ncpus(); c++)
		cached += mid.pcp_cached[c];
	struct frame_alloc_options o = { 0, true, PURPOSE_KERNEL_DATA };
	int e = frame_alloc(&o, &pfn);
	frame_stats(&after);
	if (e == E_OK)
		frame_free(pfn, 0);
	free_chain(chain);
	smp_run_all(drain_cpu, NULL);
	struct frame_stats end;
	frame_stats(&end);
	printk("%s: %lu frames cached on CPUs 1..%u, %lu free in the lists; "
	       "alloc on CPU 0: %s, %lu drains moved %lu frames\n", name, cached,
	       arch_ncpus() - 1, mid.free - cached, err_str(e),
	       after.oom_drains - mid.oom_drains, after.oom_drained - mid.oom_drained);
	check(e == E_OK && cached == (uint64_t)(arch_ncpus() - 1) * PCP_HIGH &&
	      mid.free == cached && after.oom_drains == mid.oom_drains + 1 &&
	      after.oom_drained - mid.oom_drained == cached && end.free == before.free,
	      name, e != E_OK ? "the allocation failed with frames cached elsewhere" :
	      mid.free != cached ? "the set-up left frames outside the caches" :
	      end.free != before.free ? "free count did not return" :
	      "the drain was not counted as one OOM drain of every cached frame");
}

/* A zeroed allocation is all zero even when the frame was dirty before. */
static void test_zeroed(void)
{
	uint64_t pfn;
	struct frame_alloc_options dirty = { 3, false, PURPOSE_KERNEL_DATA };
	bool ok = frame_alloc(&dirty, &pfn) == E_OK;
	if (ok) {
		uint64_t *w = P2V(pfn << PAGE_SHIFT);
		for (unsigned i = 0; i < 8 * PAGE_SIZE / 8; i++)
			w[i] = ~0ull;
		ok = frame_free(pfn, 3) == E_OK;
	}
	struct frame_alloc_options zero = { 3, true, PURPOSE_KERNEL_DATA };
	uint64_t pfn2;
	ok = ok && frame_alloc(&zero, &pfn2) == E_OK;
	bool zeros = true;
	if (ok) {
		uint64_t *w = P2V(pfn2 << PAGE_SHIFT);
		for (unsigned i = 0; i < 8 * PAGE_SIZE / 8; i++)
			zeros &= w[i] == 0;
		ok = frame_free(pfn2, 3) == E_OK;
	}
	check(ok && zeros && pfn2 == pfn, "frames_zeroed",
	      !ok ? "alloc or free failed" : pfn2 != pfn ? "did not reuse the dirty block" :
	      "zeroed block holds old bytes");
}

/* Misuse from the kernel side is refused and changes nothing. */
static void test_misuse(void)
{
	struct frame_stats a, b;
	uint64_t pfn;
	struct frame_alloc_options o = { 1, false, PURPOSE_KERNEL_DATA };
	bool ok = frame_alloc(&o, &pfn) == E_OK && frame_free(pfn, 1) == E_OK;
	frame_stats(&a);
	ok = ok && frame_free(pfn, 1) == E_DOUBLEFREE;
	ok = ok && frame_free(0, 0) == E_NOTALLOC;          /* reserved: real mode */
	ok = ok && frame_free(meta_frame_count() + 5, 0) == E_RANGE;
	frame_stats(&b);
	check(ok && a.free == b.free && a.frees == b.frees, "frames_misuse_refused",
	      "a bad free was not refused, or changed the counts");
}

/* A fault answer installed at reply time (FAULT_REPLY_INSTALL,
 * fault_install): refused as the map call refuses (stale frame, bad
 * rights, a kernel address or no page fault), and not put in place if
 * the space was unmapped or protected since the fault, or if the page is
 * mapped already; a good one maps the page with the rights asked.  The
 * frame counts come back to where they were. */
static void test_fault_install(void)
{
	static struct thread t;
	const uint64_t va = 0x400000;
	struct frame_stats a, b;
	struct frame_alloc_options user = { 0, true, PURPOSE_USER_DATA };
	struct frame_alloc_options kern = { 0, false, PURPOSE_KERNEL_DATA };
	uint64_t pfn, kpfn, pa;
	unsigned rights = 0;
	bool ok = true;
	frame_stats(&a);
	if (space_create(NULL, 0, &t.space) != E_OK || frame_alloc(&user, &pfn) != E_OK ||
	    frame_alloc(&kern, &kpfn) != E_OK) {
		check(false, "fault_install_checked", "no memory for the test");
		return;
	}
	uint32_t gen = meta_get(pfn)->generation, kgen = meta_get(kpfn)->generation;
	t.fault_seq = t.space->unmaps;
	t.fault_va = va;
	ok &= fault_install(&t, pfn, gen + 1, MAP_R) == E_STALE;
	ok &= fault_install(&t, pfn, gen + (1ull << 32), MAP_R) == E_STALE;
	ok &= fault_install(&t, kpfn, kgen, MAP_R) == E_STALE;
	ok &= fault_install(&t, pfn, gen, MAP_R | 0x80) == E_INVAL;
	ok &= fault_install(&t, pfn, gen, MAP_W) == E_INVAL;
	ok &= fault_install(&t, pfn, gen, MAP_R | (1ull << 32)) == E_INVAL;
	t.fault_va = USER_END; /* not a page fault, or a kernel address */
	ok &= fault_install(&t, pfn, gen, MAP_R) == E_FAULT;
	t.fault_va = va;
	ok &= !space_query(t.space, va, &rights);
	space_unmap(t.space, va + PAGE_SIZE, 1); /* the space changed since */
	ok &= fault_install(&t, pfn, gen, MAP_R) == E_OK && !space_query(t.space, va, &rights);
	t.fault_seq = t.space->unmaps;
	ok &= fault_install(&t, pfn, gen, MAP_R) == E_OK && space_lookup(t.space, va, &pa) &&
	      pa >> PAGE_SHIFT == pfn && space_query(t.space, va, &rights) && rights == MAP_R;
	ok &= fault_install(&t, kpfn, kgen, MAP_R) == E_STALE; /* checked before "mapped" */
	ok &= fault_install(&t, pfn, gen, MAP_R | MAP_W) == E_OK && /* mapped: left alone */
	      space_query(t.space, va, &rights) && rights == MAP_R;
	frame_free(pfn, 0);
	frame_free(kpfn, 0);
	kobj_put(&t.space->obj);
	t.space = NULL;
	frame_stats(&b);
	check(ok && a.free == b.free, "fault_install_checked",
	      "a bad or stale fault answer was installed, or a good one was not");
}

/* The VGA mirror holds exactly the lines the serial console got: print
 * three lines, read the last three VGA rows back. */
static void test_vga_mirror(void)
{
	char want[3][64], got[3][82];
	for (int i = 0; i < 3; i++) {
		fmt_snprintf(want[i], sizeof want[i], "vga mirror line %d of 3, tsc %lu", i + 1,
			     arch_cycles());
		printk("%s\n", want[i]);
	}
	bool same = true;
	for (int i = 0; i < 3; i++) {
		arch_vga_row((unsigned)(3 - i), got[i], sizeof got[i]);
		same &= strcmp(got[i], want[i]) == 0;
	}
	check(same, "vga_mirrors_serial", "VGA text differs from what was printed");
}

/* The "test kstack_overflow" boot: recurse on a thread-style kernel stack
 * (arch_kstack_map) until it runs into its guard page; trap.c must print
 * "kernel stack overflow" and panic (tests/qemu/run.sh checks the log). */
static unsigned __attribute__((noinline)) overflow_recurse(unsigned depth)
{
	volatile char frame[512];
	frame[0] = (char)depth;
	frame[511] = (char)depth;
	if (depth < 1u << 30)
		return overflow_recurse(depth + 1) + frame[0];
	return frame[511];
}

void __attribute__((noreturn, used)) ktest_overflow_entry(void)
{
	overflow_recurse(0);
	panic("kstack_overflow: the recursion returned");
}

static void test_kstack_overflow(void)
{
	struct frame_alloc_options o = { 2, false, PURPOSE_KERNEL_DATA };
	uint64_t pfn;
	uint64_t top = frame_alloc(&o, &pfn) == E_OK ? arch_kstack_map(pfn, 4) : 0;
	if (!top)
		panic("kstack_overflow: no stack");
	printk("ktest: overflowing a kernel stack (top 0x%lx) on purpose\n", top);
	__asm__ volatile("mov %0, %%rsp; xor %%ebp, %%ebp; call ktest_overflow_entry; ud2"
			 :: "r"(top) : "memory");
}

/* "test exception": a ring-0 invalid opcode must print a full dump and panic;
 * tests/qemu/run.sh expects exactly that. */
static void test_exception(void)
{
	printk("ktest: executing ud2 on purpose\n");
	__asm__ volatile("ud2");
}

void ktest_run(const struct boot_info *bi, bool final)
{
	printk("ktest: %u CPUs, %lu MiB\n", arch_ncpus(), bi->mb.ram_end >> 20);
	if (cmdline_has(bi->mb.cmdline, "exception"))
		test_exception();
	if (cmdline_has(bi->mb.cmdline, "kstack_overflow"))
		test_kstack_overflow();
	if (bi->ncpus_found < 2)
		printk("@@SKIP smp_all_cpus_online: needs 2 CPUs, the MADT lists %u\n",
		       bi->ncpus_found);
	else
		check(arch_ncpus() == bi->ncpus_found, "smp_all_cpus_online",
		      "some CPUs did not come online");
	test_exhaust("frames_smp_exhaust_order0", 0);
	test_exhaust("frames_smp_exhaust_mixed", 4);
	test_remote_drain();
	test_zeroed();
	test_misuse();
	test_fault_install();
	test_vga_mirror();
	check(arch_selftest_foreign_gs(), "entry_foreign_gs",
	      "an interrupt in ring 0 with a user GS base lost the per-CPU area");
	check(arch_selftest_kstack(), "kstack_guard",
	      "a kernel stack's mapping or its unmapped guard page is wrong");
	if (!final)
		return; /* the pager runs the ring-3 tests and ends the run */
	printk("@@DONE failures=%d\n", failures);
	arch_exit(failures ? 1 : 0);
}
