/* <sys/eventfd.h>: eventfd (libsys/eventfd.c over the pager): an 8-byte
 * counter read and written as Linux's. */
#ifndef _SYS_EVENTFD_H
#define _SYS_EVENTFD_H

#include <stdint.h>

typedef uint64_t eventfd_t;

#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC   02000000
#define EFD_NONBLOCK  04000

/* A descriptor of a new counter at initval: -1 with EINVAL (flags),
 * EMFILE, ENFILE. */
int eventfd(unsigned int initval, int flags);
/* read/write of one value: 0, or -1 with errno. */
int eventfd_read(int fd, eventfd_t *value);
int eventfd_write(int fd, eventfd_t value);

#endif
