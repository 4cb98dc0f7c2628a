/* <sys/times.h>: times() in clock ticks (sysconf(_SC_CLK_TCK), 100):
 * the return value counts from boot; tms_utime the time since the process
 * started (no CPU time is kept: see CLOCK_PROCESS_CPUTIME_ID), tms_stime
 * and the children's 0. */
#ifndef _SYS_TIMES_H
#define _SYS_TIMES_H
#include <time.h>
struct tms {
	clock_t tms_utime;
	clock_t tms_stime;
	clock_t tms_cutime;
	clock_t tms_cstime;
};
clock_t times(struct tms *buf);
#endif
