/* What Linux memory tests read and check that was missing or wrong here
 * (the linuxprobe programs), checked on Linux 6.1 with make
 * linux-check: /proc/self/smaps (a region's Size and Rss as pages are
 * touched and dropped), smaps_rollup, /proc/self/stat, /proc/self/limits,
 * /proc/uptime and /proc/loadavg, meminfo's CommitLimit; mmap's EINVAL
 * for an unaligned offset before EBADF, MAP_32BIT below 2 GiB,
 * MADV_REMOVE of shared memory; sbrk held
 * to RLIMIT_DATA; etext,
 * edata and end; CLOCK_TAI and the _ALARM clocks, clock_nanosleep's
 * EINVAL for the thread CPU clock, ITIMER_VIRTUAL and ITIMER_PROF.  One @@PASS line per group. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

static int failed;

#define CHECK(name, cond) do {                                                 \
	if (!(cond)) {                                                         \
		printf("@@FAIL %s: line %d: %s (errno %d)\n", name, __LINE__, #cond, errno); \
		failed = 1;                                                    \
		return;                                                        \
	}                                                                      \
} while (0)

/* From /proc/self/smaps (or the file named): field key's kB in the
 * block of the mapping that starts at start (start 0: the first block);
 * -1 if not found. */
static long smaps_field(const char *file, unsigned long start, const char *key)
{
	FILE *f = fopen(file, "r");
	if (!f)
		return -1;
	char line[256];
	int in = 0;
	long v = -1;
	size_t k = strlen(key);
	while (fgets(line, sizeof line, f)) {
		unsigned long s, e;
		char c;
		if (sscanf(line, "%lx-%lx %c", &s, &e, &c) == 3) {
			in = !start || s == start;
			continue;
		}
		if (in && !strncmp(line, key, k) && line[k] == ':') {
			v = strtol(line + k + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

static void smaps(void)
{
	const char *N = "linux7_procmem_smaps";
	long ps = sysconf(_SC_PAGESIZE);
	char *a = mmap(NULL, 16 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(N, a != MAP_FAILED);
	unsigned long at = (unsigned long)a;
	CHECK(N, smaps_field("/proc/self/smaps", at, "Size") == 16 * ps / 1024);
	CHECK(N, smaps_field("/proc/self/smaps", at, "Rss") == 0);
	for (int i = 0; i < 5; i++) /* pages 0, 3, .. 12: apart (the pager maps
				      * ahead after a fault on the next page) */
		a[3 * i * ps] = 1;
	CHECK(N, smaps_field("/proc/self/smaps", at, "Rss") == 5 * ps / 1024);
	CHECK(N, smaps_field("/proc/self/smaps", at, "Anonymous") == 5 * ps / 1024);
	CHECK(N, smaps_field("/proc/self/smaps", at, "Private_Dirty") == 5 * ps / 1024);
	CHECK(N, smaps_field("/proc/self/smaps", at, "Swap") == 0);
	CHECK(N, smaps_field("/proc/self/smaps", at, "KernelPageSize") == ps / 1024);
	CHECK(N, madvise(a, 4 * ps, MADV_DONTNEED) == 0); /* pages 0 and 3 */
	CHECK(N, smaps_field("/proc/self/smaps", at, "Rss") == 3 * ps / 1024);
	long roll = smaps_field("/proc/self/smaps_rollup", 0, "Rss");
	CHECK(N, roll >= 3 * ps / 1024);
	/* VmFlags: rd wr for this one, after a mprotect rd only */
	CHECK(N, mprotect(a, 16 * ps, PROT_READ) == 0);
	FILE *f = fopen("/proc/self/smaps", "r");
	CHECK(N, f != NULL);
	char line[256];
	int in = 0, flags_ok = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long s, e;
		char c;
		if (sscanf(line, "%lx-%lx %c", &s, &e, &c) == 3)
			in = s == at;
		else if (in && !strncmp(line, "VmFlags:", 8))
			flags_ok = strstr(line, " rd") && !strstr(line, " wr");
	}
	fclose(f);
	CHECK(N, flags_ok);
	munmap(a, 16 * ps);
	printf("@@PASS %s\n", N);
}

static void procfiles(void)
{
	const char *N = "linux7_procmem_files";
	FILE *f = fopen("/proc/self/stat", "r");
	CHECK(N, f != NULL);
	int pid, ppid;
	char comm[64], state;
	CHECK(N, fscanf(f, "%d %63s %c %d", &pid, comm, &state, &ppid) == 4);
	fclose(f);
	CHECK(N, pid == getpid() && ppid == getppid() && comm[0] == '(' && state == 'R');
	f = fopen("/proc/self/limits", "r");
	CHECK(N, f != NULL);
	char line[256];
	int stack = 0, files = 0;
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	while (fgets(line, sizeof line, f)) {
		if (!strncmp(line, "Max stack size", 14))
			stack = 1;
		unsigned long soft;
		if (!strncmp(line, "Max open files", 14) && sscanf(line + 14, "%lu", &soft) == 1)
			files = soft == rl.rlim_cur;
	}
	fclose(f);
	CHECK(N, stack && files);
	f = fopen("/proc/uptime", "r");
	double up, idle;
	CHECK(N, f && fscanf(f, "%lf %lf", &up, &idle) == 2 && up > 0);
	fclose(f);
	f = fopen("/proc/loadavg", "r");
	double l1, l5, l15;
	int running, total;
	CHECK(N, f && fscanf(f, "%lf %lf %lf %d/%d", &l1, &l5, &l15, &running, &total) == 5);
	fclose(f);
	CHECK(N, running >= 1 && total >= running);
	f = fopen("/proc/meminfo", "r");
	CHECK(N, f != NULL);
	long commit = -1, anon = -1;
	while (fgets(line, sizeof line, f)) {
		sscanf(line, "CommitLimit: %ld kB", &commit);
		sscanf(line, "AnonPages: %ld kB", &anon);
	}
	fclose(f);
	CHECK(N, commit > 0 && anon >= 0);
	f = fopen("/proc/sys/vm/overcommit_memory", "r");
	int oc = -1;
	CHECK(N, f && fscanf(f, "%d", &oc) == 1 && oc >= 0 && oc <= 2);
	fclose(f);
	printf("@@PASS %s\n", N);
}

extern char etext, edata, end;

static int data_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_DATA, &rl))
		return 1;
	rl.rlim_cur = 64 << 20;
	if (setrlimit(RLIMIT_DATA, &rl))
		return 2;
	void *cur = sbrk(0);
	if (sbrk(1 << 20) != cur) /* a small growth is fine */
		return 3;
	errno = 0;
	if (sbrk(128 << 20) != (void *)-1 || errno != ENOMEM)
		return 4;
	return 0;
}

static void memory(void)
{
	const char *N = "linux7_procmem_mem";
	long ps = sysconf(_SC_PAGESIZE);
	errno = 0;
	CHECK(N, mmap(NULL, ps, PROT_READ, MAP_PRIVATE, 999, 5) == MAP_FAILED && errno == EINVAL);
	CHECK(N, mmap(NULL, ps, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED && errno == EBADF);
	/* MAP_32BIT: below 2 GiB (JITs rely on it) */
	char *low = mmap(NULL, 3 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
			 -1, 0);
	CHECK(N, low != MAP_FAILED && (unsigned long)low + 3 * ps <= 1ul << 31);
	low[2 * ps] = 7;
	char *low2 = mmap(NULL, ps, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	CHECK(N, low2 != MAP_FAILED && (unsigned long)low2 < 1ul << 31 && low2 != low);
	CHECK(N, munmap(low, 3 * ps) == 0 && munmap(low2, ps) == 0);
	/* MADV_REMOVE: shared memory reads zero again, for every sharer */
	char *sh = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(N, sh != MAP_FAILED);
	memset(sh, 'S', 2 * ps);
	CHECK(N, madvise(sh, ps, MADV_REMOVE) == 0 && sh[0] == 0 && sh[ps - 1] == 0 && sh[ps] == 'S');
	pid_t c = fork();
	if (c == 0) {
		sh[5] = 'C';
		_exit(madvise(sh + ps, ps, MADV_REMOVE) == 0 ? 0 : 1);
	}
	int cst;
	CHECK(N, waitpid(c, &cst, 0) == c && WIFEXITED(cst) && WEXITSTATUS(cst) == 0);
	CHECK(N, sh[5] == 'C' && sh[ps] == 0);
	char *pv = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(N, madvise(pv, ps, MADV_REMOVE) == -1 && errno == EINVAL);
	CHECK(N, munmap(sh, 2 * ps) == 0 && munmap(pv, ps) == 0);
	CHECK(N, &etext < &edata && &edata <= &end);
	CHECK(N, (char *)smaps < &etext);
	static int in_data = 5;
	static int in_bss;
	CHECK(N, (char *)&in_data < &edata && (char *)&in_bss < &end && (char *)&in_bss >= &edata);
	pid_t p = fork();
	if (p == 0)
		_exit(data_limit());
	int st;
	CHECK(N, waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	printf("@@PASS %s\n", N);
}

static volatile sig_atomic_t vtalrm, prof;

static void on_timer(int sig)
{
	if (sig == SIGVTALRM)
		vtalrm++;
	else
		prof++;
}

static void clocks(void)
{
	const char *N = "linux7_procmem_clocks";
	struct timespec rt, tai, res;
	CHECK(N, clock_gettime(CLOCK_REALTIME, &rt) == 0 && clock_gettime(CLOCK_TAI, &tai) == 0);
	CHECK(N, tai.tv_sec >= rt.tv_sec && tai.tv_sec - rt.tv_sec <= 40);
	CHECK(N, clock_gettime(CLOCK_BOOTTIME_ALARM, &res) == 0 && clock_getres(CLOCK_TAI, &res) == 0);
	CHECK(N, clock_getres(CLOCK_REALTIME_ALARM, &res) == 0);
	struct timespec d = { 0, 1000000 };
	CHECK(N, clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &d, NULL) == EINVAL);
	CHECK(N, clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL) == 0);
	/* ITIMER_VIRTUAL and ITIMER_PROF run out while this process computes */
	signal(SIGVTALRM, on_timer);
	signal(SIGPROF, on_timer);
	struct itimerval it = { { 0, 0 }, { 0, 20000 } }, cur;
	CHECK(N, setitimer(ITIMER_VIRTUAL, &it, NULL) == 0 && setitimer(ITIMER_PROF, &it, NULL) == 0);
	CHECK(N, getitimer(ITIMER_VIRTUAL, &cur) == 0 && cur.it_value.tv_sec == 0 &&
		 cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 40000 && cur.it_interval.tv_usec == 0);
	time_t start = time(NULL);
	volatile unsigned long spin = 0;
	while ((!vtalrm || !prof) && time(NULL) - start < 20)
		spin++;
	CHECK(N, vtalrm == 1 && prof == 1);
	CHECK(N, getitimer(ITIMER_PROF, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0);
	printf("@@PASS %s\n", N);
}

int main(void)
{
	smaps();
	procfiles();
	memory();
	clocks();
	return failed;
}
