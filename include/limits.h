/* <limits.h> (the compiler's own one wants a C library's beneath it). */
#ifndef _LIMITS_H
#define _LIMITS_H

#include "abi/page.h" /* PAGE_SIZE (and PAGE_SHIFT), defined once */

#define CHAR_BIT   8
#define PIPE_BUF   4096 /* bytes a pipe write keeps together */
#define SCHAR_MIN  (-128)
#define SCHAR_MAX  127
#define UCHAR_MAX  255
#define CHAR_MIN   SCHAR_MIN
#define CHAR_MAX   SCHAR_MAX
#define SHRT_MIN   (-32768)
#define SHRT_MAX   32767
#define USHRT_MAX  65535
#define INT_MIN    (-INT_MAX - 1)
#define INT_MAX    __INT_MAX__
#define UINT_MAX   (INT_MAX * 2u + 1u)
#define LONG_MIN   (-LONG_MAX - 1l)
#define LONG_MAX   __LONG_MAX__
#define ULONG_MAX  (LONG_MAX * 2ul + 1ul)
#define LLONG_MIN  (-LLONG_MAX - 1ll)
#define LLONG_MAX  __LONG_LONG_MAX__
#define ULLONG_MAX (LLONG_MAX * 2ull + 1ull)
#define SSIZE_MAX  LONG_MAX
#define PATH_MAX   256
#define HOST_NAME_MAX  64
#define LOGIN_NAME_MAX 256
#define NAME_MAX   255
#define IOV_MAX    1024
#define NGROUPS_MAX 65536
#define PIPE_BUF   4096
/* glibc's limits.h has these too (pthread.h's values) */
#define PTHREAD_KEYS_MAX 1024
#define PTHREAD_STACK_MIN     16384
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#define MB_LEN_MAX 16
#define LONG_BIT   64
#define WORD_BIT   32
#define LINE_MAX   2048
#define RE_DUP_MAX 0x7fff
#define RTSIG_MAX  32
#define SEM_VALUE_MAX 0x7fffffff
#define TTY_NAME_MAX 32
#define DELAYTIMER_MAX 0x7fffffff
#define XATTR_NAME_MAX 255
#define _POSIX_PATH_MAX 256
#define _POSIX_NAME_MAX 14
#define _POSIX_PIPE_BUF 512
#define _POSIX_OPEN_MAX 20
#define _POSIX_ARG_MAX 4096
#define _POSIX_CHILD_MAX 25
#define _POSIX2_LINE_MAX 2048
#define _XOPEN_IOV_MAX 16

#endif
