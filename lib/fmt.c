/* printf-style formatting, freestanding: used by printk and libsys. */
#include <stdint.h>
#include <stdbool.h>
#include "lib/fmt.h"

struct out {
	char *buf;
	size_t size, len; /* len counts every byte, even those past size */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt; /* alt: '#' */
	int width, prec; /* prec < 0: none */
};

/* Emit digits of v in base, with sign/prefix, honouring width and flags. */
static void put_num(struct out *o, uint64_t v, bool neg, unsigned base,
		    bool upper, const char *prefix, struct spec *s)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	if (v || s->prec != 0 || (base == 8 && s->alt)) /* %.0d of 0: no digit */
		do {
			tmp[n++] = dig[v % base];
			v /= base;
		} while (v);
	int zeros = s->prec > n ? s->prec - n : 0;
	char sign = neg ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
	int plen = 0;
	while (prefix && prefix[plen])
		plen++;
	int body = n + zeros + plen + (sign != 0);
	if (s->zero && !s->left && s->prec < 0 && s->width > body) {
		zeros += s->width - body;
		body = s->width;
	}
	if (!s->left)
		pad(o, ' ', s->width - body);
	if (sign)
		put(o, sign);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (s->left)
		pad(o, ' ', s->width - body);
}

int (*fmt_float)(char *buf, size_t cap, char conv, int prec, bool alt, bool *neg,
		 va_list *ap);
const char *(*fmt_errstr)(void);

/* A formatted number's text (digits, point, exponent) with the sign and
 * the padding the spec asks for ('0' pads between sign and digits). */
static void put_float(struct out *o, const char *txt, int n, bool neg, struct spec *s)
{
	char sign = neg ? '-' : s->plus ? '+' : s->space ? ' ' : 0;
	int body = n + (sign != 0);
	bool digits = txt[0] >= '0' && txt[0] <= '9';
	if (!s->left && !(s->zero && digits))
		pad(o, ' ', s->width - body);
	if (sign)
		put(o, sign);
	if (!s->left && s->zero && digits)
		pad(o, '0', s->width - body);
	for (int i = 0; i < n; i++)
		put(o, txt[i]);
	if (s->left)
		pad(o, ' ', s->width - body);
}

static void put_str(struct out *o, const char *str, struct spec *s)
{
	if (!str)
		str = "(null)";
	int n = 0;
	while (str[n] && (s->prec < 0 || n < s->prec))
		n++;
	if (!s->left)
		pad(o, ' ', s->width - n);
	for (int i = 0; i < n; i++)
		put(o, str[i]);
	if (s->left)
		pad(o, ' ', s->width - n);
}

/* Positional arguments (%N$, *N$), as glibc: the argument classes by
 * number, to step over those before the one a conversion takes. */
#define POS_MAX 64
enum { A_NONE, A_INT, A_LL, A_PTR, A_DBL, A_LDBL };
struct pos {
	unsigned char cls[POS_MAX + 1]; /* [1..max] */
	int max;
	va_list *first;                 /* the arguments from the first on */
};

/* The number of "N$" at *f (advancing past it), or 0 if none there. */
static int pos_number(const char **f)
{
	const char *p = *f;
	int n = 0;
	while (*p >= '0' && *p <= '9' && n <= POS_MAX)
		n = n * 10 + (*p++ - '0');
	if (*p != '$' || p == *f || n < 1 || n > POS_MAX)
		return 0;
	*f = p + 1;
	return n;
}

/* *ap a copy of the arguments moved on to argument n (1: the first).  A
 * floating-point one is stepped over by fmt_float (formatted into a byte:
 * this file is also the kernel's, built without SSE); without it such a
 * conversion takes no argument. */
static void pos_seek(const struct pos *ps, int n, va_list *ap)
{
	va_copy(*ap, *ps->first);
	for (int i = 1; i < n; i++) {
		char t[2];
		bool neg;
		switch (ps->cls[i]) {
		case A_LL: (void)va_arg(*ap, long long); break;
		case A_PTR: (void)va_arg(*ap, void *); break;
		case A_DBL: case A_LDBL:
			if (fmt_float)
				fmt_float(t, sizeof t, (char)(ps->cls[i] == A_LDBL ? 'a' | 0x80 : 'a'),
					  0, false, &neg, ap);
			break;
		default: (void)va_arg(*ap, int); break; /* (an unused one: an int) */
		}
	}
}

/* A '*' width or precision: the next argument, or with ps the "N$" one. */
static int star_arg(const char **f, va_list *ap, const struct pos *ps)
{
	int n = ps ? pos_number(f) : 0;
	if (!n)
		return va_arg(*ap, int);
	va_list aq;
	pos_seek(ps, n, &aq);
	int v = va_arg(aq, int);
	va_end(aq);
	return v;
}

/* Parse flags, width and precision at *fmt; advance *fmt past them ('*'
 * takes an argument from ap, or with ps a numbered one). */
static void parse_spec(const char **fmt, struct spec *s, va_list *ap, const struct pos *ps)
{
	const char *f = *fmt;
	*s = (struct spec){ .prec = -1 };
	for (;; f++) {
		if (*f == '-') s->left = true;
		else if (*f == '0') s->zero = true;
		else if (*f == '+') s->plus = true;
		else if (*f == ' ') s->space = true;
		else if (*f == '#') s->alt = true;
		else if (*f == '\'') continue; /* thousands' grouping: none in the
						* "C" locale, as glibc there */
		else break;
	}
	if (*f == '*') {
		f++;
		s->width = star_arg(&f, ap, ps);
		if (s->width < 0) {
			s->left = true;
			s->width = -s->width;
		}
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		s->prec = 0;
		if (*f == '*') {
			f++;
			s->prec = star_arg(&f, ap, ps);
		}
		while (*f >= '0' && *f <= '9')
			s->prec = s->prec * 10 + (*f++ - '0');
	}
	*fmt = f;
}

/* Parse a length modifier; returns the argument size in bytes (0 = int). */
static int parse_len(const char **fmt)
{
	const char *f = *fmt;
	int len = 0;
	if (f[0] == 'h') {
		len = f[1] == 'h' ? 1 : 2;
		f += f[1] == 'h' ? 2 : 1;
	} else if (f[0] == 'l') {
		len = 8;
		f += f[1] == 'l' ? 2 : 1;
	} else if (*f == 'z' || *f == 't' || *f == 'j') {
		len = 8;
		f++;
	} else if (*f == 'L') { /* long double: fmt_float reads it */
		len = 16;
		f++;
	}
	*fmt = f;
	return len;
}

static uint64_t get_unsigned(va_list *ap, int len)
{
	switch (len) {
	case 1: return (unsigned char)va_arg(*ap, unsigned);
	case 2: return (unsigned short)va_arg(*ap, unsigned);
	case 8: return va_arg(*ap, unsigned long long);
	default: return va_arg(*ap, unsigned);
	}
}

static int64_t get_signed(va_list *ap, int len)
{
	switch (len) {
	case 1: return (signed char)va_arg(*ap, int);
	case 2: return (short)va_arg(*ap, int);
	case 8: return va_arg(*ap, long long);
	default: return va_arg(*ap, int);
	}
}

/* %n: count into *p, a signed char, short, long or int by len. */
static void store_count(void *p, int len, size_t count)
{
	switch (len) {
	case 1: *(signed char *)p = (signed char)count; break;
	case 2: *(short *)p = (short)count; break;
	case 8: *(long long *)p = (long long)count; break;
	default: *(int *)p = (int)count; break;
	}
}

/* Format one conversion c with spec s. */
static void convert(struct out *o, char c, int len, struct spec *s, va_list *ap)
{
	switch (c) {
	case 'd': case 'i': {
		int64_t v = get_signed(ap, len);
		uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
		put_num(o, mag, v < 0, 10, false, 0, s);
		break;
	}
	case 'u': put_num(o, get_unsigned(ap, len), false, 10, false, 0, s); break;
	case 'x': case 'X': case 'o': { /* '#': 0x, 0X or 0 before a non-zero value */
		uint64_t v = get_unsigned(ap, len);
		const char *alt = !s->alt || !v ? 0 : c == 'x' ? "0x" : c == 'X' ? "0X" : "0";
		put_num(o, v, false, c == 'o' ? 8 : 16, c == 'X', alt, s);
		break;
	}
	case 'p': {
		uintptr_t v = (uintptr_t)va_arg(*ap, void *);
		if (!v) { /* glibc's "(nil)", padded as a string */
			s->prec = -1;
			put_str(o, "(nil)", s);
			break;
		}
		put_num(o, v, false, 16, false, "0x", s);
		break;
	}
	case 's':
		if (len == 8) { /* %ls: a wide string, each character one byte (the
				 * "C" locale's 0..127; '?' for others) */
			const int *w = va_arg(*ap, const int *);
			char narrow[256];
			int n = 0;
			for (; w && w[n] && n < (int)sizeof narrow - 1; n++)
				narrow[n] = w[n] >= 0 && w[n] < 128 ? (char)w[n] : '?';
			narrow[n] = '\0';
			put_str(o, w ? narrow : NULL, s);
			break;
		}
		put_str(o, va_arg(*ap, const char *), s);
		break;
	case 'c':
		s->prec = -1;
		pad(o, ' ', s->left ? 0 : s->width - 1);
		put(o, (char)va_arg(*ap, int)); /* %lc: a wint_t, the same */
		pad(o, ' ', s->left ? s->width - 1 : 0);
		break;
	case '%': put(o, '%'); break;
	case 'n': /* the count so far, stored at the size the modifier says */
		store_count(va_arg(*ap, void *), len, o->len);
		break;
	case 'm':
		if (fmt_errstr) {
			put_str(o, fmt_errstr(), s);
			break;
		}
		put(o, '%');
		put(o, c);
		break;
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
		if (fmt_float) {
			char txt[400];
			bool neg = false; /* bit 7 of the conversion: a long double */
			int n = fmt_float(txt, sizeof txt, (char)(len == 16 ? c | 0x80 : c),
					  s->prec, s->alt, &neg, ap);
			put_float(o, txt, n, neg, s);
			break;
		}
		/* fall through */
	default: /* unknown: print it verbatim so the mistake is visible */
		put(o, '%');
		if (c)
			put(o, c);
	}
}

/* The class of the argument conversion c with length len takes. */
static unsigned char arg_class(char c, int len)
{
	switch (c) {
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'c':
		return len == 8 ? A_LL : A_INT;
	case 's': case 'p': case 'n':
		return A_PTR;
	case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A':
		return len == 16 ? A_LDBL : A_DBL;
	default:
		return A_NONE;
	}
}

/* ps's classes from fmt's numbered conversions and stars; 1 if fmt
 * numbers its arguments (%N$), else 0. */
static int pos_scan(const char *f, struct pos *ps)
{
	ps->max = 0;
	for (int i = 0; i <= POS_MAX; i++)
		ps->cls[i] = A_NONE;
	while (*f) {
		if (*f++ != '%')
			continue;
		if (*f == '%') {
			f++;
			continue;
		}
		int n = pos_number(&f);
		if (!n)
			return 0;
		while (*f == '-' || *f == '0' || *f == '+' || *f == ' ' || *f == '#' || *f == '\'')
			f++;
		for (int part = 0; part < 2; part++) { /* width, then precision */
			if (part && *f == '.')
				f++;
			else if (part)
				break;
			if (*f == '*') {
				f++;
				int k = pos_number(&f);
				if (k) {
					ps->cls[k] = A_INT;
					ps->max = k > ps->max ? k : ps->max;
				}
			}
			while (*f >= '0' && *f <= '9')
				f++;
		}
		int len = parse_len(&f);
		ps->cls[n] = arg_class(*f, len);
		ps->max = n > ps->max ? n : ps->max;
		if (*f)
			f++;
	}
	return ps->max > 0;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list aq, first;
	va_copy(aq, ap);
	va_copy(first, ap);
	struct pos pos = { .first = &first };
	const struct pos *ps = pos_scan(fmt, &pos) ? &pos : NULL;
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		int n = ps && *fmt != '%' ? pos_number(&fmt) : 0;
		struct spec s;
		parse_spec(&fmt, &s, &aq, ps);
		int len = parse_len(&fmt);
		char c = *fmt;
		if (c)
			fmt++;
		if (n) { /* %N$: argument n, whatever came before */
			va_list an;
			pos_seek(ps, n, &an);
			convert(&o, c, len, &s, &an);
			va_end(an);
		} else {
			convert(&o, c, len, &s, &aq);
		}
	}
	va_end(first);
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
