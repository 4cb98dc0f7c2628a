/* ksmdemo [PROCS] [PAGES] [DISTINCT]: PROCS processes (4) fill PAGES pages
 * in all (4096) with DISTINCT contents (64) and opt in (MADV_MERGEABLE);
 * KSM runs (pages_to_scan 1000, sleep_ms 0 meanwhile); every second the
 * demo prints pages_shared, pages_sharing and the frames saved until they
 * stop changing; then one process writes one page and copy-on-write gives
 * it a private copy again.  KSM's settings are put back at the end. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/sys.h"
#include "sys/ksm.h"
#include "sys/test.h"
#include "sys/unistd.h"

#define KEY 0x6b736d64656d6full
#define MAXP 16

static uint32_t ep, cmd, kids[MAXP]; /* ep: to the parent; cmd: to the children */

static int child(uint64_t pages, uint64_t distinct)
{
	volatile uint64_t *p;
	struct sys_msg m;
	if (shared_ep(KEY, &ep) || shared_ep(KEY + 1, &cmd))
		return 1;
	p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return 1;
	for (uint64_t i = 0; i < pages * 512; i++)
		p[i] = (i / 512 % distinct + 1) * 0x9E3779B97F4A7C15ull + i % 512;
	if (madvise((void *)p, pages * 4096, MADV_MERGEABLE))
		return 2;
	sys_send(ep, 0, 0, 0, 0, 0);              /* filled */
	if (ipc_recv(cmd, &m))
		return 3;
	if (m.w[0] == 1) {                        /* write one page */
		p[0] = 0x777;
		sys_send(ep, 0, (uint64_t)getpid(), 0, 0, 0);
		if (ipc_recv(cmd, &m))
			return 3;
	}
	return 0;
}

static bool arg(int argc, char **argv, int i, uint64_t max, uint64_t *v)
{
	if (argc <= i)
		return true;
	uint64_t n = 0;
	for (const char *s = argv[i]; *s; s++) {
		if (*s < '0' || *s > '9' || n > max)
			return false;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*v = n;
	return n >= 1 && n <= max;
}

static void show(const char *when, uint64_t free0)
{
	struct ksm_stats s;
	ksm_stats(0, &s);
	uint64_t now = frames_available();
	printf("ksmdemo: %-8s pages_shared %5lu  pages_sharing %6lu  saved %6ld frames (%ld KiB)\n",
	       when, s.pages_shared, s.pages_sharing, (long)(now - free0), (long)(now - free0) * 4);
}

int main(int argc, char **argv)
{
	uint64_t procs = 4, pages = 4096, distinct = 64, old_run, old_pts, old_sleep;
	struct sys_msg m;
	if (!arg(argc, argv, 1, MAXP, &procs) || !arg(argc, argv, 2, 65536, &pages) ||
	    !arg(argc, argv, 3, 65536, &distinct) || pages < procs) {
		printf("usage: ksmdemo [PROCS 1..16] [PAGES] [DISTINCT]\n");
		return 2;
	}
	if (shared_ep(KEY, &ep) || shared_ep(KEY + 1, &cmd))
		return 1;
	for (uint64_t k = 0; k < procs; k++) {
		pid_t pid = fork();
		if (pid == 0)
			exit(child(pages / procs, distinct));
		kids[k] = pid > 0 ? (uint32_t)pid : 0;
	}
	for (uint64_t k = 0; k < procs; k++)
		ipc_recv(ep, &m);
	printf("ksmdemo: %lu processes hold %lu pages of %lu contents\n", procs,
	       pages / procs * procs, distinct);
	uint64_t free0 = frames_steady(1000);
	ksm_ctl(KSM_CTL_PAGES_TO_SCAN, 1000, 0, &old_pts);
	ksm_ctl(KSM_CTL_SLEEP_MS, 0, 0, &old_sleep);
	ksm_ctl(KSM_CTL_RUN, 1, 0, &old_run);
	uint64_t t0 = rdtsc(), hz = tsc_hz(), last = ~0ull, same = 0;
	for (int sec = 1; sec <= 60 && same < 2; sec++) {
		sleep(1);
		struct ksm_stats s;
		ksm_stats(0, &s);
		same = s.pages_sharing == last ? same + 1 : 0;
		last = s.pages_sharing;
		char when[16];
		snprintf(when, sizeof when, "%ds:", sec);
		show(when, free0);
	}
	printf("ksmdemo: steady after %lu ms\n", (rdtsc() - t0) * 1000 / (hz ? hz : 1));
	static struct pg_stats a, b;
	pager_stats(&a);
	sys_send(cmd, 0, 1, 0, 0, 0);             /* one process writes */
	ipc_recv(ep, &m);
	pager_stats(&b);
	printf("ksmdemo: process %lu wrote one page: COW copies +%lu\n", m.w[0],
	       b.cow_copies - a.cow_copies);
	usleep(500000);
	show("after:", free0);
	for (uint64_t k = 0; k < procs; k++)
		sys_send(cmd, 0, 0, 0, 0, 0);             /* exit */
	for (uint64_t k = 0; k < procs; k++)
		if (kids[k])
			waitpid((pid_t)kids[k], NULL, 0);
	ksm_ctl(KSM_CTL_RUN, old_run == 1 ? 1 : 0, 0, NULL);
	ksm_ctl(KSM_CTL_PAGES_TO_SCAN, old_pts, 0, NULL);
	ksm_ctl(KSM_CTL_SLEEP_MS, old_sleep, 0, NULL);
	return 0;
}
