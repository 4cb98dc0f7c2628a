/* mmap as a systems course's exercises use it, as an ordinary Linux
 * program (checked under Linux 6.1: make linux-check
 * PROG=user/test_linux11_mmap.c):
 *   linux11_mmap_anon    anonymous memory of odd lengths (rounded up to a
 *                        page: the rest of the last page is there and
 *                        zero), len 0 and an unaligned offset EINVAL,
 *                        munmap of part of a mapping leaves the rest
 *   linux11_mmap_file    a /tmp file mapped at a page offset, with a
 *                        length that ends mid-page (the tail of the page
 *                        past the file's end reads zero), MAP_SHARED
 *                        stores seen by read(), writes seen by the
 *                        mapping, msync, MAP_PRIVATE copies
 *   linux11_mmap_fixed   MAP_FIXED over the middle of an existing mapping
 *                        replaces those pages only; MAP_FIXED_NOREPLACE
 *                        over a mapping is EEXIST, over a hole maps there
 *   linux11_mmap_ring    the "magic ring buffer": one memfd page mapped
 *                        MAP_SHARED|MAP_FIXED twice, side by side, over a
 *                        reserved PROT_NONE range; a store through one
 *                        view is seen through the other; MAP_FIXED_NOREPLACE
 *                        of the file over a mapping is EEXIST
 *   linux11_mmap_misc    mincore of mapped and unmapped memory (ENOMEM),
 *                        madvise(MADV_DONTNEED) zeroes private anonymous
 *                        pages, mlock/munlock return 0, sbrk/brk grow and
 *                        shrink the break
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", part, __LINE__, \
	#c, errno); fails++; fflush(stdout); } } while (0)

static void done(const char *name, int before)
{
	if (fails == before)
		printf("@@PASS %s\n", name);
}

static void anon(long pg)
{
	int f = fails;
	part = "linux11_mmap_anon";
	size_t odd[] = { 1, 100, (size_t)pg - 1, (size_t)pg + 1, 3 * (size_t)pg + 17 };
	for (unsigned i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		unsigned char *p = mmap(NULL, odd[i], PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(p != MAP_FAILED);
		if (p == MAP_FAILED)
			continue;
		CHECK(((uintptr_t)p & (pg - 1)) == 0);
		size_t whole = (odd[i] + pg - 1) & ~(size_t)(pg - 1);
		int zero = 1;
		for (size_t j = 0; j < whole; j++)
			zero &= p[j] == 0;
		CHECK(zero);
		memset(p, 0xab, whole); /* the whole last page is usable */
		CHECK(p[whole - 1] == 0xab);
		CHECK(munmap(p, odd[i]) == 0);
	}
	errno = 0;
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
	      errno == EINVAL);
	int fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0);
	errno = 0;
	CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 1) == MAP_FAILED && errno == EINVAL);
	close(fd);
	errno = 0;
	CHECK(mmap(NULL, pg, PROT_READ, MAP_PRIVATE, 12345, 0) == MAP_FAILED && errno == EBADF);
	errno = 0;
	CHECK(mmap(NULL, pg, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);

	/* munmap of the middle page of three: the outer two stay */
	char *q = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED);
	memset(q, 'q', 3 * pg);
	CHECK(munmap(q + pg, pg) == 0);
	CHECK(q[0] == 'q' && q[3 * pg - 1] == 'q');
	errno = 0;
	CHECK(munmap(q + 1, pg) == -1 && errno == EINVAL);
	CHECK(munmap(q, 3 * pg) == 0); /* a hole inside is fine */
	done(part, f);
}

static void file(long pg)
{
	int f = fails;
	part = "linux11_mmap_file";
	char path[] = "/tmp/l11mmapXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	size_t size = 2 * pg + 300; /* ends 300 bytes into the third page */
	char *buf = malloc(size);
	for (size_t i = 0; i < size; i++)
		buf[i] = (char)('a' + i % 26);
	CHECK(write(fd, buf, size) == (ssize_t)size);

	/* offset one page, length to the end of the file */
	char *m = mmap(NULL, size - pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, pg);
	CHECK(m != MAP_FAILED);
	if (m != MAP_FAILED) {
		CHECK(memcmp(m, buf + pg, size - pg) == 0);
		int zero = 1;
		for (size_t i = size - pg; i < 2 * (size_t)pg; i++)
			zero &= m[i] == 0;
		CHECK(zero); /* the rest of the last page: zero */
		m[5] = '#';
		char c = 0;
		CHECK(pread(fd, &c, 1, pg + 5) == 1 && c == '#');
		CHECK(pwrite(fd, "!", 1, pg + 6) == 1);
		CHECK(m[6] == '!');
		CHECK(msync(m, size - pg, MS_SYNC) == 0);
		errno = 0;
		CHECK(msync(m + 1, pg, MS_SYNC) == -1 && errno == EINVAL);
		CHECK(munmap(m, size - pg) == 0);
	}
	/* a private mapping: its stores are its own */
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		CHECK(p[pg + 5] == '#' && p[0] == 'a');
		p[0] = 'Z';
		char c = 0;
		CHECK(pread(fd, &c, 1, 0) == 1 && c == 'a');
		CHECK(munmap(p, size) == 0);
	}
	/* a read-only descriptor cannot map MAP_SHARED writable */
	int ro = open(path, O_RDONLY);
	CHECK(ro >= 0);
	errno = 0;
	CHECK(mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
	      errno == EACCES);
	char *r = mmap(NULL, pg, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(r != MAP_FAILED && r[1] == 'b');
	if (r != MAP_FAILED)
		munmap(r, pg);
	close(ro);
	close(fd);
	unlink(path);
	free(buf);
	done(part, f);
}

static void fixed(long pg)
{
	int f = fails;
	part = "linux11_mmap_fixed";
	char *a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED);
	memset(a, 'A', 4 * pg);
	char *b = mmap(a + pg, 2 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK(b == a + pg);
	CHECK(a[0] == 'A' && a[pg] == 0 && a[3 * pg - 1] == 0 && a[3 * pg] == 'A');
	errno = 0;
	void *c = mmap(a + 2 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);
	CHECK(c == MAP_FAILED && errno == EEXIST);
	CHECK(a[2 * pg] == 0); /* untouched */
	CHECK(munmap(a + 2 * pg, pg) == 0);
	c = mmap(a + 2 * pg, pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(c == a + 2 * pg);
	if (c != MAP_FAILED)
		CHECK(((char *)c)[0] == 0);
	errno = 0;
	CHECK(mmap(a + 1, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	      MAP_FAILED && errno == EINVAL);
	/* a hint that is taken is not required: a mapping lands elsewhere */
	void *h = mmap(a, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(h != MAP_FAILED && h != a);
	if (h != MAP_FAILED)
		munmap(h, pg);
	CHECK(a[0] == 'A');
	/* MAP_FIXED with a file over anonymous memory */
	char path[] = "/tmp/l11fixXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, pg) == 0);
	CHECK(pwrite(fd, "file", 4, 0) == 4);
	char *m = mmap(a + 3 * pg, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	CHECK(m == a + 3 * pg);
	if (m != MAP_FAILED)
		CHECK(memcmp(m, "file", 4) == 0);
	close(fd);
	unlink(path);
	CHECK(munmap(a, 4 * pg) == 0);
	done(part, f);
}

static void ring(long pg)
{
	int f = fails;
	part = "linux11_mmap_ring";
	int fd = memfd_create("ring", 0);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, pg) == 0);
	char *r = mmap(NULL, 2 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r != MAP_FAILED);
	char *v1 = mmap(r, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	char *v2 = mmap(r + pg, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	CHECK(v1 == r && v2 == r + pg);
	if (v1 == r && v2 == r + pg) {
		memcpy(r + pg - 3, "wrapped", 7); /* runs over the end into the start */
		CHECK(memcmp(r, "pped", 4) == 0 && memcmp(r + 2 * pg - 3, "wra", 3) == 0);
		CHECK(memcmp(r + pg, "pped", 4) == 0);
		errno = 0;
		CHECK(mmap(r, pg, PROT_READ, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0) == MAP_FAILED &&
		      errno == EEXIST);
		CHECK(r[0] == 'p');
		char c = 0;
		CHECK(pread(fd, &c, 1, 1) == 1 && c == 'p');
	}
	CHECK(munmap(r, 2 * pg) == 0);
	close(fd);
	done(part, f);
}

static void misc(long pg)
{
	int f = fails;
	part = "linux11_mmap_misc";
	char *p = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	unsigned char vec[8];
	CHECK(mincore(p, 8 * pg, vec) == 0);
	p[0] = 1;
	p[5 * pg] = 1;
	CHECK(mincore(p, 8 * pg, vec) == 0);
	CHECK((vec[0] & 1) && (vec[5] & 1));
	errno = 0;
	CHECK(mincore(p + 1, pg, vec) == -1 && errno == EINVAL);
	CHECK(munmap(p + 7 * pg, pg) == 0);
	errno = 0;
	CHECK(mincore(p, 8 * pg, vec) == -1 && errno == ENOMEM);

	memset(p, 7, 7 * pg);
	CHECK(madvise(p + pg, 2 * pg, MADV_DONTNEED) == 0);
	CHECK(p[0] == 7 && p[pg] == 0 && p[3 * pg - 1] == 0 && p[3 * pg] == 7);
	errno = 0;
	CHECK(madvise(p + 1, pg, MADV_DONTNEED) == -1 && errno == EINVAL);

	CHECK(mlock(p, 2 * pg) == 0);
	CHECK(mincore(p, 2 * pg, vec) == 0 && (vec[0] & 1) && (vec[1] & 1));
	CHECK(munlock(p, 2 * pg) == 0);
	CHECK(mlock(p + 10, 100) == 0); /* unaligned start: rounded, fine */
	CHECK(munlock(p + 10, 100) == 0);
	CHECK(munmap(p, 7 * pg) == 0);

	void *b0 = sbrk(0);
	CHECK(b0 != (void *)-1);
	char *old = sbrk(3 * pg + 5);
	CHECK(old == b0);
	CHECK(sbrk(0) == (char *)b0 + 3 * pg + 5);
	memset(old, 'b', 3 * pg + 5);
	CHECK(sbrk(-(3 * pg + 5)) == (char *)b0 + 3 * pg + 5);
	CHECK(sbrk(0) == b0);
	CHECK(brk((char *)b0 + pg) == 0);
	CHECK(sbrk(0) == (char *)b0 + pg);
	((char *)b0)[pg - 1] = 1;
	CHECK(brk(b0) == 0);
	done(part, f);
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	anon(pg);
	file(pg);
	fixed(pg);
	ring(pg);
	misc(pg);
	return fails != 0;
}
