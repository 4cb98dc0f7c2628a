/* printf's %f %F %e %E %g %G %a %A (and with L, a long double) for programs (lib/fmt.c's fmt_float hook).
 * Up to 17 significant digits are exact to the double's rounding; further
 * digits print as zeros.  Only in the programs' libsys: the pager is built
 * without floating-point registers. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include "lib/fmt.h"
#include "libsys.h"

#define SIG_MAX 17

/* Powers of ten a double holds exactly. */
static const double pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* x >= 0 rounded to an integer, a tie to even (as glibc, which rounds the
 * exact binary value: a tie here is one when x was computed exactly). */
static uint64_t round_even(double x)
{
	uint64_t m = (uint64_t)x;
	double rem = x - (double)m;
	return m + (rem > 0.5 || (rem == 0.5 && (m & 1)));
}

/* v > 0 as n (1..SIG_MAX) significant digits (rounded) into d[], and the
 * decimal exponent of the first: v ~ d[0].d[1]d[2].. * 10^*e10. */
static void sig_digits(double v, int n, char *d, int *e10)
{
	int e = 0;
	double w = v;
	while (w >= 1e16) { w /= 1e16; e += 16; }
	while (w >= 10) { w /= 10; e++; }
	while (w < 1e-16) { w *= 1e16; e -= 16; }
	while (w < 1) { w *= 10; e--; }
	/* one rounding from v where an exact power of ten does it */
	int k = n - 1 - e;
	double scaled = k >= 0 && k <= 22 ? v * pow10[k] :
			k < 0 && -k <= 22 ? v / pow10[-k] : w * pow10[n - 1];
	uint64_t m = round_even(scaled);
	if (m < (uint64_t)pow10[n - 1]) { /* the estimate of e was one too high */
		m = k + 1 <= 22 && k + 1 >= 0 ? round_even(v * pow10[k + 1]) : m * 10;
		e--;
	}
	if (m >= (uint64_t)pow10[n]) {
		m = (m + 5) / 10;
		e++;
	}
	for (int i = n - 1; i >= 0; i--, m /= 10)
		d[i] = (char)('0' + m % 10);
	*e10 = e;
}

struct buf {
	char *p;
	int n, cap;
};

static void add(struct buf *b, char c)
{
	if (b->n < b->cap - 1)
		b->p[b->n++] = c;
}

static void add_zeros(struct buf *b, int k)
{
	while (k-- > 0)
		add(b, '0');
}

static void add_u64(struct buf *b, uint64_t v, int min_digits)
{
	char t[24];
	int n = 0;
	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	add_zeros(b, min_digits - n);
	while (n)
		add(b, t[--n]);
}

/* %f: v >= 0 with prec digits after the point. */
static void fixed(struct buf *b, double v, int prec)
{
	int p = prec < SIG_MAX ? prec : SIG_MAX;
	if (v < 1.8e19) { /* integer part exact; the fraction rounded once */
		uint64_t ip = (uint64_t)v, scale = (uint64_t)pow10[p], fm = 0;
		if (p) {
			fm = round_even((v - (double)ip) * pow10[p]);
		} else { /* no fraction: the tie goes to the even integer */
			ip = round_even(v);
			fm = 0;
		}
		if (fm >= scale) {
			ip++;
			fm -= scale;
		}
		add_u64(b, ip, 1);
		if (prec)
			add(b, '.');
		if (p)
			add_u64(b, fm, p);
		add_zeros(b, prec - p);
		return;
	}
	char d[SIG_MAX];
	int e;
	sig_digits(v, SIG_MAX, d, &e); /* e >= 16 here unless prec is large */
	for (int i = 0; i <= e; i++)
		add(b, i < SIG_MAX ? d[i] : '0');
	if (prec)
		add(b, '.');
	for (int i = e + 1; i < e + 1 + prec; i++)
		add(b, i >= 0 && i < SIG_MAX ? d[i] : '0');
}

/* %e: v >= 0 as d.ddd (prec digits) e+XX. */
static void expo(struct buf *b, double v, int prec, bool upper)
{
	char d[SIG_MAX];
	int e = 0, n = prec + 1 < SIG_MAX ? prec + 1 : SIG_MAX;
	if (v == 0)
		for (int i = 0; i < n; i++)
			d[i] = '0';
	else
		sig_digits(v, n, d, &e);
	add(b, d[0]);
	if (prec)
		add(b, '.');
	for (int i = 1; i <= prec; i++)
		add(b, i < n ? d[i] : '0');
	add(b, upper ? 'E' : 'e');
	add(b, e < 0 ? '-' : '+');
	add_u64(b, (uint64_t)(e < 0 ? -e : e), 2);
}

/* %g: %e or %f by the exponent, trailing zeros dropped. */
static void general(struct buf *b, double v, int prec, bool upper)
{
	int P = prec == 0 ? 1 : prec, x = 0;
	if (v != 0) {
		char d[SIG_MAX];
		sig_digits(v, P < SIG_MAX ? P : SIG_MAX, d, &x);
	}
	int start = b->n;
	if (x < -4 || x >= P)
		expo(b, v, P - 1, upper);
	else
		fixed(b, v, P - 1 - x);
	/* drop the fraction's trailing zeros (and a bare point) */
	int epos = b->n;
	for (int i = start; i < b->n; i++)
		if (b->p[i] == 'e' || b->p[i] == 'E')
			epos = i;
	int dot = -1;
	for (int i = start; i < epos; i++)
		if (b->p[i] == '.')
			dot = i;
	if (dot < 0)
		return;
	int end = epos;
	while (end > dot + 1 && b->p[end - 1] == '0')
		end--;
	if (end == dot + 1)
		end = dot;
	int k = end;
	for (int i = epos; i < b->n; i++)
		b->p[k++] = b->p[i];
	b->n = k;
}

/* %a: v >= 0 as 0x1.hhhp+d (normal) or 0x0.hhhp-1022 (subnormal), the
 * 13 hex digits of the fraction rounded (a tie to even) to prec, or all
 * but their trailing zeros when prec < 0. */
static void hex(struct buf *b, double v, int prec, bool upper)
{
	union { double d; uint64_t u; } x = { v };
	uint64_t frac = x.u & ((1ull << 52) - 1);
	int e = (int)(x.u >> 52), lead = e != 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	e = v == 0 ? 0 : e ? e - 1023 : -1022;
	if (prec >= 0 && prec < 13) { /* round to prec hex digits */
		int drop = 4 * (13 - prec);
		uint64_t half = 1ull << (drop - 1), rest = frac & ((1ull << drop) - 1);
		frac >>= drop;
		if (rest > half || (rest == half && (frac & 1)))
			frac++;
		if (frac >> (4 * prec)) { /* carried into the leading digit */
			frac &= (1ull << (4 * prec)) - 1;
			lead++;
		}
		frac <<= drop;
	}
	add(b, '0');
	add(b, upper ? 'X' : 'x');
	add(b, digits[lead]);
	int n = 13;
	if (prec < 0)
		while (n > 0 && !((frac >> (4 * (13 - n))) & 15))
			n--;
	else
		n = prec;
	if (n)
		add(b, '.');
	for (int i = 0; i < n; i++)
		add(b, i < 13 ? digits[(frac >> (48 - 4 * i)) & 15] : '0');
	add(b, upper ? 'P' : 'p');
	add(b, e < 0 ? '-' : '+');
	add_u64(b, (uint64_t)(e < 0 ? -e : e), 1);
}

static int format(char *out, size_t cap, char conv, int prec, bool *neg, va_list *ap)
{
	/* lib/fmt.c marks a long double argument (%Lf) with bit 7 */
	double v = (conv & 0x80) ? (double)va_arg(*ap, long double) : va_arg(*ap, double);
	conv &= 0x7f;
	struct buf b = { out, 0, (int)cap };
	bool upper = conv == 'F' || conv == 'E' || conv == 'G' || conv == 'A';
	*neg = __builtin_signbit(v) != 0;
	if (*neg)
		v = -v;
	if (v != v || v > 1.7976931348623157e308) {
		const char *t = v != v ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
		while (*t)
			add(&b, *t++);
	} else if (conv == 'a' || conv == 'A') {
		hex(&b, v, prec > 300 ? 300 : prec, upper);
	} else {
		if (prec < 0)
			prec = 6;
		if (prec > 300)
			prec = 300;
		if (conv == 'f' || conv == 'F')
			fixed(&b, v, prec);
		else if (conv == 'e' || conv == 'E')
			expo(&b, v, prec, upper);
		else
			general(&b, v, prec, upper);
	}
	out[b.n] = 0;
	return b.n;
}

void libsys_float_init(void)
{
	fmt_float = format;
}
