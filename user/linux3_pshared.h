/* Shared by the test_linux3_pshared_*.c programs, each still a plain
 * Linux program (built with gcc and glibc, the frame check is left out).
 * Define T, the test's name, before including this. */
#ifndef LINUX3_PSHARED_H
#define LINUX3_PSHARED_H
#include <errno.h>
#include <unistd.h>
#include "linux_frames.h"

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL " T ": line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

/* The test's main part: run(0) once so the pager's pools grow for good,
 * then run(1) and check every free frame came back; prints @@PASS T when
 * nothing failed and returns main's status. */
static int run_twice(void (*run)(int second))
{
	touch_image();
	run(0);
	long before = sysconf(_SC_AVPHYS_PAGES);
	run(1);
#if FRAMES
	CHECK(frames_back(before, 3000));
#else
	(void)before;
#endif
	if (!fails)
		printf("@@PASS " T "\n");
	return fails != 0;
}
#endif
