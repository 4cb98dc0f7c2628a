/* <glob.h>: path names matching a pattern (libsys/glob.c): each '/'
 * separated part may hold fnmatch's wildcards; the matches sorted
 * (unless GLOB_NOSORT), directories with a '/' (GLOB_MARK), the pattern
 * itself when nothing matches (GLOB_NOCHECK), added to what gl_pathv has
 * (GLOB_APPEND), after gl_offs NULLs (GLOB_DOOFFS); GLOB_ERR stops at an
 * unreadable directory (errfunc asked first).  0, GLOB_NOMATCH,
 * GLOB_NOSPACE or GLOB_ABORTED. */
#ifndef _GLOB_H
#define _GLOB_H
#include <stddef.h>
#define GLOB_ERR      0x01
#define GLOB_MARK     0x02
#define GLOB_NOSORT   0x04
#define GLOB_DOOFFS   0x08
#define GLOB_NOCHECK  0x10
#define GLOB_APPEND   0x20
#define GLOB_NOESCAPE 0x40
#define GLOB_PERIOD   0x80
#define GLOB_NOSPACE 1
#define GLOB_ABORTED 2
#define GLOB_NOMATCH 3
#define GLOB_NOSYS   4
typedef struct {
	size_t gl_pathc;
	char **gl_pathv;
	size_t gl_offs;
	int gl_flags;
	void *__unused[5];
} glob_t;
int glob(const char *pattern, int flags, int (*errfunc)(const char *epath, int eerrno),
	 glob_t *pglob);
void globfree(glob_t *pglob);
#endif
