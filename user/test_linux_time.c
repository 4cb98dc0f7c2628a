#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/time.h>
#include <unistd.h>
#include <errno.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_time: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static long long ns(struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }

int main(void)
{
	struct timespec a, b, res;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
	struct timespec req = { 0, 20 * 1000 * 1000 };
	CHECK(nanosleep(&req, NULL) == 0);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
	CHECK(ns(&b) - ns(&a) >= 20 * 1000 * 1000);
	CHECK(usleep(10000) == 0);
	struct timespec c;
	clock_gettime(CLOCK_MONOTONIC, &c);
	CHECK(ns(&c) - ns(&b) >= 10 * 1000 * 1000);
	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && ns(&res) > 0 && ns(&res) <= 1000000);
	struct timespec rt;
	CHECK(clock_gettime(CLOCK_REALTIME, &rt) == 0);
	time_t now = time(NULL);
	time_t now2;
	CHECK(time(&now2) >= now && now2 >= now);
	CHECK(now > 1600000000);  /* a calendar time: after 2020 */
	CHECK(rt.tv_sec >= now - 1 && rt.tv_sec <= now + 1);
	struct timeval tv;
	CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= now - 1);
	CHECK(difftime(now + 5, now) == 5.0);
	struct tm tmv;
	time_t fixed = 86400 * 365;   /* 1971-01-01 00:00:00 UTC */
	CHECK(gmtime_r(&fixed, &tmv) != NULL);
	CHECK(tmv.tm_year == 71 && tmv.tm_mon == 0 && tmv.tm_mday == 1 && tmv.tm_hour == 0);
	char buf[64];
	CHECK(strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tmv) == 19);
	clock_t c0 = clock();
	volatile double x = 0;
	for (int i = 0; i < 1000000; i++) x += i;
	CHECK(clock() >= c0 && c0 >= 0);
	struct timespec bad = { 0, 2000000000L };
	CHECK(nanosleep(&bad, NULL) == -1 && errno == EINVAL);
	CHECK(clock_gettime(12345, &a) == -1 && errno == EINVAL);
	CHECK(sleep(0) == 0);
	CHECK(CLOCKS_PER_SEC == 1000000);
	if (!fails)
		printf("@@PASS linux_time\n");
	return fails != 0;
}
