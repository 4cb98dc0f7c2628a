/* hunt_shm_holes: System V segments attached in the holes of other
 * mappings while those change.  A child maps one MAP_SHARED object twice
 * (mremap's alias); its second thread munmaps pieces of both mappings
 * (the pages still mapped, never a hole), mprotects and madvises
 * (DONTNEED) them and writes through one to read through the other,
 * while the main thread makes a segment, attaches it (the pager places it
 * in the lowest hole that fits: often one the munmaps left), checks that
 * it reads zero, writes its first and last byte, reads them back, removes
 * and detaches it, over and over.  A segment placed over a page still
 * mapped, a segment's or the object's page lost or mixed up by the other
 * thread's splits and merges, or an attach refused, fails the test.
 * Plain Linux program (make linux-check). */
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

#define T "hunt_shm_holes"
#define PAGES 48
#define CHILDREN 2
#define ROUNDS 10
#define STEPS 300

static uint8_t *a, *b;                   /* the object twice */
static uint8_t a_map[PAGES], b_map[PAGES]; /* 0 gone, 1 read-only, 2 writable */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop;

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

/* One random change or check of a and b by the second thread. */
static void step(uint64_t *s)
{
	uint64_t r = rnd(s);
	unsigned p0 = (unsigned)(r % PAGES), n = 1 + (unsigned)((r >> 8) % 5);
	if (p0 + n > PAGES)
		n = PAGES - p0;
	uint8_t *m = (r >> 16) & 1 ? a : b, *map = m == a ? a_map : b_map;
	uint8_t *o = m == a ? b : a, *omap = m == a ? b_map : a_map;
	pthread_mutex_lock(&mu);
	switch ((r >> 20) % 6) {
	case 0: /* unmap each run of pages still mapped (not often) */
		if ((r >> 24) % 4)
			break;
		for (unsigned i = 0; i < n; i++) {
			unsigned j = i;
			while (j < n && map[p0 + j])
				j++;
			if (j > i && munmap(m + (p0 + i) * 4096, (j - i) * 4096))
				bad("munmap", p0 + i, j - i);
			memset(map + p0 + i, 0, j - i);
			i = j; /* page j is not mapped (or past the range) */
		}
		break;
	case 1: /* protect read-only, or back */
		for (unsigned i = 0; i < n; i++)
			if (!map[p0 + i])
				goto out;
		if (mprotect(m + p0 * 4096, n * 4096, (r >> 25) & 1 ? PROT_READ :
			     PROT_READ | PROT_WRITE))
			bad("mprotect", p0, n);
		memset(map + p0, (r >> 25) & 1 ? 1 : 2, n);
		break;
	case 2: /* DONTNEED: shared pages keep their bytes */
		for (unsigned i = 0; i < n; i++)
			if (!map[p0 + i])
				goto out;
		madvise(m + p0 * 4096, n * 4096, MADV_DONTNEED);
		break;
	default: /* write a word through m, read it through the other */
		for (unsigned i = 0; i < n; i++) {
			unsigned p = p0 + i;
			uint64_t v = rnd(s) | 1;
			if (map[p] != 2)
				continue;
			*(volatile uint64_t *)(m + p * 4096 + 64) = v;
			if (omap[p] && *(volatile uint64_t *)(o + p * 4096 + 64) != v)
				bad("the other mapping differs at page", p, 0);
		}
	}
out:
	pthread_mutex_unlock(&mu);
}

static void *second(void *arg)
{
	uint64_t s = (uint64_t)(uintptr_t)arg;
	while (!stop)
		step(&s);
	return NULL;
}

/* Whether [x, x + len) meets [m, m + PAGES pages). */
static int meets(const volatile char *x, size_t len, const uint8_t *m)
{
	uintptr_t p = (uintptr_t)x, q = (uintptr_t)m;
	return p < q + PAGES * 4096 && q < p + len;
}

static void child(int k)
{
	unsigned in_holes = 0;
	for (int round = 0; round < ROUNDS; round++) {
		a = mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (a == MAP_FAILED)
			bad("mmap", round, 0);
		b = mremap(a, 0, PAGES * 4096, MREMAP_MAYMOVE);
		if (b == MAP_FAILED)
			bad("mremap alias", round, 0);
		memset(a_map, 2, sizeof a_map);
		memset(b_map, 2, sizeof b_map);
		stop = 0;
		pthread_t th;
		if (pthread_create(&th, NULL, second, (void *)(uintptr_t)(k * 1000 + round + 1)))
			bad("pthread_create", round, 0);
		for (int i = 0; i < STEPS; i++) {
			size_t sz = 4096 * (1 + (size_t)(i % 3)) + (size_t)(i % 7);
			int id = shmget(IPC_PRIVATE, sz, IPC_CREAT | 0600);
			if (id < 0)
				bad("shmget", round, i);
			volatile char *x = shmat(id, NULL, 0);
			if (x == (void *)-1)
				bad("shmat", round, i);
			in_holes += meets(x, sz, a) || meets(x, sz, b);
			if (x[0] || x[sz - 1])
				bad("a fresh segment is not zero", round, i);
			x[sz - 1] = 1;
			x[0] = 2;
			if (x[sz - 1] != 1 || x[0] != 2)
				bad("the segment's bytes", round, i);
			if (shmctl(id, IPC_RMID, NULL))
				bad("IPC_RMID", round, i);
			if (shmdt((void *)x))
				bad("shmdt", round, i);
		}
		stop = 1;
		pthread_join(th, NULL);
		if (munmap(a, PAGES * 4096) || munmap(b, PAGES * 4096))
			bad("munmap all", round, 0);
	}
	printf(T ": child %d: %u of %d segments attached in a hole of the object's mappings\n",
	       k, in_holes, ROUNDS * STEPS);
	_exit(0);
}

int main(void)
{
	pid_t pid[CHILDREN];
	for (int k = 0; k < CHILDREN; k++) {
		fflush(stdout);
		pid[k] = fork();
		if (pid[k] == 0)
			child(k);
		if (pid[k] < 0)
			bad("fork", k, 0);
	}
	for (int k = 0; k < CHILDREN; k++) {
		int st;
		if (waitpid(pid[k], &st, 0) != pid[k] || !WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("@@FAIL " T ": child %d status 0x%x\n", k, st);
			return 1;
		}
	}
	printf("@@PASS " T "\n");
	return 0;
}
