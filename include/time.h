/* Time: CLOCK_MONOTONIC (and CLOCK_REALTIME, the same clock: seconds since
 * boot) from the cycle counter; nanosleep in milliseconds. */
#ifndef _TIME_H
#define _TIME_H

#include <sys/types.h>

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1
#define CLOCKS_PER_SEC  1000000l

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

typedef long clock_t;

int clock_gettime(clockid_t clk, struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);
time_t time(time_t *t);
clock_t clock(void);

#endif
