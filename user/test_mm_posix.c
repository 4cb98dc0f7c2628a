/* POSIX memory calls as Linux page-fault microbenchmarks and LTP mm tests
 * use them, written as a program for Linux would be (ordinary headers,
 * ordinary flags).  One @@PASS per behaviour:
 *   mm_mmap_loop       mmap/munmap of up to 128 MiB, every page touched, 4 times;
 *                      frames back after
 *   mm_mprotect_kill   mprotect(PROT_READ), then a write: SIGSEGV, at that address
 *   mm_fixed_replace   MAP_FIXED over a mapping replaces it; NOREPLACE: EEXIST
 *   mm_unmap_middle    munmap of a region's middle leaves two regions
 *   mm_noreserve_oom   more than RAM + 32 GiB: ENOMEM, with MAP_NORESERVE it maps, and
 *                      touching it all ends in the OOM kill
 *   mm_dontneed        MADV_DONTNEED: zeros after, not resident
 *   mm_mincore         mincore before/after a touch; MAP_POPULATE, WILLNEED
 *   mm_protect_merge   mprotect across two regions; neighbours alike merge
 *   mm_file_map        a private read-only mapping of an initrd file
 *   mm_errors          EINVAL, ENOMEM, EFAULT, EEXIST, EBADF as Linux */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "abi/fault.h"
#include "sys/proc.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define PG 4096ul

static const char *name = "mm";

#define CHECK(c) TEST_CHECK(name, c)
#define FAILS(expr, err) do { \
	errno = 0; \
	long r_ = (long)(expr); \
	if (r_ != -1 || errno != (err)) \
		test_fail(name, "%s:%d: %s gave %ld errno %d, want -1 errno %d", \
			  __FILE__, __LINE__, #expr, r_, errno, (err)); \
} while (0)

static char *map(size_t len, int prot, int flags)
{
	char *p = mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		test_fail(name, "mmap %zu bytes: errno %d", len, errno);
	return p;
}

/* The regions of this process that meet [a, a + len). */
static int regions_in(const void *a, size_t len)
{
	static struct pg_region_info v[256];
	size_t n = 0, count = 0;
	CHECK(pager_pmap(0, v, 256, &n) == 0);
	for (size_t i = 0; i < n; i++)
		if (v[i].end > (uint64_t)a && v[i].start < (uint64_t)a + len)
			count++;
	return (int)count;
}

/* Run fn in a child; returns its wait status word. */
static int in_child(void (*fn)(void *), void *arg)
{
	int st = 0;
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	return st;
}

static void mmap_loop(void)
{
	name = "mm_mmap_loop";
	uint64_t before = frames_steady(2000);
	size_t len = 128ul << 20;
	if (len / PG > before / 2) /* a small machine: half of what is free */
		len = before / 2 * PG;
	for (int round = 0; round < 4; round++) {
		volatile char *p = map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		for (size_t off = 0; off < len; off += PG)
			p[off] = (char)(off / PG + round);
		for (size_t off = 0; off < len; off += PG)
			CHECK(p[off] == (char)(off / PG + round));
		CHECK(munmap((void *)p, len) == 0);
	}
	uint64_t after = frames_settle(before, 3000);
	printf("mm_mmap_loop: 4 x %zu MiB touched; %lu of %lu free frames back\n",
	       len >> 20, after, before);
	if (after + 64 < before)
		test_fail(name, "%lu frames not back", before - after);
	test_pass(name);
}

static void write_after_protect(void *arg)
{
	volatile char *p = arg;
	p[0] = 1;
	CHECK(mprotect((void *)p, 2 * PG, PROT_READ) == 0);
	CHECK(p[0] == 1 && p[PG] == 0); /* reads still work */
	p[PG + 8] = 2; /* killed here */
	printf("mm_mprotect_kill: the write went through\n");
	_exit(3);
}

static void mprotect_kill(void)
{
	name = "mm_mprotect_kill";
	char *p = map(2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	struct wait_status ws;
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		write_after_protect(p);
	CHECK(pgreq_waitpid((uint32_t)pid, &ws) == 0);
	/* the same report as the console line: a write fault at that address */
	if (ws.how != PG_WAIT_KILLED || ws.code != FAULT_PAGE || ws.addr != (uint64_t)p + PG + 8)
		test_fail(name, "child ended how %d code %lu addr 0x%lx (want killed, "
			  "page fault at %p)", ws.how, ws.code, ws.addr, p + PG + 8);
	int st = in_child(write_after_protect, p);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	p[PG] = 5; /* the parent's copy is untouched and writable */
	CHECK(munmap(p, 2 * PG) == 0);
	test_pass(name);
}

static void fixed_replace(void)
{
	name = "mm_fixed_replace";
	char *p = map(3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memset(p, 'A', 3 * PG);
	char *q = mmap(p + PG, PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == p + PG);
	CHECK(p[0] == 'A' && q[0] == 0 && q[PG - 1] == 0 && p[2 * PG] == 'A');
	FAILS(mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		   MAP_FIXED_NOREPLACE, -1, 0), EEXIST);
	CHECK(q[0] == 0);
	/* a read-only one in the middle: three regions, then one again */
	q = mmap(p + PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(q == p + PG && regions_in(p, 3 * PG) == 3);
	CHECK(mprotect(q, PG, PROT_READ | PROT_WRITE) == 0);
	CHECK(regions_in(p, 3 * PG) == 1);
	CHECK(p[0] == 'A' && q[0] == 0 && p[2 * PG] == 'A');
	/* NOREPLACE into a hole works */
	CHECK(munmap(p + PG, PG) == 0);
	q = mmap(p + PG, PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == p + PG && q[5] == 0);
	CHECK(munmap(p, 3 * PG) == 0);
	test_pass(name);
}

static void touch(void *arg)
{
	*(volatile char *)arg = 1;
}

static void unmap_middle(void)
{
	name = "mm_unmap_middle";
	char *p = map(3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memset(p, 7, 3 * PG);
	CHECK(regions_in(p, 3 * PG) == 1);
	CHECK(munmap(p + PG, PG) == 0);
	CHECK(regions_in(p, 3 * PG) == 2);
	CHECK(p[0] == 7 && p[PG - 1] == 7 && p[2 * PG] == 7);
	int st = in_child(touch, p + PG);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	CHECK(munmap(p + PG, PG) == 0); /* a hole: no error */
	CHECK(munmap(p, 3 * PG) == 0);
	CHECK(regions_in(p, 3 * PG) == 0);
	test_pass(name);
}

static void fill_all(void *arg)
{
	size_t len = *(size_t *)arg;
	CHECK(oom_score_adj_set(1000, NULL) == 0);
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(p != MAP_FAILED);
	for (size_t off = 0; off < len; off += PG)
		p[off] = 1;
	printf("mm_noreserve_oom: touched all %zu MiB\n", len >> 20);
	_exit(3);
}

static void noreserve_oom(void)
{
	struct pg_stats a, b;
	name = "mm_noreserve_oom";
	size_t len = (size_t)sysconf(_SC_PHYS_PAGES) * PG * 2;
	CHECK(len > 0);
	/* past RAM + the 32 GiB heuristic overcommit counts as swap */
	size_t over = len / 2 + (32ul << 30) + PG;
	FAILS(mmap(NULL, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
	      ENOMEM);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(munmap(p, len) == 0);
	uint64_t before = frames_steady(2000);
	CHECK(pager_stats(&a) == 0);
	int st = in_child(fill_all, &len);
	CHECK(pager_stats(&b) == 0);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL || b.oom_kills != a.oom_kills + 1)
		test_fail(name, "child status 0x%x, oom_kills +%lu: not the OOM kill (SIGKILL)",
			  st, b.oom_kills - a.oom_kills);
	uint64_t after = frames_settle(before - 256 - before / 256, 5000);
	printf("mm_noreserve_oom: %zu MiB mapped, child killed; %lu of %lu frames back\n",
	       len >> 20, after, before);
	if (after + 256 + before / 256 < before)
		test_fail(name, "%lu frames not back", before - after);
	test_pass(name);
}

static void dontneed(void)
{
	name = "mm_dontneed";
	unsigned char vec[4];
	char *p = map(4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memset(p, 0x5a, 4 * PG);
	CHECK(madvise(p + PG, 2 * PG, MADV_DONTNEED) == 0);
	CHECK(mincore(p, 4 * PG, vec) == 0);
	CHECK(vec[0] == 1 && vec[1] == 0 && vec[2] == 0 && vec[3] == 1);
	for (size_t i = PG; i < 3 * PG; i++)
		if (p[i] != 0)
			test_fail(name, "byte %zu reads 0x%x after MADV_DONTNEED", i, p[i]);
	CHECK(p[0] == 0x5a && p[3 * PG] == 0x5a);
	memset(p, 0x33, 4 * PG);
	CHECK(madvise(p, 4 * PG, MADV_FREE) == 0);
	CHECK(p[0] == 0 && p[4 * PG - 1] == 0);
	CHECK(munmap(p, 4 * PG) == 0);
	test_pass(name);
}

static void mincore_touch(void)
{
	name = "mm_mincore";
	unsigned char vec[8];
	char *p = map(8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	CHECK(mincore(p, 8 * PG, vec) == 0);
	for (int i = 0; i < 8; i++)
		CHECK(vec[i] == 0);
	/* the last page first: no fault-around past a region's end; then
	 * page 3, not right after the last fault: no fault-around either */
	p[7 * PG] = 1;
	p[3 * PG] = 1;
	CHECK(mincore(p, 8 * PG, vec) == 0);
	for (int i = 0; i < 8; i++)
		CHECK(vec[i] == (i == 3 || i == 7));
	CHECK(madvise(p, 8 * PG, MADV_WILLNEED) == 0);
	CHECK(mincore(p, 8 * PG, vec) == 0);
	for (int i = 0; i < 8; i++)
		CHECK(vec[i] == 1);
	CHECK(munmap(p, 8 * PG) == 0);
	p = mmap(NULL, 40 * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	CHECK(p != MAP_FAILED);
	unsigned char v40[40];
	CHECK(mincore(p, 40 * PG, v40) == 0);
	for (int i = 0; i < 40; i++)
		CHECK(v40[i] == 1);
	CHECK(munmap(p, 40 * PG) == 0);
	test_pass(name);
}

static void protect_merge(void)
{
	name = "mm_protect_merge";
	char *p = map(8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	memset(p, 1, 8 * PG);
	/* the upper half again, read-only: two regions side by side */
	CHECK(munmap(p + 4 * PG, 4 * PG) == 0);
	char *q = mmap(p + 4 * PG, 4 * PG, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == p + 4 * PG);
	CHECK(regions_in(p, 8 * PG) == 2);
	CHECK(mprotect(p + 2 * PG, 4 * PG, PROT_READ) == 0); /* across both */
	CHECK(regions_in(p, 8 * PG) == 2); /* [p, p+2) RW, [p+2, p+8) R */
	CHECK(p[2 * PG] == 1 && p[4 * PG] == 0);
	int st = in_child(touch, p + 3 * PG);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	st = in_child(touch, p + PG);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(mprotect(p, 8 * PG, PROT_READ | PROT_WRITE) == 0);
	CHECK(regions_in(p, 8 * PG) == 1);
	p[5 * PG] = 2;
	CHECK(p[2 * PG] == 1);
	/* over a hole: ENOMEM, nothing changed */
	CHECK(munmap(p + 3 * PG, PG) == 0);
	FAILS(mprotect(p, 8 * PG, PROT_READ), ENOMEM);
	p[0] = 3;
	p[7 * PG] = 3;
	CHECK(munmap(p, 8 * PG) == 0);
	test_pass(name);
}

static void file_map(void)
{
	name = "mm_file_map";
	char head[64];
	int fd = open("/init", O_RDONLY);
	CHECK(fd >= 3);
	CHECK(read(fd, head, sizeof head) == sizeof head);
	CHECK(!memcmp(head, "\177ELF", 4));
	off_t size = lseek(fd, 0, SEEK_END);
	CHECK(size > (off_t)PG);
	char *p = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	CHECK(!memcmp(p, head, sizeof head));
	/* a second page at offset 4096 */
	char *q = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, (off_t)PG);
	CHECK(q != MAP_FAILED);
	CHECK(lseek(fd, (off_t)PG, SEEK_SET) == (off_t)PG);
	CHECK(read(fd, head, sizeof head) == sizeof head);
	CHECK(!memcmp(q, head, sizeof head) && !memcmp(p + PG, head, sizeof head));
	q[0] ^= 1; /* private: the file and p keep their bytes */
	CHECK(p[PG] == head[0] && q[0] == (char)(head[0] ^ 1));
	FAILS(open("no_such_file", O_RDONLY), ENOENT);
	FAILS(open("init", O_RDWR), EROFS);
	FAILS(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), EACCES);
	CHECK(close(fd) == 0);
	FAILS(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0), EBADF);
	CHECK(munmap(p, (size_t)size) == 0 && munmap(q, PG) == 0);
	test_pass(name);
}

static void errors(void)
{
	name = "mm_errors";
	const int rw = PROT_READ | PROT_WRITE, pa = MAP_PRIVATE | MAP_ANONYMOUS;
	char *p = map(2 * PG, rw, MAP_PRIVATE);
	/* mmap */
	FAILS(mmap(NULL, 0, rw, pa, -1, 0), EINVAL);
	FAILS(mmap(NULL, PG, rw | 0x100, pa, -1, 0), EINVAL);
	FAILS(mmap(NULL, PG, rw, MAP_ANONYMOUS, -1, 0), EINVAL);
	FAILS(mmap(p + 1, PG, rw, pa | MAP_FIXED, -1, 0), EINVAL);
	FAILS(mmap(NULL, PG, rw, pa, -1, 1), EINVAL);
	FAILS(mmap(NULL, (size_t)-PG, rw, pa, -1, 0), ENOMEM);
	FAILS(mmap((void *)0x7ffffff00000, 1ul << 20, rw, pa | MAP_FIXED, -1, 0), ENOMEM);
	FAILS(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 77, 0), EBADF);
	/* munmap */
	FAILS(munmap(p + 1, PG), EINVAL);
	FAILS(munmap(p, 0), EINVAL);
	FAILS(munmap((void *)0x7ffffffff000, PG), EINVAL);
	FAILS(munmap((void *)0xffff800000000000, PG), EINVAL);
	/* mprotect */
	FAILS(mprotect(p + 1, PG, PROT_READ), EINVAL);
	FAILS(mprotect(p, PG, 0x10), EINVAL);
	FAILS(mprotect((void *)0x7ffffff00000, 1ul << 22, PROT_READ), ENOMEM);
	FAILS(mprotect(p, 3 * PG, PROT_READ), ENOMEM); /* the guard page after p */
	CHECK(mprotect(p, 0, PROT_READ) == 0);
	/* madvise */
	FAILS(madvise(p + 1, PG, MADV_DONTNEED), EINVAL);
	FAILS(madvise(p, PG, 1234), EINVAL);
	FAILS(madvise(p, 3 * PG, MADV_DONTNEED), ENOMEM);
	FAILS(madvise((void *)0xfffffffffffff000, 2 * PG, MADV_DONTNEED), EINVAL);
	/* mincore */
	unsigned char vec[2];
	FAILS(mincore(p + 1, PG, vec), EINVAL);
	FAILS(mincore(p, 2 * PG, (unsigned char *)8), EFAULT);
	FAILS(mincore(p, 2 * PG, (unsigned char *)errors), EFAULT); /* read-only text */
	FAILS(mincore(p, 3 * PG, vec), ENOMEM);
	FAILS(mincore((void *)0x7ffffffff000, 1ul << 20, vec), ENOMEM);
	/* read into a bad buffer */
	int fd = open("init", O_RDONLY);
	CHECK(fd >= 3);
	FAILS(read(fd, (void *)16, 8), EFAULT);
	FAILS(read(99, vec, 1), EBADF);
	close(fd);
	CHECK(munmap(p, 2 * PG) == 0);
	test_pass(name);
}

int main(void)
{
	errors();
	fixed_replace();
	unmap_middle();
	mprotect_kill();
	dontneed();
	mincore_touch();
	protect_merge();
	file_map();
	mmap_loop();
	noreserve_oom();
	return 0;
}
