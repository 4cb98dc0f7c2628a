/* hostile18_sparse: a process that touches one page in every 2 MiB of a
 * huge MAP_NORESERVE mapping costs memory three times over: its page,
 * the kernel's page-table page over those 2 MiB, and the pager's leaf of
 * its page records.  When it has taken all of memory, the OOM killer must
 * choose it, not a process beside it with more resident pages but less
 * memory (Linux counts page tables in a process's badness too): the OOM
 * killer counts a process's page-record pages with its resident pages.
 * At 128 MiB only (at larger sizes the hog would need too many faults;
 * the test then says so and passes). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#define T "hostile18_sparse"
#include "linux_frames.h"
#define SPAN (2ul << 20)
#define RANGE (256ul << 30) /* 131072 spans */
#define MAX_FREE 40000      /* free frames at most for this test to run */

static int pfd[2];

int main(void)
{
#if FRAMES
	touch_image();
	long before = frames_before(3000);
	if (before > MAX_FREE) {
		printf(T ": %ld free frames: the hog would need too many faults, "
		       "left out\n", before);
		printf("@@PASS " T "\n");
		return 0;
	}
	long dense = before / 3;
	if (pipe(pfd))
		return 1;
	pid_t in = fork();
	if (in == 0) { /* the bystander: a third of memory, dense */
		char *p = mmap(NULL, dense * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		for (long i = 0; i < dense; i++)
			p[i * 4096] = 1;
		if (write(pfd[1], "r", 1) != 1)
			_exit(3);
		pause();
		_exit(0);
	}
	char c;
	if (read(pfd[0], &c, 1) != 1) {
		printf("@@FAIL " T ": the bystander did not start\n");
		return 1;
	}
	pid_t hog = fork();
	if (hog == 0) { /* one page a span until memory runs out */
		char *p = mmap(NULL, RANGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		for (unsigned long off = 0; off < RANGE; off += SPAN)
			p[off] = 1;
		_exit(4); /* memory did not run out */
	}
	int st;
	if (waitpid(hog, &st, 0) != hog) {
		printf("@@FAIL " T ": waitpid\n");
		return 1;
	}
	int in_alive = waitpid(in, NULL, WNOHANG) == 0;
	printf(T ": %ld free frames, the bystander held %ld pages; the hog ended 0x%x, "
	       "the bystander %s\n", before, dense, st, in_alive ? "lives" : "is gone");
	kill(in, SIGKILL);
	int st2;
	waitpid(in, &st2, 0);
	close(pfd[0]); /* its ring's 16 frames back */
	close(pfd[1]);
	if (!in_alive || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) {
		printf("@@FAIL " T ": the OOM killer chose the bystander, not the hog\n");
		return 1;
	}
	if (!frames_back(before, 10000))
		return 1;
#endif
	printf("@@PASS " T "\n");
	return 0;
}
