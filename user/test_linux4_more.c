/* More that Linux programs met: printf's '#' flag on floating point
 * ("%#g" keeps trailing zeros, "%#.0f" keeps the point), strptime (the
 * C locale's conversions, tm_wday/tm_yday filled in), gmtime's zone
 * named "GMT" and local time's "UTC" (glibc without TZ), and atomics
 * gcc cannot inline (an _Atomic struct of 16 bytes, _Atomic long double:
 * calls to libatomic's __atomic_load_16, __atomic_compare_exchange, ...)
 * used from several threads; <pwd.h> (root, the one user) and prctl's
 * thread name. */
#define _GNU_SOURCE
#include <pthread.h>
#include <pwd.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux4_more: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static void fmt(const char *f, double v, const char *want)
{
	char b[64];
	snprintf(b, sizeof b, f, v);
	if (strcmp(b, want)) {
		printf("@@FAIL linux4_more: %s of %g gave '%s', not '%s'\n", f, v, b, want);
		fails++;
	}
}

struct pair { uint64_t a, b; };
static _Atomic struct pair shared_pair;
static _Atomic long double ld;

static void *bump(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		struct pair old = atomic_load(&shared_pair), nw;
		do {
			nw.a = old.a + 1;
			nw.b = old.b + 2;
		} while (!atomic_compare_exchange_weak(&shared_pair, &old, nw));
	}
	return NULL;
}

int main(void)
{
	fmt("%#g", 1.0, "1.00000");
	fmt("%#g", 0.5, "0.500000");
	fmt("%#.3g", 100.0, "100.");
	fmt("%#.0f", 3.0, "3.");
	fmt("%#.0e", 3.0, "3.e+00");
	fmt("%g", 1.0, "1");

	struct tm tm;
	memset(&tm, 0, sizeof tm);
	char *rest = strptime("2024-03-15 10:20:30 tail", "%Y-%m-%d %H:%M:%S", &tm);
	CHECK(rest && strcmp(rest, " tail") == 0);
	CHECK(tm.tm_year == 124 && tm.tm_mon == 2 && tm.tm_mday == 15 && tm.tm_hour == 10 &&
	      tm.tm_min == 20 && tm.tm_sec == 30 && tm.tm_wday == 5 && tm.tm_yday == 74);
	memset(&tm, 0, sizeof tm);
	CHECK(strptime("Tue, 05 Nov 1996 08:49:37 PM", "%a, %d %b %Y %I:%M:%S %p", &tm) != NULL);
	CHECK(tm.tm_year == 96 && tm.tm_mon == 10 && tm.tm_mday == 5 && tm.tm_hour == 20 && tm.tm_wday == 2);
	memset(&tm, 0, sizeof tm);
	CHECK(strptime("12/31/99", "%D", &tm) && tm.tm_year == 99 && tm.tm_mon == 11 && tm.tm_mday == 31);
	CHECK(strptime("07/04/21", "%D", &tm) && tm.tm_year == 121);
	CHECK(strptime("2024-13-01", "%Y-%m-%d", &tm) == NULL);
	CHECK(strptime("1700000000", "%s", &tm) && tm.tm_year == 123 && tm.tm_mon == 10 && tm.tm_mday == 14);

	time_t zero = 0;
	struct tm g, l;
	char b[32];
	gmtime_r(&zero, &g);
	CHECK(strftime(b, sizeof b, "%Z", &g) == 3 && strcmp(b, "GMT") == 0);
	setenv("TZ", "UTC", 1); /* glibc's local time is then UTC too */
	tzset();
	localtime_r(&zero, &l);
	CHECK(strftime(b, sizeof b, "%Z %z", &l) && strcmp(b, "UTC +0000") == 0);

	atomic_store(&ld, 2.5L);
	long double want = 2.5L, next = 3.75L;
	CHECK(atomic_compare_exchange_strong(&ld, &want, next) && atomic_load(&ld) == 3.75L);
	pthread_t t[3];
	for (int i = 0; i < 3; i++)
		CHECK(pthread_create(&t[i], NULL, bump, NULL) == 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	struct pair p = atomic_load(&shared_pair);
	CHECK(p.a == 6000 && p.b == 12000);
	struct passwd *pw = getpwuid(getuid());
	CHECK(pw && strcmp(pw->pw_name, "root") == 0 && pw->pw_uid == 0 && pw->pw_dir[0] == '/');
	CHECK(getpwnam("root") != NULL && getpwnam("nobody-such") == NULL);
	char nm[16] = "";
	CHECK(prctl(PR_SET_NAME, (unsigned long)"prctl-name", 0, 0, 0) == 0);
	CHECK(prctl(PR_GET_NAME, (unsigned long)nm, 0, 0, 0) == 0 && strcmp(nm, "prctl-name") == 0);
	if (!fails)
		printf("@@PASS linux4_more\n");
	return fails != 0;
}
