/* <sys/time.h>: gettimeofday (the clock of clock_gettime(CLOCK_REALTIME):
 * the calendar, UTC) and the timeval macros. */
#ifndef _SYS_TIME_H
#define _SYS_TIME_H

#include <sys/types.h>
#include <time.h>

struct timeval {
	time_t tv_sec;
	suseconds_t tv_usec;
};

/* Ignored (always zero), as on Linux. */
struct timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

/* *tv = the time; tz (obsolete) gets zeros.  0, or -1 with EINVAL. */
int gettimeofday(struct timeval *tv, void *tz);
/* Times are not kept on files (libsys/libc6.c): the file must be there. */
int utimes(const char *path, const struct timeval tv[2]);
int futimes(int fd, const struct timeval tv[2]);
int lutimes(const char *path, const struct timeval tv[2]);

/* Interval timers: ITIMER_REAL (SIGALRM when it runs out, then every
 * it_interval if not zero), in milliseconds (a value below 1 ms is 1 ms);
 * ITIMER_VIRTUAL (SIGVTALRM) and ITIMER_PROF (SIGPROF) count the process's
 * CPU time (all of it user time here, so both alike; not while it
 * sleeps: libsys/libc8.c, over a POSIX timer on CLOCK_PROCESS_CPUTIME_ID).
 * setitimer: 0, or -1 with EINVAL (another timer, bad fields). */
#define ITIMER_REAL    0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF    2
struct itimerval {
	struct timeval it_interval;
	struct timeval it_value;
};
int setitimer(int which, const struct itimerval *nv, struct itimerval *ov);
int getitimer(int which, struct itimerval *cur);

#define timerisset(t) ((t)->tv_sec || (t)->tv_usec)
#define timerclear(t) ((t)->tv_sec = (t)->tv_usec = 0)
#define timercmp(a, b, CMP) \
	(((a)->tv_sec == (b)->tv_sec) ? ((a)->tv_usec CMP (b)->tv_usec) : \
					((a)->tv_sec CMP (b)->tv_sec))
#define timeradd(a, b, res) \
	do { \
		(res)->tv_sec = (a)->tv_sec + (b)->tv_sec; \
		(res)->tv_usec = (a)->tv_usec + (b)->tv_usec; \
		if ((res)->tv_usec >= 1000000) { \
			(res)->tv_sec++; \
			(res)->tv_usec -= 1000000; \
		} \
	} while (0)
#define timersub(a, b, res) \
	do { \
		(res)->tv_sec = (a)->tv_sec - (b)->tv_sec; \
		(res)->tv_usec = (a)->tv_usec - (b)->tv_usec; \
		if ((res)->tv_usec < 0) { \
			(res)->tv_sec--; \
			(res)->tv_usec += 1000000; \
		} \
	} while (0)

#define TIMEVAL_TO_TIMESPEC(tv, ts) \
	do { (ts)->tv_sec = (tv)->tv_sec; (ts)->tv_nsec = (tv)->tv_usec * 1000; } while (0)
#define TIMESPEC_TO_TIMEVAL(tv, ts) \
	do { (tv)->tv_sec = (ts)->tv_sec; (tv)->tv_usec = (ts)->tv_nsec / 1000; } while (0)

#include <sys/select.h> /* select, as glibc's <sys/time.h> gives it */

#endif
