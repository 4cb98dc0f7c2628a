/* MAP_SHARED | MAP_ANONYMOUS memory after fork, and the page introspection
 * call (page_info, as Linux's /proc/self/pagemap + kpagecount):
 *   shm_fork_counts    parent and child count in one shared page at once
 *                      (each sees the other's increments as they happen:
 *                      never copy-on-write); page_info says shared, the
 *                      same frame in both; the frames come back when the
 *                      last mapper goes (after the parent's munmap)
 *   pageinfo_cow_split fork shares a private frame (same pfn, COW, two
 *                      mappings); the child's write splits it (a new frame,
 *                      writable, one mapping); an untouched page read is
 *                      the zero frame */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/test.h"

#define PG 4096ul
#define COUNT 20000

static const char *name;

#define CHECK(c) TEST_CHECK(name, c)

struct counters {
	volatile uint64_t total;      /* both add here */
	volatile uint64_t turn;       /* ping-pong: whose turn */
	volatile uint64_t child_pfn;
	volatile int child_ok;
};

static struct pg_page_info info(const void *p)
{
	struct pg_page_info pi;
	CHECK(page_info(p, PG, &pi) == 0);
	return pi;
}

/* Take turns 500 times: each side waits for the other's write, so a side
 * that did not see the other's writes at once would wait for ever (the
 * parent gives up after 60 s: a failure, not a hang). */
static int ping_pong(struct counters *c, uint64_t me)
{
	for (int i = 0; i < 500; i++) {
		uint64_t spins = 0;
		while (c->turn % 2 != me) {
			if (++spins % 1024 == 0)
				usleep(1000);
			if (spins > 60ull * 1000 * 1024)
				return -1;
		}
		c->turn++;
	}
	return 0;
}

static void shm_fork_counts(void)
{
	name = "shm_fork_counts";
	uint64_t before = frames_steady(2000);
	struct counters *c = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(c != MAP_FAILED);
	c->total = 0;
	struct pg_page_info pi = info(c);
	CHECK((pi.flags & (PGI_PRESENT | PGI_SHARED | PGI_WRITABLE)) ==
	      (PGI_PRESENT | PGI_SHARED | PGI_WRITABLE));
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct pg_page_info ci = info(c);
		c->child_pfn = ci.pfn;
		for (int i = 0; i < COUNT; i++)
			__atomic_fetch_add(&c->total, 1, __ATOMIC_RELAXED);
		c->child_ok = ping_pong(c, 1) == 0 && (ci.flags & PGI_SHARED) &&
			      !(ci.flags & PGI_COW) && ci.mapcount >= 2;
		_exit(0);
	}
	for (int i = 0; i < COUNT; i++)
		__atomic_fetch_add(&c->total, 1, __ATOMIC_RELAXED);
	CHECK(ping_pong(c, 0) == 0);
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	printf("shm_fork_counts: total %lu (want %u), child saw pfn 0x%lx, parent 0x%lx\n",
	       c->total, 2 * COUNT, c->child_pfn, pi.pfn);
	CHECK(c->total == 2 * COUNT);
	CHECK(c->turn == 1000);
	CHECK(c->child_ok);
	CHECK(c->child_pfn == pi.pfn);
	pi = info(c);
	CHECK(!(pi.flags & PGI_COW) && (pi.flags & PGI_WRITABLE) && pi.mapcount == 1);
	/* the object still holds the frame after the child's end: dropping
	 * our mapping of it (MADV_DONTNEED) and touching it again finds the
	 * count, not a new zero page */
	CHECK(madvise(c, PG, MADV_DONTNEED) == 0);
	CHECK(c->total == 2 * COUNT && info(c).pfn == pi.pfn);
	/* a part unmapped keeps the rest; the last mapper frees the frames */
	c->child_ok = 7;
	CHECK(munmap((char *)c + PG, 3 * PG) == 0);
	CHECK(c->child_ok == 7);
	CHECK(munmap(c, PG) == 0);
	uint64_t after = frames_settle(before, 3000);
	printf("shm_fork_counts: %lu of %lu free frames back\n", after, before);
	if (after + 8 < before)
		test_fail(name, "%lu frames not back", before - after);
	test_pass(name);
}

static void pageinfo_cow_split(void)
{
	name = "pageinfo_cow_split";
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	struct pg_page_info pi[2];
	CHECK(page_info(p, 2 * PG, pi) == 0);
	CHECK(!(pi[0].flags & PGI_PRESENT) && (pi[0].flags & PGI_MAPPED));
	p[0] = 42;
	volatile char x = p[PG]; /* a read of a new page: the zero frame */
	(void)x;
	CHECK(page_info(p, 2 * PG, pi) == 0);
	CHECK((pi[0].flags & (PGI_PRESENT | PGI_WRITABLE)) == (PGI_PRESENT | PGI_WRITABLE));
	CHECK(!(pi[0].flags & PGI_COW) && pi[0].mapcount == 1 && pi[0].pfn);
	CHECK((pi[1].flags & PGI_ZERO) && !(pi[1].flags & PGI_WRITABLE));
	uint64_t pfn = pi[0].pfn;
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct pg_page_info a = info(p), b;
		int ok = a.pfn == pfn && (a.flags & PGI_COW) && a.mapcount == 2 &&
			 !(a.flags & PGI_WRITABLE);
		p[0] = 43; /* the write splits the share */
		b = info(p);
		ok = ok && b.pfn != pfn && !(b.flags & PGI_COW) &&
		     (b.flags & PGI_WRITABLE) && b.mapcount == 1;
		if (!ok)
			printf("pageinfo_cow_split: child before pfn 0x%lx flags 0x%x map %u, "
			       "after pfn 0x%lx flags 0x%x map %u (parent pfn 0x%lx)\n",
			       a.pfn, a.flags, a.mapcount, b.pfn, b.flags, b.mapcount, pfn);
		_exit(ok ? 0 : 1);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		test_fail(name, "the child saw no COW share, or the write did not split it");
	/* the parent keeps the frame, alone again: a write reuses it */
	struct pg_page_info a = info(p);
	CHECK(a.pfn == pfn && a.mapcount == 1 && p[0] == 42);
	p[0] = 44;
	a = info(p);
	CHECK(a.pfn == pfn && (a.flags & PGI_WRITABLE));
	CHECK(munmap(p, 2 * PG) == 0);
	a = info(p);
	CHECK(a.flags == 0);
	errno = 0;
	CHECK(page_info(p + 1, PG, &a) == -1 && errno == EINVAL);
	test_pass(name);
}

int main(void)
{
	touch_image(); /* our own first touches are not frames lost */
	shm_fork_counts();
	pageinfo_cow_split();
	return 0;
}
