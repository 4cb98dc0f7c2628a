#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>

static int fails;
#define CHECK(c) do { if (!(c)) { printf("@@FAIL linux_stdlib: line %d: %s\n", __LINE__, #c); fails++; } } while (0)

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	char *end;
	CHECK(strtol("  -1234xyz", &end, 10) == -1234 && strcmp(end, "xyz") == 0);
	CHECK(strtol("0x1f", NULL, 0) == 31 && strtol("017", NULL, 0) == 15 && strtol("ff", NULL, 16) == 255);
	CHECK(strtol("z", NULL, 36) == 35);
	errno = 0;
	CHECK(strtol("99999999999999999999", NULL, 10) == LONG_MAX && errno == ERANGE);
	errno = 0;
	CHECK(strtol("-99999999999999999999", NULL, 10) == LONG_MIN && errno == ERANGE);
	CHECK(strtoul("4294967296", NULL, 10) == 4294967296UL);
	CHECK(strtoull("18446744073709551615", NULL, 10) == ULLONG_MAX);
	CHECK(strtol("abc", &end, 10) == 0 && *end == 'a');
	CHECK(atoi("42") == 42 && atol("-7") == -7);
	int a[1000];
	srand(1);
	for (int i = 0; i < 1000; i++) a[i] = rand() % 10000 - 5000;
	qsort(a, 1000, sizeof a[0], cmp_int);
	for (int i = 1; i < 1000; i++) if (a[i - 1] > a[i]) { CHECK(!"sorted"); break; }
	int key = a[500];
	int *found = bsearch(&key, a, 1000, sizeof a[0], cmp_int);
	CHECK(found && *found == key);
	const char *words[] = { "pear", "apple", "fig", "banana" };
	qsort(words, 4, sizeof words[0], cmp_str);
	CHECK(strcmp(words[0], "apple") == 0 && strcmp(words[3], "pear") == 0);
	srand(7); int r1 = rand(), r2 = rand();
	srand(7); CHECK(rand() == r1 && rand() == r2);
	CHECK(r1 >= 0 && r1 <= RAND_MAX);
	char buf[16];
	CHECK(snprintf(buf, sizeof buf, "%s-%d", "hello world", 12345) == 17);
	CHECK(strcmp(buf, "hello world-123") == 0);
	CHECK(snprintf(NULL, 0, "%d", 123456) == 6);
	snprintf(buf, sizeof buf, "%5s|%-5d|%05d", "ab", 42, 42);
	CHECK(strcmp(buf, "   ab|42   |000") == 0);
	snprintf(buf, sizeof buf, "%x %X %o %c %%", 255, 255, 8, 'z');
	CHECK(strcmp(buf, "ff FF 10 z %") == 0);
	snprintf(buf, sizeof buf, "%p", (void *)0x1234);
	CHECK(strcmp(buf, "0x1234") == 0);
	snprintf(buf, sizeof buf, "%.*s|%*d", 3, "abcdef", 4, 7);
	CHECK(strcmp(buf, "abc|   7") == 0);
	int x, y; char w[16];
	CHECK(sscanf("12 34 word", "%d %d %15s", &x, &y, w) == 3 && x == 12 && y == 34 && strcmp(w, "word") == 0);
	unsigned u; long l;
	CHECK(sscanf("ff -99", "%x %ld", &u, &l) == 2 && u == 255 && l == -99);
	div_t d = div(17, 5);
	CHECK(d.quot == 3 && d.rem == 2);
	ldiv_t ld = ldiv(-17L, 5L);
	CHECK(ld.quot == -3 && ld.rem == -2);
	CHECK(abs(-3) == 3 && labs(-4L) == 4 && llabs(-5LL) == 5);
	/* strings */
	char s[64] = "a,b,,c";
	char *save, *tok;
	int ntok = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) ntok++;
	CHECK(ntok == 3);
	char s2[] = "x y  z";
	ntok = 0;
	for (tok = strtok(s2, " "); tok; tok = strtok(NULL, " ")) ntok++;
	CHECK(ntok == 3);
	char *dup = strndup("abcdef", 3);
	CHECK(dup && strcmp(dup, "abc") == 0);
	free(dup);
	CHECK(strcasecmp("HeLLo", "hello") == 0 && strncasecmp("ABx", "aby", 2) == 0);
	CHECK(memchr("abc", 'c', 3) != NULL && memchr("abc", 'd', 3) == NULL);
	CHECK(strpbrk("hello", "ol") == (char *)"hello" + 2 || strpbrk("hello", "ol") != NULL);
	char ov[16] = "123456789";
	memmove(ov + 2, ov, 5);
	CHECK(strcmp(ov, "121234589") == 0);
	CHECK(toupper('a') == 'A' && isdigit('5') && isspace('\t') && isalpha('q') && !isalnum('-'));
	CHECK(strcmp(strrchr("a/b/c", '/'), "/c") == 0 && strstr("haystack", "st") != NULL);
	CHECK(memcmp("\xff", "\x01", 1) > 0);
	char cat[16] = "ab";
	strncat(cat, "cdef", 2);
	CHECK(strcmp(cat, "abcd") == 0);
	CHECK(strcoll("a", "b") < 0);
	CHECK(getenv("NO_SUCH_VARIABLE") == NULL);
	if (!fails)
		printf("@@PASS linux_stdlib\n");
	return fails != 0;
}
