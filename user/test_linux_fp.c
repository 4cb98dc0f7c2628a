#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <float.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_fp: line %d: %s\n", __LINE__, #c); fails++; } } while (0)
#define NEAR(a, b) (fabs((a) - (b)) <= 1e-9 * (fabs(b) > 1 ? fabs(b) : 1))

static double series(int n)
{
	double s = 0;
	for (int i = 1; i <= n; i++) s += 1.0 / ((double)i * i);
	return sqrt(s * 6);
}

static void *fp_thread(void *arg)
{
	double *out = arg;
	double x = 0;
	for (int r = 0; r < 20; r++) x += series(5000);
	*out = x / 20;
	return NULL;
}

int main(void)
{
	CHECK(NEAR(sqrt(2.0), 1.4142135623730951));
	CHECK(NEAR(sin(M_PI / 6), 0.5));
	CHECK(NEAR(cos(M_PI / 3), 0.5));
	CHECK(NEAR(tan(M_PI / 4), 1.0));
	CHECK(NEAR(atan2(1.0, 1.0), M_PI / 4));
	CHECK(NEAR(atan(1.0), M_PI / 4));
	CHECK(NEAR(asin(1.0), M_PI / 2));
	CHECK(NEAR(acos(0.0), M_PI / 2));
	CHECK(NEAR(exp(1.0), 2.718281828459045));
	CHECK(NEAR(log(M_E), 1.0));
	CHECK(NEAR(log10(1000.0), 3.0));
	CHECK(NEAR(log2(1024.0), 10.0));
	CHECK(NEAR(pow(2.0, 10.0), 1024.0));
	CHECK(NEAR(pow(9.0, 0.5), 3.0));
	CHECK(NEAR(cbrt(27.0), 3.0));
	CHECK(NEAR(hypot(3.0, 4.0), 5.0));
	CHECK(floor(-1.5) == -2.0 && ceil(-1.5) == -1.0);
	CHECK(round(2.5) == 3.0 && round(-2.5) == -3.0 && trunc(-2.7) == -2.0);
	CHECK(fmod(7.5, 2.0) == 1.5);
	CHECK(fabs(-3.0) == 3.0);
	CHECK(NEAR(sinh(1.0), 1.1752011936438014) && NEAR(cosh(1.0), 1.5430806348152437) && NEAR(tanh(0.5), 0.46211715726000974));
	CHECK(fmin(1.0, 2.0) == 1.0 && fmax(1.0, 2.0) == 2.0);
	CHECK(isnan(sqrt(-1.0)));
	CHECK(isinf(1.0 / 0.0));
	CHECK(NEAR(sqrtf(16.0f), 4.0f));
	CHECK(lround(2.6) == 3);
	double ip;
	CHECK(modf(3.25, &ip) == 0.25 && ip == 3.0);
	int e;
	CHECK(frexp(8.0, &e) == 0.5 && e == 4);
	CHECK(ldexp(0.5, 4) == 8.0);
	char buf[128];
	snprintf(buf, sizeof buf, "%.3f %e %g %g %5.1f|%-8.2f|", 3.14159, 12345.678, 0.0001, 1e20, 2.25, -1.5);
	CHECK(strcmp(buf, "3.142 1.234568e+04 0.0001 1e+20   2.2|-1.50   |") == 0);
	snprintf(buf, sizeof buf, "%f %.0f %.10f", 1.0 / 3, 0.5, M_PI);
	CHECK(strcmp(buf, "0.333333 0 3.1415926536") == 0);
	CHECK(DBL_EPSILON > 0 && FLT_MAX > 1e38);
	CHECK(NEAR(strtod("1.5e3", NULL), 1500.0) && NEAR(atof("-0.25"), -0.25));
	float f = 1.0f / 3.0f;
	snprintf(buf, sizeof buf, "%.4f", f);
	CHECK(strcmp(buf, "0.3333") == 0);

	double alone = 0;
	fp_thread(&alone);
	pthread_t t[4];
	double res[4];
	for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, fp_thread, &res[i]);
	double mine = 0;
	for (int r = 0; r < 20; r++) mine += series(5000);
	mine /= 20;
	for (int i = 0; i < 4; i++) { pthread_join(t[i], NULL); CHECK(res[i] == alone); }
	CHECK(mine == alone);
	volatile double before = 2.5;
	pid_t pid = fork();
	if (pid == 0) {
		double c = before * 2 + series(100);
		_exit(c == 5.0 + series(100) && NEAR(alone, series(5000)) ? 0 : 1);
	}
	double parent = series(100) * before;
	int st;
	waitpid(pid, &st, 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(parent == series(100) * 2.5);
	printf("linux_fp: pi^2/6 series gives %.12f\n", alone);
	if (!fails)
		printf("@@PASS linux_fp\n");
	return fails != 0;
}
