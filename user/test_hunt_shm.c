/* hunt_shared_regions: MAP_SHARED memory cut to pieces.  One shared
 * object is mapped twice (mremap's alias, as shmat does) and inherited by
 * forked children, which munmap, mprotect (splitting and merging regions
 * that hold references on the object), madvise(DONTNEED) and write random
 * pieces of both mappings at once from two threads, while checking that
 * both mappings show the same bytes wherever both are mapped.  The parent
 * checks every child's last writes through its own mapping, then unmaps
 * everything: the object's frames must all come back (a reference lost by
 * a split or merge would free them while mapped, or never).  SysV shm
 * segments are made and removed in the same children. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/test.h"

#define T "hunt_shared_regions"
#define PAGES 48
#define CHILDREN 6
#define ROUNDS 300

static uint8_t *a, *b; /* the object twice */
static int my_k;       /* the child's index: its words are its own */

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void bad(const char *what, long x, long y)
{
	printf("@@FAIL " T ": %s (%ld, %ld; errno %d)\n", what, x, y, errno);
	_exit(1);
}

/* Child: which pages of a and b are still mapped (and writable). */
static uint8_t a_map[PAGES], b_map[PAGES];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void one_step(uint64_t *s, int id)
{
	uint64_t r = rnd(s);
	unsigned p0 = (unsigned)(r % PAGES), n = 1 + (unsigned)((r >> 8) % 5);
	if (p0 + n > PAGES)
		n = PAGES - p0;
	uint8_t *m = (r >> 16) & 1 ? a : b, *map = m == a ? a_map : b_map;
	pthread_mutex_lock(&mu);
	switch ((r >> 20) % 8) {
	case 0: /* unmap (rarely: keeps most of it mapped) the pages still
		 * mapped, never a hole: the main thread's SysV segment may
		 * be attached there (the lowest hole that fits), and a munmap
		 * over it would take it away between its shmat and its write
		 * (SIGSEGV, as on Linux) */
		if ((r >> 24) % 4 == 0)
			for (unsigned i = 0; i < n; i++) { /* each run of mapped pages */
				unsigned j = i;
				while (j < n && map[p0 + j])
					j++;
				if (j > i && munmap(m + (p0 + i) * 4096, (j - i) * 4096))
					bad("munmap", p0 + i, j - i);
				memset(map + p0 + i, 0, j - i);
				i = j; /* page j is not mapped (or past the range) */
			}
		break;
	case 1: case 2: /* protect read-only, or back */
		for (unsigned i = 0; i < n; i++)
			if (!map[p0 + i])
				goto out;
		if (mprotect(m + p0 * 4096, n * 4096, (r >> 25) & 1 ? PROT_READ :
			     PROT_READ | PROT_WRITE))
			bad("mprotect", p0, n);
		memset(map + p0, (r >> 25) & 1 ? 1 : 2, n);
		break;
	case 3: /* DONTNEED: shared pages keep their bytes */
		for (unsigned i = 0; i < n; i++)
			if (!map[p0 + i])
				goto out;
		madvise(m + p0 * 4096, n * 4096, MADV_DONTNEED);
		break;
	default: /* write a word in each page through m, read it through the other */
		for (unsigned i = 0; i < n; i++) {
			unsigned p = p0 + i;
			uint64_t v = rnd(s) | 1, off = p * 4096 + (uint64_t)(my_k * 2 + id) * 64;
			if (map[p] == 2)
				*(volatile uint64_t *)(m + off) = v;
			else
				v = 0;
			uint8_t *o = m == a ? b : a, *omap = m == a ? b_map : a_map;
			if (v && omap[p] && *(volatile uint64_t *)(o + off) != v)
				bad("the other mapping differs at page", p, id);
		}
	}
out:
	pthread_mutex_unlock(&mu);
}

static void *second(void *arg)
{
	uint64_t s = (uint64_t)(uintptr_t)arg;
	for (int i = 0; i < ROUNDS; i++)
		one_step(&s, 1);
	return NULL;
}

static void child(int k)
{
	uint64_t s = 0x1000 + (uint64_t)k;
	my_k = k;
	memset(a_map, 2, sizeof a_map);
	memset(b_map, 2, sizeof b_map);
	pthread_t th;
	if (pthread_create(&th, NULL, second, (void *)(uintptr_t)(s * 7)))
		bad("pthread_create", 0, 0);
	for (int i = 0; i < ROUNDS; i++) {
		one_step(&s, 0);
		if (i % 50 == 0) { /* a SysV segment made, attached, removed */
			int id = shmget(IPC_PRIVATE, 8192 + (size_t)i, IPC_CREAT | 0600);
			if (id < 0)
				bad("shmget", i, 0);
			char *x = shmat(id, NULL, 0);
			if (x == (void *)-1)
				bad("shmat", i, 0);
			x[8191] = 1;
			shmctl(id, IPC_RMID, NULL);
			shmdt(x);
		}
	}
	pthread_join(th, NULL);
	/* the last word: page k of the object through whichever is mapped */
	uint64_t off = (uint64_t)k * 4096 + 2048;
	pthread_mutex_lock(&mu);
	for (int i = 0; i < 2; i++) {
		uint8_t *m = i ? b : a, *map = i ? b_map : a_map;
		if (map[k] == 1)
			mprotect(m + (uint64_t)k * 4096, 4096, PROT_READ | PROT_WRITE), map[k] = 2;
		if (map[k] == 2) {
			*(volatile uint64_t *)(m + off) = 0xC0DE0000ull + (uint64_t)k;
			_exit(0);
		}
	}
	_exit(3); /* both gone: the parent sees no word */
}

int main(void)
{
	touch_image();
	/* warm-up: a first object, fork and thread cost the pager pool
	 * pages for good */
	for (int w = 0; w < 2; w++) {
		uint64_t before = w ? frames_steady(5000) : 0;
		a = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (a == MAP_FAILED)
			test_fail(T, "mmap");
		b = mremap(a, 0, PAGES * 4096, MREMAP_MAYMOVE);
		if (b == MAP_FAILED)
			test_fail(T, "mremap alias: errno %d", errno);
		for (int p = 0; p < PAGES; p++)
			a[p * 4096 + 5] = (uint8_t)p;
		for (int p = 0; p < PAGES; p++)
			if (b[p * 4096 + 5] != (uint8_t)p)
				test_fail(T, "alias page %d", p);
		pid_t pid[CHILDREN];
		for (int k = 0; k < CHILDREN; k++) {
			pid[k] = fork();
			if (pid[k] == 0)
				child(k);
			if (pid[k] < 0)
				test_fail(T, "fork");
		}
		for (int k = 0; k < CHILDREN; k++) {
			int st;
			if (waitpid(pid[k], &st, 0) != pid[k] || !WIFEXITED(st))
				test_fail(T, "child %d status 0x%x", k, st);
			if (WEXITSTATUS(st) == 1)
				test_fail(T, "child %d failed", k);
			uint64_t v = *(volatile uint64_t *)(a + (uint64_t)k * 4096 + 2048);
			if (WEXITSTATUS(st) == 0 && v != 0xC0DE0000ull + (uint64_t)k)
				test_fail(T, "child %d's last word 0x%lx not seen", k, (unsigned long)v);
		}
		if (munmap(a, PAGES * 4096) || munmap(b, PAGES * 4096))
			test_fail(T, "munmap");
		uint64_t after = frames_settle(before, 10000);
		if (w && after < before)
			test_fail(T, "free frames %lu before, %lu after", (unsigned long)before,
				  (unsigned long)after);
		if (w)
			printf(T ": free frames back to %lu\n", (unsigned long)after);
	}
	test_pass(T);
	return 0;
}
