/* Processes, files and sleeping, with POSIX names over the pager's
 * requests.  Failures return -1 with errno set. */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <sys/types.h>

#define LIBSYS_POSIX_NAMES 1

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#define _SC_ARG_MAX            0
#define _SC_CHILD_MAX          1
#define _SC_CLK_TCK            2
#define _SC_OPEN_MAX           4
#define _SC_PAGESIZE          30
#define _SC_PAGE_SIZE         _SC_PAGESIZE
#define _SC_NPROCESSORS_CONF  83
#define _SC_NPROCESSORS_ONLN  84
#define _SC_PHYS_PAGES        85
#define _SC_AVPHYS_PAGES      86
#define _SC_LEVEL1_DCACHE_LINESIZE 190

/* A copy-on-write copy of this process; 0 in the child, its pid in the
 * parent, -1 (ENOMEM, EAGAIN) if none. */
pid_t fork(void);
pid_t getpid(void);
pid_t getppid(void);
int getpagesize(void);
long sysconf(int name);
unsigned sleep(unsigned seconds);
int usleep(useconds_t usec);
_Noreturn void _exit(int status);
/* One user: root (0); the console is a terminal (fds 0-2); the one
 * directory is "/". */
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
pid_t getpgrp(void);
pid_t getsid(pid_t pid);
int isatty(int fd);
char *getcwd(char *buf, size_t size);
int gethostname(char *name, size_t len);
/* The program break (sbrk(0) first: the page after the heap malloc
 * uses): brk/sbrk move a region of their own, malloc keeps its own heap;
 * ENOMEM past what can be reserved. */
int brk(void *addr);
void *sbrk(intptr_t incr);

/* Initrd files (fcntl.h open), pipes and the console: 0 reads typed
 * bytes, 1 and 2 write to the console (until dup2 puts something else
 * there). */
ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
off_t lseek(int fd, off_t off, int whence);
int close(int fd);
ssize_t pread(int fd, void *buf, size_t count, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t count, off_t off);
/* The size of a shared memory object (shm_open); EINVAL for an initrd
 * file (read-only), EBADF.  truncate: EROFS (the initrd). */
int ftruncate(int fd, off_t len);

/* Pipes: fd[0] reads what fd[1] writes (64 KiB held; a write of up to
 * PIPE_BUF bytes is never interleaved with another).  A read of an empty
 * pipe waits (no CPU) for a write, or returns 0 once no write end is open
 * anywhere (closed, or its process ended); a write to a full pipe waits;
 * with no read end left it raises SIGPIPE (unless ignored or caught) and
 * fails EPIPE.  O_NONBLOCK: EAGAIN instead of waiting.  Descriptors are
 * inherited by fork.  pipe2 flags: O_CLOEXEC, O_NONBLOCK (EINVAL else).
 * EFAULT, EMFILE, ENFILE (no pipe left in the pager). */
int pipe(int fd[2]);
int pipe2(int fd[2], int flags);
/* Another descriptor naming oldfd's open file (the lowest free; dup2:
 * newfd, closed first if open; dup3: the same with O_CLOEXEC, EINVAL if
 * oldfd == newfd).  EBADF, EMFILE. */
int dup(int oldfd);
int dup2(int oldfd, int newfd);
int dup3(int oldfd, int newfd, int flags);
int truncate(const char *path, off_t len);

#endif
