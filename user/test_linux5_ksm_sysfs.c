/* KSM through /sys/kernel/mm/ksm as Linux programs drive it (checked on
 * Linux 6.1 as root): 200 identical pages advised MADV_MERGEABLE, KSM
 * started by writing run, pages_sharing read until it shows them merged
 * (199 pages sharing one frame); a write to one page changes only that
 * page; run, sleep_millisecs and pages_to_scan are put back after. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <fcntl.h>
#include <time.h>

static long rd(const char *f)
{
	char path[128], buf[64];
	snprintf(path, sizeof path, "/sys/kernel/mm/ksm/%s", f);
	int fd = open(path, O_RDONLY);
	if (fd < 0) { perror(path); return -1; }
	int n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0) return -1;
	buf[n] = 0;
	return atol(buf);
}
static int wr(const char *f, const char *v)
{
	char path[128];
	snprintf(path, sizeof path, "/sys/kernel/mm/ksm/%s", f);
	int fd = open(path, O_WRONLY);
	if (fd < 0) { perror(path); return -1; }
	int r = write(fd, v, strlen(v));
	close(fd);
	return r < 0 ? -1 : 0;
}
int main(void)
{
	const int N = 200;
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, N * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < N; i++) memset(p + i * pg, 0x5a, pg);
	if (madvise(p, N * pg, MADV_MERGEABLE)) { perror("madvise"); return 1; }
	long run0 = rd("run"), sleep0 = rd("sleep_millisecs"), scan0 = rd("pages_to_scan");
	if (run0 < 0 || sleep0 < 0 || scan0 < 0)
		return 1;
	if (wr("sleep_millisecs", "10") || wr("pages_to_scan", "1000") || wr("run", "1")) return 1;
	long sharing = 0;
	for (int t = 0; t < 3000 && sharing < N - 1; t++) {
		struct timespec d = { 0, 10 * 1000000 };
		nanosleep(&d, NULL);
		sharing = rd("pages_sharing");
	}
	printf("pages_shared %ld pages_sharing %ld full_scans %ld\n", rd("pages_shared"), sharing, rd("full_scans"));
	int ok = sharing >= N - 1;
	p[7 * pg] = 1;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < pg; j++)
			if (p[i * pg + j] != (i == 7 && j == 0 ? 1 : 0x5a)) { ok = 0; break; }
	char v[32];
	snprintf(v, sizeof v, "%ld", sleep0);
	wr("sleep_millisecs", v);
	snprintf(v, sizeof v, "%ld", scan0);
	wr("pages_to_scan", v);
	snprintf(v, sizeof v, "%ld", run0);
	if (wr("run", v) || rd("run") != run0)
		ok = 0;
	munmap(p, N * pg);
	printf("%s linux5_ksm_sysfs\n", ok ? "@@PASS" : "@@FAIL");
	return !ok;
}
