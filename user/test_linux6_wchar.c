/* Wide characters in the "C" locale as glibc has them (checked on Linux
 * 6.1 with make linux-check): ASCII converts both ways one byte each,
 * bytes above 127 and wide characters above 127 fail EILSEQ (MB_CUR_MAX
 * 1); the wide string functions, wcstol/wcstod with their end pointers,
 * the classes of <wctype.h>, and wide stream I/O through a file. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#define N "linux6_wchar"
#define CHECK(cond) do {                                                       \
	if (!(cond)) {                                                         \
		printf("@@FAIL %s: line %d: %s\n", N, __LINE__, #cond);       \
		return 1;                                                      \
	}                                                                      \
} while (0)

int main(void)
{
	mbstate_t st;
	wchar_t w = 0;
	char b[8];
	memset(&st, 0, sizeof st);
	CHECK(MB_CUR_MAX == 1 && mbsinit(&st));
	CHECK(mbrtowc(&w, "A", 1, &st) == 1 && w == L'A');
	CHECK(mbrtowc(&w, "", 1, &st) == 0 && w == 0);
	CHECK(mbrtowc(&w, "x", 0, &st) == (size_t)-2);
	errno = 0;
	CHECK(mbrtowc(&w, "\xc3\xa9", 2, &st) == (size_t)-1 && errno == EILSEQ);
	CHECK(wcrtomb(b, L'z', &st) == 1 && b[0] == 'z');
	errno = 0;
	CHECK(wcrtomb(b, 0xe9, &st) == (size_t)-1 && errno == EILSEQ);
	CHECK(mblen("q", 1) == 1 && mbtowc(&w, "q", 1) == 1 && w == L'q' && wctomb(b, L'r') == 1);
	CHECK(btowc('a') == L'a' && btowc(200) == WEOF && wctob(L'b') == 'b' && wctob(0x100) == EOF);
	wchar_t ws[32];
	CHECK(mbstowcs(ws, "hello", 32) == 5 && wcscmp(ws, L"hello") == 0);
	CHECK(mbstowcs(NULL, "hello world", 0) == 11);
	CHECK(wcstombs(b, L"abc", sizeof b) == 3 && strcmp(b, "abc") == 0);
	CHECK(wcstombs(NULL, L"abcd", 0) == 4);
	CHECK(mbstowcs(ws, "ok\xff", 32) == (size_t)-1);
	const char *src = "xyz";
	CHECK(mbsrtowcs(ws, &src, 2, &st) == 2 && src && *src == 'z');

	/* strings */
	wchar_t d[64];
	CHECK(wcslen(L"four") == 4 && wcsnlen(L"four", 2) == 2);
	wcscpy(d, L"foo");
	wcscat(d, L"bar");
	wcsncat(d, L"bazzz", 3);
	CHECK(wcscmp(d, L"foobarbaz") == 0 && wcsncmp(d, L"foox", 3) == 0);
	CHECK(wcscmp(L"a", L"b") < 0 && wcscmp(L"b", L"a") > 0 && wcscasecmp(L"HeLLo", L"hello") == 0);
	CHECK(wcschr(d, L'b') == d + 3 && wcsrchr(d, L'b') == d + 6 && !wcschr(d, L'q'));
	CHECK(wcsstr(d, L"arb") == d + 4 && !wcsstr(d, L"xyz") && wcsstr(d, L"") == d);
	CHECK(wcsspn(L"aabbc", L"ab") == 4 && wcscspn(L"abc", L"c") == 2 && wcspbrk(d, L"rz") == d + 5);
	wchar_t tok[] = L" one,two  three", *save, *t1 = wcstok(tok, L" ,", &save);
	wchar_t *t2 = wcstok(NULL, L" ,", &save), *t3 = wcstok(NULL, L" ,", &save);
	CHECK(t1 && wcscmp(t1, L"one") == 0 && t2 && wcscmp(t2, L"two") == 0 && t3 &&
	      wcscmp(t3, L"three") == 0 && !wcstok(NULL, L" ,", &save));
	wchar_t *dup = wcsdup(L"copy");
	CHECK(dup && wcscmp(dup, L"copy") == 0);
	free(dup);
	wmemset(d, L'x', 5);
	CHECK(wmemcmp(d, L"xxxxx", 5) == 0 && wmemchr(d, L'x', 5) == d && !wmemchr(d, L'y', 5));
	wmemmove(d + 1, d, 4);
	wmemcpy(d, L"ab", 2);
	CHECK(d[0] == L'a' && d[1] == L'b' && d[4] == L'x');
	wcsncpy(d, L"hi", 5);
	CHECK(d[0] == L'h' && d[2] == 0 && d[4] == 0);

	/* numbers */
	wchar_t *end;
	CHECK(wcstol(L"  -42xyz", &end, 10) == -42 && *end == L'x');
	CHECK(wcstoul(L"ff", &end, 16) == 255 && *end == 0);
	CHECK(wcstoll(L"0x10", &end, 0) == 16 && wcstoull(L"077", &end, 0) == 63);
	CHECK(wcstol(L"abc", &end, 10) == 0 && end[0] == L'a');
	double v = wcstod(L"2.5e3!", &end);
	CHECK(v == 2500.0 && *end == L'!');

	/* classes */
	CHECK(iswalpha(L'a') && !iswalpha(L'1') && iswdigit(L'7') && iswspace(L'\t') &&
	      iswupper(L'Q') && iswlower(L'q') && iswxdigit(L'F') && iswpunct(L'!'));
	CHECK(!iswalpha(0xe9) && towupper(L'a') == L'A' && towlower(L'Z') == L'z' && towupper(0xe9) == 0xe9);
	CHECK(iswctype(L'a', wctype("alpha")) && !iswctype(L'1', wctype("alpha")) && wctype("nope") == 0);
	CHECK(towctrans(L'a', wctrans("toupper")) == L'A' && wctrans("nope") == NULL);
	CHECK(wcwidth(L'a') == 1 && wcwidth(0) == 0 && wcswidth(L"abc", 3) == 3);

	/* streams */
	char path[] = "/tmp/l6wcXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	FILE *f = fdopen(fd, "w+");
	CHECK(f && fputws(L"line one\nline two\n", f) >= 0 && fputwc(L'!', f) == L'!');
	rewind(f);
	wchar_t line[32];
	CHECK(fgetws(line, 32, f) && wcscmp(line, L"line one\n") == 0);
	CHECK(fgetwc(f) == L'l' && ungetwc(L'L', f) == L'L' && fgetwc(f) == L'L');
	CHECK(fgetws(line, 32, f) && wcscmp(line, L"ine two\n") == 0);
	CHECK(getwc(f) == L'!' && fgetwc(f) == WEOF);
	fclose(f);
	unlink(path);
	printf("@@PASS %s\n", N);
	return 0;
}
