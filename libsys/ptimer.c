/* POSIX timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun, timer_delete.
 *
 * The pager keeps each timer's deadline and interval (PG_TIMER) and its
 * alarm thread fires them as it fires alarm's SIGALRM: the signal's
 * siginfo has si_code SI_TIMER and si_timerid the id; libsys_sig_entry
 * puts the timer's sigev_value into si_value from the table here
 * (libsys_timer_info).  SIGEV_THREAD timers signal libsys's own timer
 * thread (signal 32, to that thread alone): woken, it asks the pager
 * which of them expired (PG_TIMER_FIRED) and starts a new detached
 * thread for each that runs sigev_notify_function(sigev_value).  A timer
 * on CLOCK_PROCESS_CPUTIME_ID counts the process's CPU time (PG_TIMER_CPU;
 * the pager looks at it as often as it could reach the deadline);
 * CLOCK_THREAD_CPUTIME_ID is not offered (EINVAL). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "abi/pager.h"
#include "libsys.h"

#define SIGTIMER 32 /* libsys's own: wakes the timer thread */

static struct {
	int used, notify;
	clockid_t clk;
	union sigval value;
	void (*fn)(union sigval);
} timers[PG_TIMERS];

static pthread_t timer_thread;
static pid_t timer_thread_up; /* the pid it was started in (a fork child has none) */
static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;

void libsys_timer_fork(int stage)
{
	if (stage == 0)
		pthread_mutex_lock(&timer_lock);
	else
		pthread_mutex_unlock(&timer_lock);
}

/* si of a SI_TIMER signal gets its timer's sigev_value. */
void libsys_timer_info(siginfo_t *si)
{
	unsigned id = (unsigned)si->si_timerid;
	si->si_overrun = 0;
	if (id < PG_TIMERS && timers[id].used)
		si->si_value = timers[id].value;
}

static int timer_call(uint64_t op, uint64_t a, uint64_t b, uint64_t c, struct sys_msg *m)
{
	*m = (struct sys_msg){ .label = PG_TIMER, .w = { op, a, b, c } };
	return libsys_pg_call(m);
}

/* The new thread of one SIGEV_THREAD expiry. */
static void *run_notify(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;
	void (*fn)(union sigval) = timers[id].fn;
	union sigval v = timers[id].value;
	if (fn)
		fn(v);
	return NULL;
}

static void timer_wake(int sig)
{
	(void)sig;
}

/* libsys's timer thread: every signal blocked but SIGTIMER, it sleeps in
 * sigsuspend; woken, it starts a thread for each expired SIGEV_THREAD
 * timer the pager names. */
static void *timer_main(void *arg)
{
	(void)arg;
	sigset_t all, wait;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL);
	wait = all & ~(1ul << (SIGTIMER - 1));
	for (;;) {
		sigsuspend(&wait);
		struct sys_msg m;
		if (timer_call(PG_TIMER_FIRED, 0, 0, 0, &m))
			continue;
		for (unsigned id = 0; id < PG_TIMERS; id++) {
			if (!((m.w[0] >> id) & 1) || !timers[id].used)
				continue;
			pthread_t t;
			pthread_attr_t at;
			pthread_attr_init(&at);
			pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
			pthread_create(&t, &at, run_notify, (void *)(uintptr_t)id);
			pthread_attr_destroy(&at);
		}
	}
	return NULL;
}

/* Start the timer thread once; its pager index + 1, or 0 on failure. */
static unsigned timer_thread_slot(void)
{
	pthread_mutex_lock(&timer_lock);
	pid_t me = getpid();
	if (timer_thread_up != me) {
		timer_thread_up = 0;
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = timer_wake;
		sigfillset(&sa.sa_mask);
		sa.sa_flags = SA_RESTART;
		if (sigaction(SIGTIMER, &sa, NULL) == 0 &&
		    pthread_create(&timer_thread, NULL, timer_main, NULL) == 0)
			timer_thread_up = me;
	}
	pthread_mutex_unlock(&timer_lock);
	uint64_t ktid;
	unsigned slot = timer_thread_up ? libsys_pthread_slot(timer_thread, &ktid) : 0; /* index + 1 */
	return slot == ~0u ? 0 : slot;
}

int timer_create(clockid_t clk, struct sigevent *sev, timer_t *id)
{
	/* the process's CPU-time clock: the pager fires it when the CPU
	 * time the kernel counts for the process reaches the deadline */
	if ((clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC &&
	     clk != CLOCK_PROCESS_CPUTIME_ID) || !id) {
		errno = EINVAL;
		return -1;
	}
	int notify = sev ? sev->sigev_notify : SIGEV_SIGNAL;
	int sig = sev ? sev->sigev_signo : SIGALRM;
	uint64_t w1;
	if (notify == SIGEV_SIGNAL && sig >= 1 && sig < _NSIG)
		w1 = (uint64_t)sig;
	else if (notify == SIGEV_NONE)
		w1 = 0;
	else if (notify == SIGEV_THREAD && sev->sigev_notify_function) {
		unsigned slot = timer_thread_slot();
		if (!slot) {
			errno = EAGAIN;
			return -1;
		}
		w1 = SIGTIMER | (uint64_t)slot << 8;
	} else {
		errno = EINVAL;
		return -1;
	}
	if (clk == CLOCK_PROCESS_CPUTIME_ID)
		w1 |= PG_TIMER_CPU;
	struct sys_msg m;
	int e = timer_call(PG_TIMER_CREATE, w1, 0, 0, &m);
	if (e)
		return libsys_fail(e);
	unsigned n = (unsigned)m.w[0];
	timers[n].notify = notify;
	timers[n].clk = clk;
	timers[n].value = sev ? sev->sigev_value : (union sigval){ .sival_int = (int)n };
	timers[n].fn = notify == SIGEV_THREAD ? sev->sigev_notify_function : NULL;
	__atomic_store_n(&timers[n].used, 1, __ATOMIC_RELEASE);
	*id = (timer_t)(uintptr_t)n;
	return 0;
}

/* A time as ms, rounded up (a time that is not 0 is at least 1 ms). */
static uint64_t ts_ms(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000 + ((uint64_t)ts->tv_nsec + 999999) / 1000000;
}

static void ms_ts(uint64_t ms, struct timespec *ts)
{
	ts->tv_sec = (time_t)(ms / 1000);
	ts->tv_nsec = (long)(ms % 1000 * 1000000);
}

static int bad_ts(const struct timespec *ts)
{
	return ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000;
}

static unsigned timer_id(timer_t id)
{
	uintptr_t n = (uintptr_t)id;
	return n < PG_TIMERS && timers[n].used ? (unsigned)n : PG_TIMERS;
}

int timer_settime(timer_t id, int flags, const struct itimerspec *nv, struct itimerspec *old)
{
	unsigned n = timer_id(id);
	if (n == PG_TIMERS || !nv || bad_ts(&nv->it_value) || bad_ts(&nv->it_interval)) {
		errno = EINVAL;
		return -1;
	}
	uint64_t ms = ts_ms(&nv->it_value);
	if (ms && (flags & TIMER_ABSTIME)) { /* past: at once (1 ms) */
		struct timespec now;
		clock_gettime(timers[n].clk, &now);
		int64_t ns = ((int64_t)nv->it_value.tv_sec - now.tv_sec) * 1000000000 +
			     (nv->it_value.tv_nsec - now.tv_nsec);
		ms = ns <= 0 ? 1 : ((uint64_t)ns + 999999) / 1000000;
	}
	struct sys_msg m;
	int e = timer_call(PG_TIMER_SET, n, ms, ms ? ts_ms(&nv->it_interval) : 0, &m);
	if (e)
		return libsys_fail(e);
	if (old) {
		ms_ts(m.w[0], &old->it_value);
		ms_ts(m.w[1], &old->it_interval);
	}
	return 0;
}

int timer_gettime(timer_t id, struct itimerspec *cur)
{
	unsigned n = timer_id(id);
	struct sys_msg m;
	if (n == PG_TIMERS || !cur) {
		errno = EINVAL;
		return -1;
	}
	int e = timer_call(PG_TIMER_GET, n, 0, 0, &m);
	if (e)
		return libsys_fail(e);
	ms_ts(m.w[0], &cur->it_value);
	ms_ts(m.w[1], &cur->it_interval);
	return 0;
}

int timer_getoverrun(timer_t id)
{
	unsigned n = timer_id(id);
	struct sys_msg m;
	if (n == PG_TIMERS) {
		errno = EINVAL;
		return -1;
	}
	int e = timer_call(PG_TIMER_GET, n, 0, 0, &m);
	if (e)
		return libsys_fail(e);
	return (int)m.w[2];
}

int timer_delete(timer_t id)
{
	unsigned n = timer_id(id);
	struct sys_msg m;
	if (n == PG_TIMERS) {
		errno = EINVAL;
		return -1;
	}
	int e = timer_call(PG_TIMER_DELETE, n, 0, 0, &m);
	if (e)
		return libsys_fail(e);
	__atomic_store_n(&timers[n].used, 0, __ATOMIC_RELEASE);
	return 0;
}
