/* hunt4_pool_move: a parent's page-table leaves that move into the
 * pager's grown pool pages are not a frame leak, and the frame count says
 * so.  The pager's page tables (pagetab.c) take their 4 KiB pages from a
 * fixed part first, then from grown pages.  A hog child fills the fixed
 * part with leaves (one page touched every 512 KiB); then a second child
 * shares our leaves (fork), and our writes copy them, from grown pages
 * now.  Once both children are gone the fixed part is free again, but our
 * copies stay where they are for as long as we live: the free frames are
 * short by our leaves, with no more pool nodes in use than before.
 * hunt3_pgroup_storm saw such a "loss" of 2 frames at 64 MiB (its parent
 * writes while the storm fills the fixed part) and failed; frames_back
 * now takes the pager's pools into account (frames_pool_moved), and still
 * fails on a node that leaked.  Checked here: the move happens (the pool
 * holds more pages afterwards), and frames_back passes. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#define T "hunt4_pool_move"
#include "linux_frames.h"

#define LEAVES 400            /* hog leaves: more than the fixed 256 pages */
#define LEAF_SPAN (512 << 10) /* the pages one leaf maps */
#define MINE 8                /* pages of our own, written after the forks */

static volatile int *ready;
static char *mine;

static void nap(void)
{
	struct timespec ts = { 0, 2000000 };
	nanosleep(&ts, NULL);
}

/* The hog: a page in each of LEAVES leaves, then wait to be killed. */
static void hog(void)
{
	char *p = mmap(NULL, (size_t)LEAVES * LEAF_SPAN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		_exit(2);
	for (size_t i = 0; i < LEAVES; i++)
		p[i * LEAF_SPAN] = 1;
	*ready = 1;
	for (;;)
		pause();
}

static pid_t child(int is_hog)
{
	pid_t c = fork();
	if (c == 0) {
		if (is_hog)
			hog();
		for (;;)
			pause();
	}
	return c;
}

static void end(pid_t c)
{
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
}

/* One round: with a hog if hogged, a sharer, our pages written meanwhile. */
static int round_(int hogged)
{
	pid_t h = -1;
	*ready = 0;
	if (hogged) {
		if ((h = child(1)) < 0)
			return 1;
		for (int t = 0; !*ready && t < 10000; t++)
			nap();
		if (!*ready) {
			printf("@@FAIL " T ": the hog did not get its pages\n");
			return 1;
		}
	}
	pid_t c = child(0);
	if (c < 0)
		return 1;
	for (int i = 0; i < MINE; i++)
		mine[i * 4096] ^= 1; /* copies our leaf (and the stack's) */
	for (int i = 0; i < MINE; i++)
		mine[i * 4096] ^= 1;
	end(c);
	if (h > 0)
		end(h);
	return 0;
}

int main(void)
{
	ready = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	mine = mmap(NULL, MINE * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (ready == MAP_FAILED || mine == MAP_FAILED) {
		printf("@@FAIL " T ": mmap\n");
		return 1;
	}
	memset(mine, 7, MINE * 4096);
	touch_image();
	if (round_(0)) /* all our pages and leaves made, in the fixed part */
		return 1;
#if FRAMES
	long before = frames_before(3000);
	struct frames_pool then = frames_then;
#endif
	if (round_(1))
		return 1;
#if FRAMES
	struct frames_pool now;
	frames_pool_now(&now);
	printf(T ": pool pages %lu -> %lu, nodes %lu -> %lu\n", then.frames, now.frames,
	       then.nodes, now.nodes);
	if (now.frames <= then.frames)
		printf(T ": (our leaves stayed in the fixed part: nothing moved)\n");
	if (!frames_back(before, 3000))
		return 1;
#endif
	for (int i = 0; i < MINE * 4096; i++)
		if (mine[i] != 7) { /* each round flipped a bit twice */
			printf("@@FAIL " T ": our page %d byte %d is %d\n", i / 4096, i % 4096,
			       mine[i]);
			return 1;
		}
	printf("@@PASS " T "\n");
	return 0;
}
