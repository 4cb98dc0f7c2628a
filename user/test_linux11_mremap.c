/* mremap, madvise and msync as a libc test suite checks them, as an
 * ordinary Linux program (checked under Linux 6.1: make linux-check
 * PROG=user/test_linux11_mremap.c):
 *   linux11_mremap_grow    a mapping grown with MREMAP_MAYMOVE (in place
 *                          or moved: its bytes go with it, the new tail
 *                          reads zero), grown without MAYMOVE next to
 *                          another mapping ENOMEM (nothing changed), shrunk
 *                          (the tail faults SEGV_MAPERR afterwards)
 *   linux11_mremap_fixed   MREMAP_FIXED to a chosen address over an
 *                          existing mapping (replaced), the old range gone;
 *                          a non-page-aligned old address EINVAL; a range
 *                          that is not mapped EFAULT
 *   linux11_mremap_shared  a MAP_SHARED|MAP_ANONYMOUS mapping moved by
 *                          mremap in the parent stays shared with a fork
 *                          child that had it before
 *   linux11_mremap_dontneed  MADV_DONTNEED on private memory reads zero
 *                          after, on MAP_SHARED memory keeps the bytes;
 *                          msync of the range 0, of an unmapped one ENOMEM
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", part, __LINE__, \
	#c, errno); fails++; fflush(stdout); } } while (0)

static long pg;
static sigjmp_buf env;
static volatile int seg_code;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	seg_code = si->si_code;
	siglongjmp(env, 1);
}

static int faults(volatile char *p)
{
	if (sigsetjmp(env, 1) == 0) {
		(void)*p;
		return 0;
	}
	return 1;
}

static int all(const char *p, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return 0;
	return 1;
}

static void grow(void)
{
	int f = fails;
	part = "linux11_mremap_grow";
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	memset(p, 'g', 2 * pg);
	/* a neighbour right after it: growth in place is impossible */
	char *n = mmap(p + 2 * pg, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);
	CHECK(n == p + 2 * pg);
	errno = 0;
	CHECK(mremap(p, 2 * pg, 4 * pg, 0) == MAP_FAILED && errno == ENOMEM);
	CHECK(all(p, 2 * pg, 'g'));
	char *q = mremap(p, 2 * pg, 64 * pg, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED && q != p);
	if (q != MAP_FAILED) {
		CHECK(all(q, 2 * pg, 'g'));
		CHECK(all(q + 2 * pg, 62 * pg, 0));
		CHECK(faults(p) == 1 && seg_code == SEGV_MAPERR);
		memset(q + 63 * pg, 'h', pg);
		/* shrink: the tail goes */
		char *s = mremap(q, 64 * pg, 3 * pg + 1, 0);
		CHECK(s == q);
		CHECK(faults(q + 4 * pg) == 1 && seg_code == SEGV_MAPERR);
		CHECK(faults(q + 3 * pg + 10) == 0); /* rounded up to a page */
		CHECK(all(q, 2 * pg, 'g'));
		CHECK(munmap(q, 4 * pg) == 0);
	}
	munmap(n, pg);
	/* grow in place into free space */
	char *r = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(r != MAP_FAILED);
	CHECK(munmap(r + 2 * pg, 6 * pg) == 0);
	memset(r, 'r', 2 * pg);
	CHECK(mremap(r, 2 * pg, 6 * pg, 0) == r);
	CHECK(all(r, 2 * pg, 'r') && all(r + 2 * pg, 4 * pg, 0));
	CHECK(munmap(r, 6 * pg) == 0);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static void fixed(void)
{
	int f = fails;
	part = "linux11_mremap_fixed";
	char *a = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b = mmap(NULL, 5 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(a != MAP_FAILED && b != MAP_FAILED);
	memset(a, 'a', 3 * pg);
	memset(b, 'b', 5 * pg);
	char *m = mremap(a, 3 * pg, 3 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, b + pg);
	CHECK(m == b + pg);
	if (m == b + pg) {
		CHECK(all(b, pg, 'b') && all(b + pg, 3 * pg, 'a') && all(b + 4 * pg, pg, 'b'));
		CHECK(faults(a) == 1 && seg_code == SEGV_MAPERR);
	}
	errno = 0;
	CHECK(mremap(b + 1, pg, 2 * pg, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mremap(b, pg, pg, MREMAP_FIXED, a) == MAP_FAILED && errno == EINVAL);
	CHECK(munmap(b, 5 * pg) == 0);
	errno = 0;
	CHECK(mremap(b, pg, 2 * pg, MREMAP_MAYMOVE) == MAP_FAILED && errno == EFAULT);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static void shared(void)
{
	int f = fails;
	part = "linux11_mremap_shared";
	char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(s != MAP_FAILED);
	int go[2], back[2];
	CHECK(pipe(go) == 0 && pipe(back) == 0);
	strcpy(s, "before");
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		int ok = strcmp(s, "moved") == 0;
		strcpy(s + 100, "child");
		if (write(back[1], "x", 1) != 1)
			_exit(2);
		_exit(ok ? 0 : 1);
	}
	/* block the place after it so that the growth must move */
	char *blk = mmap(s + pg, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			 -1, 0);
	char *t = mremap(s, pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED,
			 mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	CHECK(t != MAP_FAILED && t != s);
	if (t != MAP_FAILED) {
		strcpy(t, "moved");
		CHECK(write(go[1], "x", 1) == 1);
		char c;
		CHECK(read(back[0], &c, 1) == 1);
		CHECK(strcmp(t + 100, "child") == 0);
	} else {
		kill(pid, SIGKILL);
	}
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (blk != MAP_FAILED)
		munmap(blk, pg);
	if (t != MAP_FAILED)
		munmap(t, pg);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static void dontneed(void)
{
	int f = fails;
	part = "linux11_mremap_dontneed";
	char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *s = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED && s != MAP_FAILED);
	memset(p, 'p', 4 * pg);
	memset(s, 's', 4 * pg);
	CHECK(madvise(p, 4 * pg, MADV_DONTNEED) == 0);
	CHECK(all(p, 4 * pg, 0));
	CHECK(madvise(s, 4 * pg, MADV_DONTNEED) == 0);
	CHECK(all(s, 4 * pg, 's'));
	CHECK(msync(s, 4 * pg, MS_SYNC) == 0);
	CHECK(msync(s, 4 * pg, MS_ASYNC | MS_INVALIDATE) == 0);
	errno = 0;
	CHECK(msync(s, pg, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL);
	CHECK(munmap(s, 4 * pg) == 0);
	errno = 0;
	CHECK(msync(s, 4 * pg, MS_SYNC) == -1 && errno == ENOMEM);
	CHECK(munmap(p, 4 * pg) == 0);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

int main(void)
{
	pg = sysconf(_SC_PAGESIZE);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	grow();
	fixed();
	shared();
	dontneed();
	return fails != 0;
}
