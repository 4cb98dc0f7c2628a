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
#define SEEK_DATA 3 /* Linux's names (lseek refuses them here: EINVAL) */
#define SEEK_HOLE 4

#define F_OK 0 /* access(2)'s modes */
#define X_OK 1
#define W_OK 2
#define R_OK 4

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
/* Replace this process's image by initrd program path (leading '/', "./"
 * and a directory the initrd lacks are dropped: "/bin/sh" is "sh"): the
 * same pid, parent, children and descriptors without FD_CLOEXEC; handled
 * signals back to SIG_DFL, ignored ones stay.  Returns only on failure:
 * -1 with ENOENT (no such program), ENOEXEC, E2BIG, EFAULT, ENOMEM. */
int execve(const char *path, char *const argv[], char *const envp[]);
int execv(const char *path, char *const argv[]);
int execvp(const char *file, char *const argv[]);
int execvpe(const char *file, char *const argv[], char *const envp[]);
int execl(const char *path, const char *arg, ...);
int execlp(const char *file, const char *arg, ...);
int execle(const char *path, const char *arg, ...);
pid_t getpid(void);
/* Linux's syscall(2) for the numbers of <sys/syscall.h> libsys serves
 * (libsys/linux_syscall.c); others fail ENOSYS. */
long syscall(long nr, ...);
int access(const char *path, int mode);
int faccessat(int dirfd, const char *path, int mode, int flags);
/* readlink, readlinkat: the targets of /proc's links (/proc/self,
 * /proc/PID/exe, /proc/self/fd/N); any other path that exists: EINVAL. */
ssize_t readlink(const char *path, char *buf, size_t size);
ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size);
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
/* User and group ids (libsys/libc7.c): kept per process (fork copies
 * them, exec starts again as root) with Linux's rules for who may set
 * what; nothing checks a permission against them. */
int setuid(uid_t uid);
int setgid(gid_t gid);
int seteuid(uid_t uid);
int setegid(gid_t gid);
int setreuid(uid_t r, uid_t e);
int setregid(gid_t r, gid_t e);
int setresuid(uid_t r, uid_t e, uid_t s);
int setresgid(gid_t r, gid_t e, gid_t s);
int getresuid(uid_t *r, uid_t *e, uid_t *s);
int getresgid(gid_t *r, gid_t *e, gid_t *s);
int getgroups(int size, gid_t list[]);
/* ttyname: "/dev/console" for the console (ENOTTY, EBADF); getlogin_r:
 * "root"; nice: kept, not applied (one priority for every program). */
char *ttyname(int fd);
int ttyname_r(int fd, char *buf, size_t len);
int getlogin_r(char *buf, size_t len);
int nice(int inc);
/* pathconf, fpathconf: tmpfs's limits (_PC_NAME_MAX 255, ...). */
#define _PC_LINK_MAX 0
#define _PC_MAX_CANON 1
#define _PC_MAX_INPUT 2
#define _PC_NAME_MAX 3
#define _PC_PATH_MAX 4
#define _PC_PIPE_BUF 5
#define _PC_CHOWN_RESTRICTED 6
#define _PC_NO_TRUNC 7
#define _PC_VDISABLE 8
#define _PC_FILESIZEBITS 13
long pathconf(const char *path, int name);
long fpathconf(int fd, int name);
/* syncfs: nothing to write back (EBADF); lockf: over flock, the whole
 * file (len ignored), held by the open file description; eaccess and
 * euidaccess: access. */
int syncfs(int fd);
#define F_ULOCK 0
#define F_LOCK  1
#define F_TLOCK 2
#define F_TEST  3
int lockf(int fd, int cmd, off_t len);
int eaccess(const char *path, int mode);
void swab(const void *from, void *to, ssize_t n);
useconds_t ualarm(useconds_t usecs, useconds_t interval);
char *ctermid(char *s);
int getentropy(void *buf, size_t len); /* (also <sys/random.h>) */
int euidaccess(const char *path, int mode);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
pid_t getpgrp(void);
pid_t getsid(pid_t pid);
int isatty(int fd);
char *getcwd(char *buf, size_t size);
int gethostname(char *name, size_t len);
int sethostname(const char *name, size_t len);
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
/* The size of a shared memory object or tmpfs file; EINVAL for an initrd
 * file or a descriptor not open for writing, EBADF.  truncate: of path
 * (EROFS an initrd file, EISDIR, ENOENT). */
int ftruncate(int fd, off_t len);
/* tmpfs (libsys/tmpfs.c).  unlink: the name goes; the file lives while a
 * descriptor or mapping holds it (EISDIR, EROFS an initrd file, ENOENT,
 * ENOTDIR).  rmdir: ENOTEMPTY, ENOTDIR, EBUSY ("/", /tmp, /dev/shm).
 * unlinkat: AT_REMOVEDIR is rmdir.  chdir/fchdir: the current directory
 * for relative paths (ENOENT, ENOTDIR; not kept across exec).  fsync,
 * fdatasync, sync: no-ops (files are memory: nothing to write back;
 * EBADF). */
/* Owners (libsys/libc6.c): not kept (one user): the file must be there
 * (ENOENT, EBADF as stat).  link and symlink: EPERM (tmpfs here has one
 * name per file and no symbolic links; ENOENT for a missing old file,
 * EEXIST for a new name in use, checked first). */
int chown(const char *path, uid_t uid, gid_t gid);
int fchown(int fd, uid_t uid, gid_t gid);
int lchown(const char *path, uid_t uid, gid_t gid);
int fchownat(int dirfd, const char *path, uid_t uid, gid_t gid, int flags);
int link(const char *old, const char *new);
int linkat(int olddirfd, const char *old, int newdirfd, const char *new, int flags);
int symlink(const char *target, const char *path);
int symlinkat(const char *target, int dirfd, const char *path);
int unlink(const char *path);
int unlinkat(int dirfd, const char *path, int flags);
int rmdir(const char *path);
int chdir(const char *path);
int fchdir(int fd);
int fsync(int fd);
int fdatasync(int fd);
void sync(void);

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

/* linux2: the environment (stdlib.h: getenv, setenv), vfork (a fork:
 * the child gets its own copy of memory, which is what vfork's rules
 * let a program rely on anyway), process groups: setpgid (the caller or
 * its child, into a group of its own or one that exists: ESRCH, EPERM),
 * getpgid, getpgrp, setsid (a non-leader leads a new group; sessions are
 * not kept apart from groups, so getsid is getpgid).  A program started
 * by init or the shell leads its own group, a forked or posix_spawn
 * child is in its parent's; a child whose parent ends is init's
 * (getppid() is 1). */
extern char **environ;
pid_t vfork(void);
pid_t setsid(void);
int setpgid(pid_t pid, pid_t pgid);
pid_t getpgid(pid_t pid);

/* More sysconf names (Linux's numbers): limits as libsys has them,
 * the POSIX options it provides as 200809L, -1 (no limit) else. */
#define _SC_NGROUPS_MAX        3
#define _SC_STREAM_MAX         5
#define _SC_TZNAME_MAX         6
#define _SC_JOB_CONTROL        7
#define _SC_SAVED_IDS          8
#define _SC_VERSION           29
#define _SC_SEM_NSEMS_MAX     32
#define _SC_SEM_VALUE_MAX     33
#define _SC_LINE_MAX          43
#define _SC_IOV_MAX           60
#define _SC_THREADS           67
#define _SC_THREAD_SAFE_FUNCTIONS 68
#define _SC_GETPW_R_SIZE_MAX  70
#define _SC_LOGIN_NAME_MAX    71
#define _SC_TTY_NAME_MAX      72
#define _SC_THREAD_DESTRUCTOR_ITERATIONS 73
#define _SC_THREAD_KEYS_MAX   74
#define _SC_THREAD_STACK_MIN  75
#define _SC_THREAD_THREADS_MAX 76
#define _SC_MAPPED_FILES      16
#define _SC_MEMLOCK           17
#define _SC_MEMLOCK_RANGE     18
#define _SC_MEMORY_PROTECTION 19
#define _SC_SEMAPHORES        21
#define _SC_SHARED_MEMORY_OBJECTS 22
#define _SC_TIMERS            11
#define _SC_MONOTONIC_CLOCK  149
#define _SC_HOST_NAME_MAX    180

/* POSIX getopt (getopt.h: getopt_long), and the calling thread's id:
 * the pid for the main thread, a distinct larger number for each other
 * thread while it runs. */
int getopt(int argc, char *const argv[], const char *optstring);
extern char *optarg;
extern int optind, opterr, optopt;
pid_t gettid(void);

/* The descriptor table's size (sysconf(_SC_OPEN_MAX)). */
int getdtablesize(void);

/* "root", the one user (libsys/libc5.c). */
char *getlogin(void);


/* The rest of glibc's sysconf, pathconf and confstr names (Linux's
 * numbers): sysconf answers each as glibc does on Linux (a limit, an
 * option's 200809L, 1 for a yes, 0 or -1 for what is not there). */
#define _SC_RTSIG_MAX                  31
#define _SC_SIGQUEUE_MAX               34
#define _SC_GETGR_R_SIZE_MAX           69
#define _SC_SPIN_LOCKS                 154
#define _SC_BARRIERS                   133
#define _SC_CLOCK_SELECTION            137
#define _SC_CPUTIME                    138
#define _SC_THREAD_CPUTIME             139
#define _SC_TIMER_MAX                  35
#define _SC_DELAYTIMER_MAX             26
#define _SC_XOPEN_VERSION              89
#define _SC_ATEXIT_MAX                 87
#define _SC_SYMLOOP_MAX                173
#define _SC_2_VERSION                  46
#define _SC_REALTIME_SIGNALS           9
#define _SC_FSYNC                      15
#define _SC_ASYNCHRONOUS_IO            12
#define _SC_PRIORITY_SCHEDULING        10
#define _SC_READER_WRITER_LOCKS        153
#define _SC_TIMEOUTS                   164
#define _SC_MQ_OPEN_MAX                27
#define _SC_MQ_PRIO_MAX                28
#define _SC_SPAWN                      159
#define _SC_THREAD_PROCESS_SHARED      82
#define _SC_THREAD_ATTR_STACKSIZE      78
#define _SC_THREAD_ATTR_STACKADDR      77
#define _SC_THREAD_PRIORITY_SCHEDULING 79
#define _SC_BC_SCALE_MAX               38
#define _SC_EXPR_NEST_MAX              42
#define _SC_RE_DUP_MAX                 44
#define _SC_COLL_WEIGHTS_MAX           40
#define _SC_BC_BASE_MAX                36
#define _SC_BC_DIM_MAX                 37
#define _SC_BC_STRING_MAX              39
#define _SC_LEVEL1_DCACHE_SIZE         188
#define _SC_LEVEL1_DCACHE_ASSOC        189
#define _SC_LEVEL1_ICACHE_SIZE         185
#define _SC_LEVEL1_ICACHE_LINESIZE     187
#define _SC_LEVEL2_CACHE_SIZE          191
#define _SC_LEVEL2_CACHE_LINESIZE      193
#define _SC_LEVEL3_CACHE_SIZE          194
#define _SC_LEVEL3_CACHE_LINESIZE      196
#define _SC_MESSAGE_PASSING            20
#define _SC_PRIORITIZED_IO             13
#define _SC_SYNCHRONIZED_IO            14
#define _SC_AIO_MAX                    24
#define _SC_AIO_LISTIO_MAX             23
#define _SC_AIO_PRIO_DELTA_MAX         25
#define _SC_XOPEN_UNIX                 91
#define _SC_XOPEN_REALTIME             130
#define _SC_XOPEN_REALTIME_THREADS     131
#define _SC_IPV6                       235
#define _SC_RAW_SOCKETS                236
#define _SC_2_C_BIND                   47
#define _SC_2_C_DEV                    48
#define _SC_2_LOCALEDEF                52
#define _SC_2_SW_DEV                   51
#define _SC_2_CHAR_TERM                95
#define _SC_SHELL                      157
#define _SC_REGEXP                     155
#define _SC_NZERO                      109
#define _SC_SSIZE_MAX                  110
#define _SC_CHAR_BIT                   101
#define _SC_INT_MAX                    104
#define _SC_XOPEN_SHM                  94
#define _SC_TRACE                      181
#define _SC_THREAD_SPORADIC_SERVER     161
#define _SC_SPORADIC_SERVER            160
#define _SC_MINSIGSTKSZ                249
#define _SC_SIGSTKSZ                   250
#define _SC_THREAD_PRIO_INHERIT        80
#define _SC_THREAD_PRIO_PROTECT        81
#define _SC_THREAD_ROBUST_PRIO_INHERIT 247
#define _SC_2_PBS                      168
#define _SC_V7_LP64_OFF64              239
#define _SC_V6_LP64_OFF64              178
#define _SC_FILE_LOCKING               147
#define _SC_SINGLE_PROCESS             151
#define _SC_PII                        53
#define _SC_SELECT                     59
#define _PC_SYNC_IO                    9
#define _PC_ASYNC_IO                   10
#define _PC_PRIO_IO                    11
#define _PC_REC_XFER_ALIGN             17
#define _PC_ALLOC_SIZE_MIN             18
#define _PC_SYMLINK_MAX                19
#define _PC_2_SYMLINKS                 20
#define _CS_PATH                       0
#define _CS_GNU_LIBC_VERSION           2
#define _CS_GNU_LIBPTHREAD_VERSION     3
size_t confstr(int name, char *buf, size_t len);
/* copy_file_range (libsys/libc8.c): len bytes read and written through
 * libsys, each side from *off (moved) or its position; flags 0. */
ssize_t copy_file_range(int in_fd, loff_t *in_off, int out_fd, loff_t *out_off, size_t len,
			unsigned flags);

#endif
