/* The scanf family: one conversion engine over an input source, a string
 * (sscanf, vsscanf) or a stream (scanf, fscanf, vscanf, vfscanf: bytes
 * taken with fgetc, the one that ends a field given back with ungetc).
 * %d %i %u %o %x %X %c %s %[...] %n %p %f %e %g %a, with *, a width and
 * the hh h l ll j z t L q modifiers.  A number field is the longest
 * prefix of a number (one byte is given back, as a stream allows); what
 * of it converts is stored, as glibc does: "100ergs" read by %f is 100,
 * and the 'e' is gone. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the bytes come from: a string or a stream. */
struct src {
	const char *s;  /* a string, or NULL */
	FILE *f;        /* else this stream */
	size_t used;    /* bytes taken (%n) */
};

/* The next byte, or EOF. */
static int get(struct src *in)
{
	int c;
	if (in->s)
		c = *in->s ? (unsigned char)*in->s++ : EOF;
	else
		c = fgetc(in->f);
	in->used += c != EOF;
	return c;
}

/* Give back c, the byte get returned last (EOF: nothing). */
static void unget(struct src *in, int c)
{
	if (c == EOF)
		return;
	in->used--;
	if (in->s)
		in->s--;
	else
		ungetc(c, in->f);
}

/* The next byte, left to read. */
static int peek(struct src *in)
{
	int c = get(in);
	unget(in, c);
	return c;
}

static void skip_space(struct src *in)
{
	int c;
	while ((c = get(in)) != EOF && isspace(c))
		;
	unget(in, c);
}

/* The set of a %[...] conversion at *fmt (just past '['); *fmt moves past
 * its ']'.  0 if it has none. */
static int scan_set(const char **fmt, unsigned char set[256])
{
	const char *f = *fmt;
	int neg = *f == '^';
	if (neg)
		f++;
	memset(set, neg, 256);
	if (*f == ']')
		set[(unsigned char)*f++] = !neg;
	for (; *f && *f != ']'; f++) {
		if (f[1] == '-' && f[2] && f[2] != ']') {
			for (int c = (unsigned char)f[0]; c <= (unsigned char)f[2]; c++)
				set[c] = !neg;
			f += 2;
		} else {
			set[(unsigned char)*f] = !neg;
		}
	}
	if (*f != ']')
		return 0;
	*fmt = f + 1;
	return 1;
}

/* One conversion's state: what it reads, where it stores. */
struct scan {
	struct src *in;
	va_list *ap;
	int skip, size;  /* '*'; -2 hh, -1 h, 0 int, 1 l, 2 ll/j/z/t/L */
	size_t width;    /* 0: none */
};

static void store_int(struct scan *c, unsigned long long v)
{
	switch (c->size) {
	case -2: *va_arg(*c->ap, signed char *) = (signed char)v; break;
	case -1: *va_arg(*c->ap, short *) = (short)v; break;
	case 0: *va_arg(*c->ap, int *) = (int)v; break;
	default: *va_arg(*c->ap, long long *) = (long long)v; break;
	}
}

/* %c: width (1) bytes, no NUL; 0, or -1 at the input's end. */
static int scan_chars(struct scan *c)
{
	size_t k = c->width ? c->width : 1;
	char *out = c->skip ? NULL : va_arg(*c->ap, char *);
	for (size_t i = 0; i < k; i++) {
		int ch = get(c->in);
		if (ch == EOF)
			return -1;
		if (out)
			out[i] = (char)ch;
	}
	return 0;
}

/* %s and %[: the longest run of bytes in set, NUL-terminated; -1 if none. */
static int scan_run(struct scan *c, const unsigned char set[256])
{
	char *out = c->skip ? NULL : va_arg(*c->ap, char *);
	size_t i = 0, lim = c->width ? c->width : (size_t)-1;
	int ch = EOF;
	for (; i < lim && (ch = get(c->in)) != EOF && set[ch]; i++)
		if (out)
			out[i] = (char)ch;
	if (i < lim)
		unget(c->in, ch);
	if (!i)
		return -1;
	if (out)
		out[i] = 0;
	return 0;
}

/* A number field's bytes into buf (at most lim - 1): what may still come
 * is decided by the bytes so far. */
struct field {
	char *buf;
	size_t n, lim;
	struct src *in;
};

/* Take the next byte into f if accept(it); true if taken. */
static int take_if(struct field *f, int (*accept)(int c, int base), int base)
{
	if (f->n + 1 >= f->lim)
		return 0;
	int c = get(f->in);
	if (c == EOF || !accept(c, base)) {
		unget(f->in, c);
		return 0;
	}
	f->buf[f->n++] = (char)c;
	return 1;
}

static int is_sign(int c, int base) { (void)base; return c == '+' || c == '-'; }
static int is_x(int c, int base) { (void)base; return c == 'x' || c == 'X'; }
static int is_zero(int c, int base) { (void)base; return c == '0'; }
static int is_dot(int c, int base) { (void)base; return c == '.'; }

static int is_digit(int c, int base)
{
	int v = isdigit(c) ? c - '0' : isalpha(c) ? tolower(c) - 'a' + 10 : 99;
	return v < base;
}

static int is_exp(int c, int base)
{
	return base == 16 ? c == 'p' || c == 'P' : c == 'e' || c == 'E';
}

/* An integer's field in base (0: as %i says, by its prefix); the base. */
static int int_field(struct field *f, int base)
{
	take_if(f, is_sign, 0);
	if ((base == 0 || base == 16) && take_if(f, is_zero, 0)) {
		if (take_if(f, is_x, 0))
			base = 16;
		else if (base == 0)
			base = 8;
	}
	if (base == 0)
		base = 10;
	while (take_if(f, is_digit, base))
		;
	return base;
}

/* The letters of word (lower case) as far as they come, any case. */
static void word_field(struct field *f, const char *word)
{
	for (; *word && f->n + 1 < f->lim; word++) {
		int c = get(f->in);
		if (c == EOF || tolower(c) != *word) {
			unget(f->in, c);
			return;
		}
		f->buf[f->n++] = (char)c;
	}
}

/* A floating-point field: decimal or hex digits, a point, an exponent;
 * inf, infinity, nan. */
static void float_field(struct field *f)
{
	take_if(f, is_sign, 0);
	int c = tolower(peek(f->in));
	if (c == 'i') {
		word_field(f, "inf");
		if (f->n && tolower(peek(f->in)) == 'i')
			word_field(f, "inity");
		return;
	}
	if (c == 'n') {
		word_field(f, "nan");
		return;
	}
	int base = 10;
	if (take_if(f, is_zero, 0) && take_if(f, is_x, 0))
		base = 16;
	while (take_if(f, is_digit, base))
		;
	if (take_if(f, is_dot, 0))
		while (take_if(f, is_digit, base))
			;
	if (take_if(f, is_exp, base)) {
		take_if(f, is_sign, 0);
		while (take_if(f, is_digit, 10))
			;
	}
}

/* A number for conversion conv (integers in their base, %p, floats);
 * -1 if no number starts the field (a matching failure). */
static int scan_number(struct scan *c, char conv)
{
	char buf[512], *end;
	struct field f = { buf, 0, c->width && c->width < sizeof buf ? c->width + 1 : sizeof buf,
			   c->in };
	if (strchr("feEgGaA", conv)) {
		float_field(&f);
		buf[f.n] = 0;
		double v = strtod(buf, &end);
		if (end == buf)
			return -1;
		if (!c->skip && c->size > 1)
			*va_arg(*c->ap, long double *) = v;
		else if (!c->skip && c->size == 1)
			*va_arg(*c->ap, double *) = v;
		else if (!c->skip)
			*va_arg(*c->ap, float *) = (float)v;
		return 0;
	}
	int base = conv == 'd' || conv == 'u' ? 10 : conv == 'o' ? 8 : conv == 'i' ? 0 : 16;
	base = int_field(&f, base);
	buf[f.n] = 0;
	unsigned long long v = conv == 'd' || conv == 'i' ?
		(unsigned long long)strtoll(buf, &end, base) : strtoull(buf, &end, base);
	if (end == buf)
		return -1;
	if (!c->skip && conv == 'p')
		*va_arg(*c->ap, void **) = (void *)(uintptr_t)v;
	else if (!c->skip)
		store_int(c, v);
	return 0;
}

/* The conversion at *fmt (just past '%' and the flags): 1 stored, 0 done
 * without storing, -1 a mismatch, -2 the input ended first. */
static int scan_one(struct scan *c, const char **fmt)
{
	char conv = **fmt;
	if (conv == 'n') {
		if (!c->skip)
			store_int(c, (unsigned long long)c->in->used);
		return 0;
	}
	if (conv != 'c' && conv != '[')
		skip_space(c->in);
	if (peek(c->in) == EOF)
		return -2;
	unsigned char set[256];
	int r;
	if (conv == 'c') {
		r = scan_chars(c);
	} else if (conv == '[') {
		(*fmt)++;
		if (!scan_set(fmt, set))
			return -1;
		(*fmt)--;
		r = scan_run(c, set);
	} else if (conv == 's') {
		for (int i = 0; i < 256; i++)
			set[i] = i && !isspace(i);
		r = scan_run(c, set);
	} else if (strchr("diouxXpfeEgGaA", conv) && conv) {
		r = scan_number(c, conv);
	} else {
		return -1;
	}
	return r ? r : !c->skip;
}

/* The engine: fmt's directives over in; the conversions stored, or EOF if
 * the input ended before the first. */
static int scan(struct src *in, const char *fmt, va_list ap0)
{
	va_list ap;
	va_copy(ap, ap0);
	struct scan c = { .in = in, .ap = &ap };
	int n = 0, r = 0;
	for (; *fmt; fmt++) {
		if (isspace((unsigned char)*fmt)) {
			skip_space(in);
			continue;
		}
		if (*fmt != '%' || fmt[1] == '%') {
			fmt += *fmt == '%';
			if (*fmt == '%')
				skip_space(in);
			int ch = get(in);
			if (ch != (unsigned char)*fmt) {
				unget(in, ch);
				r = ch == EOF ? -2 : -1;
				break;
			}
			continue;
		}
		fmt++;
		c.skip = *fmt == '*';
		fmt += c.skip;
		for (c.width = 0; isdigit((unsigned char)*fmt); fmt++)
			c.width = c.width * 10 + (size_t)(*fmt - '0');
		for (c.size = 0; strchr("hljztLq", *fmt) && *fmt; fmt++) /* L, q: as ll */
			c.size += *fmt == 'h' ? -1 : *fmt == 'L' || *fmt == 'q' ? 2 : 1;
		r = scan_one(&c, &fmt);
		if (r < 0)
			break;
		n += r;
	}
	va_end(ap);
	return r == -2 && n == 0 ? EOF : n;
}

int vsscanf(const char *s, const char *fmt, va_list ap)
{
	struct src in = { .s = s };
	return scan(&in, fmt, ap);
}

int sscanf(const char *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsscanf(s, fmt, ap);
	va_end(ap);
	return n;
}

int vfscanf(FILE *f, const char *fmt, va_list ap)
{
	struct src in = { .f = f };
	flockfile(f); /* one scan's bytes, not some of another thread's */
	int n = scan(&in, fmt, ap);
	funlockfile(f);
	return n;
}

int fscanf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfscanf(f, fmt, ap);
	va_end(ap);
	return n;
}

int vscanf(const char *fmt, va_list ap)
{
	return vfscanf(stdin, fmt, ap);
}

int scanf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vfscanf(stdin, fmt, ap);
	va_end(ap);
	return n;
}
