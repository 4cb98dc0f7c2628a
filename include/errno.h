/* errno and its values (Linux's numbers).  errno is per thread: libsys
 * finds the calling thread's from its stack pointer (threads made with
 * thread_start or pthread_create; the main thread has its own); a failed
 * call sets it, a successful one leaves it. */
#ifndef _ERRNO_H
#define _ERRNO_H

int *__errno_location(void);
#define errno (*__errno_location())

#define EPERM    1
#define ENOENT   2
#define ESRCH    3
#define EINTR    4
#define EIO      5
#define ENXIO    6
#define E2BIG    7
#define ENOEXEC  8
#define EBADF    9
#define ECHILD  10
#define EAGAIN  11
#define EWOULDBLOCK EAGAIN
#define ENOMEM  12
#define EACCES  13
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define ENODEV  19
#define ENOTDIR 20
#define EISDIR  21
#define EINVAL  22
#define ENFILE  23
#define EMFILE  24
#define ENOTTY  25
#define ETXTBSY 26
#define EFBIG   27
#define ENOSPC  28
#define ESPIPE  29
#define EROFS   30
#define EPIPE   32
#define EDOM    33
#define ERANGE  34
#define EDEADLK 35
#define ENAMETOOLONG 36
#define ENOSYS  38
#define EOVERFLOW 75
#define EOPNOTSUPP 95
#define ENOTSUP EOPNOTSUPP
#define ETIMEDOUT 110
/* argv[0], and its part after the last '/' (glibc's names; crt0 sets
 * them). */
extern char *program_invocation_name, *program_invocation_short_name;

/* The rest of Linux's common numbers (strerror knows them all). */
#define E2BIG   7
#define ENOTBLK 15
#define EXDEV   18
#define ETXTBSY 26
#define EMLINK  31
#define ENOLCK  37
#define ENOTEMPTY 39
#define ELOOP   40
#define ENOMSG  42
#define EIDRM   43
#define ENOSTR  60
#define ENODATA 61
#define ETIME   62
#define EPROTO  71
#define EBADMSG 74
#define EILSEQ  84
#define ENOTSOCK 88
#define EMSGSIZE 90
#define EPROTOTYPE 91
#define ENOPROTOOPT 92
#define EPROTONOSUPPORT 93
#define ESOCKTNOSUPPORT 94
#define EAFNOSUPPORT 97
#define EADDRINUSE 98
#define ENETUNREACH 101
#define ECONNRESET 104
#define ENOBUFS 105
#define EISCONN 106
#define ENOTCONN 107
#define ECONNREFUSED 111
#define EHOSTUNREACH 113
#define EALREADY 114
#define EINPROGRESS 115
#define EDQUOT  122
#define ECANCELED 125
#define EOWNERDEAD 130
#define ENOTRECOVERABLE 131

#endif
