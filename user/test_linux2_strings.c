/* string.h and stdlib.h the way test programs lean on them: qsort and
 * bsearch, strtol/strtoul/strtoll/strtod edge cases (bases, endptr,
 * ERANGE, negative into strtoul, inf/nan/hex floats), atoi, rand/srand
 * repeatability, abs/labs/llabs/div/ldiv, ctype, snprintf truncation,
 * the mem and str functions. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux2_strings: line %d: %s (errno %d)\n", __LINE__, #c, errno); fails++; } } while (0)

struct rec { int key; char name[12]; };
static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int cmp_rec(const void *a, const void *b) { return strcmp(((const struct rec *)a)->name, ((const struct rec *)b)->name); }

int main(void)
{
	/* qsort / bsearch */
	int v[1000];
	srand(12345);
	for (int i = 0; i < 1000; i++)
		v[i] = rand() % 5000 - 2500;
	qsort(v, 1000, sizeof v[0], cmp_int);
	int sorted = 1;
	for (int i = 1; i < 1000; i++)
		sorted &= v[i - 1] <= v[i];
	CHECK(sorted);
	int key = v[500];
	int *f = bsearch(&key, v, 1000, sizeof v[0], cmp_int);
	CHECK(f && *f == key);
	key = 99999;
	CHECK(bsearch(&key, v, 1000, sizeof v[0], cmp_int) == NULL);
	struct rec r[4] = { { 1, "delta" }, { 2, "alpha" }, { 3, "charlie" }, { 4, "bravo" } };
	qsort(r, 4, sizeof r[0], cmp_rec);
	CHECK(r[0].key == 2 && r[1].key == 4 && r[2].key == 3 && r[3].key == 1);
	qsort(v, 0, sizeof v[0], cmp_int);

	/* rand repeatability */
	srand(7);
	int a1 = rand(), a2 = rand();
	srand(7);
	CHECK(rand() == a1 && rand() == a2);
	CHECK(a1 >= 0 && a1 <= RAND_MAX && RAND_MAX >= 32767);
	unsigned seed = 3;
	int rr = rand_r(&seed);
	CHECK(rr >= 0 && rr <= RAND_MAX);

	/* strtol family */
	char *end;
	CHECK(strtol("  -123abc", &end, 10) == -123 && strcmp(end, "abc") == 0);
	CHECK(strtol("0x1F", &end, 0) == 31 && *end == 0);
	CHECK(strtol("0755", NULL, 0) == 493);
	CHECK(strtol("z", &end, 36) == 35);
	CHECK(strtol("1010", NULL, 2) == 10);
	CHECK(strtol("abc", &end, 10) == 0 && strcmp(end, "abc") == 0);
	CHECK(strtol("0x", &end, 16) == 0 && strcmp(end, "x") == 0);
	errno = 0;
	CHECK(strtol("99999999999999999999", &end, 10) == LONG_MAX && errno == ERANGE);
	errno = 0;
	CHECK(strtol("-99999999999999999999", NULL, 10) == LONG_MIN && errno == ERANGE);
	errno = 0;
	CHECK(strtoul("18446744073709551615", NULL, 10) == ULONG_MAX && errno == 0);
	CHECK(strtoul("-1", NULL, 10) == ULONG_MAX);
	errno = 0;
	CHECK(strtoul("18446744073709551616", NULL, 10) == ULONG_MAX && errno == ERANGE);
	CHECK(strtoll("-9223372036854775808", NULL, 10) == LLONG_MIN);
	CHECK(strtoull("ffffffffffffffff", NULL, 16) == ULLONG_MAX);
	CHECK(strtoimax("-42", NULL, 10) == -42 && strtoumax("42", NULL, 10) == 42);
	CHECK(atoi("  42xyz") == 42 && atoi("-7") == -7 && atol("100000") == 100000L && atoll("-5") == -5);

	/* strtod */
	CHECK(strtod("3.5e2", &end) == 350.0 && *end == 0);
	CHECK(strtod("-0.125", NULL) == -0.125);
	CHECK(isinf(strtod("inf", NULL)) && isinf(strtod("-Infinity", NULL)));
	CHECK(isnan(strtod("nan", NULL)));
	CHECK(strtod("0x1.8p1", NULL) == 3.0);
	CHECK(strtod("  1e-5", NULL) > 0.99e-5 && strtod("1e-5", NULL) < 1.01e-5);
	errno = 0;
	CHECK(isinf(strtod("1e999", NULL)) && errno == ERANGE);
	CHECK(strtod("x", &end) == 0.0 && *end == 'x');
	CHECK(strtof("2.5", NULL) == 2.5f);
	CHECK(atof("1.25") == 1.25);

	/* abs and div */
	CHECK(abs(-5) == 5 && labs(-5L) == 5 && llabs(-5LL) == 5);
	div_t d = div(17, 5);
	CHECK(d.quot == 3 && d.rem == 2);
	d = div(-17, 5);
	CHECK(d.quot == -3 && d.rem == -2);
	ldiv_t ld = ldiv(1000000007L, 10L);
	CHECK(ld.quot == 100000000L && ld.rem == 7);
	lldiv_t lld = lldiv(-9LL, 4LL);
	CHECK(lld.quot == -2 && lld.rem == -1);

	/* ctype */
	CHECK(isalpha('a') && !isalpha('1') && isdigit('7') && isxdigit('F') && !isxdigit('g'));
	CHECK(isspace(' ') && isspace('\t') && isspace('\n') && !isspace('x'));
	CHECK(toupper('q') == 'Q' && tolower('Q') == 'q' && toupper('1') == '1');
	CHECK(isupper('A') && islower('a') && isalnum('z') && ispunct('!') && isprint(' ') && !isprint('\n'));
	CHECK(iscntrl('\n') && isgraph('x') && !isgraph(' ') && isblank('\t'));
	CHECK(isalpha(EOF) == 0);

	/* string functions */
	char buf[64];
	volatile size_t eight = 8, two = 2;
	CHECK(snprintf(buf, eight, "%s-%d", "abcdef", 12345) == 12 && strcmp(buf, "abcdef-") == 0);
	CHECK(snprintf(NULL, 0, "%d", 123456) == 6);
	CHECK(strcmp("abc", "abd") < 0 && strncmp("abcx", "abcy", 3) == 0 && strcasecmp("HeLLo", "hello") == 0);
	CHECK(strncasecmp("ABCx", "abcY", 3) == 0);
	const char *s = "the quick brown fox";
	CHECK(strstr(s, "brown") == s + 10 && strstr(s, "cat") == NULL);
	CHECK(strchr(s, 'q') == s + 4 && strrchr(s, 'o') == s + 17 && strchr(s, 0) == s + 19);
	CHECK(strspn("aaabbc", "ab") == 5 && strcspn("hello world", " ") == 5);
	CHECK(strpbrk(s, "xyz") == s + 18);
	CHECK(memchr(s, 'k', 19) == s + 8 && memrchr(s, 'o', 19) == s + 17);
	CHECK(memmem(s, 19, "ick", 3) == s + 6);
	strcpy(buf, "overlap-test");
	memmove(buf + 2, buf, 8);
	CHECK(memcmp(buf, "ovoverlap-st", 12) == 0);
	CHECK(strnlen("abcdef", 3) == 3 && strlen("") == 0);
	char *dup = strdup(s);
	CHECK(dup && strcmp(dup, s) == 0);
	free(dup);
	char tok[] = "a,b,,c";
	char *save, *t1 = strtok_r(tok, ",", &save), *t2 = strtok_r(NULL, ",", &save);
	char *t3 = strtok_r(NULL, ",", &save);
	CHECK(strcmp(t1, "a") == 0 && strcmp(t2, "b") == 0 && strcmp(t3, "c") == 0 && strtok_r(NULL, ",", &save) == NULL);
	memset(buf, 0, sizeof buf);
	strncpy(buf, "hi", 5);
	CHECK(buf[2] == 0 && buf[4] == 0);
	strcat(buf, "!");
	strncat(buf, "abcdef", two);
	CHECK(strcmp(buf, "hi!ab") == 0);
	CHECK(ffs(0) == 0 && ffs(8) == 4);
	char *sep = strdup("k=v"), *sp = sep;
	CHECK(strcmp(strsep(&sp, "="), "k") == 0 && strcmp(sp, "v") == 0);
	free(sep);
	if (!fails)
		printf("@@PASS linux2_strings\n");
	return fails != 0;
}
