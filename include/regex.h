/* <regex.h>: POSIX regular expressions (libsys/regex.c), basic and
 * extended: groups, alternation, *, +, ?, {m,n}, bracket expressions
 * with ranges and [:classes:], anchors, back references (\1..\9),
 * REG_ICASE, REG_NEWLINE, REG_NOSUB, REG_NOTBOL/REG_NOTEOL/REG_STARTEND;
 * GNU's \+ \? \| in basic ones.  A backtracking matcher that keeps the
 * longest match at the leftmost place (POSIX's rule) while it has tried
 * fewer than a million steps, the first one after that. */
#ifndef _REGEX_H
#define _REGEX_H
#include <stddef.h>
#include <sys/types.h>

typedef int regoff_t;
typedef struct {
	size_t re_nsub;
	void *__impl;
	int __flags;
} regex_t;
typedef struct {
	regoff_t rm_so;
	regoff_t rm_eo;
} regmatch_t;

#define REG_EXTENDED 1
#define REG_ICASE    2
#define REG_NEWLINE  4
#define REG_NOSUB    8
#define REG_NOTBOL   1
#define REG_NOTEOL   2
#define REG_STARTEND 4

#define REG_NOMATCH  1
#define REG_BADPAT   2
#define REG_ECOLLATE 3
#define REG_ECTYPE   4
#define REG_EESCAPE  5
#define REG_ESUBREG  6
#define REG_EBRACK   7
#define REG_EPAREN   8
#define REG_EBRACE   9
#define REG_BADBR   10
#define REG_ERANGE  11
#define REG_ESPACE  12
#define REG_BADRPT  13

int regcomp(regex_t *re, const char *pattern, int cflags);
int regexec(const regex_t *re, const char *string, size_t nmatch, regmatch_t pmatch[],
	    int eflags);
size_t regerror(int errcode, const regex_t *re, char *buf, size_t size);
void regfree(regex_t *re);
#endif
