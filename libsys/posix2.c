/* More of Linux's C library for small test programs: <inttypes.h>'s
 * calls, <sched.h> (CPU and affinity over the kernel's cpu_pin),
 * <sys/time.h>, <sys/resource.h> (usage from the pager's per-process
 * counters, the limits the system has), and the rest of <sys/mman.h>
 * (mremap, msync, mlock, posix_madvise) over the pager's requests. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>
#include "abi/err.h"
#include "abi/page.h"
#include "abi/syscall.h"
#include "sys/syscall.h"
#include "sys/startup.h"
#include "sys/unistd.h" /* pager_ps, pager_pmap, cpu_count */
#include "libsys.h"

/* ---- inttypes.h ---- */

intmax_t imaxabs(intmax_t v)
{
	return v < 0 ? -v : v;
}

imaxdiv_t imaxdiv(intmax_t n, intmax_t d)
{
	return (imaxdiv_t){ n / d, n % d };
}

intmax_t strtoimax(const char *s, char **end, int base)
{
	return strtoll(s, end, base);
}

uintmax_t strtoumax(const char *s, char **end, int base)
{
	return strtoull(s, end, base);
}

/* ---- sched.h ---- */

int __sched_cpucount(size_t size, const cpu_set_t *set)
{
	int n = 0;
	for (size_t i = 0; i < size / sizeof(unsigned long); i++)
		for (unsigned long w = set->__bits[i]; w; w &= w - 1)
			n++; /* no libgcc here for __builtin_popcountl */
	return n;
}

int __sched_cpuequal(size_t size, const cpu_set_t *a, const cpu_set_t *b)
{
	for (size_t i = 0; i < size / sizeof(unsigned long); i++)
		if (a->__bits[i] != b->__bits[i])
			return 0;
	return 1;
}

/* cpu_pin(pin): *cpu = where the thread runs, *pinned = its CPU + 1 or 0. */
static int cpu_pin(uint64_t pin, unsigned *cpu, unsigned *pinned)
{
	struct sys_regs r;
	int e = sys_cpu_pin_r(pin, &r);
	if (e == E_OK) {
		*cpu = (unsigned)r.rdi;
		if (pinned)
			*pinned = (unsigned)r.rsi;
	}
	return e;
}

int sched_getcpu(void)
{
	unsigned cpu;
	int e = cpu_pin(CPU_PIN_ASK, &cpu, NULL);
	return e ? libsys_fail(e) : (int)cpu;
}

/* pid names the calling thread: 0 or the process's pid. */
static int own_pid(pid_t pid)
{
	if (pid == 0 || pid == getpid())
		return 1;
	errno = ESRCH;
	return 0;
}

int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set)
{
	unsigned cpu, pinned, n = cpu_count();
	if (!own_pid(pid))
		return -1;
	if (size * 8 < n || size % sizeof(unsigned long)) {
		errno = EINVAL;
		return -1;
	}
	int e = cpu_pin(CPU_PIN_ASK, &cpu, &pinned);
	if (e)
		return libsys_fail(e);
	CPU_ZERO_S(size, set);
	for (unsigned i = 0; i < n; i++)
		if (!pinned || pinned == i + 1)
			CPU_SET_S(i, size, set);
	return 0;
}

int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set)
{
	unsigned n = cpu_count(), first = n, in = 0, cpu;
	if (!own_pid(pid))
		return -1;
	for (unsigned i = 0; i < n; i++) {
		if (!CPU_ISSET_S(i, size, set))
			continue;
		in++;
		if (first == n)
			first = i;
	}
	if (!in) {
		errno = EINVAL;
		return -1;
	}
	return libsys_fail(cpu_pin(in == n ? CPU_PIN_ANY : first, &cpu, NULL));
}

int sched_get_priority_max(int policy)
{
	if (policy < SCHED_OTHER || policy > SCHED_RR) {
		errno = EINVAL;
		return -1;
	}
	return policy == SCHED_OTHER ? 0 : 99; /* Linux's ranges */
}

int sched_get_priority_min(int policy)
{
	int max = sched_get_priority_max(policy);
	return max > 0 ? 1 : max;
}

/* ---- sys/time.h ---- */

int gettimeofday(struct timeval *tv, void *tz)
{
	struct timespec ts;
	if (tz)
		*(struct timezone *)tz = (struct timezone){ 0, 0 };
	if (!tv)
		return 0;
	if (clock_gettime(CLOCK_REALTIME, &ts))
		return -1;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = ts.tv_nsec / 1000;
	return 0;
}

/* ---- sys/resource.h ---- */

int getrusage(int who, struct rusage *u)
{
	struct pg_procinfo pi;
	size_t n = 0;
	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD) {
		errno = EINVAL;
		return -1;
	}
	if (!u) {
		errno = EFAULT;
		return -1;
	}
	int e = pager_ps(sys_pid, &pi, 1, &n);
	if (e == E_OK && (n != 1 || pi.pid != sys_pid))
		e = E_NOENT;
	if (e)
		return libsys_fail(e);
	*u = (struct rusage){ 0 };
	/* CPU time: all of it user time (the kernel's tick cannot tell) */
	uint64_t ns = who == RUSAGE_CHILDREN ? pi.ccpu_ns :
		      who == RUSAGE_THREAD ? libsys_cpu_ns(1) : pi.cpu_ns;
	u->ru_utime.tv_sec = (time_t)(ns / 1000000000ull);
	u->ru_utime.tv_usec = (suseconds_t)(ns % 1000000000ull / 1000);
	uint64_t pages = who == RUSAGE_CHILDREN ? pi.cmaxrss : pi.maxrss;
	u->ru_maxrss = (long)(pages * (PAGE_SIZE / 1024));
	u->ru_minflt = (long)(who == RUSAGE_CHILDREN ? pi.cfaults : pi.faults);
	return 0;
}

/* The system's limit of resource r into *l; false if r is no resource. */
static int limit_of(int r, struct rlimit *l)
{
	rlim_t v = RLIM_INFINITY;
	if (r < 0 || r >= RLIMIT_NLIMITS)
		return 0;
	if (r == RLIMIT_STACK)
		v = PG_STACK_SIZE;
	else if (r == RLIMIT_NOFILE)
		v = LIBSYS_FD_MAX;
	else if (r == RLIMIT_CORE)
		v = 0;
	else if (r == RLIMIT_MEMLOCK) /* Linux 6.1's default (root, as here, may
				       * lock past it: CAP_IPC_LOCK) */
		v = 8u << 20;
	l->rlim_cur = l->rlim_max = v;
	return 1;
}

/* The process's limits as setrlimit left them (fork copies them). */
static struct rlimit limits[RLIMIT_NLIMITS];
static unsigned char limit_set[RLIMIT_NLIMITS];

int getrlimit(int resource, struct rlimit *rlim)
{
	struct rlimit l;
	if (!limit_of(resource, &l)) {
		errno = EINVAL;
		return -1;
	}
	if (libsys_user_room(rlim, sizeof *rlim, 1) < sizeof *rlim) {
		errno = EFAULT;
		return -1;
	}
	*rlim = limit_set[resource] ? limits[resource] : l;
	return 0;
}

int setrlimit(int resource, const struct rlimit *rlim)
{
	struct rlimit sys;
	if (!limit_of(resource, &sys)) {
		errno = EINVAL;
		return -1;
	}
	if (libsys_user_room(rlim, sizeof *rlim, 0) < sizeof *rlim) {
		errno = EFAULT;
		return -1;
	}
	if (rlim->rlim_cur > rlim->rlim_max) {
		errno = EINVAL;
		return -1;
	}
	/* root may raise a hard limit, but not past what the system has
	 * where that is fixed: the stack's size, the descriptor table */
	if ((resource == RLIMIT_STACK || resource == RLIMIT_NOFILE) &&
	    rlim->rlim_max > sys.rlim_max) {
		errno = EPERM;
		return -1;
	}
	limits[resource] = *rlim;
	limit_set[resource] = 1;
	libsys_limited = (limit_set[RLIMIT_AS] && limits[RLIMIT_AS].rlim_cur != RLIM_INFINITY) ||
			 (limit_set[RLIMIT_DATA] && limits[RLIMIT_DATA].rlim_cur != RLIM_INFINITY);
	return 0;
}

int prlimit(pid_t pid, int resource, const struct rlimit *new_limit, struct rlimit *old)
{
	struct rlimit l;
	if (pid != 0 && pid != getpid()) {
		errno = ESRCH;
		return -1;
	}
	if (getrlimit(resource, &l))
		return -1;
	if (new_limit && setrlimit(resource, new_limit))
		return -1;
	if (old)
		*old = l;
	return 0;
}

/* ---- sys/mman.h: mremap, msync, mlock, posix_madvise ---- */

/* This process's regions, read a buffer of PG_PMAP at a time (the pager
 * answers at most a page of them per call) into one scratch buffer too
 * big for a thread's stack: one walker at a time. */
#define WALK_MAX (IPC_BUF_MAX / sizeof(struct pg_region_info))
static struct pg_region_info walk_buf[WALK_MAX];
static volatile int walk_busy;

/* Not held across fork (malloc's heap_brk takes it, through
 * libsys_limit_room, under the heap lock, which fork takes after the
 * others): the child lets it go instead, as it keeps walk_buf, a scratch
 * buffer, whole. */
void libsys_limit_fork(int stage)
{
	if (stage == 2)
		__atomic_store_n(&walk_busy, 0, __ATOMIC_RELEASE);
}

/* Call visit(region, arg) on each region in address order until it
 * returns true.  E_OK, or the error of a PG_PMAP (regions visited before
 * it stay visited).  Regions another thread maps or unmaps meanwhile may
 * or may not be seen. */
static int each_region(bool (*visit)(const struct pg_region_info *, void *), void *arg)
{
	uint64_t from = 0;
	int e;
	while (__atomic_exchange_n(&walk_busy, 1, __ATOMIC_ACQUIRE))
		sched_yield(); /* the holder is in a pager call */
	for (;;) {
		size_t got = 0, i = 0;
		e = pager_pmap_from(0, from, walk_buf, WALK_MAX, &got); /* 0: ourselves */
		while (!e && i < got && !visit(&walk_buf[i], arg))
			i++;
		if (e || i < got || got < WALK_MAX)
			break;
		from = walk_buf[got - 1].end;
	}
	__atomic_store_n(&walk_busy, 0, __ATOMIC_RELEASE);
	return e;
}

struct region_at {
	uint64_t a, end;            /* the range asked for */
	struct pg_region_info *out;
	bool found;
};

static bool region_at_visit(const struct pg_region_info *v, void *arg)
{
	struct region_at *q = arg;
	if (v->end <= q->a)
		return false;
	if (q->a >= v->start && q->end <= v->end && q->end > q->a) {
		*q->out = *v;
		q->found = true;
	}
	return true; /* the first region ending past a decides */
}

/* The region holding [a, a + len) into *out; E_FAULT if no one region
 * holds all of it, E_NOMEM if the list cannot be read. */
static int region_of(uint64_t a, size_t len, struct pg_region_info *out)
{
	struct region_at q = { a, a + len, out, false };
	int e = each_region(region_at_visit, &q);
	return e ? E_NOMEM : q.found ? E_OK : E_FAULT;
}

/* mremap's move, as Linux does it for private mappings: a new mapping
 * (at dst with MREMAP_FIXED, else anywhere) with the old one's protection,
 * the resident pages' bytes copied over, the old range unmapped (with
 * MREMAP_DONTUNMAP: emptied, reading zero).  MAP_SHARED memory would stop
 * being shared, and pager-placed pages cannot go: ENOMEM, EINVAL. */
static void *mremap_move(char *old, size_t old_len, size_t new_len, int flags, char *dst)
{
	struct pg_region_info r;
	int e = region_of((uint64_t)old, old_len, &r);
	if (e) {
		errno = libsys_errno(e);
		return MAP_FAILED;
	}
	if (r.backing == PG_BACK_SHARED || r.backing == PG_BACK_FIXED) {
		errno = r.backing == PG_BACK_SHARED ? ENOMEM : EINVAL;
		return MAP_FAILED;
	}
	int prot = (r.rights & MAP_R ? PROT_READ : 0) | (r.rights & MAP_W ? PROT_WRITE : 0) |
		   (r.rights & MAP_X ? PROT_EXEC : 0);
	char *n = mmap(dst, new_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | (dst ? MAP_FIXED : 0), -1, 0);
	if (n == MAP_FAILED)
		return MAP_FAILED;
	size_t keep = old_len < new_len ? old_len : new_len;
	size_t pages = (keep + PAGE_SIZE - 1) / PAGE_SIZE;
	unsigned char vec[64];
	if (!(r.rights & MAP_R))
		mprotect(old, old_len, PROT_READ); /* it goes away: let us read it */
	for (size_t p = 0; p < pages; p += sizeof vec) {
		size_t k = pages - p < sizeof vec ? pages - p : sizeof vec;
		if (mincore(old + p * PAGE_SIZE, k * PAGE_SIZE, vec))
			memset(vec, 1, sizeof vec);
		for (size_t i = 0; i < k; i++) {
			size_t off = (p + i) * PAGE_SIZE;
			if (vec[i] & 1)
				memcpy(n + off, old + off, keep - off < PAGE_SIZE ? keep - off : PAGE_SIZE);
		}
	}
	if (prot != (PROT_READ | PROT_WRITE))
		mprotect(n, new_len, prot);
	if (flags & MREMAP_DONTUNMAP) {
		madvise(old, old_len, MADV_DONTNEED);
		if (!(r.rights & MAP_R))
			mprotect(old, old_len, prot);
	} else {
		munmap(old, old_len);
	}
	return n;
}

void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
	char *dst = NULL;
	if (flags & MREMAP_FIXED) {
		va_list ap;
		va_start(ap, flags);
		dst = va_arg(ap, char *);
		va_end(ap);
		uint64_t d = (uint64_t)dst, o = (uint64_t)old;
		if (!(flags & MREMAP_MAYMOVE) || d % PAGE_SIZE || !new_len ||
		    (d < o + old_len && o < d + new_len)) {
			errno = EINVAL;
			return MAP_FAILED;
		}
	}
	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	/* MREMAP_FIXED's address (page-aligned) goes with the flags */
	struct sys_msg m = { .label = PG_MREMAP,
			     .w = { (uint64_t)old, old_len, new_len,
				    (uint64_t)(uint32_t)flags | (uint64_t)(uintptr_t)dst } };
	int e = libsys_pg_call(&m);
	if (e == E_NOMEM && (flags & MREMAP_MAYMOVE))
		return mremap_move(old, old_len, new_len, flags, dst);
	if (e) {
		errno = libsys_errno(e);
		return MAP_FAILED;
	}
	return (void *)m.w[0];
}

int msync(void *addr, size_t len, int flags)
{
	if ((uint64_t)addr % PAGE_SIZE || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
	    ((flags & MS_ASYNC) && (flags & MS_SYNC))) {
		errno = EINVAL;
		return -1;
	}
	if (madvise(addr, len, MADV_NORMAL) == 0) /* only the range check */
		return 0;
	if (errno == EINVAL)
		errno = ENOMEM; /* past the user half: unmapped, as Linux says */
	return -1;
}

int libsys_mlock_future; /* MCL_FUTURE: mmap adds MAP_POPULATE (posix.c) */

/* [*a, *a + *len) widened to whole pages (addr rounded down). */
static void page_range(const void *addr, size_t len, uint64_t *a, size_t *n)
{
	*a = (uint64_t)addr & ~(PAGE_SIZE - 1);
	*n = (len + ((uint64_t)addr - *a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* 0 if every page of [a, a + n) is resident (mincore), else -1 with EAGAIN
 * (or mincore's error). */
static int all_resident(uint64_t a, size_t n)
{
	unsigned char vec[256];
	while (n) {
		size_t k = n < sizeof vec * PAGE_SIZE ? n : sizeof vec * PAGE_SIZE;
		if (mincore((void *)a, k, vec))
			return -1;
		for (size_t i = 0; i < k / PAGE_SIZE; i++)
			if (!(vec[i] & 1)) {
				errno = EAGAIN;
				return -1;
			}
		a += k, n -= k;
	}
	return 0;
}

/* Fault [a, a + n) in (MADV_POPULATE_READ) and check that it all is
 * resident.  Errors as Linux's mlock: a hole, or a page past a shared
 * object's end (populate's EFAULT, a fault's SIGBUS), is ENOMEM; memory
 * short is EAGAIN. */
static int lock_pages(uint64_t a, size_t n, int populate)
{
	if (!n)
		return 0;
	if (madvise((void *)a, n, MADV_NORMAL)) { /* a hole: ENOMEM */
		if (errno == EINVAL)
			errno = ENOMEM;
		return -1;
	}
	if (!populate)
		return 0;
	if (madvise((void *)a, n, MADV_POPULATE_READ)) {
		errno = errno == ENOMEM ? EAGAIN : ENOMEM;
		return -1;
	}
	return all_resident(a, n);
}

int mlock(const void *addr, size_t len)
{
	uint64_t a;
	size_t n;
	page_range(addr, len, &a, &n);
	return lock_pages(a, n, 1);
}

int mlock2(const void *addr, size_t len, unsigned flags)
{
	uint64_t a;
	size_t n;
	if (flags & ~1u) { /* MLOCK_ONFAULT: lock pages as they fault in */
		errno = EINVAL;
		return -1;
	}
	page_range(addr, len, &a, &n);
	return lock_pages(a, n, !(flags & 1u));
}

int munlock(const void *addr, size_t len)
{
	uint64_t a;
	size_t n;
	page_range(addr, len, &a, &n);
	return lock_pages(a, n, 0);
}

static bool lock_visit(const struct pg_region_info *v, void *arg)
{
	int *failed = arg;
	if (v->backing == PG_BACK_FIXED || !(v->rights & MAP_R))
		return false;
	if (v->backing == PG_BACK_STACK)
		return false; /* resident as far as it has grown (Linux's stack
			       * area is that part too); it grows on faults */
	if (v->backing == PG_BACK_SHARED) {
		/* a shared object's pages, as far as it is long: past its end
		 * nothing is there to lock (SIGBUS), which Linux's mlockall
		 * passes over; libsys's own whole mapping of an open object
		 * (1 GiB) is not the program's */
		if (!libsys_shm_is_base(v->start))
			madvise((void *)v->start, v->end - v->start, MADV_WILLNEED);
		return false;
	}
	*failed = lock_pages(v->start, v->end - v->start, 1);
	return *failed != 0;
}

/* MCL_CURRENT: fault in every mapping the process has (its program,
 * heap and mmaps and shared memory as far as its object goes; not the
 * pager-placed pages, libsys's own mappings of open objects, nor the
 * stack's ungrown part). */
static int lock_all_current(void)
{
	int failed = 0; /* a lock_pages failed: errno is set */
	int e = each_region(lock_visit, &failed);
	return e ? libsys_fail(e) : failed;
}

int mlockall(int flags)
{
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    flags == MCL_ONFAULT) {
		errno = EINVAL;
		return -1;
	}
	if ((flags & MCL_CURRENT) && !(flags & MCL_ONFAULT) && lock_all_current())
		return -1;
	if (flags & MCL_FUTURE)
		libsys_mlock_future = !(flags & MCL_ONFAULT);
	return 0;
}

int munlockall(void)
{
	libsys_mlock_future = 0;
	return 0;
}

int posix_madvise(void *addr, size_t len, int advice)
{
	if (advice < POSIX_MADV_NORMAL || advice > POSIX_MADV_DONTNEED)
		return EINVAL;
	int e = madvise(addr, len, advice == POSIX_MADV_DONTNEED ? MADV_NORMAL : advice);
	return e ? errno : 0;
}

/* ---- RLIMIT_AS and RLIMIT_DATA, once a program lowered them ---- */

int libsys_limited;

struct mapped {
	uint64_t as, data;
};

static bool mapped_visit(const struct pg_region_info *v, void *arg)
{
	struct mapped *m = arg;
	uint64_t len = v->end - v->start;
	if (v->backing == PG_BACK_STACK || v->backing == PG_BACK_FIXED)
		len = v->resident * PAGE_SIZE; /* the IPC buffers' area:
						* PG_MAX_THREADS pages */
	m->as += len;
	if ((v->rights & MAP_W) && (v->backing == PG_BACK_ANON || v->backing == PG_BACK_HEAP))
		m->data += len;
	return false;
}

/* The address space and the data (writable private memory, the heap)
 * this process has mapped now, in bytes, from PG_PMAP; the stack counts
 * its grown pages only, as Linux's stack area, and the pager's fixed
 * pages (the startup page, the 16 MiB of IPC buffers) the ones there.
 * false if unknown. */
static int mapped_now(uint64_t *as, uint64_t *data)
{
	struct mapped m = { 0, 0 };
	int e = each_region(mapped_visit, &m);
	*as = m.as;
	*data = m.data;
	return !e;
}

int libsys_limit_room(uint64_t grow, int data)
{
	rlim_t as_max = limit_set[RLIMIT_AS] ? limits[RLIMIT_AS].rlim_cur : RLIM_INFINITY;
	rlim_t data_max = data && limit_set[RLIMIT_DATA] ? limits[RLIMIT_DATA].rlim_cur
							   : RLIM_INFINITY;
	uint64_t as, dat;
	if (!libsys_limited || (as_max == RLIM_INFINITY && data_max == RLIM_INFINITY))
		return 0;
	if (!mapped_now(&as, &dat))
		return 0;
	if ((as_max != RLIM_INFINITY && (grow > as_max || as > as_max - grow)) ||
	    (data_max != RLIM_INFINITY && (grow > data_max || dat > data_max - grow))) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}
