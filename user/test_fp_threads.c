/* Floating point in ring 3, as ordinary C: two threads on one CPU compute
 * with doubles (each its own series, yielding to the other all the time,
 * so their x87/SSE registers are saved and restored across switches) and
 * must each get the same results as the same computation run alone; printf
 * prints them with %f, %e and %g.  @@PASS fp_threads_printf. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include "sys/proc.h"
#include "sys/syscall.h"
#include "sys/test.h"

#define NAME "fp_threads_printf"
#define STEPS 3000

struct job {
	double seed, result;
	volatile int done;
	int yield;
};

/* A series that uses the whole of the FPU/SSE state the compiler keeps in
 * registers across the yields. */
static double series(double seed, int yield)
{
	double acc = 0, x = seed, y = 1.0 / seed;
	for (int i = 1; i <= STEPS; i++) {
		acc += x / i - y * y / (i + seed);
		x = x * 1.0001 + 0.5 / i;
		y = sqrt(y + 1e-3 * i);
		if (yield && i % 16 == 0)
			sys_yield();
	}
	return acc;
}

static void worker(void *arg)
{
	struct job *j = arg;
	j->result = series(j->seed, j->yield);
	j->done = 1;
}

/* snprintf's text of a conversion must be want. */
static void fmt_is(const char *got, const char *want)
{
	if (strcmp(got, want))
		test_fail(NAME, "printf gave \"%s\", want \"%s\"", got, want);
}

static void check_printf(void)
{
	char b[64];
	snprintf(b, sizeof b, "%.3f", 3.14159); fmt_is(b, "3.142");
	snprintf(b, sizeof b, "%f", -2.5); fmt_is(b, "-2.500000");
	snprintf(b, sizeof b, "%8.2f|", 1.005e2); fmt_is(b, "  100.50|");
	snprintf(b, sizeof b, "%e", 12345.678); fmt_is(b, "1.234568e+04");
	snprintf(b, sizeof b, "%g", 0.0001); fmt_is(b, "0.0001");
	snprintf(b, sizeof b, "%g", 1e-5); fmt_is(b, "1e-05");
	snprintf(b, sizeof b, "%g", 123456789.0); fmt_is(b, "1.23457e+08");
	snprintf(b, sizeof b, "%g", 100.0); fmt_is(b, "100");
	snprintf(b, sizeof b, "%.0f", 1.5); fmt_is(b, "2");
	snprintf(b, sizeof b, "%05.1f", 2.26); fmt_is(b, "002.3");
	snprintf(b, sizeof b, "%f", 1.0 / 0.0); fmt_is(b, "inf");
	snprintf(b, sizeof b, "%d %.2f %s", 7, 0.126, "x"); fmt_is(b, "7 0.13 x");
}

int main(void)
{
	static struct job jobs[2] = { { .seed = 1.5, .yield = 1 }, { .seed = 7.25, .yield = 1 } };
	double alone[2];
	check_printf();
	for (int i = 0; i < 2; i++)
		alone[i] = series(jobs[i].seed, 0);
	for (int i = 0; i < 2; i++)
		TEST_ERR(NAME, thread_start_on(0, worker, &jobs[i], 64 << 10), E_OK);
	/* the main thread computes too, on its own CPU or the same */
	double mine = series(3.0, 1);
	for (int t = 0; t < 60000 && !(jobs[0].done && jobs[1].done); t++)
		sys_sleep_ms(1);
	TEST_CHECK(NAME, jobs[0].done && jobs[1].done);
	printf("fp_threads_printf: thread 1 %.12f (alone %.12f), thread 2 %.12e (alone %.12e), "
	       "main %g\n", jobs[0].result, alone[0], jobs[1].result, alone[1], mine);
	for (int i = 0; i < 2; i++)
		if (memcmp(&jobs[i].result, &alone[i], sizeof(double)))
			test_fail(NAME, "thread %d got %.17g, alone %.17g", i + 1,
				  jobs[i].result, alone[i]);
	TEST_CHECK(NAME, mine == series(3.0, 0));
	TEST_CHECK(NAME, alone[0] != alone[1]);
	test_pass(NAME);
	return 0;
}
