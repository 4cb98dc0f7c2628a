/* madvise as Linux programs call it: MADV_DONTNEED drops private
 * anonymous pages (they read zero again, mincore says gone), MADV_FREE
 * keeps or zeroes, WILLNEED/NORMAL/SEQUENTIAL/RANDOM change nothing
 * visible; bad advice and alignment are EINVAL, holes ENOMEM. Also
 * posix_madvise and a forked child's DONTNEED not touching the parent. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_madvise: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static long pg;

static int resident(void *p, size_t len)
{
	unsigned char v[512];
	int n = 0;
	if (mincore(p, len, v))
		return -1;
	for (size_t i = 0; i < len / pg; i++)
		n += v[i] & 1;
	return n;
}

int main(void)
{
	pg = sysconf(_SC_PAGESIZE);
	size_t len = 32 * pg;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	memset(m, 0xab, len);
	CHECK(resident(m, len) == 32);

	CHECK(madvise(m, len, MADV_NORMAL) == 0);
	CHECK(madvise(m, len, MADV_SEQUENTIAL) == 0);
	CHECK(madvise(m, len, MADV_RANDOM) == 0);
	CHECK(madvise(m, len, MADV_WILLNEED) == 0);
	CHECK((unsigned char)m[len - 1] == 0xab);
	/* advice that changes nothing a program sees: contents stay */
	CHECK(madvise(m, len, MADV_DONTDUMP) == 0 && madvise(m, len, MADV_DODUMP) == 0);
	CHECK(madvise(m, len, MADV_COLD) == 0 && madvise(m, len, MADV_PAGEOUT) == 0);
	CHECK(madvise(m, len, MADV_DONTFORK) == 0 && madvise(m, len, MADV_DOFORK) == 0);
	CHECK(madvise(m, len, MADV_HUGEPAGE) == 0 || errno == EINVAL);
	CHECK(madvise(m, len, MADV_NOHUGEPAGE) == 0 || errno == EINVAL);
	CHECK((unsigned char)m[0] == 0xab && (unsigned char)m[len - 1] == 0xab);

	CHECK(madvise(m + 4 * pg, 8 * pg, MADV_DONTNEED) == 0);
	CHECK(resident(m, len) == 24);
	CHECK(m[4 * pg] == 0 && m[12 * pg - 1] == 0);
	CHECK((unsigned char)m[4 * pg - 1] == 0xab && (unsigned char)m[12 * pg] == 0xab);

	/* MADV_FREE: the pages hold the old bytes or zero, and writes stick */
	int r = madvise(m + 16 * pg, 8 * pg, MADV_FREE);
	CHECK(r == 0 || errno == EINVAL);
	for (int i = 16; i < 24; i++) {
		unsigned char c = (unsigned char)m[i * pg + 3];
		CHECK(c == 0xab || c == 0);
	}
	m[16 * pg] = 'w';
	CHECK(m[16 * pg] == 'w');

	/* WILLNEED on untouched memory: reads zero */
	char *u = mmap(NULL, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(u != MAP_FAILED);
	CHECK(madvise(u, 16 * pg, MADV_WILLNEED) == 0);
	CHECK(u[15 * pg] == 0);
	/* MADV_POPULATE_WRITE: resident at once, zero */
	CHECK(madvise(u, 8 * pg, MADV_POPULATE_WRITE) == 0);
	CHECK(resident(u, 8 * pg) == 8 && u[7 * pg] == 0);
	CHECK(posix_madvise(u, 16 * pg, POSIX_MADV_SEQUENTIAL) == 0);
	CHECK(posix_madvise(u, 16 * pg, POSIX_MADV_DONTNEED) == 0);
	CHECK(posix_madvise(u, 16 * pg, 12345) == EINVAL);
	munmap(u, 16 * pg);

	/* errors */
	errno = 0;
	CHECK(madvise(m + 1, pg, MADV_DONTNEED) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(madvise(m, pg, 999) == -1 && errno == EINVAL);
	CHECK(munmap(m + 30 * pg, pg) == 0);
	errno = 0;
	CHECK(madvise(m + 28 * pg, 4 * pg, MADV_NORMAL) == -1 && errno == ENOMEM);

	/* a child's DONTNEED drops its copy only */
	memset(m, 'p', 8 * pg);
	pid_t c = fork();
	if (c == 0) {
		if (madvise(m, 8 * pg, MADV_DONTNEED) != 0 || m[0] != 0 || m[8 * pg - 1] != 0)
			_exit(1);
		m[0] = 'c';
		_exit(0);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(m[0] == 'p' && m[8 * pg - 1] == 'p');

	/* shared anonymous memory: DONTNEED leaves the data for the other side */
	char *s = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED);
	memset(s, 's', 4 * pg);
	CHECK(madvise(s, 4 * pg, MADV_DONTNEED) == 0);
	CHECK(s[0] == 's' && s[4 * pg - 1] == 's');
	munmap(s, 4 * pg);
	munmap(m, len);
	if (!fails)
		printf("@@PASS linux2_madvise\n");
	return fails != 0;
}
