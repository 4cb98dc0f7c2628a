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

/* Parse flags, width and precision at *fmt; advance *fmt past them. */
static void parse_spec(const char **fmt, struct spec *s, va_list *ap)
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
		s->width = va_arg(*ap, int);
		if (s->width < 0) {
			s->left = true;
			s->width = -s->width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		s->prec = 0;
		if (*f == '*') {
			s->prec = va_arg(*ap, int);
			f++;
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

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list aq;
	va_copy(aq, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		struct spec s;
		parse_spec(&fmt, &s, &aq);
		int len = parse_len(&fmt);
		char c = *fmt;
		if (c)
			fmt++;
		convert(&o, c, len, &s, &aq);
	}
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
