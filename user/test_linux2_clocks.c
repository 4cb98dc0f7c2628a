/* The clocks: CLOCK_MONOTONIC never goes back, CLOCK_REALTIME agrees with
 * time() and gettimeofday(), the CPU-time clocks and clock() grow with
 * work, clock_getres, nanosleep sleeps at least as asked; bad ids EINVAL. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_clocks: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

static volatile double sink;

int main(void)
{
	struct timespec a, b, r;
	clockid_t ids[] = { CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
			    CLOCK_THREAD_CPUTIME_ID, CLOCK_MONOTONIC_RAW, CLOCK_REALTIME_COARSE,
			    CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME };
	for (unsigned i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		CHECK(clock_gettime(ids[i], &a) == 0);
		CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
		CHECK(clock_getres(ids[i], &r) == 0 && ns(&r) > 0 && ns(&r) <= 10000000);
	}
	errno = 0;
	CHECK(clock_gettime((clockid_t)12345, &a) == -1 && errno == EINVAL);

	/* monotonic: never backwards */
	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	int back = 0;
	for (int i = 0; i < 10000; i++) {
		CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
		if (ns(&b) < ns(&a))
			back++;
		a = b;
	}
	CHECK(back == 0);

	/* realtime: after 2020, agrees with time() and gettimeofday() */
	struct timeval tv;
	CHECK(clock_gettime(CLOCK_REALTIME, &a) == 0);
	time_t t = time(NULL);
	time_t t2;
	CHECK(time(&t2) >= t && t2 - t < 5);
	CHECK(gettimeofday(&tv, NULL) == 0);
	CHECK(a.tv_sec > 1577836800); /* 2020-01-01 */
	CHECK(t >= a.tv_sec && t - a.tv_sec < 5);
	CHECK(tv.tv_sec >= a.tv_sec && tv.tv_sec - a.tv_sec < 5 && tv.tv_usec >= 0 && tv.tv_usec < 1000000);

	/* CPU time grows with work */
	clock_t c0 = clock();
	CHECK(c0 != (clock_t)-1);
	struct timespec p0, p1, t0, t1;
	CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p0) == 0);
	CHECK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0) == 0);
	struct timespec w0, w1;
	clock_gettime(CLOCK_MONOTONIC, &w0);
	double x = 0;
	do {
		for (int i = 0; i < 100000; i++)
			x += i * 0.5;
		clock_gettime(CLOCK_MONOTONIC, &w1);
	} while (ns(&w1) - ns(&w0) < 50000000);
	sink = x;
	CHECK(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p1) == 0);
	CHECK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1) == 0);
	CHECK(ns(&p1) > ns(&p0));
	CHECK(ns(&t1) > ns(&t0));
	CHECK(clock() > c0);
	CHECK(CLOCKS_PER_SEC == 1000000);

	/* sleeps */
	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	struct timespec req = { 0, 20000000 }, rem;
	CHECK(nanosleep(&req, &rem) == 0);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
	CHECK(ns(&b) - ns(&a) >= 20000000);
	CHECK(usleep(10000) == 0);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL) == 0);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	struct timespec abs = a;
	abs.tv_nsec += 10000000;
	if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0 && ns(&b) >= ns(&abs));
	req.tv_nsec = 1000000000;
	errno = 0;
	CHECK(nanosleep(&req, NULL) == -1 && errno == EINVAL);
	CHECK(sleep(0) == 0);
	/* difftime, struct tm */
	CHECK(difftime(t + 10, t) == 10.0);
	struct tm tm;
	CHECK(gmtime_r(&t, &tm) != NULL && tm.tm_year >= 120 && tm.tm_mon >= 0 && tm.tm_mon < 12);
	if (!fails)
		printf("@@PASS linux2_clocks\n");
	return fails != 0;
}
