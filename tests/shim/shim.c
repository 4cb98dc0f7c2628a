/* Host implementations of the hardware hooks (see shim.h). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "hooks.h"
#include "shim.h"
#include "mm/frame.h"
#include "mm/pcp.h"
#include "mm/frame_internal.h"

static unsigned char *arena;
static uint64_t arena_bytes;
static struct meta_slot *meta;

static __thread unsigned cur_cpu;
static __thread bool irqs_off;
static __thread unsigned relax_spins;

/* Console capture, guarded by con_lock (any thread may print). */
static pthread_mutex_t con_lock = PTHREAD_MUTEX_INITIALIZER;
static char *con_buf;
static size_t con_len, con_cap;
static bool con_echo;

void shim_arena_init(uint64_t bytes)
{
	shim_arena_free();
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("shim: arena mmap");
		abort();
	}
	arena = p;
	arena_bytes = bytes;
}

void shim_arena_free(void)
{
	if (arena)
		munmap(arena, arena_bytes);
	arena = NULL;
	arena_bytes = 0;
}

uint64_t shim_arena_size(void)
{
	return arena_bytes;
}

void shim_mm_init(uint64_t ram_bytes, uint64_t free_start, uint64_t free_end,
		  unsigned ncpus)
{
	shim_mm_fini();
	shim_arena_init(ram_bytes);
	uint64_t nframes = ram_bytes >> 12;
	meta = aligned_alloc(4096, meta_size_for(ram_bytes));
	if (!meta)
		abort();
	meta_init_array(meta, nframes);
	struct memrange_set fr = { 0 };
	memrange_add(&fr, free_start, free_end);
	frame_init(meta, nframes, &fr, ncpus);
}

void shim_mm_fini(void)
{
	free(meta);
	meta = NULL;
	shim_arena_free();
}

struct meta_slot *shim_meta(void)
{
	return meta;
}

void *arch_phys_to_virt(uint64_t pa)
{
	if (pa >= arena_bytes) {
		fprintf(stderr, "shim: phys 0x%lx outside the %lu-byte arena\n",
			(unsigned long)pa, (unsigned long)arena_bytes);
		abort();
	}
	return arena + pa;
}

uint64_t arch_virt_to_phys(const void *va)
{
	const unsigned char *p = va;
	if (p < arena || p >= arena + arena_bytes) {
		fprintf(stderr, "shim: %p outside the arena\n", va);
		abort();
	}
	return (uint64_t)(p - arena);
}

void shim_set_cpu(unsigned cpu)
{
	if (cpu >= MAX_CPUS)
		abort();
	cur_cpu = cpu;
}

unsigned arch_cpu_id(void)
{
	return cur_cpu;
}

unsigned long arch_irq_save(void)
{
	unsigned long was_on = !irqs_off;
	irqs_off = true;
	return was_on;
}

static __thread void (*on_restore)(void);
static __thread bool in_restore_hook;

void shim_on_irq_restore(void (*fn)(void))
{
	on_restore = fn;
}

void arch_irq_restore(unsigned long flags)
{
	irqs_off = !flags;
	if (on_restore && !in_restore_hook) {
		in_restore_hook = true;
		on_restore();
		in_restore_hook = false;
	}
}

bool shim_irqs_enabled(void)
{
	return !irqs_off;
}

/* pause; every 64th spin give the CPU away, so a preempted lock holder can
 * run when there are more test threads than host cores. */
void arch_cpu_relax(void)
{
	__builtin_ia32_pause();
	if (++relax_spins % 64 == 0)
		sched_yield();
}

void arch_console_write(const char *s, size_t n)
{
	pthread_mutex_lock(&con_lock);
	if (con_len + n + 1 > con_cap) {
		size_t cap = (con_len + n + 1) * 2;
		char *b = realloc(con_buf, cap);
		if (!b)
			abort();
		con_buf = b;
		con_cap = cap;
	}
	memcpy(con_buf + con_len, s, n);
	con_len += n;
	con_buf[con_len] = 0;
	if (con_echo)
		fwrite(s, 1, n, stderr);
	pthread_mutex_unlock(&con_lock);
}

_Noreturn void arch_halt_all(void)
{
	fprintf(stderr, "shim: arch_halt_all (console follows)\n%s\n",
		con_buf ? con_buf : "");
	abort();
}

const char *shim_console(void)
{
	return con_buf ? con_buf : "";
}

size_t shim_console_len(void)
{
	return con_len;
}

void shim_console_clear(void)
{
	pthread_mutex_lock(&con_lock);
	con_len = 0;
	if (con_buf)
		con_buf[0] = 0;
	pthread_mutex_unlock(&con_lock);
}

bool shim_console_has(const char *needle)
{
	return strstr(shim_console(), needle) != NULL;
}

unsigned shim_console_lines(void)
{
	unsigned n = 0;
	for (size_t i = 0; i < con_len; i++)
		n += con_buf[i] == '\n';
	return n;
}

void shim_console_echo(bool on)
{
	con_echo = on;
}

/* ---- audit ---- */

struct audit {
	uint64_t nframes, free, pcp, alloc, quar, reserved;
	uint64_t blocks[FRAME_MAX_ORDER + 1];
	uint64_t by_purpose[PURPOSE_COUNT];
	char *why;
	size_t n;
};

static bool fail(struct audit *a, const char *fmt, uint64_t pfn, uint64_t v)
{
	snprintf(a->why, a->n, fmt, (unsigned long)pfn, (unsigned long)v);
	return false;
}

/* A FREE_HEAD block at p: returns its length in frames, 0 on error. */
static uint64_t audit_free_block(struct audit *a, uint64_t p)
{
	unsigned k = meta_array[p].order;
	uint64_t len = 1ull << k;
	if (k > FRAME_MAX_ORDER || (p & (len - 1)) || p + len > a->nframes)
		return fail(a, "pfn 0x%lx: bad free block order %lu", p, k), 0;
	for (uint64_t q = p; q < p + len; q++) {
		if (meta_array[q].refcount != REFCOUNT_UNUSED)
			return fail(a, "pfn 0x%lx: free frame refcount %lu", q,
				    meta_array[q].refcount), 0;
		if (q != p && meta_array[q].flags != 0)
			return fail(a, "pfn 0x%lx: inner free flags 0x%lx", q,
				    meta_array[q].flags), 0;
		if (meta_array[q].guard & GUARD_POISONED)
			return fail(a, "pfn 0x%lx: poisoned frame free %lu", q, 0), 0;
	}
	uint64_t b = p ^ len;
	if (k < FRAME_MAX_ORDER && b < a->nframes &&
	    (meta_array[b].flags & META_FREE_HEAD) && meta_array[b].order == k)
		return fail(a, "pfn 0x%lx: free buddy not merged, order %lu", p, k), 0;
	a->blocks[k]++;
	a->free += len;
	return len;
}

/* An allocated block at p: returns its length, 0 on error. */
static uint64_t audit_alloc_block(struct audit *a, uint64_t p)
{
	unsigned k = meta_array[p].order;
	uint64_t len = 1ull << k;
	uint32_t r = meta_array[p].refcount;
	if (k > FRAME_MAX_ORDER || (p & (len - 1)) || p + len > a->nframes)
		return fail(a, "pfn 0x%lx: bad allocated order %lu", p, k), 0;
	if (r == 0 || r > REFCOUNT_MAX)
		return fail(a, "pfn 0x%lx: allocated head refcount %lu", p, r), 0;
	for (uint64_t q = p + 1; q < p + len; q++)
		if (meta_array[q].flags != META_TAIL || meta_array[q].refcount != 0)
			return fail(a, "pfn 0x%lx: bad tail, flags 0x%lx", q,
				    meta_array[q].flags), 0;
	a->alloc += len;
	a->by_purpose[meta_array[p].purpose] += len;
	return len;
}

/* One frame outside any block: returns 1, 0 on error. */
static uint64_t audit_single(struct audit *a, uint64_t p)
{
	uint16_t f = meta_array[p].flags;
	uint32_t r = meta_array[p].refcount;
	if ((f == META_PCP || f == (META_PCP | META_ZEROED)) && r == REFCOUNT_UNUSED)
		return a->pcp++, 1;
	if (f == META_QUARANTINE && r == 0 && (meta_array[p].guard & GUARD_POISONED))
		return a->quar++, 1;
	if (f == META_RESERVED && r == 0)
		return a->reserved++, 1;
	return fail(a, "pfn 0x%lx: stray state, flags 0x%lx", p, f), 0;
}

static bool audit_walk(struct audit *a)
{
	for (uint64_t p = 0, len; p < a->nframes; p += len) {
		uint16_t f = meta_array[p].flags;
		if (f == META_FREE_HEAD)
			len = audit_free_block(a, p);
		else if (f == META_HEAD)
			len = audit_alloc_block(a, p);
		else
			len = audit_single(a, p);
		if (!len)
			return false;
	}
	return true;
}

/* True if every byte of frame p is zero. */
static bool frame_is_zero(uint64_t p)
{
	const uint64_t *w = arch_phys_to_virt(p << 12);
	for (int i = 0; i < 512; i++)
		if (w[i])
			return false;
	return true;
}

/* Cache entry i of c (frame p): a PCP frame or a ghost; the zeroed ones
 * (META_ZEROED) only below zcount, and all their bytes zero.  Counts the
 * PCP frames and ghosts. */
static bool audit_entry(struct audit *a, const struct pcp_cache *c, unsigned i,
			uint64_t p, uint64_t *in_caches, uint64_t *ghosts)
{
	uint16_t f = meta_array[p].flags;
	if (f == META_QUARANTINE)
		return ++*ghosts, true;
	if (f != META_PCP && f != (META_PCP | META_ZEROED))
		return fail(a, "pfn 0x%lx: cached, flags 0x%lx", p, f);
	if (!(f & META_ZEROED) != (i >= c->zcount))
		return fail(a, "pfn 0x%lx: zeroed mark and place disagree, entry %lu", p, i);
	if ((f & META_ZEROED) && !frame_is_zero(p))
		return fail(a, "pfn 0x%lx: marked zeroed, bytes not zero %lu", p, 0);
	++*in_caches;
	return true;
}

/* Every META_PCP frame sits in exactly one cache; entries are PCP frames
 * or ghosts (quarantined); returns the ghost count via *ghosts. */
static bool audit_caches(struct audit *a, uint64_t *ghosts)
{
	unsigned char *seen = calloc(a->nframes, 1);
	uint64_t in_caches = 0;
	*ghosts = 0;
	for (unsigned cpu = 0; cpu < MAX_CPUS; cpu++) {
		struct pcp_cache *c = pcp_of(cpu);
		if (c->zcount > c->count) {
			free(seen);
			return fail(a, "cpu %lu: zcount above count %lu", cpu, c->zcount);
		}
		for (unsigned i = 0; i < c->count; i++) {
			uint64_t p = c->pfn[i];
			if (p >= a->nframes || seen[p]++) {
				free(seen);
				return fail(a, "pfn 0x%lx: cached twice (cpu %lu)", p, cpu);
			}
			if (!audit_entry(a, c, i, p, &in_caches, ghosts)) {
				free(seen);
				return false;
			}
		}
	}
	free(seen);
	if (in_caches != a->pcp)
		return fail(a, "%lu PCP frames cached, %lu flagged", in_caches, a->pcp);
	return true;
}

#define EQ(x, y, what)                                                        \
	do {                                                                  \
		if ((uint64_t)(x) != (uint64_t)(y))                           \
			return fail(a, what ": walk %lu, stats %lu", (x), (y)); \
	} while (0)

static bool audit_stats(struct audit *a, uint64_t ghosts)
{
	struct frame_stats st;
	frame_stats(&st);
	uint64_t cached = 0;
	for (unsigned c = 0; c < st.ncpus; c++)
		cached += st.pcp_cached[c];
	EQ(a->free + a->pcp, st.free, "free frames");
	EQ(a->pcp + ghosts, cached, "cached frames");
	EQ(a->quar, st.poisoned, "poisoned");
	EQ(a->reserved, st.reserved, "reserved");
	EQ(a->free + a->pcp + a->alloc, st.total, "total");
	for (int k = 0; k <= FRAME_MAX_ORDER; k++)
		EQ(a->blocks[k], st.free_blocks[k], "free blocks of one order");
	for (int p = 0; p < PURPOSE_COUNT; p++)
		EQ(a->by_purpose[p], st.by_purpose[p], "frames of one purpose");
	EQ(st.total + st.poisoned + st.reserved, a->nframes, "frame count");
	return true;
}

bool shim_mm_audit(char *why, size_t n)
{
	struct audit a = { .nframes = meta_frame_count(), .why = why, .n = n };
	uint64_t ghosts;
	if (n)
		why[0] = 0;
	return audit_walk(&a) && audit_caches(&a, &ghosts) &&
	       audit_stats(&a, ghosts);
}
