/* <wchar.h>, <wctype.h> and <stdlib.h>'s multibyte calls in the "C"
 * locale: a multibyte character is one byte 0..127 and is its own wide
 * character; anything else fails EILSEQ, as glibc's "C" locale. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

/* ---- conversions ---- */

int mbsinit(const mbstate_t *ps)
{
	return !ps || !ps->__count;
}

size_t mbrtowc(wchar_t *pwc, const char *s, size_t n, mbstate_t *ps)
{
	(void)ps; /* one byte each: never a partial character to keep */
	if (!s)
		return 0;
	if (!n)
		return (size_t)-2;
	unsigned char c = (unsigned char)*s;
	if (c > 127) {
		errno = EILSEQ;
		return (size_t)-1;
	}
	if (pwc)
		*pwc = c;
	return c != 0;
}

size_t mbrlen(const char *s, size_t n, mbstate_t *ps)
{
	return mbrtowc(NULL, s, n, ps);
}

size_t wcrtomb(char *s, wchar_t wc, mbstate_t *ps)
{
	(void)ps;
	if (!s)
		return 1;
	if ((uint32_t)wc > 127) {
		errno = EILSEQ;
		return (size_t)-1;
	}
	*s = (char)wc;
	return 1;
}

wint_t btowc(int c)
{
	return c >= 0 && c <= 127 ? (wint_t)c : WEOF;
}

int wctob(wint_t c)
{
	return c <= 127 ? (int)c : EOF;
}

int mblen(const char *s, size_t n)
{
	return s ? (int)mbrtowc(NULL, s, n, NULL) : 0;
}

int mbtowc(wchar_t *pwc, const char *s, size_t n)
{
	if (!s)
		return 0; /* no shift states */
	size_t r = mbrtowc(pwc, s, n, NULL);
	return r == (size_t)-2 ? (errno = EILSEQ, -1) : (int)r;
}

int wctomb(char *s, wchar_t wc)
{
	return s ? (int)wcrtomb(s, wc, NULL) : 0;
}

size_t mbsrtowcs(wchar_t *dst, const char **src, size_t len, mbstate_t *ps)
{
	(void)ps;
	const unsigned char *s = (const unsigned char *)*src;
	size_t i = 0;
	for (; !dst || i < len; i++, s++) {
		if (*s > 127) {
			errno = EILSEQ;
			if (dst)
				*src = (const char *)s;
			return (size_t)-1;
		}
		if (dst)
			dst[i] = *s;
		if (!*s) {
			if (dst)
				*src = NULL;
			return i;
		}
	}
	*src = (const char *)s;
	return i;
}

size_t wcsrtombs(char *dst, const wchar_t **src, size_t len, mbstate_t *ps)
{
	(void)ps;
	const wchar_t *s = *src;
	size_t i = 0;
	for (; !dst || i < len; i++, s++) {
		if ((uint32_t)*s > 127) {
			errno = EILSEQ;
			if (dst)
				*src = s;
			return (size_t)-1;
		}
		if (dst)
			dst[i] = (char)*s;
		if (!*s) {
			if (dst)
				*src = NULL;
			return i;
		}
	}
	*src = s;
	return i;
}

size_t mbstowcs(wchar_t *dst, const char *src, size_t n)
{
	return mbsrtowcs(dst, &src, n, NULL);
}

size_t wcstombs(char *dst, const wchar_t *src, size_t n)
{
	return wcsrtombs(dst, &src, n, NULL);
}

int wcwidth(wchar_t c)
{
	if (c == 0)
		return 0;
	return c >= 32 && c < 127 ? 1 : -1;
}

int wcswidth(const wchar_t *s, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n && s[i]; i++) {
		int k = wcwidth(s[i]);
		if (k < 0)
			return -1;
		w += k;
	}
	return w;
}

/* ---- strings ---- */

size_t wcslen(const wchar_t *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

size_t wcsnlen(const wchar_t *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

wchar_t *wcpcpy(wchar_t *d, const wchar_t *s)
{
	while ((*d = *s++))
		d++;
	return d;
}

wchar_t *wcscpy(wchar_t *d, const wchar_t *s)
{
	wcpcpy(d, s);
	return d;
}

wchar_t *wcsncpy(wchar_t *d, const wchar_t *s, size_t n)
{
	size_t i = 0;
	for (; i < n && s[i]; i++)
		d[i] = s[i];
	for (; i < n; i++)
		d[i] = 0;
	return d;
}

wchar_t *wcscat(wchar_t *d, const wchar_t *s)
{
	wcpcpy(d + wcslen(d), s);
	return d;
}

wchar_t *wcsncat(wchar_t *d, const wchar_t *s, size_t n)
{
	wchar_t *e = d + wcslen(d);
	size_t i = 0;
	for (; i < n && s[i]; i++)
		e[i] = s[i];
	e[i] = 0;
	return d;
}

int wcsncmp(const wchar_t *a, const wchar_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
		if (!a[i])
			break;
	}
	return 0;
}

int wcscmp(const wchar_t *a, const wchar_t *b)
{
	return wcsncmp(a, b, SIZE_MAX);
}

int wcsncasecmp(const wchar_t *a, const wchar_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		wint_t x = towlower((wint_t)a[i]), y = towlower((wint_t)b[i]);
		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			break;
	}
	return 0;
}

int wcscasecmp(const wchar_t *a, const wchar_t *b)
{
	return wcsncasecmp(a, b, SIZE_MAX);
}

int wcscoll(const wchar_t *a, const wchar_t *b)
{
	return wcscmp(a, b);
}

size_t wcsxfrm(wchar_t *d, const wchar_t *s, size_t n)
{
	size_t len = wcslen(s);
	if (len < n)
		wcscpy(d, s);
	return len;
}

wchar_t *wcschr(const wchar_t *s, wchar_t c)
{
	for (;; s++) {
		if (*s == c)
			return (wchar_t *)s;
		if (!*s)
			return NULL;
	}
}

wchar_t *wcsrchr(const wchar_t *s, wchar_t c)
{
	const wchar_t *last = NULL;
	for (;; s++) {
		if (*s == c)
			last = s;
		if (!*s)
			return (wchar_t *)last;
	}
}

wchar_t *wcsstr(const wchar_t *h, const wchar_t *n)
{
	size_t k = wcslen(n);
	for (; *h; h++)
		if (wcsncmp(h, n, k) == 0)
			return (wchar_t *)h;
	return k ? NULL : (wchar_t *)h;
}

size_t wcsspn(const wchar_t *s, const wchar_t *accept)
{
	size_t n = 0;
	while (s[n] && wcschr(accept, s[n]))
		n++;
	return n;
}

size_t wcscspn(const wchar_t *s, const wchar_t *reject)
{
	size_t n = 0;
	while (s[n] && !wcschr(reject, s[n]))
		n++;
	return n;
}

wchar_t *wcspbrk(const wchar_t *s, const wchar_t *accept)
{
	s += wcscspn(s, accept);
	return *s ? (wchar_t *)s : NULL;
}

wchar_t *wcstok(wchar_t *s, const wchar_t *delim, wchar_t **save)
{
	if (!s)
		s = *save;
	s += wcsspn(s, delim);
	if (!*s) {
		*save = s;
		return NULL;
	}
	wchar_t *end = s + wcscspn(s, delim);
	if (*end)
		*end++ = 0;
	*save = end;
	return s;
}

wchar_t *wcsdup(const wchar_t *s)
{
	size_t n = (wcslen(s) + 1) * sizeof(wchar_t);
	wchar_t *d = malloc(n);
	return d ? memcpy(d, s, n) : NULL;
}

wchar_t *wmemchr(const wchar_t *s, wchar_t c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == c)
			return (wchar_t *)&s[i];
	return NULL;
}

int wmemcmp(const wchar_t *a, const wchar_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

wchar_t *wmemcpy(wchar_t *d, const wchar_t *s, size_t n)
{
	return memcpy(d, s, n * sizeof(wchar_t));
}

wchar_t *wmemmove(wchar_t *d, const wchar_t *s, size_t n)
{
	return memmove(d, s, n * sizeof(wchar_t));
}

wchar_t *wmemset(wchar_t *d, wchar_t c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = c;
	return d;
}

/* ---- numbers: the ASCII prefix of s narrowed, then strto* ---- */

#define NARROW_STACK 128

/* s's leading run of ASCII characters narrowed into buf (cap bytes) or a
 * malloc'd copy (*heap: free it); NULL if no memory. */
static char *narrow(const wchar_t *s, char *buf, size_t cap, char **heap)
{
	size_t n = 0;
	while (s[n] > 0 && s[n] <= 127)
		n++;
	char *d = buf;
	*heap = NULL;
	if (n >= cap && !(d = *heap = malloc(n + 1)))
		return NULL;
	for (size_t i = 0; i < n; i++)
		d[i] = (char)s[i];
	d[n] = 0;
	return d;
}

#define WIDE_STRTO(name, type, call)                                            \
	type name(const wchar_t *s, wchar_t **end, int base)                    \
	{                                                                       \
		char buf[NARROW_STACK], *heap, *e;                              \
		char *n = narrow(s, buf, sizeof buf, &heap);                    \
		type v = n ? call(n, &e, base) : 0;                             \
		if (end)                                                        \
			*end = (wchar_t *)s + (n ? e - n : 0);                  \
		free(heap);                                                     \
		return v;                                                       \
	}
WIDE_STRTO(wcstol, long, strtol)
WIDE_STRTO(wcstoul, unsigned long, strtoul)
WIDE_STRTO(wcstoll, long long, strtoll)
WIDE_STRTO(wcstoull, unsigned long long, strtoull)

double wcstod(const wchar_t *s, wchar_t **end)
{
	char buf[NARROW_STACK], *heap, *e;
	char *n = narrow(s, buf, sizeof buf, &heap);
	double v = n ? strtod(n, &e) : 0;
	if (end)
		*end = (wchar_t *)s + (n ? e - n : 0);
	free(heap);
	return v;
}

float wcstof(const wchar_t *s, wchar_t **end)
{
	return (float)wcstod(s, end);
}

/* ---- streams: a byte each ---- */

wint_t fgetwc(FILE *f)
{
	int c = fgetc(f);
	if (c == EOF)
		return WEOF;
	if (c > 127) {
		errno = EILSEQ;
		return WEOF;
	}
	return (wint_t)c;
}

wint_t getwc(FILE *f)
{
	return fgetwc(f);
}

wint_t getwchar(void)
{
	return fgetwc(stdin);
}

wint_t ungetwc(wint_t c, FILE *f)
{
	return c <= 127 && ungetc((int)c, f) != EOF ? c : WEOF;
}

wint_t fputwc(wchar_t c, FILE *f)
{
	if ((uint32_t)c > 127) {
		errno = EILSEQ;
		return WEOF;
	}
	return fputc((int)c, f) == EOF ? WEOF : (wint_t)c;
}

wint_t putwc(wchar_t c, FILE *f)
{
	return fputwc(c, f);
}

wint_t putwchar(wchar_t c)
{
	return fputwc(c, stdout);
}

int fputws(const wchar_t *s, FILE *f)
{
	for (; *s; s++)
		if (fputwc(*s, f) == WEOF)
			return -1;
	return 0;
}

wchar_t *fgetws(wchar_t *s, int n, FILE *f)
{
	int i = 0;
	if (n <= 0)
		return NULL;
	while (i < n - 1) {
		wint_t c = fgetwc(f);
		if (c == WEOF) {
			if (!i || errno == EILSEQ)
				return NULL;
			break;
		}
		s[i++] = (wchar_t)c;
		if (c == L'\n')
			break;
	}
	s[i] = 0;
	return s;
}

int fwide(FILE *f, int mode)
{
	(void)f;
	return mode > 0 ? 1 : mode < 0 ? -1 : 0;
}

/* ---- classes: <ctype.h>'s, for 0..127 ---- */

#define WIDE_CLASS(name, test)                                                  \
	int name(wint_t c)                                                      \
	{                                                                       \
		return c <= 127 && test((int)c);                                \
	}
WIDE_CLASS(iswalnum, isalnum)
WIDE_CLASS(iswalpha, isalpha)
WIDE_CLASS(iswblank, isblank)
WIDE_CLASS(iswcntrl, iscntrl)
WIDE_CLASS(iswdigit, isdigit)
WIDE_CLASS(iswgraph, isgraph)
WIDE_CLASS(iswlower, islower)
WIDE_CLASS(iswprint, isprint)
WIDE_CLASS(iswpunct, ispunct)
WIDE_CLASS(iswspace, isspace)
WIDE_CLASS(iswupper, isupper)
WIDE_CLASS(iswxdigit, isxdigit)

wint_t towlower(wint_t c)
{
	return c <= 127 ? (wint_t)tolower((int)c) : c;
}

wint_t towupper(wint_t c)
{
	return c <= 127 ? (wint_t)toupper((int)c) : c;
}

static const char *const class_names[] = {
	"alnum", "alpha", "blank", "cntrl", "digit", "graph",
	"lower", "print", "punct", "space", "upper", "xdigit",
};
static int (*const class_tests[])(wint_t) = {
	iswalnum, iswalpha, iswblank, iswcntrl, iswdigit, iswgraph,
	iswlower, iswprint, iswpunct, iswspace, iswupper, iswxdigit,
};

wctype_t wctype(const char *name)
{
	for (unsigned i = 0; i < sizeof class_names / sizeof class_names[0]; i++)
		if (strcmp(name, class_names[i]) == 0)
			return i + 1;
	return 0;
}

int iswctype(wint_t c, wctype_t type)
{
	if (type < 1 || type > sizeof class_tests / sizeof class_tests[0])
		return 0;
	return class_tests[type - 1](c);
}

static const int trans_lower = 1, trans_upper = 2;

wctrans_t wctrans(const char *name)
{
	if (strcmp(name, "tolower") == 0)
		return &trans_lower;
	if (strcmp(name, "toupper") == 0)
		return &trans_upper;
	return NULL;
}

wint_t towctrans(wint_t c, wctrans_t t)
{
	return t == &trans_lower ? towlower(c) : t == &trans_upper ? towupper(c) : c;
}
