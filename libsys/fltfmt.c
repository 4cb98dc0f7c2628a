/* printf's %f %F %e %E %g %G %a %A (with L a long double: its own 64-bit
 * mantissa, see num_of_ld for the range) for programs (lib/fmt.c's
 * fmt_float hook): the value's exact decimal value (a big integer, libsys/bigint.c), rounded
 * at the asked digit with ties to even, as glibc prints at any precision.
 * Only in the programs' libsys: the pager is built without floating-point
 * registers. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include "lib/fmt.h"
#include "libsys.h"
#include "bigint.h"

/* A finite value >= 0 exactly: m * 2^e (a double's, or a long double's
 * whose binary exponent is within LD_EXACT: see num_of_ld). */
struct num {
	uint64_t m;
	int e;
};

/* The exact decimal form of a double has at most 767 significant digits;
 * of a long double whose m * 2^e has |e| <= LD_EXACT, at most 790 (m times
 * 5^1100), in 2,618 bits (a struct bn holds 5,760). */
#define DIG_MAX 800
#define LD_EXACT 1100

static struct num num_of_double(double v)
{
	union { double d; uint64_t u; } b = { v };
	uint64_t m = b.u & ((1ull << 52) - 1);
	int ex = (int)(b.u >> 52) & 0x7ff;
	if (ex)
		m |= 1ull << 52;
	else
		ex = 1;
	return (struct num){ m, ex - 1075 };
}

/* x86's 80-bit long double: a 64-bit mantissa with its integer bit, a
 * 15-bit exponent biased by 16,383. */
union ldbits {
	long double ld;
	struct {
		uint64_t m;
		uint16_t se;
	} p;
};

/* v >= 0 finite as m * 2^e, or as its nearest double's when the exponent
 * is beyond +-LD_EXACT (the big integers' and DIG_MAX's reach: such a
 * value prints as the double range's 0 or inf, not glibc's digits). */
static struct num num_of_ld(long double v)
{
	union ldbits b = { .ld = v };
	int ex = b.p.se & 0x7fff;
	int e = (ex ? ex : 1) - 16383 - 63;
	if (b.p.m && (e > LD_EXACT || e < -LD_EXACT))
		return num_of_double((double)v);
	return (struct num){ b.p.m, e };
}

/* v > 0 (finite) exactly: v = 0.d[0]d[1]..d[n-1] x 10^*pt with d[0] != '0'
 * and no trailing zeros; returns n.  v = m * 2^e is m << e when e >= 0, and
 * m * 5^-e with -e decimals when e < 0. */
static int exact_digits(struct num v, char *d, int *pt)
{
	uint64_t m = v.m;
	int e = v.e, frac = 0;
	struct bn N;
	bn_set(&N, m);
	if (e >= 0) {
		bn_shl(&N, (unsigned)e);
	} else {
		bn_mul_pow5(&N, (unsigned)-e);
		frac = -e;
	}
	int n = 0; /* digits, least significant first */
	while (!bn_is_zero(&N)) {
		uint32_t r = bn_divmod(&N, 1000000000u);
		for (int k = 0; k < 9 && n < DIG_MAX; k++, r /= 10)
			d[n++] = (char)('0' + r % 10);
	}
	while (n > 0 && d[n - 1] == '0') /* the last chunk's leading zeros */
		n--;
	*pt = n - frac;
	int lo = 0;
	while (lo < n && d[lo] == '0')
		lo++;
	for (int i = 0, j = n - 1; i < j; i++, j--) {
		char t = d[i];
		d[i] = d[j];
		d[j] = t;
	}
	return n - lo;
}

/* d[0..n) (the value 0.d x 10^*pt) rounded to its first keep digits, a tie
 * to even on the exact value; returns the new count (0: rounded to zero).
 * A carry out of d[0] makes it "1" with *pt one higher. */
static int round_to(char *d, int n, int *pt, int keep)
{
	if (keep >= n)
		return n;
	if (keep < 0) /* below a tenth of the last kept place */
		return 0;
	bool up = d[keep] > '5' ||
		  (d[keep] == '5' && (keep + 1 < n || (keep > 0 && ((d[keep - 1] - '0') & 1))));
	if (!up)
		return keep;
	int i = keep - 1;
	while (i >= 0 && d[i] == '9')
		i--;
	if (i < 0) {
		d[0] = '1';
		(*pt)++;
		return 1;
	}
	d[i]++;
	return i + 1;
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
static void fixed(struct buf *b, struct num v, int prec)
{
	char d[DIG_MAX];
	int pt = 0, n = v.m == 0 ? 0 : exact_digits(v, d, &pt);
	n = round_to(d, n, &pt, pt + prec);
	if (pt <= 0)
		add(b, '0');
	for (int i = 0; i < pt; i++)
		add(b, i < n ? d[i] : '0');
	if (prec)
		add(b, '.');
	for (int i = pt; i < pt + prec; i++)
		add(b, i >= 0 && i < n ? d[i] : '0');
}

/* %e: v >= 0 as d.ddd (prec digits) e+XX. */
static void expo(struct buf *b, struct num v, int prec, bool upper)
{
	char d[DIG_MAX];
	int pt = 1, n = v.m == 0 ? 0 : exact_digits(v, d, &pt);
	n = round_to(d, n, &pt, prec + 1);
	int e = pt - 1;
	add(b, n > 0 ? d[0] : '0');
	if (prec)
		add(b, '.');
	for (int i = 1; i <= prec; i++)
		add(b, i < n ? d[i] : '0');
	add(b, upper ? 'E' : 'e');
	add(b, e < 0 ? '-' : '+');
	add_u64(b, (uint64_t)(e < 0 ? -e : e), 2);
}

/* %g: %e or %f by the exponent, trailing zeros dropped (kept for '#'). */
static void general(struct buf *b, struct num v, int prec, bool upper, bool alt)
{
	int P = prec == 0 ? 1 : prec, x = 0;
	if (v.m != 0) { /* the exponent %e would print */
		char d[DIG_MAX];
		int pt;
		round_to(d, exact_digits(v, d, &pt), &pt, P);
		x = pt - 1;
	}
	int start = b->n;
	if (x < -4 || x >= P)
		expo(b, v, P - 1, upper);
	else
		fixed(b, v, P - 1 - x);
	if (alt)
		return;
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

/* %a: lead.frac x 2^e as 0xh.hhhp+d, frac's nd hex digits (prec of them,
 * rounded to even, or all but trailing zeros when prec < 0); a carry
 * raises the lead digit (a double's 1 to 2, as glibc; a long double's f
 * to 1 with e 4 higher). */
static void hexa(struct buf *b, unsigned lead, uint64_t frac, int nd, int e, int prec,
		 bool upper)
{
	int n = nd;
	if (prec >= 0 && prec < nd) {
		int drop = 4 * (nd - prec);
		uint64_t rem = frac & ((1ull << drop) - 1), half = 1ull << (drop - 1);
		frac >>= drop;
		uint64_t odd = prec ? frac & 1 : lead & 1; /* the last digit kept */
		if (rem > half || (rem == half && odd))
			frac++;
		if (frac >> (4 * prec)) { /* carried into the lead digit */
			lead++;
			frac &= (1ull << (4 * prec)) - 1;
		}
		if (lead == 16) {
			lead = 1;
			e += 4;
		}
		n = prec;
	} else if (prec < 0) {
		for (; n > 0 && (frac & 15) == 0; n--)
			frac >>= 4;
	}
	const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	add(b, '0');
	add(b, upper ? 'X' : 'x');
	add(b, hex[lead]);
	if (n > 0 || prec > 0)
		add(b, '.');
	for (int i = n - 1; i >= 0; i--)
		add(b, hex[(frac >> (4 * i)) & 15]);
	add_zeros(b, prec - n);
	add(b, upper ? 'P' : 'p');
	add(b, e < 0 ? '-' : '+');
	add_u64(b, (uint64_t)(e < 0 ? -e : e), 1);
}

/* %a of a double v >= 0: the implicit bit leads, 13 digits of fraction; a
 * subnormal has 0 and exponent -1022, as glibc. */
static void hexa_double(struct buf *b, double v, int prec, bool upper)
{
	union { double d; uint64_t u; } x = { v };
	uint64_t m = x.u & ((1ull << 52) - 1);
	int ex = (int)(x.u >> 52) & 0x7ff;
	int e = ex ? ex - 1023 : m ? -1022 : 0;
	hexa(b, ex != 0, m, 13, e, prec, upper);
}

/* %La of a long double v >= 0, as glibc: the mantissa's top 4 bits lead,
 * its other 60 are 15 digits, the exponent 3 less (1.0L is 0x8p-3). */
static void hexa_ld(struct buf *b, long double v, int prec, bool upper)
{
	union ldbits x = { .ld = v };
	int ex = x.p.se & 0x7fff;
	int e = x.p.m ? (ex ? ex : 1) - 16383 - 3 : 0;
	hexa(b, (unsigned)(x.p.m >> 60), x.p.m & ((1ull << 60) - 1), 15, e, prec, upper);
}

/* '#': a decimal point in b's number even with no digit after it. */
static void keep_point(struct buf *b)
{
	int at = b->n;
	for (int i = 0; i < b->n; i++) {
		if (b->p[i] == '.')
			return;
		if ((b->p[i] == 'e' || b->p[i] == 'E') && at == b->n)
			at = i;
	}
	if (b->n + 1 >= b->cap)
		return;
	for (int i = b->n; i > at; i--)
		b->p[i] = b->p[i - 1];
	b->p[at] = '.';
	b->n++;
}

static int format(char *out, size_t cap, char conv, int prec, bool alt, bool *neg, va_list *ap)
{
	/* lib/fmt.c marks a long double argument (%Lf) with bit 7 */
	bool ld = (conv & 0x80) != 0;
	long double lv = ld ? va_arg(*ap, long double) : 0;
	double v = ld ? (double)lv : va_arg(*ap, double);
	conv &= 0x7f;
	struct buf b = { out, 0, (int)cap };
	bool upper = conv == 'F' || conv == 'E' || conv == 'G' || conv == 'A';
	*neg = ld ? __builtin_signbit(lv) != 0 : __builtin_signbit(v) != 0;
	if (*neg) {
		v = -v;
		lv = -lv;
	}
	bool nan = ld ? lv != lv : v != v;
	if (nan || (ld ? lv > 1.18973149535723176502e+4932L : v > 1.7976931348623157e308)) {
		const char *t = nan ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
		while (*t)
			add(&b, *t++);
	} else if (conv == 'a' || conv == 'A') {
		if (prec > 300)
			prec = 300;
		if (ld)
			hexa_ld(&b, lv, prec, conv == 'A');
		else
			hexa_double(&b, v, prec, conv == 'A');
	} else {
		struct num x = ld ? num_of_ld(lv) : num_of_double(v);
		if (prec < 0)
			prec = 6;
		if (prec > 300)
			prec = 300;
		if (conv == 'f' || conv == 'F')
			fixed(&b, x, prec);
		else if (conv == 'e' || conv == 'E')
			expo(&b, x, prec, upper);
		else
			general(&b, x, prec, upper, alt);
		if (alt)
			keep_point(&b);
	}
	out[b.n] = 0;
	return b.n;
}

void libsys_float_init(void)
{
	fmt_float = format;
}
