/* libsys/strftime.c (linked in renamed lsc_strftime, see the Makefile)
 * against glibc 2.36's output for a table of dates and conversions, and
 * against the host's strftime on random dates; out-of-range fields and
 * short buffers under ASan. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "check_run.h"
#include "rng.h"

size_t lsc_strftime(char *s, size_t max, const char *fmt, const struct tm *tm);

/* glibc 2.36 on gmtime_r(t) with tm_zone "UTC". */
static const struct {
	long long t;
	const char *fmt, *out;
} tab[] = {
	{ 0LL, "%r", "12:00:00 AM" },
	{ 0LL, "%U %W %V %G %g", "00 00 01 1970 70" },
	{ 0LL, "%k|%l|%P", " 0|12|am" },
	{ 0LL, "%C %D %e %F %h", "19 01/01/70  1 1970-01-01 Jan" },
	{ 0LL, "%n%t%R %T", "\n\t00:00 00:00:00" },
	{ 0LL, "%u %w %y %z %Z %%", "4 4 70 +0000 UTC %" },
	{ 0LL, "%a %A %b %B %c", "Thu Thursday Jan January Thu Jan  1 00:00:00 1970" },
	{ 0LL, "%x %X %j %I %p %s", "01/01/70 00:00:00 001 12 AM 0" },
	{ 0LL, "%Ey %EY %Od %OH %Ec", "70 1970 01 00 Thu Jan  1 00:00:00 1970" },
	{ 0LL, "%-d %_m %05e %^a %10A %-5d %+ %q", "1  1 00001 THU   Thursday     1 %+ %q" },
	{ 0LL, "%Y-%m-%dT%H:%M:%S", "1970-01-01T00:00:00" },
	{ 1700259200LL, "%r", "10:13:20 PM" },
	{ 1700259200LL, "%U %W %V %G %g", "46 46 46 2023 23" },
	{ 1700259200LL, "%k|%l|%P", "22|10|pm" },
	{ 1700259200LL, "%C %D %e %F %h", "20 11/17/23 17 2023-11-17 Nov" },
	{ 1700259200LL, "%n%t%R %T", "\n\t22:13 22:13:20" },
	{ 1700259200LL, "%u %w %y %z %Z %%", "5 5 23 +0000 UTC %" },
	{ 1700259200LL, "%a %A %b %B %c", "Fri Friday Nov November Fri Nov 17 22:13:20 2023" },
	{ 1700259200LL, "%x %X %j %I %p %s", "11/17/23 22:13:20 321 10 PM 1700259200" },
	{ 1700259200LL, "%Ey %EY %Od %OH %Ec", "23 2023 17 22 Fri Nov 17 22:13:20 2023" },
	{ 1700259200LL, "%-d %_m %05e %^a %10A %-5d %+ %q", "17 11 00017 FRI     Friday    17 %+ %q" },
	{ 1700259200LL, "%Y-%m-%dT%H:%M:%S", "2023-11-17T22:13:20" },
	{ 951782400LL, "%r", "12:00:00 AM" },
	{ 951782400LL, "%U %W %V %G %g", "09 09 09 2000 00" },
	{ 951782400LL, "%k|%l|%P", " 0|12|am" },
	{ 951782400LL, "%C %D %e %F %h", "20 02/29/00 29 2000-02-29 Feb" },
	{ 951782400LL, "%n%t%R %T", "\n\t00:00 00:00:00" },
	{ 951782400LL, "%u %w %y %z %Z %%", "2 2 00 +0000 UTC %" },
	{ 951782400LL, "%a %A %b %B %c", "Tue Tuesday Feb February Tue Feb 29 00:00:00 2000" },
	{ 951782400LL, "%x %X %j %I %p %s", "02/29/00 00:00:00 060 12 AM 951782400" },
	{ 951782400LL, "%Ey %EY %Od %OH %Ec", "00 2000 29 00 Tue Feb 29 00:00:00 2000" },
	{ 951782400LL, "%-d %_m %05e %^a %10A %-5d %+ %q", "29  2 00029 TUE    Tuesday    29 %+ %q" },
	{ 951782400LL, "%Y-%m-%dT%H:%M:%S", "2000-02-29T00:00:00" },
	{ -1LL, "%r", "11:59:59 PM" },
	{ -1LL, "%U %W %V %G %g", "52 52 01 1970 70" },
	{ -1LL, "%k|%l|%P", "23|11|pm" },
	{ -1LL, "%C %D %e %F %h", "19 12/31/69 31 1969-12-31 Dec" },
	{ -1LL, "%n%t%R %T", "\n\t23:59 23:59:59" },
	{ -1LL, "%u %w %y %z %Z %%", "3 3 69 +0000 UTC %" },
	{ -1LL, "%a %A %b %B %c", "Wed Wednesday Dec December Wed Dec 31 23:59:59 1969" },
	{ -1LL, "%x %X %j %I %p %s", "12/31/69 23:59:59 365 11 PM -1" },
	{ -1LL, "%Ey %EY %Od %OH %Ec", "69 1969 31 23 Wed Dec 31 23:59:59 1969" },
	{ -1LL, "%-d %_m %05e %^a %10A %-5d %+ %q", "31 12 00031 WED  Wednesday    31 %+ %q" },
	{ -1LL, "%Y-%m-%dT%H:%M:%S", "1969-12-31T23:59:59" },
	{ 1104537600LL, "%r", "12:00:00 AM" },
	{ 1104537600LL, "%U %W %V %G %g", "00 00 53 2004 04" },
	{ 1104537600LL, "%k|%l|%P", " 0|12|am" },
	{ 1104537600LL, "%C %D %e %F %h", "20 01/01/05  1 2005-01-01 Jan" },
	{ 1104537600LL, "%n%t%R %T", "\n\t00:00 00:00:00" },
	{ 1104537600LL, "%u %w %y %z %Z %%", "6 6 05 +0000 UTC %" },
	{ 1104537600LL, "%a %A %b %B %c", "Sat Saturday Jan January Sat Jan  1 00:00:00 2005" },
	{ 1104537600LL, "%x %X %j %I %p %s", "01/01/05 00:00:00 001 12 AM 1104537600" },
	{ 1104537600LL, "%Ey %EY %Od %OH %Ec", "05 2005 01 00 Sat Jan  1 00:00:00 2005" },
	{ 1104537600LL, "%-d %_m %05e %^a %10A %-5d %+ %q", "1  1 00001 SAT   Saturday     1 %+ %q" },
	{ 1104537600LL, "%Y-%m-%dT%H:%M:%S", "2005-01-01T00:00:00" },
	{ 1230681600LL, "%r", "12:00:00 AM" },
	{ 1230681600LL, "%U %W %V %G %g", "52 52 01 2009 09" },
	{ 1230681600LL, "%k|%l|%P", " 0|12|am" },
	{ 1230681600LL, "%C %D %e %F %h", "20 12/31/08 31 2008-12-31 Dec" },
	{ 1230681600LL, "%n%t%R %T", "\n\t00:00 00:00:00" },
	{ 1230681600LL, "%u %w %y %z %Z %%", "3 3 08 +0000 UTC %" },
	{ 1230681600LL, "%a %A %b %B %c", "Wed Wednesday Dec December Wed Dec 31 00:00:00 2008" },
	{ 1230681600LL, "%x %X %j %I %p %s", "12/31/08 00:00:00 366 12 AM 1230681600" },
	{ 1230681600LL, "%Ey %EY %Od %OH %Ec", "08 2008 31 00 Wed Dec 31 00:00:00 2008" },
	{ 1230681600LL, "%-d %_m %05e %^a %10A %-5d %+ %q", "31 12 00031 WED  Wednesday    31 %+ %q" },
	{ 1230681600LL, "%Y-%m-%dT%H:%M:%S", "2008-12-31T00:00:00" },
	{ 1262217600LL, "%r", "12:00:00 AM" },
	{ 1262217600LL, "%U %W %V %G %g", "52 52 53 2009 09" },
	{ 1262217600LL, "%k|%l|%P", " 0|12|am" },
	{ 1262217600LL, "%C %D %e %F %h", "20 12/31/09 31 2009-12-31 Dec" },
	{ 1262217600LL, "%n%t%R %T", "\n\t00:00 00:00:00" },
	{ 1262217600LL, "%u %w %y %z %Z %%", "4 4 09 +0000 UTC %" },
	{ 1262217600LL, "%a %A %b %B %c", "Thu Thursday Dec December Thu Dec 31 00:00:00 2009" },
	{ 1262217600LL, "%x %X %j %I %p %s", "12/31/09 00:00:00 365 12 AM 1262217600" },
	{ 1262217600LL, "%Ey %EY %Od %OH %Ec", "09 2009 31 00 Thu Dec 31 00:00:00 2009" },
	{ 1262217600LL, "%-d %_m %05e %^a %10A %-5d %+ %q", "31 12 00031 THU   Thursday    31 %+ %q" },
	{ 1262217600LL, "%Y-%m-%dT%H:%M:%S", "2009-12-31T00:00:00" },
	{ 4102444799LL, "%r", "11:59:59 PM" },
	{ 4102444799LL, "%U %W %V %G %g", "52 52 53 2099 99" },
	{ 4102444799LL, "%k|%l|%P", "23|11|pm" },
	{ 4102444799LL, "%C %D %e %F %h", "20 12/31/99 31 2099-12-31 Dec" },
	{ 4102444799LL, "%n%t%R %T", "\n\t23:59 23:59:59" },
	{ 4102444799LL, "%u %w %y %z %Z %%", "4 4 99 +0000 UTC %" },
	{ 4102444799LL, "%a %A %b %B %c", "Thu Thursday Dec December Thu Dec 31 23:59:59 2099" },
	{ 4102444799LL, "%x %X %j %I %p %s", "12/31/99 23:59:59 365 11 PM 4102444799" },
	{ 4102444799LL, "%Ey %EY %Od %OH %Ec", "99 2099 31 23 Thu Dec 31 23:59:59 2099" },
	{ 4102444799LL, "%-d %_m %05e %^a %10A %-5d %+ %q", "31 12 00031 THU   Thursday    31 %+ %q" },
	{ 4102444799LL, "%Y-%m-%dT%H:%M:%S", "2099-12-31T23:59:59" },
	{ 1609459200LL, "%r", "12:00:00 AM" },
	{ 1609459200LL, "%U %W %V %G %g", "00 00 53 2020 20" },
	{ 1609459200LL, "%k|%l|%P", " 0|12|am" },
	{ 1609459200LL, "%C %D %e %F %h", "20 01/01/21  1 2021-01-01 Jan" },
	{ 1609459200LL, "%n%t%R %T", "\n\t00:00 00:00:00" },
	{ 1609459200LL, "%u %w %y %z %Z %%", "5 5 21 +0000 UTC %" },
	{ 1609459200LL, "%a %A %b %B %c", "Fri Friday Jan January Fri Jan  1 00:00:00 2021" },
	{ 1609459200LL, "%x %X %j %I %p %s", "01/01/21 00:00:00 001 12 AM 1609459200" },
	{ 1609459200LL, "%Ey %EY %Od %OH %Ec", "21 2021 01 00 Fri Jan  1 00:00:00 2021" },
	{ 1609459200LL, "%-d %_m %05e %^a %10A %-5d %+ %q", "1  1 00001 FRI     Friday     1 %+ %q" },
	{ 1609459200LL, "%Y-%m-%dT%H:%M:%S", "2021-01-01T00:00:00" },
	{ 1356912000LL, "%r", "12:00:00 AM" },
	{ 1356912000LL, "%U %W %V %G %g", "53 53 01 2013 13" },
	{ 1356912000LL, "%k|%l|%P", " 0|12|am" },
	{ 1356912000LL, "%C %D %e %F %h", "20 12/31/12 31 2012-12-31 Dec" },
	{ 1356912000LL, "%n%t%R %T", "\n\t00:00 00:00:00" },
	{ 1356912000LL, "%u %w %y %z %Z %%", "1 1 12 +0000 UTC %" },
	{ 1356912000LL, "%a %A %b %B %c", "Mon Monday Dec December Mon Dec 31 00:00:00 2012" },
	{ 1356912000LL, "%x %X %j %I %p %s", "12/31/12 00:00:00 366 12 AM 1356912000" },
	{ 1356912000LL, "%Ey %EY %Od %OH %Ec", "12 2012 31 00 Mon Dec 31 00:00:00 2012" },
	{ 1356912000LL, "%-d %_m %05e %^a %10A %-5d %+ %q", "31 12 00031 MON     Monday    31 %+ %q" },
	{ 1356912000LL, "%Y-%m-%dT%H:%M:%S", "2012-12-31T00:00:00" },
	{ 1672531199LL, "%r", "11:59:59 PM" },
	{ 1672531199LL, "%U %W %V %G %g", "52 52 52 2022 22" },
	{ 1672531199LL, "%k|%l|%P", "23|11|pm" },
	{ 1672531199LL, "%C %D %e %F %h", "20 12/31/22 31 2022-12-31 Dec" },
	{ 1672531199LL, "%n%t%R %T", "\n\t23:59 23:59:59" },
	{ 1672531199LL, "%u %w %y %z %Z %%", "6 6 22 +0000 UTC %" },
	{ 1672531199LL, "%a %A %b %B %c", "Sat Saturday Dec December Sat Dec 31 23:59:59 2022" },
	{ 1672531199LL, "%x %X %j %I %p %s", "12/31/22 23:59:59 365 11 PM 1672531199" },
	{ 1672531199LL, "%Ey %EY %Od %OH %Ec", "22 2022 31 23 Sat Dec 31 23:59:59 2022" },
	{ 1672531199LL, "%-d %_m %05e %^a %10A %-5d %+ %q", "31 12 00031 SAT   Saturday    31 %+ %q" },
	{ 1672531199LL, "%Y-%m-%dT%H:%M:%S", "2022-12-31T23:59:59" },
};

START_TEST(glibc_table)
{
	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
		time_t t = (time_t)tab[i].t;
		struct tm tm;
		gmtime_r(&t, &tm);
		tm.tm_zone = "UTC";
		char b[256];
		size_t n = lsc_strftime(b, sizeof b, tab[i].fmt, &tm);
		ck_assert_msg(n == strlen(tab[i].out) && !strcmp(b, tab[i].out),
			      "%lld \"%s\": \"%s\" (%zu), glibc \"%s\"", tab[i].t, tab[i].fmt, b, n, tab[i].out);
	}
}
END_TEST

/* Random dates from year 1 to 9999 against the host, every conversion. */
START_TEST(random_vs_host)
{
	static const char *const f[] = { "%a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %k %l %m %M",
					 "%n %p %P %r %R %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %%",
					 "%-j %_H %03d %^B %8a %Ey %Od" };
	rng_state = rng_env_seed(0x57f);
	for (int i = 0; i < 30000; i++) {
		time_t t = (time_t)(rnd() % 315537897600ull) - 62135596800ll; /* years 1..9999 */
		struct tm tm;
		gmtime_r(&t, &tm);
		tm.tm_zone = "UTC";
		char a[512], b[512];
		size_t na = lsc_strftime(a, sizeof a, f[i % 3], &tm), nb = strftime(b, sizeof b, f[i % 3], &tm);
		ck_assert_msg(na == nb && !strcmp(a, b), "%lld \"%s\": \"%s\", host \"%s\"", (long long)t, f[i % 3], a, b);
	}
}
END_TEST

/* Fields out of range (a hand-filled tm): "?" for names, nothing read
 * out of bounds (ASan); too small a buffer: 0 and a NUL inside it. */
START_TEST(bad_fields_and_short_buffer)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_mon = -1;
	tm.tm_wday = -3;
	tm.tm_yday = -5;
	tm.tm_hour = -2;
	char b[128];
	ck_assert_uint_eq(lsc_strftime(b, sizeof b, "%a %A %b %B %p", &tm), 10);
	ck_assert_str_eq(b, "? ? ? ? AM");
	for (int v = -100000; v <= 100000; v += 997) {
		tm.tm_mon = tm.tm_wday = tm.tm_yday = tm.tm_hour = tm.tm_mday = v;
		tm.tm_year = v * 3;
		lsc_strftime(b, sizeof b, "%a%A%b%B%h%c%U%W%V%G%g%j%u%w%I%l%p%r%x", &tm);
	}
	time_t t = 1700259200;
	gmtime_r(&t, &tm);
	memset(b, 'X', sizeof b);
	ck_assert_uint_eq(lsc_strftime(b, 10, "%Y-%m-%d %H", &tm), 0);
	ck_assert_ptr_nonnull(memchr(b, 0, 10));
	ck_assert_uint_eq(lsc_strftime(b, 13, "%Y-%m-%d %H", &tm), 0);
	ck_assert_uint_eq(lsc_strftime(b, 14, "%Y-%m-%d %H", &tm), 13);
	ck_assert_str_eq(b, "2023-11-17 22");
	ck_assert_uint_eq(lsc_strftime(b, 1, "", &tm), 0);
	ck_assert_int_eq(b[0], 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("strftime");
	TCase *t = tcase_create("strftime");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, glibc_table);
	tcase_add_test(t, random_vs_host);
	tcase_add_test(t, bad_fields_and_short_buffer);
	suite_add_tcase(s, t);
	return check_run(s);
}
