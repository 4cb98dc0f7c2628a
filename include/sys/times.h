/* <sys/times.h>: times() in clock ticks (sysconf(_SC_CLK_TCK), 100):
 * the return value counts from boot; tms_utime the process's CPU time,
 * tms_cutime its reaped children's (getrusage's ru_utime); all of it is
 * user time, tms_stime and tms_cstime are 0. */
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
