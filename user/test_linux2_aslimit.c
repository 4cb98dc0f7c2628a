/* Resource limits that bite: in children, RLIMIT_AS lowered to 256 MiB
 * makes a 512 MiB malloc and mmap fail with ENOMEM while small ones
 * still work; RLIMIT_DATA at 64 MiB refuses a 128 MiB malloc and private
 * writable mmap but not a shared or read-only one; raising the soft
 * limit again lets the big malloc through.  The parent is untouched. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_aslimit: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define MiB (1ul << 20)

static int as_child(void)
{
	struct rlimit rl = { 256 * MiB, RLIM_INFINITY };
	if (setrlimit(RLIMIT_AS, &rl))
		return 1;
	errno = 0;
	void *big = malloc(512 * MiB);
	if (big || errno != ENOMEM)
		return 2;
	char *small = malloc(16 * MiB);
	if (!small)
		return 3;
	memset(small, 1, 16 * MiB);
	errno = 0;
	if (mmap(NULL, 512 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED ||
	    errno != ENOMEM)
		return 4;
	char *m = mmap(NULL, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return 5;
	m[0] = 1;
	free(small);
	rl.rlim_cur = RLIM_INFINITY;
	if (setrlimit(RLIMIT_AS, &rl))
		return 6;
	big = malloc(512 * MiB);
	if (!big)
		return 7;
	free(big);
	return 0;
}

static int data_child(void)
{
	struct rlimit rl = { 64 * MiB, RLIM_INFINITY };
	if (setrlimit(RLIMIT_DATA, &rl))
		return 1;
	errno = 0;
	if (malloc(128 * MiB) != NULL || errno != ENOMEM)
		return 2;
	errno = 0;
	if (mmap(NULL, 128 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED ||
	    errno != ENOMEM)
		return 3;
	void *s = mmap(NULL, 128 * MiB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		return 4;
	munmap(s, 128 * MiB);
	void *r = mmap(NULL, 128 * MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return 5;
	munmap(r, 128 * MiB);
	char *ok = malloc(8 * MiB);
	if (!ok)
		return 6;
	memset(ok, 2, 8 * MiB);
	return 0;
}

static int run(int (*fn)(void))
{
	pid_t c = fork();
	if (c == 0)
		_exit(fn());
	int st;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int main(void)
{
	int r = run(as_child);
	if (r)
		printf("linux2_aslimit: RLIMIT_AS child failed at step %d\n", r);
	CHECK(r == 0);
	r = run(data_child);
	if (r)
		printf("linux2_aslimit: RLIMIT_DATA child failed at step %d\n", r);
	CHECK(r == 0);
	/* the parent's limits are its own */
	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur == RLIM_INFINITY);
	void *p = mmap(NULL, 512 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(p != MAP_FAILED);
	munmap(p, 512 * MiB);
	if (!fails)
		printf("@@PASS linux2_aslimit\n");
	return fails != 0;
}
