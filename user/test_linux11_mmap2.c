/* More of mmap's edges as a libc test suite checks them, as an ordinary
 * Linux program (checked under Linux 6.1: make linux-check
 * PROG=user/test_linux11_mmap2.c):
 *   linux11_mmap2_errors  mprotect of an unaligned address EINVAL, of an
 *                        unmapped range ENOMEM, with bad bits EINVAL;
 *                        madvise of an unmapped range ENOMEM, unknown
 *                        advice EINVAL; munmap of nothing mapped 0, of
 *                        length 0 EINVAL; MAP_SHARED|MAP_PRIVATE EINVAL;
 *                        mlock of unmapped memory ENOMEM; mprotect to
 *                        PROT_WRITE of a MAP_SHARED mapping of an O_RDONLY
 *                        file EACCES (also after mremap moved it), of its
 *                        MAP_PRIVATE mapping 0
 *   linux11_mmap2_bus    a file mapping past the file's end: the partial
 *                        last page reads zero, the next page is SIGBUS
 *                        (BUS_ADRERR at the address); after ftruncate grows
 *                        the file the same page reads the new zeroes; a
 *                        MAP_PRIVATE mapping too
 *   linux11_mmap2_maps   /proc/self/maps lists a mapping with its
 *                        permissions (rw-p, r--s for a shared read-only
 *                        file, ---p after mprotect PROT_NONE) and the
 *                        file's path; MAP_POPULATE pages are resident
 *                        (mincore); MAP_ANONYMOUS|MAP_SHARED pages are
 *                        seen by a fork child and its stores by the parent
 *   linux11_mmap2_mlockall mlockall(MCL_CURRENT) with a one-page /tmp file
 *                        open and mapped 64 MiB long returns 0, takes few
 *                        frames (not the mapping's length), the page past
 *                        the file's end still SIGBUS; munlockall 0
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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

static void errors(void)
{
	int f = fails;
	part = "linux11_mmap2_errors";
	char *p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(munmap(p + 2 * pg, 2 * pg) == 0);
	errno = 0;
	CHECK(mprotect(p + 1, pg, PROT_READ) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(mprotect(p, 3 * pg, PROT_READ) == -1 && errno == ENOMEM);
	errno = 0;
	CHECK(mprotect(p, pg, 0x40000000) == -1 && errno == EINVAL);
	CHECK(mprotect(p, 0, PROT_READ) == 0);
	errno = 0;
	CHECK(madvise(p + 2 * pg, pg, MADV_DONTNEED) == -1 && errno == ENOMEM);
	errno = 0;
	CHECK(madvise(p, pg, 12345) == -1 && errno == EINVAL);
	CHECK(madvise(p, 2 * pg, MADV_SEQUENTIAL) == 0 && madvise(p, 2 * pg, MADV_RANDOM) == 0);
	CHECK(posix_madvise(p, 2 * pg, POSIX_MADV_WILLNEED) == 0);
	CHECK(munmap(p + 2 * pg, 2 * pg) == 0); /* nothing there: still 0 */
	errno = 0;
	CHECK(munmap(p, 0) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(mmap(NULL, pg, PROT_READ, MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
	      MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK(mlock(p + 2 * pg, pg) == -1 && errno == ENOMEM);
	CHECK(munmap(p, 2 * pg) == 0);

	/* a read-only descriptor's MAP_SHARED mapping never becomes writable;
	 * its MAP_PRIVATE one may (the stores are the mapping's own) */
	char path[] = "/tmp/l11roXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, "readonly", 8) == 8);
	int ro = open(path, O_RDONLY);
	CHECK(ro >= 0);
	char *s = mmap(NULL, pg, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(s != MAP_FAILED);
	errno = 0;
	CHECK(mprotect(s, pg, PROT_READ | PROT_WRITE) == -1 && errno == EACCES);
	CHECK(mprotect(s, pg, PROT_NONE) == 0 && mprotect(s, pg, PROT_READ) == 0);
	CHECK(s[0] == 'r');
	char *q = mremap(s, pg, 2 * pg, MREMAP_MAYMOVE);
	CHECK(q != MAP_FAILED);
	errno = 0;
	CHECK(mprotect(q, pg, PROT_READ | PROT_WRITE) == -1 && errno == EACCES);
	munmap(q, 2 * pg);
	char *w = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, ro, 0);
	CHECK(w != MAP_FAILED && mprotect(w, pg, PROT_READ | PROT_WRITE) == 0);
	w[0] = 'R';
	char c = 0;
	CHECK(pread(fd, &c, 1, 0) == 1 && c == 'r');
	munmap(w, pg);
	close(ro);
	close(fd);
	unlink(path);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static sigjmp_buf env;
static volatile int got_sig, got_code;
static void *volatile got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(env, 1);
}

static int load_faults(volatile char *a)
{
	got_sig = 0;
	if (sigsetjmp(env, 1) == 0) {
		(void)*a;
		return 0;
	}
	return 1;
}

static void bus(void)
{
	int f = fails;
	part = "linux11_mmap2_bus";
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	char path[] = "/tmp/l11busXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, "0123456789", 10) == 10);
	for (int shared = 1; shared >= 0; shared--) {
		char *m = mmap(NULL, 3 * pg, PROT_READ, shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
		CHECK(m != MAP_FAILED);
		if (m == MAP_FAILED)
			continue;
		CHECK(memcmp(m, "0123456789", 10) == 0 && m[10] == 0 && m[pg - 1] == 0);
		CHECK(load_faults(m + pg + 5) == 1 && got_sig == SIGBUS && got_code == BUS_ADRERR &&
		      got_addr == m + pg + 5);
		CHECK(load_faults(m + 2 * pg) == 1 && got_sig == SIGBUS);
		CHECK(ftruncate(fd, 2 * pg) == 0);
		CHECK(load_faults(m + pg + 5) == 0 && m[pg + 5] == 0);
		CHECK(load_faults(m + 2 * pg) == 1 && got_sig == SIGBUS);
		CHECK(ftruncate(fd, 10) == 0);
		CHECK(munmap(m, 3 * pg) == 0);
	}
	close(fd);
	unlink(path);
	signal(SIGBUS, SIG_DFL);
	signal(SIGSEGV, SIG_DFL);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

/* the maps line holding address a, into line; 1 if found */
static int maps_line(const void *a, char *line, size_t n)
{
	FILE *fp = fopen("/proc/self/maps", "r");
	if (!fp)
		return 0;
	int found = 0;
	while (fgets(line, (int)n, fp)) {
		unsigned long lo, hi;
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && (uintptr_t)a >= lo && (uintptr_t)a < hi) {
			found = 1;
			break;
		}
	}
	fclose(fp);
	return found;
}

static void maps(void)
{
	int f = fails;
	part = "linux11_mmap2_maps";
	char line[512], perm[8];
	char *p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	CHECK(maps_line(p, line, sizeof line) && sscanf(line, "%*x-%*x %4s", perm) == 1 &&
	      !strcmp(perm, "rw-p"));
	CHECK(mprotect(p + pg, pg, PROT_NONE) == 0);
	CHECK(maps_line(p + pg, line, sizeof line) && sscanf(line, "%*x-%*x %4s", perm) == 1 &&
	      !strcmp(perm, "---p"));
	unsigned long lo = 0, hi = 0;
	CHECK(sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo == (uintptr_t)(p + pg) &&
	      hi == (uintptr_t)(p + 2 * pg));
	CHECK(munmap(p, 3 * pg) == 0);

	char path[] = "/tmp/l11mapsXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(ftruncate(fd, pg) == 0);
	char *m = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK(maps_line(m, line, sizeof line) && sscanf(line, "%*x-%*x %4s", perm) == 1 &&
	      !strcmp(perm, "r--s"));
	/* (Linux names the file, path and offset, at the line's end: here
	 * shared memory is "/dev/zero (deleted)", not checked) */
	munmap(m, pg);
	close(fd);
	unlink(path);

	char *pop = mmap(NULL, 8 * pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	CHECK(pop != MAP_FAILED);
	unsigned char vec[8];
	CHECK(mincore(pop, 8 * pg, vec) == 0);
	int all = 1;
	for (int i = 0; i < 8; i++)
		all &= vec[i] & 1;
	CHECK(all);
	munmap(pop, 8 * pg);

	int *sh = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED);
	sh[0] = 41;
	pid_t pid = fork();
	if (pid == 0) {
		int ok = sh[0] == 41;
		sh[1] = 42;
		_exit(ok ? 0 : 1);
	}
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(sh[1] == 42);
	munmap(sh, pg);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static void mlockall_part(void)
{
	int f = fails;
	part = "linux11_mmap2_mlockall";
	char path[] = "/tmp/l11lockXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	char one[4096];
	memset(one, 7, sizeof one);
	CHECK(write(fd, one, sizeof one) == (ssize_t)sizeof one);
	long before = sysconf(_SC_AVPHYS_PAGES);
	char *m = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	CHECK(mlockall(MCL_CURRENT) == 0);
	long after = sysconf(_SC_AVPHYS_PAGES);
	CHECK(before - after < 4096); /* not the 16384 pages mapped */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGBUS, &sa, NULL);
	CHECK(m != MAP_FAILED && m[0] == 7 && load_faults(m + 2 * pg) == 1 && got_sig == SIGBUS);
	signal(SIGBUS, SIG_DFL);
	CHECK(munlockall() == 0);
	munmap(m, 64 << 20);
	close(fd);
	unlink(path);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

int main(void)
{
	pg = sysconf(_SC_PAGESIZE);
	errors();
	bus();
	maps();
	mlockall_part();
	return fails != 0;
}
