/* <fnmatch.h>: shell wildcard matching (libsys/glob.c): '*', '?',
 * bracket expressions ([abc], [a-z], [!x] or [^x], [[:alpha:]] and the
 * other classes) and '\' quoting; FNM_PATHNAME ('/' matched only by '/'),
 * FNM_PERIOD (a leading '.' only by '.'), FNM_NOESCAPE, FNM_CASEFOLD,
 * FNM_LEADING_DIR.  0 for a match, FNM_NOMATCH else. */
#ifndef _FNMATCH_H
#define _FNMATCH_H
#define FNM_NOESCAPE    0x01
#define FNM_PATHNAME    0x02
#define FNM_PERIOD      0x04
#define FNM_LEADING_DIR 0x08
#define FNM_CASEFOLD    0x10
#define FNM_FILE_NAME   FNM_PATHNAME
#define FNM_NOMATCH     1
int fnmatch(const char *pattern, const char *string, int flags);
#endif
