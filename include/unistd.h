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
/* sleep: the seconds not slept (a handled signal came), else 0; usleep:
 * 0, or -1 with EINTR. */
unsigned sleep(unsigned seconds);
int usleep(useconds_t usec);
/* Wait for a signal whose handler runs: -1 with EINTR. */
int pause(void);
/* SIGALRM to this process in seconds (0: cancel the one set); returns the
 * seconds the one set before had left (0: none). */
unsigned alarm(unsigned seconds);
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

/* Initrd files (fcntl.h open) and the console: 0 reads typed bytes, 1 and
 * 2 write to the console. */
ssize_t read(int fd, void *buf, size_t count);
ssize_t write(int fd, const void *buf, size_t count);
off_t lseek(int fd, off_t off, int whence);
int close(int fd);
ssize_t pread(int fd, void *buf, size_t count, off_t off);
ssize_t pwrite(int fd, const void *buf, size_t count, off_t off);
/* The size of a shared memory object (shm_open); EINVAL for an initrd
 * file (read-only), EBADF.  truncate: EROFS (the initrd). */
int ftruncate(int fd, off_t len);
int truncate(const char *path, off_t len);

#endif
