/* For the test programs written as plain Linux programs that count free
 * frames (test_linux3_pshared_*, test_hunt2_*): built with gcc and glibc
 * they leave the count out (FRAMES 0).  Define T, the test's name, before
 * including this. */
#ifndef LINUX_FRAMES_H
#define LINUX_FRAMES_H
#include <stdio.h>
#ifdef __GLIBC__
static inline void touch_image(void) {}
#define FRAMES 0
#else
#include <sys/test.h>
#include "abi/pager.h"
int pager_stats(struct pg_stats *st); /* (sys/unistd.h's: its other names clash) */
#define FRAMES 1
#endif

#if FRAMES
/* The pager's pools when frames_before counted (all 0 if it did not: then
 * frames_back accepts no pool page as explained). */
static struct frames_pool frames_then;

/* frames_steady(ms), the pools' state then kept for frames_back. */
static inline long frames_before(unsigned ms)
{
	long n = (long)frames_steady(ms);
	frames_pool_now(&frames_then);
	return n;
}

/* The free frames once they are back to before (or ms passed): printed;
 * 1 if none was lost, else a @@FAIL line and 0.  Frames short of before
 * that the pager's pools hold for nodes still in use (frames_pool_moved:
 * a page-table page of ours moved to a grown pool page) are no loss, and
 * said so. */
static inline int frames_back(long before, unsigned ms)
{
	long after = (long)frames_settle((uint64_t)before, ms);
	printf(T ": %ld free frames before, %ld after\n", before, after);
	if (after >= before)
		return 1;
	if (frames_pool_moved((uint64_t)before, &frames_then, (uint64_t)after)) {
		printf(T ": the %ld short are pager pool pages of nodes in use, as many "
		       "nodes as before\n", before - after);
		return 1;
	}
	frames_explain(T);
	printf("@@FAIL " T ": %ld frames lost\n", before - after);
	return 0;
}
#endif

/* The pager's OOM kills so far (0 under Linux): a test that lets the OOM
 * killer end its processes (40 MiB leaves some 800 frames free) takes a
 * SIGKILL status only when this moved meanwhile. */
static inline unsigned long oom_kills_now(void)
{
#if FRAMES
	struct pg_stats st;
	if (pager_stats(&st) == 0)
		return (unsigned long)st.oom_kills;
#endif
	return 0;
}

/* main's part of a test whose run() returns nonzero on a failure (having
 * said it): run once (the pager's pools grow for good), then again with
 * the free frames counted around it; @@PASS T and 0 if all went well. */
static inline int run_twice_counted(int (*run)(void))
{
	touch_image();
	if (run())
		return 1;
#if FRAMES
	long before = frames_before(3000);
#endif
	if (run())
		return 1;
#if FRAMES
	if (!frames_back(before, 3000))
		return 1;
#endif
	printf("@@PASS " T "\n");
	return 0;
}
#endif
