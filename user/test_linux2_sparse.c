/* Big, sparse memory: a 1 GiB anonymous mapping touched one page per
 * MiB (only those pages become resident), a 64 MiB .bss array touched
 * sparsely (zero until written), recursion 1 MiB deep on the main
 * stack, and the same sparse mapping after fork (the child's writes are
 * its own). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_sparse: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define BSS_LEN (64UL << 20)
static char big_bss[BSS_LEN];

static long rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* about 128 bytes of stack per level */
static long recurse(long n)
{
	volatile char pad[96];
	pad[0] = (char)n;
	if (n == 0)
		return 0;
	return recurse(n - 1) + 1 + pad[0] - (char)n;
}

int main(void)
{
	size_t gib = 1UL << 30, mib = 1UL << 20;
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *m = mmap(NULL, gib, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED);
	if (m == MAP_FAILED)
		return 1;
	long before = rss_kb();
	for (size_t off = 0; off < gib; off += mib)
		m[off + (off / mib) % pg] = (unsigned char)(off / mib);
	int ok = 1;
	for (size_t off = 0; off < gib; off += mib)
		ok &= m[off + (off / mib) % pg] == (unsigned char)(off / mib) && m[off + mib / 2] == 0;
	CHECK(ok);
	unsigned char vec[256];
	CHECK(mincore(m, 256 * pg, vec) == 0);
	int res = 0;
	for (int i = 0; i < 256; i++)
		res += vec[i] & 1;
	CHECK(res >= 1 && res <= 128); /* page 0 written, page 128 (mid-MiB) read */
	long after = rss_kb();
	CHECK(after - before < 64 * 1024); /* 1024 pages + some reads, far below 1 GiB */

	pid_t c = fork();
	if (c == 0) {
		for (size_t off = 0; off < gib; off += 4 * mib)
			m[off] = 0xcc;
		_exit(m[gib - mib + ((gib - mib) / mib) % pg] == (unsigned char)((gib - mib) / mib) ? 0 : 1);
	}
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(m[4 * mib] == 0 && m[4 * mib + 4] == 4 && m[0] == 0);
	CHECK(munmap(m, gib) == 0);

	/* .bss */
	CHECK(big_bss[0] == 0 && big_bss[BSS_LEN - 1] == 0);
	for (size_t off = 0; off < BSS_LEN; off += 2 * mib)
		big_bss[off + 7] = 'b';
	ok = 1;
	for (size_t off = 0; off < BSS_LEN; off += 2 * mib)
		ok &= big_bss[off + 7] == 'b' && big_bss[off + mib] == 0;
	CHECK(ok);
	CHECK(((uintptr_t)big_bss & 15) == 0);

	/* deep recursion: 8192 levels of ~128 bytes = 1 MiB of stack */
	CHECK(recurse(8192) == 8192);
	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= 2 * mib));
	/* a big array on the stack */
	volatile char arr[512 * 1024];
	arr[0] = 1;
	arr[sizeof arr - 1] = 2;
	CHECK(arr[0] + arr[sizeof arr - 1] == 3);
	if (!fails)
		printf("@@PASS linux2_sparse\n");
	return fails != 0;
}
