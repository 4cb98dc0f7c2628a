/* <getopt.h>: getopt (unistd.h) and GNU getopt_long, getopt_long_only,
 * as glibc's (libsys/posix3.c): operands may come before options (argv
 * is permuted so they end up last, unless optstring starts with '+' or
 * POSIXLY_CORRECT is set; '-' returns each operand as option 1), long
 * options may be abbreviated to a unique prefix, optind = 0 starts
 * again. */
#ifndef _GETOPT_H
#define _GETOPT_H
#include <unistd.h>
struct option {
	const char *name;
	int has_arg;
	int *flag;
	int val;
};
#define no_argument       0
#define required_argument 1
#define optional_argument 2
int getopt_long(int argc, char *const argv[], const char *optstring,
		const struct option *longopts, int *longindex);
int getopt_long_only(int argc, char *const argv[], const char *optstring,
		     const struct option *longopts, int *longindex);
#endif
