/* Processes, threads and memory for ring 3: the requests libsys sends to
 * the pager (abi/pager.h).  Every call returns an enum err: the kernel's if
 * the IPC failed, else the pager's answer. */
#ifndef SYS_PROC_H
#define SYS_PROC_H

#include <stddef.h>
#include <stdint.h>
#include "abi/err.h"
#include "abi/pager.h"

/* What the pager says about this process, read from the read-only startup
 * page every time (never cached: a forked child's memory is a copy of its
 * parent's, but its startup page is its own). */
#include "sys/startup.h"
#include "sys/wait_status.h"

/* The pager's own names for process calls whose POSIX namesakes
 * (unistd.h, sys/wait.h, signal.h, sys/mman.h) differ: the pgreq_*
 * functions; a program that includes no POSIX header may still call them
 * by the short names below (getpid, munmap, waitpid, wait, kill, fork,
 * mprotect), which a POSIX header gives their POSIX meaning. */
int pgreq_getpid(uint32_t *ppid);
int pgreq_munmap(void *addr, size_t size);
struct wait_status;
int pgreq_waitpid(uint32_t pid, struct wait_status *st);

/* End the process with status; never returns. */
_Noreturn void exit(int status);

/* This process's pid (also in sys_pid), or minus an error; the parent's
 * pid in *ppid if not NULL. */
#ifndef LIBSYS_POSIX_NAMES
static inline int getpid(uint32_t *ppid) { return pgreq_getpid(ppid); }
#endif

/* A new lazy zero-fill R|W region of size bytes (rounded up to pages) at
 * *addr.  E_INVAL for 0 or more than PG_MMAP_MAX, E_NOMEM when full. */
int mmap_anon(size_t size, void **addr);

/* Unmap the pages of [addr, addr + size) and free their frames; they read
 * zero at the next touch (the region stays: PG_MUNMAP; POSIX munmap, in
 * sys/mman.h, removes the range).  E_INVAL unless page-aligned inside one
 * region. */
#ifndef LIBSYS_POSIX_NAMES
static inline int munmap(void *addr, size_t size) { return pgreq_munmap(addr, size); }
#endif

/* Remove the region that starts at addr.  E_NOENT if there is none. */
int mfree(void *addr);

/* A thread of this process at entry with stack pointer stack and rdi = arg;
 * *ipc_buf (if not NULL) gets its IPC buffer.  E_AGAIN while PG_MAX_THREADS
 * threads live, E_NOMEM without memory for it (a slot is free again once its thread has ended: it called
 * sys_thread_exit or was killed).  When the process's last thread ends, the
 * process ends with exit status 0, as if it had called exit(0). */
int thread_spawn(uint64_t entry, uint64_t stack, uint64_t arg, uint64_t *ipc_buf);

/* Run fn(arg) on a new thread with a fresh stack of stack_size bytes (a
 * mmap_anon region); when fn returns the stack is freed and the thread
 * ends.  (A thread that calls sys_thread_exit itself leaves its stack
 * region to the process until it ends.) */
int thread_start(void (*fn)(void *), void *arg, size_t stack_size);
/* The same, keeping the thread on CPU cpu (-1: any CPU). */
int thread_spawn_on(int cpu, uint64_t entry, uint64_t stack, uint64_t arg,
		    uint64_t *ipc_buf);
int thread_start_on(int cpu, void (*fn)(void *), void *arg, size_t stack_size);

/* Futexes (the kernel's futex_wait/futex_wake on a 32-bit word of this
 * process): futex_wait sleeps while *word == val until a futex_wake of word
 * (E_OK; also a wake meant for an earlier waiter: check the word again),
 * ms milliseconds (E_TIMEDOUT; FUTEX_FOREVER: no limit) or at once if
 * *word != val (E_AGAIN).  futex_wake wakes up to n waiters, oldest first,
 * and returns how many it woke. */
int futex_wait(volatile void *word, uint32_t val, uint64_t ms);
unsigned futex_wake(volatile void *word, unsigned n);

/* Start the initrd program argv[0] with the NULL-terminated argv as a
 * child; *pid = its pid (any thread: its own IPC buffer).  E_NOENT: no
 * such program, E_NOEXEC: not a valid ELF, E_INVAL: more than PG_MAX_ARGS
 * or PG_SPAWN_MAX bytes of arguments. */
int spawnv(const char *const argv[], uint32_t *pid);

/* spawnv with argv = {name, arg} (or just {name} if arg is NULL). */
int spawn(const char *name, const char *arg, uint32_t *pid);

/* Wait until child pid (PG_WAIT_ANY: any child) ends; the pager answers
 * when it does.  E_NOENT: no such child. */
#ifndef LIBSYS_POSIX_NAMES
static inline int waitpid(uint32_t pid, struct wait_status *st)
{
	return pgreq_waitpid(pid, st);
}
#endif

/* The handle of the shared endpoint named key (send and receive rights;
 * messages sent through it carry our pid as the badge). */
int shared_ep(uint64_t key, uint32_t *handle);

#endif
