/* A system-call and pager-request fuzzer.
 *
 *   test_fuzz [CALLS [SEED [FLAGS]]]   the controller: keeps PARALLEL worker
 *                                       processes running until CALLS calls
 *                                       (default 100000) are done, then checks
 *                                       that the free frames are back
 *   test_fuzz worker SEED CALLS FLAGS  one worker: THREADS threads, each
 *                                       making CALLS calls from its own
 *                                       fixed-seed stream; exit status = the
 *                                       calls made
 *   test_fuzz nop                      exits 0 (a child for PG_SPAWN)
 *   test_fuzz fill | fill1 | fillmem   warm-up children (prime, below)
 *
 * Every call is a raw `syscall` with a random number (some out of range)
 * and six words drawn from interesting sets (0, -1, small numbers, pointers
 * in and out of the worker's mappings, kernel and non-canonical addresses,
 * huge sizes, live, closed and forged handles), made with random RFLAGS
 * bits set (DF, AC, IOPL, ID, ...; NT and TF under flags).  A fifth of
 * the calls are requests to the pager with random labels and words; sends
 * and calls also go to an echo thread of the worker, which answers each
 * with a random label, buffer and words.
 *
 * What would end a worker on purpose is filtered out, or kept for "wild"
 * workers (FZ_WILD): exit, thread_exit, blocking IPC on an endpoint nobody
 * serves (made a poll), long sleeps, futex waits and sigwaits, console_read without
 * NOWAIT, writes into the worker's own stack and globals, closing the
 * pager handle,
 * PG_EXIT, PG_HALT, PG_REBOOT, PG_KSM_CTL (the machine's KSM settings),
 * sigreturn from a readable frame and PG_SIGACTION with handlers (a fault
 * would then run random code), sigsuspend (nobody signals it), a raise
 * (sigmask ABI_SIG_RAISE) of any signal and sigmask's entry (a[2]: a
 * blocked signal taken later would enter it), PG_SIG_ALARM setting an alarm,
 * killing itself.  A worker killed by a fault
 * is counted and replaced; the kernel must never panic, every call must
 * return an enum err, pager-only calls E_PERM, unknown numbers E_NOSYS.
 *
 * A reproducer: the controller prints each worker's seed and flags; run
 * `test_fuzz worker SEED CALLS FLAGS|FZ_TRACE` to see every call it makes
 * (the threads interleave, so a crash may need a few runs). */
#include "sys/sys.h"
#include "sys/test.h"
#include "sys/unistd.h"
#include "sys/sigprobe.h"
#include "abi/ksm.h"

#define NAME "fuzz"
#define DEFAULT_CALLS 100000
#define THREADS   4        /* fuzzing threads per worker */
#define PER_THREAD 2500    /* calls per thread in one worker */
#define PARALLEL  3        /* workers at once */
#define WILD_EVERY 4       /* every 4th worker is a wild one */
#define WORKER_LIMIT_MS (120 * 1000) /* a tame worker running longer hangs */

#define FZ_NT    0x1  /* set RFLAGS.NT before calls (issue 9 item 1) */
#define FZ_TF    0x2  /* set RFLAGS.TF: #DB after sysret kills the worker */
#define FZ_KILLS 0x4  /* bad thread entries, unmapping its own stack... */
#define FZ_TRACE 0x8  /* print every call before making it */
#define FZ_NO_FORK   0x10000 /* to narrow a finding down: no PG_FORK, */
#define FZ_NO_SPAWN  0x20000 /* no PG_SPAWN, */
#define FZ_NO_THREAD 0x40000 /* no PG_THREAD_SPAWN, */
#define FZ_NO_EP     0x80000 /* no endpoint_create or PG_SHARED_EP, */
#define FZ_NO_VM     0x100000 /* no PG_MUNMAP, PG_MFREE, PG_MPROTECT, PG_BRK, nor the
				 * POSIX PG_MMAP, PG_UNMAP, PG_PROTECT, PG_MADVISE */
#define FZ_WILD  (FZ_TF | FZ_KILLS)
#define FZ_DEFAULT FZ_NT

#define SCRATCH   (80 * 1024)    /* per thread: what calls may write to */
#define USER_END  0x00007FFFFFFFF000ull
#define KERN_MAP  0xFFFF800000000000ull
#define KERN_TEXT 0xFFFFFFFF80000000ull
#define POOL      8               /* regions a thread remembers */
#define LIVE      32              /* endpoints a worker remembers */

/* ---- the raw call ---- */

/* syscall nr with a[0..5], RFLAGS |= set for the call itself (the caller's
 * flags come back after it); the result registers to *out. */
static long fz_raw(long nr, const uint64_t a[6], uint64_t set, struct sys_regs *out)
{
	register uint64_t rdi __asm__("rdi") = a[0];
	register uint64_t rsi __asm__("rsi") = a[1];
	register uint64_t rdx __asm__("rdx") = a[2];
	register uint64_t r10 __asm__("r10") = a[3];
	register uint64_t r8 __asm__("r8") = a[4];
	register uint64_t r9 __asm__("r9") = a[5];
	long rax = nr;
	__asm__ volatile("sub $128, %%rsp\n\t"   /* past the red zone */
			 "pushfq\n\t"
			 "pushfq\n\t"
			 "or %[set], (%%rsp)\n\t"
			 "popfq\n\t"
			 "syscall\n\t"
			 "popfq\n\t"
			 "add $128, %%rsp"
			 : "+a"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10),
			   "+r"(r8), "+r"(r9)
			 : [set] "r"(set)
			 : "rcx", "r11", "memory", "cc");
	out->rdi = rdi, out->rsi = rsi, out->rdx = rdx;
	out->r10 = r10, out->r8 = r8, out->r9 = r9;
	return rax;
}

/* Entries that end what they start: a thread (thread_exit), and a forked
 * child (PG_EXIT 0 on the pager handle of its startup page); they need no
 * stack, so any stack pointer will do. */
extern char fz_thread_entry[], fz_fork_entry[];
__asm__(".text\n"
	"fz_thread_entry:\n"
	"	mov $4, %eax\n"
	"	syscall\n"
	"	ud2\n"
	"fz_fork_entry:\n"
	"	movabs $0x7FFFFFFFE008, %rax\n"
	"	mov (%rax), %edi\n"
	"	mov $1, %esi\n"
	"	xor %edx, %edx\n"
	"	mov $7, %eax\n"
	"	syscall\n"
	"	mov $4, %eax\n"
	"	syscall\n"
	"	ud2\n");

/* ---- the worker's state ---- */

struct fz {
	uint64_t rng, seed;
	unsigned id, flags;
	uint64_t scratch;              /* SCRATCH bytes, never touched here */
	uint64_t ipc;                  /* this thread's IPC buffer */
	volatile int ready;
	uint64_t pool[POOL];           /* regions from fuzzed PG_MMAP_ANON */
	uint64_t calls, want;
	struct sigret_probe sr;        /* sigreturn's frames (OP_SIGRET) */
};

static struct {
	uint32_t live[LIVE];           /* endpoints made by fuzzed calls */
	uint32_t stale[LIVE];          /* closed ones */
	uint32_t kids[LIVE];           /* pids from fuzzed spawn and fork */
	uint32_t ppid;
	uint32_t echo;                 /* served by the echo thread */
	unsigned flags;
	volatile unsigned done;
	uint64_t calls;
	struct fz t[THREADS + 1];      /* the last: the echo thread's */
} W;

static uint64_t next(struct fz *f)
{
	uint64_t z = (f->rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static unsigned below(struct fz *f, unsigned n)
{
	return (unsigned)(next(f) % n);
}

static uint32_t pick_u32(const uint32_t *v, unsigned n, struct fz *f)
{
	return v[below(f, n)];
}

/* Remember h in set (a slot chosen at random); returns what it replaced. */
static uint32_t remember(uint32_t *set, uint32_t h, struct fz *f)
{
	return __atomic_exchange_n(&set[below(f, LIVE)], h, __ATOMIC_RELAXED);
}

/* True if a call that blocks may use handle h: the pager's (it always
 * answers), or a value that can never name an endpoint (generations start
 * at 1, so values below 256 never do; a closed handle's value never comes
 * back).  Anything else might be an endpoint nobody serves. */
static int blocking_ok(uint64_t h)
{
	if (h == sys_pager || h < 256 || h > 0xFFFFFFFFull)
		return 1;
	for (unsigned i = 0; i < LIVE; i++)
		if (__atomic_load_n(&W.stale[i], __ATOMIC_RELAXED) == h)
			return 1;
	return 0;
}

/* ---- argument sets ---- */

static uint64_t pick_handle(struct fz *f)
{
	switch (below(f, 10)) {
	case 9: return W.echo;
	case 0: return 0;
	case 1: return ~0ull;
	case 2: return below(f, 8);
	case 3: return sys_pager;
	case 4: return pick_u32(W.live, LIVE, f);
	case 5: return pick_u32(W.stale, LIVE, f);
	case 6: return (below(f, 4) + 1) << 8 | below(f, 256);   /* forged */
	case 7: return (uint32_t)next(f);
	default: return sys_pager | (next(f) << 32);             /* too wide */
	}
}

static uint64_t pick_size(struct fz *f)
{
	static const uint64_t s[] = { 0, 1, 7, 8, 64, 4095, 4096, 4097, 65536,
				      65537, 1ull << 20, 1ull << 28, 1ull << 40,
				      ~0ull, ~0ull - 4095, 1ull << 63 };
	if (below(f, 4) == 0)
		return next(f) >> below(f, 64);
	return s[below(f, sizeof s / sizeof s[0])] + (below(f, 8) == 0);
}

/* A pointer a call may read from or write to (scratch, other threads'
 * IPC buffers, read-only pages) or that it must refuse. */
static uint64_t pick_ptr(struct fz *f)
{
	uint64_t r = next(f);
	switch (below(f, 12)) {
	case 0: return 0;
	case 1: return f->scratch + (r % SCRATCH);
	case 2: return f->scratch + (r % (SCRATCH / 4096)) * 4096;
	case 3: return f->scratch + SCRATCH - (r % 64);             /* into the guard */
	case 4: return f->pool[r % POOL] + (r >> 32) % 8192;
	case 5: return PG_IMAGE_BASE + (r % 16384);                 /* text: read-only */
	case 6: return PG_STARTUP_VA + (r % 4096);                  /* read-only */
	case 7: return (r & 1 ? KERN_TEXT : KERN_MAP) + ((r >> 1) % (1ull << 30));
	case 8: return (r & 1 ? 0x0000800000000000ull : 0xFFFF7FFFFFFFF000ull) +
		       ((r >> 1) % 8192);                          /* non-canonical */
	case 9: return USER_END - (r % 8192);
	case 10: return PG_IPC_BUF_BASE + (r % (20 * 4096));
	default: return PG_MMAP_BASE + (1ull << 42) + (r % (1ull << 40)); /* unmapped */
	}
}

/* Any word: the sets above, plain numbers, bit patterns. */
static uint64_t pick_word(struct fz *f)
{
	switch (below(f, 10)) {
	case 0: return 0;
	case 1: return ~0ull;
	case 2: return below(f, 16);
	case 3: return pick_ptr(f);
	case 4: return pick_size(f);
	case 5: return pick_handle(f);
	case 6: return 1ull << below(f, 64);
	case 7: return (uint32_t)next(f);
	case 8: return (uint64_t)(int64_t)(int32_t)next(f);
	default: return next(f);
	}
}

/* RFLAGS bits for one call: ones ring 3 may set (DF, AC, ID, and NT or TF
 * if the flags allow) and ones popf ignores there (IOPL, VM, VIF, VIP, RF,
 * reserved bits). */
static uint64_t pick_rflags(struct fz *f)
{
	static const uint64_t bits[] = { 0x400 /* DF */, 0x40000 /* AC */,
		0x200000 /* ID */, 0x3000 /* IOPL */, 0x20000 /* VM */,
		0x80000 /* VIF */, 0x100000 /* VIP */, 0x10000 /* RF */,
		0x8 | 0x20 | 0x8000 /* reserved */, 0x4000 /* NT */, 0x100 /* TF */ };
	uint64_t set = 0;
	if (below(f, 2))
		return 0;
	for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (below(f, 3) == 0)
			set |= bits[i];
	if (!(f->flags & FZ_NT) || below(f, 2))
		set &= ~0x4000ull;
	if (!(f->flags & FZ_TF) || below(f, 64))
		set &= ~0x100ull;
	return set;
}

/* A pointer every call must refuse: unmapped, kernel, non-canonical. */
static uint64_t pick_bad_ptr(struct fz *f)
{
	static const uint64_t p[] = { 0, 4096, KERN_MAP, KERN_TEXT + 0x100000,
				      0x0000800000000000ull, 0x8000000000000000ull,
				      USER_END, ~0ull - 7, PG_MMAP_LIMIT };
	return p[below(f, sizeof p / sizeof p[0])] + below(f, 4096);
}

/* True if [p, p + 4 KiB) may hold the worker's own stack, code or data:
 * nothing a call writes to, nor a region a request may take away. */
static int own_memory(uint64_t p)
{
	if (p >= PG_IMAGE_BASE - 4096 && p < PG_IMAGE_BASE + (64ull << 20))
		return 1;
	if (p >= PG_STACK_TOP - 2 * PG_STACK_SIZE && p < PG_STACK_TOP + 4096)
		return 1;
	if (p >= PG_STARTUP_VA - 4096)
		return 1;
	/* thread stacks and scratch come first in the mmap area */
	return p >= PG_MMAP_BASE - 4096 && p < PG_MMAP_BASE + (1ull << 32);
}

/* True if [p, p + n) meets the worker's own memory (n 0 counts as 1;
 * a range that wraps or runs past the user half meets it). */
static int own_range(uint64_t p, uint64_t n)
{
	uint64_t end = p + (n ? n : 1);
	if (end < p || end > PG_STARTUP_VA - 4096)
		return 1;
	return own_memory(p) || own_memory(end - 1) ||
	       (p < PG_IMAGE_BASE && end > PG_IMAGE_BASE) ||
	       (p < PG_MMAP_BASE && end > PG_MMAP_BASE) ||
	       (p < PG_STACK_TOP - 2 * PG_STACK_SIZE && end > PG_STACK_TOP - 2 * PG_STACK_SIZE);
}

/* PG_MMAP's address (a hint, or fixed): 0, a page in an area of its own
 * (past the worker's scratch), sometimes unaligned, or one the pager must
 * refuse or ignore.  Never one of pick_bad_ptr's, which other calls count
 * on staying unmapped. */
static uint64_t pick_map_addr(struct fz *f)
{
	static const uint64_t refused[] = { 0, 4096, KERN_MAP, 0x0000800000000000ull,
					    USER_END, ~0ull - 4095 };
	switch (below(f, 4)) {
	case 0: return 0;
	case 1: return refused[below(f, sizeof refused / sizeof refused[0])];
	default: return PG_MMAP_BASE + (8ull << 30) + below(f, 1u << 16) * 4096 +
			(below(f, 16) ? 0 : below(f, 4096));
	}
}

/* PG_MMAP's prot | flags << 32 (Linux's values): mostly anonymous, private
 * or shared, sometimes fixed, populated only when small; or random bits. */
static uint64_t pick_mmap_flags(struct fz *f, uint64_t size)
{
	static const uint32_t fl[] = { 0x22, 0x21, 0x32, 0x100022, 0x8022, 0x4022,
				       0x8021, 0x02, 0x01, 0x23, 0x00, 0x20 };
	uint64_t prot = below(f, 8) ? below(f, 8) : next(f) & 0xffffffff;
	uint32_t flags = below(f, 8) ? fl[below(f, sizeof fl / sizeof fl[0])] :
				       (uint32_t)next(f);
	if (size > (64u << 10))
		flags &= ~0x8000u; /* MAP_POPULATE of a little memory only */
	return prot | (uint64_t)flags << 32;
}

/* An address for munmap, mfree, mprotect: the thread's own scratch and
 * regions, anything refused, and (wild) the worker's own memory. */
static uint64_t pick_region(struct fz *f)
{
	uint64_t r = next(f);
	switch (below(f, (f->flags & FZ_KILLS) ? 6 : 5)) {
	case 0: return f->pool[r % POOL] + (below(f, 4) ? 0 : (r >> 32) % 4 * 4096);
	case 1: return f->scratch + (below(f, 4) ? 0 : (r >> 32) % 24 * 4096 +
						  below(f, 2));
	case 2: return pick_bad_ptr(f);
	case 3: return PG_IPC_BUF_BASE + (r % 20) * 4096;
	case 4: return pick_word(f);
	default: return (r & 1) ? PG_IMAGE_BASE + (r >> 1) % 32 * 4096 :
				  PG_STACK_TOP - 4096 * ((r >> 1) % 16 + 1);
	}
}

static uint64_t pick_pid(struct fz *f)
{
	switch (below(f, 6)) {
	case 0: return sys_pid;
	case 1: return W.ppid;
	case 2: return below(f, 4);
	case 3: return pick_u32(W.kids, LIVE, f);
	case 4: return sys_pid + below(f, 8);
	default: return pick_word(f);
	}
}

/* ---- requests to the pager ---- */

/* Fill this thread's IPC buffer for a PG_SPAWN: garbage, or a real child
 * that exits at once; returns the byte count for the label. */
static uint64_t spawn_buffer(struct fz *f)
{
	char *b = (char *)f->ipc;
	static const char nop[] = "test_fuzz\0nop";
	if (below(f, 4) == 0) {
		memcpy(b, nop, sizeof nop);
		return sizeof nop;
	}
	uint64_t n = below(f, 600);
	for (uint64_t i = 0; i < n; i++)
		b[i] = (char)(below(f, 3) ? 'a' + below(f, 26) : below(f, 256));
	if (n)
		b[0] = '#'; /* no program is named so: never a real program */
	return n;
}

/* True if the flags leave request tag out. */
static int request_off(const struct fz *f, unsigned tag)
{
	switch (tag) {
	case PG_FORK: return f->flags & FZ_NO_FORK;
	case PG_SPAWN: return f->flags & FZ_NO_SPAWN;
	case PG_THREAD_SPAWN: return f->flags & FZ_NO_THREAD;
	case PG_SHARED_EP: return f->flags & FZ_NO_EP;
	case PG_MUNMAP: case PG_MFREE: case PG_MPROTECT: case PG_BRK:
	case PG_MMAP: case PG_UNMAP: case PG_PROTECT: case PG_MADVISE:
		return f->flags & FZ_NO_VM;
	default: return 0;
	}
}

/* pick_request's words for the memory requests (other tags: a[] left
 * alone): a region or a wild address, a size, rights, advice or flags;
 * without FZ_KILLS, never a range of this process's own memory. */
static void pick_memory_words(struct fz *f, unsigned tag, uint64_t a[6])
{
	switch (tag) {
	case PG_MUNMAP: case PG_MFREE: case PG_MPROTECT:
		a[2] = pick_region(f);
		a[3] = below(f, 2) ? 4096 * (1 + below(f, 4)) : pick_size(f);
		a[4] = below(f, 2) ? below(f, 8) : a[4];
		if (own_memory(a[2]) && !(f->flags & FZ_KILLS))
			a[2] = pick_bad_ptr(f);
		break;
	case PG_MMAP_ANON:
		a[2] = below(f, 2) ? 4096 * (1 + below(f, 64)) : pick_size(f);
		break;
	case PG_UNMAP: case PG_PROTECT: case PG_MADVISE: case PG_MINCORE:
	case PG_PAGEINFO:
		a[2] = pick_region(f);
		a[3] = below(f, 2) ? 4096 * (1 + below(f, 4)) : pick_size(f);
		a[4] = below(f, 2) ? below(f, 16) : a[4];
		if (tag == PG_MADVISE && a[4] == 3 && a[3] > (64u << 10))
			a[4] = 4; /* MADV_WILLNEED of a little memory only */
		if (own_range(a[2], a[3]) && !(f->flags & FZ_KILLS))
			a[2] = pick_bad_ptr(f);
		break;
	case PG_MREMAP: /* never cuts, moves or replaces its own memory */
		if (!(f->flags & FZ_KILLS) &&
		    (own_memory(a[2]) ||
		     ((a[5] & 2) && own_range(a[5] & ~(uint64_t)4095, a[4])))) /* MREMAP_FIXED's */
			a[2] = pick_bad_ptr(f);
		break;
	case PG_MMAP:
		a[2] = pick_map_addr(f);
		a[3] = below(f, 2) ? 4096 * (1 + below(f, 64)) : pick_size(f);
		a[4] = pick_mmap_flags(f, a[3]);
		a[5] = below(f, 2) ? 0 : below(f, 2) ? 1 + below(f, 40) : a[5];
		if ((a[4] >> 32) & 0x100010 && own_range(a[2], a[3]) &&
		    !(f->flags & FZ_KILLS))
			a[2] = 0; /* MAP_FIXED never over itself */
		break;
	}
}

/* PG_KSM_CTL's key and values (a[2..4]) that the pager must refuse
 * (E_INVAL; after_call checks): a key out of the table, or a value out of
 * its key's range.  A worker never changes the machine's settings. */
static void ksm_ctl_refused(struct fz *f, uint64_t a[6])
{
	uint64_t big = (uint64_t)1 << (32 + below(f, 32));
	a[2] = below(f, KSM_CTL_COUNT + 1);
	switch (a[2]) {
	case KSM_CTL_RUN: a[3] = 3 + below(f, 4) + (below(f, 2) ? big : 0); break;
	case KSM_CTL_PAGES_TO_SCAN: a[3] = below(f, 2) ? 0 : KSM_PAGES_MAX + 1 + big; break;
	case KSM_CTL_SLEEP_MS: a[3] = KSM_SLEEP_MAX + 1 + (below(f, 2) ? big : 0); break;
	case KSM_CTL_MAX_PAGE_SHARING: a[3] = below(f, 2) ? below(f, 2) : KSM_SHARING_MAX + 1; break;
	case KSM_CTL_USE_ZERO_PAGES: case KSM_CTL_DOMAINS: a[3] = 2 + below(f, 2) * big; break;
	case KSM_CTL_ADVISOR:
		a[3] = below(f, 2) ? 3601 + big : below(f, 3600);
		a[4] = a[3] > 3600 ? a[4] : below(f, 2) ? 0 : 101 + big;
		break;
	default: a[2] = below(f, 2) ? 0 : KSM_CTL_COUNT + below(f, 2) * big; break;
	}
}

/* A pager request: label (tag and buffer bytes) and words in a[1..5]. */
static void pick_request(struct fz *f, uint64_t a[6])
{
	unsigned tag = below(f, 8) ? 1 + below(f, PG_COUNT - 1) :
		       below(f, 2) ? (uint32_t)next(f) : below(f, 0x200);
	uint64_t len = below(f, 8) ? 0 : below(f, 4200);
	for (int i = 2; i < 6; i++)
		a[i] = pick_word(f);
	if (request_off(f, tag))
		tag = PG_GETPID;
	switch (tag) {
	case PG_EXIT: case PG_HALT: case PG_REBOOT:
		tag = PG_GETPID;
		break;
	case PG_SHM_GET: /* look keys up only: a System V segment made would
			  * outlive the worker (as on Linux) and its frames */
		a[4] &= ~(uint64_t)PG_SHM_CREAT;
		if (!(uint32_t)a[2])
			a[2] |= 1; /* IPC_PRIVATE always makes one */
		break;
	case PG_KSM_CTL: /* the machine's KSM settings: only values it must refuse */
		ksm_ctl_refused(f, a);
		break;
	case PG_SIGACTION: /* tame workers never fault: any handlers, an entry
			    * that ends the thread; wild ones: any entry */
		a[2] = below(f, 2) ? a[2] : below(f, 2) ? 0 : 1ull << below(f, 8);
		if (!(f->flags & FZ_KILLS) || below(f, 2))
			a[3] = (uint64_t)fz_thread_entry;
		if (!(f->flags & FZ_KILLS)) /* a child's end would enter it */
			a[2] &= ~(1ull << (17 - 1));
		break;
	case PG_SIG_ALARM: /* SIGALRM's default action would end a tame worker */
		if (!(f->flags & FZ_KILLS) || below(f, 2))
			a[4] = 1; /* only ask */
		break;
	case PG_KILL: case PG_WAIT:
		a[2] = pick_pid(f);
		if (tag == PG_WAIT) /* a blocking wait could hold the thread for good */
			a[3] = 0;
		/* a handled signal may go to any process: another worker's
		 * handler (fz_thread_entry) would end its thread, and a thread
		 * of it waiting for that one would wait for good; a tame
		 * worker signals only its own children (or nobody: a pid no
		 * process has; 0 is its own group now, itself included: every
		 * tame worker ended within its first calls, and a run of them
		 * made no calls at all) */
		if (tag == PG_KILL && !(f->flags & FZ_KILLS))
			a[2] = below(f, 2) ? pick_u32(W.kids, LIVE, f) : 0;
		if (tag == PG_KILL && !(f->flags & FZ_KILLS) && a[2] == 0)
			a[2] = 0x7FFFFFFFu; /* (an empty slot of kids too) */
		break;
	case PG_THREAD_SPAWN:
		if (!(f->flags & FZ_KILLS) || below(f, 2))
			a[2] = (uint64_t)fz_thread_entry;
		a[5] = below(f, 2) ? below(f, 10) : a[5];
		break;
	case PG_FORK:
		a[2] = below(f, 8) ? (uint64_t)fz_fork_entry : pick_bad_ptr(f);
		break;
	case PG_SPAWN:
		len = spawn_buffer(f);
		break;
	case PG_SHARED_EP:
		a[2] = below(f, 2) ? below(f, 8) : a[2];
		break;
	case PG_IO_EXEC: /* a program name left in the buffer would replace
			  * the worker: only malformed requests */
		a[2] = below(f, 2) ? 0 : PG_SPAWN_MAX + 1 + below(f, 1u << 20);
		break;
	case PG_IO_POLL: /* no long waits: nothing it polls may change */
		if (a[2] <= PG_POLL_MAX_MS || a[2] == PG_POLL_FOREVER)
			a[2] %= 3;
		break;
	case PG_PIPE_READ: case PG_PIPE_WRITE: /* a pipe of our own, empty or full,
						* would hold the thread for good */
		a[2] = below(f, 2) ? below(f, 4) : a[2];
		a[tag == PG_PIPE_READ ? 4 : 3] |= PG_PIPE_NONBLOCK;
		break;
	case PG_PIPE_CTL: /* sockets, eventfds, timerfds of our own; an accept
			   * or a connect must not wait for good either */
		a[2] = below(f, 2) ? below(f, 10) : a[2];
		a[3] = below(f, 2) ? below(f, 8) : a[3];
		a[4] |= PG_PIPE_NONBLOCK;
		break;
	default:
		pick_memory_words(f, tag, a);
		break;
	}
	a[1] = (uint64_t)tag | len << 32;
	if (below(f, 32) == 0)
		a[1] |= next(f) << 45;                  /* bits that must be zero */
}

/* Remember what a request made: regions, endpoints, children. */
static void request_made(struct fz *f, const uint64_t a[6], const struct sys_regs *r)
{
	switch (IPC_LABEL_TAG(a[1])) {
	case PG_MMAP_ANON: case PG_MMAP: f->pool[below(f, POOL)] = r->rdx; break;
	case PG_SHARED_EP: remember(W.live, (uint32_t)r->rdx, f); break;
	case PG_SPAWN: case PG_FORK: remember(W.kids, (uint32_t)r->rdx, f); break;
	}
}

/* ---- one call ---- */

enum { OP_REQUEST = 1000, OP_BADNR, OP_SPIN, OP_SIGRET };

/* The table's entry for call number nr; NULL for a number out of it (the
 * numbers may have gaps: other branches own some). */
static const struct sys_call_info *call_info(long nr)
{
	static const struct sys_call_info info[] = SYS_CALL_INFO_INIT;
	for (unsigned i = 0; i < sizeof info / sizeof info[0]; i++)
		if (info[i].nr == nr)
			return &info[i];
	return NULL;
}

/* A call number: the table's (memmap, slow on big machines, seldom;
 * pager-only calls half as often; sigreturn half the time from a frame
 * it can read, OP_SIGRET), a pager request (a fifth), a number out of the
 * table, or a spell of spinning in ring 3 (so the timer preempts).  The
 * picks beyond the table are counted from SYS_COUNT, so they keep their
 * share as the table grows (they were fixed numbers once, and with 44
 * calls no pick was ever a request). */
#define PICK_MORE 20 /* picks beyond the table: 14 requests, 3 bad numbers, 3 spins */
static long pick_nr(struct fz *f)
{
	unsigned n = below(f, SYS_COUNT + PICK_MORE);
	if (n < SYS_COUNT && call_info(n) && call_info(n)->pager_only && below(f, 2))
		n = below(f, SYS_COUNT + PICK_MORE);
	if ((n == SYSNR_memmap && below(f, 8)) ||
	    (n == SYSNR_endpoint_create && (f->flags & FZ_NO_EP)))
		n = SYSNR_null;
	if (n == SYSNR_sigreturn && below(f, 2))
		return OP_SIGRET;
	if (n < SYS_COUNT)
		return n;
	n -= SYS_COUNT;
	return n < 14 ? OP_REQUEST : n < 17 ? OP_BADNR : OP_SPIN;
}

static long pick_bad_nr(struct fz *f)
{
	static const long nr[] = { SYS_COUNT, 64, 255, 256, 1000, 1L << 31,
				   1L << 32, -1, -2, -SYS_COUNT, (long)(~0ull >> 1) };
	return below(f, 2) ? SYS_COUNT + below(f, 200) :
	       below(f, 2) ? nr[below(f, sizeof nr / sizeof nr[0])] : (long)next(f);
}

/* Arguments shaped for what call nr takes. */
static void pick_args(struct fz *f, long nr, uint64_t a[6])
{
	static const uint64_t sizes[] = { sizeof(struct abi_sysinfo),
					  sizeof(struct abi_frame_stats) };
	for (int i = 0; i < 6; i++)
		a[i] = pick_word(f);
	switch (nr) {
	case SYSNR_debug_write: case SYSNR_sysinfo: case SYSNR_frame_stats:
	case SYSNR_console_read: case SYSNR_memmap:
		a[0] = pick_ptr(f);
		a[1] = below(f, 2) ? sizes[below(f, 2)] - below(f, 2) : pick_size(f);
		a[2] = below(f, 2) ? 1ull << below(f, 16) : a[2];
		break;
	case SYSNR_send: case SYSNR_recv: case SYSNR_call: case SYSNR_reply_recv:
	case SYSNR_poll: case SYSNR_handle_close:
		a[0] = pick_handle(f);
		a[1] = below(f, 2) ? (uint64_t)below(f, 64) << 32 | below(f, 32) : a[1];
		break;
	case SYSNR_sleep_ms:
		a[0] = below(f, 2) ? below(f, 3) : a[0];
		break;
	case SYSNR_sigwait:
		a[0] = below(f, 2) ? 1ull << below(f, 64) : a[0];
		a[1] = below(f, 2) ? below(f, 3) : a[1];
		break;
	case SYSNR_futex_wait: case SYSNR_futex_wake:
		a[0] = pick_ptr(f);
		a[1] = below(f, 2) ? below(f, 3) : a[1];
		a[2] = below(f, 2) ? below(f, 3) : a[2];
		break;
	case SYSNR_cpu_pin:
		a[0] = below(f, 4) == 0 ? a[0] : below(f, 2) ? CPU_PIN_ASK - below(f, 2) :
		       below(f, 10);
		break;
	case SYSNR_sigmask:
		a[0] = below(f, 2) ? below(f, 4) : below(f, 2) ? ~0ull : a[0];
		break;
	case SYSNR_frame_alloc_copy: case SYSNR_ksm_merge_many:
		a[0] = below(f, 2) ? pick_ptr(f) : a[0];
		a[1] = below(f, 2) ? below(f, 20) : a[1];
		break;
	}
}

/* Make call nr harmless to the worker itself (the list at the top of the
 * file); returns the number to call. */
static long tame(struct fz *f, long nr, uint64_t a[6])
{
	switch (nr) {
	case SYSNR_debug_write:
		if (a[1] && a[1] <= 64 * 1024)
			a[0] = pick_bad_ptr(f);     /* no garbage on the console */
		break;
	case SYSNR_sleep_ms:
		if (a[0] <= 24ull * 3600 * 1000)
			a[0] %= 3;
		break;
	case SYSNR_futex_wait: /* no long waits: nobody may wake it */
		if (a[2] <= FUTEX_MAX_MS || a[2] == FUTEX_FOREVER)
			a[2] %= 3;
		break;
	case SYSNR_sigwait: /* nobody may send it one */
		if (a[1] <= FUTEX_MAX_MS || a[1] == FUTEX_FOREVER)
			a[1] %= 3;
		break;
	case SYSNR_thread_exit:
	case SYSNR_sigsuspend: /* nobody sends it a signal: it would wait for good */
		return SYSNR_yield;
	case SYSNR_sigmask: /* a raise would enter any code, and so would a
			   * blocked signal taken later at the entry any
			   * sigmask sets (a[2]) */
		if ((uint32_t)a[0] == ABI_SIG_RAISE)
			a[1] = 0;
		a[2] = 0;
		break;
	case SYSNR_sigreturn: /* a frame it can read would send it anywhere */
		a[0] = pick_bad_ptr(f);
		break;
	case SYSNR_send: case SYSNR_call:
		if (a[0] == sys_pager)
			pick_request(f, a);
		return a[0] == W.echo || blocking_ok(a[0]) ? nr : SYSNR_poll;
	case SYSNR_recv: case SYSNR_reply_recv: case SYSNR_poll:
		if (a[0] == W.echo)
			a[0] = 0;   /* taking a caller from the echo thread strands it */
		return nr == SYSNR_poll || blocking_ok(a[0]) ? nr : SYSNR_poll;
	case SYSNR_handle_close:
		if (a[0] == sys_pager || a[0] == W.echo)
			a[0] = 0;
		break;
	case SYSNR_console_read:
		if (a[2] == CONSOLE_POLL && (a[1] <= FUTEX_MAX_MS || a[1] == FUTEX_FOREVER))
			a[1] %= 3; /* nobody types: no long waits */
		else if (!(a[2] & ~(uint64_t)CONSOLE_NOWAIT))
			a[2] = CONSOLE_NOWAIT;
		/* fall through */
	case SYSNR_sysinfo: case SYSNR_frame_stats: case SYSNR_memmap:
		if (own_memory(a[0]))
			a[0] = f->scratch + below(f, 4096);
		break;
	}
	return nr;
}

static void fz_fail(struct fz *f, const char *what, long nr, const uint64_t a[6],
		    uint64_t fl, long e)
{
	test_fail(NAME, "%s: worker seed 0x%lx flags 0x%x thread %u call %lu: "
		  "nr %ld (0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx) rflags |= 0x%lx "
		  "returned %ld", what, f->seed, f->flags, f->id, f->calls, nr, a[0],
		  a[1], a[2], a[3], a[4], a[5], fl, e);
}

/* Check what call nr returned; remember what it made. */
static void after_call(struct fz *f, long nr, const uint64_t a[6], uint64_t fl,
		       long e, const struct sys_regs *r)
{
	const struct sys_call_info *info = call_info(nr);
	if ((unsigned long)e >= E_COUNT)
		fz_fail(f, "not an error code", nr, a, fl, e);
	if (!info) {
		if (e != E_NOSYS)
			fz_fail(f, "a number out of the table", nr, a, fl, e);
		return;
	}
	if (info->pager_only && e != E_PERM)
		fz_fail(f, "a pager-only call", nr, a, fl, e);
	if (e != E_OK)
		return;
	if (nr == SYSNR_call && a[0] == sys_pager) {
		if (IPC_LABEL_TAG(r->rsi) >= E_COUNT)
			fz_fail(f, "the pager's answer is not an error code", nr, a, fl,
				(long)r->rsi);
		if (IPC_LABEL_TAG(r->rsi) == E_OK)
			request_made(f, a, r);
		if (IPC_LABEL_TAG(a[1]) == PG_KSM_CTL && IPC_LABEL_TAG(r->rsi) != E_INVAL &&
		    !(a[1] >> 45))
			fz_fail(f, "PG_KSM_CTL took a value out of range", nr, a, fl,
				(long)r->rsi);
	} else if (nr == SYSNR_reply_save) { /* answered at once: a kept call strands its caller */
		uint32_t h = (uint32_t)r->rdi;
		long e2 = below(f, 2) ? sys_handle_close(h) : sys_reply_send(h, below(f, 64), 0, 0, 0, 0);
		if (e2 != E_OK && e2 != E_DEAD)
			fz_fail(f, "answering a saved call", nr, a, fl, e2);
	} else if (nr == SYSNR_endpoint_create) {
		uint32_t old = remember(W.live, (uint32_t)r->rdi, f);
		if (old && sys_handle_close(old) == E_OK)
			remember(W.stale, old, f);
	} else if (nr == SYSNR_handle_close) {
		remember(W.stale, (uint32_t)a[0], f);
	}
}

static uint64_t next_cb(void *f)
{
	return next(f);
}

/* A rip or rsp sigreturn must refuse: the kernel half, non-canonical, the
 * last user page and above. */
static uint64_t pick_bad_rip(struct fz *f)
{
	static const uint64_t p[] = { USER_END, KERN_MAP, KERN_TEXT + 0x100000,
				      0x0000800000000000ull, 0x8000000000000000ull,
				      0xFFFF7FFFFFFFF000ull, ~0ull - 8191 };
	return p[below(f, sizeof p / sizeof p[0])] + 8 + below(f, 4000);
}

/* A user rip a wild worker's frame may take: never its own code (where
 * random registers could print anything), but memory that is not code,
 * or nothing at all. */
static uint64_t pick_wild_rip(struct fz *f)
{
	uint64_t r = next(f);
	switch (below(f, 5)) {
	case 0: return r % 8192;
	case 1: return f->scratch + r % SCRATCH;
	case 2: return PG_STARTUP_VA + r % 4096;
	case 3: return USER_END - 1 - r % 16;
	default: return PG_MMAP_BASE + (1ull << 42) + (r % (1ull << 40));
	}
}

/* sigreturn from a frame it can read (sys/sigprobe.h): every register,
 * RFLAGS word (TF only under FZ_TF), selector and FPU state at random.
 * A tame worker's frame returns to the probe's landing pad on its own
 * stack, where the registers, filtered RFLAGS, cs/ss and the FPU image
 * must be the frame's, or has a rip or rsp the kernel must refuse
 * (E_INVAL); a wild one's may go anywhere. */
static void fz_sigreturn(struct fz *f)
{
	static const uint64_t sel[] = { 0, 0x23, 0x2B, 0x3 };
	struct sigret_probe *p = &f->sr;
	uint64_t *g = p->uc.uc_mcontext.gregs;
	for (unsigned i = 0; i < ABI_NGREG; i++)
		g[i] = below(f, 2) ? next(f) : pick_word(f);
	p->uc.uc_flags = pick_word(f), p->uc.uc_link = pick_word(f);
	p->uc.uc_mcontext.fpregs = pick_word(f);
	p->uc.uc_sigmask = below(f, 2) ? 0 : next(f);
	if (!(f->flags & FZ_TF) || below(f, 8))
		g[ABI_REG_EFL] &= ~0x100ull;
	g[ABI_REG_RIP] = SIGRET_LAND, g[ABI_REG_RSP] = SIGRET_HERE;
	unsigned how = below(f, 8);
	if (how == 0)
		g[ABI_REG_RIP] = pick_bad_rip(f);
	else if (how == 1)
		g[ABI_REG_RSP] = pick_bad_rip(f);
	else if (how == 2 && (f->flags & FZ_KILLS))
		g[ABI_REG_RIP] = pick_wild_rip(f), g[ABI_REG_RSP] = pick_ptr(f);
	for (unsigned i = 0; i < 4; i++)
		p->set_seg[i] = (f->flags & FZ_KILLS) && below(f, 16) == 0 ? next(f) & 0xFFFF :
				sel[below(f, 4)];
	sigret_random_fpu(p, next_cb, f);
	if (f->flags & FZ_TRACE)
		printf("fz %u.%lu: sigreturn rip 0x%lx rsp 0x%lx rflags 0x%lx\n", f->id, f->calls,
		       g[ABI_REG_RIP], g[ABI_REG_RSP], g[ABI_REG_EFL]);
	uint64_t e = sigret_probe(p), rip = g[ABI_REG_RIP], rsp = g[ABI_REG_RSP];
	const char *why = NULL;
	if (rip >= USER_END || rsp > USER_END)
		why = e == E_INVAL ? NULL : "a bad rip or rsp was not refused";
	else if (e != SIGRET_LANDED)
		why = "a good frame was refused";
	else if (!(why = sigret_check(p))) {
		struct sys_regs r;
		if (sys_sigmask_r(~0ull, 0, 0, &r) != E_OK ||
		    r.rdi != (p->uc.uc_sigmask & ~ABI_SIG_UNBLOCKABLE))
			why = "the blocked set is not the frame's";
		sys_sigmask(ABI_SIG_SETMASK, 0, 0);
	}
	if (why)
		test_fail(NAME, "sigreturn: %s: worker seed 0x%lx flags 0x%x thread %u call "
			  "%lu: rip 0x%lx rsp 0x%lx rflags 0x%lx returned 0x%lx", why, f->seed,
			  f->flags, f->id, f->calls, rip, rsp, g[ABI_REG_EFL], e);
}

static void trace(struct fz *f, long nr, const uint64_t a[6], uint64_t fl)
{
	printf("fz %u.%lu: %ld 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx fl 0x%lx\n", f->id,
	       f->calls, nr, a[0], a[1], a[2], a[3], a[4], a[5], fl);
}

static void one_call(struct fz *f)
{
	uint64_t a[6];
	struct sys_regs r;
	long nr = pick_nr(f);
	if (nr == OP_SPIN) {
		for (unsigned n = below(f, 100000); n; n--)
			__asm__ volatile("" ::: "memory");
		return;
	}
	if (nr == OP_SIGRET) {
		fz_sigreturn(f);
		f->calls++;
		return;
	}
	if (nr == OP_REQUEST) {
		nr = SYSNR_call;
		a[0] = sys_pager;
		pick_request(f, a);
	} else if (nr == OP_BADNR) {
		nr = pick_bad_nr(f);
		pick_args(f, nr, a);
	} else {
		pick_args(f, nr, a);
		nr = tame(f, nr, a);
	}
	uint64_t fl = pick_rflags(f);
	if (f->flags & FZ_TRACE)
		trace(f, nr, a, fl);
	long e = fz_raw(nr, a, fl, &r);
	after_call(f, nr, a, fl, e, &r);
	f->calls++;
}

/* ---- a worker ---- */

void fz_thread(struct fz *f);
__asm__(".text\n"
	"fz_thread_start:\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	call fz_thread\n"
	"	ud2\n");
extern char fz_thread_start[];

void fz_thread(struct fz *f)
{
	while (!f->ready)
		sys_yield();
	while (f->calls < f->want)
		one_call(f);
	__atomic_fetch_add(&W.done, 1, __ATOMIC_SEQ_CST);
	for (;;)
		sys_thread_exit();
}

#define STACK (64 * 1024)

/* The echo thread: receives on W.echo and answers every message with a
 * random label (buffer bytes included), words and RFLAGS bits, so calls
 * and sends on it always end; it dies with the worker. */
void fz_echo(struct fz *f);
__asm__(".text\n"
	"fz_echo_start:\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	call fz_echo\n"
	"	ud2\n");
extern char fz_echo_start[];

void fz_echo(struct fz *f)
{
	struct sys_regs r;
	uint64_t a[6] = { W.echo };
	while (!f->ready)
		sys_yield();
	fz_raw(SYSNR_recv, a, 0, &r);
	for (;;) {
		a[0] = W.echo;
		a[1] = below(f, 4) ? below(f, 64) : IPC_LABEL(below(f, 64), below(f, 4200));
		for (int i = 2; i < 6; i++)
			a[i] = pick_word(f);
		if (fz_raw(SYSNR_reply_recv, a, pick_rflags(f), &r) != E_OK)
			sys_yield();
	}
}

/* Start fuzzing thread i (i == THREADS: the echo thread): its scratch,
 * stack and stream.  The first two share one CPU, so one can call the
 * kernel while the other waits preempted; the others go where the kernel
 * puts them. */
static void start_thread(unsigned i, uint64_t seed, uint64_t calls, unsigned ncpus)
{
	struct fz *f = &W.t[i];
	void *scratch, *stack;
	f->seed = seed;
	f->rng = seed ^ (i + 1) * 0xD1B54A32D192ED03ull;
	f->id = i;
	f->flags = W.flags;
	f->want = calls;
	if (mmap_anon(SCRATCH, &scratch) || mmap_anon(STACK, &stack))
		test_fail(NAME, "worker: no memory for thread %u", i);
	f->scratch = (uint64_t)scratch;
	for (unsigned k = 0; k < POOL; k++)
		f->pool[k] = f->scratch;
	int cpu = i < 2 ? (int)(seed % ncpus) : -1;
	int e = thread_spawn_on(cpu, (uint64_t)(i < THREADS ? fz_thread_start : fz_echo_start),
				(uint64_t)stack + STACK - 64, (uint64_t)f, &f->ipc);
	if (e)
		test_fail(NAME, "worker: thread_spawn: %s", err_str(e));
	f->ready = 1;
}

int setpgid(int pid, int pgid); /* <unistd.h>'s, beside the sys/ calls */

static int worker(uint64_t seed, uint64_t calls, unsigned flags)
{
	static struct abi_sysinfo si;
	/* a group of its own, as a shell's job: its calls on groups (kill(0),
	 * kill(-1)) reach it and what it forks, not the controller, which
	 * ends what it leaves with the group (reap_job) */
	setpgid(0, 0);
	if (sys_sysinfo((uint64_t)&si, sizeof si) || getpid(&W.ppid) < 0)
		test_fail(NAME, "worker: sysinfo or getpid failed");
	struct sys_regs r;
	W.flags = flags;
	if (sys_endpoint_create_r(&r))
		test_fail(NAME, "worker: endpoint_create failed");
	W.echo = (uint32_t)r.rdi;
	for (unsigned i = 0; i <= THREADS; i++)
		start_thread(i, seed, calls, si.ncpus ? si.ncpus : 1);
	while (W.done < THREADS)
		sleep_ms(5);
	return 0;
}

/* ---- the controller ---- */

static uint64_t now_ms(void)
{
	static struct abi_sysinfo si;
	if (sys_sysinfo((uint64_t)&si, sizeof si) != E_OK)
		test_fail(NAME, "sysinfo failed");
	return si.ticks_ms;
}

/* A number in decimal or 0x hex; 0 for anything else. */
static uint64_t number(const char *s)
{
	uint64_t v = 0;
	int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	for (s += hex ? 2 : 0; *s; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0' :
			hex && *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;
		if (d < 0)
			return 0;
		v = v * (hex ? 16 : 10) + (uint64_t)d;
	}
	return v;
}

struct job {
	uint32_t pid;
	int wild;
	uint64_t seed, start;
	unsigned flags;
};

/* Start worker n of the run; its seed is the run's seed mixed with n. */
static void start_job(struct job *j, uint64_t n, uint64_t seed, unsigned flags)
{
	char s[24], c[24], fl[24];
	j->wild = (flags & FZ_WILD) || n % WILD_EVERY == WILD_EVERY - 1;
	j->flags = j->wild ? flags | FZ_WILD : flags;
	struct fz mix = { .rng = seed + n };
	j->seed = next(&mix);
	snprintf(s, sizeof s, "0x%lx", j->seed);
	snprintf(c, sizeof c, "%u", PER_THREAD);
	snprintf(fl, sizeof fl, "%u", j->flags);
	const char *argv[] = { "test_fuzz", "worker", s, c, fl, NULL };
	printf("fuzz: worker %lu: test_fuzz worker %s %s %s\n", n, s, c, fl);
	int e = spawnv(argv, &j->pid);
	if (e)
		test_fail(NAME, "spawn worker: %s", err_str(e));
	j->start = now_ms();
}

struct run {
	uint64_t calls, planned, workers, faulted, stopped;
};

#define WILD_MS 3000 /* a wild worker still running then is killed */

/* Judge job j if it ended (or stop it: a wild one after WILD_MS, a tame
 * one after WORKER_LIMIT_MS is hung); returns 1 once the slot is free. */
static int judge_job(struct job *j, struct run *run);

/* reap_job's answer once job j's worker has ended: what it left running
 * (orphans in its group) is ended too. */
static int reap_job(struct job *j, struct run *run)
{
	int freed = judge_job(j, run);
	if (freed)
		pgreq_kill_sig(-(int64_t)j->pid, 0);
	return freed;
}

static int judge_job(struct job *j, struct run *run)
{
	struct wait_status st;
	uint64_t planned = THREADS * PER_THREAD;
	int e = wait_poll(j->pid, &st);
	if (e == E_AGAIN) {
		uint64_t ran = now_ms() - j->start;
		if (!j->wild && ran > WORKER_LIMIT_MS)
			test_fail(NAME, "worker seed 0x%lx flags 0x%x still running after %lu ms",
				  j->seed, j->flags, ran);
		if (!j->wild || ran < WILD_MS)
			return 0;
		if ((e = kill(j->pid)) || (e = waitpid(j->pid, &st)))
			test_fail(NAME, "kill wild worker: %s", err_str(e));
		run->stopped++;
		return 1;
	}
	if (e)
		test_fail(NAME, "wait worker: %s", err_str(e));
	if (st.how == PG_WAIT_EXITED && st.code != 0)
		test_fail(NAME, "worker seed 0x%lx flags 0x%x: exit status %lu", j->seed,
			  j->flags, st.code);
	if (st.how == PG_WAIT_EXITED) {
		run->calls += planned;
		printf("fuzz: worker seed 0x%lx done in %lu ms\n", j->seed, now_ms() - j->start);
	} else {
		printf("fuzz: worker seed 0x%lx flags 0x%x killed (fault 0x%lx addr 0x%lx "
		       "rip 0x%lx)\n", j->seed, j->flags, st.code, st.addr, st.rip);
		run->faulted++;
	}
	if (!j->wild)
		run->planned -= planned;
	return 1;
}

/* Keep PARALLEL workers busy until total calls are done, or (when the
 * flags make every worker wild: TF or 4, whose calls do not count) until
 * WILD_EVERY times the workers that would have made them have run. */
static void fuzz(uint64_t total, uint64_t seed, unsigned flags, struct run *run)
{
	struct job jobs[PARALLEL];
	int busy[PARALLEL] = { 0 }, any = 1;
	uint64_t most = total / (THREADS * PER_THREAD) * WILD_EVERY + WILD_EVERY;
	while (any) {
		any = 0;
		for (unsigned i = 0; i < PARALLEL; i++) {
			if (busy[i] && reap_job(&jobs[i], run))
				busy[i] = 0;
			if (!busy[i] && run->calls + run->planned < total && run->workers < most) {
				start_job(&jobs[i], run->workers++, seed, flags);
				if (!jobs[i].wild)
					run->planned += THREADS * PER_THREAD;
				busy[i] = 1;
			}
			any |= busy[i];
		}
		sleep_ms(5);
	}
}

/* "fill D": hold as many endpoints as the handle table takes and, if D,
 * four children doing the same; then wait to be killed. */
static int fill(int depth)
{
	struct sys_regs r;
	uint32_t pid;
	while (sys_endpoint_create_r(&r) == E_OK)
		;
	for (int i = 0; depth && i < 4; i++)
		if (spawn("test_fuzz", "fill", &pid))
			return 1;
	for (;;)
		sleep_ms(1000);
}


/* What the kernel and the pager keep for good once grown must have grown
 * before the first count of free frames: the frames of the kernel's
 * small-object classes (kmem.c: endpoints, spaces), so PARALLEL + 1
 * processes with four children each fill their handle tables at once
 * (more endpoints and spaces than the workers ever hold) and are killed
 * once the free count is steady; and the page tables of the pager's
 * window onto every frame it may hold, so one child touches nearly all of
 * memory (as exit_no_leaks does). */
static void prime(void)
{
	uint32_t pid[PARALLEL + 1];
	struct wait_status st;
	int e;
	TEST_ERR(NAME, spawn("test_fuzz", "fillmem", &pid[0]), E_OK);
	TEST_ERR(NAME, waitpid(pid[0], &st), E_OK);
	if (st.how != PG_WAIT_EXITED || st.code != 0)
		test_fail(NAME, "the child filling memory ended how %d code 0x%lx", st.how,
			  st.code);
	for (unsigned i = 0; i <= PARALLEL; i++)
		TEST_ERR(NAME, spawn("test_fuzz", "fill1", &pid[i]), E_OK);
	frames_steady(5000);
	for (unsigned i = 0; i <= PARALLEL; i++)
		if ((e = kill(pid[i])) || (e = waitpid(pid[i], NULL)))
			test_fail(NAME, "stop a filling child: %s", err_str(e));
}

static int controller(uint64_t total, uint64_t seed, unsigned flags, int report_rate)
{
	static struct pg_stats a, b;
	static struct abi_frame_stats fs[2];
	struct run warm = { 0 }, run = { 0 };
	/* warm up: what the kernel and the pager keep once a worker has run */
	prime();
	fuzz(1, seed ^ 0x5A5A, flags & ~FZ_WILD, &warm);
	touch_image(); /* its first touch of a text page and .data pages during
			* the run counted as a lost frame once the merges of
			* session 8 changed the random stream */
	/* touch every page the counting uses before the first count */
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	TEST_ERR(NAME, sys_frame_stats((uint64_t)&fs[1], sizeof fs[1]), E_OK);
	uint64_t hz = tsc_hz();
	TEST_ERR(NAME, sys_frame_stats((uint64_t)&fs[0], sizeof fs[0]), E_OK);
	uint64_t before = frames_steady(5000), t0 = rdtsc();
	TEST_ERR(NAME, pager_stats(&a), E_OK);
	fuzz(total, seed, flags, &run);
	uint64_t ms = hz ? (rdtsc() - t0) / (hz / 1000) : 0;
	uint64_t after = frames_settle(before, 10000);
	TEST_ERR(NAME, pager_stats(&b), E_OK);
	TEST_ERR(NAME, sys_frame_stats((uint64_t)&fs[1], sizeof fs[1]), E_OK);
	if (after != before) {
		for (int i = 0; i < ABI_PURPOSES; i++)
			printf("fuzz: frames of purpose %d: %lu before, %lu after\n", i,
			       fs[0].by_purpose[i], fs[1].by_purpose[i]);
		test_fail(NAME, "free frames %lu before, %lu after the workers ended "
			  "(pager holds %lu, held %lu; its tables %lu, were %lu)", before,
			  after, b.frames_held, a.frames_held, b.pool_frames, a.pool_frames);
	}
	if (b.processes != a.processes)
		test_fail(NAME, "%lu processes before, %lu after", a.processes, b.processes);
	if (!(flags & FZ_WILD) && run.calls == 0) /* every tame worker ended early */
		test_fail(NAME, "no calls made: %lu workers, %lu killed", run.workers,
			  run.faulted);
	printf("fuzz: %lu calls in %lu ms by %lu workers (%lu killed by a fault, %lu "
	       "wild ones stopped), seed 0x%lx flags 0x%x; free frames back to %lu\n",
	       run.calls, ms, run.workers, run.faulted, run.stopped, seed, flags, after);
	if (report_rate)
		printf("fuzz: %lu calls per second\n", ms ? run.calls * 1000 / ms : 0);
	test_pass(NAME);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "nop") == 0)
		return 0;
	if (argc > 1 && strcmp(argv[1], "fillmem") == 0)
		return touch_until_margin(); /* "fillmem" */
	if (argc > 1 && strncmp(argv[1], "fill", 4) == 0)
		return fill(argv[1][4] == '1');
	if (argc == 5 && strcmp(argv[1], "worker") == 0)
		return worker(number(argv[2]), number(argv[3]), (unsigned)number(argv[4]));
	uint64_t total = argc > 1 ? number(argv[1]) : DEFAULT_CALLS;
	uint64_t seed = argc > 2 ? number(argv[2]) : 1;
	unsigned flags = argc > 3 ? (unsigned)number(argv[3]) : FZ_DEFAULT;
	if (!total)
		test_fail(NAME, "usage: test_fuzz [CALLS [SEED [FLAGS]]]");
	return controller(total, seed, flags, argc > 1);
}
