/* /proc and /sys as a Linux program reads them (checked with glibc on
 * Linux, as root): VmRSS in /proc/self/status and the resident field of
 * statm grow by the pages touched and shrink after munmap; maps shows a
 * mapping with its rights, and the change of an mprotect; pagemap gives
 * present pages a frame and untouched ones none, a fork child the
 * parent's frame until it writes (copy-on-write) and another after;
 * meminfo's MemFree falls while 8 MiB are held; oom_score_adj reads back
 * what was written; /sys/kernel/mm/ksm's files read as numbers, with
 * access() on them; access() refuses what is missing or read-only. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux5_procfs: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

#define PAGE 4096ul

/* The whole of file path into buf (NUL-terminated); bytes or -1. */
static long slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	size_t len = 0;
	long n;
	while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	close(fd);
	return (long)len;
}

/* The number after "key:" in file path (kB in status and meminfo). */
static long field(const char *path, const char *key)
{
	static char buf[16384];
	if (slurp(path, buf, sizeof buf) < 0)
		return -1;
	size_t k = strlen(key);
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, key, k) && line[k] == ':')
			return strtol(line + k + 1, NULL, 10);
	return -1;
}

/* statm's resident pages. */
static long statm_rss(void)
{
	char buf[256];
	long size, rss;
	if (slurp("/proc/self/statm", buf, sizeof buf) < 0 ||
	    sscanf(buf, "%ld %ld", &size, &rss) != 2)
		return -1;
	return rss;
}

/* The rights ("rw-p") of the maps line covering addr, into perm[5]. */
static int maps_perm(void *addr, char *perm)
{
	static char buf[65536];
	if (slurp("/proc/self/maps", buf, sizeof buf) < 0)
		return -1;
	for (char *line = buf; *line;) {
		unsigned long lo, hi;
		char p[5];
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) == 3 &&
		    (unsigned long)addr >= lo && (unsigned long)addr < hi) {
			memcpy(perm, p, 5);
			return 0;
		}
		char *nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
	return -1;
}

/* The pagemap entry of addr. */
static uint64_t pagemap(const void *addr)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (off_t)((uintptr_t)addr / PAGE * 8)) != 8)
		e = 0;
	close(fd);
	return e;
}

#define PM_PRESENT (1ull << 63)
#define PM_PFN(e)  ((e) & ((1ull << 55) - 1))

int main(void)
{
	const size_t n = 1024;
	long rss0 = field("/proc/self/status", "VmRSS"), srss0 = statm_rss();
	CHECK(rss0 > 0 && srss0 > 0);
	char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < n; i++)
		p[i * PAGE] = (char)i;
	long rss1 = field("/proc/self/status", "VmRSS"), srss1 = statm_rss();
	CHECK(rss1 - rss0 >= (long)(n * 4) - 64);    /* kB */
	CHECK(srss1 - srss0 >= (long)n - 16);        /* pages */
	CHECK(field("/proc/self/status", "VmSize") >= rss1);
	CHECK(field("/proc/self/status", "Pid") == getpid());
	CHECK(field("/proc/self/status", "PPid") == getppid());

	char perm[5];
	CHECK(maps_perm(p, perm) == 0 && !strcmp(perm, "rw-p"));
	CHECK(mprotect(p, PAGE, PROT_READ) == 0);
	CHECK(maps_perm(p, perm) == 0 && !strcmp(perm, "r--p"));
	CHECK(maps_perm(p + PAGE, perm) == 0 && !strcmp(perm, "rw-p"));
	CHECK(maps_perm(&perm, perm) == 0 && perm[0] == 'r' && perm[1] == 'w');

	/* pagemap: frames, and copy-on-write seen through them */
	uint64_t e = pagemap(p + 5 * PAGE);
	CHECK((e & PM_PRESENT) && PM_PFN(e) != 0);
	char *q = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(q != MAP_FAILED && !(pagemap(q + PAGE) & PM_PRESENT));
	pid_t pid = fork();
	if (pid == 0) {
		uint64_t shared = pagemap(p + 5 * PAGE);
		p[5 * PAGE] = 'c';
		uint64_t own = pagemap(p + 5 * PAGE);
		int ok = PM_PFN(shared) == PM_PFN(e) && (own & PM_PRESENT) &&
			 PM_PFN(own) != PM_PFN(e) && p[6 * PAGE] == 6;
		_exit(ok ? 0 : 1);
	}
	int st = -1;
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(p[5 * PAGE] == 5 && PM_PFN(pagemap(p + 5 * PAGE)) == PM_PFN(e));
	CHECK(munmap(q, 4 * PAGE) == 0);

	CHECK(munmap(p, n * PAGE) == 0);
	long rss2 = field("/proc/self/status", "VmRSS");
	CHECK(rss2 >= 0 && rss1 - rss2 >= (long)(n * 4) - 512); /* fork's own pages */

	/* meminfo: 8 MiB held show as less free memory.  free0 once MemFree
	 * stays put for 100 ms: with one CPU the fork child's frames above
	 * may come back a moment after waitpid (README, "Not there"), which
	 * would offset the 8 MiB; Linux's is steady at once. */
	long total = field("/proc/meminfo", "MemTotal"), free0 = field("/proc/meminfo", "MemFree");
	for (int quiet = 0, tries = 0; quiet < 10 && tries < 300; tries++) {
		usleep(10 * 1000);
		long now = field("/proc/meminfo", "MemFree");
		quiet = now == free0 ? quiet + 1 : 0;
		free0 = now;
	}
	CHECK(total > 0 && free0 > 0 && free0 <= total);
	char *big = mmap(NULL, 8ul << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(big != MAP_FAILED);
	if (big != MAP_FAILED) {
		memset(big, 1, 8ul << 20);
		long free1 = field("/proc/meminfo", "MemFree");
		CHECK(free1 >= 0 && free0 - free1 >= 6 * 1024);
		munmap(big, 8ul << 20);
	}

	/* oom_score_adj: written, then read back */
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);
	CHECK(fd >= 0 && write(fd, "321\n", 4) == 4);
	close(fd);
	char buf[64];
	CHECK(slurp("/proc/self/oom_score_adj", buf, sizeof buf) > 0 && atoi(buf) == 321);
	fd = open("/proc/self/oom_score_adj", O_WRONLY);
	CHECK(fd >= 0 && write(fd, "5000", 4) == -1 && errno == EINVAL);
	close(fd);

	/* KSM's files: numbers, as on Linux */
	CHECK(access("/sys/kernel/mm/ksm/run", F_OK) == 0);
	CHECK(slurp("/sys/kernel/mm/ksm/pages_sharing", buf, sizeof buf) > 0 &&
	      buf[0] >= '0' && buf[0] <= '9');
	CHECK(slurp("/sys/kernel/mm/ksm/run", buf, sizeof buf) > 0 && atoi(buf) >= 0 && atoi(buf) <= 2);

	/* access */
	CHECK(access("/proc/self/status", R_OK) == 0);
	CHECK(access("/no/such/file", F_OK) == -1 && errno == ENOENT);
	CHECK(access("/dev/null", R_OK | W_OK) == 0);
	CHECK(open("/proc/self/nosuchfile", O_RDONLY) == -1 && errno == ENOENT);
	CHECK(open("/proc/4294967298/status", O_RDONLY) == -1 && errno == ENOENT);
	fd = open("/proc/self/pagemap", O_RDONLY);
	CHECK(fd >= 0 && read(fd, (void *)8, 8) == -1 && errno == EFAULT);
	CHECK(read(fd, buf, 7) == -1 && errno == EINVAL);
	close(fd);

	if (!fails)
		printf("@@PASS linux5_procfs\n");
	return fails != 0;
}
