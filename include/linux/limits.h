/* <linux/limits.h>: the kernel's limits (PATH_MAX is libsys's: a path
 * is at most 254 bytes here, limits.h). */
#ifndef _LINUX_LIMITS_H
#define _LINUX_LIMITS_H
#include <limits.h>
#define NR_OPEN        1024
#define ARG_MAX      131072
#define LINK_MAX        127
#define MAX_CANON       255
#define MAX_INPUT       255
#define XATTR_SIZE_MAX 65536
#define XATTR_LIST_MAX 65536
#define RTSIG_MAX        32
#endif
