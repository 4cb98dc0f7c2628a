/* hostile18_maps: processes that make as many mappings as they can (one
 * page each, read-only and PROT_NONE by turns, so no two merge into one
 * region), never touching them: every region is a node of the pager's
 * own memory, which no resident page shows.
 *   - one such hog is refused with ENOMEM at Linux's vm.max_map_count
 *     (65530 mappings: it counts all of them, its image's too), not
 *     after it took all of memory (730,000 nodes at 128 MiB, and then the
 *     OOM killer ended an innocent process that faulted, while the hog,
 *     with no resident page, was never chosen); at the limit a munmap or
 *     mprotect that would split a mapping is ENOMEM and changes nothing,
 *     and one mapping unmapped makes room for one more;
 *   - at 128 MiB, enough hogs to fill memory with their nodes: another
 *     process that then faults pages in must live (the OOM killer counts
 *     a process's region nodes with its resident pages, so a hog is the
 *     victim); at larger sizes this part is left out (too many hogs);
 *   - once they end every frame is back. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hostile18_maps"
#include "linux_frames.h"
#define CAP 200000L    /* mappings tried at most */
#define LINUX_MAX 65530 /* vm.max_map_count's default */
#define HOGS_MAX 24

static int pfd[2], gfd[2];

/* What a hog tells its parent. */
struct report {
	long made, err;   /* mappings made, then the error */
	long split_err;   /* the munmap in the middle of a mapping: its errno */
	long prot_err;    /* the mprotect there */
	long kept;        /* 1 if the mapping's bytes stayed */
	long again;       /* 1 if one munmap made room for one more mmap */
};

/* The hog: maps until refused, then tries the splits; its report to pfd;
 * then waits for a byte on gfd and exits. */
static void hog(void)
{
	struct report rep = { 0 };
	char *big = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED)
		_exit(2);
	memset(big, 'b', 4 * 4096);
	void *last = NULL;
	for (; rep.made < CAP; rep.made++) {
		void *p = mmap(NULL, 4096, rep.made % 2 ? PROT_NONE : PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			rep.err = errno;
			break;
		}
		last = p;
	}
	if (rep.err == ENOMEM && last) {
		rep.split_err = munmap(big + 4096, 4096) ? errno : 0;
		rep.prot_err = mprotect(big + 4096, 4096, PROT_READ) ? errno : 0;
		/* Where the refusal was for want of memory (the fill) rather
		 * than the limit, memory may be back by now and the split
		 * done: the second page is then gone or read-only */
		int split = !rep.split_err || !rep.prot_err;
		rep.kept = 1;
		for (int i = 0; i < 4 * 4096; i++)
			if ((!split || i / 4096 != 1) && big[i] != 'b')
				rep.kept = 0;
		if (!split)
			big[4096] = 'c'; /* still writable */
		void *p = munmap(last, 4096) ? MAP_FAILED :
			  mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		rep.again = p != MAP_FAILED;
	}
	if (write(pfd[1], &rep, sizeof rep) != sizeof rep)
		_exit(3);
	char c;
	if (read(gfd[0], &c, 1) != 1)
		_exit(4);
	_exit(0);
}

static int ofd[2];

/* Another process, forked before the hogs: once told (a byte on ofd) it
 * touches the pages pages it mapped first; -1 if the fork failed. */
static pid_t other_start(long pages)
{
	if (pipe(ofd))
		return -1;
	pid_t c = fork();
	if (c == 0) {
		char go, *p = mmap(NULL, pages * 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(4);
		if (read(ofd[0], &go, 1) != 1)
			_exit(3);
		for (long i = 0; i < pages; i++)
			p[i * 4096] = (char)i;
		for (long i = 0; i < pages; i++)
			if (p[i * 4096] != (char)i)
				_exit(5);
		_exit(munmap(p, pages * 4096) ? 6 : 0);
	}
	return c;
}

/* Tell the other process to go (it touches its pages while the hogs hold
 * their mappings); 0 if it did all it should. */
static int others_work(pid_t c)
{
	int st;
	if (c < 0) {
		printf(T ": fork failed: errno %d\n", errno);
		return 1;
	}
	if (write(ofd[1], "g", 1) != 1)
		return 1;
	close(ofd[0]);
	close(ofd[1]);
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf(T ": the other process ended 0x%x\n", st);
		return 1;
	}
	return 0;
}

/* Start n hogs; their reports checked; others_work(pages) while they hold
 * their mappings; then they end.  0 if all went well. */
static int hogs(int n, long pages, int strict)
{
	pid_t h[HOGS_MAX];
	int bad = 0, killed = 0;
	if (pipe(pfd) || pipe(gfd)) {
		printf("@@FAIL " T ": pipe\n");
		return 1;
	}
	pid_t other = other_start(pages);
	for (int i = 0; i < n; i++)
		if ((h[i] = fork()) == 0)
			hog();
	for (int i = 0; i < n; i++) {
		struct report r;
		if (read(pfd[0], &r, sizeof r) != sizeof r) {
			printf("@@FAIL " T ": a hog said nothing\n");
			return 1;
		}
		if (i == 0 || r.made < LINUX_MAX - 200)
			printf(T ": %ld mappings, then errno %ld; at the limit munmap %ld, "
			       "mprotect %ld, bytes kept %ld, room again %ld\n", r.made, r.err,
			       r.split_err, r.prot_err, r.kept, r.again);
		if (r.err != ENOMEM) {
			printf("@@FAIL " T ": refused with errno %ld, not ENOMEM\n", r.err);
			bad = 1;
		} else if (strict && (r.made > LINUX_MAX || r.made < LINUX_MAX - 200 ||
				      r.split_err != ENOMEM || r.prot_err != ENOMEM ||
				      !r.kept || !r.again)) {
			printf("@@FAIL " T ": not Linux's limit of %d mappings\n", LINUX_MAX);
			bad = 1;
		}
	}
	if (others_work(other)) {
		printf("@@FAIL " T ": another process failed while %d hogs held their "
		       "mappings\n", n);
		bad = 1;
	}
	for (int i = 0; i < n; i++)
		if (write(gfd[1], "x", 1) != 1)
			bad = 1;
	for (int i = 0; i < n; i++) {
		int st;
		if (waitpid(h[i], &st, 0) != h[i])
			bad = 1;
		else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			killed++; /* the OOM killer's victim */
		else if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			printf("@@FAIL " T ": a hog ended 0x%x\n", st);
			bad = 1;
		}
	}
	if (killed)
		printf(T ": %d of %d hogs killed for want of memory\n", killed, n);
	close(pfd[0]); close(pfd[1]); close(gfd[0]); close(gfd[1]);
	return bad;
}

static int run(void)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int bad = hogs(1, 64, 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf(T ": one hog took %ld ms\n",
	       (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
	return bad;
}

int main(void)
{
	if (run_twice_counted(run))
		return 1;
#if FRAMES
	/* Enough hogs to fill memory with region nodes (some 140 bytes
	 * each): only where that is a few (128 MiB).  The other process
	 * faults 512 pages, well under any hog's records (1,400 pages and
	 * more).  The hogs' nodes share pages, so a victim's records go
	 * back only in part: with 2,048 pages the other was itself the
	 * largest after three kills, and rightly chosen (1 boot in 2). */
	long free_now = (long)frames_available();
	long per_hog = LINUX_MAX * 140L / 4096;
	int n = (int)(free_now / per_hog) + 2;
	if (n <= HOGS_MAX) {
		long before = frames_before(3000);
		if (hogs(n, 512, 0) || !frames_back(before, 10000))
			return 1;
		printf(T ": %d hogs filled memory; the other process lived\n", n);
	} else {
		printf(T ": %ld free frames: %d hogs would be needed to fill memory, "
		       "left out\n", free_now, n);
	}
	printf("@@PASS " T "_fill\n");
#endif
	return 0;
}
