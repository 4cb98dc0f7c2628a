/* The FPU and SSE state a program keeps, as an ordinary Linux program
 * (checked under Linux 6.1: make linux-check
 * PROG=user/test_linux11_fpstate.c):
 *   linux11_fpstate_threads  4 threads, each in its own rounding mode
 *                        (fesetround), run a long double and a double
 *                        series while yielding; each ends with its own
 *                        mode and its series' exact bits (a context switch
 *                        keeps MXCSR, the x87 control word and registers);
 *                        a new thread starts with its creator's rounding
 *                        mode and raised flags (C11's inheritance, Linux)
 *   linux11_fpstate_signal   a SIGALRM/SIGUSR1 handler that computes with
 *                        doubles and long doubles (and sets another
 *                        rounding mode and flags) while the main code
 *                        runs a series: the series ends right, the main
 *                        code's mode and exception flags are its own after
 *                        each handler; the handler starts with round to
 *                        nearest and no flags
 *   linux11_fpstate_fork     a fork child inherits the rounding mode and the
 *                        raised flags; its changes do not reach the parent
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fenv.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *part;
static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL %s: line %d: %s (errno %d)\n", part, __LINE__, \
	#c, errno); fails++; fflush(stdout); } } while (0)

static const int modes[4] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };

/* a series whose bits depend on the rounding mode; yields every so often */
static void series(int yield, double *dout, long double *lout)
{
	volatile double d = 0;
	volatile long double l = 0;
	for (int i = 1; i <= 20000; i++) {
		d += 1.0 / i;
		l += 1.0L / (i * 3.0L);
		if (yield && i % 1000 == 0)
			sched_yield();
	}
	*dout = d;
	*lout = l;
}

static double want_d[4];
static long double want_l[4];

struct targ {
	int m;
	int ok_mode;
	double d;
	long double l;
};

static void *worker(void *p)
{
	struct targ *t = p;
	fesetround(modes[t->m]);
	for (int k = 0; k < 3; k++)
		series(1, &t->d, &t->l);
	t->ok_mode = fegetround() == modes[t->m];
	return NULL;
}

static void *inherit(void *p)
{
	(void)p;
	long ok = fegetround() == FE_UPWARD && fetestexcept(FE_ALL_EXCEPT) == FE_OVERFLOW;
	fesetround(FE_DOWNWARD); /* its own from now on */
	feraiseexcept(FE_INVALID);
	return (void *)ok;
}

static void threads(void)
{
	int f = fails;
	part = "linux11_fpstate_threads";
	for (int m = 0; m < 4; m++) { /* the reference values, alone */
		fesetround(modes[m]);
		series(0, &want_d[m], &want_l[m]);
	}
	fesetround(FE_TONEAREST);
	CHECK(want_d[1] != want_d[2] && want_l[1] != want_l[2]);
	pthread_t th[8];
	struct targ ta[8];
	for (int i = 0; i < 8; i++) {
		ta[i].m = i % 4;
		CHECK(pthread_create(&th[i], NULL, worker, &ta[i]) == 0);
	}
	for (int i = 0; i < 8; i++) {
		CHECK(pthread_join(th[i], NULL) == 0);
		CHECK(ta[i].ok_mode);
		CHECK(memcmp(&ta[i].d, &want_d[ta[i].m], sizeof(double)) == 0);
		CHECK(memcmp(&ta[i].l, &want_l[ta[i].m], 10) == 0);
	}
	CHECK(fegetround() == FE_TONEAREST);
	/* a new thread starts with its creator's environment (C11, Linux) */
	fesetround(FE_UPWARD);
	feclearexcept(FE_ALL_EXCEPT);
	feraiseexcept(FE_OVERFLOW);
	void *ret = NULL;
	CHECK(pthread_create(&th[0], NULL, inherit, NULL) == 0 && pthread_join(th[0], &ret) == 0);
	CHECK(ret == (void *)1L);
	CHECK(fegetround() == FE_UPWARD && fetestexcept(FE_ALL_EXCEPT) == FE_OVERFLOW);
	fesetround(FE_TONEAREST);
	feclearexcept(FE_ALL_EXCEPT);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static volatile sig_atomic_t handled, handler_mode_ok, handler_math_ok;

static void on_sig(int sig)
{
	(void)sig;
	/* a handler starts in the default environment on Linux */
	if (fegetround() == FE_TONEAREST && !fetestexcept(FE_ALL_EXCEPT & ~FE_INEXACT))
		handler_mode_ok++;
	fesetround(FE_UPWARD);
	volatile double z = 0;
	volatile double r = 1 / z; /* DIVBYZERO in the handler's state only */
	(void)r;
	volatile long double acc = 0;
	for (int i = 1; i < 200; i++)
		acc += sqrtl((long double)i);
	volatile double s = sin(0.5) * cos(0.5) * 2;
	if (fabs(s - sin(1.0)) < 1e-15 && acc > 1800)
		handler_math_ok++;
	handled++;
}

static void signal_part(void)
{
	int f = fails;
	part = "linux11_fpstate_signal";
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sig;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	for (int m = 0; m < 4; m++) {
		fesetround(modes[m]);
		feclearexcept(FE_ALL_EXCEPT);
		volatile double tiny = 1e-300;
		volatile double u = tiny * tiny; /* FE_UNDERFLOW | FE_INEXACT here */
		(void)u;
		int before = handled;
		struct itimerval it = { { 0, 2000 }, { 0, 2000 } };
		setitimer(ITIMER_REAL, &it, NULL);
		double d;
		long double l;
		for (int k = 0; k < 5; k++) {
			series(0, &d, &l);
			raise(SIGUSR1);
			CHECK(memcmp(&d, &want_d[m], sizeof d) == 0);
			CHECK(memcmp(&l, &want_l[m], 10) == 0);
		}
		struct itimerval off = { { 0, 0 }, { 0, 0 } };
		setitimer(ITIMER_REAL, &off, NULL);
		CHECK(handled >= before + 5);
		CHECK(fegetround() == modes[m]);
		CHECK(fetestexcept(FE_UNDERFLOW) && !fetestexcept(FE_DIVBYZERO));
	}
	CHECK(handler_mode_ok == handled);
	CHECK(handler_math_ok == handled);
	fesetround(FE_TONEAREST);
	feclearexcept(FE_ALL_EXCEPT);
	signal(SIGALRM, SIG_DFL);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

static void fork_part(void)
{
	int f = fails;
	part = "linux11_fpstate_fork";
	fesetround(FE_DOWNWARD);
	feclearexcept(FE_ALL_EXCEPT);
	feraiseexcept(FE_OVERFLOW);
	pid_t pid = fork();
	if (pid == 0) {
		int ok = 1;
		if (fegetround() != FE_DOWNWARD) {
			printf("child: rounding mode 0x%x, not FE_DOWNWARD\n", fegetround());
			ok = 0;
		}
		if (fetestexcept(FE_ALL_EXCEPT) != FE_OVERFLOW) {
			printf("child: flags 0x%x, not FE_OVERFLOW\n", fetestexcept(FE_ALL_EXCEPT));
			ok = 0;
		}
		double d;
		long double l;
		series(1, &d, &l);
		if (memcmp(&d, &want_d[2], sizeof d)) {
			printf("child: series %.17g, not %.17g\n", d, want_d[2]);
			ok = 0;
		}
		fesetround(FE_UPWARD);
		feraiseexcept(FE_INVALID);
		_exit(ok ? 0 : 1);
	}
	double d;
	long double l;
	fesetround(FE_TOWARDZERO);
	series(1, &d, &l);
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(memcmp(&d, &want_d[3], sizeof d) == 0);
	CHECK(fegetround() == FE_TOWARDZERO);
	CHECK(!fetestexcept(FE_INVALID) && fetestexcept(FE_OVERFLOW));
	fesetround(FE_TONEAREST);
	feclearexcept(FE_ALL_EXCEPT);
	if (fails == f)
		printf("@@PASS %s\n", part);
}

int main(void)
{
	threads();
	signal_part();
	fork_part();
	return fails != 0;
}
