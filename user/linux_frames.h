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
#define FRAMES 1
#endif

#if FRAMES
/* The free frames once they are back to before (or ms passed): printed;
 * 1 if none was lost, else a @@FAIL line and 0. */
static inline int frames_back(long before, unsigned ms)
{
	long after = (long)frames_settle((uint64_t)before, ms);
	printf(T ": %ld free frames before, %ld after\n", before, after);
	if (after >= before)
		return 1;
	printf("@@FAIL " T ": %ld frames lost\n", before - after);
	return 0;
}
#endif

/* main's part of a test whose run() returns nonzero on a failure (having
 * said it): run once (the pager's pools grow for good), then again with
 * the free frames counted around it; @@PASS T and 0 if all went well. */
static inline int run_twice_counted(int (*run)(void))
{
	touch_image();
	if (run())
		return 1;
#if FRAMES
	long before = (long)frames_steady(3000);
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
