/* hunt16_fpsig: a signal handler that computes with floating point must
 * leave the interrupted code's FP state as it was (a plain Linux program,
 * checked on Linux 6.1).  Worker threads, one per CPU and one more, compute
 * series in double (SSE) and long double (x87) under their own rounding
 * mode (nearest, upward, downward, toward zero) and compare each result
 * with the one computed before any signal came; meanwhile SIGALRM (an
 * interval timer) and SIGUSR1 (pthread_kill from a sender thread) run a
 * handler that switches the rounding mode, computes in SSE and x87 and
 * returns without restoring anything.  Every result must match bit for bit
 * and every worker must find its own rounding mode still set.  The handler
 * also checks that it starts in the default mode (round to nearest) as
 * Linux gives it, whatever mode the interrupted code had. */
#define _GNU_SOURCE
#include <fenv.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define NAME "hunt16_fpsig"
#define MAXW 16
#define ROUNDS 300
#define MINSIGS 20

static const int modes[4] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
static atomic_int handler_bad, handler_runs, stop, done;
static atomic_int sigs[MAXW];
static pthread_t tids[MAXW];
static int nworkers;
static __thread int my_index = -1;
static volatile double handler_sink;

/* series_d/series_ld: deterministic sums whose last bits depend on the
 * rounding mode; the same inputs give the same bits every time. */
static double series_d(int n)
{
	volatile double s = 0.0;
	for (int i = 1; i <= n; i++)
		s += 1.0 / (double)(i * 3 + 1) - 1.0 / (double)(i * 7 + 3);
	return s;
}

static long double series_ld(int n)
{
	volatile long double s = 0.0L;
	for (int i = 1; i <= n; i++)
		s += 1.0L / (long double)(i * 5 + 2) * (long double)i / 3.0L;
	return s;
}

/* on_sig: checks it starts in round-to-nearest, then computes under
 * another mode and leaves that mode set on return. */
static void on_sig(int sig)
{
	(void)sig;
	if (fegetround() != FE_TONEAREST)
		atomic_fetch_add(&handler_bad, 1);
	fesetround(FE_UPWARD);
	volatile long double x = 1.0L;
	volatile double y = 1.0;
	for (int i = 0; i < 50; i++) {
		x = x * 1.000001L + 1.0L / 3.0L;
		y = y / 3.0 + 0.1;
	}
	handler_sink = (double)x + y;
	feraiseexcept(FE_INEXACT | FE_DIVBYZERO);
	if (my_index >= 0)
		atomic_fetch_add(&sigs[my_index], 1);
	atomic_fetch_add(&handler_runs, 1);
}

static void *worker(void *arg)
{
	int idx = (int)(long)arg, mode = modes[idx % 4];
	my_index = idx;
	fesetround(mode);
	double ref_d = series_d(2000);
	long double ref_ld = series_ld(2000);
	long bad = 0;
	for (int r = 0; r < ROUNDS || atomic_load(&sigs[idx]) < MINSIGS; r++) {
		feclearexcept(FE_DIVBYZERO);
		double d = series_d(2000);
		long double ld = series_ld(2000);
		if (memcmp(&d, &ref_d, sizeof d) != 0 || ld != ref_ld)
			bad++;
		if (fegetround() != mode)
			bad++;
		if (fetestexcept(FE_DIVBYZERO))
			bad++;
		if (r > 200000)
			break;
	}
	atomic_fetch_add(&done, 1);
	while (!atomic_load(&stop))
		usleep(1000);
	return (void *)bad;
}

static void *sender(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		for (int i = 0; i < nworkers; i++)
			pthread_kill(tids[i], SIGUSR1);
		usleep(500);
	}
	return NULL;
}

int main(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	nworkers = (int)(n + 1 > MAXW ? MAXW : n + 1);
	if (nworkers < 4)
		nworkers = 4;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	for (int i = 0; i < nworkers; i++)
		pthread_create(&tids[i], NULL, worker, (void *)(long)i);
	pthread_t st;
	pthread_create(&st, NULL, sender, NULL);
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	while (atomic_load(&done) < nworkers)
		usleep(2000);
	atomic_store(&stop, 1);
	pthread_join(st, NULL);
	long bad = 0;
	for (int i = 0; i < nworkers; i++) {
		void *r;
		pthread_join(tids[i], &r);
		bad += (long)r;
	}
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	int minsig = 1 << 30;
	for (int i = 0; i < nworkers; i++)
		if (atomic_load(&sigs[i]) < minsig)
			minsig = atomic_load(&sigs[i]);
	printf("%s: %d workers, %d handler runs, fewest per worker %d, %ld bad results, %d handlers not in nearest mode\n",
	       NAME, nworkers, atomic_load(&handler_runs), minsig, bad,
	       atomic_load(&handler_bad));
	if (bad == 0 && atomic_load(&handler_bad) == 0 && minsig >= MINSIGS &&
	    fegetround() == FE_TONEAREST)
		printf("@@PASS %s\n", NAME);
	else
		printf("@@FAIL %s: %ld bad results, %d bad handler starts, fewest signals %d\n",
		       NAME, bad, atomic_load(&handler_bad), minsig);
	return 0;
}
