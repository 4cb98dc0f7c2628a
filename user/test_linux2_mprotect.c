/* mprotect toggled on a heap buffer (posix_memalign'd, page aligned):
 * read-only, no access, read-write again, contents kept throughout;
 * errors for unaligned and unmapped ranges and bad flags. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_mprotect: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static sigjmp_buf env;
static volatile int segvs;

static void on_segv(int sig)
{
	(void)sig;
	segvs++;
	siglongjmp(env, 1);
}

static int try_write(volatile char *p, char v)
{
	if (sigsetjmp(env, 1))
		return 0;
	*p = v;
	return 1;
}

static int try_read(volatile char *p)
{
	if (sigsetjmp(env, 1))
		return 0;
	(void)*p;
	return 1;
}

int main(void)
{
	size_t pg = (size_t)getpagesize();
	size_t n = 8 * pg;
	char *buf = NULL;
	signal(SIGSEGV, on_segv);
	CHECK(posix_memalign((void **)&buf, pg, n) == 0);
	CHECK(((uintptr_t)buf & (pg - 1)) == 0);
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)(i * 7);

	for (int round = 0; round < 10; round++) {
		CHECK(mprotect(buf, n, PROT_READ) == 0);
		CHECK(try_read(buf + round * 100));
		CHECK(!try_write(buf + round * 100 + pg * (round % 8), 'x'));
		CHECK(mprotect(buf + 2 * pg, 2 * pg, PROT_NONE) == 0);
		CHECK(!try_read(buf + 3 * pg + 5));
		CHECK(try_read(buf + 4 * pg));
		CHECK(mprotect(buf, n, PROT_READ | PROT_WRITE) == 0);
		CHECK(try_write(buf + round, (char)(round * 7)));
	}
	int ok = 1;
	for (size_t i = 0; i < n; i++)
		if (buf[i] != (char)(i * 7))
			ok = 0;
	CHECK(ok);
	CHECK(segvs == 20);

	/* PROT_WRITE alone on x86 reads too */
	CHECK(mprotect(buf, pg, PROT_WRITE) == 0);
	CHECK(try_write(buf, 0));
	CHECK(mprotect(buf, pg, PROT_READ | PROT_WRITE) == 0);

	/* errors */
	errno = 0;
	CHECK(mprotect(buf + 1, pg, PROT_READ) == -1 && errno == EINVAL);
	CHECK(mprotect(buf, pg, 0x1000) == -1 && errno == EINVAL);
	char *m = mmap(NULL, 4 * pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	CHECK(munmap(m + pg, pg) == 0);
	errno = 0;
	CHECK(mprotect(m, 4 * pg, PROT_READ | PROT_WRITE) == -1 && errno == ENOMEM);
	CHECK(mprotect(m + 2 * pg, 2 * pg, PROT_READ | PROT_WRITE) == 0);
	m[2 * pg] = 5;
	CHECK(m[2 * pg] == 5);
	/* length not a page multiple: rounded up */
	CHECK(mprotect(m + 2 * pg, 10, PROT_READ) == 0);
	CHECK(!try_write(m + 2 * pg + pg - 1, 1));
	CHECK(try_write(m + 3 * pg, 1));
	CHECK(mprotect(m, 0, PROT_NONE) == 0);
	munmap(m, 4 * pg);
	free(buf);

	/* a malloc'd buffer after mprotect round trips still frees and reuses */
	for (int i = 0; i < 50; i++) {
		void *q = NULL;
		CHECK(posix_memalign(&q, pg, 3 * pg) == 0);
		memset(q, i, 3 * pg);
		CHECK(mprotect(q, 3 * pg, PROT_READ) == 0);
		CHECK(((char *)q)[3 * pg - 1] == (char)i);
		CHECK(mprotect(q, 3 * pg, PROT_READ | PROT_WRITE) == 0);
		free(q);
	}
	if (!fails)
		printf("@@PASS linux2_mprotect\n");
	return fails != 0;
}
