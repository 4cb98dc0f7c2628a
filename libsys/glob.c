/* fnmatch and glob (fnmatch.h, glob.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "libsys.h"

static int fold(int c, int flags)
{
	return flags & FNM_CASEFOLD ? tolower(c) : c;
}

int libsys_ctype_class(const char *name, size_t len, int c)
{
	static const struct { const char *n; int (*f)(int); } cl[] = {
		{ "alnum", isalnum }, { "alpha", isalpha }, { "blank", isblank },
		{ "cntrl", iscntrl }, { "digit", isdigit }, { "graph", isgraph },
		{ "lower", islower }, { "print", isprint }, { "punct", ispunct },
		{ "space", isspace }, { "upper", isupper }, { "xdigit", isxdigit },
	};
	for (unsigned i = 0; i < sizeof cl / sizeof cl[0]; i++)
		if (strlen(cl[i].n) == len && !strncmp(cl[i].n, name, len))
			return cl[i].f(c) != 0;
	return -1;
}

/* The bracket expression at *pp (past '[') against c: 1 match, 0 not,
 * -1 not a bracket expression (no ']': '[' is then itself); *pp moved
 * past its ']'. */
static int bracket(const char **pp, int c, int flags)
{
	const char *p = *pp;
	int neg = *p == '!' || *p == '^', hit = 0;
	if (neg)
		p++;
	int first = 1;
	while (*p && (*p != ']' || first)) {
		first = 0;
		if (*p == '[' && p[1] == ':') {
			const char *end = strstr(p + 2, ":]");
			if (end) {
				int r = libsys_ctype_class(p + 2, (size_t)(end - p - 2), c);
				if (r >= 0) {
					hit |= r;
					p = end + 2;
					continue;
				}
			}
		}
		int lo = (unsigned char)*p;
		if (lo == '\\' && !(flags & FNM_NOESCAPE) && p[1])
			lo = (unsigned char)*++p;
		p++;
		int hi = lo;
		if (*p == '-' && p[1] && p[1] != ']') {
			hi = (unsigned char)*++p;
			if (hi == '\\' && !(flags & FNM_NOESCAPE) && p[1])
				hi = (unsigned char)*++p;
			p++;
		}
		if ((fold(c, flags) >= fold(lo, flags) && fold(c, flags) <= fold(hi, flags)) ||
		    (c >= lo && c <= hi))
			hit = 1;
	}
	if (*p != ']')
		return -1;
	*pp = p + 1;
	return hit != neg;
}

/* pattern p against string s (start: the string's or a path part's first
 * character, for FNM_PERIOD). */
static int match(const char *p, const char *s, const char *start, int flags)
{
	for (;;) {
		int c = (unsigned char)*p++;
		switch (c) {
		case '\0':
			if (!*s)
				return 0;
			return (flags & FNM_LEADING_DIR) && *s == '/' ? 0 : FNM_NOMATCH;
		case '?':
			if (!*s || (*s == '/' && (flags & FNM_PATHNAME)))
				return FNM_NOMATCH;
			if (*s == '.' && (flags & FNM_PERIOD) &&
			    (s == start || ((flags & FNM_PATHNAME) && s[-1] == '/')))
				return FNM_NOMATCH;
			s++;
			break;
		case '*':
			while (*p == '*')
				p++;
			if (*s == '.' && (flags & FNM_PERIOD) &&
			    (s == start || ((flags & FNM_PATHNAME) && s[-1] == '/')))
				return FNM_NOMATCH;
			if (!*p) {
				if (flags & FNM_PATHNAME)
					return (flags & FNM_LEADING_DIR) || !strchr(s, '/') ? 0 : FNM_NOMATCH;
				return 0;
			}
			for (const char *t = s; *t; t++) {
				if (!match(p, t, start, flags & ~FNM_PERIOD))
					return 0;
				if (*t == '/' && (flags & FNM_PATHNAME))
					break;
			}
			if (!*s || !(flags & FNM_PATHNAME) || !strchr(s, '/'))
				return match(p, s + strlen(s), start, flags);
			return FNM_NOMATCH;
		case '[': {
			if (!*s || (*s == '/' && (flags & FNM_PATHNAME)))
				return FNM_NOMATCH;
			if (*s == '.' && (flags & FNM_PERIOD) &&
			    (s == start || ((flags & FNM_PATHNAME) && s[-1] == '/')))
				return FNM_NOMATCH;
			const char *q = p;
			int r = bracket(&q, (unsigned char)*s, flags);
			if (r < 0) { /* a lone '[' */
				if (*s != '[')
					return FNM_NOMATCH;
			} else if (!r) {
				return FNM_NOMATCH;
			} else {
				p = q;
			}
			s++;
			break;
		}
		case '\\':
			if (!(flags & FNM_NOESCAPE) && *p)
				c = (unsigned char)*p++;
			/* fall through */
		default:
			if (fold(c, flags) != fold((unsigned char)*s, flags))
				return FNM_NOMATCH;
			s++;
		}
	}
}

int fnmatch(const char *pattern, const char *string, int flags)
{
	return match(pattern, string, string, flags);
}

/* ---- glob ---- */

struct found {
	char **v;
	size_t n, cap;
};

static int add(struct found *f, const char *path, size_t len)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		char **v = realloc(f->v, cap * sizeof *v);
		if (!v)
			return -1;
		f->v = v;
		f->cap = cap;
	}
	char *s = malloc(len + 1);
	if (!s)
		return -1;
	memcpy(s, path, len);
	s[len] = '\0';
	f->v[f->n++] = s;
	return 0;
}

static int has_magic(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[')
			return 1;
	return 0;
}

/* Every path dir + the parts of rest that exists, into f: 0, or a
 * GLOB_ error. */
static int walk(const char *dir, const char *rest, int flags,
		int (*errfunc)(const char *, int), struct found *f)
{
	while (*rest == '/')
		rest++;
	if (!*rest) /* the pattern ended with '/': dir (a directory, with its '/') */
		return add(f, dir, strlen(dir)) ? GLOB_NOSPACE : 0;
	const char *slash = strchr(rest, '/');
	size_t plen = slash ? (size_t)(slash - rest) : strlen(rest);
	char path[512];
	if (!has_magic(rest, plen)) { /* a plain part: take it as it is */
		int n = snprintf(path, sizeof path, "%s%.*s", dir, (int)plen, rest);
		if (n < 0 || (size_t)n >= sizeof path)
			return 0;
		struct stat st;
		if (!slash) {
			if (stat(path, &st) != 0)
				return 0;
			if ((flags & GLOB_MARK) && S_ISDIR(st.st_mode) && (size_t)n + 1 < sizeof path)
				path[n++] = '/';
			return add(f, path, (size_t)n) ? GLOB_NOSPACE : 0;
		}
		path[n] = '/';
		path[n + 1] = '\0';
		return walk(path, slash + 1, flags, errfunc, f);
	}
	char pat[256];
	if (plen >= sizeof pat)
		return 0;
	memcpy(pat, rest, plen);
	pat[plen] = '\0';
	DIR *d = opendir(*dir ? dir : ".");
	if (!d) {
		if ((errfunc && errfunc(*dir ? dir : ".", errno)) || (flags & GLOB_ERR))
			return GLOB_ABORTED;
		return 0;
	}
	int fl = (flags & GLOB_NOESCAPE ? FNM_NOESCAPE : 0) | (flags & GLOB_PERIOD ? 0 : FNM_PERIOD);
	struct dirent *e;
	int r = 0;
	while (!r && (e = readdir(d))) {
		if (fnmatch(pat, e->d_name, fl))
			continue;
		if ((!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) && pat[0] != '.')
			continue;
		int n = snprintf(path, sizeof path, "%s%s", dir, e->d_name);
		if (n < 0 || (size_t)n >= sizeof path - 1)
			continue;
		struct stat st;
		if (slash) {
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
				path[n] = '/';
				path[n + 1] = '\0';
				r = walk(path, slash + 1, flags, errfunc, f);
			}
			continue;
		}
		if ((flags & GLOB_MARK) && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			path[n++] = '/';
		if (add(f, path, (size_t)n))
			r = GLOB_NOSPACE;
	}
	closedir(d);
	return r;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int glob(const char *pattern, int flags, int (*errfunc)(const char *epath, int eerrno),
	 glob_t *g)
{
	struct found f = { 0 };
	int r = walk(*pattern == '/' ? "/" : "", pattern, flags, errfunc, &f);
	if (!r && !f.n) {
		if (flags & GLOB_NOCHECK)
			r = add(&f, pattern, strlen(pattern)) ? GLOB_NOSPACE : 0;
		else
			r = GLOB_NOMATCH;
	}
	if (r && r != GLOB_NOMATCH && r != GLOB_ABORTED) {
		for (size_t i = 0; i < f.n; i++)
			free(f.v[i]);
		free(f.v);
		return r;
	}
	if (!(flags & GLOB_NOSORT) && f.n > 1)
		qsort(f.v, f.n, sizeof *f.v, cmp);
	size_t offs = flags & GLOB_DOOFFS ? g->gl_offs : 0;
	size_t old = flags & GLOB_APPEND ? g->gl_pathc : 0;
	char **v = flags & GLOB_APPEND ? g->gl_pathv : NULL;
	char **nv = realloc(v, (offs + old + f.n + 1) * sizeof *nv);
	if (!nv) {
		for (size_t i = 0; i < f.n; i++)
			free(f.v[i]);
		free(f.v);
		return GLOB_NOSPACE;
	}
	if (!(flags & GLOB_APPEND))
		for (size_t i = 0; i < offs; i++)
			nv[i] = NULL;
	for (size_t i = 0; i < f.n; i++)
		nv[offs + old + i] = f.v[i];
	nv[offs + old + f.n] = NULL;
	free(f.v);
	g->gl_pathv = nv;
	g->gl_pathc = old + f.n;
	if (!(flags & GLOB_DOOFFS))
		g->gl_offs = 0;
	return r;
}

/* Frees every path and the vector. */
void globfree(glob_t *g)
{
	if (!g->gl_pathv)
		return;
	for (size_t i = 0; i < g->gl_pathc; i++)
		free(g->gl_pathv[g->gl_offs + i]);
	free(g->gl_pathv);
	g->gl_pathv = NULL;
	g->gl_pathc = 0;
}
