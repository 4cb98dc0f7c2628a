/* The floating-point part of the C library (built only into the programs'
 * libsys, never the pager's): strtod, atof and <math.h>'s few functions. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include "bigint.h"
#include "libm_in.h"

/* ---- strtod: exact decimal (and hexadecimal) to double ---- */

#define DEC_MAX 800       /* significant digits kept; more only leave a sticky 1 */
#define EXP_CLAMP 100000L /* an exponent past this gives 0 or inf all the same */

/* a = b << s if s >= 0, else b itself (and the other side is shifted). */
static void shift_pair(struct bn *n, struct bn *m, long s)
{
	if (s >= 0)
		bn_shl(n, (unsigned)s);
	else
		bn_shl(m, (unsigned)-s);
}

/* The bits of q * 2^b (q < 2^53, b >= -1074; q < 2^52 only when b is). */
static double make_double(uint64_t q, long b)
{
	union { double d; uint64_t u; } v;
	v.u = q < (1ull << 52) ? q : ((uint64_t)(b + 1075) << 52) | (q & ((1ull << 52) - 1));
	return v.d;
}

/* N * 2^e2 / M (N, M > 0) rounded to the nearest double, a tie to even: the
 * 53-bit quotient by long division, the remainder rounds it.  *erange is
 * set on overflow (HUGE_VAL) and on a result below DBL_MIN that is inexact.
 * (fma, libm3.c, rounds its exact sum with it too.) */
double libsys_bn_ratio(const struct bn *N0, const struct bn *M0, long e2, int *erange)
{
	long b = (long)bn_bitlen(N0) - bn_bitlen(M0) + e2 - 53;
	/* the value is in [2^(b+52), 2^(b+54)) */
	if (b + 52 >= 1024) { *erange = 1; return HUGE_VAL; }
	if (b + 54 <= -1075) { *erange = 1; return 0; }
	struct bn N = *N0, M = *M0;
	shift_pair(&N, &M, e2 - b);
	bn_shl(&M, 53);
	if (bn_cmp(&N, &M) >= 0) /* a 54-bit quotient: one more to the exponent */
		b++;
	if (b < -1074) /* subnormal: fewer bits, the last one 2^-1074 */
		b = -1074;
	N = *N0, M = *M0;
	shift_pair(&N, &M, e2 - b);
	bn_shl(&M, 53);
	uint64_t q = 0;
	for (int i = 53; i >= 0; i--) {
		if (bn_cmp(&N, &M) >= 0) {
			bn_sub(&N, &M);
			q |= 1ull << i;
		}
		if (i)
			bn_shr1(&M);
	}
	int inexact = !bn_is_zero(&N);
	bn_shl(&N, 1); /* twice the remainder against the divisor: past half? */
	int c = bn_cmp(&N, &M);
	if (c > 0 || (c == 0 && (q & 1)))
		q++;
	if (q == 1ull << 53) {
		q >>= 1;
		b++;
	}
	if (b > 971) { *erange = 1; return HUGE_VAL; }
	if (q < (1ull << 52) && inexact)
		*erange = 1;
	return make_double(q, b);
}

/* Case-insensitive: does p start with the lower-case word w? */
static int word(const char *p, const char *w)
{
	for (; *w; p++, w++)
		if ((*p | 32) != *w)
			return 0;
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if ((c | 32) >= 'a' && (c | 32) <= 'f') return (c | 32) - 'a' + 10;
	return -1;
}

/* An exponent's [+-]digits after *pp's letter, clamped to +-EXP_CLAMP; *pp
 * moves past it only when there is one. */
static long read_exp(const char **pp)
{
	const char *p = *pp + 1;
	int neg = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	if (*p < '0' || *p > '9')
		return 0;
	long x = 0;
	for (; *p >= '0' && *p <= '9'; p++)
		if (x < EXP_CLAMP)
			x = x * 10 + (*p - '0');
	*pp = p;
	return neg ? -x : x;
}

/* Decimal digits [. digits] [e exp] at *pp (at least one digit; else 0
 * and *pp unmoved): the value D * 10^E made exact in big integers. */
static double dec_value(const char **pp, int *erange)
{
	const char *p = *pp;
	char dig[DEC_MAX + 1];
	int nd = 0, seen = 0, sticky = 0;
	long E = 0;
	for (; *p >= '0' && *p <= '9'; p++, seen = 1) {
		if (nd < DEC_MAX) {
			if (nd || *p != '0')
				dig[nd++] = (char)(*p - '0');
		} else {
			E++;
			sticky |= *p != '0';
		}
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, seen = 1) {
			if (nd < DEC_MAX) {
				if (nd || *p != '0')
					dig[nd++] = (char)(*p - '0');
				E--;
			} else {
				sticky |= *p != '0';
			}
		}
	}
	if (!seen)
		return 0;
	if ((*p | 32) == 'e')
		E += read_exp(&p);
	*pp = p;
	if (sticky) { /* past the digits a half-way point needs: only "more" counts */
		dig[nd++] = 1;
		E--;
	}
	while (nd && dig[nd - 1] == 0) {
		nd--;
		E++;
	}
	if (nd == 0)
		return 0;
	if (nd + E > 310) { *erange = 1; return HUGE_VAL; }
	if (nd + E <= -324) { *erange = 1; return 0; }
	struct bn N, M;
	bn_set(&N, 0);
	for (int i = 0; i < nd;) {
		uint32_t chunk = 0, scale = 1;
		for (int k = 0; k < 9 && i < nd; k++, i++) {
			chunk = chunk * 10 + (uint32_t)dig[i];
			scale *= 10;
		}
		bn_mul_add(&N, scale, chunk);
	}
	bn_set(&M, 1);
	bn_mul_pow5(E >= 0 ? &N : &M, (unsigned)(E >= 0 ? E : -E));
	return libsys_bn_ratio(&N, &M, E, erange); /* 10^E = 5^E * 2^E */
}

/* Hexadecimal digits [. digits] [p exp] at *pp, past "0x" (as dec_value). */
static double hex_value(const char **pp, int *erange)
{
	const char *p = *pp;
	uint64_t m = 0;
	long e2 = 0;
	int seen = 0, sticky = 0, v;
	for (; (v = hexval(*p)) >= 0; p++, seen = 1) {
		if (m >> 56 == 0) {
			m = m * 16 + (uint64_t)v;
		} else {
			e2 += 4;
			sticky |= v != 0;
		}
	}
	if (*p == '.') {
		for (p++; (v = hexval(*p)) >= 0; p++, seen = 1) {
			if (m >> 56 == 0) {
				m = m * 16 + (uint64_t)v;
				e2 -= 4;
			} else {
				sticky |= v != 0;
			}
		}
	}
	if (!seen)
		return 0;
	if ((*p | 32) == 'p')
		e2 += read_exp(&p);
	*pp = p;
	if (m == 0)
		return 0;
	struct bn N, M;
	bn_set(&N, m * 2 + (uint64_t)sticky); /* the sticky bit below the last */
	bn_set(&M, 1);
	return libsys_bn_ratio(&N, &M, e2 - 1, erange);
}

/* C99's strtod: decimal and hexadecimal, correctly rounded (to nearest),
 * "inf", "infinity", "nan", "nan(chars)" in any case; ERANGE with +-HUGE_VAL
 * on overflow, with 0 or a subnormal on underflow. */
double strtod(const char *s, char **end)
{
	const char *p = s, *start;
	int neg = 0, erange = 0;
	double v = 0;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	start = p;
	if (word(p, "inf")) {
		p += word(p, "infinity") ? 8 : 3;
		v = HUGE_VAL;
	} else if (word(p, "nan")) {
		p += 3;
		if (*p == '(') {
			const char *q = p + 1;
			while ((*q >= '0' && *q <= '9') || ((*q | 32) >= 'a' && (*q | 32) <= 'z') || *q == '_')
				q++;
			if (*q == ')')
				p = q + 1;
		}
		v = NAN;
	} else if (p[0] == '0' && (p[1] | 32) == 'x') {
		const char *q = p + 2;
		v = hex_value(&q, &erange);
		p = q != p + 2 ? q : p + 1; /* "0x" alone is the 0 */
	} else {
		v = dec_value(&p, &erange);
	}
	if (p == start) /* no number: +0, end at s */
		neg = 0, p = s;
	if (end)
		*end = (char *)p;
	if (erange)
		errno = ERANGE;
	return neg ? -v : v;
}

/* strtold: strtod's double (a long double has more bits; the value is the
 * double nearest the text). */
long double strtold(const char *s, char **end)
{
	return strtod(s, end);
}

/* strtof: strtod's double rounded to float (a tie of the float's rounding
 * that the double rounded first can land one float ulp off glibc's);
 * ERANGE when the float overflows or underflows to 0 but the double did
 * not. */
float strtof(const char *s, char **end)
{
	char *e;
	double v = strtod(s, &e);
	float f = (float)v;
	if (end)
		*end = e;
	if (e != s && (__builtin_isinf(f) != __builtin_isinf(v) || (f == 0 && v != 0)))
		errno = ERANGE;
	return f;
}

double atof(const char *s) { return strtod(s, NULL); }

/* ---- math.h ---- */

double fabs(double x) { return __builtin_fabs(x); } /* fabs(-0.0) is +0 */

double libsys_merr(double r, double x, double y, int under)
{
	if (isnan(r) && !isnan(x) && !isnan(y)) {
		volatile double z = 0;
		r = z / z; /* FE_INVALID, and the default NaN (-nan) glibc gives */
		errno = EDOM;
	} else if (isinf(r) && isfinite(x) && isfinite(y))
		errno = ERANGE;
	else if (under && r == 0 && x != 0 && isfinite(x) && isfinite(y))
		errno = ERANGE;
	return r;
}

float libsys_merrf(double r, double x, double y, int under)
{
	r = libsys_merr(r, x, y, under);
	float f = (float)r;
	if ((isinf(f) && isfinite(r)) || (under && f == 0 && r != 0))
		errno = ERANGE; /* past float's range only */
	return f;
}

double sqrt(double x)
{
	double r;
	__asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
	return libsys_merr(r, x, 0, 0);
}

double floor(double x)
{
	if (!(fabs(x) < 4503599627370496.0)) /* 2^52: integral already, or NaN */
		return x;
	double t = (double)(long long)x;
	if (t > x)
		t -= 1;
	return t == 0 ? __builtin_copysign(0.0, x) : t; /* floor(-0.0) is -0 */
}

double ceil(double x)
{
	if (!(fabs(x) < 4503599627370496.0))
		return x;
	double t = (double)(long long)x;
	if (t < x)
		t += 1;
	return t == 0 ? __builtin_copysign(0.0, x) : t; /* ceil(-0.5) is -0 */
}

/* x - n*y with n = x/y truncated, exactly (the x87's partial remainder,
 * repeated until complete); the sign of x. */
double fmod(double x, double y)
{
	if (isnan(x) || isnan(y) || isinf(x) || y == 0)
		return libsys_merr(NAN, x, y, 0);
	if (isinf(y))
		return x;
	long double r;
	__asm__("1: fprem\n\t"
		"fnstsw %%ax\n\t"
		"testw $0x400, %%ax\n\t" /* C2: only partly reduced */
		"jnz 1b"
		: "=t"(r) : "0"((long double)x), "u"((long double)y) : "ax", "cc");
	return (double)r;
}
