/* <fenv.h> as Linux programs use it: exception flags raised by SSE and the
 * x87 and cleared, rounding modes honoured by both units (rint, lrint,
 * division), fegetenv/fesetenv/feholdexcept/feupdateenv, FE_DFL_ENV; the
 * GNU feenableexcept (a division by zero then takes SIGFPE with si_code
 * FPE_FLTDIV where the CPU traps); a handler runs with the initial
 * environment (round to nearest, no flags, nothing trapping) and the
 * interrupted one is back after it, as on Linux. */
#define _GNU_SOURCE
#include <fenv.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux4_fenv: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static sigjmp_buf jb;
static volatile int code, handler_round, handler_traps, handler_flags;
static volatile double handler_div;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	code = si->si_code;
	handler_round = fegetround();
	handler_traps = fegetexcept();
	handler_flags = fetestexcept(FE_ALL_EXCEPT);
	volatile double a = 1.0, b = 3.0;
	handler_div = a / b; /* round to nearest in here */
	if (sig == SIGFPE)
		siglongjmp(jb, 1);
}

int main(void)
{
	volatile double zero = 0.0, one = 1.0, three = 3.0;
	volatile long double lz = 0.0L, l1 = 1.0L;
	volatile double h = 2.5, mh = -2.5, a21 = 2.1, ma21 = -2.1, a27 = 2.7, ma27 = -2.7;
	volatile double a35 = 3.5, mhalf = -0.5;

	CHECK(feclearexcept(FE_ALL_EXCEPT) == 0);
	CHECK(fetestexcept(FE_ALL_EXCEPT) == 0);
	volatile double r = one / zero;
	CHECK(isinf(r) && fetestexcept(FE_DIVBYZERO) == FE_DIVBYZERO);
	CHECK(!fetestexcept(FE_INVALID));
	feclearexcept(FE_DIVBYZERO);
	CHECK(!fetestexcept(FE_DIVBYZERO));
	r = zero / zero;
	CHECK(isnan(r) && fetestexcept(FE_INVALID));
	feclearexcept(FE_ALL_EXCEPT);
	volatile long double lr = l1 / lz; /* the x87's flag */
	CHECK(isinf(lr) && fetestexcept(FE_DIVBYZERO));
	feclearexcept(FE_ALL_EXCEPT);
	CHECK(!fetestexcept(FE_DIVBYZERO));
	r = one / three;
	CHECK(fetestexcept(FE_INEXACT) && !fetestexcept(FE_DIVBYZERO | FE_INVALID));
	r = 1e308 * (three + one);
	CHECK(fetestexcept(FE_OVERFLOW));
	feclearexcept(FE_ALL_EXCEPT);
	CHECK(feraiseexcept(FE_UNDERFLOW | FE_INEXACT) == 0);
	CHECK(fetestexcept(FE_ALL_EXCEPT) == (FE_UNDERFLOW | FE_INEXACT));
	fexcept_t saved;
	CHECK(fegetexceptflag(&saved, FE_ALL_EXCEPT) == 0);
	feclearexcept(FE_ALL_EXCEPT);
	CHECK(fesetexceptflag(&saved, FE_UNDERFLOW) == 0);
	CHECK(fetestexcept(FE_ALL_EXCEPT) == FE_UNDERFLOW);
	feclearexcept(FE_ALL_EXCEPT);

	/* Rounding: both units (gcc inlines rint of a negative as a sum that
	 * is only right to nearest: it is called with positives). */
	CHECK(fegetround() == FE_TONEAREST);
	CHECK(fesetround(FE_UPWARD) == 0 && fegetround() == FE_UPWARD);
	CHECK(rint(h) == 3.0 && lrint(a21) == 3 && lrint(ma21) == -2 && lrint(mh) == -2);
	volatile double up = one / three; /* 1/3 to nearest is below 1/3 */
	CHECK(fesetround(FE_DOWNWARD) == 0);
	CHECK(rint(h) == 2.0 && rint(a27) == 2.0 && lrint(ma21) == -3 && lrint(mh) == -3);
	CHECK(fesetround(FE_TOWARDZERO) == 0);
	CHECK(lrint(ma27) == -2 && rint(a27) == 2.0);
	CHECK(fesetround(FE_TONEAREST) == 0);
	CHECK(rint(h) == 2.0 && rint(a35) == 4.0 && nearbyint(mhalf) == 0.0 && rint(mh) == -2.0);
	CHECK(up > one / three && up == nextafter(one / three, 1.0));
	CHECK(fesetround(12345) != 0 && fegetround() == FE_TONEAREST);
	char buf[32];
	snprintf(buf, sizeof buf, "%.3f", 2.0 / 3.0);
	CHECK(strcmp(buf, "0.667") == 0);

	/* Environments. */
	fenv_t env;
	feclearexcept(FE_ALL_EXCEPT);
	CHECK(fegetenv(&env) == 0);
	fesetround(FE_UPWARD);
	feraiseexcept(FE_INEXACT);
	CHECK(fesetenv(&env) == 0);
	CHECK(fegetround() == FE_TONEAREST && !fetestexcept(FE_INEXACT));
	fesetround(FE_DOWNWARD);
	CHECK(fesetenv(FE_DFL_ENV) == 0 && fegetround() == FE_TONEAREST);
	feraiseexcept(FE_OVERFLOW);
	CHECK(feholdexcept(&env) == 0);
	CHECK(fetestexcept(FE_ALL_EXCEPT) == 0);
	feraiseexcept(FE_INVALID);
	CHECK(feupdateenv(&env) == 0);
	CHECK(fetestexcept(FE_ALL_EXCEPT) == (FE_OVERFLOW | FE_INVALID));
	feclearexcept(FE_ALL_EXCEPT);

	/* A handler runs with the initial environment; the interrupted one
	 * comes back when it returns. */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0 && sigaction(SIGFPE, &sa, NULL) == 0);
	fesetround(FE_UPWARD);
	feraiseexcept(FE_OVERFLOW);
	CHECK(raise(SIGUSR1) == 0);
	CHECK(handler_round == FE_TONEAREST && handler_flags == 0);
	CHECK(handler_div == 1.0 / 3.0);
	CHECK(fegetround() == FE_UPWARD && fetestexcept(FE_OVERFLOW));
	fesetenv(FE_DFL_ENV);

	/* Traps (GNU).  QEMU's TCG raises no floating-point exception: a
	 * division that traps must say which (si_code), one that does not
	 * must still give inf. */
	CHECK(fegetexcept() == 0);
	CHECK(feenableexcept(FE_DIVBYZERO) == 0);
	CHECK(fegetexcept() == FE_DIVBYZERO);
	CHECK(fedisableexcept(FE_DIVBYZERO) == FE_DIVBYZERO && fegetexcept() == 0);
	feenableexcept(FE_DIVBYZERO);
	code = 0;
	if (sigsetjmp(jb, 1) == 0) {
		r = one / zero;
		CHECK(isinf(r));
	} else {
		CHECK(code == FPE_FLTDIV);
		CHECK(handler_round == FE_TONEAREST && handler_traps == 0);
	}
	fesetenv(FE_DFL_ENV);
	feclearexcept(FE_ALL_EXCEPT);
	r = one / zero; /* masked again: no trap */
	CHECK(isinf(r) && fegetexcept() == 0);
	if (!fails)
		printf("@@PASS linux4_fenv\n");
	return fails != 0;
}
