/* linux9_regions: a process with many mappings (300, more than one
 * page of the pager's region list holds) can mremap and msync its last
 * ones, mlockall(MCL_CURRENT) makes its last ones resident, and
 * RLIMIT_AS counts all of them.  libsys read the region list once, one
 * page of it (85 regions): mremap and msync of a later region failed
 * with EFAULT, mlockall left the later regions out, and the address-space
 * limit was checked against the first 85 regions only.  Also two threads
 * calling mlockall while two others map and unmap under an address-space
 * limit (the walks share one buffer).  Checked under Linux 6.1. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define T "linux9_regions"
#define N 300
#define PG 4096

static char *map[N];
static int bad;

static void fail(const char *what, int e)
{
	printf("@@FAIL %s: %s (errno %d)\n", T, what, e);
	bad = 1;
}

/* Each mapping a page, every other one read-only, with an unmapped page
 * between them, so that none can merge with its neighbour. */
static int map_all(void)
{
	char *base = mmap(NULL, (size_t)N * 2 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	munmap(base, (size_t)N * 2 * PG);
	for (int i = 0; i < N; i++) {
		int prot = i % 2 ? PROT_READ : PROT_READ | PROT_WRITE;
		map[i] = mmap(base + (size_t)i * 2 * PG, PG, prot,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (map[i] == MAP_FAILED)
			return -1;
	}
	return 0;
}

static void check_mremap_msync(void)
{
	char *last = map[N - 2]; /* writable */
	last[0] = 'x';
	if (msync(last, PG, MS_SYNC))
		fail("msync of the last mappings", errno);
	char *moved = mremap(last, PG, 3 * PG, MREMAP_MAYMOVE);
	if (moved == MAP_FAILED) {
		fail("mremap of the last mappings", errno);
		return;
	}
	if (moved[0] != 'x')
		fail("mremap lost the page's byte", 0);
	moved[3 * PG - 1] = 'y';
	map[N - 2] = mmap(last, PG, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	munmap(moved, 3 * PG);
}

static void check_mlockall(void)
{
	unsigned char in = 0;
	if (mlockall(MCL_CURRENT)) {
		fail("mlockall", errno);
		return;
	}
	for (int i = N - 10; i < N; i++)
		if (mincore(map[i], PG, &in) || !(in & 1)) {
			fail("mlockall left a late mapping out", 0);
			break;
		}
	munlockall();
}

/* With RLIMIT_AS just above what is mapped now, a mapping of twice the
 * slack fails, one of half of it succeeds. */
static void check_limit(void)
{
	struct rlimit old, rl;
	getrlimit(RLIMIT_AS, &old);
	/* what is mapped: grow a guess until a mapping of 1 page fails */
	size_t lo = 0, hi = (size_t)1 << 40;
	while (hi - lo > 64 * PG) { /* the smallest limit that still lets a page map */
		size_t mid = lo + (hi - lo) / 2;
		rl = (struct rlimit){ mid, old.rlim_max };
		setrlimit(RLIMIT_AS, &rl);
		void *p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		rl = old;
		setrlimit(RLIMIT_AS, &rl);
		if (p == MAP_FAILED) {
			lo = mid;
		} else {
			munmap(p, PG);
			hi = mid;
		}
	}
	/* hi lets one page map; every mapping of ours counts: 300 pages
	 * more than without them */
	rl = (struct rlimit){ hi, old.rlim_max };
	for (int i = 0; i < N; i += 2)
		munmap(map[i], PG); /* 150 pages fewer: room for them now */
	setrlimit(RLIMIT_AS, &rl);
	void *p = mmap(NULL, 140 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *q = p == MAP_FAILED ? MAP_FAILED
				  : mmap(NULL, 140 * PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	rl = old;
	setrlimit(RLIMIT_AS, &rl);
	if (p == MAP_FAILED)
		fail("room freed by unmapping late regions not seen by RLIMIT_AS", errno);
	else if (q != MAP_FAILED)
		fail("RLIMIT_AS let a mapping past the limit through", 0);
	if (p != MAP_FAILED)
		munmap(p, 140 * PG);
	if (q != MAP_FAILED)
		munmap(q, 140 * PG);
	for (int i = 0; i < N; i += 2)
		map[i] = mmap(map[i + 1] - 2 * PG, PG, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
}

static volatile int stop;

static void *locker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20 && !bad; i++) {
		if (mlockall(MCL_CURRENT))
			fail("mlockall beside other threads", errno);
		munlockall();
	}
	return NULL;
}

static void *mapper(void *arg)
{
	(void)arg;
	while (!stop) {
		void *p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			fail("mmap under a generous RLIMIT_AS beside mlockall", errno);
			break;
		}
		((char *)p)[0] = 1;
		munmap(p, 4 * PG);
	}
	return NULL;
}

static void check_threads(void)
{
	struct rlimit old, rl;
	getrlimit(RLIMIT_AS, &old);
	rl = (struct rlimit){ (rlim_t)1 << 36, old.rlim_max }; /* set, far off */
	setrlimit(RLIMIT_AS, &rl);
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, i < 2 ? locker : mapper, NULL);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	stop = 1;
	pthread_join(t[2], NULL);
	pthread_join(t[3], NULL);
	setrlimit(RLIMIT_AS, &old);
}

int main(void)
{
	if (map_all()) {
		fail("mapping 300 regions", errno);
		return 1;
	}
	check_mremap_msync();
	check_mlockall();
	check_limit();
	check_threads();
	if (bad)
		return 1;
	printf("@@PASS %s\n", T);
	return 0;
}
