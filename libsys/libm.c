/* The floating-point part of the C library (built only into the programs'
 * libsys, never the pager's): strtod, atof and <math.h>'s few functions. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

double strtod(const char *s, char **end)
{
	const char *p = s;
	double v = 0, scale = 1;
	int neg = 0, any = 0;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, any = 1)
		v = v * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, any = 1)
			v += (*p - '0') * (scale /= 10);
	if (any && (*p | 32) == 'e') {
		char *q;
		long x = strtol(p + 1, &q, 10);
		if (q != p + 1) {
			p = q;
			for (; x > 0; x--) v *= 10;
			for (; x < 0; x++) v /= 10;
		}
	}
	if (end)
		*end = (char *)(any ? p : s);
	return neg ? -v : v;
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
