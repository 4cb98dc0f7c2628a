/* libsys's internals shared between its files (not for programs). */
#ifndef LIBSYS_LIBSYS_H
#define LIBSYS_LIBSYS_H

#include <stddef.h>
#include "sys/ipc.h"

/* Call the pager with *m; the reply replaces *m.  Returns the IPC error,
 * or else the pager's answer (the reply label). */
int libsys_pg_call(struct sys_msg *m);

/* What a thread started by thread_start has of its own: its stack
 * [lo, hi), errno, its pthread_t, and its IPC buffer. */
struct libsys_tls {
	int used, err;
	uint64_t lo, hi;
	void *self;
	uint64_t ipc;
	unsigned sig_eintr; /* libsys_sig_eintr's count for this thread */
	unsigned sig_ran;   /* libsys_sig_ran's */
	unsigned sig_depth; /* handlers of this thread running (nested) */
	void *sig_save;     /* IPC_BUF_MAX bytes: the outermost handler keeps
			     * the thread's IPC buffer here (not on a
			     * possibly small alternate stack) */
	unsigned slot;      /* its index in the pager + 1 (pthread_kill) */
	uint64_t ktid;      /* the kernel's thread id there: pthread_kill's
			     * check that the index is still this thread's */
	volatile unsigned *end_word; /* set by the thread's function: at its
			     * very end, off its stack, the thread stores
			     * end_val there and wakes it (pthread_join) */
	unsigned end_val;
};

/* thread_start_on (sys/proc.h) on the caller's stack [ustack, ustack +
 * stack_size) if ustack is not NULL (pthread_attr_setstack: never unmapped
 * here); else on a stack of stack_size mapped for it and unmapped when it
 * ends. */
int libsys_thread_start(int cpu, void (*fn)(void *), void *arg, size_t stack_size,
			void *ustack);

/* t's index in the pager + 1 (~0: not known), waited for if t has not
 * reached its start yet (it only sets its blocked set first): pthread_kill's
 * PG_KILL w2. */
struct libsys_pthread;
/* set_robust_list(2) and get_robust_list(2) of the calling thread
 * (pthread.c): errno values. */
int libsys_set_robust_list(uint64_t head, size_t len);
int libsys_get_robust_list(uint64_t *head, size_t *len);
unsigned libsys_pthread_slot(struct libsys_pthread *t, uint64_t *ktid);

/* In a fork child whose forking thread was not the main one: that
 * thread's pthread_t now names the child's one thread, the pager's thread
 * 0 (its index 1 + 0, its kernel id unknown). */
void libsys_pthread_forked(void);

/* The calling thread's IPC buffer (a request's bytes out, a reply's in):
 * sys_ipc_buf for the main thread (and threads of thread_spawn). */
void *libsys_ipc_buf(void);

/* The calling thread's slot (its TCB's, tls.c: one load through %fs, in a
 * signal handler on any stack too); NULL for the main thread (and threads
 * made with thread_spawn directly). */
struct libsys_tls *libsys_tls(void);

/* errno's value for an enum err (E_OK: 0). */
int libsys_errno(int e);

/* Set errno from e and return -1 (e != E_OK), or return 0. */
int libsys_fail(int e);

/* The kernel's count of frames and of free frames now (sysconf, sysinfo);
 * 0 if unknown.  Safe from any thread and any handler. */
int libsys_frames(uint64_t *total, uint64_t *avail);

/* The file behind fd as PG_MMAP's w3 wants it (PG_LIST index + 1), 0 if
 * fd is not an open initrd file. */
uint64_t libsys_fd_file(int fd);

/* Shared memory objects (shm.c) behind descriptors (files.c): the fd's
 * object (its number + 1; 0: none); an fd of object shm closed; its size; n bytes read (write: 0) or written
 * (1) at pos, the count done. */
int libsys_fd_shm(int fd);
/* tmpfs (tmpfs.c): a new fd for object shm called name opened with flags
 * (O_ACCMODE, O_APPEND, O_NONBLOCK, O_CLOEXEC; the name it was opened by
 * is kept: /proc/self/fd's links); a new fd for directory path (its
 * normalized absolute path, copied); the directory fd names (NULL,
 * errno EBADF or ENOTDIR); the current directory (exec carries it). */
int libsys_fd_new_file(int shm, int flags, const char *name);
char *libsys_cwd(void);
int libsys_fd_new_dir(const char *path, int flags);
const char *libsys_fd_dir(int fd);
/* path made absolute (the current directory's) and normal (no ".", "..",
 * "//"; "/" alone or no trailing '/') in out: 0, or an errno (EFAULT,
 * ENOENT empty, ENAMETOOLONG past LIBSYS_PATH_MAX - 1 bytes). */
#define LIBSYS_PATH_MAX 256
int libsys_path(const char *path, char out[LIBSYS_PATH_MAX]);
/* dirfd's path joined with path (absolute path alone) into out: 0 or an
 * errno (EBADF, ENOTDIR as openat gives them). */
int libsys_path_at(int dirfd, const char *path, char out[LIBSYS_PATH_MAX]);
/* What normal path abs names outside /dev, /proc, /sys and the initrd:
 * LIBSYS_T_DIR, LIBSYS_T_FILE (its size in *size), LIBSYS_T_NONE. */
enum { LIBSYS_T_NONE, LIBSYS_T_DIR, LIBSYS_T_FILE };
int libsys_tmpfs_kind(const char *abs, uint64_t *size);
/* The same with the file's (or directory's) st_ino and st_nlink. */
int libsys_tmpfs_stat(const char *abs, uint64_t *size, uint64_t *ino, uint64_t *nlink);
/* open of tmpfs path abs (not an initrd file, device or directory): an fd
 * or -1 with errno. */
int libsys_tmpfs_open(const char *abs, int flags);
/* exec: object shm's whole mapping here (the pager maps it at the same
 * place in the new image); libsys_shm_adopt: the new image's entry for
 * the mapping at base the pager kept: shm.c's number + 1, or 0 (none
 * there: the pager's PG_PSH_SIZE says so). */
uint64_t libsys_shm_base(int shm);
/* 1 if a is where libsys maps an open object whole (its own mapping, not
 * one the program made). */
int libsys_shm_is_base(uint64_t a);
int libsys_shm_adopt(uint64_t base);
/* /proc as directories and links (procfs.c): the target of link path
 * ("proc/..."; *fd: the descriptor a /proc/self/fd/N names, else -1):
 * E_OK, E_NOENT, E_PERM, E_RANGE; the next entry of /proc directory abs
 * after *at (0 at first; moved on): 1 with name and type, 0 at the end. */
int libsys_procfs_link(const char *path, char *out, size_t cap, int *fd);
int libsys_procfs_dirent(const char *abs, uint64_t *at, char *name, size_t cap,
			 unsigned char *type);
/* Descriptors as /proc/self/fd shows them (files.c): the lowest open one
 * >= from (-1: none); what fd's link names (E_OK, E_NOENT not open,
 * E_RANGE cap too small). */
int libsys_fd_next(int from);
/* rename here: the descriptions of tmpfs object old (a directory's name,
 * ending in '/': every object under it) now name new (+ the rest). */
void libsys_fd_renamed(const char *old, const char *new);
int libsys_fd_link(int fd, char *out, size_t cap);
/* The path of the named object (shm_open's, a tmpfs file) whose st_ino is
 * ino into out (cap bytes): 1, or 0 if no name has it (a walk of every
 * name). */
int libsys_tmpfs_path_of(uint64_t ino, char *out, size_t cap);
/* The path of tmpfs object name (the description's, opened as; ino its
 * number now) into out: its name if it still names it, else another name
 * of the same object, else the old path and " (deleted)", as Linux's. */
void libsys_tmpfs_link(const char *name, uint64_t ino, char *out, size_t cap);
/* Whether initrd file name (no leading '/') exists. */
int libsys_initrd_has(const char *name);
/* Whether abs is /dev, /proc or /sys or under them (not /dev/shm). */
int libsys_special(const char *abs);
/* libsys_psh_open's object made an entry here (shm.c): its index, -1. */
int libsys_shm_open_obj(const char *name, uint64_t flags, int *made);
/* object shm's size, number and names (fstat's st_size, st_ino, st_nlink) */
void libsys_shm_stat(int shm, uint64_t *size, uint64_t *ino, uint64_t *nlink);
/* set object shm's size */
void libsys_shm_set_size(int shm, uint64_t size);
void libsys_shm_close(int shm);
uint64_t libsys_shm_size(int shm);
/* A write of n bytes of buf at pos of object shm (shm.c): the bytes
 * written (fewer where the files' total has room for no more), or -E_*
 * (E_NOSPC: room for none; E_NOMEM past the largest size). */
long libsys_shm_write(int shm, uint64_t pos, const void *buf, size_t n);
/* O_APPEND's write of n bytes of buf to object shm: at its end, taken and
 * grown in one pager request (*pos: where they went); as libsys_shm_write. */
long libsys_shm_append(int shm, const void *buf, size_t n, uint64_t *pos);
/* The pager's object named n (no '/', flags PG_PSH_*) opened: its whole
 * mapping (PG_PSH_SPAN bytes) at *base, *made = 1 if it was made now;
 * with PG_PSH_INIT, an object made now starts with init's 16 bytes.
 * -1 with errno (EEXIST, ENOENT, EINVAL, ENOMEM). */
int libsys_psh_open(const char *n, uint64_t flags, const uint64_t init[2], char **base,
		    int *made);
/* mmap of a descriptor of object shm (off page-aligned, >= 0); fd_rdonly:
 * the descriptor is O_RDONLY (a MAP_SHARED mapping of it is EACCES with
 * PROT_WRITE, and cannot be made writable). */
void *libsys_shm_mmap(void *addr, int shm, size_t len, int prot, int flags, long off,
		      int fd_rdonly);

/* Pipes (pipe.c over PG_PIPE_*) behind descriptors (files.c): a new fd
 * for an end of pipe id (flags: O_NONBLOCK, O_CLOEXEC; -1 EMFILE); one
 * description of an end more or less (delta +1/-1); read and write as
 * read(2)/write(2) (-1 with errno).  libsys_fd_console: fd is the console. */
int libsys_fd_new_pipe(unsigned id, int write_end, int flags);
int libsys_pipe_ref(unsigned id, int write_end, int delta);
long libsys_pipe_read(unsigned id, void *buf, size_t count, int nonblock);
long libsys_pipe_write(unsigned id, const void *buf, size_t count, int nonblock);
int libsys_fd_console(int fd);
/* Whether process pid runs no more: no such process, or one that ended
 * and is not yet waited for (a zombie, which kill(pid, 0) still finds, as
 * Linux's): a lock word naming it as its holder may be taken over
 * (sysvsem.c, mqueue.c).  errno kept. */
int libsys_pid_gone(int pid);
/* How many bytes from buf the caller may write (write: 1) or read: the
 * pager's PG_IO_CHECK, at most count (0 for a bad pointer). */
size_t libsys_user_room(const void *buf, size_t count, int write);
/* The length of string s of the caller's, if readable and shorter than
 * max; -1 (errno EFAULT, or E2BIG when too long). */
long libsys_user_strlen(const char *s, size_t max);
/* poll's view of a description (poll.c, epoll.c): LIBSYS_POLL_BAD (not
 * open), _CONSOLE, _PIPE (id: the pipe, out: 1 the write end), _READY (a
 * file or a device: never waits), _SOCK (id: the pipe it reads, out: the
 * one it writes, type: SOCK_*), _EVENT (id: the eventfd's pipe), _EPOLL
 * (id: epoll.c's instance).  libsys_fd_target: fd's; libsys_fd_ofd: fd's
 * description (NULL: not open), an epoll's key. */
enum { LIBSYS_POLL_BAD, LIBSYS_POLL_CONSOLE, LIBSYS_POLL_PIPE, LIBSYS_POLL_READY,
       LIBSYS_POLL_SOCK, LIBSYS_POLL_EVENT, LIBSYS_POLL_EPOLL, LIBSYS_POLL_IDLE };
/* (_EVENT is also a listening socket's: POLLIN with a connection waiting;
 * _IDLE an unconnected socket's: POLLOUT | POLLHUP, never waits.) */
struct libsys_target {
	int kind;
	unsigned id, out;
	int type;
};
int libsys_fd_target(int fd, struct libsys_target *t);
int libsys_ofd_target(const void *ofd, struct libsys_target *t);
const void *libsys_fd_ofd(int fd);
/* fd's O_ACCMODE | O_NONBLOCK (0: not open). */
int libsys_fd_flags(int fd);
/* One poll over n items (poll.c): each item's revents set (POLLNVAL for
 * a bad one); seq: with useseq, an item is ready only if its pipes
 * changed since seq (then the new seq is left there: EPOLLET).  Waits up
 * to ms (~0: no limit); how many are ready, or -1 with errno (EINTR). */
struct libsys_pitem {
	struct libsys_target t;
	short events, revents;
	uint16_t seq;
	short useseq;
};
int libsys_poll_items(struct libsys_pitem *it, int n, uint64_t ms);
/* CLOCK_MONOTONIC in ms (poll.c). */
uint64_t libsys_now_ms(void);

/* Sockets (socket.c), eventfd and timerfd (eventfd.c), epoll (epoll.c)
 * behind descriptors (files.c): new fds (flags O_NONBLOCK, O_CLOEXEC; -1
 * EMFILE).  libsys_fd_aux: a socket's state word (the peer's loss
 * reported: a datagram socket's next send is ENOTCONN), a timerfd's clock
 * + 1 (an eventfd's: 0); NULL: fd is neither. */
int libsys_fd_new_sock(unsigned in, unsigned out, int type, int flags);
int libsys_fd_new_event(unsigned id, int flags);
int libsys_fd_new_epoll(unsigned inst, int flags);
uint64_t *libsys_fd_aux(int fd);
/* A socket's pipes (LIBSYS_NOPIPE: none: unconnected; a listener: in is
 * its pipe), type and state word (LIBSYS_SOCK_* bits): 0, or -1 with
 * EBADF or ENOTSOCK.  libsys_fd_sock_set: its pipes now in and out. */
#define LIBSYS_NOPIPE 0xffffu
#define LIBSYS_SOCK_REFUSED  1 /* ECONNREFUSED said: a datagram's next is ENOTCONN */
#define LIBSYS_SOCK_LISTENER 2 /* bound: in is a listener */
int libsys_fd_sock(int fd, unsigned *in, unsigned *out, int *type, uint64_t **state);
void libsys_fd_sock_set(int fd, unsigned in, unsigned out);
/* The pipe calls with PG_PIPE_READ's w2 (NONBLOCK, PEEK) and
 * LIBSYS_RD_ONE (one request: a message, a peek) or _ALL (MSG_WAITALL);
 * *whole: the last message's length.  Minus an enum err on failure. */
#define LIBSYS_RD_ONE 0x100
#define LIBSYS_RD_ALL 0x200
long libsys_pipe_recv(unsigned id, void *buf, size_t count, unsigned flags, size_t *whole);
/* A write to pipe id with PG_PIPE_WRITE's w1 flags (NONBLOCK) and
 * LIBSYS_WR_MSG (one message, at most PG_PIPE_BUF bytes); bytes taken,
 * or minus an enum err (E_DEAD: no reader, E_NOENT: a datagram peer gone). */
#define LIBSYS_WR_MSG 0x100
long libsys_pipe_send(unsigned id, const void *buf, size_t count, unsigned flags);
long libsys_event_read(unsigned id, void *buf, size_t count, int nonblock);
long libsys_event_write(unsigned id, const void *buf, size_t count, int nonblock);
/* A description's last descriptor closed: out of every epoll set. */
void libsys_epoll_forget(const void *ofd);
void libsys_epoll_free(unsigned inst);
/* The pipe id of epoll inst's kick (an eventfd-kind pipe it holds). */
unsigned libsys_epoll_kick(unsigned inst);
/* Whether epoll instance inst has an event ready now (poll of its fd). */
int libsys_epoll_ready(unsigned inst);
/* exec (exec.c): the descriptors without FD_CLOEXEC and what they name,
 * into buf (the bytes needed, written only if they fit in cap), and in
 * drops[*ndrops] the pipe ends only close-on-exec descriptors hold (the
 * pager lets them go when the exec succeeds; at most LIBSYS_FD_MAX).
 * libsys_fd_import: the new image's table from those bytes. */
struct pg_exec_drop;
/* keeps[*nkeeps] (at most PG_EXEC_KEEP_MAX; more: -1, E2BIG): the whole
 * mappings of the objects kept descriptions hold (tmpfs files, memfd and
 * shm_open objects), which the pager keeps for the new image. */
size_t libsys_fd_export(void *buf, size_t cap, struct pg_exec_drop *drops, uint32_t *ndrops,
			uint64_t *keeps, uint32_t *nkeeps);
void libsys_fd_import(const void *buf, size_t len);
/* The signals whose handlers have SA_ONSTACK (signal.c). */
unsigned long libsys_sig_onstack(void);
/* The signals set to SIG_IGN (bit sig - 1; signal.c): exec keeps them. */
unsigned long libsys_sig_ignored(void);
/* Complete the siginfo of signal sig a sigwait took (si_signo, si_code,
 * si_pid, si_status from the kernel): a timer's si_value, a queued
 * signal's value and sender (its pager queue entry taken; the next of a
 * real-time number sent again).  0: a real-time one whose entry an
 * earlier take had (sent again while pending): nothing to take.  si is
 * a siginfo_t * (signal.c). */
int libsys_sig_fill(int sig, void *si);
/* Ask the pager to offer signals this thread's sigmask gave back to the
 * process (its out[2]) to the other threads (PG_SIG_OFFER; signal.c). */
void libsys_sig_offer(uint64_t given);
/* crt0, in an image exec started: argv, the environment, descriptors,
 * ignored and blocked signals from the startup page's carry bytes; the
 * new argv, or NULL to keep the startup page's. */
char **libsys_exec_resume(const char *carry, size_t len, int *argc);
/* mmap's view of fd: 1 /dev/zero (anonymous memory), -1 another device
 * (ENODEV), 0 anything else. */
int libsys_fd_zero(int fd);
/* fcntl's other commands (libc8.c), files.c's lock held. */
int libsys_fcntl_more(int cmd, long arg);
/* madvise(MADV_REMOVE) (libc8.c). */
int libsys_madv_remove(void *addr, size_t len);
/* setitimer (nv, ov) or getitimer (cur) of ITIMER_VIRTUAL or ITIMER_PROF
 * (libc8.c). */
struct itimerval;
int libsys_itimer_cpu(int which, const struct itimerval *nv, struct itimerval *ov,
		      struct itimerval *cur);

/* Write out every stdio stream's buffered bytes (exit; fflush(NULL)). */
void libsys_stdio_flush_all(void);
/* In a fork child, first thing: stdio's locks that other threads of the
 * parent held are free (stdio.c). */
void libsys_stdio_forked(void);

/* Block every blockable signal in the calling thread: the old set (for
 * libsys_sigs_on).  A libsys lock that a handler may also take is held
 * only so, and fork holds libsys's locks so (signal.c). */
/* Does the character class name (len bytes, as in "[:alpha:]" without
 * the brackets and colons) hold c?  -1 if there is no such class
 * (glob.c; fnmatch and regex brackets). */
int libsys_ctype_class(const char *name, size_t len, int c);

uint64_t libsys_sigs_off(void);
void libsys_sigs_on(uint64_t old);

/* fork's hold on one file's libsys locks (stage 0: take them before the
 * copy, with signals off; 1 in the parent, 2 in the child: let them go),
 * so that a child never starts with a lock held by a thread it does not
 * have.  posix.c's fork_locks calls them all, in this order (the order
 * their sections nest in: each takes only later ones, or the heap's,
 * which pgreq_fork takes last). */
void libsys_semset_fork(int stage);  /* sysvsem.c att_lock (its section takes
                                      * only pager calls: first) */
void libsys_timer_fork(int stage);   /* ptimer.c timer_lock */
void libsys_key_fork(int stage);     /* pthread.c key_lock */
void libsys_brk_fork(int stage);     /* libc2.c brk_lock */
void libsys_atexit_fork(int stage);  /* libc.c atexit_lock */
void libsys_fd_fork(int stage);      /* files.c table_lock (the child also drops
					* the uses other threads were making: a
					* description closed meanwhile is closed;
					* stage 0 also moves every file's position
					* and status flags to a page the child
					* shares) */
int libsys_fd_fork_ok(void);         /* 0 if stage 0 lacked memory for that */
void libsys_epoll_fork(int stage);   /* epoll.c ep_lock (after the table's:
					* a description's end forgets its
					* interests under both) */
void libsys_sig_fork(int stage);     /* signal.c act_lock */
void libsys_shm_fork(int stage);     /* shm.c tab_lock */
void libsys_limit_fork(int stage);   /* posix2.c mapped_now's busy (child: freed) */
void libsys_random_fork(int stage);  /* libc4.c random_lock */
void libsys_atomic_fork(int stage);  /* atomic.c's 64 locks */
void libsys_mq_fork(int stage);      /* mqueue.c mqd_lock */

/* Descriptors a process may have open (files.c; RLIMIT_NOFILE): Linux's
 * default soft limit. */
#define LIBSYS_FD_MAX 1024

/* crt0.c, before main: the program's constructors (.init_array), in
 * order; exit runs its destructors (.fini_array) after the atexit
 * functions, in reverse. */
void libsys_run_ctors(int argc, char **argv, char **envp);

/* procfs.c: /proc and /sys files.  find: E_OK with *dir set for a
 * directory, else *kind (the file), *pid (its process, 0: none), and
 * *writable; E_NOENT, or E_PERM (another process's pagemap). */
int libsys_procfs_find(const char *path, unsigned *kind, int *pid, int *dir,
		       int *writable);
/* read: count bytes of the file at pos (made anew); write: a number. */
ssize_t libsys_procfs_read(unsigned kind, int pid, uint64_t pos, void *buf, size_t count);
ssize_t libsys_procfs_write(unsigned kind, const void *buf, size_t count);

/* A stream over fd with mode (as fdopen's) whose sync(fd, arg, closing)
 * runs after each fflush and at fclose (stdio.c; memory streams). */
struct libsys_file;
struct libsys_file *libsys_stream_synced(int fd, const char *mode,
					 void (*sync)(int, void *, int), void *arg);

/* pthread_atfork's handlers (libc5.c): stage 0 prepare, 1 parent, 2 child. */
void libsys_atfork(int stage);

/* Cancellation points (pthread.c): end the calling thread if a
 * pthread_cancel is pending; whether it is a thread pthread_cancel may
 * reach (not the main one). */
void libsys_testcancel(void);
int libsys_cancellable(void);

/* The calling thread's blocked signals (signal.c; sigsetjmp saves them,
 * siglongjmp puts them back). */
/* How many handlers without SA_RESTART have run in the calling thread (it
 * wraps): a waiting call the pager answers E_INTR (pipe.c) fails EINTR
 * if this changed during the call, else asks again. */
unsigned libsys_sig_eintr(void);
/* waitpid with more PG_WAIT flags (extra: waitid's PG_WAIT_F_NOWAIT,
 * PG_WAIT_F_NOEXIT); options WNOHANG, WUNTRACED, WCONTINUED. */
int libsys_waitpid_flags(int pid, int *status, int options, uint64_t extra);
/* How many handlers (any) have run in the calling thread (it wraps):
 * poll and select fail EINTR only if this changed during the call (a
 * signal another thread handled makes the pager answer E_INTR too), ppoll
 * and pselect also if it changed while their mask was set, and a long
 * pipe write that moved some bytes returns short only then. */
unsigned libsys_sig_ran(void);
/* The calling thread, about to end, blocks every signal; what is pending
 * on it the kernel's end notice gives to the pager, which sends it to
 * the process again (another thread takes it). */
void libsys_signals_off(void);
unsigned long libsys_sigmask_get(void);
void libsys_sigmask_set(unsigned long set);

/* mlockall(MCL_FUTURE) is on: mmap populates (posix2.c). */
extern int libsys_mlock_future;

/* futex_wait and futex_wake (sys/proc.h) with FUTEX_SHARED if sh: the
 * word may be shared memory of several processes. */
int libsys_futex_wait(volatile void *word, uint32_t val, uint64_t ms, int sh);
unsigned libsys_futex_wake(volatile void *word, unsigned n, int sh);

/* Milliseconds from now to abstime (CLOCK_REALTIME) into *ms, at most
 * FUTEX_MAX_MS: 0, or EINVAL (bad abstime), ETIMEDOUT (past). */
struct timespec;
int libsys_ms_until(const struct timespec *abstime, uint64_t *ms);
/* The same on clock clk (CLOCK_REALTIME or CLOCK_MONOTONIC). */
int libsys_ms_until_on(int clk, const struct timespec *abstime, uint64_t *ms);

/* The heap's lock (malloc.c): malloc, free, calloc, realloc take it; fork
 * holds it across the copy. */
void libsys_heap_lock(void);
void libsys_heap_unlock(void);
/* free(p) for a caller that may be a signal handler (close() is async-
 * signal-safe, and its thread may be inside malloc, holding the heap
 * lock): p goes on a list the next heap unlock gives back. */
void libsys_free_async(void *p);

/* aligned_alloc's mark, in the word before a block it returns (where a
 * heap chunk's size word is, whose bit 1 is always clear): bits 4.. hold
 * the distance back to the malloc'd block. */
#define LIBSYS_ALIGNED 2ull

/* exit()'s first step (proc.c): the atexit functions, last first. */
void libsys_run_atexit(int status);

/* CPU time in ns as the kernel samples it (cpu_time): the calling
 * thread's (thread != 0) or its process's, earlier images' included (see
 * libsys_cpu_carried); 0 if the call fails. */
uint64_t libsys_cpu_ns(int thread);

/* The CPU time of the process's earlier images and of the thread that
 * exec'd (which goes on as the main thread), carried by exec: Linux's
 * CPU clocks go on across exec. */
extern uint64_t libsys_cpu_carried;
extern __thread uint64_t libsys_thread_cpu_carried;
/* crt0's first step: printf's %m. */
void libsys_libc_init(void);
/* 0 if grow more bytes of address space (data: of writable private
 * memory too) stay within RLIMIT_AS (and RLIMIT_DATA) as the program set
 * them; else -1 with ENOMEM.  Free of cost while both are infinite. */
int libsys_limit_room(uint64_t grow, int data);
/* A program has set a finite RLIMIT_AS or RLIMIT_DATA. */
extern int libsys_limited;
/* program_invocation_name and _short_name from argv[0] (NULL: ""). */
void libsys_set_progname(char *argv0);

/* Thread-local storage (tls.c): the bytes a thread's TLS block needs
 * (never 0: the TCB at least); setting one up in block (that many bytes)
 * for the thread with libsys slot slot, returning its thread pointer (the
 * FS base to give it); the main thread's (slot NULL), loaded as the FS
 * base, its thread pointer kept in libsys_main_tp (threads of thread_spawn
 * get it too); the calling thread's thread pointer. */
size_t libsys_tls_size(void);
uint64_t libsys_tls_build(void *block, struct libsys_tls *slot);
uint64_t libsys_tls_init(void *block);
extern uint64_t libsys_main_tp;
uint64_t libsys_tls_tp(void);

/* The calendar seconds the kernel read at boot (0: none) and the cycle
 * counter then (sysinfo; CLOCK_REALTIME counts from them). */
void libsys_rtc(uint64_t *epoch, uint64_t *tsc);

/* Sleep at least ns nanoseconds as CLOCK_MONOTONIC counts them (libc.c:
 * nanosleep, usleep, sleep); a handled signal ends it early: returns the
 * nanoseconds left then, else 0. */
uint64_t libsys_sleep_ns(uint64_t ns);

/* fmt.c's float conversions (fltfmt.c); set by crt0 before main. */
void libsys_float_init(void);

#endif
