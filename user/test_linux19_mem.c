/* Memory as a reviewer probes it on Linux terms: children of fork writing
 * one shared anonymous area, /dev/zero shared and private, brk/sbrk growth
 * and shrink, malloc/realloc/calloc of many sizes with contents checked and
 * huge requests failing cleanly, posix_memalign/aligned_alloc, mincore,
 * madvise(MADV_DONTNEED), msync, getrusage's minor faults, /proc/self/statm,
 * sysconf.  Plain Linux C: passes under Linux 6.1 and glibc too. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
static const char *cur;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", cur, __LINE__, #c, errno); fails++; bad++; } } while (0)
#define BEGIN(n) int bad = 0; cur = (n)
#define END() do { if (!bad) printf("@@PASS %s\n", cur); } while (0)

static long pg;

/* N children each fill their own slice of one MAP_SHARED|MAP_ANONYMOUS
 * area with a pattern; the parent sees every byte. */
static void t_shared_children(void)
{
	BEGIN("linux19_mem_sharedkids");
	enum { N = 8, PAGES = 3 };
	size_t slice = PAGES * pg;
	unsigned char *a = mmap(NULL, N * slice, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	if (a == MAP_FAILED)
		return;
	pid_t kids[N];
	for (int i = 0; i < N; i++) {
		kids[i] = fork();
		CHECK(kids[i] >= 0);
		if (kids[i] == 0) {
			for (size_t j = 0; j < slice; j++)
				a[i * slice + j] = (unsigned char)(i * 31 + j);
			_exit(0);
		}
	}
	for (int i = 0; i < N; i++) {
		int st;
		CHECK(waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	size_t wrong = 0;
	for (int i = 0; i < N; i++)
		for (size_t j = 0; j < slice; j++)
			wrong += a[i * slice + j] != (unsigned char)(i * 31 + j);
	CHECK(wrong == 0);
	CHECK(munmap(a, N * slice) == 0);
	END();
}

/* /dev/zero: MAP_SHARED is shared with a child, MAP_PRIVATE is not;
 * a fresh mapping reads zeros. */
static void t_devzero(void)
{
	BEGIN("linux19_mem_devzero");
	int fd = open("/dev/zero", O_RDWR);
	CHECK(fd >= 0);
	char *s = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(s != MAP_FAILED && p != MAP_FAILED);
	close(fd);
	CHECK(s[0] == 0 && s[2 * pg - 1] == 0 && p[pg] == 0);
	p[0] = 'p';
	pid_t c = fork();
	if (c == 0) {
		s[pg + 5] = 'k';
		p[0] = 'q';
		_exit(0);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st));
	CHECK(s[pg + 5] == 'k');
	CHECK(p[0] == 'p');
	munmap(s, 2 * pg);
	munmap(p, 2 * pg);
	END();
}

/* brk/sbrk: grow by pages, write, shrink, grow again (zeroed as Linux
 * gives freshly grown heap pages when they were released), sbrk(0)
 * tracks. */
static void t_brk(void)
{
	BEGIN("linux19_mem_brk");
	char *b0 = sbrk(0);
	CHECK(b0 != (void *)-1);
	char *r = sbrk(16 * pg);
	CHECK(r == b0);
	CHECK(sbrk(0) == b0 + 16 * pg);
	memset(b0, 0x5a, 16 * pg);
	CHECK(b0[16 * pg - 1] == 0x5a);
	/* shrink to 1 page past a page boundary and grow again */
	char *top = (char *)(((uintptr_t)b0 + pg - 1) & ~(uintptr_t)(pg - 1)) + pg;
	CHECK(brk(top) == 0);
	CHECK(sbrk(0) == top);
	CHECK(brk(top + 8 * pg) == 0);
	CHECK(top[0] == 0 && top[8 * pg - 1] == 0);
	CHECK(top[-1] == 0x5a);
	r = sbrk(-(intptr_t)(8 * pg));
	CHECK(r == top + 8 * pg);
	CHECK(sbrk(0) == top);
	CHECK(brk(b0) == 0);
	CHECK(sbrk(0) == b0);
	END();
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static int same(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 7))
			return 0;
	return 1;
}

/* malloc/realloc/calloc of sizes 0..2 MiB with contents kept; huge
 * requests fail with ENOMEM and leave the heap working. */
static void t_malloc(void)
{
	BEGIN("linux19_mem_malloc");
	enum { K = 64 };
	unsigned char *ps[K];
	size_t sz[K];
	for (int i = 0; i < K; i++) {
		sz[i] = (i % 8 == 7) ? (size_t)(i + 1) * 32768 : (size_t)i * i * 13 + 1;
		ps[i] = malloc(sz[i]);
		CHECK(ps[i] != NULL);
		CHECK(((uintptr_t)ps[i] & 15) == 0);
		fill(ps[i], sz[i], i);
	}
	for (int i = 0; i < K; i += 2) {
		size_t n = sz[i] * 3 + 100;
		unsigned char *q = realloc(ps[i], n);
		CHECK(q != NULL);
		CHECK(same(q, sz[i], i));
		fill(q, n, i + 1);
		ps[i] = q;
		sz[i] = n;
	}
	for (int i = 1; i < K; i += 2) {
		size_t n = sz[i] / 2 + 1;
		unsigned char *q = realloc(ps[i], n);
		CHECK(q != NULL);
		CHECK(same(q, n, i));
		ps[i] = q;
		sz[i] = n;
	}
	for (int i = 0; i < K; i++) {
		CHECK(same(ps[i], sz[i], i & 1 ? i : i + 1));
		free(ps[i]);
	}
	/* calloc: zeros, also after a free of dirty memory of the same size */
	for (size_t n = 1; n < (1u << 22); n = n * 5 + 3) {
		unsigned char *d = malloc(n);
		memset(d, 0xff, n);
		free(d);
		unsigned char *c = calloc(n, 1);
		CHECK(c != NULL);
		size_t nz = 0;
		for (size_t i = 0; i < n; i++)
			nz += c[i] != 0;
		CHECK(nz == 0);
		free(c);
	}
	volatile size_t huge = SIZE_MAX; /* (volatile: no compile-time warning) */
	errno = 0;
	CHECK(calloc(huge / 2, 4) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(malloc(huge) == NULL && errno == ENOMEM);
	errno = 0;
	CHECK(malloc((size_t)1 << 46) == NULL && errno == ENOMEM);
	errno = 0;
	unsigned char *x = malloc(16);
	fill(x, 16, 9);
	uintptr_t xa = (uintptr_t)x;
	unsigned char *y = realloc(x, huge - 4096);
	CHECK(y == NULL && errno == ENOMEM);
	if (!y) { /* a failed realloc leaves the block */
		CHECK(same((unsigned char *)xa, 16, 9));
		free((void *)xa);
	}
	/* > 1 GiB: Linux overcommits it lazily only when it fits the
	 * heuristic; either a pointer or NULL with ENOMEM, never a crash */
	errno = 0;
	void *big = malloc((size_t)3 << 30);
	CHECK(big != NULL || errno == ENOMEM);
	free(big);
	void *after = malloc(1000);
	CHECK(after != NULL);
	free(after);
	free(NULL);
	void *r0 = realloc(NULL, 10);
	CHECK(r0 != NULL);
	free(r0);
	END();
}

static void t_align(void)
{
	BEGIN("linux19_mem_align");
	for (size_t al = sizeof(void *); al <= (1u << 20); al <<= 1) {
		void *p = NULL;
		CHECK(posix_memalign(&p, al, 100) == 0);
		CHECK(p && ((uintptr_t)p & (al - 1)) == 0);
		memset(p, 1, 100);
		free(p);
		void *q = aligned_alloc(al, al * 2);
		CHECK(q && ((uintptr_t)q & (al - 1)) == 0);
		memset(q, 2, al * 2);
		free(q);
	}
	void *p = (void *)1;
	CHECK(posix_memalign(&p, 3, 100) == EINVAL);
	CHECK(posix_memalign(&p, sizeof(void *) / 2, 100) == EINVAL);
	CHECK(posix_memalign(&p, 64, SIZE_MAX - 100) == ENOMEM);
	void *m = memalign(4096, 10);
	CHECK(m && ((uintptr_t)m & 4095) == 0);
	free(m);
	void *v = valloc(10);
	CHECK(v && ((uintptr_t)v & (pg - 1)) == 0);
	free(v);
	END();
}

/* mincore: untouched anonymous pages are not resident, touched ones are;
 * unaligned address EINVAL, unmapped range ENOMEM. */
static void t_mincore(void)
{
	BEGIN("linux19_mem_mincore");
	unsigned char vec[8];
	char *a = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	a[0] = 1;
	a[3 * pg] = 1;
	CHECK(mincore(a, 8 * pg, vec) == 0);
	CHECK((vec[0] & 1) && (vec[3] & 1));
	CHECK(!(vec[1] & 1) && !(vec[7] & 1));
	errno = 0;
	CHECK(mincore(a + 1, pg, vec) == -1 && errno == EINVAL);
	CHECK(munmap(a + 4 * pg, 4 * pg) == 0);
	errno = 0;
	CHECK(mincore(a, 8 * pg, vec) == -1 && errno == ENOMEM);
	/* a length not a page multiple is rounded up */
	CHECK(mincore(a, 1, vec) == 0 && (vec[0] & 1));
	munmap(a, 4 * pg);
	END();
}

/* madvise(MADV_DONTNEED) of private anonymous memory reads zeros after;
 * of shared anonymous memory keeps the contents; bad advice EINVAL. */
static void t_madvise(void)
{
	BEGIN("linux19_mem_dontneed");
	char *a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(a, 'a', 4 * pg);
	CHECK(madvise(a + pg, 2 * pg, MADV_DONTNEED) == 0);
	CHECK(a[0] == 'a' && a[pg] == 0 && a[3 * pg - 1] == 0 && a[3 * pg] == 'a');
	char *s = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	memset(s, 's', 2 * pg);
	CHECK(madvise(s, 2 * pg, MADV_DONTNEED) == 0);
	CHECK(s[0] == 's' && s[2 * pg - 1] == 's');
	errno = 0;
	CHECK(madvise(a, pg, 12345) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(madvise(a + 1, pg, MADV_NORMAL) == -1 && errno == EINVAL);
	/* after fork, DONTNEED in the child leaves the parent's copy alone */
	memset(a, 'b', 4 * pg);
	pid_t c = fork();
	if (c == 0) {
		madvise(a, 4 * pg, MADV_DONTNEED);
		_exit(a[0] != 0);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(a[0] == 'b' && a[4 * pg - 1] == 'b');
	munmap(a, 4 * pg);
	munmap(s, 2 * pg);
	END();
}

static void t_msync(void)
{
	BEGIN("linux19_mem_msync");
	char *a = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	a[0] = 1;
	CHECK(msync(a, 2 * pg, MS_SYNC) == 0);
	CHECK(msync(a, 2 * pg, MS_ASYNC) == 0);
	CHECK(msync(a, pg, MS_INVALIDATE) == 0);
	errno = 0;
	CHECK(msync(a + 1, pg, MS_SYNC) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(msync(a, pg, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL);
	munmap(a, 2 * pg);
	errno = 0;
	CHECK(msync(a, pg, MS_SYNC) == -1 && errno == ENOMEM);
	END();
}

/* getrusage: touching N fresh anonymous pages adds about N minor faults
 * (Linux: one per page, with no fault-around for anonymous memory) and
 * no major one. */
static void t_rusage(void)
{
	BEGIN("linux19_mem_minflt");
	enum { N = 200 };
	char *a = mmap(NULL, N * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct rusage r0, r1;
	CHECK(getrusage(RUSAGE_SELF, &r0) == 0);
	for (int i = 0; i < N; i++)
		a[i * pg] = 1;
	CHECK(getrusage(RUSAGE_SELF, &r1) == 0);
	long d = r1.ru_minflt - r0.ru_minflt;
	if (d < N || d > N + 20)
		printf("linux19_mem_minflt: %ld minor faults for %d pages\n", d, N);
	CHECK(d >= N && d <= N + 20);
	CHECK(r1.ru_majflt == r0.ru_majflt);
	CHECK(r1.ru_maxrss >= r0.ru_maxrss && r1.ru_maxrss > 0);
	/* a child's faults show in RUSAGE_CHILDREN after wait */
	struct rusage c0, c1;
	getrusage(RUSAGE_CHILDREN, &c0);
	pid_t c = fork();
	if (c == 0) {
		char *b = mmap(NULL, N * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (int i = 0; i < N; i++)
			b[i * pg] = 1;
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	getrusage(RUSAGE_CHILDREN, &c1);
	CHECK(c1.ru_minflt - c0.ru_minflt >= N);
	errno = 0;
	CHECK(getrusage(42, &r1) == -1 && errno == EINVAL);
	munmap(a, N * pg);
	END();
}

/* /proc/self/statm: size and resident in pages; resident grows by about N
 * after touching N pages. */
static int statm(long *size, long *res)
{
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return -1;
	int n = fscanf(f, "%ld %ld", size, res);
	fclose(f);
	return n == 2 ? 0 : -1;
}

static void t_statm(void)
{
	BEGIN("linux19_mem_statm");
	enum { N = 256 };
	long s0, r0, s1, r1, s2, r2;
	CHECK(statm(&s0, &r0) == 0); /* (once first: the reading code's own pages) */
	CHECK(statm(&s0, &r0) == 0);
	char *a = mmap(NULL, N * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(statm(&s1, &r1) == 0);
	CHECK(s1 - s0 >= N && s1 - s0 <= N + 16);
	CHECK(r1 - r0 < 16);
	memset(a, 1, N * pg);
	CHECK(statm(&s2, &r2) == 0);
	if (r2 - r1 < N || r2 - r1 > N + 16)
		printf("linux19_mem_statm: resident %ld -> %ld for %d pages\n", r1, r2, N);
	CHECK(r2 - r1 >= N && r2 - r1 <= N + 16);
	munmap(a, N * pg);
	long s3, r3;
	CHECK(statm(&s3, &r3) == 0);
	CHECK(s3 <= s0 + 16 && r3 <= r2 - N + 16);
	FILE *f = fopen("/proc/meminfo", "r");
	CHECK(f != NULL);
	if (f) {
		char line[256];
		long total = -1, fre = -1, avail = -1;
		while (fgets(line, sizeof line, f)) {
			sscanf(line, "MemTotal: %ld kB", &total);
			sscanf(line, "MemFree: %ld kB", &fre);
			sscanf(line, "MemAvailable: %ld kB", &avail);
		}
		fclose(f);
		CHECK(total > 0 && fre > 0 && fre <= total && avail > 0 && avail <= total);
		long phys = sysconf(_SC_PHYS_PAGES);
		CHECK(phys > 0 && phys * (pg / 1024) >= total / 2 && phys * (pg / 1024) <= total * 2);
	}
	END();
}

/* The maps line of the region at a: its name (after the inode field) into
 * name; 0, or -1 if none starts there. */
static int maps_name(void *a, char *name, size_t cap)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	char line[512];
	int found = -1;
	while (found && fgets(line, sizeof line, f)) {
		unsigned long lo;
		int off = 0;
		if (sscanf(line, "%lx-%*x %*s %*s %*s %*s %n", &lo, &off) < 1 || lo != (unsigned long)a)
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(name, cap, "%s", off ? line + off : "");
		found = 0;
	}
	fclose(f);
	return found;
}

/* /proc/self/maps names a shm_open object's mapping /dev/shm/NAME, a file's
 * its path, shared anonymous memory "/dev/zero (deleted)"; opening an
 * object maps nothing the program can see (statm's size moves by the
 * program's own mapping only). */
static void t_maps(void)
{
	BEGIN("linux19_mem_maps");
	char name[256];
	long s0, r0, s1, r1;
	shm_unlink("/l19maps");
	CHECK(statm(&s0, &r0) == 0);
	int fd = shm_open("/l19maps", O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, 2 * pg) == 0);
	char *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	m[0] = 1;
	CHECK(statm(&s1, &r1) == 0);
	if (s1 - s0 > 16)
		printf("linux19_mem_maps: size %ld -> %ld pages\n", s0, s1);
	CHECK(s1 - s0 >= 2 && s1 - s0 <= 16);
	CHECK(maps_name(m, name, sizeof name) == 0 && strcmp(name, "/dev/shm/l19maps") == 0);
	if (strcmp(name, "/dev/shm/l19maps"))
		printf("linux19_mem_maps: \"%s\"\n", name);
	munmap(m, 2 * pg);
	close(fd);
	shm_unlink("/l19maps");

	unlink("/tmp/l19maps_f");
	fd = open("/tmp/l19maps_f", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, pg) == 0);
	m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK(maps_name(m, name, sizeof name) == 0 && strcmp(name, "/tmp/l19maps_f") == 0);
	if (strcmp(name, "/tmp/l19maps_f"))
		printf("linux19_mem_maps: \"%s\"\n", name);
	munmap(m, pg);
	close(fd);
	unlink("/tmp/l19maps_f");

	m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(maps_name(m, name, sizeof name) == 0 && strcmp(name, "/dev/zero (deleted)") == 0);
	munmap(m, pg);
	END();
}

static void t_sysconf(void)
{
	BEGIN("linux19_mem_sysconf");
	CHECK(pg == 4096 && getpagesize() == 4096);
	long on = sysconf(_SC_NPROCESSORS_ONLN), cf = sysconf(_SC_NPROCESSORS_CONF);
	CHECK(on >= 1 && cf >= on);
	long ph = sysconf(_SC_PHYS_PAGES), av = sysconf(_SC_AVPHYS_PAGES);
	CHECK(ph > 0 && av > 0 && av <= ph);
	CHECK(sysconf(_SC_CLK_TCK) == 100);
	CHECK(sysconf(_SC_OPEN_MAX) >= 20);
	CHECK(sysconf(_SC_PAGE_SIZE) == pg);
	errno = 0;
	CHECK(sysconf(-1) == -1 && errno == EINVAL);
	END();
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	pg = sysconf(_SC_PAGESIZE);
	t_shared_children();
	t_devzero();
	t_brk();
	t_malloc();
	t_align();
	t_mincore();
	t_madvise();
	t_msync();
	t_rusage();
	t_statm();
	t_maps();
	t_sysconf();
	return fails != 0;
}
