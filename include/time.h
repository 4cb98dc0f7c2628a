/* Time from the cycle counter: CLOCK_MONOTONIC counts from boot,
 * CLOCK_REALTIME is the calendar (UTC: the RTC the kernel read at boot,
 * plus the cycles since; never set); nanosleep sleeps at least as long
 * as CLOCK_MONOTONIC says. */
#ifndef _TIME_H
#define _TIME_H

#include <sys/types.h>

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1
/* The CPU-time clocks count the CPU time the kernel's tick charged the
 * process (all its threads, ended ones too, since it started or last
 * exec'd) or the calling thread, in steps of about 1 ms.  The
 * others are CLOCK_MONOTONIC (RAW, COARSE, BOOTTIME) or CLOCK_REALTIME
 * (COARSE). */
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW      4
#define CLOCK_REALTIME_COARSE    5
#define CLOCK_MONOTONIC_COARSE   6
#define CLOCK_BOOTTIME           7
#define CLOCK_REALTIME_ALARM     8 /* CLOCK_REALTIME (nothing sleeps to wake) */
#define CLOCK_BOOTTIME_ALARM     9 /* CLOCK_MONOTONIC */
#define CLOCK_TAI               11 /* CLOCK_REALTIME: Linux's offset until NTP sets one */
#define TIMER_ABSTIME            1
#define CLOCKS_PER_SEC  1000000l

#ifndef __timespec_defined /* signal.h has it too, as glibc's */
#define __timespec_defined 1
struct timespec {
	time_t tv_sec;
	long tv_nsec;
};
#endif

typedef long clock_t;

/* Broken-down time: UTC only (no time zones: localtime is gmtime). */
struct tm {
	int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
	long tm_gmtoff;
	const char *tm_zone;
};
struct tm *gmtime(const time_t *t);
struct tm *gmtime_r(const time_t *t, struct tm *tm);
struct tm *localtime(const time_t *t);
struct tm *localtime_r(const time_t *t, struct tm *tm);
time_t mktime(struct tm *tm);
time_t timelocal(struct tm *tm);
time_t timegm(struct tm *tm);
size_t strftime(char *s, size_t max, const char *fmt, const struct tm *tm);
char *asctime(const struct tm *tm);
char *asctime_r(const struct tm *tm, char *buf);
char *ctime(const time_t *t);
char *ctime_r(const time_t *t, char *buf);
double difftime(time_t a, time_t b);
/* 1 ns for both clocks (the cycle counter). */
int clock_getres(clockid_t clk, struct timespec *res);

int clock_gettime(clockid_t clk, struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);
/* A relative or (TIMER_ABSTIME) absolute sleep on clk: 0, or the error
 * (EINVAL: bad clock, flags or nanoseconds), not errno. */
int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
		    struct timespec *rem);
time_t time(time_t *t);

/* POSIX timers (libsys/ptimer.c; the pager's alarm thread keeps their
 * deadlines, in ms: values are rounded up to a ms).  Up to 16 per
 * process; not inherited by fork, gone with exec and the process. */
typedef void *timer_t;
struct itimerspec {
	struct timespec it_interval;
	struct timespec it_value;
};
struct sigevent;
/* clk CLOCK_REALTIME, CLOCK_MONOTONIC or CLOCK_PROCESS_CPUTIME_ID (the
 * process's CPU time); sev NULL: SIGALRM with si_value the id.  0, or -1
 * with EINVAL, EAGAIN (16 already). */
int timer_create(clockid_t clk, struct sigevent *sev, timer_t *id);
/* Arm (it_value not 0: relative, or absolute on the timer's clock with
 * TIMER_ABSTIME; then every it_interval) or disarm; *old (may be NULL)
 * = what it was.  0, or -1 with EINVAL. */
int timer_settime(timer_t id, int flags, const struct itimerspec *nv, struct itimerspec *old);
int timer_gettime(timer_t id, struct itimerspec *cur);
/* The expirations missed (late by more than an interval) at the last. */
int timer_getoverrun(timer_t id);
int timer_delete(timer_t id);
clock_t clock(void);

/* C11's timespec_get (TIME_UTC: CLOCK_REALTIME) and the CPU-time clock
 * of a process (libsys/libc5.c). */
#define TIME_UTC 1
int timespec_get(struct timespec *ts, int base);
int clock_getcpuclockid(pid_t pid, clockid_t *clk);

/* Parse s by fmt into *tm, the C locale's names (libsys/libc5.c). */
char *strptime(const char *s, const char *fmt, struct tm *tm);

/* Time zones are not kept: local time is UTC (libsys/libc2.c). */
extern char *tzname[2];
extern long timezone;
extern int daylight;
void tzset(void);

#endif
