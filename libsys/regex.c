/* POSIX regular expressions (regex.h): the pattern is parsed into a tree
 * (concatenation, alternation, repetition, groups, characters, sets,
 * anchors, back references) and matched by backtracking with
 * continuations, every way tried at a place (up to a step budget) so the
 * longest match there wins, as POSIX asks. */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include "libsys.h"

#define MAXG 32 /* groups kept: 31 (more: REG_ESPACE) */

enum { N_EMPTY, N_CHAR, N_ANY, N_SET, N_BOL, N_EOL, N_CAT, N_ALT, N_GROUP, N_REP, N_BREF };

struct node {
	int type, c, group, min, max;
	unsigned char set[32];
	struct node *a, *b;
};

struct rx {
	struct node *nodes;
	int n, cap, ngroups, cflags;
	struct node *root;
};

/* ---- parsing ---- */

struct parser {
	const char *p;
	struct rx *rx;
	int ext, err;
};

static struct node *new_node(struct parser *ps, int type)
{
	struct rx *rx = ps->rx;
	if (rx->n == rx->cap) {
		ps->err = REG_ESPACE;
		return NULL;
	}
	struct node *n = &rx->nodes[rx->n++];
	memset(n, 0, sizeof *n);
	n->type = type;
	return n;
}

static void set_add(unsigned char *set, int c, int icase)
{
	set[(unsigned char)c >> 3] |= (unsigned char)(1u << (c & 7));
	if (icase && isalpha(c)) {
		int o = islower(c) ? toupper(c) : tolower(c);
		set[(unsigned char)o >> 3] |= (unsigned char)(1u << (o & 7));
	}
}

/* A bracket expression (p past '['). */
static struct node *bracket(struct parser *ps)
{
	struct node *n = new_node(ps, N_SET);
	if (!n)
		return NULL;
	int icase = ps->rx->cflags & REG_ICASE, neg = 0;
	const char *p = ps->p;
	if (*p == '^')
		neg = 1, p++;
	int first = 1;
	while (*p && (*p != ']' || first)) {
		first = 0;
		if (p[0] == '[' && p[1] == ':') {
			const char *e = strstr(p + 2, ":]");
			if (!e) {
				ps->err = REG_EBRACK;
				return NULL;
			}
			if (libsys_ctype_class(p + 2, (size_t)(e - p - 2), 'a') < 0) {
				ps->err = REG_ECTYPE;
				return NULL;
			}
			for (int c = 1; c < 256; c++)
				if (libsys_ctype_class(p + 2, (size_t)(e - p - 2), c) > 0)
					set_add(n->set, c, icase);
			p = e + 2;
			continue;
		}
		int lo = (unsigned char)*p++, hi = lo;
		if (*p == '-' && p[1] && p[1] != ']') {
			hi = (unsigned char)p[1];
			p += 2;
			if (hi < lo) {
				ps->err = REG_ERANGE;
				return NULL;
			}
		}
		for (int c = lo; c <= hi; c++)
			set_add(n->set, c, icase);
	}
	if (*p != ']') {
		ps->err = REG_EBRACK;
		return NULL;
	}
	ps->p = p + 1;
	if (neg) {
		for (int i = 0; i < 32; i++)
			n->set[i] = (unsigned char)~n->set[i];
		n->set[0] &= (unsigned char)~1u; /* never NUL */
		if (ps->rx->cflags & REG_NEWLINE)
			n->set['\n' >> 3] &= (unsigned char)~(1u << ('\n' & 7));
	}
	return n;
}

static struct node *alternation(struct parser *ps, int depth);

/* One atom, or NULL at the end of a branch (ps->err set on an error). */
static struct node *atom(struct parser *ps, int depth, int at_start)
{
	const char *p = ps->p;
	int c = (unsigned char)*p;
	if (!c)
		return NULL;
	if (ps->ext) {
		if (c == '|' || c == ')')
			return NULL;
		if (c == '(') {
			ps->p++;
			int g = ++ps->rx->ngroups;
			if (g >= MAXG) {
				ps->err = REG_ESPACE;
				return NULL;
			}
			struct node *in = alternation(ps, depth + 1);
			if (ps->err)
				return NULL;
			if (*ps->p != ')') {
				ps->err = REG_EPAREN;
				return NULL;
			}
			ps->p++;
			struct node *n = new_node(ps, N_GROUP);
			if (n)
				n->group = g, n->a = in;
			return n;
		}
		if ((c == '*' || c == '+' || c == '?' || c == '{') && at_start) {
			ps->err = REG_BADRPT;
			return NULL;
		}
	} else {
		if (c == '\\' && (p[1] == '|' || p[1] == ')'))
			return NULL;
		if (c == '\\' && p[1] == '(') {
			ps->p += 2;
			int g = ++ps->rx->ngroups;
			if (g >= MAXG) {
				ps->err = REG_ESPACE;
				return NULL;
			}
			struct node *in = alternation(ps, depth + 1);
			if (ps->err)
				return NULL;
			if (ps->p[0] != '\\' || ps->p[1] != ')') {
				ps->err = REG_EPAREN;
				return NULL;
			}
			ps->p += 2;
			struct node *n = new_node(ps, N_GROUP);
			if (n)
				n->group = g, n->a = in;
			return n;
		}
		if (c == '*' && at_start) { /* a literal star */
			ps->p++;
			struct node *n = new_node(ps, N_CHAR);
			if (n)
				n->c = '*';
			return n;
		}
	}
	ps->p++;
	struct node *n;
	switch (c) {
	case '.':
		return new_node(ps, N_ANY);
	case '[':
		return bracket(ps);
	case '^':
		if (ps->ext || at_start)
			return new_node(ps, N_BOL);
		break;
	case '$':
		if (ps->ext || !*ps->p || (ps->p[0] == '\\' && (ps->p[1] == ')' || ps->p[1] == '|')))
			return new_node(ps, N_EOL);
		break;
	case '\\':
		c = (unsigned char)*ps->p++;
		if (!c) {
			ps->err = REG_EESCAPE;
			return NULL;
		}
		if (c >= '1' && c <= '9') {
			if (c - '0' > ps->rx->ngroups) {
				ps->err = REG_ESUBREG;
				return NULL;
			}
			n = new_node(ps, N_BREF);
			if (n)
				n->group = c - '0';
			return n;
		}
		break;
	}
	n = new_node(ps, N_CHAR);
	if (n)
		n->c = c;
	return n;
}

/* A repetition after an atom, if any: 1 and *min, *max (-1: no end). */
static int repeat_op(struct parser *ps, int *min, int *max)
{
	const char *p = ps->p;
	int brace = 0;
	if (*p == '*') {
		*min = 0, *max = -1, ps->p++;
		return 1;
	}
	if (ps->ext && (*p == '+' || *p == '?')) {
		*min = *p == '+', *max = *p == '+' ? -1 : 1, ps->p++;
		return 1;
	}
	if (!ps->ext && p[0] == '\\' && (p[1] == '+' || p[1] == '?')) {
		*min = p[1] == '+', *max = p[1] == '+' ? -1 : 1, ps->p += 2;
		return 1;
	}
	if (ps->ext && *p == '{')
		brace = 1, p++;
	else if (!ps->ext && p[0] == '\\' && p[1] == '{')
		brace = 1, p += 2;
	if (!brace)
		return 0;
	if (!isdigit((unsigned char)*p)) {
		ps->err = REG_BADBR;
		return -1;
	}
	*min = (int)strtol(p, (char **)&p, 10);
	*max = *min;
	if (*p == ',') {
		p++;
		*max = isdigit((unsigned char)*p) ? (int)strtol(p, (char **)&p, 10) : -1;
	}
	if (ps->ext ? *p != '}' : (p[0] != '\\' || p[1] != '}')) {
		ps->err = REG_EBRACE;
		return -1;
	}
	p += ps->ext ? 1 : 2;
	if ((*max >= 0 && *max < *min) || *min > 255 || *max > 255) {
		ps->err = REG_BADBR;
		return -1;
	}
	ps->p = p;
	return 1;
}

/* A branch: atoms with their repetitions, one after another. */
static struct node *branch(struct parser *ps, int depth)
{
	struct node *seq = NULL;
	int start = 1;
	for (;;) {
		struct node *a = atom(ps, depth, start);
		if (ps->err)
			return NULL;
		if (!a)
			break;
		int min, max, r;
		while ((r = repeat_op(ps, &min, &max)) == 1) {
			struct node *rp = new_node(ps, N_REP);
			if (!rp)
				return NULL;
			rp->a = a, rp->min = min, rp->max = max;
			a = rp;
		}
		if (r < 0)
			return NULL;
		start = 0;
		if (!seq) {
			seq = a;
		} else {
			struct node *c = new_node(ps, N_CAT);
			if (!c)
				return NULL;
			c->a = seq, c->b = a;
			seq = c;
		}
	}
	return seq ? seq : new_node(ps, N_EMPTY);
}

static struct node *alternation(struct parser *ps, int depth)
{
	struct node *left = branch(ps, depth);
	while (!ps->err && (ps->ext ? *ps->p == '|' : (ps->p[0] == '\\' && ps->p[1] == '|'))) {
		ps->p += ps->ext ? 1 : 2;
		struct node *right = branch(ps, depth);
		struct node *alt = new_node(ps, N_ALT);
		if (!alt || ps->err)
			return NULL;
		alt->a = left, alt->b = right;
		left = alt;
	}
	if (!ps->err && depth == 0 && *ps->p)
		ps->err = ps->ext ? REG_EPAREN : REG_EPAREN;
	return left;
}

int regcomp(regex_t *re, const char *pattern, int cflags)
{
	struct rx *rx = calloc(1, sizeof *rx);
	size_t len = strlen(pattern);
	if (!rx)
		return REG_ESPACE;
	rx->cap = (int)(2 * len + 8);
	rx->nodes = calloc((size_t)rx->cap, sizeof *rx->nodes);
	rx->cflags = cflags;
	if (!rx->nodes) {
		free(rx);
		return REG_ESPACE;
	}
	struct parser ps = { pattern, rx, cflags & REG_EXTENDED, 0 };
	rx->root = alternation(&ps, 0);
	if (ps.err || !rx->root) {
		free(rx->nodes);
		free(rx);
		return ps.err ? ps.err : REG_BADPAT;
	}
	re->re_nsub = (size_t)rx->ngroups;
	re->__impl = rx;
	re->__flags = cflags;
	return 0;
}

void regfree(regex_t *re)
{
	struct rx *rx = re->__impl;
	if (rx) {
		free(rx->nodes);
		free(rx);
	}
	re->__impl = NULL;
}

/* ---- matching ---- */

enum { K_NODE, K_GROUP_END, K_REP };

struct kont {
	int kind;
	const struct node *n;
	int count;
	const char *start;
	const struct kont *next;
};

struct matcher {
	const char *begin, *end;
	int icase, newline, notbol, noteol, ngroups;
	const char *gs[MAXG], *ge[MAXG];
	const char *best, *best_gs[MAXG], *best_ge[MAXG];
	long steps;
};

#define STEP_BUDGET 1000000L

static const char *match(struct matcher *M, const struct node *n, const char *p,
			 const struct kont *k);

static int same(const struct matcher *M, int a, int b)
{
	return a == b || (M->icase && tolower(a) == tolower(b));
}

static const char *rep(struct matcher *M, const struct node *n, int count, const char *p,
		       const struct kont *k);

/* Go on with continuation k at p; at its end, a match: kept if longer
 * than the best so far (then NULL, to try the other ways, while the
 * budget lasts). */
static const char *run(struct matcher *M, const struct kont *k, const char *p)
{
	if (++M->steps > STEP_BUDGET && M->best)
		return M->best;
	if (!k) {
		if (!M->best || p > M->best) {
			M->best = p;
			memcpy(M->best_gs, M->gs, sizeof M->gs);
			memcpy(M->best_ge, M->ge, sizeof M->ge);
		}
		return M->steps > STEP_BUDGET ? p : NULL;
	}
	switch (k->kind) {
	case K_NODE:
		return match(M, k->n, p, k->next);
	case K_GROUP_END: {
		const char *old = M->ge[k->n->group];
		M->ge[k->n->group] = p;
		const char *r = run(M, k->next, p);
		if (!r)
			M->ge[k->n->group] = old;
		return r;
	}
	default: /* K_REP: one more time round, unless that matched nothing */
		if (p == k->start && k->count > k->n->min)
			return NULL;
		return rep(M, k->n, k->count, p, k->next);
	}
}

static const char *rep(struct matcher *M, const struct node *n, int count, const char *p,
		       const struct kont *k)
{
	if (n->max < 0 || count < n->max) {
		struct kont again = { K_REP, n, count + 1, p, k };
		const char *r = match(M, n->a, p, &again);
		if (r)
			return r;
	}
	return count >= n->min ? run(M, k, p) : NULL;
}

static const char *match(struct matcher *M, const struct node *n, const char *p,
			 const struct kont *k)
{
	switch (n->type) {
	case N_EMPTY:
		return run(M, k, p);
	case N_CHAR:
		return p < M->end && same(M, (unsigned char)*p, n->c) ? run(M, k, p + 1) : NULL;
	case N_ANY:
		return p < M->end && !(M->newline && *p == '\n') ? run(M, k, p + 1) : NULL;
	case N_SET: {
		int c = p < M->end ? (unsigned char)*p : -1;
		return c >= 0 && (n->set[c >> 3] >> (c & 7) & 1) ? run(M, k, p + 1) : NULL;
	}
	case N_BOL:
		return (p == M->begin && !M->notbol) || (M->newline && p > M->begin && p[-1] == '\n')
			       ? run(M, k, p) : NULL;
	case N_EOL:
		return (p == M->end && !M->noteol) || (M->newline && p < M->end && *p == '\n')
			       ? run(M, k, p) : NULL;
	case N_CAT: {
		struct kont then = { K_NODE, n->b, 0, NULL, k };
		return match(M, n->a, p, &then);
	}
	case N_ALT: {
		const char *r = match(M, n->a, p, k);
		return r ? r : match(M, n->b, p, k);
	}
	case N_GROUP: {
		const char *os = M->gs[n->group], *oe = M->ge[n->group];
		M->gs[n->group] = p;
		struct kont close = { K_GROUP_END, n, 0, NULL, k };
		const char *r = match(M, n->a, p, &close);
		if (!r)
			M->gs[n->group] = os, M->ge[n->group] = oe;
		return r;
	}
	case N_REP:
		return rep(M, n, 0, p, k);
	default: { /* N_BREF */
		const char *s = M->gs[n->group], *e = M->ge[n->group];
		if (!s || !e)
			return NULL;
		size_t len = (size_t)(e - s);
		if ((size_t)(M->end - p) < len)
			return NULL;
		for (size_t i = 0; i < len; i++)
			if (!same(M, (unsigned char)p[i], (unsigned char)s[i]))
				return NULL;
		return run(M, k, p + len);
	}
	}
}

int regexec(const regex_t *re, const char *string, size_t nmatch, regmatch_t pmatch[], int eflags)
{
	const struct rx *rx = re->__impl;
	if (!rx)
		return REG_BADPAT;
	struct matcher M;
	memset(&M, 0, sizeof M);
	const char *from = string;
	M.begin = string;
	M.end = string + strlen(string);
	if (eflags & REG_STARTEND) {
		from = string + pmatch[0].rm_so;
		M.end = string + pmatch[0].rm_eo;
	}
	M.icase = rx->cflags & REG_ICASE;
	M.newline = rx->cflags & REG_NEWLINE;
	M.notbol = eflags & REG_NOTBOL;
	M.noteol = eflags & REG_NOTEOL;
	M.ngroups = rx->ngroups;
	for (const char *s = from; s <= M.end; s++) {
		memset(M.gs, 0, sizeof M.gs);
		memset(M.ge, 0, sizeof M.ge);
		M.best = NULL;
		M.steps = 0;
		match(&M, rx->root, s, NULL);
		if (M.best) {
			if (!(rx->cflags & REG_NOSUB) && nmatch) {
				pmatch[0].rm_so = (regoff_t)(s - string);
				pmatch[0].rm_eo = (regoff_t)(M.best - string);
				for (size_t i = 1; i < nmatch; i++) {
					int ok = (int)i <= rx->ngroups && M.best_gs[i] &&
						 M.best_ge[i];
					pmatch[i].rm_so = ok ? (regoff_t)(M.best_gs[i] - string) : -1;
					pmatch[i].rm_eo = ok ? (regoff_t)(M.best_ge[i] - string) : -1;
				}
			}
			return 0;
		}
	}
	return REG_NOMATCH;
}

size_t regerror(int errcode, const regex_t *re, char *buf, size_t size)
{
	static const char *const msg[] = {
		"Success", "No match", "Invalid regular expression",
		"Invalid collation character", "Invalid character class name",
		"Trailing backslash", "Invalid back reference", "Unmatched [, [^, [:, [., or [=",
		"Unmatched ( or \\(", "Unmatched \\{", "Invalid content of \\{\\}",
		"Invalid range end", "Memory exhausted", "Invalid preceding regular expression",
	};
	(void)re;
	const char *m = errcode >= 0 && errcode < (int)(sizeof msg / sizeof msg[0]) ? msg[errcode]
										 : "Unknown error";
	size_t n = strlen(m) + 1;
	if (buf && size) {
		size_t c = n < size ? n : size;
		memcpy(buf, m, c - 1);
		buf[c - 1] = '\0';
	}
	return n;
}
