/* A chain of forks thousands deep, in a process group of its own, killed
 * at once with killpg: each process forks the next and waits.  The pager
 * used to end a process's descendants with it, recursing once per
 * generation on a 64 KiB pager thread stack: about 680 deep faulted the
 * pager and panicked the system (now each process ends alone, its
 * children given to init).  No panic, the first's status is SIGKILL,
 * every frame comes back (the second of two chains counted).  The
 * request is made from CPU 1 when there is one (a 64 KiB pager thread
 * serves it); the chain goes as deep as memory allows, up to DEPTH (at
 * 128 MiB below the old overflow's depth; 1 GiB and 4 GiB reach it). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sys/test.h"

#define NAME  "forkchain_kill"
#define DEPTH 1500

struct shared {
	volatile int depth;   /* processes in the chain so far */
	volatile int done;    /* the last one: 1 = DEPTH reached, 2 = fork failed */
	volatile int err;
	int max;              /* the depth wanted */
};

/* One link: fork the next, then wait (killed from above). */
static void link_(struct shared *s)
{
	for (;;) {
		int d = __atomic_add_fetch(&s->depth, 1, __ATOMIC_SEQ_CST);
		if (d >= s->max) {
			__atomic_store_n(&s->done, 1, __ATOMIC_SEQ_CST);
			break;
		}
		pid_t c = fork();
		if (c < 0) {
			s->err = errno;
			__atomic_store_n(&s->done, 2, __ATOMIC_SEQ_CST);
			break;
		}
		if (c > 0)
			break; /* the child goes on down */
	}
	for (;;)
		pause();
}

/* Grow the chain, kill it from the top; its depth. */
static int chain(struct shared *s)
{
	s->depth = 0;
	s->done = 0;
	pid_t first = fork();
	if (first < 0)
		test_fail(NAME, "fork: errno %d", errno);
	if (first == 0) {
		setpgid(0, 0); /* the chain's group: all of it, not us */
		link_(s);
	}
	for (int ms = 0, last = -1, still = 0; !s->done; ms += 10, usleep(10 * 1000)) {
		if (ms > 600000)
			test_fail(NAME, "the chain is still growing after 600 s (depth %d)", s->depth);
		still = s->depth == last ? still + 10 : 0; /* a link ended by the OOM killer */
		last = s->depth;
		if (still > 20000)
			break;
	}
	if (s->done == 2 && s->err != ENOMEM && s->err != EAGAIN)
		test_fail(NAME, "fork failed with errno %d", s->err);
	if (killpg(first, SIGKILL))
		test_fail(NAME, "killpg: errno %d", errno);
	int st = 0;
	if (waitpid(first, &st, 0) != first || !WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		test_fail(NAME, "the first's status 0x%x", st);
	return s->depth;
}

int main(void)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		cpu_set_t one;
		CPU_ZERO(&one);
		CPU_SET(1, &one);
		if (sched_setaffinity(0, sizeof one, &one))
			test_fail(NAME, "sched_setaffinity: errno %d", errno);
	}
	struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		test_fail(NAME, "mmap: errno %d", errno);
	touch_image();
	/* as deep as memory allows without the OOM killer (a link holds
	 * about 20 frames): at 1 GiB and more, DEPTH */
	s->max = (int)(sysconf(_SC_AVPHYS_PAGES) / 40);
	s->max = s->max > DEPTH ? DEPTH : s->max;
	/* a first chain makes what stays for good (the pager's grown process
	 * table and kernel handle-table chunks); the second is counted */
	int d = chain(s);
	uint64_t before = frames_steady(5000);
	d = chain(s);
	uint64_t after = frames_settle(before, 30000);
	printf(NAME ": chain of %d processes, free frames %lu before, %lu after\n", d,
	       before, after);
	if (after < before)
		test_fail(NAME, "%lu frames not back", before - after);
	munmap(s, sizeof *s);
	printf("@@PASS " NAME "\n");
	return 0;
}
