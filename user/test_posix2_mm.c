/* The rest of <sys/mman.h> as Linux programs use it:
 *   posix2_mremap  shrink (the tail is gone), grow in place keeping the
 *                  pages (same frames, same bytes; the new part reads zero
 *                  and is writable), growth blocked by a neighbour (ENOMEM;
 *                  MREMAP_MAYMOVE moves it, MREMAP_FIXED back), MAP_SHARED
 *                  growth seen by a child, errors
 *   posix2_msync   checks only: 0 mapped, ENOMEM a hole, EINVAL flags
 *   posix2_mlock   mlock faults the range in (mincore), munlock, ENOMEM
 *                  for a hole; mlockall(MCL_CURRENT|MCL_FUTURE) faults
 *                  in what is mapped and makes later mmaps resident at once, munlockall ends that;
 *                  posix_madvise returns errors and DONTNEED keeps data */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/test.h"

static const char *name;
#define CHECK(c) TEST_CHECK(name, c)
#define PG 4096ul

static char *map(size_t pages, int flags)
{
	char *p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	return p;
}

/* Resident pages of [p, p + pages) (mincore). */
static size_t resident(char *p, size_t pages)
{
	unsigned char v[512];
	size_t n = 0;
	CHECK(pages <= sizeof v && mincore(p, pages * PG, v) == 0);
	for (size_t i = 0; i < pages; i++)
		n += v[i] & 1;
	return n;
}

static uint64_t pfn_of(char *p)
{
	struct pg_page_info pi;
	CHECK(page_info(p, PG, &pi) == 0);
	return pi.pfn;
}

static void remap(void)
{
	/* 16 pages with the last 8 unmapped: room to grow in place */
	char *p = map(16, MAP_PRIVATE);
	CHECK(munmap(p + 8 * PG, 8 * PG) == 0);
	for (int i = 0; i < 8; i++)
		memset(p + i * PG, 'a' + i, PG);
	uint64_t pfn3 = pfn_of(p + 3 * PG);
	CHECK(mremap(p, 8 * PG, 16 * PG, 0) == p);
	CHECK(pfn_of(p + 3 * PG) == pfn3); /* the same frame: not copied */
	for (int i = 0; i < 8; i++)
		CHECK(p[i * PG] == 'a' + i && p[i * PG + PG - 1] == 'a' + i);
	for (int i = 8; i < 16; i++) {
		CHECK(p[i * PG] == 0);
		p[i * PG] = 'z';
	}
	CHECK(msync(p, 16 * PG, MS_SYNC) == 0); /* all of it is mapped now */

	/* shrink: the tail is unmapped */
	CHECK(mremap(p, 16 * PG, 4 * PG, 0) == p);
	CHECK(p[3 * PG] == 'd' && pfn_of(p + 3 * PG) == pfn3);
	unsigned char v;
	CHECK(mincore(p + 4 * PG, PG, &v) == -1 && errno == ENOMEM);
	CHECK(mremap(p, 4 * PG, 4 * PG, 0) == p);

	/* a neighbour right after: no growth in place; MREMAP_MAYMOVE moves
	 * it (the bytes with it, the old place unmapped), MREMAP_FIXED moves
	 * it back */
	CHECK(mmap(p + 4 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		   -1, 0) == p + 4 * PG);
	CHECK(mremap(p, 4 * PG, 8 * PG, 0) == MAP_FAILED && errno == ENOMEM);
	CHECK(p[0] == 'a' && p[3 * PG] == 'd'); /* untouched by the failure */
	char *q = mremap(p, 4 * PG, 8 * PG, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && q != p);
	if (q == MAP_FAILED || q == p)
		return;
	CHECK(q[0] == 'a' && q[3 * PG + PG - 1] == 'd' && q[7 * PG] == 0);
	CHECK(mincore(p, PG, &v) == -1 && errno == ENOMEM);
	CHECK(mremap(q, 8 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, p) == p);
	CHECK(p[0] == 'a' && p[3 * PG] == 'd');
	CHECK(mincore(q, PG, &v) == -1 && errno == ENOMEM);

	/* errors as Linux */
	CHECK(mremap(p + 1, PG, 2 * PG, 0) == MAP_FAILED && errno == EINVAL);
	CHECK(mremap(p, PG, 0, 0) == MAP_FAILED && errno == EINVAL);
	CHECK(mremap(p, PG, 2 * PG, 0x100) == MAP_FAILED && errno == EINVAL);
	CHECK(mremap(p, PG, 2 * PG, MREMAP_FIXED, p + 8 * PG) == MAP_FAILED && errno == EINVAL);
	CHECK(mremap(p, 6 * PG, 8 * PG, 0) == MAP_FAILED && errno == EFAULT); /* past the mapping */
	CHECK(mremap(p + 64 * PG, PG, 2 * PG, 0) == MAP_FAILED && errno == EFAULT);
	CHECK(munmap(p, 5 * PG) == 0);

	/* MAP_SHARED grown in place: a child writes the new part, we see it */
	char *s = map(8, MAP_SHARED);
	CHECK(munmap(s + 4 * PG, 4 * PG) == 0);
	s[0] = 's';
	CHECK(mremap(s, 4 * PG, 8 * PG, MREMAP_MAYMOVE) == s);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		s[6 * PG] = s[0] == 's' ? 'c' : 'x';
		_exit(0);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	CHECK(s[6 * PG] == 'c');
	CHECK(munmap(s, 8 * PG) == 0);
}

static void sync_checks(void)
{
	char *p = map(4, MAP_PRIVATE);
	p[0] = 1;
	CHECK(msync(p, 4 * PG, MS_ASYNC) == 0 && msync(p, 4 * PG, MS_SYNC | MS_INVALIDATE) == 0);
	CHECK(msync(p, 100, 0) == 0);
	CHECK(msync(p + 1, PG, MS_SYNC) == -1 && errno == EINVAL);
	CHECK(msync(p, PG, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL);
	CHECK(msync(p, PG, 0x40) == -1 && errno == EINVAL);
	CHECK(munmap(p + 2 * PG, PG) == 0);
	CHECK(msync(p, 4 * PG, MS_SYNC) == -1 && errno == ENOMEM); /* a hole */
	CHECK(msync(p, 2 * PG, MS_SYNC) == 0);
	CHECK(munmap(p, 4 * PG) == 0);
}

static void locks(void)
{
	char *p = map(64, MAP_PRIVATE);
	CHECK(resident(p, 64) == 0);
	CHECK(mlock(p + 100, 10 * PG) == 0); /* rounded: pages 0..10 */
	CHECK(resident(p, 64) == 11);
	CHECK(munlock(p, 10 * PG) == 0);
	CHECK(mlock2(p, 64 * PG, 0) == 0 && resident(p, 64) == 64);
	CHECK(mlock2(p, PG, 0x80) == -1 && errno == EINVAL);
	CHECK(munmap(p + 32 * PG, PG) == 0);
	CHECK(mlock(p, 64 * PG) == -1 && errno == ENOMEM);
	CHECK(munlock(p, 64 * PG) == -1 && errno == ENOMEM);
	CHECK(munmap(p, 64 * PG) == 0);

	CHECK(mlockall(0) == -1 && errno == EINVAL);
	char *pre = map(16, MAP_PRIVATE);
	CHECK(resident(pre, 16) == 0);
	CHECK(mlockall(MCL_CURRENT | MCL_FUTURE) == 0);
	CHECK(resident(pre, 16) == 16); /* MCL_CURRENT: faulted in now */
	CHECK(munmap(pre, 16 * PG) == 0);
	p = map(32, MAP_PRIVATE);
	CHECK(resident(p, 32) == 32); /* MCL_FUTURE: resident at once */
	CHECK(munlockall() == 0);
	char *q = map(32, MAP_PRIVATE);
	CHECK(resident(q, 32) == 0);
	CHECK(munmap(p, 32 * PG) == 0 && munmap(q, 32 * PG) == 0);

	p = map(4, MAP_PRIVATE);
	memset(p, 'k', 4 * PG);
	CHECK(posix_madvise(p, 4 * PG, POSIX_MADV_WILLNEED) == 0);
	CHECK(posix_madvise(p, 4 * PG, POSIX_MADV_DONTNEED) == 0);
	CHECK(p[0] == 'k' && p[4 * PG - 1] == 'k'); /* nothing dropped */
	CHECK(posix_madvise(p, 4 * PG, 99) == EINVAL);
	CHECK(posix_madvise(p + 1, PG, POSIX_MADV_NORMAL) == EINVAL);
	CHECK(munmap(p + PG, PG) == 0);
	CHECK(posix_madvise(p, 4 * PG, POSIX_MADV_RANDOM) == ENOMEM);
	CHECK(munmap(p, 4 * PG) == 0);
}

int main(void)
{
	name = "posix2_mremap";
	remap();
	test_pass(name);
	name = "posix2_msync";
	sync_checks();
	test_pass(name);
	name = "posix2_mlock";
	locks();
	test_pass(name);
	return 0;
}
