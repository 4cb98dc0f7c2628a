/* The floating-point part of the C library (built only into the programs'
 * libsys, never the pager's): strtod, atof and <math.h>'s few functions. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static int lower(int c) { return c | 32; }

/* s matches word (lower case) case-blind at its start: its length, or 0. */
static int word_at(const char *s, const char *word)
{
	int n = 0;
	for (; word[n]; n++)
		if (lower(s[n]) != word[n])
			return 0;
	return n;
}

/* A hexadecimal float after "0x": digits, '.', 'p' exponent. */
static long double hex_float(const char *p, const char **endp, int *any)
{
	long double v = 0;
	long exp2 = 0;
	int frac = 0;
	for (;; p++) {
		int c = lower(*p), d;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (*p == '.' && !frac) {
			frac = 1;
			continue;
		} else
			break;
		if (v < 0x1p63L)
			v = v * 16 + d, exp2 -= frac ? 4 : 0;
		else if (!frac)
			exp2 += 4; /* digits past the precision */
		*any = 1;
	}
	if (*any && lower(*p) == 'p') {
		char *q;
		long x = strtol(p + 1, &q, 10);
		if (q != p + 1)
			p = q, exp2 += x;
	}
	*endp = p;
	if (exp2 > 20000)
		exp2 = 20000;
	if (exp2 < -20000)
		exp2 = -20000;
	for (; exp2 > 0; exp2--)
		v *= 2;
	for (; exp2 < 0; exp2++)
		v /= 2;
	return v;
}

/* Decimal digits, '.', 'e' exponent: up to 19 significant digits in an
 * integer, then one multiplication or division by a power of ten in the
 * x87's 64-bit precision (exact up to 10^27), rounded once to double. */
static long double dec_float(const char *p, const char **endp, int *any)
{
	uint64_t m = 0;
	long exp10 = 0;
	int digits = 0, frac = 0;
	for (;; p++) {
		if (*p == '.' && !frac) {
			frac = 1;
			continue;
		}
		if (*p < '0' || *p > '9')
			break;
		*any = 1;
		if (m == 0 && *p == '0') {
			exp10 -= frac;
			continue;
		}
		if (digits < 19) {
			m = m * 10 + (uint64_t)(*p - '0');
			digits++;
			exp10 -= frac;
		} else if (!frac)
			exp10++;
	}
	if (*any && lower(*p) == 'e') {
		char *q;
		long x = strtol(p + 1, &q, 10);
		if (q != p + 1) {
			p = q;
			exp10 += x > 100000 ? 100000 : x < -100000 ? -100000 : x;
		}
	}
	*endp = p;
	long double v = (long double)m, pw = 1, ten = 10;
	long e = exp10 < 0 ? -exp10 : exp10;
	if (m == 0)
		return 0;
	for (; e; e >>= 1, ten *= ten) /* 10^|exp10| by squaring */
		if (e & 1)
			pw *= ten;
	return exp10 < 0 ? v / pw : v * pw;
}

long double strtold(const char *s, char **end)
{
	const char *p = s, *q;
	long double v;
	int neg = 0, any = 0, n;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if ((n = word_at(p, "infinity")) || (n = word_at(p, "inf"))) {
		v = __builtin_infl(), q = p + n, any = 1;
	} else if ((n = word_at(p, "nan"))) {
		v = __builtin_nanl(""), q = p + n, any = 1;
		if (*q == '(') { /* nan(chars) */
			const char *r = q + 1;
			while ((*r >= '0' && *r <= '9') || (lower(*r) >= 'a' && lower(*r) <= 'z') || *r == '_')
				r++;
			if (*r == ')')
				q = r + 1;
		}
	} else if (p[0] == '0' && lower(p[1]) == 'x') {
		v = hex_float(p + 2, &q, &any);
		if (!any) /* "0x" alone: the 0 */
			v = 0, q = p + 1, any = 1;
	} else {
		v = dec_float(p, &q, &any);
	}
	if (end)
		*end = (char *)(any ? q : s);
	return neg ? -v : v;
}

double strtod(const char *s, char **end)
{
	char *e;
	long double v = strtold(s, &e);
	double d = (double)v;
	if (end)
		*end = e;
	if (e != s && (__builtin_isinf(d) != __builtin_isinf(v) ||
		       (d == 0 && v != 0) || (v != 0 && __builtin_fabs(d) < 0x1p-1022)))
		errno = ERANGE;
	return d;
}

float strtof(const char *s, char **end)
{
	char *e;
	long double v = strtold(s, &e);
	float f = (float)v;
	if (end)
		*end = e;
	if (e != s && (__builtin_isinf(f) != __builtin_isinf(v) || (f == 0 && v != 0)))
		errno = ERANGE;
	return f;
}

double atof(const char *s) { return strtod(s, NULL); }

/* ---- math.h ---- */

double fabs(double x) { return x < 0 ? -x : x; }

double sqrt(double x)
{
	double r;
	__asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
	return r;
}

double floor(double x)
{
	if (!(fabs(x) < 4503599627370496.0)) /* 2^52: integral already, or NaN */
		return x;
	double t = (double)(long long)x;
	return t > x ? t - 1 : t;
}

double ceil(double x)
{
	return -floor(-x);
}

double fmod(double x, double y)
{
	if (y == 0)
		return NAN;
	double q = x / y;
	q = q < 0 ? ceil(q) : floor(q);
	return x - q * y;
}
